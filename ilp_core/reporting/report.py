"""Results and methods text with every headline number and its own interval.

Each sentence is built from the same landmark table the app shows, estimate and
bounds taken from one row, so an interval can never stand beside another estimate
(a published series printed the interval of amputation-free probability beside the
incidence of amputation).
"""
from __future__ import annotations

import platform

import numpy as np
import pandas as pd
import scipy

from ilp_core.cohort.endpoints import ENDPOINTS
from ilp_core.conventions import EARLY_WINDOW_DAYS, PRESETS, UNIT_DEFINITIONS, interval_label, level_label
from ilp_core.levels import ALL_PATIENTS, MISSING
from ilp_core.reporting.display import follow_up_missing
from ilp_core.reporting.formatting import p_value, percent, ratio_with_ci, time_interval, time_value, time_with_unit
from ilp_core.results.analysis import Analysis
from ilp_core.results.groupings import GROUPED

VERSION = "0.1.0"
_SCALE = {"log-log": "log-log", "log": "log", "plain": "linear (plain)"}


def _with_ci(row, level: str) -> str:
    """'11.8% (95% CI 4.0% to 23.9%)'; the bounds are named columns of the same row."""
    if row.estimate != row.estimate:
        return "not estimable (no patient followed that long)"
    if row.ci_lower != row.ci_lower or row.ci_upper != row.ci_upper:
        return f"{percent(row.estimate, 1)} (interval not defined)"
    return f"{percent(row.estimate, 1)} ({level} {percent(row.ci_lower, 1)} to {percent(row.ci_upper, 1)})"


def _at_landmarks(table: pd.DataFrame, level: str, unit: str) -> str:
    parts = [f"{_with_ci(row, level)} at {time_with_unit(row.time, unit)}" for row in table.itertuples()]
    return parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]


def _groups(analysis: Analysis, endpoint: str):
    table = analysis.landmarks_table(endpoint)
    for name, part in table.groupby("stratum", sort=False):
        yield name, part


def _listed(names: list[str]) -> str:
    """'the A; the B; and the C' (the test names themselves hold commas)."""
    names = [f"the {n}" for n in names]
    return names[0] if len(names) == 1 else "; ".join(names[:-1]) + "; and " + names[-1]


def _follow_up(analysis: Analysis) -> str:
    """'Median follow-up was 46.7 months (95% CI 36.0 to not reached; reverse Kaplan-Meier).'"""
    follow, s = analysis.follow_up, analysis.settings
    if follow.estimate != follow.estimate:
        reason = follow_up_missing(analysis.censored_alive)
        return f"Median follow-up (reverse Kaplan-Meier) {'was ' if reason.startswith('not') else ''}{reason}."
    return (f"Median follow-up was {time_value(follow.estimate)} {s.time_unit} ({interval_label(s.conf_level)} "
            f"{time_interval(follow.ci_lower, follow.ci_upper)}; reverse Kaplan-Meier).")


def _test_sentence(result) -> str:
    if result is None:
        return ""
    if result.note:
        note = result.note.removeprefix("not computable: ")
        return f" {result.method[:1].upper() + result.method[1:]} was not computable: {note}."
    left_out = (f" ({result.left_out} patient{'s' if result.left_out != 1 else ''} with no recorded value "
                f"{'were' if result.left_out != 1 else 'was'} not tested)") if result.left_out else ""
    return (f" {result.method[:1].upper() + result.method[1:]}: chi-square {result.statistic:.2f} on {result.df} "
            f"df, {p_value(result.p_value)}{left_out}.")


def _perfusion_and_resection(flow: dict, n: int, who: str, how: str) -> str:
    """'Of 34 patients treated ..., the perfusion was completed in 30 (88%) and 25 had a resection after a
    completed perfusion.'; the patients whose completion or resection is not recorded are said, not counted
    as 'no' (a workbook without these columns read 'completed in 0 (0%)')."""
    unknown, resection_unknown = flow.get("completion_unknown", 0), flow.get("resection_unknown", 0)
    if unknown == n:
        return f"{who} {'were' if n != 1 else 'was'} {how}; whether the perfusion was completed is not recorded."
    known = n - unknown
    text = f"Of {who} {how}, the perfusion was completed in {flow['completed']} ({100 * flow['completed'] / known:.0f}%"
    text += f" of the {known} with it recorded)" if unknown else ")"
    if resection_unknown and resection_unknown == flow["completed"]:
        return text + "; whether a resection followed is not recorded."
    return text + (f" and {flow['surgery']} had a resection after a completed perfusion"
                   + (f" (not recorded for {resection_unknown})" if resection_unknown else "") + ".")


def results_text(analysis: Analysis) -> str:
    """Paragraphs with every headline estimate, each followed by its own interval."""
    s = analysis.settings
    level, unit = interval_label(s.conf_level), s.time_unit
    flow = dict(zip(analysis.flow.step, analysis.flow.n))
    n = analysis.n_selected
    excluded = analysis.n_rows - analysis.n_loaded
    left_out = (f" ({excluded} further row{'s' if excluded != 1 else ''} of the workbook "
                f"{'were' if excluded != 1 else 'was'} left out for data errors; see the Problems list)"
                if excluded > 0 else "")
    who = f"{n} patient{'s' if n != 1 else ''}{left_out}"
    how = "treated with isolated limb perfusion" + (f" (selected: {analysis.filters})" if analysis.filters else "")
    lines = [_perfusion_and_resection(flow, n, who, how) + " " + _follow_up(analysis)]
    for endpoint in analysis.curves:
        groups, described = list(_groups(analysis, endpoint)), ENDPOINTS[endpoint]
        if len(groups) == 1:
            lines.append(f"{described.opening} {_at_landmarks(groups[0][1], level, unit)}.")
            continue
        parts = [f"{_at_landmarks(part, level, unit)} in the {name} group" for name, part in groups]
        lines.append(f"By {analysis.compare_by.lower()}, {described.subject} was " + "; and ".join(parts) + "."
                     + _test_sentence(analysis.tests[endpoint]))
    overall = analysis.complications[analysis.complications.outcome.str.startswith("Early severe")]
    if len(overall) and (overall.n == 0).all():
        lines.append("The early severe complication rate is not given: it needs early death, compartment syndrome "
                     "and amputation for a treatment reaction recorded, and no selected patient has them (the "
                     "workbook lacks these columns, or they are blank).")
    for row in overall[overall.n > 0].itertuples():
        who = "" if row.stratum == ALL_PATIENTS else f" in the {row.stratum} group"
        missing = analysis.unrecorded
        unrecorded = (f" ({' and '.join(missing)} {'was' if len(missing) == 1 else 'were'} not recorded and "
                      "could not count)") if missing else ""
        patients = f"{row.n} patient{'s' if row.n != 1 else ''}"
        lines.append(f"An early severe complication (death, compartment syndrome or amputation for a treatment "
                     f"reaction within {EARLY_WINDOW_DAYS} days) occurred{who} in {row.k} of {patients}"
                     f"{unrecorded}, {_with_ci(row, level)}, exact Clopper-Pearson interval.")
    return "\n\n".join(lines)


def _estimated(endpoints: list, how: str) -> str:
    """'Overall survival (...) and local recurrence-free survival (...) were estimated with <how>'."""
    names = [e.definition for e in endpoints]
    listed = names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]
    return f"{listed[:1].upper() + listed[1:]} {'was' if len(names) == 1 else 'were'} estimated with {how}"


def _estimators(analysis: Analysis) -> str:
    """One sentence per estimator, naming each reported endpoint by its definition in the registry."""
    s, level = analysis.settings, level_label(analysis.settings.conf_level)
    survival = [ENDPOINTS[k] for k in analysis.curves if not ENDPOINTS[k].competing]
    incidence = [ENDPOINTS[k] for k in analysis.curves if ENDPOINTS[k].competing]
    text = ""
    if survival:
        text += (_estimated(survival, "the Kaplan-Meier method") + f". Standard errors used Greenwood's formula and "
                 f"{level} pointwise confidence intervals were computed on the {_SCALE[s.km_conf_type]} scale; "
                 "median survival intervals invert the pointwise band. ")
    if incidence:
        variance = ("delta-method (Marubini-Valsecchi) variance" if s.cif_variance == "delta"
                    else "variance of Gray (1988)")
        text += (_estimated(incidence, "the Aalen-Johansen estimator") + f", using the {variance} and {level} "
                 f"confidence intervals on the {_SCALE[s.cif_conf_type]} scale of the incidence. ")
    return text


def _comparisons(analysis: Analysis) -> str:
    """'Groups defined by limb were compared with the log-rank test (survival) and Gray's test (...)'."""
    if not analysis.compare_by or not any(analysis.tests.values()):
        return ""
    kinds = {ENDPOINTS[k].competing for k, test in analysis.tests.items() if test is not None}
    tests = [name for competing, name in ((False, "the log-rank test (survival)"),
                                          (True, "Gray's test (cumulative incidence)")) if competing in kinds]
    by = analysis.compare_by.lower().removesuffix(GROUPED)  # 'tumour size (cm)', its groups named below
    groups = [g for g in next(iter(analysis.curves.values()), {}) if g != MISSING]
    return (f"Groups defined by {by} ({', '.join(groups)}) were compared with {' and '.join(tests)}; patients "
            f"with no recorded {by} were described but not tested. ")


def methods_text(analysis: Analysis) -> str:
    """A methods paragraph naming estimators, variances, interval transforms, tests, time origin and software:
    each reported endpoint by its definition in the registry."""
    s = analysis.settings
    preset = PRESETS.get(s.preset)
    unit = f"{s.time_unit} ({UNIT_DEFINITIONS[s.time_unit]})" if s.time_unit in UNIT_DEFINITIONS else s.time_unit
    text = (f"Time was measured from the date of the isolated limb perfusion and is reported in {unit}. "
            + _estimators(analysis)
            + "Median follow-up was estimated with the reverse Kaplan-Meier method. "
            + _comparisons(analysis)
            + "The early severe complication rate (death, compartment syndrome or amputation for a treatment "
            f"reaction within {EARLY_WINDOW_DAYS} days) is given with an exact Clopper-Pearson interval. ")
    if analysis.baseline.tests is not None and len(analysis.baseline.tests):
        used = [t for t in dict.fromkeys(analysis.baseline.tests.test)
                if not t.startswith(("not computable", "no test"))]
        if used:
            text += f"Baseline characteristics were compared with {_listed(used)}. "
    if preset is not None:
        text += f"Conventions followed: {preset.name}. "
    text += (f"Analyses used ILP outcomes {VERSION} (ilp_core) with Python {platform.python_version()}, NumPy "
             f"{np.__version__}, SciPy {scipy.__version__} and pandas {pd.__version__}; its estimates reproduce R "
             f"(survival 3.5-3, cmprsk 2.2-11) to 1e-9 on reference data.")
    return text


def model_sentence(result, outcome: str) -> str:
    """'In the Cox model for overall survival (n = 34, 18 events), age: HR 1.02 (95% CI 0.99 to 1.05),
    p = 0.21; limb: upper vs lower: not estimable.' The interval label is the model's own level."""
    kind = "Fine-Gray" if result.method.startswith("Fine-Gray") else "Cox"
    ratio = "SHR" if kind == "Fine-Gray" else "HR"
    parts = [f"{row.term}: {ratio_with_ci(row, ratio, result.conf_level)}" for row in result.table.itertuples()]
    return (f"In the {kind} model for {outcome} (n = {result.n}, {result.events} events), "
            + "; ".join(parts) + ".")


def fitted_model_sentence(fitted) -> str:
    """:func:`model_sentence` of a :class:`predictors.OutcomeModel` (its endpoint named as in the
    registry), or '' for no model."""
    return model_sentence(fitted.model, fitted.outcome.model_subject) if fitted is not None else ""
