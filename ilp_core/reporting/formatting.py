"""Numbers as a clinician reads them: percentages, intervals, p-values, with '–' for the undefined."""
from __future__ import annotations

import math

from ilp_core.conventions import interval_label

DASH = "\u2013"


def _missing(value) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def percent(value, digits: int = 0) -> str:
    """0.1287 -> '13%'; NaN -> '–'."""
    return DASH if _missing(value) else f"{100 * value:.{digits}f}%"


def interval(lower, upper, digits: int = 0) -> str:
    """'4% to 30%'; '–' where either bound is undefined (never a made-up number)."""
    if _missing(lower) or _missing(upper):
        return DASH
    return f"{percent(lower, digits)} to {percent(upper, digits)}"


def number(value, digits: int = 1) -> str:
    """A time or other number with fixed decimals; '–' when undefined ('not reached' for medians)."""
    return DASH if _missing(value) else f"{value:.{digits}f}"


def p_value(p) -> str:
    """'p = 0.032', 'p < 0.001', or '–'."""
    number = p_number(p)
    return number if number == DASH else f"p {number}" if number.startswith("<") else f"p = {number}"


def p_number(p) -> str:
    """A p-value under a heading that names it: '0.032', '< 0.001', or '–'."""
    if _missing(p):
        return DASH
    return "< 0.001" if p < 0.001 else f"{p:.3f}"


def time_value(value, digits: int = 1) -> str:
    """A median or its limit: 'not reached' where the curve never gets there (NaN)."""
    return "not reached" if _missing(value) else f"{value:.{digits}f}"


def time_interval(lower, upper, digits: int = 1) -> str:
    """'36.0 to 58.2', '36.0 to not reached'; 'not estimable' when neither limit is reached."""
    if _missing(lower) and _missing(upper):
        return "not estimable"
    return f"{time_value(lower, digits)} to {time_value(upper, digits)}"


def ratio_with_ci(row, ratio: str, conf_level: float) -> str:
    """'HR 1.02 (95% CI 0.99 to 1.05), p = 0.21', or 'not estimable' for a term a model could not
    estimate (``row.estimable`` False, or any of the numbers undefined)."""
    values = (row.hazard_ratio, row.ci_lower, row.ci_upper)
    if not getattr(row, "estimable", True) or any(_missing(v) or not math.isfinite(v) for v in values):
        return "not estimable"
    return (f"{ratio} {row.hazard_ratio:.2f} ({interval_label(conf_level)} {row.ci_lower:.2f} to {row.ci_upper:.2f}), "
            f"{p_value(row.p_value)}")


def time_with_unit(value: float, unit: str) -> str:
    """A landmark as a reader writes it: '12 months', '1 year', '0.5 years', '26.1 weeks', '365 days'."""
    digits = 0 if unit == "days" else 1
    text = f"{value:.{digits}f}".rstrip("0").rstrip(".") if digits else f"{value:.0f}"
    singular = unit[:-1] if unit.endswith("s") else unit
    return f"{text} {singular if text == '1' else unit}"
