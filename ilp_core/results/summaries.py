"""Curves per stratum and what is read off them: landmark estimates, numbers at risk, medians, tests.

Pages call these with the selected patients and the chosen conventions; the
chart, the tables, the text and the downloads all read the same results.
"""
from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd

from ilp_core.cohort.endpoints import ENDPOINTS, endpoint
from ilp_core.conventions import FEW_AT_RISK, Settings
from ilp_core.results.selection import MISSING, present_groups, stratum_order
from ilp_core.stats import differences
from ilp_core.stats.comparisons import TestResult, gray_test, logrank_test
from ilp_core.stats.competing import CumulativeIncidence, cumulative_incidence
from ilp_core.stats.survival import KaplanMeier, kaplan_meier, median_follow_up


def _groups(data: pd.DataFrame, labels: pd.Series):
    for name in stratum_order(labels.loc[data.index]):
        yield name, data.index[(labels.loc[data.index] == name).to_numpy()]


def curves(data: pd.DataFrame, endpoint_key: str, labels: pd.Series,
           settings: Settings) -> dict[str, KaplanMeier | CumulativeIncidence]:
    """The endpoint's curve per stratum: Aalen-Johansen for a competing endpoint (status 2
    competes), else Kaplan-Meier (status 1 the event, anything else censored)."""
    competing = ENDPOINTS[endpoint_key].competing
    times = endpoint(data, endpoint_key)
    found = {}
    for name, rows in _groups(data, labels):
        part = times.loc[rows]
        if competing:
            found[name] = cumulative_incidence(settings.in_unit(part.time), part.status, event=1,
                                               conf_level=settings.conf_level, conf_type=settings.cif_conf_type,
                                               variance=settings.cif_variance)
        else:
            found[name] = kaplan_meier(settings.in_unit(part.time), part.status == 1,
                                       conf_level=settings.conf_level, conf_type=settings.km_conf_type)
    return found


def landmark_table(curves: dict, months: list[float], settings: Settings) -> pd.DataFrame:
    """Estimate, named interval bounds and number at risk per stratum at each landmark.

    Columns: ``stratum, time, estimate, ci_lower, ci_upper, n_risk, few_at_risk, method``;
    ``time`` in the display unit. NaN estimate = no patient followed that long.
    """
    frames = []
    for name, curve in curves.items():
        values = curve.at(settings.in_unit(months))
        values["n_risk"] = values.n_risk.fillna(0).round().astype(int)  # past the last follow-up: 0, as the risk table
        values.insert(0, "stratum", name)
        values["few_at_risk"] = values.n_risk < FEW_AT_RISK
        values["method"] = curve.method
        frames.append(values)
    columns = ["stratum", "time", "estimate", "ci_lower", "ci_upper", "n_risk", "few_at_risk", "method"]
    return pd.concat(frames, ignore_index=True)[columns] if frames else pd.DataFrame(columns=columns)


def tick_step(span: float, unit: str, max_ticks: int = 9) -> float:
    """The unit's first round step (3, 6, 12 months...) giving at most ``max_ticks`` ticks over
    ``span``; beyond the longest, 1, 2 or 5 times a power of ten (never thousands of ticks)."""
    steps = {"months": (3, 6, 12, 24, 36, 60), "years": (0.5, 1, 2, 5), "weeks": (4, 13, 26, 52, 104),
             "days": (30, 90, 180, 365, 730)}[unit]
    fitting = [s for s in steps if span / s <= max_ticks - 1]
    if fitting:
        return fitting[0]
    decade = 10.0 ** np.floor(np.log10(span / (max_ticks - 1)))
    return next(s for s in (m * decade * p for p in (1, 10) for m in (1, 2, 5)) if span / s <= max_ticks - 1)


def time_ticks(max_time: float, unit: str, max_ticks: int = 9) -> np.ndarray:
    """Round tick times for the axis and the number-at-risk table (at most about ``max_ticks``), from 0
    to the first tick at or after ``max_time``."""
    step = tick_step(max_time, unit, max_ticks) if max_time > 0 else tick_step(1.0, unit, max_ticks)
    return np.arange(0, np.ceil(max(max_time, step) / step) * step + 1e-9, step)


def risk_table(curves: dict, ticks) -> pd.DataFrame:
    """Number at risk and cumulative events per stratum at each tick: ``stratum, time, n_risk, n_events``."""
    rows = []
    ticks = np.asarray(ticks, dtype=float)
    for name, curve in curves.items():
        table = curve.table
        at_risk = curve.at(ticks).n_risk.fillna(0).astype(int).to_numpy()
        events = np.concatenate(([0], np.cumsum(table.n_event.to_numpy())))
        cumulative = events[np.searchsorted(table.time.to_numpy(), ticks, side="right")]
        rows += [(name, t, n, e) for t, n, e in zip(ticks, at_risk, cumulative)]
    return pd.DataFrame(rows, columns=["stratum", "time", "n_risk", "n_events"])


def median_table(curves: dict[str, KaplanMeier]) -> pd.DataFrame:
    """Median per stratum with its interval: ``stratum, n, events, median, ci_lower, ci_upper``."""
    return pd.DataFrame([(name, c.n_subjects, c.n_events, c.median.estimate, c.median.ci_lower, c.median.ci_upper)
                         for name, c in curves.items()],
                        columns=["stratum", "n", "events", "median", "ci_lower", "ci_upper"])


def censored_alive(data: pd.DataFrame) -> int:
    """Patients last seen alive: the events of the reverse Kaplan-Meier estimate of follow-up."""
    return int((endpoint(data, "overall_survival").status == 0).sum())


def follow_up(data: pd.DataFrame, settings: Settings):
    """Median follow-up (reverse Kaplan-Meier on overall survival) in the display unit."""
    times = endpoint(data, "overall_survival")
    return median_follow_up(settings.in_unit(times.time), times.status, conf_level=settings.conf_level,
                            conf_type=settings.km_conf_type)


def compare_strata(data: pd.DataFrame, endpoint_key: str, labels: pd.Series) -> TestResult | None:
    """Gray's test (competing endpoint) or the log-rank test across the strata; None for one stratum.
    Patients in the '(missing)' stratum are drawn but not tested (``left_out`` counts them)."""
    groups = labels.loc[data.index]
    known = (groups != MISSING).to_numpy()
    groups = present_groups(groups[known])
    if groups.nunique() < 2:
        return None
    times = endpoint(data, endpoint_key)[known]
    if ENDPOINTS[endpoint_key].competing:
        result = gray_test(times.time, times.status, groups)
    else:
        result = logrank_test(times.time, times.status == 1, groups)
    return dataclasses.replace(result, left_out=int((~known).sum()))


def group_difference(curves: dict, months: list[float], settings: Settings) -> pd.DataFrame:
    """For exactly two groups, :func:`ilp_core.stats.differences.landmark_difference` at the landmarks
    (first group minus second; ``time`` in the display unit); empty otherwise."""
    if len(curves) != 2:
        return pd.DataFrame(columns=differences.COLUMNS)
    (name_a, a), (name_b, b) = curves.items()
    return differences.landmark_difference(a, b, settings.in_unit(months), conf_level=settings.conf_level,
                                           names=(name_a, name_b))
