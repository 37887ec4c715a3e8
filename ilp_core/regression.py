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


def _wald_table(terms, coef: np.ndarray, se: np.ndarray, conf_level: float) -> pd.DataFrame:
    """term, coef, std_err, hazard ratio exp(b), limits exp(b -/+ z se), p = 2 (1 - Phi(|b| / se)).
    Under separation the limits run to infinity (shown as not estimable), without a warning."""
    z = norm.ppf(1 - (1 - conf_level) / 2)
    with np.errstate(over="ignore", divide="ignore", invalid="ignore"):
        return pd.DataFrame({"term": terms, "coef": coef, "std_err": se, "hazard_ratio": np.exp(coef),
                             "ci_lower": np.exp(coef - z * se), "ci_upper": np.exp(coef + z * se),
                             "p_value": 2 * norm.sf(np.abs(coef / se))}, columns=TABLE_COLUMNS)


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
    table = _wald_table(x.columns, coef, se, conf_level)
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


FINE_GRAY_METHODS = ("crr", "finegray")
FINE_GRAY_VARIANCES = ("robust", "model")


def _censoring_before(time: np.ndarray, status: np.ndarray) -> np.ndarray:
    """G(t-) at each time: Kaplan-Meier of censoring as R survfit counts ties (everyone with
    time >= t is at risk of being censored at t), as cmprsk::crr uses it."""
    cut = np.unique(time[status == 0])
    order = np.sort(time)
    at_risk = len(time) - np.searchsorted(order, cut, side="left")
    lost = np.array([(time[status == 0] == c).sum() for c in cut], dtype=float)
    after = np.cumprod(1 - lost / at_risk)
    k = np.searchsorted(cut, time, side="left")
    return np.where(k > 0, after[np.maximum(k - 1, 0)], 1.0)


def _crr(time, status, z, event):
    """cmprsk::crr: coefficients, information and the robust variance of Fine & Gray (1999).

    At each failure time u of interest (Breslow ties) the risk set holds everyone with time >= u
    (weight 1) and those with an earlier competing event (weight G(u-)/G(t_j-)). The variance
    is I^-1 sum (eta_i + psi_i)(eta_i + psi_i)' I^-1, psi carrying the estimation of G.
    Memory grows as failures x patients.
    """
    order = np.argsort(time, kind="stable")
    t, eps, x = time[order], status[order], z[order]
    n, p = x.shape
    g = _censoring_before(t, eps)
    fail, competing = np.flatnonzero(eps == event), (eps != 0) & (eps != event)
    tf = t[fail][:, None]
    pattern = np.where(t[None, :] >= tf, 1.0,
                       np.where(competing[None, :] & (t[None, :] < tf), g[fail][:, None] / g[None, :], 0.0))

    def terms(beta):
        weight = pattern * np.exp(x @ beta)[None, :]
        s0 = weight.sum(axis=1)
        mean = (weight @ x) / s0[:, None]
        s2 = np.einsum("fj,jk,jl->fkl", weight, x, x)
        info = (s2 / s0[:, None, None] - mean[:, :, None] * mean[:, None, :]).sum(axis=0)
        return (x[fail] - mean).sum(axis=0), info, s0, mean

    beta = np.zeros(p)
    for _ in range(100):
        score, info, s0, mean = terms(beta)
        step = np.linalg.solve(info, score)
        beta = beta + step
        if np.abs(step).max() < 1e-12:
            break
    score, info, s0, mean = terms(beta)
    risk = np.exp(x @ beta)
    eta = -np.einsum("fi,i,fik->ik", pattern, risk, (x[None, :, :] - mean[:, None, :]) / s0[:, None, None])
    eta[fail] += x[fail] - mean
    cut = np.unique(t[eps == 0])
    at_risk = n - np.searchsorted(t, cut, side="left")
    lost = np.array([(t[eps == 0] == c).sum() for c in cut], dtype=float)
    q = np.zeros((len(cut), p))
    for m, c in enumerate(cut):  # q(c): how the estimate depends on the censoring hazard at c
        before, later = competing & (t < c), t[fail] >= c
        if before.any() and later.any():
            a, b = (risk[before] / g[before]) @ x[before], (risk[before] / g[before]).sum()
            share = g[fail][later] / s0[later]
            q[m] = a * share.sum() - b * (share[:, None] * mean[later]).sum(axis=0)
    cumulative = np.cumsum(q * (lost / at_risk ** 2)[:, None], axis=0)
    k = np.searchsorted(cut, t, side="right")
    psi = -np.where(k[:, None] > 0, cumulative[np.maximum(k - 1, 0)], 0.0)
    own = np.searchsorted(cut, t, side="left")
    censored = eps == 0
    psi[censored] += q[own[censored]] / at_risk[own[censored]][:, None]
    inverse = np.linalg.inv(info)
    return beta, info, inverse @ ((eta + psi).T @ (eta + psi)) @ inverse


def _finegray_coxph(time, status, values, event):
    """survival::finegray + coxph: coefficients, information, and coxph's default (robust,
    each expanded row its own cluster) variance for these non-integer weights."""
    from lifelines import CoxPHFitter
    expanded = finegray_rows(time, status, event)
    rows = values[expanded.row.to_numpy()]
    columns = [f"x{i}" for i in range(values.shape[1])]
    frame = pd.DataFrame(rows, columns=columns).assign(
        _start=expanded.start, _stop=expanded.stop, _status=expanded.status, _weight=expanded.weight)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # lifelines notes the non-integer weights; the variance is computed here
        fitter = CoxPHFitter().fit(frame, "_stop", "_status", entry_col="_start", weights_col="_weight",
                                   fit_options={"precision": 1e-12})
    coef = fitter.params_.reindex(columns).to_numpy()
    info, residuals = _efron_information_and_residuals(
        expanded.start.to_numpy(), expanded.stop.to_numpy(), expanded.status.to_numpy(),
        expanded.weight.to_numpy(), rows, coef)
    influence = (expanded.weight.to_numpy()[:, None] * residuals) @ np.linalg.inv(info)
    return coef, info, influence.T @ influence


def fine_gray(data: pd.DataFrame, time: str, status: str, covariates: list[str], *, event: int = 1,
              reference: dict | None = None, conf_level: float = 0.95, method: str = "crr",
              variance: str = "robust") -> RegressionResult:
    r"""Fine-Gray model for the subdistribution hazard of one event type, others competing.

    ``method="crr"`` (default) is R's ``cmprsk::crr``: inverse-probability-of-censoring
    weighted partial likelihood, Breslow ties. ``method="finegray"`` is R's
    ``survival::finegray`` expansion then ``coxph`` with its weights, Efron ties (the two
    differ slightly in ties and in how censoring is weighted). ``variance="robust"``
    (default) gives each one's robust variance: crr's sandwich including the estimation of
    the censoring distribution, or coxph's sandwich with each expanded row its own cluster
    (coxph's default for non-integer weights); ``"model"`` the inverse information.
    Subdistribution hazard ratio exp(b) with Wald interval exp(b -/+ z se).

    References
    ----------
    Fine JP, Gray RJ. JASA 1999;94:496-509. Geskus RB. Biometrics 2011;67:39-49.
    """
    if method not in FINE_GRAY_METHODS:
        raise ValueError(f"method must be one of {', '.join(map(repr, FINE_GRAY_METHODS))}; got {method!r}")
    if variance not in FINE_GRAY_VARIANCES:
        raise ValueError(f"variance must be one of {', '.join(map(repr, FINE_GRAY_VARIANCES))}; got {variance!r}")
    x, terms, complete = design_matrix(data, covariates, reference)
    used = data.loc[complete]
    times, codes, values = used[time].to_numpy(float), used[status].to_numpy(), x[complete].to_numpy(float)
    fit = _crr if method == "crr" else _finegray_coxph
    with np.errstate(over="ignore", divide="ignore", invalid="ignore"):
        try:
            coef, info, robust = fit(times, codes, values, event)
            covariance = robust if variance == "robust" else np.linalg.inv(info)
            notes = ()
        except np.linalg.LinAlgError:
            coef = covariance = None
            notes = ("the model could not be fitted: singular information (a covariate with no events in a "
                     "level, or too few events)",)
        if coef is None:
            coef, se = np.full(x.shape[1], np.nan), np.full(x.shape[1], np.nan)
        else:
            se = np.sqrt(np.diag(covariance))
    table = _wald_table(x.columns, coef, se, conf_level)
    events = (codes == event).astype(float)
    label = {("crr", "robust"): "R cmprsk::crr, robust (sandwich) standard errors",
             ("crr", "model"): "R cmprsk::crr likelihood, model-based standard errors",
             ("finegray", "robust"): "R survival::finegray + weighted coxph (Efron ties), coxph's robust "
                                     "standard errors",
             ("finegray", "model"): "R survival::finegray + weighted coxph (Efron ties), model-based standard "
                                    "errors"}[(method, variance)]
    return RegressionResult(table, len(used), int(events.sum()),
                            f"Fine-Gray subdistribution hazards model ({label}); Wald intervals",
                            pd.DataFrame(columns=["term", "chisq", "df", "p_value"]),
                            _warnings(x[complete], events, terms) + notes)


def univariable(fit, data: pd.DataFrame, covariates: list[str], **kwargs) -> pd.DataFrame:
    """Each covariate in a model of its own (``fit`` is cox_regression or fine_gray with its other
    arguments in ``kwargs``): the stacked tables with the patients and events each used."""
    frames = []
    for name in covariates:
        result = fit(data, covariates=[name], **kwargs)
        frames.append(result.table.assign(covariate=name, n=result.n, events=result.events))
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=TABLE_COLUMNS)
