"""Writing each distinct value once (levels.each_distinct) gives the texts that writing every value
gives: labels, filters and the settings file's fingerprint depend on it."""
import datetime as dt
from decimal import Decimal

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ilp_core import levels
from ilp_core.reporting import reproducibility


def one_by_one(values: pd.Series, write, blank: str) -> pd.Series:
    return values.astype(object).map(write).where(values.notna(), blank)


AWKWARD = [
    [True, 2.0, None, "lower"], [True, 1.0, 1, False, 0.0], [1.0, np.nan, 2.5, -0.0, 0.0],
    ["a", None, "b", np.nan, pd.NA], [True, False, None], [0.0, -0.0, 0.0, -0.0, np.nan], ["1", 1, 1.0],
    [np.int64(3), np.float64(3.0)], [10**20, 1e20], [np.float32(2.0), 2.0], [Decimal("1.0"), Decimal("1")],
    [pd.Timestamp("2020-01-01 23:30", tz="UTC"), pd.Timestamp("2020-01-02 00:30", tz="Europe/Paris")],
    [pd.Timestamp("2020-01-01 05:00"), dt.datetime(2020, 1, 1, 5)], [(1, 2), (1, 2)], [b"x", "x"],
]
TYPED = [pd.Series([0.0, -0.0, 1.5], dtype=np.float32), pd.Series([-0.0, 0.0] * 3), pd.Series([1, None], dtype="Int64"),
         pd.Series([True, None], dtype="boolean"), pd.Series(pd.Categorical(["x", None, "y"])),
         pd.Series(pd.to_datetime(["2020-01-01", None])), pd.Series(["x", "x", "y"], index=[5, 6, 7])]


@pytest.mark.parametrize("values", [pd.Series(v, dtype=object) for v in AWKWARD] + TYPED)
@pytest.mark.parametrize("write", [str, levels._text])
def test_each_distinct_writes_what_writing_every_value_writes(values, write):
    got = levels.each_distinct(values, write, "(blank)")
    assert got.tolist() == one_by_one(values, write, "(blank)").tolist()
    assert got.index.equals(values.index)


values_strategy = st.lists(st.one_of(
    st.none(), st.booleans(), st.integers(-3, 3), st.sampled_from([0.0, -0.0, 1.0, 2.5, float("nan"), 1e20]),
    st.sampled_from(["a", "1", "1.0", "yes"]), st.sampled_from([np.float32(2.0), np.int64(1), np.True_])),
    min_size=1, max_size=12)


@settings(max_examples=300, deadline=None)
@given(values_strategy, st.sampled_from([None, float, object]))
def test_each_distinct_on_random_columns(values, dtype):
    try:
        series = pd.Series(values, dtype=dtype)
    except (TypeError, ValueError):
        return
    for write in (str, levels._text):
        assert levels.each_distinct(series, write, "").tolist() == one_by_one(series, write, "").tolist()


def test_the_fingerprint_tells_zero_from_minus_zero():
    # a settings file saved before values were written once each must still match the same data
    data = pd.DataFrame({"patient_id": ["A", "B"], "age_years": [0.0, -0.0]})
    swapped = data.assign(age_years=[-0.0, 0.0])
    assert reproducibility.fingerprint(data, "salt")["rows"] != reproducibility.fingerprint(swapped, "salt")["rows"]
