"""Checking and converting the array-like inputs of the estimators.

Every public estimator accepts lists, numpy arrays and pandas Series. The
functions here turn them into plain numpy arrays, or raise a ``ValueError``
that says what is wrong and where (position, and the pandas index label
when it is not the position itself), so the caller can find the subject.
"""
from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd


def _where(values, position: int) -> str:
    """'position 12' or 'position 12 (index label 'P013')' for a Series."""
    text = f"position {position}"
    if isinstance(values, pd.Series):
        label = values.index[position]
        if not (isinstance(label, (int, np.integer)) and label == position):
            text += f" (index label {label!r})"
    return text


def _as_1d(values, name: str):
    if isinstance(values, (str, bytes, dict)) or np.ndim(values) == 0:
        raise ValueError(f"{name} must be a sequence of values, one per subject; got {values!r}")
    if np.ndim(values) != 1:
        raise ValueError(f"{name} must be one-dimensional; got shape {np.shape(values)}")
    return values


def _as_float(values, name: str) -> np.ndarray:
    """float64 array; NaN for missing; an error naming the first non-number."""
    values = _as_1d(values, name)
    try:
        if isinstance(values, pd.Series):
            return values.to_numpy(dtype=float, na_value=np.nan)
        return np.asarray(values, dtype=float)
    except (TypeError, ValueError):
        raw = pd.Series(list(values) if not isinstance(values, pd.Series) else values.to_numpy())
        numeric = pd.to_numeric(raw, errors="coerce")
        position = int(np.flatnonzero((numeric.isna() & raw.notna()).to_numpy())[0])
        raise ValueError(
            f"{name} must be numbers; got {raw.iloc[position]!r} at {_where(values, position)}"
        ) from None


def _first(mask: np.ndarray) -> int:
    return int(np.flatnonzero(mask)[0])


def as_times(time, name: str = "time") -> np.ndarray:
    """Follow-up times as float64: finite and non-negative, one per subject."""
    values = _as_float(time, name)
    bad = ~np.isfinite(values)
    if bad.any():
        position = _first(bad)
        what = "NaN (missing)" if np.isnan(values[position]) else repr(float(values[position]))
        also = f" ({int(bad.sum())} such values in all)" if bad.sum() > 1 else ""
        raise ValueError(
            f"{name} has {what} at {_where(time, position)}; every subject needs a finite time{also}"
        )
    negative = values < 0
    if negative.any():
        position = _first(negative)
        raise ValueError(
            f"{name} is negative ({float(values[position])!r}) at {_where(time, position)}; "
            "times are measured forward from the time origin and must be >= 0"
        )
    return values


def as_codes(status, name: str = "status") -> np.ndarray:
    """Non-negative integer status codes (0 = censored) as int64; booleans become 0/1."""
    values = _as_float(status, name)
    missing = np.isnan(values)
    if missing.any():
        position = _first(missing)
        raise ValueError(f"{name} is missing at {_where(status, position)}; use 0 for censored")
    bad = (values < 0) | (values != np.round(values)) | ~np.isfinite(values)
    if bad.any():
        position = _first(bad)
        raise ValueError(
            f"{name} must be whole numbers >= 0 (0 = censored); got {float(values[position])!r} "
            f"at {_where(status, position)}"
        )
    return values.astype(np.int64)


def as_event_flags(event, name: str = "event") -> np.ndarray:
    """Event indicators as 0/1 int64: True/1 = event, False/0 = censored."""
    codes = as_codes(event, name)
    bad = codes > 1
    if bad.any():
        position = _first(bad)
        raise ValueError(
            f"{name} must be 0/1 or False/True (1 = event, 0 = censored); got "
            f"{int(codes[position])} at {_where(event, position)}"
        )
    return codes


def as_groups(group, name: str = "group") -> tuple[np.ndarray, list]:
    """Group labels as integer codes 0..K-1 plus the labels in that order.

    Labels are sorted (as R sorts factor levels) unless ``group`` is a pandas
    Categorical, whose category order is kept. A category with no subjects and
    fewer than two groups are errors.
    """
    series = group if isinstance(group, pd.Series) else pd.Series(_as_1d(group, name))
    if series.isna().any():
        position = int(np.flatnonzero(series.isna().to_numpy())[0])
        raise ValueError(f"{name} is missing at {_where(group, position)}; every subject needs a group")
    if isinstance(series.dtype, pd.CategoricalDtype):
        categorical = pd.Categorical(series)
        counts = np.bincount(categorical.codes, minlength=len(categorical.categories))
        empty = [label for label, count in zip(categorical.categories, counts) if count == 0]
        if empty:
            raise ValueError(
                f"{name} level {empty[0]!r} has no subjects; drop unused levels "
                "(remove_unused_categories) or give at least one subject to every group"
            )
        codes, labels = categorical.codes.astype(np.int64), list(categorical.categories)
    else:
        try:  # hash the labels, then sort only the distinct ones (as R orders factor levels)
            codes, uniques = pd.factorize(series, sort=True)
        except TypeError:  # mixed types that cannot be ordered: order by their text
            codes, uniques = pd.factorize(series.astype(str), sort=True)
        labels = list(uniques)
        codes = codes.astype(np.int64)
    if len(labels) < 2:
        raise ValueError(
            f"{name} has {len(labels)} distinct value{'s' if len(labels) != 1 else ''} "
            f"({', '.join(map(repr, labels))}); a comparison needs at least two groups"
        )
    return codes, labels


def same_length(**arrays: Sequence) -> int:
    """The common length of the named arrays; an error naming each length if they differ."""
    lengths = {name: len(values) for name, values in arrays.items()}
    if len(set(lengths.values())) > 1:
        listed = ", ".join(f"{name} has {length}" for name, length in lengths.items())
        raise ValueError(f"inputs must have one value per subject, but lengths differ: {listed}")
    n = next(iter(lengths.values()))
    if n == 0:
        raise ValueError("no subjects: the inputs are empty")
    return n
