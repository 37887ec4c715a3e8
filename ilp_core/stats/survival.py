"""Kaplan-Meier survival, its median with confidence limits, and median follow-up."""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from ilp_core.checks import check_choice
from ilp_core.conventions import CONF_TYPES, level_label, normal_quantile
from ilp_core.stats import _inputs
from ilp_core.stats._curves import values_at
from ilp_core.stats._risk_sets import tabulate
from ilp_core.stats.intervals import survival_limits

# R's survival treats a curve within this distance of 0.5 as touching it (as all.equal).
_TOLERANCE = float(np.sqrt(np.finfo(float).eps))

KM_COLUMNS = ["time", "n_risk", "n_event", "n_censor", "estimate", "std_err", "ci_lower", "ci_upper"]


@dataclass(frozen=True)
class Median:
    """A median time with its confidence limits; NaN where not reached."""

    estimate: float
    ci_lower: float
    ci_upper: float
    method: str = ""


@dataclass(frozen=True)
class KaplanMeier:
    """Result of :func:`kaplan_meier`.

    Attributes
    ----------
    table : DataFrame, one row per distinct time: ``time, n_risk, n_event,
        n_censor, estimate, std_err, ci_lower, ci_upper``. ``std_err`` is the
        Greenwood standard error of S (S times the standard error of log S).
    conf_type, conf_level : the interval settings used.
    median : :class:`Median`, from the curve and its inverted pointwise band.
    """

    table: pd.DataFrame = field(repr=False)
    conf_type: str
    conf_level: float
    median: Median
    n_subjects: int
    n_events: int

    @property
    def method(self) -> str:
        return (f"Kaplan-Meier estimator; Greenwood variance; {level_label(self.conf_level)} pointwise "
                f"interval on the {self.conf_type} scale")

    def at(self, times) -> pd.DataFrame:
        """``time, estimate, std_err, ci_lower, ci_upper, n_risk`` at each requested time; past the
        last follow-up NaN, unless the curve reached 0 (then 0 for ever)."""
        origin = {"estimate": 1.0, "std_err": 0.0, "ci_lower": 1.0, "ci_upper": 1.0}
        return values_at(self.table, times, origin, closed=bool(self.table.estimate.iloc[-1] == 0))


def _time_reaching(time: np.ndarray, curve: np.ndarray, p: float = 0.5) -> float:
    """First time the curve is at or below ``p``: R's rule for ``summary(survfit)$table``.

    Values within sqrt(machine epsilon) of ``p`` count as equal. If the curve
    first touches ``p`` exactly and later drops further, the answer is the
    midpoint between that time and the time of the next drop (the usual rule for
    a flat stretch at 0.5). NaN (not reached) when the curve never gets there.
    Reading a non-monotone band this way gives its first crossing.
    """
    reached = ~np.isnan(curve) & (curve < p + _TOLERANCE)
    if not reached.any():
        return float("nan")
    times, values = time[reached], curve[reached]
    if abs(values[0] - p) < _TOLERANCE:
        lower = np.flatnonzero(values < values[0])
        if lower.size:
            return float((times[0] + times[lower[0]]) / 2)
    return float(times[0])


def _median(table: pd.DataFrame, method: str) -> Median:
    time = table["time"].to_numpy()
    return Median(
        estimate=_time_reaching(time, table["estimate"].to_numpy()),
        ci_lower=_time_reaching(time, table["ci_lower"].to_numpy()),
        ci_upper=_time_reaching(time, table["ci_upper"].to_numpy()),
        method=method,
    )


def kaplan_meier(time, event, *, conf_level: float = 0.95, conf_type: str = "log-log",
                 timefix: bool = True) -> KaplanMeier:
    r"""Kaplan-Meier estimate of the survival function with pointwise confidence limits.

    .. math::
        \hat S(t) = \prod_{t_j \le t} \left(1 - \frac{d_j}{n_j}\right), \qquad
        \widehat{\mathrm{Var}}(\log \hat S(t)) = \sum_{t_j \le t} \frac{d_j}{n_j (n_j - d_j)}

    (Greenwood). Subjects censored at an event time are still at risk at it.

    Parameters
    ----------
    time : array-like of float, follow-up time per subject (>= 0).
    event : array-like of bool or 0/1, 1 = event, 0 = censored.
    conf_level : float in (0, 1).
    conf_type : ``"log-log"`` (default; SAS, Stata), ``"log"`` (R survfit), or ``"plain"`` (SPSS).
    timefix : bool, merge times closer than sqrt(machine epsilon) into the earliest of them,
        as R survfit's default ``timefix = TRUE`` (aeqSurv) does.

    Returns
    -------
    KaplanMeier


    Examples
    --------
    >>> maintained = [9, 13, 13, 18, 23, 28, 31, 34, 45, 48, 161]   # R: aml[aml$x == "Maintained", ]
    >>> died = [1, 1, 0, 1, 1, 0, 1, 1, 0, 1, 0]
    >>> kaplan_meier(maintained, died).at([12]).round(4).to_dict("records")   # R: 0.9091, 0.5081 to 0.9867
    [{'time': 12.0, 'estimate': 0.9091, 'std_err': 0.0867, 'ci_lower': 0.5081, 'ci_upper': 0.9867, 'n_risk': 10.0}]

    References
    ----------
    Kaplan EL, Meier P. JASA 1958;53:457-81. R package survival, ``survfit``.
    """
    times = _inputs.as_times(time)
    events = _inputs.as_event_flags(event)
    _inputs.same_length(time=times, event=events)
    check_choice(conf_type, "conf_type", CONF_TYPES)
    z = normal_quantile(conf_level)

    sets = tabulate(times, events, 2, timefix=timefix)
    n = sets.n_risk[:, 0].astype(float)
    died, censored = sets.counts[:, 0, 1], sets.counts[:, 0, 0]
    surv = np.cumprod(1.0 - died / n)
    with np.errstate(divide="ignore"):  # n = d: S falls to 0 and the variance of log S is infinite
        sigma = np.sqrt(np.cumsum(died / (n * (n - died))))
    lower, upper = survival_limits(surv, sigma, z, conf_type)
    with np.errstate(invalid="ignore"):
        std_err = np.where(surv > 0, surv * sigma, np.nan)
    table = pd.DataFrame({
        "time": sets.time, "n_risk": sets.n_risk[:, 0], "n_event": died, "n_censor": censored,
        "estimate": surv, "std_err": std_err, "ci_lower": lower, "ci_upper": upper,
    }, columns=KM_COLUMNS)
    level = float(conf_level)
    median = _median(table, f"median of the Kaplan-Meier curve; limits from the inverted "
                                       f"{level_label(level)} {conf_type} pointwise band")
    return KaplanMeier(table, conf_type, level, median, len(times), int(died.sum()))


def median_follow_up(time, event, *, conf_level: float = 0.95, conf_type: str = "log-log",
                     timefix: bool = True) -> Median:
    """Median follow-up by the reverse Kaplan-Meier method, with its confidence limits.

    Censoring is treated as the event and events as censored, so the median is
    the time by which half the subjects would have been last seen alive had no
    one had the event (Schemper & Smith, Control Clin Trials 1996;17:343-6).

    Examples
    --------
    >>> time = [9, 13, 13, 18, 23, 28, 31, 34, 45, 48, 161, 5, 5, 8, 8, 12, 16, 23, 27, 30, 33, 43, 45]   # R: aml
    >>> died = [1, 1, 0, 1, 1, 0, 1, 1, 0, 1, 0, 1, 1, 1, 1, 1, 0, 1, 1, 1, 1, 1, 1]
    >>> follow = median_follow_up(time, died)   # R: survfit(Surv(time, 1 - status) ~ 1, aml, conf.type = "log-log")
    >>> follow.estimate, follow.ci_lower, follow.ci_upper   # R: 161, 28, NA
    (161.0, 28.0, nan)
    """
    events = _inputs.as_event_flags(event)
    reverse = kaplan_meier(time, 1 - events, conf_level=conf_level, conf_type=conf_type, timefix=timefix)
    m = reverse.median
    return Median(m.estimate, m.ci_lower, m.ci_upper,
                  f"reverse Kaplan-Meier median follow-up; limits from the inverted "
                  f"{level_label(reverse.conf_level)} {conf_type} band")
