"""Reading right-continuous step curves at chosen times (shared by all curve results)."""
from __future__ import annotations

import numpy as np
import pandas as pd

AT_COLUMNS = ["time", "estimate", "std_err", "ci_lower", "ci_upper", "n_risk"]


def _requested_times(times) -> np.ndarray:
    values = np.atleast_1d(np.asarray(times, dtype=float))
    if values.ndim != 1:
        raise ValueError(f"times must be a number or a one-dimensional list; got shape {values.shape}")
    if np.isnan(values).any():
        raise ValueError(f"times has NaN at position {int(np.flatnonzero(np.isnan(values))[0])}")
    return values


def values_at(table: pd.DataFrame, times, origin: dict[str, float], *, closed: bool = False) -> pd.DataFrame:
    """The curve's value at each requested time.

    Right-continuous: the value at t uses every row with time <= t. Before the
    first row the curve takes its ``origin`` values (e.g. S = 1, se = 0). Past the
    last observed time nothing is known (NaN), unless the curve is ``closed``: every
    patient still followed at the last time had an event then, so the curve can no
    longer move and its last values hold for ever (with nobody at risk), as R's
    ``summary(fit, times, extend = TRUE)`` gives them. ``n_risk`` is the number still
    followed at t (time >= t).
    """
    t = _requested_times(times)
    grid = table["time"].to_numpy()
    row = np.searchsorted(grid, t, side="right") - 1
    before, past = row < 0, t > grid[-1]
    unknown = past & (not closed)
    out = {"time": t}
    for column in ("estimate", "std_err", "ci_lower", "ci_upper"):
        values = table[column].to_numpy(dtype=float)[np.clip(row, 0, None)]
        values = np.where(before, origin[column], values)
        out[column] = np.where(unknown, np.nan, values)
    at_risk = table["n_risk"].to_numpy(dtype=float)
    following = np.clip(np.searchsorted(grid, t, side="left"), 0, len(grid) - 1)
    out["n_risk"] = np.where(past, 0.0 if closed else np.nan, at_risk[following])
    return pd.DataFrame(out, columns=AT_COLUMNS)
