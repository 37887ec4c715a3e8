"""The one-click exports and the settings file."""
import io
import json
import zipfile

import openpyxl
import pandas as pd
import pytest
from sample_path import SAMPLE

import ilp_core as core
from ilp_core.conventions import Settings
from ilp_core.reporting import bundle, reproducibility
from ilp_core.results import analysis, selection


@pytest.fixture(scope="module")
def cohort():
    return core.load_cohort(SAMPLE)


@pytest.fixture(scope="module")
def result(cohort):
    d = cohort.data
    return analysis.analyse(d, selection.strata(d, "limb"), Settings(), [12, 24], n_loaded=34, n_rows=34,
                            compare_by="Limb", baseline_tests=True)


def test_workbook_sheets_and_values(result, cohort):
    book = openpyxl.load_workbook(io.BytesIO(bundle.results_workbook(result, cohort.problems, source="sample.xlsx")))
    assert book.sheetnames == ["About", "Text", "Estimates", "Differences", "Risk tables", "Medians", "Tests",
                               "Table 1", "Table 1 (numbers)", "Complications", "Patient flow", "Problems"]
    estimates = pd.DataFrame(list(book["Estimates"].values)[2:], columns=list(book["Estimates"].values)[1])
    assert "an empty median or bound was not reached" in book["Medians"]["A1"].value  # blank cells explained
    want = result.landmarks_table("amputation")
    got = estimates[estimates.Endpoint.str.startswith("Cumulative incidence of amputation")]
    assert list(got.columns[:7]) == ["Endpoint", "Group", "Time (months)", "Estimate", "95% CI, lower",
                                     "95% CI, upper", "At risk"]
    assert got.Estimate.tolist() == pytest.approx(want.estimate.tolist())
    assert got["95% CI, lower"].tolist() == pytest.approx(want.ci_lower.tolist())
    assert got["95% CI, upper"].tolist() == pytest.approx(want.ci_upper.tolist())
    tests = list(book["Tests"].values)
    assert tests[2][1] == "Gray's test" and tests[2][4] == pytest.approx(result.tests["amputation"].p_value)


def test_workbook_holds_no_formula(result, cohort):
    problems = pd.DataFrame({"row": [2], "column": ["=cmd|'/c calc'!A1"], "value": ["+SUM(1)"],
                             "message": ["@x"], "severity": ["error"]})
    book = openpyxl.load_workbook(io.BytesIO(bundle.results_workbook(result, problems, source="=evil()")))
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (sheet.title, cell.coordinate, cell.value)
    assert book["Problems"]["B2"].value == "=cmd|'/c calc'!A1"  # kept as text


def test_zip_contents_and_types(result, cohort):
    archive = zipfile.ZipFile(io.BytesIO(bundle.results_zip(result, cohort.problems, source="s", synthetic=True,
                                                            settings_json=b"{}")))
    names = set(archive.namelist())
    stems = ["amputation", "overall_survival", "local_recurrence_deaths_censored", "three_panels", "patient_flow"]
    assert names == {f"figures/{s}.{f}" for s in stems for f in ("png", "svg", "pdf")} | {
        "results.xlsx", "results_and_methods.txt", "settings.json"}
    for stem in stems:
        assert archive.read(f"figures/{stem}.png")[:8] == b"\x89PNG\r\n\x1a\n"
        assert archive.read(f"figures/{stem}.svg").lstrip().startswith(b"<svg")
        assert archive.read(f"figures/{stem}.pdf")[:5] == b"%PDF-"
    assert b"Synthetic sample data" in archive.read("figures/three_panels.svg")
    text = archive.read("results_and_methods.txt").decode()
    assert text.startswith("RESULTS") and "METHODS" in text and "Gray's test" in text


def _document(data, **changes):
    values = dict(source="s.xlsx", sheet="cohort", header_row=None, mapping=core.suggest_mapping(data.columns),
                  date_order="auto", filters={"limb": ("upper",)}, age_range=(30, 80), compare_by="sex",
                  preset="R survival", conf_level=0.9, time_unit="years", landmarks=[12, 24], data=data)
    values.update(changes)
    return reproducibility.settings_document(**values)


def test_settings_round_trip(cohort):
    document = _document(cohort.data)
    back = reproducibility.read_settings(reproducibility.settings_json(document))
    assert back["filters"] == {"limb": ["upper"]} and back["conf_level"] == 0.9 and back["landmarks"] == [12, 24]
    assert reproducibility.compare_data(back, cohort.data).unchanged


def test_settings_say_what_changed(cohort):
    document = _document(cohort.data)
    changed = cohort.data.copy()
    changed.loc[changed.patient_id == "SYN-03", "age_years"] = 99
    changed = changed[changed.patient_id != "SYN-05"]
    extra = changed.iloc[[0]].assign(patient_id="SYN-99")
    change = reproducibility.compare_data(document, pd.concat([changed, extra]))
    assert (change.added, change.removed, change.edited) == (["SYN-99"], 1, ["SYN-03"])
    assert change.summary() == ("The data have changed since the settings were saved: 1 patient added (SYN-99); "
                                "1 patient edited (SYN-03); 1 patient of the saved data not in this workbook, or "
                                "left out for a problem in a row whose code or perfusion date changed.")
    # a patient still in the workbook but left out now for a problem in their row is told apart
    left_out = cohort.data.loc[cohort.data.patient_id == "SYN-05", ["patient_id", "ilp_date"]]
    change = reproducibility.compare_data(document, changed, left_out)
    assert (change.removed, change.left_out) == (0, ["SYN-05"])
    assert change.summary().endswith("1 patient left out now for a problem in their row, listed on the Data page "
                                     "(SYN-05).")
    # a code on two rows (both left out as duplicates) is one patient: not '(SYN-05, SYN-05); -1 not in it'
    twice = pd.concat([left_out, left_out])
    change = reproducibility.compare_data(document, changed, twice)
    assert (change.removed, change.left_out) == (0, ["SYN-05"])
    # a patient analysed now is not also left out
    assert reproducibility.compare_data(document, cohort.data, cohort.data[["patient_id", "ilp_date"]]).unchanged


def test_settings_file_holds_no_patient_code(cohort):
    raw = reproducibility.settings_json(_document(cohort.data))
    for pid in cohort.data.patient_id:
        assert pid.encode() not in raw
    first, second = _document(cohort.data), _document(cohort.data)
    assert first["data"]["salt"] != second["data"]["salt"]  # the same patient hashes differently in each file
    assert set(first["data"]["rows"]).isdisjoint(second["data"]["rows"])


def test_version_1_files_with_codes_in_clear_still_compare(cohort):
    import hashlib
    texts = reproducibility._row_texts(cohort.data)
    document = _document(cohort.data)
    document["version"] = 1
    document["data"] = {"patients": 34, "sha256": "", "rows": {
        pid: hashlib.sha256(text.encode()).hexdigest()[:16] for pid, text in zip(cohort.data.patient_id, texts)}}
    back = reproducibility.read_settings(reproducibility.settings_json(document))
    assert reproducibility.compare_data(back, cohort.data).unchanged


def test_bad_settings_files(cohort):
    with pytest.raises(ValueError, match="not valid JSON"):
        reproducibility.read_settings(b"not json")
    with pytest.raises(ValueError, match="not valid JSON"):
        reproducibility.read_settings(b"[" * 100_000)  # nesting deeper than the parser allows
    with pytest.raises(ValueError, match="not a settings file saved by this app"):
        reproducibility.read_settings(json.dumps({"hello": 1}).encode())
    with pytest.raises(ValueError, match="nested more than 8 levels deep"):  # deep nesting broke the page once
        reproducibility.read_settings(b'{"date_order": ' + b"[" * 100 + b"]" * 100 + b"}")
    with pytest.raises(ValueError, match="a number thousands of digits long"):
        reproducibility.read_settings(b'{"conf_level": ' + b"9" * 5000 + b"}")
    document = _document(cohort.data)
    document["version"] = 7
    with pytest.raises(ValueError, match="version 7; this app reads versions 1 and 2"):
        reproducibility.read_settings(json.dumps(document).encode())
    for damaged in ({}, {"rows": []}, {"rows": {"not a hash": "0123456789abcdef"}, "salt": "0" * 32},
                    {"rows": {}, "salt": "0" * 10_000}, {"rows": {}, "salt": 5}):
        document = _document(cohort.data)
        document["data"] = damaged
        with pytest.raises(ValueError, match="data fingerprint is damaged"):
            reproducibility.read_settings(reproducibility.settings_json(document))


@pytest.mark.parametrize("key, value, said", [
    ("conf_level", 0.5, "confidence level 0.5 (this app offers 90%, 95% or 99%)"),
    ("time_unit", "fortnights", 'time unit "fortnights" (one of months, years, weeks, days)'),
    ("preset", "Excel", 'preset "Excel" (one of'),
    ("landmarks", [12, -3], "landmarks [12, -3] (1 to 20 positive times in months)"),
    ("landmarks", "12, 24", 'landmarks "12, 24"'),
    ("filters", {"limb": "upper"}, 'filters {"limb": "upper"}'),
    ("age_range", [80, 30], "age range [80, 30] (two ages, lowest first)"),
    ("header_row", 0, "header row 0"),
    ("date_order", "DDMMYY", 'date order "DDMMYY"'),
    ("mapping", {"limb": 3}, 'mapping {"limb": 3}'),
    ("model", {"outcome": "overall_survival", "covariates": "age"}, "model"),
    ("model", {"outcome": "overall_survival", "covariates": ["age"], "reference": {"x": ["y"]}}, "model"),
    ("filters", {f"column {i}": ["a"] for i in range(101)}, "filters"),
    ("filters", {"limb": [str(i) for i in range(1_000_000)]}, "filters"),
    ("compare_by", "x" * 501, "comparison"),
    ("sheet", ["cohort"], "sheet"),
    ("source", {"name": "x"}, "source"),
    ("together", "2019", "together"),
])
def test_values_outside_what_the_app_offers_are_not_applied(cohort, key, value, said):
    document = _document(cohort.data)
    document[key] = value
    back = reproducibility.read_settings(reproducibility.settings_json(document))
    assert any(line.startswith(said) for line in back["not_applied"]), back["not_applied"]
    assert back[key] != value
    fine = reproducibility.read_settings(reproducibility.settings_json(_document(cohort.data)))
    assert fine["not_applied"] == []


def test_same_settings_give_identical_tables(cohort):
    document = reproducibility.read_settings(reproducibility.settings_json(_document(cohort.data)))
    def run(doc):
        again = core.load_cohort(SAMPLE, mapping=doc["mapping"], date_order=doc["date_order"])
        selected = selection.apply_filters(again.data, selection.Filters(
            {k: tuple(v) for k, v in doc["filters"].items()}, tuple(doc["age_range"])))
        settings = Settings.from_preset(doc["preset"], doc["conf_level"], doc["time_unit"])
        return analysis.analyse(selected, selection.strata(selected, doc["compare_by"]), settings, doc["landmarks"],
                                n_loaded=len(again.data), n_rows=again.n_rows, compare_by=doc["compare_by"])
    first, second = run(document), run(document)
    for endpoint in first.curves:
        pd.testing.assert_frame_equal(first.landmarks_table(endpoint), second.landmarks_table(endpoint))
    assert first.landmarks_table("overall_survival").time.tolist() == [1.0, 2.0, 1.0, 2.0]


def test_the_model_travels_with_the_workbook_and_the_zip(result, cohort):
    from ilp_core.results import predictors
    model = predictors.fit_outcome_model(cohort.data, predictors.ModelRequest("overall_survival", ("age_years",)),
                                         conf_level=0.95)
    book = openpyxl.load_workbook(io.BytesIO(bundle.results_workbook(result, cohort.problems, source="s",
                                                                     model=model)))
    assert {"Model", "Model, each alone"} <= set(book.sheetnames)
    sections = {row[0]: row[1] for row in book["Text"].iter_rows(min_row=2, values_only=True)}
    assert sections["Model"].startswith("In the Cox model for overall survival (n = 34")
    archive = zipfile.ZipFile(io.BytesIO(bundle.results_zip(result, cohort.problems, source="s", model=model)))
    assert {"figures/forest.png", "figures/forest.svg", "figures/forest.pdf"} <= set(archive.namelist())
    assert "In the Cox model for overall survival" in archive.read("results_and_methods.txt").decode()


def test_settings_that_would_break_the_comparison_are_refused(cohort):
    for damage in ({"salt": ""}, {"rows": {"x": "not a hash"}}):
        document = _document(cohort.data)
        document["data"].update(damage)
        with pytest.raises(ValueError, match="data fingerprint is damaged"):
            reproducibility.read_settings(reproducibility.settings_json(document))
    document = _document(cohort.data)
    document["version"] = True  # a boolean is not version 1
    with pytest.raises(ValueError, match="version True"):
        reproducibility.read_settings(reproducibility.settings_json(document))
    document = _document(cohort.data, header_row=True)
    assert reproducibility.read_settings(reproducibility.settings_json(document))["not_applied"][0].startswith(
        "header row true")


def test_a_guessed_code_alone_does_not_match_a_saved_patient(cohort):
    # The salt is in the file, so a code space can be enumerated; the key also holds the perfusion date,
    # which the file does not: a right code with the wrong date gives no match.
    document = _document(cohort.data)
    salt, saved = document["data"]["salt"], set(document["data"]["rows"])
    first = cohort.data.iloc[0]
    right, wrong, code_only = reproducibility._keyed(salt, [f"id\x1e{first.patient_id}\x1e{first.ilp_date:%Y-%m-%d}",
                                                            f"id\x1e{first.patient_id}\x1e2000-01-01",
                                                            f"id\x1e{first.patient_id}"])
    assert right in saved and wrong not in saved and code_only not in saved


def test_a_control_character_in_a_value_does_not_break_the_workbook(cohort):
    data = cohort.data.copy()
    data.loc[0, "histology"] = "UPS\x0bgrade 3"
    result = analysis.analyse(data, selection.strata(data, "histology"), Settings(), [12], n_loaded=34,
                              n_rows=34, compare_by="Histology")
    book = openpyxl.load_workbook(io.BytesIO(bundle.results_workbook(result, cohort.problems, source="a\x07.xlsx")))
    cells = [c.value for sheet in book for row in sheet.iter_rows() for c in row if isinstance(c.value, str)]
    assert any("UPS\ufffdgrade 3" in c for c in cells) and not any("\x0b" in c for c in cells)
    assert any("a\ufffd.xlsx" in c for c in cells)
