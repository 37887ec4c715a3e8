"""Binomial proportions with exact (Clopper-Pearson) or Wilson intervals."""
from __future__ import annotations

import math
import numbers
from dataclasses import dataclass

import numpy as np
from scipy.special import betaincinv, ndtri

from ilp_core.checks import check_choice, check_conf_level
from ilp_core.conventions import level_label

PROPORTION_METHODS = ("clopper-pearson", "wilson")
MOST = 10 ** 12  # patients (or events) a proportion takes


@dataclass(frozen=True)
class Proportion:
    """k of n with a confidence interval and the method that produced it."""

    k: int
    n: int
    estimate: float
    ci_lower: float
    ci_upper: float
    method: str
    conf_level: float = 0.95


def _whole(value, name: str) -> int:
    """``value`` as an int when it is a whole number of at most 10^12 (an int, or a real number such
    as 3.0), else a ValueError naming ``name``: not text, a bool, an array or NaN. (Beyond 10^12 the
    exact bounds drift from R's by more than 1e-9.)"""
    if isinstance(value, numbers.Real) and not isinstance(value, (bool, np.bool_)):
        if isinstance(value, numbers.Integral) or (math.isfinite(value) and float(value).is_integer()):
            if abs(int(value)) <= MOST:
                return int(value)
            raise ValueError(f"{name} must be at most 10^12; got {value!r}")
    raise ValueError(f"{name} must be a whole number; got {value!r}")


def proportion_ci(k: int, n: int, *, conf_level: float = 0.95,
                  method: str = "clopper-pearson") -> Proportion:
    r"""The proportion k/n with a two-sided confidence interval.

    Clopper-Pearson (exact): lower :math:`B^{-1}(\alpha/2; k, n-k+1)` (0 if k = 0),
    upper :math:`B^{-1}(1-\alpha/2; k+1, n-k)` (1 if k = n); R ``binom.test``.
    Wilson: :math:`[\hat p + z^2/2n \pm z \sqrt{\hat p(1-\hat p)/n + z^2/4n^2}] / (1 + z^2/n)`
    with :math:`z = \Phi^{-1}(1-\alpha/2)` (0 if k = 0, 1 if k = n); R ``prop.test(correct = FALSE)``.
    :math:`B^{-1}` is the inverse regularised incomplete beta function (R's ``qbeta``), computed
    in closed form like R, not by root finding.

    Parameters
    ----------
    k : number of patients with the outcome.
    n : number of patients (at least 1, at most 10^12).
    conf_level : float in (0, 1).
    method : ``"clopper-pearson"`` (default) or ``"wilson"``.

    Examples
    --------
    >>> result = proportion_ci(3, 34)   # R: binom.test(3, 34)$conf.int
    >>> round(result.estimate, 4), round(result.ci_lower, 4), round(result.ci_upper, 4)
    (0.0882, 0.0186, 0.2368)
    """
    k, n = _whole(k, "k"), _whole(n, "n")
    if n < 1:
        raise ValueError(f"n must be at least 1; got {n}")
    if not 0 <= k <= n:
        raise ValueError(f"k must be between 0 and n = {n}; got k = {k}")
    level = check_conf_level(conf_level)
    check_choice(method, "method", PROPORTION_METHODS)
    alpha = 1 - level
    if method == "clopper-pearson":
        lower = 0.0 if k == 0 else float(betaincinv(k, n - k + 1, alpha / 2))
        upper = 1.0 if k == n else float(betaincinv(k + 1, n - k, 1 - alpha / 2))
        label = "Clopper-Pearson exact"
    else:
        lower, upper = _wilson(k, n, float(ndtri(1 - alpha / 2)))
        label = "Wilson score"
    estimate = k / n
    return Proportion(k, n, estimate, min(max(lower, 0.0), estimate), max(min(upper, 1.0), estimate),
                      f"{label} {level_label(level)} interval", level)


def _wilson(k: int, n: int, z: float) -> tuple[float, float]:
    """Wilson's score interval as R's ``prop.test(correct = FALSE)`` writes it."""
    p, z22n = k / n, z * z / (2 * n)
    half = z * math.sqrt(p * (1 - p) / n + z22n / (2 * n))
    lower = 0.0 if k == 0 else (p + z22n - half) / (1 + 2 * z22n)
    upper = 1.0 if k == n else (p + z22n + half) / (1 + 2 * z22n)
    return lower, upper
