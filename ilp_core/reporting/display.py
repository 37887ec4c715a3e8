"""Tables and lines as the pages show them: formatted text, interval labels at the level in force,
'not reached' or 'not estimable' or '–' where there is no number (never 'nan').

Each function takes a result the estimators made and the settings it was made with, so a label
can never disagree with its number.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from ilp_core.conventions import FEW_AT_RISK, interval_label
from ilp_core.reporting.formatting import DASH, interval, number, p_number, p_value, percent, time_interval, time_value
from ilp_core.results.complications import OUTCOMES
from ilp_core.stats.comparisons import TestResult
from ilp_core.stats.survival import Median

FEW_AT_RISK_NOTE = f"\u2020 fewer than {FEW_AT_RISK} at risk"


def landmark_display(table: pd.DataFrame, *, conf_level: float, time_unit: str, what: str) -> pd.DataFrame:
    """Group, time, estimate, its interval, at risk and a note, from :func:`summaries.landmark_table`."""
    return pd.DataFrame({
        "Group": table.stratum,
        f"Time ({time_unit})": table.time.map(lambda t: number(t, 1 if time_unit != "days" else 0)),
        what: table.estimate.map(lambda v: percent(v, 1)),
        interval_label(conf_level): [interval(lo, hi, 1) for lo, hi in zip(table.ci_lower, table.ci_upper)],
        "At risk": table.n_risk.map(lambda n: number(n, 0)),
        "Note": table.few_at_risk.map(lambda few: FEW_AT_RISK_NOTE if few else ""),
    })


def _points(value) -> str:
    return DASH if value != value else f"{100 * value:.1f} points"


def difference_display(difference: pd.DataFrame, *, conf_level: float, time_unit: str) -> pd.DataFrame:
    """Time, difference (points), its interval, p and why there is none, from
    :func:`summaries.group_difference` (two groups)."""
    a, b = difference.group_a.iloc[0], difference.group_b.iloc[0]
    return pd.DataFrame({
        f"Time ({time_unit})": difference.time.map(lambda t: number(t, 1)),
        f"{a} minus {b}": difference.difference.map(_points),
        interval_label(conf_level): [DASH if lo != lo else f"{100 * lo:.1f} to {100 * hi:.1f} points"
                               for lo, hi in zip(difference.ci_lower, difference.ci_upper)],
        "p (z-test)": difference.p_value.map(p_value),
        "Note": difference.note,
    })


def median_display(medians: pd.DataFrame, *, conf_level: float, time_unit: str) -> pd.DataFrame:
    """Group, patients, events, median and its interval ('not reached' where the curve never gets there)."""
    return pd.DataFrame({
        "Group": medians.stratum, "Patients": medians.n, "Events": medians.events,
        f"Median ({time_unit})": medians["median"].map(time_value),
        interval_label(conf_level): [time_interval(lo, hi) for lo, hi in zip(medians.ci_lower, medians.ci_upper)],
    })


def follow_up_missing(censored_alive: int | None) -> str:
    """Why there is no median follow-up: nobody was last seen alive, or too few were."""
    if censored_alive == 0:
        return "cannot be estimated: no patient was last seen alive (every patient died)"
    return "not reached (fewer than half of the patients were censored alive)"


def follow_up_line(follow: Median, *, conf_level: float, time_unit: str, censored_alive: int | None = None) -> str:
    """'Median follow-up (reverse Kaplan-Meier): **46.7 months** (95% CI 36.0 to not reached).'"""
    if follow.estimate != follow.estimate:
        return f"Median follow-up (reverse Kaplan-Meier): {follow_up_missing(censored_alive)}."
    return (f"Median follow-up (reverse Kaplan-Meier): **{time_value(follow.estimate)} {time_unit}** "
            f"({interval_label(conf_level)} {time_interval(follow.ci_lower, follow.ci_upper)}).")


def test_line(result: TestResult | None, by: str | None = None) -> str:
    """'**Gray's test** across groups: chi-square 1.15 on 1 df, p = 0.284.', why it could not be
    computed, and how many patients with no group value were left out."""
    if result is None:
        return ""
    name = result.method[:1].upper() + result.method[1:]
    if result.note:
        line = f"**{name}**: {result.note}."
    else:
        line = (f"**{name}** across groups: chi-square {result.statistic:.2f} on {result.df} df, "
                f"{p_value(result.p_value)}.")
    if result.left_out:
        line += (f" {result.left_out} patient{'s' if result.left_out != 1 else ''} with no "
                 f"{(by or 'group').lower()} value {'are' if result.left_out != 1 else 'is'} drawn but not tested.")
    return line


def model_display(table: pd.DataFrame, *, ratio: str, conf_level: float) -> pd.DataFrame:
    """Term, ratio, interval and p of a model table, 'not estimable' where the model has no estimate;
    patients and events too for the table of each covariate alone."""
    rows = []
    for row in table.itertuples():
        note = getattr(row, "note", "") or ""
        if note:
            rows.append((row.term, "not estimable", DASH, DASH, note))
            continue
        estimable = bool(getattr(row, "estimable", True)) and row.hazard_ratio == row.hazard_ratio
        rows.append((row.term,
                     f"{row.hazard_ratio:.2f}" if estimable else "not estimable",
                     f"{row.ci_lower:.2f} to {row.ci_upper:.2f}" if estimable else DASH,
                     p_value(row.p_value) if estimable else DASH, ""))
    frame = pd.DataFrame(rows, columns=["Term", ratio, interval_label(conf_level), "p", "Note"])
    if "n" in table:  # each covariate alone: its own patients and events
        frame.insert(4, "Patients", table.n.map(lambda v: number(v, 0)).to_numpy())
        frame.insert(5, "Events", table.events.map(lambda v: number(v, 0)).to_numpy())
    return frame if frame.Note.astype(bool).any() else frame.drop(columns="Note")


def category_display(counts: pd.DataFrame, label: str) -> pd.DataFrame:
    """:func:`description.category_counts` as shown: percentages with one decimal, blank for the
    '(missing)' row (its patients are counted, not part of the denominator)."""
    shown = counts.rename(columns={"value": label}).copy()
    for column in [c for c in shown.columns if str(c).endswith("%")]:
        shown[column] = shown[column].map(lambda v: "" if v != v else f"{v:.1f}")
    return shown


def ph_display(ph_test: pd.DataFrame) -> pd.DataFrame:
    """The proportional-hazards test (R's ``cox.zph``) under a reader's headings: per covariate and for
    all together ("GLOBAL" in R), its chi-square, degrees of freedom and p-value."""
    return pd.DataFrame({
        "Covariate": ph_test.term.replace({"GLOBAL": "All together (global test)"}),
        "Chi-square": ph_test.chisq.map(lambda v: f"{v:.2f}" if np.isfinite(v) else "not computable"),
        "Degrees of freedom": ph_test.df.map(lambda v: f"{v:g}" if np.isfinite(v) else ""),
        "p-value": ph_test.p_value.map(p_number),
    })


def complication_display(table: pd.DataFrame, *, conf_level: float) -> pd.DataFrame:
    """Group, outcome, rate and its interval, then k of n, from :func:`complications.complication_table`.
    The rate stands next to its outcome, and the composite under its short name (what is not recorded is
    said beside the table): at 1024 px the long name pushed the rate and interval out of sight."""
    short = OUTCOMES["early_severe_complication"]  # "...(any)"; the table's may add "; ... not recorded)"
    outcome = table.outcome.where(~table.outcome.str.startswith(short[:-1] + ";"), short)
    return pd.DataFrame({
        "Group": table.stratum, "Outcome": outcome, "Rate": table.estimate.map(lambda v: percent(v, 1)),
        interval_label(conf_level): [interval(lo, hi, 1) for lo, hi in zip(table.ci_lower, table.ci_upper)],
        "Patients with it": table.k, "Patients known": table.n, "Unknown": table.unknown,
    })
