"""Slow, obviously-correct loop implementations used to check the vectorised estimators.

Each follows METHODS.md formula by formula, one distinct time at a time, with no
running-sum tricks, so a reader can check it against the text line by line.
"""
from __future__ import annotations

import math

import numpy as np
from scipy.stats import chi2


def _times_and_counts(time, status, groups=None):
    """For each distinct time: at risk and number leaving with each status, per group."""
    rows = []
    for t in sorted(set(time)):
        row = {"time": t, "at_risk": {}, "count": {}}
        for g in sorted(set(groups)) if groups is not None else [None]:
            members = [i for i in range(len(time)) if groups is None or groups[i] == g]
            row["at_risk"][g] = sum(1 for i in members if time[i] >= t)
            for code in set(status):
                row["count"][(g, code)] = sum(1 for i in members if time[i] == t and status[i] == code)
        rows.append(row)
    return rows


def kaplan_meier_loop(time, event):
    """Rows of (time, S, variance of log S) at each distinct time."""
    out, surv, greenwood = [], 1.0, 0.0
    for row in _times_and_counts(list(time), list(event)):
        n, d = row["at_risk"][None], row["count"].get((None, 1), 0)
        surv *= 1 - d / n
        if d:
            greenwood = greenwood + d / (n * (n - d)) if n > d else math.inf
        out.append((row["time"], surv, greenwood))
    return out


def incidence_loop(time, status, event=1):
    """Rows of (time, F, delta variance, gray variance) at each distinct time."""
    rows = _times_and_counts(list(time), list(status))
    n_, d_, d1_, d2_, s_before, s_after, f_ = [], [], [], [], [], [], []
    surv, inc = 1.0, 0.0
    for row in rows:
        n = row["at_risk"][None]
        d1 = row["count"].get((None, event), 0)
        d = sum(v for (g, code), v in row["count"].items() if code != 0)
        s_before.append(surv)
        inc += surv * d1 / n
        surv *= 1 - d / n
        n_.append(n), d_.append(d), d1_.append(d1), d2_.append(d - d1), s_after.append(surv), f_.append(inc)
    out = []
    for j, row in enumerate(rows):
        f = f_[j]
        delta = gray = 0.0
        last1 = max([i for i in range(j + 1) if d1_[i] > 0], default=-1)
        for i in range(j + 1):
            n, d, d1, d2, sb = n_[i], d_[i], d1_[i], d2_[i], s_before[i]
            diff = f - f_[i]
            if diff != 0:
                delta += diff ** 2 * d / (n * (n - d))
            delta += sb ** 2 * d1 * (n - d1) / n ** 3 - 2 * diff * sb * d1 / n ** 2
        for i in range(last1 + 1):  # cmprsk: Gray's variance moves only at events of interest
            n, d1, d2, sb, sa = n_[i], d1_[i], d2_[i], s_before[i], s_after[i]
            diff = f_[last1] - f_[i]
            tau = lambda k: k * (1 - (k - 1) / (n - 1)) if k > 1 else k  # noqa: E731
            ratio = diff / sa if sa > 0 else 0.0
            gray += sb ** 2 / n ** 2 * (tau(d1) * (1 - ratio) ** 2 + (tau(d2) * ratio ** 2 if sa > 0 else 0))
        out.append((row["time"], f, delta, gray))
    return out


def logrank_loop(time, event, group, rho=0):
    """(statistic, df) of the G-rho test, one event time at a time."""
    labels = sorted(set(group))
    k = len(labels)
    observed, expected, var = np.zeros(k), np.zeros(k), np.zeros((k, k))
    pooled = 1.0
    for row in _times_and_counts(list(time), list(event), list(group)):
        n_k = np.array([row["at_risk"][g] for g in labels], float)
        d_k = np.array([row["count"].get((g, 1), 0) for g in labels], float)
        n, d = n_k.sum(), d_k.sum()
        if d == 0:
            continue
        w = pooled ** rho
        observed += w * d_k
        expected += w * d * n_k / n
        if n > 1:
            for a in range(k):
                for b in range(k):
                    var[a, b] += w ** 2 * d * (n - d) / (n * (n - 1)) * n_k[a] * ((a == b) - n_k[b] / n)
        pooled *= 1 - d / n
    keep = [i for i in range(k) if expected[i] > 0][1:]
    if not keep:
        return 0.0, 0
    diff = (observed - expected)[keep]
    stat = float(diff @ np.linalg.solve(var[np.ix_(keep, keep)], diff))
    return stat, len(keep)


def gray_loop(time, status, group, event=1, rho=0):
    """(statistic, p) of Gray's test, following Gray (1988) / cmprsk's crstm step by step."""
    labels = sorted(set(group))
    k = len(labels)
    code = [0 if s == 0 else (1 if s == event else 2) for s in status]
    rs = np.array([sum(1 for g in group if g == lab) for lab in labels], float)
    skmm, f1m = np.ones(k), np.zeros(k)
    fm = 0.0
    s = np.zeros(k)
    c = np.zeros((k, k))
    terms = []  # (a, t4, t3, kind, c snapshot) per time and group
    for t in sorted(set(time)):
        d = np.zeros((3, k))
        for i in range(len(time)):
            if time[i] == t:
                d[code[i], labels.index(group[i])] += 1
        nd1, nd2 = d[1].sum(), d[2].sum()
        if nd1 + nd2 > 0:
            alive = rs > 0
            skm = np.where(alive, skmm * (rs - d[1] - d[2]) / np.where(alive, rs, 1), skmm)
            f1 = np.where(alive, f1m + skmm * d[1] / np.where(alive, rs, 1), f1m)
            h = np.where(alive, rs / np.where(alive, skmm, 1), 0.0)
            tr, tq = h.sum(), (h * (1 - f1m)).sum()
            f = fm + nd1 / tr
            fb = (1 - fm) ** rho
            a = fb * (np.diag(h) - np.outer(h, h) / tr)
            if nd1 > 0:
                c = c + a * nd1 / (tr * (1 - fm))
            s += fb * (d[1] - nd1 * h * (1 - f1m) / tq)
            for j in range(k):
                if nd1 > 0 and alive[j]:
                    t4 = 1 - (1 - f) / skm[j] if skm[j] > 0 else 1.0
                    t5 = 1 - (nd1 - 1) / (tr * skmm[j] - 1) if nd1 > 1 else 1.0
                    terms.append((a[:, j].copy(), t4, t5 * skmm[j] * nd1 / (tr * rs[j]), j, c[:, j].copy()))
                if nd2 > 0 and skm[j] > 0 and d[2, j] > 0:
                    t4 = (1 - f) / skm[j]
                    t5 = 1 - (d[2, j] - 1) / (rs[j] - 1) if d[2, j] > 1 else 1.0
                    terms.append((np.zeros(k), t4, t5 * skmm[j] ** 2 * d[2, j] / rs[j] ** 2, j, c[:, j].copy()))
            skmm, f1m, fm = skm, f1, f
        for i in range(len(time)):
            if time[i] == t:
                rs[labels.index(group[i])] -= 1
    v = np.zeros((k, k))
    for a_col, t4, t3, j, c_then in terms:
        u = a_col + t4 * (c[:, j] - c_then)
        v += t3 * np.outer(u, u)
    stat = float(s[:-1] @ np.linalg.solve(v[:-1, :-1], s[:-1]))
    return stat, float(chi2.sf(stat, k - 1)), v[:-1, :-1]


def incidence_delta_exact(time, status, event=1):
    """The delta-method variance of the incidence at each distinct time in exact rational arithmetic
    (METHODS.md's sum, term by term): the oracle for rounding, where floating sums could cancel."""
    from fractions import Fraction
    incidence, surv, rows = Fraction(0), Fraction(1), []
    for t in sorted(set(time)):
        n = sum(1 for x in time if x >= t)
        d1 = sum(1 for x, s in zip(time, status) if x == t and s == event)
        d = sum(1 for x, s in zip(time, status) if x == t and s != 0)
        before = surv
        incidence += before * Fraction(d1, n)
        surv *= 1 - Fraction(d, n)
        rows.append((n, d, d1, before, incidence))
    out = []
    for j in range(len(rows)):
        f_t, variance = rows[j][4], Fraction(0)
        for n, d, d1, before, f_i in rows[: j + 1]:
            gap = f_t - f_i
            if gap:
                variance += gap * gap * Fraction(d, n * (n - d))
            variance += before * before * Fraction(d1 * (n - d1), n ** 3) - 2 * gap * before * Fraction(d1, n * n)
        out.append(float(variance))
    return out
