"""The counting-process table that every estimator and test reads.

One row per distinct time (event or censoring), ascending. At each time: the
number at risk just before it (subjects with time >= t, so those censored at t
still count: events come before censorings at a tied time) and the number of
subjects leaving with each status code, optionally split by group. Tied times
are kept together; nothing is jittered. Times closer than R's ``timefix`` tolerance
are one time, as in R survival (``aeqSurv``).
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

# R survival's aeqSurv: distinct times closer than sqrt(machine epsilon) (absolutely, or relative to
# the mean absolute time) are one time, the earliest of them. survfit, survdiff and coxph do this.
TIMEFIX_TOLERANCE = float(np.sqrt(np.finfo(float).eps))


@dataclass(frozen=True)
class RiskSets:
    """Counts at each distinct time.

    Attributes
    ----------
    time : (m,) float array, the distinct times, ascending.
    n_risk : (m, K) int array, at risk just before each time, per group.
    counts : (m, K, C) int array, subjects leaving at each time per group and status code.
    """

    time: np.ndarray
    n_risk: np.ndarray
    counts: np.ndarray

    def rows(self, keep: np.ndarray) -> "RiskSets":
        """The table restricted to the rows where ``keep`` is true (risk sets unchanged)."""
        return RiskSets(self.time[keep], self.n_risk[keep], self.counts[keep])


def merged_times(unique: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """R's aeqSurv on sorted distinct times: ``(times kept, index of its kept time for each)``.

    A gap of at most TIMEFIX_TOLERANCE, or of at most that times the mean absolute time,
    joins two neighbours; a chain of such gaps is one time, carrying the earliest value.
    """
    if len(unique) < 2:
        return unique, np.arange(len(unique))
    gaps = np.diff(unique)
    scale = float(np.mean(np.abs(unique)))
    tied = (gaps <= TIMEFIX_TOLERANCE) | (gaps <= TIMEFIX_TOLERANCE * scale)
    if not tied.any():
        return unique, np.arange(len(unique))
    starts = np.concatenate(([True], ~tied))
    return unique[starts], np.cumsum(starts) - 1


def merge_near_ties(time: np.ndarray) -> np.ndarray:
    """Each time replaced by the earliest of its near-tied cluster (R's aeqSurv)."""
    unique, position = np.unique(time, return_inverse=True)
    kept, cluster = merged_times(unique)
    return kept[cluster[position.reshape(-1)]]


def tabulate(time: np.ndarray, codes: np.ndarray, n_codes: int,
             group: np.ndarray | None = None, n_groups: int = 1, *, timefix: bool = True) -> RiskSets:
    """Count subjects by distinct time, group and status code in O(n log n).

    ``codes`` must lie in 0..n_codes-1 and ``group`` in 0..n_groups-1. With ``timefix``
    (R's default) near-tied times are merged first (see :func:`merged_times`).
    """
    times, position = np.unique(time, return_inverse=True)
    position = position.reshape(-1)
    if timefix:
        times, cluster = merged_times(times)
        position = cluster[position]
    key = position * n_codes + codes if group is None else (position * n_groups + group) * n_codes + codes
    counts = np.bincount(key, minlength=len(times) * n_groups * n_codes)
    counts = counts.reshape(len(times), n_groups, n_codes)
    leaving = across(counts)
    n_risk = np.cumsum(leaving[::-1], axis=0)[::-1]
    return RiskSets(times, n_risk, counts)


def across(values: np.ndarray) -> np.ndarray:
    """The sum over the last axis (a few groups or status codes), one column at a time:
    numpy's own reduction over a short last axis is several times slower on tall arrays."""
    total = values[..., 0].copy()
    for column in range(1, values.shape[-1]):
        total += values[..., column]
    return total


def left_continuous(values: np.ndarray, start: float) -> np.ndarray:
    """The value just before each row: ``start``, then the previous row's value."""
    shifted = np.empty_like(values, dtype=float)
    shifted[0] = start
    shifted[1:] = values[:-1]
    return shifted
