"""Binomial proportions with exact (Clopper-Pearson) or Wilson intervals."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ilp_core.checks import check_choice, check_conf_level
from ilp_core.conventions import level_label

PROPORTION_METHODS = ("clopper-pearson", "wilson")
_SCIPY_NAMES = {"clopper-pearson": "exact", "wilson": "wilson"}


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
    if isinstance(value, bool) or not float(value).is_integer():
        raise ValueError(f"{name} must be a whole number; got {value!r}")
    return int(value)


def proportion_ci(k: int, n: int, *, conf_level: float = 0.95,
                  method: str = "clopper-pearson") -> Proportion:
    r"""The proportion k/n with a two-sided confidence interval.

    Clopper-Pearson (exact): lower :math:`B^{-1}(\alpha/2; k, n-k+1)` (0 if k = 0),
    upper :math:`B^{-1}(1-\alpha/2; k+1, n-k)` (1 if k = n); R ``binom.test``.
    Wilson: :math:`[\hat p + z^2/2n \pm z \sqrt{\hat p(1-\hat p)/n + z^2/4n^2}] / (1 + z^2/n)`;
    R ``prop.test(correct = FALSE)``. Computed by ``scipy.stats.binomtest``.

    Parameters
    ----------
    k : number of patients with the outcome.
    n : number of patients.
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
    from scipy.stats import binomtest  # deferred: importing scipy.stats takes 0.6 s
    interval = binomtest(k, n).proportion_ci(confidence_level=level, method=_SCIPY_NAMES[method])
    lower, upper = float(interval.low), float(interval.high)
    if k == 0:
        lower = 0.0
    if k == n:
        upper = 1.0
    label = "Clopper-Pearson exact" if method == "clopper-pearson" else "Wilson score"
    return Proportion(k, n, k / n, float(np.clip(lower, 0, 1)), float(np.clip(upper, 0, 1)),
                      f"{label} {level_label(level)} interval", level)
