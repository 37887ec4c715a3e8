"""The figures' JSON: rows written as Altair writes them, each dataset stored once under Altair's name."""
import altair as alt
import numpy as np
import pandas as pd
import pytest

from ilp_core.reporting import vega_lite as vl


def altair_datasets(frame: pd.DataFrame) -> dict:
    return alt.Chart(frame).mark_point().to_dict(validate=False)["datasets"]


def test_rows_are_written_as_altair_writes_them():
    frame = pd.DataFrame({
        "time": [0.0, 1.5, np.nan, np.inf, -np.inf],
        "n_risk": np.array([5, 4, 3, 2, 1], dtype="int64"),
        "small": np.array([1, 2, 3, 4, 5], dtype="int32"),
        "flag": [True, False, True, True, False],
        "stratum": ["a", None, "c", "d\ne", "\u200bf"],
        "text": pd.array(["x", pd.NA, "z", "w", "v"], dtype="string"),
        "group": pd.Categorical(["p", "q", "p", "q", "p"]),
        "count": pd.array([1, None, 3, 4, 5], dtype="Int64"),
        "mixed": pd.Series([np.float32("nan"), 1.5, np.int64(3), None, "a"], dtype=object),
    })
    ours = vl.figure(vl.view(frame, "point", {}))
    assert ours["datasets"] == altair_datasets(frame)  # the same rows, under the same name
    assert ours["data"] == {"name": next(iter(altair_datasets(frame)))}
    assert ours["datasets"][ours["data"]["name"]][2] == {"time": None, "n_risk": 3, "small": 3, "flag": True,
                                                         "stratum": "c", "text": "z", "group": "p", "count": 3,
                                                         "mixed": 3}
    assert [row["mixed"] for row in vl.records(frame)][:2] == [None, 1.5]  # a float32 NaN is missing too


@pytest.mark.parametrize("frame", [
    pd.DataFrame([[1, 2]], columns=["a", "a"]), pd.DataFrame([[1, 2]], columns=[1, "1"]),
    pd.DataFrame({"when": pd.to_datetime(["2020-01-01"])}), pd.DataFrame({"when": [pd.Timestamp("2020-01-01")]}),
    pd.DataFrame({"when": pd.to_datetime(["2020-01-01"]).tz_localize("UTC")}),
    pd.DataFrame({"for": pd.to_timedelta([1], unit="D")}), pd.DataFrame({"z": [1 + 2j]}),
    pd.DataFrame({"o": [object()]})])
def test_anything_but_numbers_text_and_true_false_is_refused_by_name(frame):
    with pytest.raises(ValueError, match="column"):
        vl.records(frame)


def test_each_dataset_is_stored_once_and_every_view_names_its_own():
    curve = pd.DataFrame({"time": [0.0, 1.0], "estimate": [1.0, 0.5]})
    marks = pd.DataFrame({"time": [1.0], "estimate": [0.5]})
    body = vl.vconcat(vl.layer(vl.view(curve, "area", {}), vl.view(curve, "line", {}), vl.view(marks, "point", {})),
                      vl.view(marks, "text", {}), spacing=4)
    spec = vl.figure(body, title={"text": "t"}, usermeta={"size": [100, 50]})
    assert len(spec["datasets"]) == 2
    names = [view["data"]["name"] for view in spec["vconcat"][0]["layer"]] + [spec["vconcat"][1]["data"]["name"]]
    assert names[0] == names[1] != names[2] == names[3]
    assert spec["datasets"][names[2]] == [{"time": 1.0, "estimate": 0.5}]
    assert "values" not in str(spec["vconcat"]) and spec["spacing"] == 4 and spec["usermeta"] == {"size": [100, 50]}
    assert spec["$schema"] == vl.SCHEMA_URL
    assert body["vconcat"][1]["data"] == {"values": [{"time": 1.0, "estimate": 0.5}]}  # the parts are left as they were


def test_a_channel_reads_altair_s_shorthand():
    assert vl.channel("time:Q", axis=None) == alt.X("time:Q", axis=None).to_dict()
    assert vl.channel("stratum:N", legend=None, scale={"domain": ["a"]}) == \
        alt.Color("stratum:N", legend=None, scale=alt.Scale(domain=["a"])).to_dict()
    assert vl.channel("ci_upper") == {"field": "ci_upper"}
