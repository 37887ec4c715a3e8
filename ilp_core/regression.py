"""Cox proportional-hazards regression with its proportional-hazards check.

The model is fitted by lifelines' CoxPHFitter (Efron ties, as R's coxph); the
proportional-hazards test reproduces R survival 3.x's cox.zph (score test for
covariate-by-g(t) interactions, g = 1 - KM(t-) centred over the events).
"""
from __future__ import annotations

import warnings
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from scipy.stats import chi2, norm

from .selection import as_labels

TABLE_COLUMNS = ["term", "coef", "std_err", "hazard_ratio", "ci_lower", "ci_upper", "p_value"]


@dataclass(frozen=True)
class RegressionResult:
    """A fitted model: ``table`` (term, coef, std_err, hazard_ratio, ci_lower, ci_upper, p_value),
    the patients and events used, the proportional-hazards test, and warnings to show beside it."""

    table: pd.DataFrame = field(repr=False)
    n: int
    events: int
    method: str
    ph_test: pd.DataFrame = field(repr=False)
    warnings: tuple[str, ...] = ()

    @property
    def events_per_variable(self) -> float:
        return self.events / max(len(self.table), 1)


def design_matrix(data: pd.DataFrame, covariates: list[str], reference: dict | None = None):
    """Numbers as they are; categories as indicator columns named 'column: level vs reference'.

    Returns the matrix, the columns each covariate produced (``{covariate: [columns]}``) and the
    rows used (those with every covariate known).
    """
    reference = reference or {}
    parts, terms = [], {}
    for name in covariates:
        values = data[name]
        if pd.api.types.is_numeric_dtype(values) and not pd.api.types.is_bool_dtype(values):
            parts.append(values.astype(float).rename(name))
            terms[name] = [name]
            continue
        labels = as_labels(values).where(values.notna())
        levels = sorted(labels.dropna().unique(), key=str)
        base = reference.get(name, levels[0] if levels else None)
        if base not in levels:
            raise ValueError(f"reference level {base!r} of {name} is not among its values {levels}")
        columns = []
        for level in [lv for lv in levels if lv != base]:
            column = f"{name}: {level} vs {base}"
            parts.append((labels == level).astype(float).where(labels.notna()).rename(column))
            columns.append(column)
        terms[name] = columns
    matrix = pd.concat(parts, axis=1) if parts else pd.DataFrame(index=data.index)
    return matrix, terms, matrix.notna().all(axis=1)


def _km_transform(time: np.ndarray, event: np.ndarray) -> np.ndarray:
    """1 - KM(t-) at each subject's time (R cox.zph's transform="km")."""
    times, inverse = np.unique(time, return_inverse=True)
    deaths = np.bincount(inverse, weights=event, minlength=len(times))
    at_risk = np.cumsum(np.bincount(inverse, minlength=len(times))[::-1])[::-1]
    surv = np.cumprod(1 - deaths / at_risk)
    before = np.concatenate(([1.0], surv[:-1]))
    return 1.0 - before[inverse]


def _zph_score(time, event, x, eta, g):
    """Score vector and information matrix for [x, g(t) x] at beta-hat, Efron ties (R's zph1)."""
    n, p = x.shape
    x = x - x.mean(axis=0)
    risk = np.exp(eta - eta.max())
    times, inverse = np.unique(time, return_inverse=True)
    m = len(times)

    def per_time(weights):
        return np.bincount(inverse, weights=weights, minlength=m)

    def reverse_cumsum(values):
        return np.cumsum(values[::-1], axis=0)[::-1]

    dead = event.astype(bool)
    d = per_time(dead.astype(float))
    r_all, r_dead = per_time(risk), per_time(risk * dead)
    a_all = np.column_stack([per_time(risk * x[:, i]) for i in range(p)])
    a_dead = np.column_stack([per_time(risk * dead * x[:, i]) for i in range(p)])
    c_all = np.stack([np.column_stack([per_time(risk * x[:, i] * x[:, j]) for j in range(p)]) for i in range(p)], 1)
    c_dead = np.stack([np.column_stack([per_time(risk * dead * x[:, i] * x[:, j]) for j in range(p)])
                       for i in range(p)], 1)
    # at each time: everyone with a later time, plus those censored at it ("rest"); deaths added by Efron
    rest_r = reverse_cumsum(r_all) - r_dead
    rest_a = reverse_cumsum(a_all) - a_dead
    rest_c = reverse_cumsum(c_all) - c_dead
    g_time = np.zeros(m)
    g_time[inverse[dead]] = g[dead]
    u = np.zeros(2 * p)
    info = np.zeros((2 * p, 2 * p))
    x_dead_sum = np.column_stack([per_time(dead * x[:, i]) for i in range(p)])
    u[:p] = x_dead_sum.sum(axis=0)
    u[p:] = (g_time[:, None] * x_dead_sum).sum(axis=0)
    for k in range(1, int(d.max()) + 1):
        rows = d >= k
        f = k / d[rows]
        denom = rest_r[rows] + f * r_dead[rows]
        a = rest_a[rows] + f[:, None] * a_dead[rows]
        c = rest_c[rows] + f[:, None, None] * c_dead[rows]
        mean = a / denom[:, None]
        term = c / denom[:, None, None] - mean[:, :, None] * mean[:, None, :]
        gt = g_time[rows]
        u[:p] -= mean.sum(axis=0)
        u[p:] -= (gt[:, None] * mean).sum(axis=0)
        info[:p, :p] += term.sum(axis=0)
        info[:p, p:] += (gt[:, None, None] * term).sum(axis=0)
        info[p:, p:] += (gt[:, None, None] ** 2 * term).sum(axis=0)
    info[p:, :p] = info[:p, p:].T
    return u, info


def ph_test(time, event, x: pd.DataFrame, coef: np.ndarray, terms: dict[str, list[str]]) -> pd.DataFrame:
    """R survival 3.x ``cox.zph(fit)``: a chi-square per covariate (its columns together) and GLOBAL."""
    time, event, values = np.asarray(time, float), np.asarray(event, float), x.to_numpy(float)
    g = _km_transform(time, event)
    g = g - g[event == 1].mean()
    u, info = _zph_score(time, event, values, values @ coef, g)
    p = values.shape[1]
    rows = []
    for name, columns in terms.items():
        index = [x.columns.get_loc(c) for c in columns]
        keep = list(range(p)) + [p + i for i in index]
        score = np.concatenate([np.zeros(p), u[[p + i for i in index]]])
        statistic = float(score @ np.linalg.solve(info[np.ix_(keep, keep)], score))
        rows.append((name, statistic, len(index), float(chi2.sf(statistic, len(index)))))
    score = np.concatenate([np.zeros(p), u[p:]])
    statistic = float(score @ np.linalg.solve(info, score))
    rows.append(("GLOBAL", statistic, p, float(chi2.sf(statistic, p))))
    return pd.DataFrame(rows, columns=["term", "chisq", "df", "p_value"])


def _warnings(x: pd.DataFrame, event: np.ndarray, terms: dict) -> tuple[str, ...]:
    notes = []
    events = int(event.sum())
    if events / max(x.shape[1], 1) < 10:
        notes.append(f"{events} events for {x.shape[1]} coefficients ({events / max(x.shape[1], 1):.1f} per "
                     "coefficient, fewer than 10): estimates may be unstable and overfitted")
    for name, columns in terms.items():
        for column in columns:
            values = x[column].to_numpy()
            if set(np.unique(values)) <= {0.0, 1.0}:
                if event[values == 1].sum() == 0 or event[values == 0].sum() == 0:
                    notes.append(f"{column}: no events in one group (separation); its hazard ratio is not estimable")
    return tuple(notes)


def cox_regression(data: pd.DataFrame, time: str, event: str, covariates: list[str], *,
                   reference: dict | None = None, conf_level: float = 0.95) -> RegressionResult:
    r"""Cox proportional-hazards model, Efron ties (as R ``coxph(..., ties = "efron")``).

    Hazard ratio exp(b) with Wald interval exp(b -/+ z se) and p = 2 (1 - Phi(|b| / se)).
    Patients missing any covariate are left out (n says how many were used).

    Parameters
    ----------
    data : one row per patient.
    time, event : column names (event 1 = event, 0 = censored).
    covariates : column names; categories become indicators against ``reference[column]``
        (default: the first level in sorted order).
    """
    from lifelines import CoxPHFitter

    x, terms, complete = design_matrix(data, covariates, reference)
    frame = x[complete].assign(_time=data.loc[complete, time].astype(float),
                               _event=data.loc[complete, event].astype(float))
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        fitter = CoxPHFitter().fit(frame, "_time", "_event", fit_options={"precision": 1e-12})
    fit_notes = tuple(f"the fit reported: {str(w.message).splitlines()[0]}" for w in caught
                      if issubclass(w.category, RuntimeWarning))
    coef = fitter.params_.reindex(x.columns).to_numpy()
    se = fitter.standard_errors_.reindex(x.columns).to_numpy()
    z = norm.ppf(1 - (1 - conf_level) / 2)
    with np.errstate(over="ignore", divide="ignore", invalid="ignore"):  # separation: limits run to infinity
        table = pd.DataFrame({"term": x.columns, "coef": coef, "std_err": se, "hazard_ratio": np.exp(coef),
                              "ci_lower": np.exp(coef - z * se), "ci_upper": np.exp(coef + z * se),
                              "p_value": 2 * norm.sf(np.abs(coef / se))}, columns=TABLE_COLUMNS)
    events = frame._event.to_numpy()
    try:
        with np.errstate(over="ignore", divide="ignore", invalid="ignore"):
            ph = ph_test(frame._time, events, frame[x.columns], coef, terms)
    except np.linalg.LinAlgError:
        ph = pd.DataFrame({"term": [*terms, "GLOBAL"], "chisq": np.nan, "df": np.nan, "p_value": np.nan})
        fit_notes += ("the proportional-hazards test could not be computed (singular information matrix)",)
    return RegressionResult(table, len(frame), int(events.sum()),
                            "Cox proportional-hazards model (Efron ties); Wald intervals; proportional-hazards "
                            "check by the score test of R survival's cox.zph (Kaplan-Meier time scale)",
                            ph, _warnings(frame[x.columns], events, terms) + fit_notes)



def finegray_rows(time: np.ndarray, status: np.ndarray, event: int = 1) -> pd.DataFrame:
    """R ``survival::finegray``'s expanded data: ``row, start, stop, status, weight``.

    Subjects with a competing event stay at risk after it, in the intervals between censoring
    times that hold an event of interest, weighted G(interval) / G(their own interval), where G
    is the Kaplan-Meier of censoring with events before censorings at a tied time.
    """
    time, status = np.asarray(time, float), np.asarray(status)
    censored = status == 0
    cut = np.unique(time[censored])
    later = len(time) - np.searchsorted(np.sort(time), cut, side="right")       # time > c
    lost = np.array([((time == c) & censored).sum() for c in cut], dtype=float)
    surv = np.cumprod(1 - lost / np.maximum(later + lost, 1))
    ends = np.append(cut, time.max())                       # interval j is (ends[j-1], ends[j]]
    probs = np.concatenate(([1.0], surv))                   # G over interval j
    keep = np.zeros(len(ends), dtype=bool)
    keep[np.unique(np.searchsorted(ends, np.unique(time[status == event]), side="left"))] = True
    keep[0] = True
    start = 0.0 if time.min() > 0 else 2 * time.min() - 1
    rows = []
    for i, (t, s) in enumerate(zip(time, status)):
        if s == 0 or s == event:
            rows.append((i, start, t, int(s == event), 1.0))
            continue
        j = int(np.searchsorted(ends, t, side="left"))      # first interval end >= t
        rows.append((i, start, ends[j], 0, 1.0))
        rows += [(i, ends[k - 1], ends[k], 0, probs[k] / probs[j]) for k in range(j + 1, len(ends)) if keep[k]]
    return pd.DataFrame(rows, columns=["row", "start", "stop", "status", "weight"])


def _efron_information_and_residuals(start, stop, status, weight, x, coef):
    """Weighted Efron information matrix and score residuals for (start, stop] data at ``coef``
    (the quantities R's coxph uses for its model-based and robust variances)."""
    n, p = x.shape
    x = x - x.mean(axis=0)
    relative = np.exp(x @ coef)
    risk = weight * relative
    info = np.zeros((p, p))
    residuals = np.zeros((n, p))
    for t in np.unique(stop[status == 1]):
        at_risk = np.flatnonzero((start < t) & (stop >= t))
        dead = (stop[at_risk] == t) & (status[at_risk] == 1)
        d = int(dead.sum())
        xr, rr = x[at_risk], risk[at_risk]
        total, total_x = rr.sum(), rr @ xr
        total_xx = (rr[:, None] * xr).T @ xr
        dead_r, dead_x = rr[dead].sum(), rr[dead] @ xr[dead]
        dead_xx = (rr[dead][:, None] * xr[dead]).T @ xr[dead]
        mean_weight = weight[at_risk][dead].sum() / d
        for k in range(d):
            f = k / d
            denom = total - f * dead_r
            mean = (total_x - f * dead_x) / denom
            info += mean_weight * ((total_xx - f * dead_xx) / denom - np.outer(mean, mean))
            hazard = mean_weight / denom
            share = np.where(dead, 1 - f, 1.0)
            residuals[at_risk] -= (relative[at_risk] * share * hazard)[:, None] * (xr - mean)
            residuals[at_risk[dead]] += (xr[dead] - mean) / d
    return info, residuals


FINE_GRAY_VARIANCES = ("coxph", "model")


def fine_gray(data: pd.DataFrame, time: str, status: str, covariates: list[str], *, event: int = 1,
              reference: dict | None = None, conf_level: float = 0.95, variance: str = "coxph") -> RegressionResult:
    r"""Fine-Gray model for the subdistribution hazard of one event type, others competing.

    Fitted as R does it: ``finegray()`` expands the data (subjects with a competing event stay
    in the risk set with inverse-probability-of-censoring weights), then ``coxph`` with the
    weights and Efron ties. ``variance="coxph"`` gives what coxph reports for these data: with
    non-integer weights its default is the robust sandwich I^-1 (sum w^2 s s') I^-1 with each
    expanded row its own cluster; ``"model"`` gives the inverse information. Subdistribution
    hazard ratio exp(b) with Wald interval exp(b -/+ z se).

    References
    ----------
    Fine JP, Gray RJ. JASA 1999;94:496-509. Geskus RB. Biometrics 2011;67:39-49.
    """
    from lifelines import CoxPHFitter

    if variance not in FINE_GRAY_VARIANCES:
        raise ValueError(f"variance must be one of {', '.join(map(repr, FINE_GRAY_VARIANCES))}; got {variance!r}")
    x, terms, complete = design_matrix(data, covariates, reference)
    used = data.loc[complete]
    expanded = finegray_rows(used[time].to_numpy(float), used[status].to_numpy(), event)
    values = x[complete].to_numpy(float)[expanded.row.to_numpy()]
    frame = pd.DataFrame(values, columns=x.columns).assign(
        _start=expanded.start, _stop=expanded.stop, _status=expanded.status, _weight=expanded.weight)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        fitter = CoxPHFitter().fit(frame, "_stop", "_status", entry_col="_start", weights_col="_weight",
                                   fit_options={"precision": 1e-12})
    notes = tuple(f"the fit reported: {str(w.message).splitlines()[0]}" for w in caught
                  if issubclass(w.category, RuntimeWarning) and "not integers" not in str(w.message))
    coef = fitter.params_.reindex(x.columns).to_numpy()
    info, residuals = _efron_information_and_residuals(
        expanded.start.to_numpy(), expanded.stop.to_numpy(), expanded.status.to_numpy(),
        expanded.weight.to_numpy(), values, coef)
    inverse = np.linalg.inv(info)
    if variance == "coxph":
        influence = (expanded.weight.to_numpy()[:, None] * residuals) @ inverse
        covariance = influence.T @ influence
    else:
        covariance = inverse
    se = np.sqrt(np.diag(covariance))
    z = norm.ppf(1 - (1 - conf_level) / 2)
    with np.errstate(over="ignore", divide="ignore", invalid="ignore"):
        table = pd.DataFrame({"term": x.columns, "coef": coef, "std_err": se, "hazard_ratio": np.exp(coef),
                              "ci_lower": np.exp(coef - z * se), "ci_upper": np.exp(coef + z * se),
                              "p_value": 2 * norm.sf(np.abs(coef / se))}, columns=TABLE_COLUMNS)
    events = (used[status] == event).to_numpy(float)
    label = {"coxph": "robust (sandwich) standard errors as R's coxph on finegray data",
             "model": "model-based standard errors"}[variance]
    return RegressionResult(table, len(used), int(events.sum()),
                            f"Fine-Gray subdistribution hazards model (R finegray + weighted Cox, Efron ties); "
                            f"{label}; Wald intervals", pd.DataFrame(columns=["term", "chisq", "df", "p_value"]),
                            _warnings(x[complete], events, terms) + notes)


def univariable(fit, data: pd.DataFrame, covariates: list[str], **kwargs) -> pd.DataFrame:
    """Each covariate in a model of its own (``fit`` is cox_regression or fine_gray with its other
    arguments in ``kwargs``): the stacked tables with the patients and events each used."""
    frames = []
    for name in covariates:
        result = fit(data, covariates=[name], **kwargs)
        frames.append(result.table.assign(covariate=name, n=result.n, events=result.events))
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=TABLE_COLUMNS)
