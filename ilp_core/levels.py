"""Category values as the text a reader sees, and the one name for a missing value."""
from __future__ import annotations

import numpy as np
import pandas as pd

MISSING = "(missing)"
ALL_PATIENTS = "All patients"  # the one group when patients are not compared


def as_labels(values: pd.Series) -> pd.Series:
    """Values as display text: yes/no for booleans, whole numbers without '.0', '(missing)' for blanks.

    Examples
    --------
    >>> as_labels(pd.Series([True, 2.0, None, "lower"])).tolist()
    ['yes', '2', '(missing)', 'lower']
    """
    def text(value):
        if value is None or value is pd.NA or (isinstance(value, float) and np.isnan(value)):
            return MISSING
        if isinstance(value, (bool, np.bool_)):
            return "yes" if value else "no"
        if isinstance(value, float) and value.is_integer():
            return str(int(value))
        if isinstance(value, pd.Timestamp):
            return value.strftime("%Y-%m-%d")
        return str(value)
    return values.astype(object).map(text)
