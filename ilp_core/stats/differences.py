"""The difference of two curves at fixed times, with a Wald interval and z-test."""
from __future__ import annotations

import numpy as np
import pandas as pd
from scipy.special import ndtr

from ilp_core.conventions import normal_quantile
from ilp_core.stats.competing import CumulativeIncidence
from ilp_core.stats.survival import KaplanMeier

COLUMNS = ["time", "group_a", "group_b", "estimate_a", "estimate_b", "difference", "ci_lower", "ci_upper",
           "p_value", "method", "note"]
METHOD = "difference of two independent estimates; Wald interval and z-test from their standard errors"


def landmark_difference(curve_a: KaplanMeier | CumulativeIncidence, curve_b: KaplanMeier | CumulativeIncidence,
                        times, *, conf_level: float = 0.95, names: tuple[str, str] = ("a", "b")) -> pd.DataFrame:
    """Difference between two independent groups' estimates at each of ``times`` (first minus second).

    .. math::

        d = F_a(t) - F_b(t), \\quad se = \\sqrt{se_a^2 + se_b^2}, \\quad
        d \\mp z_{1-\\alpha/2}\\, se, \\quad p = 2\\,(1 - \\Phi(|d| / se))

    with each group's standard error of the estimate itself (Greenwood for Kaplan-Meier,
    the curve's variance for an incidence), as ``summary(survfit(...), times)$std.err``.

    Parameters
    ----------
    curve_a, curve_b : two curves of the same kind, on the same time scale as ``times``.
    times : the landmark times.
    conf_level : the interval's level.
    names : the groups' names, echoed in ``group_a`` and ``group_b`` and in the notes.

    Returns
    -------
    DataFrame with columns ``time, group_a, group_b, estimate_a, estimate_b, difference,
    ci_lower, ci_upper, p_value, method, note``. The Wald interval and test need both standard
    errors: where either is 0 (no event yet, or none left event-free) or undefined, the
    interval and p-value are NaN and ``note`` says why and names the test of whole curves
    (log-rank or Gray's) to use instead.

    Examples
    --------
    >>> from ilp_core.stats.survival import kaplan_meier
    >>> a = kaplan_meier([2, 4, 6, 8, 10], [1, 0, 1, 1, 0])
    >>> b = kaplan_meier([1, 3, 5, 7, 9], [1, 1, 1, 0, 1])
    >>> row = landmark_difference(a, b, [6]).iloc[0]
    >>> round(float(row.difference), 4), round(float(row.p_value), 4)
    (0.1333, 0.6872)
    """
    at_a, at_b = curve_a.at(times), curve_b.at(times)
    difference = (at_a.estimate - at_b.estimate).to_numpy()
    se_a, se_b = at_a.std_err.to_numpy(), at_b.std_err.to_numpy()
    valid = (se_a > 0) & (se_b > 0) & np.isfinite(difference)
    se = np.where(valid, np.sqrt(se_a ** 2 + se_b ** 2), np.nan)
    z = normal_quantile(conf_level)
    p = np.where(valid, 2 * ndtr(-np.abs(difference) / np.where(valid, se, 1.0)), np.nan)
    curve_test = "Gray's test" if isinstance(curve_a, CumulativeIncidence) else "the log-rank test"
    notes = [_note(names, (ea, eb), (sa, sb), curve_test)
             for ea, eb, sa, sb in zip(at_a.estimate, at_b.estimate, se_a, se_b)]
    return pd.DataFrame({
        "time": at_a.time, "group_a": names[0], "group_b": names[1], "estimate_a": at_a.estimate,
        "estimate_b": at_b.estimate, "difference": difference, "ci_lower": difference - z * se,
        "ci_upper": difference + z * se, "p_value": p, "method": METHOD, "note": notes,
    }, columns=COLUMNS)


def _note(names, estimates, errors, curve_test: str) -> str:
    """Why a row has no interval or test ('' when it has them)."""
    unknown = [n for n, e in zip(names, estimates) if not np.isfinite(e)]
    flat = [n for n, e, s in zip(names, estimates, errors) if np.isfinite(e) and not s > 0]
    if unknown:
        return f"no patient followed that long in the {' and '.join(unknown)} group"
    if flat:
        return (f"no interval or z-test: the {' and '.join(flat)} estimate has no standard error yet "
                f"(no event, or none left event-free); compare the whole curves with {curve_test}")
    return ""
