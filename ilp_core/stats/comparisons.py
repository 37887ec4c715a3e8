"""Tests between groups: log-rank / Harrington-Fleming and Gray's test."""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from scipy.special import chdtrc  # chi-square upper tail, as scipy.stats.chi2.sf (not imported: 0.6 s)

from ilp_core.stats import _inputs
from ilp_core.stats._risk_sets import RiskSets, across, left_continuous, tabulate
from ilp_core.stats.competing import check_event_code, event_codes

# K x K cells processed at once by Gray's variance (K^2 per event time): about 0.5 MB per array,
# which keeps the work in the processor's cache (measured fastest at 10^6 subjects).
_CHUNK_CELLS = 1 << 16


@dataclass(frozen=True)
class TestResult:
    """A chi-square test between groups.

    Attributes
    ----------
    statistic, df, p_value : the chi-square statistic, its degrees of freedom
        and the upper-tail p-value (NaN, with ``note`` saying why, when there is
        nothing to compare).
    method : what was computed, for reports.
    groups : DataFrame with one row per group: ``group, n, observed, expected``
        (log-rank; weighted when rho > 0) or ``group, n, events, competing`` (Gray).
    """

    __test__ = False  # not a pytest test class

    statistic: float
    df: int
    p_value: float
    method: str
    groups: pd.DataFrame = field(repr=False)
    note: str = ""
    left_out: int = 0  # patients with no group value, not in the test (as R drops NA groups)


def _a_number(value) -> bool:
    """A finite real number (not a bool, text or None)."""
    return isinstance(value, (int, float, np.integer, np.floating)) and not isinstance(value, (bool, np.bool_)) \
        and bool(np.isfinite(value))


def _quadratic_form(score: np.ndarray, variance: np.ndarray) -> float:
    """score' V^-1 score, with a clear error when V is singular."""
    try:
        return float(score @ np.linalg.solve(variance, score))
    except np.linalg.LinAlgError:
        return float(score @ np.linalg.pinv(variance) @ score)


def _full_rank(matrix: np.ndarray, tolerance: float = 1e-7) -> bool:
    """Whether R's ``qr(matrix)`` (LINPACK dqrdc2, tol = 1e-7) finds full column rank: taking the
    columns in order, none keeps less than ``tolerance`` of its norm once the earlier ones are
    projected out."""
    basis = []
    for column in np.asarray(matrix, dtype=float).T:
        norm = float(np.linalg.norm(column))
        rest = column.copy()
        for _ in range(2):  # Gram-Schmidt twice, to be orthogonal to working precision
            for q in basis:
                rest -= (q @ rest) * q
        left = float(np.linalg.norm(rest))
        if norm == 0 or left < tolerance * norm:
            return False
        basis.append(rest / left)
    return True


def _prepare(time, status, group, as_status, status_name: str):
    times = _inputs.as_times(time)
    codes = as_status(status, status_name)
    groups, labels = _inputs.as_groups(group)
    _inputs.same_length(time=times, **{status_name: codes}, group=groups)
    return times, codes, groups, labels


def logrank_test(time, event, group, *, rho: float = 0, timefix: bool = True) -> TestResult:
    r"""Log-rank (rho = 0) or Harrington-Fleming G-rho test across any number of groups.

    At each event time, with weight :math:`w = \hat S(t-)^\rho` from the pooled
    Kaplan-Meier: :math:`O_k \mathrel{+}= w d_k`, :math:`E_k \mathrel{+}= w d n_k/n`,
    :math:`V_{jk} \mathrel{+}= w^2 \frac{d (n-d)}{n (n-1)} n_j (\delta_{jk} - n_k/n)`.
    The statistic :math:`(O-E)' V^{-1} (O-E)` over all groups with E > 0 but one
    is chi-square with (groups with E > 0) - 1 degrees of freedom. rho = 1 is the
    Peto-Peto modification of the Gehan-Wilcoxon test, as R's ``survdiff(rho = 1)``.

    Parameters
    ----------
    time : array-like of float (>= 0).
    event : array-like of bool or 0/1.
    group : array-like of labels; at least two distinct values.
    rho : float >= 0.
    timefix : bool, merge near-tied times first, as ``survdiff``'s default.


    Examples
    --------
    >>> time = [9, 13, 13, 18, 23, 28, 31, 34, 45, 48, 161, 5, 5, 8, 8, 12, 16, 23, 27, 30, 33, 43, 45]
    >>> died = [1, 1, 0, 1, 1, 0, 1, 1, 0, 1, 0, 1, 1, 1, 1, 1, 0, 1, 1, 1, 1, 1, 1]
    >>> arm = ["Maintained"] * 11 + ["Nonmaintained"] * 12   # R: survdiff(Surv(time, status) ~ x, aml)
    >>> result = logrank_test(time, died, arm)
    >>> round(result.statistic, 4), result.df, round(result.p_value, 4)
    (3.3964, 1, 0.0653)

    References
    ----------
    Harrington DP, Fleming TR. Biometrika 1982;69:553-66. R package survival, ``survdiff``.
    """
    if not _a_number(rho) or rho < 0:
        raise ValueError(f"rho must be a number >= 0 (0 = log-rank, 1 = Peto-Peto); got {rho!r}")
    times, events, groups, labels = _prepare(time, event, group, _inputs.as_event_flags, "event")
    k = len(labels)
    sets = tabulate(times, events, 2, groups, k, timefix=timefix)
    sets = sets.rows(across(sets.counts[:, :, 1]) > 0)
    d_k = sets.counts[:, :, 1].astype(float)
    n_k = sets.n_risk.astype(float)
    d, n = across(d_k), across(n_k)
    weight = left_continuous(np.cumprod(1 - d / n), 1.0) ** rho if len(d) else d
    observed = (weight[:, None] * d_k).sum(axis=0)
    expected = (weight[:, None] * (d / n)[:, None] * n_k).sum(axis=0)
    with np.errstate(divide="ignore", invalid="ignore"):
        spread = np.where(n > 1, weight ** 2 * d * (n - d) / (n * (n - 1)), 0.0)
    variance = np.diag(spread @ n_k) - (n_k * (spread / n)[:, None]).T @ n_k

    name = "log-rank test" if rho == 0 else f"Harrington-Fleming test (rho = {rho:g})"
    if rho == 1:
        name += ", Peto-Peto"
    table = pd.DataFrame({"group": labels, "n": np.bincount(groups, minlength=k),
                          "observed": observed, "expected": expected})
    tested = np.flatnonzero(expected > 0)
    if not d.sum():
        return TestResult(float("nan"), 0, float("nan"), name, table, "not computable: no events in any group")
    if len(tested) < 2:
        return TestResult(float("nan"), 0, float("nan"), name, table,
                          "not computable: fewer than two groups have subjects at risk at an event time")
    keep = tested[1:]
    statistic = _quadratic_form((observed - expected)[keep], variance[np.ix_(keep, keep)])
    df = len(tested) - 1
    return TestResult(statistic, df, float(chdtrc(df, statistic)), name, table)


@dataclass(frozen=True)
class _GrayTerms:
    """The pieces of Gray's test, kept only where they are not zero.

    Rows are the times with an event of interest (arrays of length m1, or m1 x K):
    ``h`` the subdistribution risk-set denominators, ``fb`` the weight, ``tr`` their sum,
    ``grow`` the increment of the running sum c, ``t4_own``/``t3_own`` the variance terms.
    Pairs are the (time, group) cells with a competing event (length p): ``pair_group``,
    ``pair_next`` the first row strictly after the pair's time, ``t4_other``/``t3_other``.
    """

    score: np.ndarray
    h: np.ndarray
    fb: np.ndarray
    tr: np.ndarray
    grow: np.ndarray
    t4_own: np.ndarray
    t3_own: np.ndarray
    pair_group: np.ndarray
    pair_next: np.ndarray
    t4_other: np.ndarray
    t3_other: np.ndarray


def _gray_variance(terms: _GrayTerms, k: int) -> np.ndarray:
    """Gray's (1988) variance of the K-1 scores, as cmprsk's crstm computes it.

    Each time t contributes sum_k t3_tk u_tk u_tk', where for events of interest
    u_tk = a_t[:, k] + t4_tk (C - c_t)[:, k] and for competing events
    u_tk = t4_tk (C - c_t)[:, k]: a_t = fb (diag(h) - h h'/sum h) is the score's
    derivative at t, and C - c_t the sum of a_s grow_s over event times s > t.
    Only the times with an event of interest move c, so the K x K work is done at
    those times alone, in chunks from the last backwards (memory stays bounded);
    a competing event reads C - c_t at its own time, one column of K values.
    """
    variance = np.zeros((k, k))
    later = np.zeros((k, k))  # C - c at the end of the current chunk
    diagonal = np.arange(k)
    chunk = max(1, _CHUNK_CELLS // k ** 2)
    for stop in range(len(terms.tr), 0, -chunk):
        part = slice(max(stop - chunk, 0), stop)
        h, fb = terms.h[part], terms.fb[part]
        a = h[:, :, None] * h[:, None, :]
        a *= (-fb / terms.tr[part])[:, None, None]
        a[:, diagonal, diagonal] += fb[:, None] * h
        # suffix[i] = sum of a_s grow_s over the rows s >= i of the chunk, plus everything later
        suffix = np.cumsum((a * terms.grow[part, None, None])[::-1], axis=0)[::-1] + later
        after = np.concatenate([suffix[1:], later[None]])  # strictly after each row
        a += terms.t4_own[part, None, :] * after
        variance += _weighted_gram(a, terms.t3_own[part])
        pairs = slice(*np.searchsorted(terms.pair_next, [part.start, stop]))
        other = suffix[terms.pair_next[pairs] - part.start, :, terms.pair_group[pairs]]
        other *= terms.t4_other[pairs, None]
        variance += (other * terms.t3_other[pairs, None]).T @ other
        later = suffix[0]
    return variance[:-1, :-1]


def _weighted_gram(u: np.ndarray, weight: np.ndarray) -> np.ndarray:
    """sum over t and k of weight[t, k] u[t, :, k] u[t, :, k]' as one matrix product."""
    k = u.shape[1]
    columns = u.transpose(1, 0, 2).reshape(k, -1)
    return (columns * weight.reshape(-1)) @ columns.T


def _gray_terms(sets: RiskSets, rho: float) -> _GrayTerms:
    """Score and variance pieces of Gray's test from the table of event times."""
    rs = sets.n_risk.astype(float)
    d1, d2 = sets.counts[:, :, 1].astype(float), sets.counts[:, :, 2].astype(float)
    safe_rs = np.maximum(rs, 1.0)  # where nobody is at risk nobody leaves: d1 = d2 = 0
    with np.errstate(divide="ignore", invalid="ignore"):
        surv = np.cumprod(1 - (d1 + d2) / safe_rs, axis=0)
        surv_before = np.vstack([np.ones((1, rs.shape[1])), surv[:-1]])
        inc_group = np.cumsum(surv_before * d1 / safe_rs, axis=0)
        rows = np.flatnonzero(across(d1))  # the times with an event of interest
        inc_before = np.where(rows[:, None] > 0, inc_group[rows - 1], 0.0)  # (row -1 is read, then dropped)
        own = _own_terms(rs[rows], d1[rows], surv[rows], surv_before[rows], inc_before, rho)
        pooled, score = own.pop("pooled"), own.pop("score")
        pair_row, pair_group = np.nonzero((d2 > 0) & (surv > 0))
        pair_next = np.searchsorted(rows, pair_row, side="right")  # first such time after the pair's
        left = 1 - np.concatenate([[0.0], pooled])[pair_next]
        rs2, d2_ = rs[pair_row, pair_group], d2[pair_row, pair_group]
        t5_other = np.where(d2_ > 1, 1 - (d2_ - 1) / (rs2 - 1), 1.0)
        t3_other = t5_other * surv_before[pair_row, pair_group] ** 2 * d2_ / rs2 ** 2
        t4_other = left / surv[pair_row, pair_group]
    return _GrayTerms(score=score, pair_group=pair_group, pair_next=pair_next,
                      t4_other=t4_other, t3_other=t3_other, **own)


def _own_terms(rs, d1, surv, surv_before, inc_before, rho) -> dict:
    """Gray's test pieces at the times with an event of interest (one row each)."""
    present = rs > 0
    safe_rs = np.where(present, rs, 1.0)
    nd1 = across(d1)
    h = np.where(present, rs / surv_before, 0.0)  # subdistribution "hazard" denominators
    tr = across(h)
    at_risk = h * (1 - inc_before)  # subdistribution risk sets R_k
    pooled = np.cumsum(nd1 / tr)
    pooled_before = left_continuous(pooled, 0.0) if len(pooled) else pooled
    fb = (1 - pooled_before) ** rho
    score = (fb[:, None] * (d1 - nd1[:, None] * at_risk / across(at_risk)[:, None])).sum(axis=0)
    t4_own = np.where(present, np.where(surv > 0, 1 - (1 - pooled)[:, None] / surv, 1.0), 0.0)
    t5_own = np.where(nd1[:, None] > 1, 1 - (nd1[:, None] - 1) / (tr[:, None] * surv_before - 1), 1.0)
    t3_own = np.where(present, t5_own * surv_before * nd1[:, None] / (tr[:, None] * safe_rs), 0.0)
    return dict(score=score, pooled=pooled, h=h, fb=fb, tr=tr, grow=nd1 / (tr * (1 - pooled_before)),
                t4_own=t4_own, t3_own=t3_own)


def gray_test(time, status, group, *, event: int = 1, rho: float = 0, timefix: bool = True) -> TestResult:
    r"""Gray's test of equal cumulative incidence of one event type across groups.

    Within each group k the subdistribution risk set is
    :math:`R_k = Y_k (1 - \hat F_{1k}(t-)) / \hat S_k(t-)`; the score is
    :math:`s_k = \sum_t (1 - \hat F_1(t-))^\rho (d_{1k} - d_1 R_k / \sum R)`, and
    :math:`s' V^{-1} s` over the first K-1 groups is chi-square with K-1 degrees
    of freedom, V as in Gray (1988). Reproduces R's ``cmprsk::cuminc(...)$Tests``.

    Parameters
    ----------
    time : array-like of float (>= 0).
    status : array-like of int, 0 = censored, ``event`` = event of interest, other codes competing.
    group : array-like of labels; at least two distinct values.
    event : int, the code of the event of interest.
    rho : float, power of the weight (default 0, as cmprsk).
    timefix : bool, merge near-tied times first, as the incidence does (cmprsk itself does not;
        ``timefix=False`` reproduces ``cuminc`` on data with such near ties).


    Examples
    --------
    >>> time = [2, 3, 5, 6, 8, 9, 11, 12, 14, 15]
    >>> status = [1, 2, 0, 1, 1, 2, 0, 1, 2, 0]
    >>> result = gray_test(time, status, ["a", "b"] * 5)   # R: cuminc(time, status, group)$Tests[1, ]
    >>> round(result.statistic, 4), result.df, round(result.p_value, 4)
    (0.2578, 1, 0.6116)

    References
    ----------
    Gray RJ. A class of K-sample tests for comparing the cumulative incidence of a
    competing risk. Ann Stat 1988;16:1141-54.
    """
    if not _a_number(rho):
        raise ValueError(f"rho must be a finite number; got {rho!r}")
    times, codes, groups, labels = _prepare(time, status, group, _inputs.as_codes, "status")
    event = check_event_code(event)
    k = len(labels)
    reduced = event_codes(codes, event)
    sets = tabulate(times, reduced, 3, groups, k, timefix=timefix)
    table = pd.DataFrame({"group": labels, "n": np.bincount(groups, minlength=k),
                          "events": np.bincount(groups, weights=reduced == 1, minlength=k).astype(int),
                          "competing": np.bincount(groups, weights=reduced == 2, minlength=k).astype(int)})
    name = "Gray's test" + (f" (rho = {rho:g})" if rho else "")
    if table["events"].sum() == 0:
        return TestResult(float("nan"), k - 1, float("nan"), name, table,
                          "not computable: no events of interest in any group")
    terms = _gray_terms(sets, rho)
    variance = _gray_variance(terms, k)
    if not _full_rank(variance):
        return TestResult(float("nan"), k - 1, float("nan"), name, table,
                          "not computable: the variance of the scores is singular (a group has no patient at risk "
                          "at any event time); R's cuminc declines it too (statistic -1)")
    statistic = _quadratic_form(terms.score[:-1], variance)
    return TestResult(statistic, k - 1, float(chdtrc(k - 1, statistic)), name, table)
