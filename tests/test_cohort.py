"""load_cohort on workbooks as clinicians build them: exact .data and .problems."""
import datetime as dt

import numpy as np
import pandas as pd
import pytest
from workbooks import ENGLISH, patient, workbook

import ilp_core as core

TODAY = dt.date(2024, 6, 1)


def load(data, **kwargs):
    return core.load_cohort(data, today=TODAY, **kwargs)


def test_title_rows_are_skipped_and_rows_numbered_as_excel_shows_them():
    data = workbook([ENGLISH, patient("P01"), [], patient("P02")],
                    title_rows=[["ILP series, Sarcoma Unit"], [], ["exported 2024-05-01"]])
    cohort = load(data)
    assert cohort.data.source_row.tolist() == [5, 7]  # header on row 4, a blank row 6 skipped silently
    assert cohort.problems.empty and cohort.n_rows == 2 and cohort.sheet == "cohort"
    assert cohort.summary() == "2 patients loaded, 0 rows excluded."


def test_every_flag_spelling_is_read():
    yes = ["Yes", "Y", 1, True, "x", "Sí", "Si", "Sim", "Ja", "Oui", "TRUE", " yes "]
    no = ["No", "N", 0, False, "Não", "Nein", "Non", "FALSE", "nee"]
    rows = [ENGLISH]
    for i, value in enumerate(yes + no):
        rows.append(patient(f"P{i:02d}", completed=value))
    cohort = load(workbook(rows))
    assert cohort.problems.empty
    assert cohort.data.ilp_completed.tolist() == [True] * len(yes) + [False] * len(no)
    assert str(cohort.data.ilp_completed.dtype) == "boolean"


def test_mixed_dates_are_read_and_day_first_is_decided_from_the_column():
    rows = [ENGLISH,
            patient("P1", ilp=dt.date(2018, 1, 10)),            # a real Excel date
            patient("P2", ilp="25/02/2018"),                     # day > 12: settles day/month/year
            patient("P3", ilp="03/04/2018"),                     # ambiguous, read as 3 April
            patient("P4", ilp=43200),                            # an Excel serial number (2018-04-10)
            patient("P5", ilp="2018-05-06"),                     # ISO
            patient("P6", ilp="7 Jun 2018")]                     # month name
    rows = rows[:1] + [row[:7] + ["no", None] + row[9:] for row in rows[1:]]  # no surgery date to order
    cohort = load(workbook(rows))
    assert cohort.problems.empty
    assert cohort.date_orders["Date of ILP"] == "DMY"
    assert cohort.data.ilp_date.dt.strftime("%Y-%m-%d").tolist() == [
        "2018-01-10", "2018-02-25", "2018-04-03", "2018-04-10", "2018-05-06", "2018-06-07"]


def test_a_year_alone_typed_as_a_number_is_not_read_as_a_serial():
    """Excel shows 2019 as typed; read as a serial it was 1905-07-11, 1,410 months of follow-up."""
    from ilp_core.cohort.cleaning import parse_date
    cohort = load(workbook([ENGLISH, patient("P1", ilp=2019), patient("P2")], text_cells=False))
    [(row, column, value, message, severity)] = cohort.problems.itertuples(index=False)
    assert (row, column, value, severity) == (2, "Date of ILP", "2019", "error")
    assert message == "2019 is a year alone, not a date; type the whole date, such as 2019-03-12"
    # Excel's serials before March 1900 count a 29 February that never was
    assert [str(parse_date(n)) for n in (1, 30, 59, 61)] == ["1900-01-01", "1900-01-30", "1900-02-28", "1900-03-01"]


def test_month_first_column_and_forced_order():
    rows = [ENGLISH, patient("P1", ilp="02/25/2018"), patient("P2", ilp="03/04/2018")]
    assert load(workbook(rows)).data.ilp_date.dt.day.tolist() == [25, 4]
    assert load(workbook(rows[:1] + rows[2:]), date_order="MDY").data.ilp_date.dt.month.tolist() == [3]
    with pytest.raises(ValueError, match="date_order must be one of"):
        load(workbook(rows), date_order="DD/MM")


def test_undecidable_date_order_is_reported_once_per_column():
    rows = [ENGLISH, patient("P1", ilp="03/04/2018", surgery_date=dt.date(2018, 6, 1)), patient("P2")]
    cohort = load(workbook(rows))
    warning = cohort.problems.iloc[0]
    assert (warning.row, warning.column, warning.value, warning.severity) == (2, "Date of ILP", "03/04/2018", "warning")
    assert "day/month or month/day" in warning.message
    assert len(cohort.data) == 2


def test_non_english_headers_and_values_are_recognised():
    headers = ["Paciente", "Sexo", "Edad", "Extremidad", "Histología", "Fecha ILP", "ILP completada", "Cirugía",
               "Fecha cirugía", "Amputación", "Fecha amputación", "Recidiva local", "Fecha recidiva",
               "Estado vital", "Fecha fallecimiento", "Fecha último seguimiento"]
    row = ["E01", "Mujer", "63,5", "Miembro inferior", "liposarcoma mixoide", "12/03/2019", "Sí", "Sí",
           "20/05/2019", "No", None, "Sí", "01/02/2020", "Fallecido", "15/09/2020", "15/09/2020"]
    cohort = load(workbook([headers, row]))
    assert cohort.problems.empty
    got = cohort.data.iloc[0]
    assert (got.patient_id, got.sex, got.age_years, got.limb, got.vital_status) == ("E01", "F", 63.5, "lower", "dead")
    assert got.local_recurrence_date == pd.Timestamp("2020-02-01")
    assert cohort.mapping["ilp_date"] == "Fecha ILP"


def test_bad_rows_are_excluded_with_row_column_value_and_fix():
    rows = [ENGLISH,
            patient("P1"),
            patient("P2", sex="X"),                                               # unknown code: kept
            patient("P3", ilp=None),                                              # required value missing
            patient("P4", amputation="yes"),                                      # flagged without date
            patient("P5", vital="dead"),                                          # dead without death date
            patient("P6", lr="yes", lr_date=dt.date(2017, 5, 1)),                 # before the perfusion
            patient("P7", vital="dead", death=dt.date(2020, 1, 1), last=dt.date(2021, 1, 1)),  # FU after death
            patient("P1", age=130),                                               # duplicate code (+ age warning)
            patient("P9", last=dt.date(2025, 1, 1)),                              # future: warning only
            ["Note: locked on 2024-05-01"]]                                       # a notes row
    cohort = load(workbook(rows))
    assert cohort.data.patient_id.tolist() == ["P2", "P9"]
    assert cohort.data.sex.isna().tolist() == [True, False]  # the unknown code reads as missing
    assert cohort.n_rows == 10 and cohort.n_excluded == 8
    expected = [
        (2, "Patient ID", "P1", "patient code 'P1' is on 2 rows (2, 9); each patient needs their own code", "error"),
        (3, "Sex", "X", "unknown code 'X'; use F / M; read as missing, the patient is kept", "warning"),
        (4, "Date of ILP", "", "required value missing: date of the perfusion (date)", "error"),
        (5, "Amputation date", "", "amputation is 'yes' but the date of the amputation is empty; fill in the date",
         "error"),
        (6, "Date of death", "", "vital status is 'dead' but the date of death is empty; fill in the date of death",
         "error"),
        (7, "LR date", "2017-05-01", "date of the local recurrence is before the perfusion (2018-01-10); "
         "times run from the perfusion", "error"),
        (8, "Date last FU", "2021-01-01", "date of last contact is after the date of death (2020-01-01); "
         "correct one of them", "error"),
        (9, "Patient ID", "P1", "patient code 'P1' is on 2 rows (2, 9); each patient needs their own code", "error"),
        (9, "Age", "130", "age must be between 0 and 120 years; read as missing, the patient is kept", "warning"),
        (10, "Date last FU", "2025-01-01", "date is in the future; check it", "warning"),
        (11, "Patient ID", "Note: locked on 2024-05-01", "the only filled cell in this row; not read as a "
         "patient. Fill in the patient's other columns, or delete the row if it is a note", "error"),
    ]
    got = [tuple(r) for r in cohort.problems.itertuples(index=False)]
    assert [(r[0], r[1], r[2], r[4]) for r in got] == [(r[0], r[1], r[2], r[4]) for r in expected]
    assert [r[3] for r in got] == [r[3] for r in expected]
    assert cohort.summary() == "2 patients loaded, 8 rows excluded (8 errors), 3 warnings."
    assert cohort.exclusions() == ("Patient ID (3 rows), Date of ILP (1 row), Amputation date (1 row), "
                                   "Date of death (1 row), LR date (1 row), Date last FU (1 row)")


def test_every_input_row_is_analysed_or_reported():
    rows = [ENGLISH] + [patient(f"P{i}", sex=["F", "M", "?"][i % 3]) for i in range(12)]
    cohort = load(workbook(rows))
    reported = set(cohort.problems.row[cohort.problems.severity == "error"])
    assert set(cohort.data.source_row) | reported == set(range(2, 14))
    assert not set(cohort.data.source_row) & reported


def test_exact_data_types_and_extra_columns_kept():
    rows = [ENGLISH + ["Hospital", "Grade"], patient("P1") + ["North", "G3"]]
    cohort = load(workbook(rows))
    d = cohort.data
    assert list(d.columns[:2]) == ["source_row", "patient_id"]
    assert d.columns[-1] == "Hospital" and d.Hospital.tolist() == ["North"]
    assert d.grade.tolist() == [3] and str(d.grade.dtype) == "Int64"
    assert str(d.ilp_date.dtype) == "datetime64[ns]" and d.age_years.dtype == float
    assert d.site.isna().all()  # unmapped optional field: present, empty


def test_own_columns_named_like_a_field_and_its_extra_name_stay_apart():
    """A workbook holding "age_years" and "age_years (extra)" (both not mapped) gave the table two
    columns of one name, which broke every page of the session."""
    from ilp_core.results.description import labelled
    for pair in (["age_years", "age_years (extra)"], ["source_row", "source_row (extra)"],
                 ["age group", "x"], ["Age (years)", "Age (years) (extra)"]):
        d = load(workbook([ENGLISH + pair, patient("P1") + ["a", "b"]])).data
        assert d.columns.is_unique and labelled(d).columns.is_unique, pair
        assert d.iloc[0, -2:].tolist() == ["a", "b"]  # both values kept, in their own columns
        assert "age group" not in d  # the name "Compare by" gives the app's age groups
    assert list(d.columns[-2:]) == ["Age (years)", "Age (years) (extra)"]  # no field's name: kept as typed
    assert list(labelled(d).columns[-2:]) == ["Age (years) (extra 2)", "Age (years) (extra)"]


def test_decimal_commas_and_categories_normalised():
    headers = ENGLISH + ["Tumour size (cm)", "Presentation"]
    rows = [headers, patient("P1", sex="female", limb="Upper limb") + ["5,5", "Recurrent"],
            patient("P2", sex="M", limb="LE", histology="ups ") + ["12", "primary"]]
    d = load(workbook(rows)).data
    assert d.tumor_size_cm.tolist() == [5.5, 12.0] and d.presentation.tolist() == ["recurrent", "primary"]
    assert d.sex.tolist() == ["F", "M"] and d.limb.tolist() == ["upper", "lower"]
    assert d.histology.tolist() == ["UPS", "UPS"]  # case variants unified to the most frequent


def test_dead_without_last_follow_up_uses_the_death_date():
    rows = [ENGLISH, patient("P1", vital="dead", death=dt.date(2020, 2, 2), last=None)]
    cohort = load(workbook(rows))
    assert cohort.problems.empty and cohort.data.last_followup_date[0] == pd.Timestamp("2020-02-02")


def test_explicit_mapping_and_its_errors():
    rows = [ENGLISH + ["Other date"], patient("P1") + [dt.date(2019, 1, 1)]]
    data = workbook(rows)
    mapping = core.suggest_mapping(ENGLISH)
    cohort = load(data, mapping={**mapping, "surgery_date": "Other date"})
    assert cohort.data.surgery_date[0] == pd.Timestamp("2019-01-01")
    with pytest.raises(core.CohortError, match=r"No column is chosen for 1 required field: Limb \(treated limb"):
        load(data, mapping={k: v for k, v in mapping.items() if k != "limb"})
    with pytest.raises(core.CohortError, match="The column 'Nope' chosen for sex is not in the sheet"):
        load(data, mapping={**mapping, "sex": "Nope"})
    with pytest.raises(core.CohortError, match="is chosen for both"):
        load(data, mapping={**mapping, "sex": "Limb"})


def test_sheet_is_chosen_by_its_headers_and_can_be_named():
    data = workbook([ENGLISH, patient()], other_sheets={"About": [["Read me first"], ["version 3"]]})
    assert core.sheet_names(data) == ["About", "cohort"]
    assert load(data).sheet == "cohort"
    with pytest.raises(core.CohortError, match="There is no sheet 'Data'"):
        load(data, sheet="Data")


def test_header_row_can_be_given():
    data = workbook([["Two header-like", "rows"], ENGLISH, patient()])
    assert load(data, header_row=2).data.source_row.tolist() == [3]


def test_csv_with_semicolons_and_latin1():
    text = ";".join(ENGLISH) + "\n" + ";".join(
        ["P1", "F", "50", "inférieur", "UPS", "10/01/2018", "oui", "oui", "20/03/2018", "non", "", "non", "",
         "vivant", "", "05/01/2023"]) + "\n"
    cohort = load(text.encode("latin-1"))
    assert cohort.problems.empty and cohort.sheet is None
    assert cohort.data.limb.tolist() == ["lower"] and cohort.data.ilp_date[0] == pd.Timestamp("2018-01-10")


def test_endpoints_follow_the_dates():
    rows = [ENGLISH,
            patient("A", amputation="yes", amputation_date=dt.date(2018, 7, 10), vital="dead",
                    death=dt.date(2019, 1, 10), last=dt.date(2019, 1, 10)),
            patient("B", vital="dead", death=dt.date(2018, 4, 10), last=dt.date(2018, 4, 10),
                    lr="yes", lr_date=dt.date(2018, 3, 30)),
            patient("C", last=dt.date(2019, 1, 10))]
    d = load(workbook(rows)).data
    days = lambda a, b: (pd.Timestamp(a) - pd.Timestamp(b)).days / 30.4375  # noqa: E731
    amp = core.endpoint(d, "amputation")
    assert amp.status.tolist() == [1, 2, 0]
    np.testing.assert_allclose(amp.time, [days("2018-07-10", "2018-01-10"), days("2018-04-10", "2018-01-10"),
                                          days("2019-01-10", "2018-01-10")])
    assert core.endpoint(d, "overall_survival").status.tolist() == [1, 1, 0]
    assert core.endpoint(d, "local_recurrence").status.tolist() == [2, 1, 0]
    lrfs = core.endpoint(d, "local_recurrence_free_survival")
    assert lrfs.status.tolist() == [1, 1, 0] and lrfs.time[1] == days("2018-03-30", "2018-01-10")
    assert core.endpoint(d, "amputation_free_survival").status.tolist() == [1, 1, 0]
    with pytest.raises(ValueError, match="endpoint must be one of"):
        core.endpoint(d, "survival")


def test_early_severe_complication_components_and_unknowns():
    headers = ENGLISH + ["Early death", "Compartment syndrome", "Reaction amputation"]
    rows = [headers,
            patient("A") + ["no", "no", "no"],
            patient("B") + ["no", "yes", None],
            patient("C") + [None, "no", "no"],                       # alive: early death derived as no
            patient("D", surgery="no", surgery_date=None, vital="dead", death=dt.date(2018, 1, 20),
                    last=dt.date(2018, 1, 20)) + [None, None, None],    # died on day 10: early death
            patient("E") + ["no", None, "no"]]
    result = core.early_severe_complication(load(workbook(rows)).data)
    assert result.iloc[:4].tolist() == [False, True, False, True] and result.isna().tolist()[4]


def test_template_has_schema_columns_and_dictionary():
    import io

    from openpyxl import load_workbook
    book = load_workbook(io.BytesIO(core.template_workbook()))
    assert book.sheetnames == ["cohort", "data dictionary"]
    assert [c.value for c in book["cohort"][1]] == [f.name for f in core.FIELDS]
    rows = list(book["data dictionary"].values)
    assert rows[0] == ("field", "meaning", "values", "required")
    assert ("limb", "treated limb", "upper / lower", "yes") in rows
    assert any(r[0] == "amputation_date" and r[3] == "if amputation" for r in rows)


def test_date_far_from_the_others_is_a_warning():
    rows = [ENGLISH] + [patient(f"P{i}") for i in range(4)] + [patient("P9", ilp=dt.date(1918, 1, 10),
                                                                      surgery="no", surgery_date=None)]
    cohort = load(workbook(rows))
    problem = cohort.problems.iloc[0]
    assert (problem.row, problem.column, problem.value, problem.severity) == (6, "Date of ILP", "1918-01-10", "warning")
    assert "more than 20 years from the others" in problem.message and len(cohort.data) == 5


def test_contradictions_between_flags_and_dates_are_errors():
    rows = [ENGLISH,
            patient("P1", amputation="no", amputation_date=dt.date(2019, 1, 1)),
            patient("P2", vital="alive", death=dt.date(2024, 1, 1), last=dt.date(2024, 1, 1)),
            patient("P3", lr="yes", lr_date=dt.date(2023, 6, 1)),        # after the last follow-up
            patient("P4")]
    cohort = load(workbook(rows))
    assert cohort.problems.message.tolist() == [
        "'Amputation' is 'no' but this date is given; correct one of them",
        "vital status is 'alive' but a date of death is given; correct one of them",
        "date of the local recurrence is after the last follow-up (2023-01-05); the last follow-up must be the latest date"]
    assert cohort.problems.row.tolist() == [2, 3, 4] and cohort.data.patient_id.tolist() == ["P4"]


def test_early_death_contradicted_by_the_death_date_is_read_as_unknown():
    headers = ENGLISH + ["Early death"]
    rows = [headers,
            patient("P1", surgery="no", surgery_date=None, vital="dead", death=dt.date(2019, 6, 1),
                    last=dt.date(2019, 6, 1)) + ["yes"],
            patient("P2") + ["no"]]
    cohort = load(workbook(rows))
    problem = cohort.problems.iloc[0]
    assert (problem.row, problem.column, problem.value, problem.severity) == (2, "Early death", "yes", "warning")
    assert problem.message == "early death (within 30 days) is 'yes' but the date of death is 507 days after the " \
                              "perfusion; read from the vital status and the date of death instead, as for an empty " \
                              "cell, the patient is kept (correct one of them)"
    assert cohort.data.patient_id.tolist() == ["P1", "P2"] and cohort.data.early_death.isna().tolist() == [True, False]


def test_early_complications_the_other_columns_deny_are_set_aside_and_the_patient_kept():
    ilp = dt.date(2018, 1, 10)
    headers = ENGLISH + ["Early death", "Amputation for reaction"]
    rows = [headers,
            patient("P1") + ["yes", "no"],  # alive at the last contact
            patient("P2", vital="dead", death=ilp + dt.timedelta(days=5), last=ilp + dt.timedelta(days=5),
                    surgery="no", surgery_date=None) + ["no", "no"],
            patient("P3", amputation="yes", amputation_date=ilp + dt.timedelta(days=507)) + [None, "yes"],
            patient("P4", amputation="yes", amputation_date=ilp + dt.timedelta(days=10)) + [None, "yes"],
            patient("P5") + ["no", "no"]]
    cohort = load(workbook(rows))
    assert cohort.data.patient_id.tolist() == ["P1", "P2", "P3", "P4", "P5"]
    problems = cohort.problems.set_index("row")
    assert (problems.severity == "warning").all() and list(problems.index) == [2, 3, 4]
    assert problems.message[2].startswith("early death is 'yes' but the vital status is 'alive'; read from the "
                                          "vital status and the date of death instead")
    assert problems.message[3].startswith("early death is 'no' but the date of death is 5 days after the "
                                          "perfusion, within 30 days")
    assert problems.message[4] == "an amputation for a treatment reaction within 30 days is 'yes' but the " \
                                  "amputation is 507 days after the perfusion; read as unknown, the patient is " \
                                  "kept (correct one of them)"
    composite = core.early_severe_complication(cohort.data)
    assert composite.tolist() == [False, True, pd.NA, True, False]  # P2's death at day 5 counts; P3 unknown


def test_problems_in_fields_no_endpoint_rests_on_keep_the_patient():
    headers = ENGLISH + ["Compartment syndrome"]
    rows = [headers,
            patient("P1", completed="unknown") + ["no"],
            patient("P2", surgery="yes", surgery_date=None) + ["no"],
            patient("P3", surgery_date="2018-02-30") + ["no"],
            patient("P4", surgery="no", surgery_date=dt.date(2018, 3, 1)) + ["no"],
            patient("P5", surgery_date=dt.date(2017, 1, 1)) + ["no"],
            patient("P6") + ["not assessed"],
            patient("P7", amputation="maybe") + ["no"]]  # an endpoint rests on this one
    cohort = load(workbook(rows))
    assert cohort.data.patient_id.tolist() == ["P1", "P2", "P3", "P4", "P5", "P6"]
    problems = cohort.problems.set_index("row")
    assert (problems.severity.drop(8) == "warning").all() and problems.severity[8] == "error"
    assert problems.column.drop(8).tolist() == ["ILP completed", "Surgery date", "Surgery date", "Surgery date",
                                                "Surgery date", "Compartment syndrome"]
    assert all("the patient is kept" in m for m in problems.message.drop(8))
    assert cohort.data.ilp_completed.isna().tolist()[:2] == [True, False]
    assert cohort.data.compartment_syndrome.isna().tolist()[-1]


def test_direct_identifiers_are_flagged_without_echoing_them():
    headers = ENGLISH + ["Nombre y apellidos", "NHC", "Fecha de nacimiento", "Contact", "Hospital"]
    rows = [headers,
            patient("P1") + ["Ana Garc\u00eda", "123456", dt.date(1960, 1, 1), "ana@example.org", "North"],
            patient("P2") + ["Luis P\u00e9rez", "654321", dt.date(1955, 5, 5), "luis@example.org", "South"]]
    cohort = load(workbook(rows))
    flagged = cohort.problems[cohort.problems.severity == "warning"]
    assert flagged.column.tolist() == ["Nombre y apellidos", "NHC", "Fecha de nacimiento", "Contact"]
    assert flagged.row.tolist() == [1, 1, 1, 1] and (flagged.value == "").all()
    assert "seems to hold patient names" in flagged.message.iloc[0]
    assert "e-mail addresses" in flagged.message.iloc[3]
    assert len(cohort.data) == 2  # a warning: the rows are still analysed


@pytest.mark.parametrize("header, codes, expected, note", [
    ("Sexo", ["H", "M", "M"], ["M", "F", "F"], "this column codes H/M"),
    ("Sexo", ["V", "M", "M"], ["M", "F", "F"], "a Spanish V/M column"),
    ("Geslacht", ["V", "M", "M"], ["F", "M", "M"], "Dutch M/V"),
    ("Sex", ["F", "M", "M"], ["F", "M", "M"], None),
])
def test_one_letter_sex_codes_are_read_as_the_column_uses_them(header, codes, expected, note):
    # "M" is mujer (female) in a Spanish H/M column and male everywhere else; reading it one way for
    # every column turned every woman of a Spanish unit into a man, silently.
    rows = [[header if h == "Sex" else h for h in ENGLISH]] + [patient(f"P{i}", sex=code)
                                                               for i, code in enumerate(codes)]
    cohort = core.load_cohort(workbook(rows))
    assert cohort.data.sex.tolist() == expected
    notes = cohort.problems[cohort.problems.column == header].message.tolist()
    assert (note is None and not notes) or any(note in n for n in notes)


def test_letter_o_is_oui_in_an_o_n_column_and_reported_beside_digits():
    french = load(workbook([ENGLISH, patient("P1", surgery="O"), patient("P2", surgery="N", surgery_date=None)]))
    assert french.data.surgery.tolist() == [True, False]
    [(row, column, value, message, severity)] = french.problems.itertuples(index=False)
    assert (row, column, value, severity) == (2, "Surgery", "O", "warning")
    assert message.startswith("O read as oui (yes)")
    mixed = load(workbook([ENGLISH, patient("P1", surgery="O"), patient("P2", surgery="0", surgery_date=None),
                           patient("P3", surgery="1")]))
    assert mixed.data.patient_id.tolist() == ["P1", "P2", "P3"]  # no endpoint rests on the resection
    assert mixed.data.surgery.tolist() == [pd.NA, False, True]
    [message] = mixed.problems.message
    assert message == "'O' could be the letter O (oui: yes) or a mistyped 0 (no), since this column also holds " \
                      "digits; type it as yes / no; read as missing, the patient is kept"


def test_dates_written_both_ways_in_one_column_are_reported():
    cohort = load(workbook([ENGLISH, patient("P1", ilp="25/01/2018"), patient("P2", ilp="26/01/2018"),
                            patient("P3", ilp="01/27/2018"), patient("P4", ilp="02/03/2018")]))
    assert cohort.date_orders["Date of ILP"] == "DMY"
    notes = cohort.problems[cohort.problems.severity == "warning"]
    [(row, column, value, message)] = notes[["row", "column", "value", "message"]].itertuples(index=False)
    assert (row, column, value) == (5, "Date of ILP", "02/03/2018")
    assert message.startswith("this column writes 2 dates day first and 1 month first; dates like this one, which "
                              "could be either, were read as day/month/year")


def test_duplicate_messages_stay_short_whatever_the_number_of_rows():
    rows = [ENGLISH] + [patient("SAME")] * 300 + [patient("P2")]
    cohort = load(workbook(rows))
    messages = cohort.problems.message
    assert len(messages) == 300 and messages.nunique() == 1
    assert messages[0] == "patient code 'SAME' is on 300 rows (2, 3, 4, 5, 6 and 295 more); each patient needs " \
                          "their own code"


def test_letter_o_beside_numbers_0_and_1_is_reported():
    # 0 and 1 typed in Excel are numbers: the letter O among them is a mistyped 0, not 'oui'
    cohort = load(workbook([ENGLISH, patient("P1", surgery="O"), patient("P2", surgery=0, surgery_date=None),
                            patient("P3", surgery=1)], text_cells=False))
    assert cohort.data.surgery.tolist() == [pd.NA, False, True]
    assert cohort.problems.message.str.contains("could be the letter O").any()


def test_look_alike_codes_are_named_so_a_reader_can_tell_them_apart():
    cohort = load(workbook([ENGLISH, patient("ILP-040"), patient("ILP\u2011040"), patient("P\u200b1"),
                            patient("P1"), patient("P2")]))
    messages = set(cohort.problems.message)
    assert "patient codes 'ILP-040', 'ILP<U+2011>040' differ only in capitals, spaces, invisible characters or " \
           "character width, so they read as one patient on 2 rows (2, 3); each patient needs their own code" \
           in messages
    assert any("'P<U+200B>1', 'P1'" in m for m in messages)


def test_a_date_that_reads_month_first_says_how_to_read_it():
    cohort = load(workbook([ENGLISH, patient("P1", ilp="13/02/2016"), patient("P2", ilp="02/13/2016")]))
    [message] = cohort.problems.message[cohort.problems.severity == "error"]
    assert message.endswith("if this column writes dates month/day/year, choose that under 'Dates typed as text' "
                            "on the Data page")


def test_an_impossible_age_reads_as_missing_and_a_whole_number_typed_as_text_is_that_number():
    rows = [ENGLISH + ["Grade"], patient("P1", age=-1) + ["2.0"], patient("P2", age=200) + ["3,0"],
            patient("P3", age=64) + ["2.5"]]
    cohort = load(workbook(rows))
    assert cohort.data.patient_id.tolist() == ["P1", "P2", "P3"]
    assert cohort.data.age_years.isna().tolist() == [True, True, False]  # not in any mean, group or model
    assert cohort.data.grade.tolist()[:2] == [2, 3] and cohort.data.grade.isna().tolist()[2]
    ages = cohort.problems[cohort.problems.column == "Age"]
    assert ages.value.tolist() == ["-1", "200"] and set(ages.severity) == {"warning"}


def test_a_tumour_size_beyond_100_cm_reads_as_missing():
    """999 (a common code for unknown) and 1e308 were kept: Table 1 showed "inf ± inf"."""
    rows = [ENGLISH + ["Tumour size (cm)"]] + [patient(f"P{i}") + [size] for i, size in
                                               enumerate([12, 999, 1e308, 100, -1])]
    cohort = load(workbook(rows, text_cells=False))
    assert len(cohort.data) == 5
    assert cohort.data.tumor_size_cm.isna().tolist() == [False, True, True, False, True]
    sizes = cohort.problems[cohort.problems.column == "Tumour size (cm)"]
    assert set(sizes.severity) == {"warning"} and sizes.message.str.contains("at most 100 cm").all()


def test_messages_quote_times_and_dates_as_a_spreadsheet_shows_them():
    """They read "datetime.time(12, 30) is not a date" and "datetime.date(1900, 2, 19) is not a number"."""
    rows = [ENGLISH, patient("P1", ilp=dt.time(12, 30)), patient("P2", age=dt.date(1900, 2, 19))]
    messages = load(workbook(rows)).problems.message.tolist()
    assert messages[0].startswith("12:30 is not a date this app can read")
    assert messages[1].startswith("1900-02-19 is not a number")
    assert not any("datetime" in m for m in messages)
    with pytest.raises(core.CohortError, match=r"^empty\.xlsx"):  # a file's name as the user wrote it
        raise core.CohortError("empty.xlsx is empty")


def test_a_registry_with_one_date_for_last_contact_or_death_and_no_perfusion_details_loads():
    """Columns as a unit keeps them: no perfusion-completed or resection column, no death-date column (the
    last contact is the death date for the dead), the coding in brackets after the vital status. Nothing ran
    until both flags were added; then every dead patient was left out for a missing date of death."""
    from ilp_core.results import flow
    headers = ["Pt ID", "Date ILP", "Date last FU", "Status (0=alive,1=dead)", "Amputation", "Date amputation",
               "Local recurrence", "Date LR", "Limb"]
    rows = [headers,
            ["A1", dt.date(2015, 3, 1), dt.date(2016, 5, 2), 1, "no", None, "no", None, "lower"],
            ["A2", dt.date(2015, 4, 1), dt.date(2020, 1, 9), 0, "yes", dt.date(2016, 1, 1), "no", None, "upper"],
            ["A3", dt.date(2015, 5, 1), dt.date(2015, 5, 20), 1, "no", None, "no", None, "lower"]]
    cohort = load(workbook(rows, text_cells=False))
    assert cohort.mapping["vital_status"] == "Status (0=alive,1=dead)"
    assert cohort.data.patient_id.tolist() == ["A1", "A2", "A3"]
    assert cohort.data.death_date.dt.strftime("%Y-%m-%d").fillna("").tolist() == ["2016-05-02", "", "2015-05-20"]
    [note] = cohort.problems.itertuples(index=False)
    assert (note.row, note.column, note.severity) == (1, "Date last FU", "warning")
    assert note.message.startswith("no column holds the date of death: for the 2 dead patients, this date of last "
                                   "contact is read as the date of death")
    assert core.early_severe_complication(cohort.data).isna().all()  # no complication column: no rate
    steps = flow.patient_flow(cohort.data, n_rows=3).set_index("step")
    assert steps.n["completion_unknown"] == 3  # and no boxes of completed perfusions reading "n = 0"
    assert list(steps.index) == ["workbook", "excluded", "analysed", "completion_unknown", "outcome"]
    with pytest.raises(core.CohortError, match="chosen for both Date of the last contact and Date of death.*Leave "
                                               "the date of death unmapped"):
        load(workbook(rows, text_cells=False), mapping=core.suggest_mapping(headers) | {"death_date": "Date last FU"})


def test_a_resection_date_column_the_workbook_lacks_is_said_once():
    """55 patients with a resection and no resection-date column gave 55 identical problems (they were
    errors then, excluding every patient)."""
    headers = [h for h in ENGLISH if h != "Surgery date"]
    rows = [headers] + [[v for h, v in zip(ENGLISH, patient(f"P{i}")) if h != "Surgery date"] for i in range(5)]
    cohort = load(workbook(rows))
    assert len(cohort.data) == 5
    [(row, column, value, message, severity)] = cohort.problems.itertuples(index=False)
    assert (row, column, value, severity) == (2, "Surgery", "yes", "warning")
    assert message.startswith("surgery is 'yes' for 5 patients (this row and 4 more) but no column for the date of "
                              "the resection is mapped")


def test_without_a_death_date_column_problems_name_the_users_columns_and_what_to_fill_in():
    """They named the internal field "death_date" and asked to "fill in the date of death" of a workbook
    with no such column; a year alone typed as text or a NumPy number was read its own way."""
    headers = [h for h in ENGLISH if h != "Date of death"]
    drop = ENGLISH.index("Date of death")
    rows = [headers,
            [v for i, v in enumerate(patient("P1", vital="dead", last=None)) if i != drop],
            [v for i, v in enumerate(patient("P2", vital="dead", last=dt.date(2017, 1, 1))) if i != drop],
            [v for i, v in enumerate(patient("P3")) if i != drop]]
    problems = load(workbook(rows)).problems
    assert "death_date" not in set(problems.column)
    first = problems[problems.row == 2]
    assert any(m.startswith("vital status is 'dead' and no column holds the date of death, so the date of last "
                            "contact stands for it, but it is empty; fill in the date of last contact")
               for m in first.message) and set(first.column) <= {"Date last FU"}
    assert set(problems.column) <= set(headers) | {"Date of death"}  # the user's columns, or a field's label
    from ilp_core.cohort.cleaning import BadValue, parse_date
    for typed in ("2019", np.int64(2019), 1899, 2101):
        with pytest.raises(BadValue, match="is a year alone, not a date"):
            parse_date(typed)
