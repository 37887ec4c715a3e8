"""Category values as the text a reader sees, and the one name for a missing value."""
from __future__ import annotations

import numpy as np
import pandas as pd

MISSING = "(missing)"
ALL_PATIENTS = "All patients"  # the one group when patients are not compared


def _codes(values: pd.Series) -> tuple[np.ndarray, np.ndarray] | None:
    """(code per value, -1 for blanks; one value per code) when values that factorize as one
    always write as one text, else None. Numbers are told apart by their bits (0.0 and -0.0 write
    differently); an object column only when it holds text alone, whole numbers alone or booleans
    alone (True == 1 == 1.0, and a float32 2.0 writes as '2.0' where a float 2.0 is '2')."""
    dtype = values.dtype
    if isinstance(dtype, pd.CategoricalDtype) or pd.api.types.is_datetime64_any_dtype(dtype):
        return pd.factorize(values)
    if isinstance(dtype, np.dtype) and dtype.kind == "f":
        array = values.to_numpy()
        bits = f"i{array.itemsize}"
        codes, uniques = pd.factorize(array.view(bits))
        codes[np.isnan(array)] = -1
        return codes, np.asarray(uniques).astype(bits).view(array.dtype).astype(object)  # as Python floats
    if isinstance(dtype, np.dtype) and dtype.kind in "iub":
        return pd.factorize(values)
    if pd.api.types.infer_dtype(values, skipna=True) in ("string", "integer", "boolean", "empty"):
        return pd.factorize(values)  # text alone, whole numbers alone (or nullable), booleans alone
    return None


def each_distinct(values: pd.Series, write, blank: str) -> pd.Series:
    """``write(value)`` for each value, called once per distinct value where that gives the same
    texts (a column of 100,000 patients holds a few dozen), else value by value; ``blank`` for
    what pandas reads as missing (None, NaN, NaT, NA)."""
    found = _codes(values)
    if found is None:
        return values.astype(object).map(write).where(values.notna(), blank)
    codes, uniques = found
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
