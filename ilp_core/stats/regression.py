"""Regression models for the pages: Cox for survival, Fine-Gray for amputation with death competing.

Each model returns a :class:`RegressionResult` with a tidy table (hazard ratio, named interval
bounds, p-value, and whether the term is estimable at all), the patients and events used, the
conventions it was computed with, and the warnings to show beside it. The fits are ports of R:
``coxph`` (ilp_core.stats.cox), ``cmprsk::crr`` (ilp_core.stats.crr) and ``survival::finegray`` + ``coxph``
(ilp_core.stats.finegray); ``cox.zph`` for the proportional-hazards check.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from scipy.special import ndtr

from ilp_core.checks import check_choice
from ilp_core.conventions import EVENTS_PER_COEFFICIENT, normal_quantile
from ilp_core.levels import as_labels
from ilp_core.stats._inputs import as_codes, as_event_flags, as_times
from ilp_core.stats.cox import coxph_fit
from ilp_core.stats.crr import crr_fit
from ilp_core.stats.finegray import finegray_fit
from ilp_core.stats.proportional_hazards import ph_test

TABLE_COLUMNS = ["term", "coef", "std_err", "hazard_ratio", "ci_lower", "ci_upper", "p_value", "estimable"]
FINE_GRAY_METHODS = ("crr", "finegray")
FINE_GRAY_VARIANCES = ("robust", "model")


class ModelError(ValueError):
    """These patients cannot support the model (no event, no patient with every covariate known,
    nothing to estimate); the message says so in a clinician's words."""


@dataclass(frozen=True)
class RegressionResult:
    """A fitted model.

    table : ``term, coef, std_err, hazard_ratio, ci_lower, ci_upper, p_value, estimable``;
        ``estimable`` is False where R would not give a usable estimate (no event in a level,
        a coefficient running off to infinity, a column set aside as collinear); report those
        as "not estimable", never as a number.
    n, events : patients and events used (patients missing a covariate are left out).
    method : what was computed, for reports. conf_level : the interval level of the table.
    ph_test : proportional-hazards test (Cox only; empty for Fine-Gray).
    warnings : sentences to show beside the model.
    """

    table: pd.DataFrame = field(repr=False)
    n: int
    events: int
    method: str
    ph_test: pd.DataFrame = field(repr=False)
    warnings: tuple[str, ...] = ()
    conf_level: float = 0.95

    @property
    def events_per_variable(self) -> float:
        return self.events / max(len(self.table), 1)


def _wald_table(terms, coef: np.ndarray, se: np.ndarray, conf_level: float, estimable: np.ndarray) -> pd.DataFrame:
    """term, coef, std_err, hazard ratio exp(b), limits exp(b -/+ z se), p = 2 (1 - Phi(|b| / se)),
    and whether the term is estimable (NaN hazard ratio, limits and p where it is not)."""
    z = normal_quantile(conf_level)
    with np.errstate(over="ignore", divide="ignore", invalid="ignore"):
        lower, upper = np.exp(coef - z * se), np.exp(coef + z * se)
        # an interval that overflows to infinity or underflows to 0 has no information: not estimable
        estimable = estimable & np.isfinite(coef) & np.isfinite(se) & (se > 0) & np.isfinite(upper) & (lower > 0)
        table = pd.DataFrame({"term": list(terms), "coef": coef, "std_err": se, "hazard_ratio": np.exp(coef),
                              "ci_lower": lower, "ci_upper": upper,
                              "p_value": 2 * ndtr(-np.abs(coef / se)), "estimable": estimable},
                             columns=TABLE_COLUMNS)
    table.loc[~estimable, ["hazard_ratio", "ci_lower", "ci_upper", "p_value"]] = np.nan
    return table


def design_matrix(data: pd.DataFrame, covariates: list[str], reference: dict | None = None):
    """Numbers as they are; categories as indicator columns named 'column: level vs reference'.

    Returns the matrix, the columns each covariate produced (``{covariate: [columns]}``) and the
    rows used (those with every covariate known).
    """
    reference = reference or {}
    twice = sorted({name for name in covariates if list(covariates).count(name) > 1})
    if twice:
        raise ValueError(f"each covariate can enter a model once; {', '.join(map(repr, twice))} is listed twice")
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


def _separated(x: pd.DataFrame, event: np.ndarray, terms: dict[str, list[str]]) -> np.ndarray:
    """Indicator columns whose hazard ratio runs to 0 or infinity (separation): no event among the
    patients with the level, or none among those without it, or none in the covariate's reference
    level (then every level of that covariate is compared with a group that has no event)."""
    out = np.zeros(x.shape[1], dtype=bool)
    for columns in terms.values():
        index = [x.columns.get_loc(c) for c in columns]
        values = x[columns].to_numpy()
        if not len(index) or not np.isin(values, (0.0, 1.0)).all():
            continue
        reference = values.sum(axis=1) == 0
        for i, column in zip(index, values.T):
            out[i] = event[column == 1].sum() == 0 or event[column == 0].sum() == 0 or event[reference].sum() == 0
    return out


def _warnings(x: pd.DataFrame, event: np.ndarray, separated: np.ndarray) -> list[str]:
    notes = []
    events, coefficients = int(event.sum()), max(x.shape[1], 1)
    if events / coefficients < EVENTS_PER_COEFFICIENT:
        notes.append(f"{events} events for {x.shape[1]} coefficients ({events / coefficients:.1f} per coefficient, "
                     f"fewer than {EVENTS_PER_COEFFICIENT}): estimates may be unstable and overfitted")
    notes += [f"{column}: no events in one group (separation); its hazard ratio is not estimable"
              for column, flag in zip(x.columns, separated) if flag]
    return notes


def _complete(data: pd.DataFrame, covariates: list[str], reference: dict | None, outcome: str,
              time: str, status: str):
    """The design matrix on the patients with the time, status and every covariate known (as R's
    na.omit); ModelError if nothing is left."""
    x, terms, complete = design_matrix(data, covariates, reference)
    complete &= data[time].notna() & data[status].notna()
    if not complete.any():
        raise ModelError("no patient has every chosen covariate recorded; choose other covariates")
    if x.shape[1] == 0:
        raise ModelError("the chosen covariates take a single value in these patients: nothing to compare")
    if not data.loc[complete, outcome].any():
        raise ModelError("no event among the patients with every covariate recorded: no model can be fitted")
    return x[complete], terms, complete


def cox_regression(data: pd.DataFrame, time: str, event: str, covariates: list[str], *,
                   reference: dict | None = None, conf_level: float = 0.95) -> RegressionResult:
    r"""Cox proportional-hazards model as R ``coxph(Surv(time, event) ~ ..., ties = "efron")``.

    Hazard ratio exp(b) with Wald interval exp(b -/+ z se) and p = 2 (1 - Phi(|b| / se)).
    Patients missing any covariate are left out (n says how many were used). Terms with no
    event in a level, or whose coefficient R would call possibly infinite, are not estimable.

    Parameters
    ----------
    data : one row per patient.
    time, event : column names (event 1 = event, 0 = censored).
    covariates : column names; categories become indicators against ``reference[column]``
        (default: the first level in sorted order).
    conf_level : level of the intervals.

    Examples
    --------
    >>> import pandas as pd
    >>> aml = pd.DataFrame({"time": [9, 13, 13, 18, 23, 28, 31, 34, 45, 48, 161, 5, 5, 8, 8, 12, 16, 23, 27, 30, 33,
    ...                              43, 45],
    ...                     "status": [1, 1, 0, 1, 1, 0, 1, 1, 0, 1, 0, 1, 1, 1, 1, 1, 0, 1, 1, 1, 1, 1, 1],
    ...                     "x": ["Maintained"] * 11 + ["Nonmaintained"] * 12})
    >>> fit = cox_regression(aml, "time", "status", ["x"])   # R: coxph(Surv(time, status) ~ x, aml)
    >>> fit.table[["term", "hazard_ratio", "ci_lower", "ci_upper"]].round(4).to_dict("records")
    [{'term': 'x: Nonmaintained vs Maintained', 'hazard_ratio': 2.4981, 'ci_lower': 0.9159, 'ci_upper': 6.8135}]
    """
    x, terms, complete = _complete(data, covariates, reference, event, time, event)
    times = as_times(data.loc[complete, time], time)
    events = as_event_flags(data.loc[complete, event], event).astype(float)
    fit = coxph_fit(times, events, x.to_numpy(float))
    separated = _separated(x, events, terms)
    estimable = ~(separated | fit.infinite | fit.singular)
    notes = _warnings(x, events, separated)
    notes += [f"{column}: the coefficient runs off to infinity (R: \"Loglik converged before variable\"); "
              "not estimable" for column, flag in zip(x.columns, fit.infinite & ~separated) if flag]
    notes += [f"{column}: no information to estimate it (collinear with other covariates, or nobody else at risk "
              "when the events happened); not estimable" for column, flag in zip(x.columns, fit.singular) if flag]
    if not fit.converged:
        notes.append(f"the fit did not converge in {fit.iterations} iterations (R: \"Ran out of iterations\"); "
                     "the estimates are unreliable")
    table = _wald_table(x.columns, fit.coef, np.sqrt(np.clip(np.diag(fit.variance), 0, None)), conf_level, estimable)
    try:
        with np.errstate(over="ignore", divide="ignore", invalid="ignore"):
            ph = ph_test(times, events, x, np.nan_to_num(fit.coef), terms)
    except np.linalg.LinAlgError:
        ph = pd.DataFrame({"term": [*terms, "GLOBAL"], "chisq": np.nan, "df": np.nan, "p_value": np.nan})
        notes.append("the proportional-hazards test could not be computed (singular information matrix)")
    return RegressionResult(table, len(times), int(events.sum()),
                            "Cox proportional-hazards model (Efron ties, as R coxph); Wald intervals; proportional-"
                            "hazards check by the score test of R survival's cox.zph (Kaplan-Meier time scale)",
                            ph, tuple(notes), float(conf_level))


def fine_gray(data: pd.DataFrame, time: str, status: str, covariates: list[str], *, event: int = 1,
              reference: dict | None = None, conf_level: float = 0.95, method: str = "crr",
              variance: str = "robust") -> RegressionResult:
    r"""Fine-Gray model for the subdistribution hazard of one event type, others competing.

    ``method="crr"`` (default) is R's ``cmprsk::crr`` (ilp_core.stats.crr): inverse-probability-of-
    censoring weighted partial likelihood, Breslow ties, memory linear in patients.
    ``method="finegray"`` is R's ``survival::finegray`` expansion then ``coxph`` with its weights,
    Efron ties (refused above 200,000 expanded rows). ``variance="robust"`` (default) gives each
    one's robust variance (crr's sandwich including the estimation of the censoring distribution,
    or coxph's with each expanded row its own cluster); ``"model"`` the inverse information.
    Subdistribution hazard ratio exp(b) with Wald interval exp(b -/+ z se).


    Examples
    --------
    >>> import pandas as pd
    >>> data = pd.DataFrame({"time": [2, 3, 5, 6, 8, 9, 11, 12, 14, 15], "status": [1, 2, 0, 1, 1, 2, 0, 1, 2, 0],
    ...                      "group": ["a", "b"] * 5})
    >>> fit = fine_gray(data, "time", "status", ["group"])   # R: crr(time, status, group == "b")
    >>> fit.table[["term", "hazard_ratio", "ci_lower", "ci_upper"]].round(4).to_dict("records")
    [{'term': 'group: b vs a', 'hazard_ratio': 0.6149, 'ci_lower': 0.1091, 'ci_upper': 3.4636}]

    References
    ----------
    Fine JP, Gray RJ. JASA 1999;94:496-509. Geskus RB. Biometrics 2011;67:39-49.
    """
    check_choice(method, "method", FINE_GRAY_METHODS)
    check_choice(variance, "variance", FINE_GRAY_VARIANCES)
    codes_all = (data[status] == event).astype(int)
    x, terms, complete = _complete(data.assign(_has_event=codes_all), covariates, reference, "_has_event", time,
                                   status)
    times, codes = as_times(data.loc[complete, time], time), as_codes(data.loc[complete, status], status)
    values = x.to_numpy(float)
    events = (codes == event).astype(float)
    separated = _separated(x, events, terms)
    notes = _warnings(x, events, separated)
    try:
        if method == "crr":
            fit = crr_fit(times, codes, values, event=event)
            coef, information, robust, converged = fit.coef, fit.information, fit.robust, fit.converged
            running = fit.diverging & ~separated
            separated = separated | fit.diverging
            notes += [f"{column}: the coefficient runs off to infinity (the fit does not settle); not estimable"
                      for column, flag in zip(x.columns, running) if flag]
            if not converged:
                notes.append(f"crr did not converge in {fit.iterations} iterations (as R reports converged = FALSE); "
                             "the terms marked not estimable are why, the others are as R prints them")
        else:
            coef, information, robust, converged = finegray_fit(times, codes, values, event)
        covariance = robust if variance == "robust" else np.linalg.inv(information)
        se = np.sqrt(np.clip(np.diag(covariance), 0, None))
    except np.linalg.LinAlgError:
        coef = se = np.full(x.shape[1], np.nan)
        notes.append("the model could not be fitted: singular information (a covariate with no events in a level, "
                     "or too few events)")
    label = {("crr", "robust"): "R cmprsk::crr, robust (sandwich) standard errors",
             ("crr", "model"): "R cmprsk::crr likelihood, model-based standard errors",
             ("finegray", "robust"): "R survival::finegray + weighted coxph (Efron ties), coxph's default "
                                     "standard errors (robust when the weights are not whole numbers)",
             ("finegray", "model"): "R survival::finegray + weighted coxph (Efron ties), model-based standard "
                                    "errors"}[(method, variance)]
    return RegressionResult(_wald_table(x.columns, coef, se, conf_level, ~separated), len(times), int(events.sum()),
                            f"Fine-Gray subdistribution hazards model ({label}); Wald intervals",
                            pd.DataFrame(columns=["term", "chisq", "df", "p_value"]), tuple(notes), float(conf_level))


def univariable(fit, data: pd.DataFrame, covariates: list[str], **kwargs) -> pd.DataFrame:
    """Each covariate in a model of its own (``fit`` is cox_regression or fine_gray with its other
    arguments in ``kwargs``): the stacked tables with the patients and events each used. A covariate
    that cannot be modelled alone gets one row saying why in ``note``."""
    frames = []
    for name in covariates:
        try:
            result = fit(data, covariates=[name], **kwargs)
        except ModelError as exc:
            frames.append(pd.DataFrame({"term": [name], "estimable": [False], "covariate": [name], "note": [str(exc)]}))
            continue
        frames.append(result.table.assign(covariate=name, n=result.n, events=result.events, note=""))
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=TABLE_COLUMNS)
