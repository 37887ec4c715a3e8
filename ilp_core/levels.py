"""Category values as the text a reader sees, and the one name for a missing value."""
from __future__ import annotations

import numpy as np
import pandas as pd

MISSING = "(missing)"
ALL_PATIENTS = "All patients"  # the one group when patients are not compared


# Columns whose distinct values can stand for all of them: no value equals one of another kind
# (True == 1.0 hashes as one value, so a column mixing booleans and numbers is read value by value).
_HASHABLE_KINDS = {"string", "floating", "integer", "mixed-integer-float", "boolean", "datetime", "datetime64",
                   "date", "empty", "categorical"}


def each_distinct(values: pd.Series, write, blank: str) -> pd.Series:
    """``write(value)`` for each value, called once per distinct value (a column of 100,000 patients
    holds a few dozen); ``blank`` for None, NaN, NaT and NA."""
    if pd.api.types.infer_dtype(values, skipna=True) not in _HASHABLE_KINDS:
        return values.astype(object).map(write).where(values.notna(), blank)
    codes, uniques = pd.factorize(values)  # blanks get code -1
    texts = np.array([write(value) for value in uniques] + [blank], dtype=object)
    return pd.Series(texts[codes], index=values.index, name=values.name, dtype=object)


def _text(value) -> str:
    if isinstance(value, (bool, np.bool_)):
        return "yes" if value else "no"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, pd.Timestamp):
        return value.strftime("%Y-%m-%d")
    return str(value)


def as_labels(values: pd.Series) -> pd.Series:
    """Values as display text: yes/no for booleans, whole numbers without '.0', '(missing)' for blanks.

    Examples
    --------
    >>> as_labels(pd.Series([True, 2.0, None, "lower"])).tolist()
    ['yes', '2', '(missing)', 'lower']
    """
    return each_distinct(values, _text, MISSING)
