"""The two checks every layer shares: a choice from a closed set, and a confidence level.

Their messages echo the value and list what would be valid, e.g.
``conf_type must be one of 'log-log', 'log', 'plain'; got 'loglog'``.
"""
from __future__ import annotations

from collections.abc import Iterable

import numpy as np


def check_choice(value, name: str, choices: Iterable) -> str:
    """``value`` if it is one of ``choices``, else a ValueError listing them.

    Examples
    --------
    >>> check_choice("log", "conf_type", ("log-log", "log", "plain"))
    'log'
    >>> check_choice("loglog", "conf_type", ("log-log", "log", "plain"))
    Traceback (most recent call last):
    ...
    ValueError: conf_type must be one of 'log-log', 'log', 'plain'; got 'loglog'
    """
    choices = list(choices)
    if value not in choices:
        listed = ", ".join(repr(choice) for choice in choices)
        raise ValueError(f"{shortened(name)} must be one of {listed}; got {shortened(repr(value))}")
    return value


def shortened(text: str, most: int = 80) -> str:
    """``text`` cut to ``most`` characters with a count of the rest: a message never repeats a
    megabyte a user pasted.

    Examples
    --------
    >>> shortened("x" * 100, 10)
    'xxxxxxxxxx... (90 more characters)'
    """
    text = str(text)
    return text if len(text) <= most else f"{text[:most]}... ({len(text) - most:,} more characters)"


def check_conf_level(conf_level: float) -> float:
    """``conf_level`` as a float strictly between 0 and 1, else a ValueError echoing it: not text or
    a bool, and not so close to 1 that (1 + level) / 2 is 1 in floating point (its normal quantile,
    and every interval, would be infinite)."""
    if isinstance(conf_level, (str, bytes, bool, np.bool_)):
        raise ValueError(f"conf_level must be a number between 0 and 1; got {conf_level!r}")
    try:
        value = float(conf_level)
    except (TypeError, ValueError, OverflowError):
        raise ValueError(f"conf_level must be a number between 0 and 1; got {conf_level!r}") from None
    if not 0 < value < 1:
        raise ValueError(f"conf_level must be between 0 and 1 (e.g. 0.95); got {conf_level!r}")
    if (1 + value) / 2 >= 1:
        raise ValueError(f"conf_level must be below 1 by more than 1e-16 (its normal quantile is infinite); "
                         f"got {conf_level!r}")
    return value
