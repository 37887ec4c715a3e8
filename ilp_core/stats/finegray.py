"""R's ``survival::finegray`` expansion and the weighted Cox fit on it (Fine-Gray, second method).

Subjects with a competing event stay in the risk set after it, in pieces weighted by the
censoring distribution; ``coxph`` on those rows with their weights gives the Fine-Gray
estimate. R's coxph then reports a robust (sandwich) variance, each expanded row its own
cluster, because the weights are not whole numbers. The expansion grows with competing events
x censoring times, so it is refused above MAX_ROWS rows (crr, the default, is linear).
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from ilp_core.stats._risk_sets import merge_near_ties
from ilp_core.stats.cox import coxph_fit

MAX_ROWS = 200_000


def finegray_rows(time: np.ndarray, status: np.ndarray, event: int = 1) -> pd.DataFrame:
    """R ``survival::finegray``'s expanded data: ``row, start, stop, status, weight``.

    Subjects with a competing event stay at risk after it, in the intervals between censoring
    times that hold an event of interest, weighted G(interval) / G(their own interval), where G
    is the Kaplan-Meier of censoring with events before censorings at a tied time.
    """
    time, status = np.asarray(time, float), np.asarray(status)
    censored = status == 0
    cut, lost = np.unique(time[censored], return_counts=True)
    later = len(time) - np.searchsorted(np.sort(time), cut, side="right")       # time > c
    surv = np.cumprod(1 - lost / np.maximum(later + lost, 1))
    ends = np.append(cut, time.max())                       # interval j is (ends[j-1], ends[j]]
    probs = np.concatenate(([1.0], surv))                   # G over interval j
    keep = np.zeros(len(ends), dtype=bool)
    keep[np.unique(np.searchsorted(ends, np.unique(time[status == event]), side="left"))] = True
    keep[0] = True
    competing = (status != 0) & (status != event)
    own = np.searchsorted(ends, time[competing], side="left")
    kept_after = np.concatenate((np.cumsum(keep[::-1])[::-1], [0]))        # kept intervals from k on
    count = len(time) + int(kept_after[own + 1].sum())
    if count > MAX_ROWS:  # counted before anything is built: the expansion grows as competing x censoring times
        raise ValueError(f"the finegray expansion needs {count:,} rows (more than {MAX_ROWS:,}); use method='crr', "
                         "which gives the Fine-Gray model in memory linear in patients")
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


def finegray_fit(time, status, values, event: int = 1):
    """survival::finegray + coxph: (coef, information, coxph's default variance, converged). Times
    closer than R's timefix tolerance are merged first, as finegray does. With weights that are not
    whole numbers coxph's default variance is the robust one (each expanded row its own cluster);
    when every weight is 1 (no censoring between events) it is the inverse information."""
    expanded = finegray_rows(merge_near_ties(np.asarray(time, float)), status, event)
    rows = values[expanded.row.to_numpy()]
    start, stop = expanded.start.to_numpy(), expanded.stop.to_numpy()
    status_rows, weight = expanded.status.to_numpy(), expanded.weight.to_numpy()
    fit = coxph_fit(stop, status_rows, rows, weight=weight, start=start, timefix=False)
    information, residuals = _efron_information_and_residuals(start, stop, status_rows, weight, rows, fit.coef)
    if np.all(weight == np.round(weight)):
        return fit.coef, information, np.linalg.inv(information), fit.converged
    influence = (weight[:, None] * residuals) @ np.linalg.inv(information)
    return fit.coef, information, influence.T @ influence, fit.converged
