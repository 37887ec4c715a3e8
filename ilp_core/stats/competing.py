"""Aalen-Johansen cumulative incidence with competing risks."""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from ilp_core.checks import check_choice
from ilp_core.conventions import CONF_TYPES, VARIANCES, level_label, normal_quantile
from ilp_core.stats import _inputs
from ilp_core.stats._curves import values_at
from ilp_core.stats._risk_sets import left_continuous, tabulate
from ilp_core.stats.intervals import incidence_limits

CIF_COLUMNS = ["time", "n_risk", "n_event", "n_competing", "n_censor",
               "estimate", "std_err", "ci_lower", "ci_upper"]

_VARIANCE_NAMES = {"delta": "delta-method (Marubini-Valsecchi; R survfit) variance",
                   "gray": "Gray's variance (R cmprsk::cuminc)"}


@dataclass(frozen=True)
class CumulativeIncidence:
    """Result of :func:`cumulative_incidence`.

    Attributes
    ----------
    table : DataFrame, one row per distinct time: ``time, n_risk, n_event,
        n_competing, n_censor, estimate, std_err, ci_lower, ci_upper``.
    event : the status code of the event of interest.
    conf_type, conf_level, variance : the settings used.
    """

    table: pd.DataFrame = field(repr=False)
    event: int
    conf_type: str
    conf_level: float
    variance: str
    n_subjects: int
    n_events: int
    n_competing: int

    @property
    def method(self) -> str:
        return (f"Aalen-Johansen cumulative incidence, other events competing; "
                f"{_VARIANCE_NAMES[self.variance]}; {level_label(self.conf_level)} pointwise interval "
                f"on the {self.conf_type} scale")

    def at(self, times) -> pd.DataFrame:
        """``time, estimate, std_err, ci_lower, ci_upper, n_risk`` at each requested time; past the
        last follow-up NaN, unless every patient left by an event (then the last values hold)."""
        lower, upper = incidence_limits(np.zeros(1), np.zeros(1), normal_quantile(self.conf_level), self.conf_type)
        origin = {"estimate": 0.0, "std_err": 0.0, "ci_lower": lower[0], "ci_upper": upper[0]}
        last = self.table.iloc[-1]
        everyone_left_by_an_event = last.n_event + last.n_competing == last.n_risk
        return values_at(self.table, times, origin, closed=bool(everyone_left_by_an_event))


def _delta_variance(n, died, d1, surv, surv_before, incidence):
    """Marubini-Valsecchi variance at every row, in O(m), without cancellation.

    Each time t_j adds a_j D_j^2 - 2 c_j D_j + b_j with D_j = F(t) - F(t_j),
    a = d/(n(n-d)), b = S-^2 d1 (n-d1)/n^3, c = S- d1/n^2. Completing the square
    (c/a = S_j d1/d) gives a_j (F(t) - e_j)^2 + r_j, with e_j = F_j + S_j d1/d and
    r_j = S-^2 d1 d2 / (n^2 d) >= 0; where n = d (the last row) the term is r_j.
    The sum over j of a_j (F(t) - e_j)^2 is A (F(t) - mean e)^2 plus the weighted
    spread of e around its running mean: every piece is non-negative, so a variance
    that is truly zero (an incidence reaching 1) comes out ~1e-33, as R's, not 1e-17.
    """
    with np.errstate(divide="ignore", invalid="ignore"):
        a = np.where(n > died, died / (n * (n - died)), 0.0)
        share = np.where(died > 0, d1 / np.where(died > 0, died, 1.0), 0.0)
        r = np.where(died > 0, surv_before ** 2 * d1 * (died - d1) / (n ** 2 * np.where(died > 0, died, 1.0)), 0.0)
    e = incidence + surv * share
    weight = np.cumsum(a)
    total = weight[-1]
    centre = float(a @ e / total) if total > 0 else 0.0
    with np.errstate(divide="ignore", invalid="ignore"):
        mean = np.where(weight > 0, np.cumsum(a * e) / np.where(weight > 0, weight, 1.0), centre)
    spread = np.maximum(np.cumsum(a * (e - centre) ** 2) - weight * (mean - centre) ** 2, 0.0)
    variance = weight * (incidence - mean) ** 2 + spread + np.cumsum(r)
    return np.where(incidence > 0, variance, 0.0)  # no event of interest yet: exactly 0


def _tie_factor(d, n):
    """d (1 - (d - 1)/(n - 1)): the multiplicity correction for d tied events among n."""
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(d > 1, d * (1 - (d - 1) / (n - 1)), d)


def _gray_variance(n, d1, d2, surv, surv_before, incidence):
    """cmprsk::cuminc's variance at every row, in O(m) from running sums.

    sum_j (S_{j-1}^2 / n_j^2) {tau(d1j) [1 - D_j/S_j]^2 + tau(d2j) [D_j/S_j]^2},
    1/S_j read as 0 where S_j = 0. As in cmprsk it changes only at times with
    an event of interest (elsewhere the terms it would add are zero).
    """
    with np.errstate(divide="ignore"):
        inv_s = np.where(surv > 0, 1.0 / np.where(surv > 0, surv, 1.0), 0.0)
    weight = surv_before ** 2 / n ** 2
    own, other = weight * _tie_factor(d1, n), weight * _tie_factor(d2, n)
    g = 1 + incidence * inv_s
    v1 = np.cumsum(own * g ** 2 + other * (incidence * inv_s) ** 2)
    v2 = np.cumsum(own * g * inv_s + other * incidence * inv_s ** 2)
    v3 = np.cumsum((own + other) * inv_s ** 2)
    variance = np.maximum(v1 + incidence ** 2 * v3 - 2 * incidence * v2, 0.0)
    # carry the value at the last time with an event of interest forward, as cmprsk does
    last = np.maximum.accumulate(np.where(d1 > 0, np.arange(len(n)), -1))
    return np.where(last >= 0, variance[np.clip(last, 0, None)], 0.0)


def event_codes(status: np.ndarray, event: int) -> np.ndarray:
    """0 censored, 1 the event of interest, 2 any other (competing) event."""
    return np.where(status == 0, 0, np.where(status == event, 1, 2))


def check_event_code(event) -> int:
    if isinstance(event, bool) or not isinstance(event, (int, np.integer)) or event <= 0:
        raise ValueError(f"event must be the positive whole-number status code of the event of "
                         f"interest (0 means censored); got {event!r}")
    return int(event)


def cumulative_incidence(time, status, *, event: int = 1, conf_level: float = 0.95,
                         conf_type: str = "log-log", variance: str = "delta",
                         timefix: bool = True) -> CumulativeIncidence:
    r"""Aalen-Johansen cumulative incidence of one event type, the others competing.

    .. math::
        \hat F_1(t) = \sum_{t_j \le t} \hat S(t_{j-1}) \frac{d_{1j}}{n_j}

    where :math:`\hat S` is the all-cause Kaplan-Meier; all causes tied at
    :math:`t_j` are processed together (no jittering).

    Parameters
    ----------
    time : array-like of float, follow-up time per subject (>= 0).
    status : array-like of int, 0 = censored, ``event`` = the event of interest,
        any other positive code = a competing event.
    event : int, the code of the event of interest.
    conf_level : float in (0, 1).
    conf_type : ``"log-log"`` (default; tidycmprsk, Stata, EZR), ``"log"`` (R survfit), ``"plain"``.
    variance : ``"delta"`` (default; R survfit, SAS, Stata) or ``"gray"`` (R cmprsk).
    timefix : bool, merge times closer than sqrt(machine epsilon) (R survfit's default;
        cmprsk::cuminc has no such step).

    Returns
    -------
    CumulativeIncidence


    Examples
    --------
    >>> time = [2, 3, 5, 6, 8, 9, 11, 12, 14, 15]
    >>> status = [1, 2, 0, 1, 1, 2, 0, 1, 2, 0]   # 1 the event, 2 competing, 0 censored
    >>> incidence = cumulative_incidence(time, status, variance="gray")
    >>> incidence.at([10]).round(4).to_dict("records")   # R: timepoints(cuminc(time, status), 10): 0.3286, var 0.02851
    [{'time': 10.0, 'estimate': 0.3286, 'std_err': 0.1689, 'ci_lower': 0.0638, 'ci_upper': 0.6375, 'n_risk': 4.0}]

    References
    ----------
    Aalen OO, Johansen S. Scand J Stat 1978;5:141-50. Marubini E, Valsecchi MG.
    Analysing Survival Data from Clinical Trials, Wiley 1995. Gray RJ. Ann Stat 1988;16:1141-54.
    """
    times = _inputs.as_times(time)
    codes = _inputs.as_codes(status, "status")
    _inputs.same_length(time=times, status=codes)
    event = check_event_code(event)
    check_choice(conf_type, "conf_type", CONF_TYPES)
    check_choice(variance, "variance", VARIANCES)
    z = normal_quantile(conf_level)

    sets = tabulate(times, event_codes(codes, event), 3, timefix=timefix)
    n = sets.n_risk[:, 0].astype(float)
    censored, d1, d2 = (sets.counts[:, 0, k] for k in range(3))
    died = d1 + d2
    surv = np.cumprod(1.0 - died / n)
    surv_before = left_continuous(surv, 1.0)
    incidence = np.cumsum(surv_before * (d1 / n))  # as R's survfit multiplies
    if variance == "delta":
        var = _delta_variance(n, died, d1, surv, surv_before, incidence)
    else:
        var = _gray_variance(n, d1, d2, surv, surv_before, incidence)
    std_err = np.sqrt(var)
    lower, upper = incidence_limits(incidence, std_err, z, conf_type)
    table = pd.DataFrame({
        "time": sets.time, "n_risk": sets.n_risk[:, 0], "n_event": d1, "n_competing": d2,
        "n_censor": censored, "estimate": incidence, "std_err": std_err,
        "ci_lower": lower, "ci_upper": upper,
    }, columns=CIF_COLUMNS)
    return CumulativeIncidence(table, event, conf_type, float(conf_level), variance,
                               len(times), int(d1.sum()), int(d2.sum()))
