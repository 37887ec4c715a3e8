"""R's ``cmprsk::crr``: the Fine-Gray model fitted as cmprsk fits it, in memory linear in patients.

The subdistribution risk set at a failure time u of the event of interest holds everyone still
followed (time >= u, weight 1) and everyone who had a competing event before u, with weight
G(u-)/G(t_j-), G the Kaplan-Meier of censoring read as crr reads it (at time x (1 - 100 eps), so
censorings at time 0 count at time 0). Every sum over a risk set is a running sum over the
patients sorted by time, so nothing holds failures x patients. The iteration is crr's: Newton
steps with Armijo step halving (at most 20 halvings), convergence when
max |score| max(|b|, 1) < max(|log-likelihood|, 1) 1e-6, at most 10 iterations; the variance is
crr's sandwich I^-1 sum (eta_i + psi_i)(eta_i + psi_i)' I^-1, psi carrying the estimation of G.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ilp_core.stats._risk_sets import tabulate

GTOL = 1e-6          # crr(gtol)
MAX_ITERATIONS = 10  # crr(maxiter)
MAX_HALVINGS = 20
_READ_BEFORE = 1 - 100 * np.finfo(float).eps   # crr reads G at ftime * (1 - 100 eps)


@dataclass(frozen=True)
class CrrFit:
    """coef, information, robust (sandwich) variance, iterations and crr's ``converged``;
    ``diverging`` marks coefficients that keep running off when the iteration goes on."""

    coef: np.ndarray
    information: np.ndarray
    robust: np.ndarray
    iterations: int
    converged: bool
    diverging: np.ndarray


def censoring_survival(time: np.ndarray, status: np.ndarray) -> np.ndarray:
    """G at each time x (1 - 100 eps): the Kaplan-Meier of censoring as survfit computes it
    (censorings the events; everyone with time >= t at risk at t; near ties merged)."""
    sets = tabulate(time, (status == 0).astype(np.int64), 2)
    n = sets.n_risk[:, 0].astype(float)
    surv = np.cumprod(1 - sets.counts[:, 0, 1] / n)
    row = np.searchsorted(sets.time, time * _READ_BEFORE, side="right") - 1
    return np.where(row >= 0, surv[np.maximum(row, 0)], 1.0)


def _prefix_before(values: np.ndarray, position: np.ndarray) -> np.ndarray:
    """Sum of ``values`` over the sorted rows before each ``position`` (exclusive)."""
    cumulative = np.concatenate([np.zeros((1,) + values.shape[1:]), np.cumsum(values, axis=0)])
    return cumulative[position]


def _suffix_from(values: np.ndarray, position: np.ndarray) -> np.ndarray:
    """Sum of ``values`` over the sorted rows from each ``position`` to the end."""
    total = np.concatenate([np.cumsum(values[::-1], axis=0)[::-1], np.zeros((1,) + values.shape[1:])])
    return total[position]


class _Model:
    """The crr likelihood pieces on data sorted by time (ties in input order, as R's order())."""

    def __init__(self, time, status, x, event):
        order = np.argsort(time, kind="stable")
        self.time, self.x = time[order], x[order]
        code = status[order]
        self.fail, self.competing = code == event, (code != 0) & (code != event)
        self.censored = code == 0
        self.g = censoring_survival(self.time, code)
        self.failures = np.flatnonzero(self.fail)
        # for each failure: first row with time >= its time (the risk set's "still followed" part)
        self.first = np.searchsorted(self.time, self.time[self.failures], side="left")

    def sums(self, beta: np.ndarray):
        """S0, S1, S2 at each failure (one row per failing patient, Breslow ties) and the risk."""
        x = self.x
        risk = np.exp(x @ beta)
        weighted = np.where(self.competing, risk / self.g, 0.0)
        gf = self.g[self.failures]
        power = [risk, risk[:, None] * x, risk[:, None, None] * x[:, :, None] * x[:, None, :]]
        late = [weighted, weighted[:, None] * x, weighted[:, None, None] * x[:, :, None] * x[:, None, :]]
        s = [_suffix_from(p, self.first) + gf.reshape((-1,) + (1,) * (p.ndim - 1)) * _prefix_before(q, self.first)
             for p, q in zip(power, late)]
        return s, risk

    def objective(self, beta: np.ndarray) -> float:
        """crr's minimised function: minus the log pseudo-likelihood."""
        (s0, _, _), _ = self.sums(beta)
        with np.errstate(divide="ignore", invalid="ignore"):
            return float(-(self.x[self.failures] @ beta - np.log(s0)).sum())

    def derivatives(self, beta: np.ndarray):
        (s0, s1, s2), risk = self.sums(beta)
        mean = s1 / s0[:, None]
        with np.errstate(divide="ignore", invalid="ignore"):
            value = float(-(self.x[self.failures] @ beta - np.log(s0)).sum())
        gradient = -(self.x[self.failures] - mean).sum(axis=0)
        hessian = (s2 / s0[:, None, None] - mean[:, :, None] * mean[:, None, :]).sum(axis=0)
        return value, gradient, hessian, s0, mean, risk


def _fit(model: _Model, beta: np.ndarray, iterations: int = MAX_ITERATIONS) -> tuple[np.ndarray, int, bool]:
    """crr's Newton iteration with Armijo step halving, as cmprsk 2.2-11 runs it."""
    for iteration in range(iterations + 1):
        value, gradient, hessian, *_ = model.derivatives(beta)
        if np.max(np.abs(gradient) * np.maximum(np.abs(beta), 1)) < max(abs(value), 1) * GTOL:
            return beta, iteration, True
        if iteration == iterations:
            return beta, iteration, False
        try:
            step = -np.linalg.solve(hessian, gradient)
        except np.linalg.LinAlgError:
            return beta, iteration, False
        trial = model.objective(beta + step)
        halvings = 0
        while not np.isfinite(trial) or trial > value + 1e-4 * float(step @ gradient):
            halvings += 1
            step = step * 0.5
            trial = model.objective(beta + step)
            if halvings > MAX_HALVINGS:
                return beta, iteration, False
        beta = beta + step
    return beta, MAX_ITERATIONS, False


def _influence(model: _Model, beta: np.ndarray) -> np.ndarray:
    """eta_i + psi_i per patient: the score residual and the censoring term of crr's sandwich."""
    _, _, hessian, s0, mean, risk = model.derivatives(beta)
    x, t, failures = model.x, model.time, model.failures
    # eta: a failure's own term, minus each failure time's share over its risk set
    c0, c1 = 1 / s0, mean / s0[:, None]
    inc0, inc1 = np.cumsum(c0), np.cumsum(c1, axis=0)
    seen = np.searchsorted(t[failures], t, side="right")           # failures at or before each time
    upto0 = np.concatenate([[0.0], inc0])[seen]
    upto1 = np.concatenate([np.zeros((1, x.shape[1])), inc1])[seen]
    eta = -risk[:, None] * (x * upto0[:, None] - upto1)
    after = seen                                                   # failures strictly after a competing time
    g_fail = model.g[failures]
    tail0 = _suffix_from(g_fail * c0, after)
    tail1 = _suffix_from(g_fail[:, None] * c1, after)
    extra = -(risk / model.g)[:, None] * (x * tail0[:, None] - tail1)
    eta += np.where(model.competing[:, None], extra, 0.0)
    eta[failures] += x[failures] - mean
    # psi: how each patient's censoring moves the estimate through G (nothing to move without censoring)
    cut, lost = np.unique(t[model.censored], return_counts=True)
    if not len(cut):
        return eta
    at_risk = len(t) - np.searchsorted(t, cut, side="left")
    before = np.searchsorted(t, cut, side="left")                  # rows with time < c
    weighted = np.where(model.competing, risk / model.g, 0.0)
    a = _prefix_before(weighted[:, None] * x, before)
    b = _prefix_before(weighted, before)
    from_cut = np.searchsorted(t[failures], cut, side="left")       # failures with time >= c
    share = g_fail / s0
    q = a * _suffix_from(share, from_cut)[:, None] - b[:, None] * _suffix_from(share[:, None] * mean, from_cut)
    cumulative = np.cumsum(q * (lost / at_risk ** 2)[:, None], axis=0)
    k = np.searchsorted(cut, t, side="right")
    psi = -np.where(k[:, None] > 0, cumulative[np.maximum(k - 1, 0)], 0.0)
    own = np.searchsorted(cut, t, side="left")
    censored = model.censored
    psi[censored] += q[own[censored]] / at_risk[own[censored]][:, None]
    return eta + psi


def crr_fit(time, status, x, *, event: int = 1) -> CrrFit:
    r"""Fit the Fine-Gray model as R's ``cmprsk::crr(ftime, fstatus, cov1, failcode = event)``.

    Maximises :math:`\sum_{i: \epsilon_i = event} [x_i'\beta - \log \sum_j w_j(t_i) e^{x_j'\beta}]`
    with w_j(t) = 1 for t_j >= t, G(t-)/G(t_j-) for a competing event before t, 0 otherwise.
    """
    time, status = np.asarray(time, float), np.asarray(status)
    x = np.asarray(x, float).reshape(len(time), -1)
    model = _Model(time, status, x, event)
    beta, iterations, converged = _fit(model, np.zeros(x.shape[1]))
    _, _, information, *_ = model.derivatives(beta)
    influence = _influence(model, beta)
    inverse = np.linalg.inv(information)
    return CrrFit(beta, information, inverse @ (influence.T @ influence) @ inverse, iterations, converged,
                  _diverging(model, beta, x) if not converged else np.zeros(x.shape[1], dtype=bool))


def _diverging(model: _Model, beta: np.ndarray, x: np.ndarray) -> np.ndarray:
    """Where crr stopped unconverged, go on (30 more steps, a diagnostic only: the reported numbers
    stay R's): a coefficient that moves by more than 1 more and whose effect over one standard
    deviation of its covariate passes e^5 is running off to infinity (monotone likelihood)."""
    further, _, _ = _fit(model, beta.copy(), iterations=30)
    spread = x.std(axis=0)
    with np.errstate(invalid="ignore", over="ignore"):
        return (np.abs(further - beta) > 1) & (np.abs(further) * spread > 5)
