"""The user's own reading of raw values: load_cohort(recode=...), the values found, the settings file."""
import datetime as dt

import pandas as pd
import pytest
from workbooks import ENGLISH, patient, workbook

import ilp_core as core
from ilp_core.cohort import recoding
from ilp_core.reporting import reproducibility

HEADERS = ENGLISH + ["Presentation"]


def rows():
    return [HEADERS,
            patient("P1", sex="H") + ["Recidivado"],
            patient("P2", sex="M", histology="Undiff. pleomorphic") + ["Primario"],
            patient("P3", sex="X", histology="Myxofibrosarcoma") + ["Recidivado"],
            patient("P4", sex="H", vital="Exitus x", death=dt.date(2020, 1, 1), last=dt.date(2020, 1, 1)) + ["P"]]


@pytest.fixture(scope="module")
def data():
    return workbook(rows())


def test_values_found_lists_every_value_its_reading_and_rows_unrecognised_first(data):
    table = core.read_table(data)
    mapping = core.suggest_mapping(table.columns)
    found = recoding.values_found(table, mapping, "vital_status")
    assert found.to_dict("list") == {"value": ["Exitus x", "alive"], "rows": [1, 3],
                                     "read_as": ["(not recognised)", "alive"], "recoded": [False, False]}
    sex = recoding.values_found(table, mapping, "sex")  # an H/M column: M is mujer
    assert dict(zip(sex.value, sex.read_as)) == {"X": "(not recognised)", "H": "M", "M": "F"}


def test_a_recoded_value_is_read_as_the_user_says_and_the_patient_comes_back(data):
    before = core.load_cohort(data)
    assert before.data.patient_id.tolist() == ["P1", "P2", "P3"] and before.exclusions() == "Vital status (1 row)"
    after = core.load_cohort(data, recode={"vital_status": {"Exitus x": "dead"}, "sex": {"X": "M"},
                                           "histology": {"Undiff. pleomorphic": "UPS"}})
    assert after.data.patient_id.tolist() == ["P1", "P2", "P3", "P4"] and after.n_excluded == 0
    assert after.data.vital_status.tolist() == ["alive", "alive", "alive", "dead"]
    assert after.data.sex.tolist() == ["M", "F", "M", "M"]  # 'M' chosen is male even in this H/M column
    assert after.data.histology.tolist() == ["UPS", "UPS", "Myxofibrosarcoma", "UPS"]  # merged
    assert after.recode["sex"] == {"X": "M"}


def test_a_value_pointed_at_missing_is_missing_and_an_endpoint_value_then_excludes_the_row(data):
    cohort = core.load_cohort(data, recode={"presentation": {"Recidivado": None}})
    assert cohort.data.presentation.tolist() == [None, "primary", None]  # descriptive: the patients stay
    with pytest.raises(core.CohortError, match="required value missing: vital status at last contact"):
        core.load_cohort(data, recode={"vital_status": {"alive": None}})


def test_recoding_to_a_value_the_field_cannot_hold_names_the_field_value_and_choices(data):
    with pytest.raises(ValueError, match=r"recode\['presentation'\]\['Recidivado'\] must be one of 'primary', "
                                         r"'recurrent', None; got 'relapse'"):
        core.load_cohort(data, recode={"presentation": {"Recidivado": "relapse"}})
    with pytest.raises(ValueError, match=r"a recoded field must be one of .*got 'ilp_date'"):
        core.load_cohort(data, recode={"ilp_date": {"x": "y"}})


def test_the_user_readings_keep_only_what_differs_from_the_apps_own_reading(data):
    table = core.read_table(data)
    automatic = recoding.values_found(table, core.suggest_mapping(table.columns), "presentation")
    chosen = dict(zip(automatic.value, automatic.read_as)) | {"P": "recurrent", "Recidivado": recoding.MISSING}
    assert recoding.user_readings(automatic, chosen) == {"P": "recurrent", "Recidivado": None}


def test_recode_round_trip_through_the_settings_file_gives_identical_tables(data):
    recode = {"vital_status": {"Exitus x": "dead"}, "presentation": {"P": "recurrent", "Recidivado": None}}
    first = core.load_cohort(data, recode=recode)
    document = reproducibility.settings_document(
        source="mine.xlsx", sheet=None, header_row=None, mapping=first.mapping, date_order="auto", filters={},
        age_range=None, compare_by=None, preset="R survival", conf_level=0.95, time_unit="months",
        landmarks=[12], data=first.data, recode=first.recode)
    back = reproducibility.read_settings(reproducibility.settings_json(document))
    assert back["not_applied"] == [] and back["recode"] == recode
    again = core.load_cohort(data, mapping=back["mapping"], recode=back["recode"])
    pd.testing.assert_frame_equal(again.data, first.data)
    pd.testing.assert_frame_equal(again.problems, first.problems)


def test_a_settings_file_with_an_impossible_reading_is_not_applied(data):
    cohort = core.load_cohort(data)
    document = reproducibility.settings_document(
        source="mine.xlsx", sheet=None, header_row=None, mapping=cohort.mapping, date_order="auto", filters={},
        age_range=None, compare_by=None, preset="R survival", conf_level=0.95, time_unit="months",
        landmarks=[12], data=cohort.data, recode={"presentation": {"Recidivado": "relapse"}})
    back = reproducibility.read_settings(reproducibility.settings_json(document))
    assert back["recode"] == {} and any(line.startswith("recode") for line in back["not_applied"])


def sexo(*codes):
    return workbook([["Patient ID", "Sexo"] + ENGLISH[2:]] + [patient(f"P{i}", sex=c) for i, c in enumerate(codes)])


def test_recoding_one_code_never_changes_how_the_columns_other_codes_are_read():
    """Which letters an H/M column holds decides that M is mujer; recoding H away must not make M male."""
    book = sexo("H", "M", "M")
    assert core.load_cohort(book).data.sex.tolist() == ["M", "F", "F"]
    assert core.load_cohort(book, recode={"sex": {"H": None}}).data.sex.tolist() == [None, "F", "F"]
    table = core.read_table(book)
    found = recoding.values_found(table, core.suggest_mapping(table.columns), "sex", {"sex": {"H": None}})
    assert dict(zip(found.value, found.read_as)) == {"M": "F", "H": "(missing)"}


def test_values_found_reads_each_cell_as_the_cleaning_does():
    rows = [ENGLISH + ["Grade"], patient("P1") + [True], patient("P2") + [2.0], patient("P3") + ["G3"]]
    book = workbook(rows)
    table = core.read_table(book)
    found = recoding.values_found(table, core.suggest_mapping(table.columns), "grade")
    loaded = core.load_cohort(book).data.grade.tolist()
    assert dict(zip(found.value, found.read_as)) == {"True": "1", "2": "2", "G3": "3"} and loaded == [1, 2, 3]


@pytest.mark.parametrize("recode,message", [
    ([("sex", {})], r"recode must map fields to \{raw value: value\}; got \[\('sex', \{\}\)\]"),
    ({"sex": "F"}, r"recode\['sex'\] must map raw values to values; got 'F'"),
    ({"sex": {"F": ["M"]}}, r"recode\['sex'\]\['F'\] must be one of 'F', 'M', None; got \['M'\]"),
    ({"sex": {"  ": "F"}}, r"a raw value must be text of 1 to 500 characters; got '  '"),
    ({"histology": {"UPS": "U\x00PS"}}, r"must be text of 1 to 500 printable characters"),
    ({"histology": {"UPS": "y" * 10_000_000}}, r"got 'yyyy.*\.\.\. \(9,999,9\d\d more characters\)$"),
    ({"x" * 1_000_000: {}}, r"a recoded field must be one of .*\.\.\. \(999,9\d\d more characters\)$"),
    ({"histology": {str(i): "UPS" for i in range(5_001)}}, r"recode holds more than 5,000 values"),
])
def test_a_recode_that_cannot_be_used_says_why_briefly(data, recode, message):
    with pytest.raises(ValueError, match=message) as caught:
        core.load_cohort(data, recode=recode)
    assert len(str(caught.value)) < 400


def test_recoded_values_are_compared_as_cells_are_stripped(data):
    dead = {"vital_status": {"Exitus x": "dead"}}
    assert core.load_cohort(data, recode=dead).data.presentation.iloc[-1] == "primary"  # P4's "P"
    recoded = core.load_cohort(data, recode=dead | {"presentation": {" P ": "recurrent"}})
    assert recoded.data.presentation.iloc[-1] == "recurrent"
