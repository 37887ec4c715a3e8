"""The user's own groupings: a number cut at typed values, levels renamed, merged and ordered;
offered to filters, comparisons, Table 1 and the models, and kept in the settings file."""
import json

import numpy as np
import pandas as pd
import pytest
from sample_path import SAMPLE

import ilp_core as core
from ilp_core.conventions import Settings
from ilp_core.reporting import reproducibility
from ilp_core.results import groupings, predictors, selection, summaries
from ilp_core.results.groupings import Groupings
from ilp_core.results.table_one import table_one
from ilp_core.stats.regression import cox_regression

SIZE_GROUPS = "Tumour size (cm), grouped"
RARE = ("angiosarcoma", "epithelioid sarcoma", "clear cell sarcoma")


@pytest.fixture(scope="module")
def data():
    return core.load_cohort(SAMPLE).data


def test_a_cut_number_becomes_groups_beside_the_number(data):
    grouped = groupings.apply_groupings(data, Groupings(cuts={"tumor_size_cm": (10,)}))
    assert grouped.tumor_size_cm.equals(data.tumor_size_cm)  # the number itself is untouched
    groups = grouped[SIZE_GROUPS]
    assert list(groups.cat.categories) == ["<10 cm", "\u226510 cm"]
    assert (groups == "<10 cm").sum() == (data.tumor_size_cm < 10).sum() > 0
    assert (groups == "\u226510 cm").sum() == (data.tumor_size_cm >= 10).sum() > 0


def test_a_value_on_a_cut_point_starts_the_upper_group_and_a_blank_has_none():
    sizes = pd.DataFrame({"tumor_size_cm": [9.99, 10.0, None, 25.0]})
    grouped = groupings.apply_groupings(sizes, Groupings(cuts={"tumor_size_cm": (10, 20)}))
    assert selection.as_labels(grouped[SIZE_GROUPS]).tolist() == ["<10 cm", "10 to <20 cm", "(missing)", "\u226520 cm"]


def test_cut_points_are_read_as_typed_and_refused_with_the_entry_named():
    assert groupings.parse_cuts("10; 5") == (5.0, 10.0) and groupings.parse_cuts("  ") == ()
    with pytest.raises(ValueError, match="'ten' is not a number"):
        groupings.parse_cuts("ten")
    with pytest.raises(ValueError, match="1 to 5 cut points"):
        groupings.parse_cuts("1 2 3 4 5 6")


def test_merged_and_renamed_levels_in_the_users_order(data):
    names = {"histology": {level: "other" for level in RARE}, "limb": {"lower": "Lower limb", "upper": "Upper limb"}}
    grouped = groupings.apply_groupings(data, Groupings(names=names, order={"limb": ("Upper limb", "Lower limb"),
                                                                            "histology": ("other",)}))
    assert selection.levels(grouped, "limb") == ["Upper limb", "Lower limb"]
    histology = selection.levels(grouped, "histology")
    assert histology[0] == "other" and not set(RARE) & set(histology)
    assert (grouped.histology == "other").sum() == data.histology.isin(RARE).sum() == 5
    # the comparison follows the order: curves, legends and tests take their groups from the strata
    labels = selection.strata(grouped, "limb")
    assert selection.stratum_order(labels) == ["Upper limb", "Lower limb"]
    curves = summaries.curves(grouped, "amputation", labels, Settings())
    assert list(curves) == ["Upper limb", "Lower limb"]
    assert selection.apply_filters(grouped, selection.Filters({"histology": ("other",)})).patient_id.tolist() == \
        data[data.histology.isin(RARE)].patient_id.tolist()


def test_a_blank_or_missing_name_keeps_the_level(data):
    names = {"limb": {"lower": "   ", "upper": "(missing)"}}
    grouped = groupings.apply_groupings(data, Groupings(names=names))
    assert selection.levels(grouped, "limb") == selection.levels(data, "limb")
    assert groupings.new_name("  Lower \n limb ") == "Lower limb" and len(groupings.new_name("x" * 500)) == 60


def test_flags_cannot_be_renamed_and_unknown_columns_are_named(data):
    asked = Groupings(cuts={"weight": (70,), "tumor_size_cm": (10,)},
                      names={"amputation": {"yes": "amputated"}, "limb": {"lower": "Leg"}})
    kept, refused = groupings.fitted_to(data, asked)
    assert kept.cuts == {"tumor_size_cm": (10,)} and set(kept.names) == {"limb"}
    assert any("weight" in r for r in refused) and any("Amputation" in r for r in refused)
    assert "amputation" not in groupings.renamable_columns(data) and "surgery" not in groupings.renamable_columns(data)
    assert groupings.apply_groupings(data, asked).amputation.equals(data.amputation)


def test_the_users_numeric_columns_can_be_cut_but_not_an_identifier(data):
    extra = data.assign(**{"BMI": np.linspace(18, 35, len(data)), "Record number": range(1000, 1000 + len(data))})
    assert groupings.number_columns(extra) == {"tumor_size_cm": "Tumour size (cm)", "BMI": "BMI"}
    grouped = groupings.apply_groupings(extra, Groupings(cuts={"BMI": (25, 30)}))
    assert selection.levels(grouped, "BMI, grouped") == ["<25", "25 to <30", "\u226530"]
    assert "BMI, grouped" in selection.category_columns(grouped)


def test_table_one_describes_the_groups_after_their_number(data):
    grouped = groupings.apply_groupings(data, Groupings(cuts={"tumor_size_cm": (10,)},
                                                        names={"histology": {level: "other" for level in RARE}}))
    table = table_one(grouped)
    variables = list(dict.fromkeys(table.rows.variable))
    assert variables.index(SIZE_GROUPS) == variables.index("tumor_size_cm") + 1
    rows = table.rows.set_index(["variable", "level"])
    assert rows.loc[(SIZE_GROUPS, "\u226510 cm"), "n"] == (data.tumor_size_cm >= 10).sum()
    assert rows.loc[("histology", "other"), "n"] == 5
    assert table.display.Characteristic.tolist()[0] == "Sex"
    assert "Age (years)" in table.display.Characteristic.tolist()


def test_table_one_does_not_test_a_number_against_its_own_groups(data):
    grouped = groupings.apply_groupings(data, Groupings(cuts={"tumor_size_cm": (10,)}))
    table = table_one(grouped, selection.strata(grouped, SIZE_GROUPS), tests=True, grouping_variable=SIZE_GROUPS)
    tests = table.tests.set_index("variable")
    assert tests.loc["tumor_size_cm", "test"] == "no test: the groups are cut from this number"
    assert tests.loc[SIZE_GROUPS, "test"] == "no test: this variable defines the groups"
    assert tests.loc["age_years", "p_value"] == tests.loc["age_years", "p_value"]  # the others are tested


def test_a_model_takes_the_groups_with_their_labels_and_the_same_numbers(data):
    grouped = groupings.apply_groupings(data, Groupings(cuts={"tumor_size_cm": (10,)}))
    assert predictors.covariate_options(grouped)[SIZE_GROUPS] == SIZE_GROUPS
    request = predictors.ModelRequest("overall_survival", (SIZE_GROUPS,), ((SIZE_GROUPS, "<10 cm"),))
    fitted = predictors.fit_outcome_model(grouped, request)
    table = fitted.model.table.set_index("term")
    term = f"{SIZE_GROUPS}: \u226510 cm vs <10 cm"
    assert list(table.index) == [term]
    # the same model written by hand: an indicator of size >= 10 cm
    times = core.endpoint(data, "overall_survival")
    frame = pd.DataFrame({"time": times.time, "event": (times.status == 1).astype(int),
                          "big": (data.tumor_size_cm >= 10).astype(float)})
    direct = cox_regression(frame, time="time", event="event", covariates=["big"])
    assert table.loc[term, "coef"] == pytest.approx(direct.table.set_index("term").loc["big", "coef"], abs=1e-12)


def test_a_renamed_grade_enters_a_model_as_categories(data):
    assert predictors.enters_as_number(data, "grade")
    assert predictors.covariate_options(data)["grade"] == "FNCLCC grade (per grade)"
    grouped = groupings.apply_groupings(data, Groupings(names={"grade": {"1": "low", "2": "low", "3": "high"}}))
    assert not predictors.enters_as_number(grouped, "grade")
    fitted = predictors.fit_outcome_model(grouped, predictors.ModelRequest("overall_survival", ("grade",),
                                                                           (("grade", "low"),)))
    assert fitted.model.table.term.tolist() == ["FNCLCC grade: high vs low"]


def _document(data, saved: dict) -> dict:
    return reproducibility.settings_document(
        source="x.xlsx", sheet=None, header_row=None, mapping={}, date_order="auto", filters={}, age_range=None,
        compare_by=SIZE_GROUPS, preset="R survival", conf_level=0.95, time_unit="months", landmarks=[12.0],
        data=data, groupings=saved)


def test_the_settings_file_round_trip_gives_identical_tables(data):
    asked = Groupings(cuts={"tumor_size_cm": (5.5, 10)}, names={"histology": {level: "other" for level in RARE}},
                      order={"histology": ("other", "leiomyosarcoma")})
    read = reproducibility.read_settings(reproducibility.settings_json(_document(data, asked.as_dict())))
    assert read["not_applied"] == []
    again = Groupings.from_dict(read["groupings"])
    assert again == asked
    before, after = (table_one(groupings.apply_groupings(data, g)) for g in (asked, again))
    pd.testing.assert_frame_equal(before.rows, after.rows)
    pd.testing.assert_frame_equal(before.display, after.display)


@pytest.mark.parametrize("bad", [
    {"cuts": {"tumor_size_cm": [10, 5]}}, {"cuts": {"tumor_size_cm": ["10"]}}, {"cuts": {"tumor_size_cm": []}},
    {"cuts": {"tumor_size_cm": list(range(1, 8))}}, {"names": {"limb": ["lower"]}}, {"order": {"limb": "abc"}},
    {"colours": {}}, [], {"names": {"limb": {"lower": "x" * 501}}},
])
def test_a_damaged_grouping_in_a_settings_file_is_listed_not_applied(data, bad):
    document = _document(data, {})
    document["groupings"] = bad
    read = reproducibility.read_settings(json.dumps(document, default=str).encode())
    assert read["groupings"] == {} and any(entry.startswith("groupings") for entry in read["not_applied"])
    assert Groupings.from_dict(read["groupings"]) == Groupings()


def test_a_settings_file_saved_before_groupings_reads_as_none(data):
    document = _document(data, {})
    del document["groupings"]
    read = reproducibility.read_settings(json.dumps(document, default=str).encode())
    assert read["groupings"] == {} and read["not_applied"] == []


# -- found by the input attack ----------------------------------------------------------------

LONG = "Undifferentiated pleomorphic sarcoma, high grade, deep, with giant cells (type "


def test_levels_the_user_did_not_rename_are_never_tidied_into_one():
    data = pd.DataFrame({"histology": [LONG + "A)", LONG + "B)", "A  1", "A 1", "lipo"]})
    grouped = groupings.apply_groupings(data, Groupings(order={"histology": ("lipo",)}))
    assert grouped.histology.nunique() == 5
    assert selection.levels(grouped, "histology")[0] == "lipo"


@pytest.mark.parametrize("text", ["nan", "inf", "-inf", "1e400", "1.0000000001, 1.0000000002"])
def test_cut_points_that_cannot_make_groups_are_refused_with_a_reason(text):
    with pytest.raises(ValueError):
        groupings.parse_cuts(text)


def test_cut_points_keep_their_digits_in_the_names():
    assert groupings.cut_names((12.200001,)) == ["<12.200001", "\u226512.200001"]
    grouped = groupings.apply_groupings(pd.DataFrame({"tumor_size_cm": [12.2, 12.3]}),
                                        Groupings(cuts={"tumor_size_cm": (12.200001,)}))
    assert selection.as_labels(grouped[SIZE_GROUPS]).tolist() == ["<12.200001 cm", "\u226512.200001 cm"]


def test_the_users_numeric_column_read_from_a_workbook_can_be_cut():
    from workbooks import ENGLISH, patient, workbook
    rows = [ENGLISH + ["BMI", "Ratio"]] + [patient(f"P{i}", age=30 + i) + [20 + i * 0.5, f"{i},5"] for i in range(12)]
    data = core.load_cohort(workbook(rows, text_cells=False)).data
    assert {"BMI", "Ratio"} <= set(groupings.number_columns(data))
    grouped = groupings.apply_groupings(data, Groupings(cuts={"BMI": (23,), "Ratio": (5,)}))
    assert (grouped["BMI, grouped"] == "\u226523").sum() == 6 and (grouped["Ratio, grouped"] == "<5").sum() == 5


def test_a_workbook_column_named_like_the_cut_is_kept_beside_it(data):
    own = data.assign(**{SIZE_GROUPS: ["big", "small"] * 17})
    grouped = groupings.apply_groupings(own, Groupings(cuts={"tumor_size_cm": (10,)}))
    assert set(grouped[SIZE_GROUPS]) == {"big", "small"}
    assert set(grouped["Tumour size (cm) (cut), grouped"].dropna()) == {"<10 cm", "\u226510 cm"}


def test_an_order_alone_leaves_a_grade_a_number_and_a_renamed_grade_keeps_its_order(data):
    natural = groupings.apply_groupings(data, Groupings(order={"grade": ("1", "2", "3")}))
    assert predictors.enters_as_number(natural, "grade")
    renamed = groupings.apply_groupings(data, Groupings(names={"grade": {"1": "low", "2": "intermediate",
                                                                        "3": "high"}}))
    assert selection.levels(renamed, "grade") == ["low", "intermediate", "high"]


@pytest.mark.parametrize("bad", [{"cuts": {"tumor_size_cm": [1.0000000001, 1.0000000002]}},
                                 {"names": {"limb": {"lower": "(missing)"}}}, {"names": {"limb": {"lower": " "}}},
                                 {"names": {"limb": {"lower": "x" * 61}}}])
def test_groupings_a_settings_file_could_not_apply_as_saved_are_listed(data, bad):
    document = _document(data, {})
    document["groupings"] = bad
    read = reproducibility.read_settings(json.dumps(document, default=str).encode())
    assert read["groupings"] == {} and any(entry.startswith("groupings") for entry in read["not_applied"])


def test_a_thousand_is_not_read_as_one():
    from ilp_core.cohort.cleaning import BadValue, parse_flag, parse_grade
    assert parse_grade("3,00", "1 / 2 / 3") == 3
    for parse, text in ((parse_flag, "1,000"), (parse_grade, "3.000")):
        with pytest.raises(BadValue):
            parse(text, "valid")


def test_the_methods_name_the_groups_and_their_cut_points(data):
    from ilp_core.reporting import report
    from ilp_core.results.analysis import analyse
    grouped = groupings.apply_groupings(data, Groupings(cuts={"tumor_size_cm": (10,)}))
    result = analyse(grouped, selection.strata(grouped, SIZE_GROUPS), Settings(), [12, 24], n_loaded=34, n_rows=34,
                     compare_by=SIZE_GROUPS, grouping_variable=SIZE_GROUPS)
    text = report.methods_text(result)
    assert "Groups defined by tumour size (cm) (<10 cm, \u226510 cm) were compared" in text
    assert "no recorded tumour size (cm) were" in text
