"""The proportional-hazards check of a Cox model, as R survival 3.x's ``cox.zph``.

A score test for covariate-by-g(t) interactions at the fitted coefficients, g = 1 - KM(t-)
centred over the events (``transform = "km"``), per covariate (its columns together) and GLOBAL.
"""
from __future__ import annotations

import numpy as np
import pandas as pd
from scipy.special import chdtrc  # chi-square upper tail, as scipy.stats.chi2.sf (not imported: 0.6 s)


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
        rows.append((name, statistic, len(index), float(chdtrc(len(index), statistic))))
    score = np.concatenate([np.zeros(p), u[p:]])
    statistic = float(score @ np.linalg.solve(info, score))
    rows.append(("GLOBAL", statistic, p, float(chdtrc(p, statistic))))
    return pd.DataFrame(rows, columns=["term", "chisq", "df", "p_value"])
