"""Numbers as a clinician reads them: percentages, intervals, p-values, with '–' for the undefined."""
from __future__ import annotations

import math

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
    if _missing(p):
        return DASH
    return "p < 0.001" if p < 0.001 else f"p = {p:.3f}"
