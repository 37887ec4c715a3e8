"""Filters, strata, per-stratum curves and what is read off them, on the synthetic sample."""
import numpy as np
import pandas as pd
import pytest
from sample_path import SAMPLE

import ilp_core as core
from ilp_core.conventions import Settings, parse_landmarks
from ilp_core.reporting import formatting
from ilp_core.results import complications, description, selection, summaries


@pytest.fixture(scope="module")
def data():
    return core.load_cohort(SAMPLE).data


def test_filters_keep_matching_patients(data):
    kept = selection.apply_filters(data, selection.Filters({"limb": ("upper",), "sex": ("F", "M")}, (40, 70)))
    expected = data[(data.limb == "upper") & data.age_years.between(40, 70)]
    assert kept.patient_id.tolist() == expected.patient_id.tolist()
    assert selection.Filters({"limb": ("upper",)}, (40, 70)).describe({"limb": "Limb"}) == "Limb: upper; age 40-70"


def test_booleans_and_missing_read_as_labels():
    labels = selection.as_labels(pd.Series([True, False, None, 3.0, "x"], dtype=object))
    assert labels.tolist() == ["yes", "no", "(missing)", "3", "x"]


def test_category_columns_include_small_extra_columns(data):
    columns = selection.category_columns(data.assign(hospital=["A", "B"] * 17, code=range(34)))
    assert "hospital" in columns and "code" not in columns and columns["limb"] == "Limb"


def test_age_groups_are_ordered(data):
    groups = selection.strata(data, selection.AGE_GROUP)
    assert selection.stratum_order(groups) == ["<50", "50-69", "\u226570"]
    assert (groups == "<50").sum() == (data.age_years < 50).sum()


def test_curves_per_stratum_match_direct_estimates(data):
    settings = Settings.from_preset("R survival")
    labels = selection.strata(data, "limb")
    curves = summaries.curves(data, "overall_survival", labels, settings)
    assert list(curves) == ["lower", "upper"]
    upper = core.endpoint(data[data.limb == "upper"], "overall_survival")
    direct = core.kaplan_meier(upper.time, upper.status, conf_type="log")
    pd.testing.assert_frame_equal(curves["upper"].table, direct.table)


def test_time_units_scale_times(data):
    labels = selection.strata(data, None)
    months = summaries.curves(data, "overall_survival", labels, Settings())
    years = summaries.curves(data, "overall_survival", labels, Settings(time_unit="years"))
    np.testing.assert_allclose(years["All patients"].table.time * 12, months["All patients"].table.time)
    table = summaries.landmark_table(years, [12, 24], Settings(time_unit="years"))
    assert table.time.tolist() == [1.0, 2.0]
    np.testing.assert_allclose(table.estimate, months["All patients"].at([12, 24]).estimate)


def test_landmark_table_names_bounds_and_flags_few_at_risk(data):
    settings = Settings()
    curves = summaries.curves(data, "amputation", selection.strata(data, "limb"), settings)
    table = summaries.landmark_table(curves, [12, 24], settings)
    assert table.columns.tolist() == ["stratum", "time", "estimate", "ci_lower", "ci_upper", "n_risk",
                                      "few_at_risk", "method"]
    assert (table.ci_lower <= table.estimate).all() and (table.estimate <= table.ci_upper).all()
    assert table.few_at_risk.tolist() == (table.n_risk < 10).tolist()
    assert table.method.str.contains("Aalen-Johansen").all()


def test_risk_table_counts_patients_followed_and_events(data):
    settings = Settings()
    curves = summaries.curves(data, "overall_survival", selection.strata(data, None), settings)
    risk = summaries.risk_table(curves, [0, 12, 24, 200])
    times = core.endpoint(data, "overall_survival")
    assert risk.n_risk.tolist() == [int((times.time >= t).sum()) for t in (0, 12, 24, 200)]
    assert risk.n_events.tolist() == [int(((times.time <= t) & (times.status == 1)).sum()) for t in (0, 12, 24, 200)]


def test_tests_between_strata(data):
    labels = selection.strata(data, "sex")
    test = summaries.compare_strata(data, "overall_survival", labels)
    times = core.endpoint(data, "overall_survival")
    assert test.statistic == core.logrank_test(times.time, times.status, data.sex).statistic
    gray = summaries.compare_strata(data, "amputation", labels)
    assert gray.method == "Gray's test"
    assert summaries.compare_strata(data, "amputation", selection.strata(data, None)) is None


def test_parse_landmarks():
    assert parse_landmarks("24, 12;6") == [6.0, 12.0, 24.0]
    with pytest.raises(ValueError, match="'two' is not a number"):
        parse_landmarks("12, two")
    with pytest.raises(ValueError, match="must be above 0"):
        parse_landmarks("-3")


def test_presets_set_every_convention():
    r = Settings.from_preset("R survival", 0.9, "weeks")
    assert (r.km_conf_type, r.cif_variance, r.cif_conf_type, r.conf_level, r.time_unit) == ("log", "delta", "log", 0.9, "weeks")
    e = Settings.from_preset("cmprsk / tidycmprsk / EZR")
    assert (e.cif_variance, e.cif_conf_type) == ("gray", "log-log")
    with pytest.raises(ValueError, match="preset must be one of"):
        Settings.from_preset("Stata 18")


def test_complication_table_counts_and_exact_intervals(data):
    table = complications.complication_table(data)
    overall = table.iloc[0]
    assert (overall.outcome, overall.k, overall.n, overall.unknown) == ("Early severe complication (any)", 0, 34, 0)
    assert overall.ci_upper == pytest.approx(core.proportion_ci(0, 34).ci_upper)
    by_limb = complications.complication_table(data, selection.strata(data, "limb"))
    assert set(by_limb.stratum) == {"lower", "upper"} and len(by_limb) == 8


def test_category_counts(data):
    counts = description.category_counts(data, "limb")
    assert counts.value.tolist() == ["lower", "upper"] and counts.n.tolist() == [21, 13]
    by_sex = description.category_counts(data, "limb", selection.strata(data, "sex"))
    assert by_sex[["F: n", "M: n"]].to_numpy().sum() == 34


def test_formatting_never_invents_numbers():
    assert formatting.percent(0.1287) == "13%" and formatting.percent(float("nan")) == "\u2013"
    assert formatting.interval(0.04, float("nan")) == "\u2013"
    assert formatting.interval(0.041, 0.302, 1) == "4.1% to 30.2%"
    assert formatting.p_value(0.0004) == "p < 0.001" and formatting.p_value(0.0321) == "p = 0.032"


def test_category_percentages_leave_out_the_missing_like_table_one(data):
    from ilp_core.results.table_one import table_one
    counts = description.category_counts(data, "wieberdink_grade").set_index("value")
    known = int(data.wieberdink_grade.notna().sum())
    assert counts.loc["(missing)", "n"] == 34 - known > 0 and np.isnan(counts.loc["(missing)", "%"])
    assert counts.loc["II", "%"] == round(100 * counts.loc["II", "n"] / known, 1)
    rows = table_one(data).rows
    assert rows[(rows.variable == "wieberdink_grade") & (rows.level == "II")].percent.round(1).item() == counts.loc["II", "%"]


def test_columns_that_identify_patients_are_not_offered_as_categories(data):
    extra = data.assign(MRN=[str(1486700 + i) for i in range(34)][:34], Hospital=["A", "B"] * 17,
                        Study_code=[f"S{i}" for i in range(34)], Email=["a@b.org", "c@d.org"] * 17)
    small = extra.iloc[:20]  # 20 patients: every column above has at most 25 distinct values
    columns = selection.category_columns(small)
    assert "Hospital" in columns
    assert not {"MRN", "Study_code", "Email"} & set(columns)


def test_levels_of_any_text_a_cell_can_hold():
    frame = pd.DataFrame({"ref": ["12.03.2019", "1.2.3", "\u2460", "10\u00b2", "10", "2", "2.5", None, "b", "A"]})
    assert selection.levels(frame, "ref") == ["2", "2.5", "10", "1.2.3", "10\u00b2", "12.03.2019", "A", "b",
                                              "\u2460", "(missing)"]


def test_the_patient_list_download_reads_as_a_clinician_does(data):
    from ilp_core.reporting import export
    rows = export.csv_bytes(description.labelled(data.assign(**{"Sex": "a user's own column"}))).decode("utf-8-sig")
    header, first = rows.splitlines()[:2]
    assert header.startswith("Row in the workbook,Patient code,Sex,Age (years),Limb,")
    assert "Date of the perfusion" in header and "ilp_date" not in header and "Sex (extra)" in header
    assert "2016-07-12" in first and "00:00:00" not in first


def test_past_the_last_follow_up_a_landmark_has_no_estimate_and_nobody_at_risk():
    """The landmark table said 'At risk –' where the risk table under the figure said 0."""
    curve = core.kaplan_meier([2.0, 5.0, 9.0], [1, 0, 0])
    table = summaries.landmark_table({"all": curve}, [6, 24], Settings())
    assert table.n_risk.tolist() == [1, 0] and np.isnan(table.estimate[1]) and table.few_at_risk[1]
    assert table.n_risk.dtype.kind == "i"  # the Estimates CSV wrote "20.0" patients at risk
