"""What the Predictors page fits: an outcome, covariates with reference levels, for the selected patients.

A :class:`ModelRequest` names the model; :func:`fit_outcome_model` fits it to whatever patients
and conventions are current, so the Predictors page, the Export page and the zip always report
the model of the present selection (never one fitted earlier on other patients).
"""
from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from ilp_core.checks import check_choice
from ilp_core.cohort.endpoints import Endpoint, endpoint, modelled
from ilp_core.results.selection import MISSING, as_labels, category_columns, levels
from ilp_core.stats.regression import ModelError, RegressionResult, cox_regression, fine_gray, univariable

OUTCOMES: dict[str, Endpoint] = {e.key: e for e in modelled()}  # Cox, or Fine-Gray where death competes
# What settings files of version 2 called the outcome whose key is now "local_recurrence_deaths_censored".
_FORMER_KEYS = {"local_recurrence": "local_recurrence_deaths_censored"}
# Numbers enter a model per unit: the hazard ratio is per year of age, per cm, per grade.
NUMERIC_COVARIATES = {"age_years": "Age (per year)", "tumor_size_cm": "Tumour size (per cm)",
                      "grade": "FNCLCC grade (per grade)"}


@dataclass(frozen=True)
class ModelRequest:
    """Which model: an OUTCOMES key, the covariates, and the reference level of each category."""

    outcome: str
    covariates: tuple[str, ...]
    reference: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class OutcomeModel:
    """The fitted model (all covariates together) and each covariate alone, with what was asked."""

    request: ModelRequest
    outcome: Endpoint
    model: RegressionResult
    single: pd.DataFrame


def covariate_options(data: pd.DataFrame) -> dict[str, str]:
    """``{column: label}`` of what can enter a model: numbers with two or more known values, then
    categories with two or more levels."""
    numbers = {c: label for c, label in NUMERIC_COVARIATES.items()
               if c in data and enters_as_number(data, c) and data[c].notna().sum() > 1}
    return numbers | {c: label for c, label in category_columns(data).items()
                      if c not in numbers and data[c].nunique() > 1}


def enters_as_number(data: pd.DataFrame, column: str) -> bool:
    """Whether a covariate enters the model per unit (age, size, grade as numbers); a category (also a
    grade whose levels the user renamed) enters as levels against a reference."""
    return column in NUMERIC_COVARIATES and pd.api.types.is_numeric_dtype(data[column]) \
        and not pd.api.types.is_bool_dtype(data[column])


def reference_levels(data: pd.DataFrame, column: str) -> list[str]:
    """The levels a category's reference can be (missing excluded)."""
    return [v for v in levels(data, column) if v != MISSING]


def default_reference(data: pd.DataFrame, column: str) -> str | None:
    """The reference level a model starts with: the first of an ordered grouping (the youngest age
    group, the user's own first), otherwise the level with the most patients, whose comparisons are
    the most precise (the first in order of equals). The first in alphabetical order could be two
    patients without an event, which leaves every other level not estimable."""
    choices = reference_levels(data, column)
    if not choices or isinstance(data[column].dtype, pd.CategoricalDtype):
        return choices[0] if choices else None
    counts = as_labels(data[column]).value_counts()
    return max(choices, key=lambda level: (counts.get(level, 0), -choices.index(level)))


def fit_outcome_model(data: pd.DataFrame, request: ModelRequest, *, conf_level: float = 0.95) -> OutcomeModel:
    """Fit ``request`` to ``data`` (Cox, or Fine-Gray by crr for a competing outcome), and each
    covariate alone. A ModelError says why when these patients cannot support it (a covariate or
    reference level absent from them, no event, nothing to estimate)."""
    outcome = OUTCOMES[check_choice(request.outcome, "outcome", OUTCOMES)]
    options = covariate_options(data)
    absent = [c for c in request.covariates if c not in options]
    if absent:
        raise ModelError(f"{', '.join(absent)} cannot enter a model for these patients (absent, or one value only)")
    if not request.covariates:
        raise ModelError("choose at least one covariate")
    reference = dict(request.reference)
    for column, level in reference.items():
        if column in request.covariates and level not in reference_levels(data, column):
            raise ModelError(f"the reference level {level!r} of {options[column]} is not among these patients")
    times = endpoint(data, outcome.key)
    # the model's terms read as the user reads the covariates: "Age (per year)", "Limb: upper vs lower"
    labels = {c: options[c] for c in request.covariates}
    if len(set(labels.values())) < len(labels):
        labels = {c: c for c in request.covariates}
    frame = pd.DataFrame({"_time": times.time, "_status": times.status, "_event": (times.status == 1).astype(int),
                          **{labels[c]: data[c] for c in request.covariates}}, index=data.index)
    arguments = dict(time="_time", conf_level=conf_level,
                     reference={labels[c]: level for c, level in reference.items() if c in labels})
    arguments |= {"status": "_status"} if outcome.competing else {"event": "_event"}
    fit = fine_gray if outcome.competing else cox_regression
    covariates = [labels[c] for c in request.covariates]
    model = fit(frame, covariates=covariates, **arguments)
    return OutcomeModel(request, outcome, model, univariable(fit, frame, covariates, **arguments))


def refit(data: pd.DataFrame, request: ModelRequest | None, *, conf_level: float) -> tuple[OutcomeModel | None, str]:
    """The requested model refitted to ``data``: ``(model, "")``, or ``(None, why)`` when these
    patients cannot support it (then reports leave it out and say why); ``(None, "")`` for no request."""
    if request is None:
        return None, ""
    try:
        return fit_outcome_model(data, request, conf_level=conf_level), ""
    except ModelError as exc:
        return None, str(exc)


def request_from_settings(saved: dict | None) -> ModelRequest | None:
    """A ModelRequest from a settings file's ``model`` entry (already type-checked), or None."""
    outcome = _FORMER_KEYS.get(saved.get("outcome"), saved.get("outcome")) if saved else None
    if outcome not in OUTCOMES:
        return None
    return ModelRequest(outcome, tuple(dict.fromkeys(saved["covariates"])),
                        tuple(saved.get("reference", {}).items()))


def request_for_settings(request: ModelRequest | None) -> dict | None:
    """The JSON form of a ModelRequest for the settings file."""
    if request is None:
        return None
    return {"outcome": request.outcome, "covariates": list(request.covariates), "reference": dict(request.reference)}
