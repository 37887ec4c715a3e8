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
