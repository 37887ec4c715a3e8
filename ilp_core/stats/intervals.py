"""Pointwise confidence limits for survival and incidence curves.

The transforms follow R ``survival`` (``survfit``'s ``conf.type``) for the
survival function and tidycmprsk / Stata / EZR for the cumulative incidence.
Each function's docstring gives its formula.
"""
from __future__ import annotations

import numpy as np

from ilp_core.checks import check_choice
from ilp_core.conventions import CONF_TYPES


def survival_limits(surv: np.ndarray, sigma: np.ndarray, z: float,
                    conf_type: str) -> tuple[np.ndarray, np.ndarray]:
    """Limits for a survival probability S with sigma = SE of log S (Greenwood).

    plain: S -/+ z S sigma, clipped to [0, 1]; log: S exp(-/+ z sigma), upper
    clipped at 1; log-log: S^exp(+/- z sigma / |log S|). Where sigma = 0 the
    limits are [S, S]; where S = 0 they are undefined (NaN).
    """
    check_choice(conf_type, "conf_type", CONF_TYPES)
    surv, sigma = np.asarray(surv, float), np.asarray(sigma, float)
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        if conf_type == "plain":
            half = z * surv * sigma
            lower, upper = np.clip(surv - half, 0, 1), np.clip(surv + half, 0, 1)
        elif conf_type == "log":
            lower, upper = surv * np.exp(-z * sigma), np.minimum(surv * np.exp(z * sigma), 1.0)
        else:
            cumhaz = -np.log(surv)
            lower = np.exp(-cumhaz * np.exp(z * sigma / cumhaz))
            upper = np.exp(-cumhaz * np.exp(-z * sigma / cumhaz))
    flat = sigma == 0
    lower, upper = np.where(flat, surv, lower), np.where(flat, surv, upper)
    undefined = ~(surv > 0)
    return np.where(undefined, np.nan, lower), np.where(undefined, np.nan, upper)


def incidence_limits(incidence: np.ndarray, std_err: np.ndarray, z: float,
                     conf_type: str) -> tuple[np.ndarray, np.ndarray]:
    """Limits for a cumulative incidence F with standard error se.

    plain: F -/+ z se, clipped to [0, 1] ([0, 0] at F = 0); log: F exp(-/+ z se / F),
    upper clipped at 1; log-log on F itself: F^exp(-/+ z se / (F log F)). log and
    log-log are undefined (NaN) at F = 0, log-log also at F = 1.
    """
    check_choice(conf_type, "conf_type", CONF_TYPES)
    inc, se = np.asarray(incidence, float), np.asarray(std_err, float)
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        if conf_type == "plain":
            return np.clip(inc - z * se, 0, 1), np.clip(inc + z * se, 0, 1)
        if conf_type == "log":
            lower, upper = inc * np.exp(-z * se / inc), np.minimum(inc * np.exp(z * se / inc), 1.0)
            defined = inc > 0
        else:
            spread = z * se / (inc * np.log(inc))
            lower, upper = inc ** np.exp(-spread), inc ** np.exp(spread)
            defined = (inc > 0) & (inc < 1)
    return np.where(defined, lower, np.nan), np.where(defined, upper, np.nan)
