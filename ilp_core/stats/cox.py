"""The Cox partial-likelihood fit, step for step as R survival's ``coxph`` (coxfit6 / agfit4).

Efron's approximation for tied event times, case weights, and (start, stop] risk sets for
counting-process data (what ``survival::finegray`` produces). The Newton-Raphson iteration
follows R's: covariates other than 0/1 indicators centred and scaled, convergence when the
log partial likelihood changes by at most 1e-9 (relative), step halving when it falls, at
most 20 iterations, and a Cholesky decomposition that sets aside columns whose pivot is
below 1.8e-12 of the largest. So a fit that R reports as converged gives R's numbers, and
one where a coefficient runs off to infinity (separation) stops where R stops and is
flagged by R's own rule ("Loglik converged before variable ...").
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ilp_core.stats._risk_sets import merge_near_ties

EPS = 1e-9                                   # coxph.control(eps)
TOLER_CHOLESKY = np.finfo(float).eps ** 0.75  # coxph.control(toler.chol)
TOLER_INFINITE = np.sqrt(EPS)                 # coxph.control(toler.inf)
MAX_ITERATIONS = 20                           # coxph.control(iter.max)


@dataclass(frozen=True)
class CoxFit:
    """coef, its variance (inverse information; 0 rows/columns where a column was set aside),
    log partial likelihood at 0 and at the estimate, iterations, whether R would call it
    converged, and which coefficients R would warn "may be infinite"."""

    coef: np.ndarray
    variance: np.ndarray
    loglik: tuple[float, float]
    iterations: int
    converged: bool
    infinite: np.ndarray
    singular: np.ndarray


def _ldl(matrix: np.ndarray, toler: float) -> tuple[np.ndarray, np.ndarray]:
    """R survival's cholesky2: L D L' with unit lower L; pivots below ``toler`` x the largest
    diagonal element (or not finite) are set to 0. Returns (L with D on the diagonal, kept)."""
    m = matrix.copy()
    p = len(m)
    largest = max(float(np.max(np.diag(m))), 0.0) if p else 0.0
    eps = toler * largest if largest > 0 else toler
    kept = np.zeros(p, dtype=bool)
    for i in range(p):
        pivot = m[i, i]
        if not np.isfinite(pivot) or pivot < eps:
            m[i, i] = 0.0
            continue
        kept[i] = True
        for j in range(i + 1, p):
            temp = m[j, i] / pivot
            m[j, i] = temp
            m[j, j] -= temp * temp * pivot
            m[j + 1:, j] -= temp * m[j + 1:, i]
    return m, kept


def _solve(ldl: np.ndarray, y: np.ndarray) -> np.ndarray:
    """R survival's chsolve2: solve with the decomposition, 0 for the set-aside columns."""
    y = y.astype(float).copy()
    p = len(y)
    for i in range(p):
        y[i] -= ldl[i, :i] @ y[:i]
    for i in range(p - 1, -1, -1):
        if ldl[i, i] == 0:
            y[i] = 0.0
        else:
            y[i] = y[i] / ldl[i, i] - ldl[i + 1:, i] @ y[i + 1:]
    return y


def _inverse(matrix: np.ndarray, kept: np.ndarray) -> np.ndarray:
    """The inverse on the kept columns, 0 elsewhere (R's chinv2 after cholesky2)."""
    out = np.zeros_like(matrix)
    if kept.any():
        index = np.ix_(kept, kept)
        out[index] = np.linalg.inv(matrix[index])
    return out


def _tail_sums(order: np.ndarray, values: np.ndarray) -> np.ndarray:
    """Sums of ``values`` over the rows from each sorted position to the end, plus a final 0."""
    ordered = values[order]
    tails = np.cumsum(ordered[::-1], axis=0)[::-1]
    return np.concatenate([tails, np.zeros((1,) + values.shape[1:])], axis=0)


class _Terms:
    """Efron log partial likelihood, score and information for fixed data, at any beta."""

    def __init__(self, start, stop, status, weight, x):
        self.x, self.weight, self.status = x, weight, status.astype(bool)
        self.times, self.death_time = np.unique(stop[self.status], return_inverse=True)
        self.stop_order = np.argsort(stop, kind="stable")
        self.stop_at = np.searchsorted(stop[self.stop_order], self.times, side="left")
        if start is None:
            self.start_order = None
        else:
            self.start_order = np.argsort(start, kind="stable")
            self.start_at = np.searchsorted(start[self.start_order], self.times, side="left")
        self.n_dead = np.bincount(self.death_time, minlength=len(self.times))
        self.dead_weight = np.bincount(self.death_time, weights=weight[self.status], minlength=len(self.times))
        self.score_base = (weight[self.status, None] * x[self.status]).sum(axis=0)

    def _at_risk(self, values: np.ndarray) -> np.ndarray:
        """Sum over each event time's risk set (start < t <= stop) of ``values``."""
        total = _tail_sums(self.stop_order, values)[self.stop_at]
        if self.start_order is not None:
            total = total - _tail_sums(self.start_order, values)[self.start_at]
        return total

    def _per_death_time(self, values: np.ndarray) -> np.ndarray:
        dead = values[self.status]
        out = np.zeros((len(self.times),) + values.shape[1:])
        np.add.at(out, self.death_time, dead)
        return out

    def __call__(self, beta: np.ndarray) -> tuple[float, np.ndarray, np.ndarray]:
        x = self.x
        eta = x @ beta
        risk = self.weight * np.exp(eta)
        s0 = self._at_risk(risk)
        s1 = self._at_risk(risk[:, None] * x)
        s2 = self._at_risk(risk[:, None, None] * x[:, :, None] * x[:, None, :])
        d0 = self._per_death_time(risk)
        d1 = self._per_death_time(risk[:, None] * x)
        d2 = self._per_death_time(risk[:, None, None] * x[:, :, None] * x[:, None, :])
        loglik = float((self.weight * eta)[self.status].sum())
        score = self.score_base.copy()
        information = np.zeros((x.shape[1], x.shape[1]))
        share = self.dead_weight / self.n_dead
        for k in range(int(self.n_dead.max(initial=0))):
            rows = self.n_dead > k
            fraction = (self.n_dead[rows] - 1 - k) / self.n_dead[rows]  # Efron: the tied deaths' share left out
            denom = s0[rows] - fraction * d0[rows]
            a = s1[rows] - fraction[:, None] * d1[rows]
            c = s2[rows] - fraction[:, None, None] * d2[rows]
            mean = a / denom[:, None]
            w = share[rows]
            loglik -= float((w * np.log(denom)).sum())
            score -= (w[:, None] * mean).sum(axis=0)
            information += ((w / denom)[:, None, None] * (c - mean[:, :, None] * a[:, None, :])).sum(axis=0)
        return loglik, score, information


def _standardise(x: np.ndarray, weight: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """R's centring and scaling: indicators (values in -1, 0, 1) as they are; other columns minus
    their weighted mean, times sum(w) / sum(w |x - mean|). Returns (scaled x, scale)."""
    x = x.astype(float).copy()
    scale = np.ones(x.shape[1])
    total = weight.sum()
    for i in range(x.shape[1]):
        if np.isin(x[:, i], (-1.0, 0.0, 1.0)).all():
            continue
        x[:, i] -= (weight * x[:, i]).sum() / total
        spread = (weight * np.abs(x[:, i])).sum()
        scale[i] = total / spread if spread > 0 else 1.0
        x[:, i] *= scale[i]
    return x, scale


def coxph_fit(time, status, x, *, weight=None, start=None, timefix: bool = True) -> CoxFit:
    r"""Maximise Efron's log partial likelihood as R's ``coxph(..., ties = "efron")``.

    .. math::
        \ell(\beta) = \sum_{t} \Big[ \sum_{i \in D_t} w_i x_i'\beta
            - \bar w_t \sum_{k=0}^{d_t - 1} \log\Big( S_0(t) - \tfrac{k}{d_t} S_0^{D}(t) \Big) \Big]

    with D_t the deaths at t, S_0(t) the weighted sum of exp(x'beta) over the risk set
    (start < t <= stop) and S_0^D(t) its part over D_t. Times closer than sqrt(machine
    epsilon) are merged first, as coxph's ``timefix``.
    """
    time, status = np.asarray(time, float), np.asarray(status, float)
    x = np.asarray(x, float).reshape(len(time), -1)
    weight = np.ones(len(time)) if weight is None else np.asarray(weight, float)
    if timefix:
        time = merge_near_ties(time)
    scaled, scale = _standardise(x, weight)
    terms = _Terms(None if start is None else np.asarray(start, float), time, status, weight, scaled)
    beta = np.zeros(x.shape[1])
    loglik0, score, information = terms(beta)
    best = loglik0
    ldl, kept = _ldl(information, TOLER_CHOLESKY)
    new_beta = beta + _solve(ldl, score)
    halving, converged, iterations = 0, False, 0
    for iterations in range(1, MAX_ITERATIONS + 1):
        new_loglik, score, information = terms(new_beta)
        ldl, kept = _ldl(information, TOLER_CHOLESKY)
        finite = np.isfinite(new_loglik) and np.isfinite(score).all() and np.isfinite(information).all()
        with np.errstate(divide="ignore", invalid="ignore"):  # a log-likelihood of exactly 0: 0/0, as in R's C
            change = abs(1 - np.float64(best) / np.float64(new_loglik))
        if finite and change <= EPS:
            beta, best, converged = new_beta, new_loglik, True
            break
        if not finite or new_loglik < best:  # not improving: step back towards the last good beta
            halving += 1
            new_beta = (new_beta + halving * beta) / (halving + 1.0)
        else:
            halving, best = 0, new_loglik
            beta, new_beta = new_beta, new_beta + _solve(ldl, score)
    if not converged:
        best, score, information = terms(beta)
        ldl, kept = _ldl(information, TOLER_CHOLESKY)
    variance = _inverse(information, kept) * np.outer(scale, scale)
    coef = beta * scale
    score = score / scale
    with np.errstate(invalid="ignore", over="ignore"):
        drift = np.abs(score @ variance)
        infinite = ~np.isfinite(score) | ((drift > EPS) & (drift > TOLER_INFINITE * np.abs(coef)))
    return CoxFit(coef, variance, (float(loglik0), float(best)), iterations, converged,
                  infinite if converged else np.zeros(len(coef), dtype=bool), ~kept)
