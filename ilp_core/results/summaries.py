"""Curves per stratum and what is read off them: landmark estimates, numbers at risk, medians, tests.

Pages call these with the selected patients and the chosen conventions; the
chart, the tables, the text and the downloads all read the same results.
"""
from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy.stats import norm

from ilp_core.stats.comparisons import TestResult, gray_test, logrank_test
from ilp_core.stats.competing import CumulativeIncidence, cumulative_incidence
from ilp_core.cohort.endpoints import endpoint
from ilp_core.stats.intervals import PRESETS
from ilp_core.results.selection import MISSING, present_groups, stratum_order
from ilp_core.stats.survival import KaplanMeier, kaplan_meier, median_follow_up

# Display units: how many of each unit make one month (months = days / 30.4375).
TIME_UNITS = {"months": 1.0, "years": 1 / 12, "weeks": 30.4375 / 7, "days": 30.4375}
FEW_AT_RISK = 10


@dataclass(frozen=True)
class Settings:
    """The conventions behind every number: interval level and transforms, variance, time unit."""

    conf_level: float = 0.95
    km_conf_type: str = "log-log"
    cif_variance: str = "delta"
    cif_conf_type: str = "log-log"
    time_unit: str = "months"
    preset: str = "Default (SAS / Stata)"

    @classmethod
    def from_preset(cls, preset: str, conf_level: float = 0.95, time_unit: str = "months") -> "Settings":
        if preset not in PRESETS:
            raise ValueError(f"preset must be one of {', '.join(map(repr, PRESETS))}; got {preset!r}")
        if time_unit not in TIME_UNITS:
            raise ValueError(f"time_unit must be one of {', '.join(map(repr, TIME_UNITS))}; got {time_unit!r}")
        p = PRESETS[preset]
        return cls(conf_level, p.km_conf_type, p.cif_variance, p.cif_conf_type, time_unit, preset)

    def in_unit(self, months) -> np.ndarray:
        return np.asarray(months, dtype=float) * TIME_UNITS[self.time_unit]


def parse_landmarks(text: str) -> list[float]:
    """'12, 24' -> [12.0, 24.0]; a ValueError naming the bad entry otherwise."""
    values = []
    for part in [p for p in re.split(r"[,;\s]+", str(text).strip()) if p]:
        try:
            value = float(part.replace(",", "."))
        except ValueError:
            raise ValueError(f"{part!r} is not a number; write landmark times like 12, 24") from None
        if not np.isfinite(value) or value <= 0:
            raise ValueError(f"landmark times must be positive; got {part!r}")
        values.append(value)
    if not values:
        raise ValueError("give at least one landmark time, e.g. 12, 24")
    return sorted(set(values))


def _groups(data: pd.DataFrame, labels: pd.Series):
    for name in stratum_order(labels.loc[data.index]):
        yield name, data.index[(labels.loc[data.index] == name).to_numpy()]


def survival_curves(data: pd.DataFrame, endpoint_name: str, labels: pd.Series, settings: Settings,
                    *, event_codes=(1,)) -> dict[str, KaplanMeier]:
    """Kaplan-Meier per stratum; ``event_codes`` are the endpoint statuses counted as the event
    (others censored: e.g. deaths censored for local recurrence)."""
    times = endpoint(data, endpoint_name)
    curves = {}
    for name, rows in _groups(data, labels):
        part = times.loc[rows]
        curves[name] = kaplan_meier(settings.in_unit(part.time), part.status.isin(event_codes),
                                    conf_level=settings.conf_level, conf_type=settings.km_conf_type)
    return curves


def incidence_curves(data: pd.DataFrame, endpoint_name: str, labels: pd.Series, settings: Settings,
                     *, event: int = 1) -> dict[str, CumulativeIncidence]:
    """Aalen-Johansen cumulative incidence per stratum (status 2 competing)."""
    times = endpoint(data, endpoint_name)
    curves = {}
    for name, rows in _groups(data, labels):
        part = times.loc[rows]
        curves[name] = cumulative_incidence(settings.in_unit(part.time), part.status, event=event,
                                            conf_level=settings.conf_level, conf_type=settings.cif_conf_type,
                                            variance=settings.cif_variance)
    return curves


def landmark_table(curves: dict, months: list[float], settings: Settings) -> pd.DataFrame:
    """Estimate, named interval bounds and number at risk per stratum at each landmark.

    Columns: ``stratum, time, estimate, ci_lower, ci_upper, n_risk, few_at_risk, method``;
    ``time`` in the display unit. NaN estimate = no patient followed that long.
    """
    frames = []
    for name, curve in curves.items():
        values = curve.at(settings.in_unit(months))
        values.insert(0, "stratum", name)
        values["few_at_risk"] = values.n_risk.fillna(0) < FEW_AT_RISK
        values["method"] = curve.method
        frames.append(values)
    columns = ["stratum", "time", "estimate", "ci_lower", "ci_upper", "n_risk", "few_at_risk", "method"]
    return pd.concat(frames, ignore_index=True)[columns] if frames else pd.DataFrame(columns=columns)


def time_ticks(max_time: float, unit: str, max_ticks: int = 9) -> np.ndarray:
    """Round tick times for the axis and the number-at-risk table (at most about ``max_ticks``)."""
    steps = {"months": (3, 6, 12, 24, 36, 60), "years": (0.5, 1, 2, 5), "weeks": (4, 13, 26, 52, 104),
             "days": (30, 90, 180, 365, 730)}[unit]
    step = next((s for s in steps if max_time / s <= max_ticks - 1), steps[-1])
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


def compare_strata(data: pd.DataFrame, endpoint_name: str, labels: pd.Series, *, competing: bool,
                   event_codes=(1,)) -> TestResult | None:
    """Log-rank (survival) or Gray's test (incidence) across the strata; None for one stratum.
    Patients in the '(missing)' stratum are drawn but not tested (``left_out`` counts them)."""
    groups = labels.loc[data.index]
    known = (groups != MISSING).to_numpy()
    groups = present_groups(groups[known])
    if groups.nunique() < 2:
        return None
    times = endpoint(data, endpoint_name)[known]
    if competing:
        result = gray_test(times.time, times.status, groups)
    else:
        result = logrank_test(times.time, times.status.isin(event_codes), groups)
    return dataclasses.replace(result, left_out=int((~known).sum()))


def landmark_difference(curves: dict, months: list[float], settings: Settings) -> pd.DataFrame:
    """For exactly two groups: the difference in estimate at each landmark (first minus second),
    its interval from the two standard errors, and a z-test.

    difference = F_a - F_b, se = sqrt(se_a^2 + se_b^2), limits difference -/+ z se,
    p = 2 (1 - Phi(|difference| / se)). The Wald interval and test need both standard errors:
    where either is 0 (no event yet, or no patient left event-free in that group) or undefined,
    the interval and p-value are NaN and ``note`` says why and names the test of whole curves
    (log-rank or Gray's) to use instead. Empty unless there are exactly two groups.
    """
    columns = ["time", "group_a", "group_b", "estimate_a", "estimate_b", "difference", "ci_lower", "ci_upper",
               "p_value", "method", "note"]
    if len(curves) != 2:
        return pd.DataFrame(columns=columns)
    (name_a, a), (name_b, b) = curves.items()
    at_a, at_b = a.at(settings.in_unit(months)), b.at(settings.in_unit(months))
    difference = (at_a.estimate - at_b.estimate).to_numpy()
    se_a, se_b = at_a.std_err.to_numpy(), at_b.std_err.to_numpy()
    valid = (se_a > 0) & (se_b > 0) & np.isfinite(difference)
    se = np.where(valid, np.sqrt(se_a ** 2 + se_b ** 2), np.nan)
    z = norm.ppf(1 - (1 - settings.conf_level) / 2)
    p = np.where(valid, 2 * norm.sf(np.abs(difference) / np.where(valid, se, 1.0)), np.nan)
    curve_test = "Gray's test" if isinstance(a, CumulativeIncidence) else "the log-rank test"
    notes = []
    for est_a, est_b, sa, sb in zip(at_a.estimate, at_b.estimate, se_a, se_b):
        unknown = [n for n, e in ((name_a, est_a), (name_b, est_b)) if not np.isfinite(e)]
        flat = [n for n, e, s_ in ((name_a, est_a, sa), (name_b, est_b, sb)) if np.isfinite(e) and not s_ > 0]
        if unknown:
            notes.append(f"no patient followed that long in the {' and '.join(unknown)} group")
        elif flat:
            notes.append(f"no interval or z-test: the {' and '.join(flat)} estimate has no standard error yet "
                         f"(no event, or none left event-free); compare the whole curves with {curve_test}")
        else:
            notes.append("")
    return pd.DataFrame({
        "time": at_a.time, "group_a": name_a, "group_b": name_b, "estimate_a": at_a.estimate,
        "estimate_b": at_b.estimate, "difference": difference, "ci_lower": difference - z * se,
        "ci_upper": difference + z * se, "p_value": p,
        "method": "difference of two independent estimates; Wald interval and z-test from their standard errors",
        "note": notes,
    }, columns=columns)
