"""Fisher's exact test for r x c tables, exact as R's ``fisher.test`` (network algorithm).

scipy computes the r x c test only by Monte Carlo; R's ``fisher.test`` enumerates every
table with the observed margins (Mehta & Patel's network algorithm, FEXACT). This module
does the same: the columns are stages, a node is the multiset of row totals still to be
filled, and a path's length is the log-probability of the columns placed so far. Nodes whose
every completion is at least as probable as the observed table, or none is, are settled at
once from the exact longest and shortest completions; paths of equal length are merged.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np
from scipy.special import gammaln

# FEXACT's tolerance: a table counts as "as or less probable" when its log-probability is at most
# the observed one plus this (the square root of the smallest relative spacing, as R has it).
TOLERANCE = 3.45254e-7
# Work (edges generated and paths examined) before the exact enumeration gives way to a seeded
# Monte Carlo p-value: it bounds time (a few seconds) and memory whatever the table.
MAX_WORK = 20_000_000
MONTE_CARLO_TABLES = 100_000
MONTE_CARLO_SEED = 20161
MONTE_CARLO_BATCH = 5_000  # tables drawn at a time: a 25 x 25 table took 2 GB drawn all at once


class _TooLarge(Exception):
    """The exact enumeration would exceed MAX_WORK."""


@dataclass(frozen=True)
class FisherResult:
    """``p_value`` and how it was obtained (``exact`` False: Monte Carlo, named in ``method``)."""

    p_value: float
    exact: bool
    method: str


def _count_compositions(total: int, limits: tuple[int, ...]) -> int:
    """How many vectors 0 <= x_i <= limits_i sum to ``total`` (counted, not built)."""
    ways = np.zeros(total + 1, dtype=float)
    ways[0] = 1.0
    for limit in limits:
        cumulative = np.cumsum(ways)
        shifted = np.concatenate((np.zeros(limit + 1), cumulative[:-(limit + 1)])) if limit < total else 0.0
        ways = cumulative - shifted
    return int(round(ways[total]))


def _compositions(total: int, limits: tuple[int, ...]) -> np.ndarray:
    """Every vector x with 0 <= x_i <= limits_i and sum x = total, one per row."""
    if len(limits) == 1:
        return np.array([[total]]) if total <= limits[0] else np.zeros((0, 1), dtype=np.int64)
    if np.prod([min(limit, total) + 1.0 for limit in limits[:-1]]) <= 4e6:
        # all choices for the first rows at once; the last row takes what is left, if it can
        grids = np.meshgrid(*[np.arange(min(limit, total) + 1) for limit in limits[:-1]], indexing="ij")
        head = np.stack([g.reshape(-1) for g in grids], axis=1)
        last = total - head.sum(axis=1)
        keep = (last >= 0) & (last <= limits[-1])
        return np.column_stack([head[keep], last[keep]])
    rest = sum(limits[1:])
    parts = [np.column_stack([np.full(len(tail), first), tail])
             for first in range(max(0, total - rest), min(total, limits[0]) + 1)
             for tail in [_compositions(total - first, limits[1:])]]
    return np.vstack(parts) if parts else np.zeros((0, len(limits)), dtype=np.int64)


class _Network:
    """The stages (columns), their edges, and the exact longest and shortest completions."""

    def __init__(self, columns: tuple[int, ...], n: int):
        self.columns = columns
        self.work = 0
        self.log_factorial = gammaln(np.arange(n + 2) + 1.0)
        self.radix = np.int64(n + 1)
        self.longest = lru_cache(maxsize=None)(self._longest)
        self.shortest = lru_cache(maxsize=None)(self._shortest)
        self.edges = lru_cache(maxsize=None)(self._edges)

    def _edges(self, stage: int, rows: tuple[int, ...]):
        """(children as sorted row-total tuples, where each child's edges start, edge lengths),
        the edges ordered by child so each child's are one slice."""
        x = self.compositions(self.columns[stage], rows)
        length = self.log_factorial[self.columns[stage]] - self.log_factorial[x].sum(axis=1)
        left = np.sort(np.asarray(rows) - x, axis=1)
        if float(self.radix) ** left.shape[1] < 2.0 ** 62:  # one integer per child (mixed radix)
            code = left @ (self.radix ** np.arange(left.shape[1]))
            _, first, index = np.unique(code, return_index=True, return_inverse=True)
        else:
            _, first, index = np.unique(left, axis=0, return_index=True, return_inverse=True)
        index = index.reshape(-1)
        self.spend(50 * len(first))  # each child is a node to visit: Python work, not numpy
        order = np.argsort(index, kind="stable")
        starts = np.searchsorted(index[order], np.arange(len(first) + 1))
        return list(map(tuple, left[first].tolist())), starts, length[order]

    def spend(self, amount: int) -> None:
        self.work += amount
        if self.work > MAX_WORK:
            raise _TooLarge

    def compositions(self, total: int, limits: tuple[int, ...]) -> np.ndarray:
        """_compositions, counted against the work budget before they are built."""
        self.spend(_count_compositions(total, limits))
        return _compositions(total, limits)

    def last_two(self, rows: tuple[int, ...]) -> tuple[np.ndarray, np.ndarray]:
        """With two columns left: the length of each way to fill them (column C-2, then the rest)."""
        first, last = self.columns[-2:]
        x = self.compositions(first, rows)
        lf = self.log_factorial
        return x, lf[first] + lf[last] - lf[x].sum(axis=1) - lf[np.asarray(rows) - x].sum(axis=1)

    def _best(self, stage: int, rows: tuple[int, ...], pick, follow) -> float:
        if stage == len(self.columns) - 1:  # one column left: it takes every remaining row total
            return float(self.log_factorial[self.columns[-1]] - self.log_factorial[list(rows)].sum())
        if stage == len(self.columns) - 2:
            return float(pick(self.last_two(rows)[1]))
        children, starts, length = self.edges(stage, rows)
        rest = np.repeat([follow(stage + 1, child) for child in children], np.diff(starts))
        return float(pick(length + rest))

    def _longest(self, stage, rows):
        return self._best(stage, rows, np.max, self.longest)

    def longest_at_most(self, stage: int, rows: tuple[int, ...]) -> float:
        """A cheap upper bound on the longest completion: each row spread as evenly as it can over
        the columns left (column totals ignored), or each column over the rows (row totals ignored)."""
        left = self.columns[stage:]
        lf, k, r = self.log_factorial, len(left), len(rows)
        constant = float(lf[list(left)].sum())
        by_row = -sum(float(lf[q + 1] * (t % k) + lf[q] * (k - t % k)) for t in rows for q in [t // k])
        by_column = -sum(float(lf[q + 1] * (c % r) + lf[q] * (r - c % r)) for c in left for q in [c // r])
        return constant + min(by_row, by_column)

    def shortest_at_least(self, stage: int, rows: tuple[int, ...]) -> float:
        """A cheap lower bound on the shortest completion: no column term is negative, and a row's
        cells together never exceed its total's factorial."""
        return max(0.0, float(self.log_factorial[list(self.columns[stage:])].sum()
                              - self.log_factorial[list(rows)].sum()))

    def _shortest(self, stage, rows):
        return self._best(stage, rows, np.min, self.shortest)

    def total(self, rows: tuple[int, ...]) -> float:
        """log of the sum of exp(length) over every completion: log(N'! / prod r'_i!)."""
        return float(self.log_factorial[sum(rows)] - self.log_factorial[list(rows)].sum())


def _merge(parts: list[tuple[np.ndarray, np.ndarray]]) -> tuple[np.ndarray, np.ndarray]:
    """Paths of equal length (to 1e-9) merged: (lengths, log of their summed probability mass)."""
    past = np.concatenate([p for p, _ in parts])
    mass = np.concatenate([m for _, m in parts])
    keys = np.round(past, 9)
    order = np.argsort(keys, kind="stable")
    keys, mass = keys[order], mass[order]
    starts = np.flatnonzero(np.concatenate(([True], keys[1:] != keys[:-1])))
    top = np.maximum.reduceat(mass, starts)
    total = np.add.reduceat(np.exp(mass - np.repeat(top, np.diff(np.append(starts, len(mass))))), starts)
    return keys[starts], top + np.log(total)


def _exact(table: np.ndarray) -> float | None:
    """The exact p-value, or None when it would take more than MAX_WORK."""
    rows, columns = table.sum(axis=1), table.sum(axis=0)
    n = int(rows.sum())
    network = _Network(tuple(int(c) for c in sorted(columns, reverse=True)), n)
    try:
        return _enumerate(network, table, rows, columns, n)
    except _TooLarge:
        return None


def _settle(network: _Network, stage: int, node: tuple, past: np.ndarray, observed: float):
    """Which paths into ``node`` certainly count (every completion as or less probable than the
    observed table) and which may: cheap bounds first, the exact longest and shortest only if needed."""
    all_count = past + network.longest_at_most(stage, node) <= observed
    open_ = ~all_count & (past + network.shortest_at_least(stage, node) <= observed)
    if open_.any():
        all_count |= open_ & (past + network.longest(stage, node) <= observed)
        open_ &= ~all_count & (past + network.shortest(stage, node) <= observed)
    return all_count, open_


def _enumerate(network: _Network, table, rows, columns, n: int) -> float:
    lf = network.log_factorial
    observed = float(lf[columns].sum() - lf[table].sum()) + TOLERANCE
    constant = float(lf[rows].sum() - lf[n])           # log(prod r_i! / N!)
    p_value = 0.0
    level = {tuple(int(r) for r in sorted(rows)): (np.zeros(1), np.zeros(1))}  # node -> (lengths, log masses)
    for stage in range(len(network.columns)):
        following: dict[tuple, list] = {}
        for node, (past, mass) in level.items():
            all_count, open_ = _settle(network, stage, node, past, observed)
            p_value += float(np.exp(mass[all_count] + network.total(node) + constant).sum())
            if not open_.any():
                continue
            if stage == len(network.columns) - 2:  # every completion is one table: count them here
                length = network.last_two(node)[1]
                network.spend(int(open_.sum()) * len(length))
                counted = past[open_, None] + length[None, :] <= observed
                p_value += float(np.exp((mass[open_, None] + length[None, :])[counted] + constant).sum())
                continue
            children, starts, length = network.edges(stage, node)
            network.spend(int(open_.sum()) * len(length))
            new_past = past[open_, None] + length[None, :]
            new_mass = mass[open_, None] + length[None, :]
            for child, start, stop in zip(children, starts[:-1], starts[1:]):
                following.setdefault(child, []).append((new_past[:, start:stop].ravel(),
                                                        new_mass[:, start:stop].ravel()))
        network.spend(50 * len(following))
        level = {node: _merge(parts) for node, parts in following.items()}
    return min(p_value, 1.0)


def fisher_exact(table) -> FisherResult:
    """Fisher's exact test of independence in an r x c table of counts, two-sided as R's
    ``fisher.test``: the probability, given the margins, of every table no more probable than
    the observed one,

    .. math::
        p = \\sum_{T: P(T) \\le P(T_{obs})} P(T), \\qquad
        P(T) = \\frac{\\prod_i r_i! \\prod_j c_j!}{N! \\prod_{ij} x_{ij}!}

    (with R's tolerance of 3.45e-7 on the log scale). 2 x 2 tables use scipy's exact test (R's
    own 2 x 2 code). Rows or columns of zeros are dropped. Counts must be whole numbers. When the
    enumeration would take more than MAX_WORK steps (a few seconds; R's own limit, its
    ``workspace``, falls elsewhere) the p-value is a seeded Monte Carlo estimate from
    MONTE_CARLO_TABLES tables, and ``exact`` is False.

    References
    ----------
    Mehta CR, Patel NR. ACM Trans Math Softw 1986;12:154-61 (FEXACT). R ``stats::fisher.test``.
    """
    from scipy import stats  # deferred: importing scipy.stats takes 0.6 s, and most pages never need it
    values = np.asarray(table, dtype=float)
    if values.ndim != 2 or not np.isfinite(values).all() or (values < 0).any() or (values != np.round(values)).any():
        raise ValueError(f"table must be a two-dimensional array of whole counts >= 0; got {table!r}")
    counts = values.astype(np.int64)
    counts = counts[counts.sum(axis=1) > 0][:, counts.sum(axis=0) > 0]
    if min(counts.shape, default=0) < 2:
        return FisherResult(1.0, True, "Fisher's exact test")
    if counts.shape == (2, 2):
        return FisherResult(float(stats.fisher_exact(counts).pvalue), True, "Fisher's exact test")
    oriented = counts if counts.shape[0] <= counts.shape[1] else counts.T
    p_value = _exact(oriented)
    if p_value is not None:
        return FisherResult(p_value, True, "Fisher's exact test")
    method = stats.MonteCarloMethod(n_resamples=MONTE_CARLO_TABLES, batch=MONTE_CARLO_BATCH,  # memory bounded
                                    rng=np.random.default_rng(MONTE_CARLO_SEED))
    p_value = float(np.asarray(stats.fisher_exact(counts, method=method).pvalue).reshape(-1)[0])
    return FisherResult(p_value, False, f"Fisher's exact test (Monte Carlo, {MONTE_CARLO_TABLES:,} tables, "
                                        f"seed {MONTE_CARLO_SEED}: too large to enumerate exactly)")
