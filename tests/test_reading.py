"""Files that cannot be used get a CohortError with a useful message, quickly."""
import io
import time
import tracemalloc
import zipfile

import pytest
from workbooks import ENGLISH, patient, workbook

import ilp_core as core


def refused(data, match):
    start = time.perf_counter()
    with pytest.raises(core.CohortError, match=match):
        core.load_cohort(data)
    return time.perf_counter() - start


def test_empty_file():
    refused(b"", "is empty")
    refused(b"   \n\n", "is empty")


def test_pdf_renamed_xlsx(tmp_path):
    path = tmp_path / "cohort.xlsx"
    path.write_bytes(b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\n%%EOF")
    refused(path, r"cohort.xlsx is a PDF, not a spreadsheet\. Upload the Excel workbook")


def test_encrypted_workbook():
    from msoffcrypto.format.ooxml import OOXMLFile
    encrypted = io.BytesIO()
    OOXMLFile(io.BytesIO(workbook([ENGLISH, patient()]))).encrypt("secret", encrypted)
    refused(encrypted.getvalue(), "password-protected. Save an unprotected copy")


def _zip_bomb(member_mb: int) -> bytes:
    """A workbook-shaped zip whose sheet XML inflates to member_mb MB of zeros."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/workbook.xml", "<workbook/>")
        with archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as member:
            chunk = b"0" * 2**20
            for _ in range(member_mb):
                member.write(chunk)
    return buffer.getvalue()


def test_zip_bomb_is_refused_quickly_without_inflating_it():
    bomb = _zip_bomb(700)
    assert len(bomb) < 2 * 2**20
    tracemalloc.start()
    seconds = refused(bomb, r"would unpack to 700 MB .* refused unopened")
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert seconds < 1 and peak < 20 * 2**20


def test_highly_compressed_archive_is_refused_by_ratio():
    refused(_zip_bomb(50), r"times its size\); the limits are")


def test_zip_that_is_not_a_spreadsheet():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("photo.jpg", b"\xff\xd8" + b"x" * 100)
    refused(buffer.getvalue(), "is a zip archive, not a spreadsheet")


def test_damaged_workbook():
    data = workbook([ENGLISH, patient()])
    refused(data[: len(data) // 2], "damaged|could not be read")


def test_binary_that_is_not_a_table():
    refused(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(200), "not a spreadsheet or text table")


def test_only_headers():
    refused(workbook([ENGLISH]), r"has a header row \(row 1\) but no patients below it")


def test_duplicate_headers():
    refused(workbook([ENGLISH + ["Sex"], patient() + ["F"]]),
            r"The header 'Sex' appears twice, in columns B and Q\. Rename one")


def test_no_header_row():
    refused(workbook([[1, 2, 3], [4, 5, 6]]), "No header row found")


def test_required_field_unmapped_is_named():
    headers = [h for h in ENGLISH if h != "Vital status"]
    row = patient()
    del row[ENGLISH.index("Vital status")]
    refused(workbook([headers, row]), r"required field: Vital status \(vital status at last contact: alive / dead\)")


def test_no_valid_row():
    refused(workbook([ENGLISH, patient(vital="?"), patient("P2", vital="?")]),
            r"No patient row could be used: all 2 rows have errors\. Most common: unknown code '\?'")


def test_read_table_returns_raw_cells_with_excel_row_numbers():
    table = core.read_table(workbook([ENGLISH, patient()], title_rows=[["My series"]]))
    assert table.index.name == "source_row" and table.index.tolist() == [3]
    assert table.columns.tolist() == ENGLISH and table.attrs["sheet"] == "cohort"


def test_unnamed_column_with_data_gets_its_letter():
    table = core.read_table(workbook([ENGLISH + [None, None], patient() + [None, "note"]]))
    assert table.columns[-1] == "Column R"


def test_reads_paths_file_objects_and_bytes_alike(tmp_path):
    data = workbook([ENGLISH, patient()])
    path = tmp_path / "c.xlsx"
    path.write_bytes(data)
    frames = [core.read_table(source) for source in (data, path, str(path), io.BytesIO(data))]
    for frame in frames[1:]:
        assert frame.equals(frames[0])


def _same_patients(cohort, expected_ids):
    assert cohort.problems.empty, cohort.problems.to_dict("records")
    assert cohort.data.patient_id.tolist() == expected_ids
    assert str(cohort.data.ilp_date[0].date()) == "2018-01-10"


def test_reads_ods_and_legacy_xls():
    from workbooks import ods, xls
    rows = [ENGLISH, patient("P1"), patient("P2", sex="M")]
    _same_patients(core.load_cohort(ods(rows)), ["P1", "P2"])
    _same_patients(core.load_cohort(xls(rows)), ["P1", "P2"])
    assert core.sheet_names(xls(rows)) == ["cohort"]


def test_reads_xlsm_by_content_not_name(tmp_path):
    path = tmp_path / "macro cohort.xlsm"
    path.write_bytes(workbook([ENGLISH, patient("P1")]))
    _same_patients(core.load_cohort(path), ["P1"])


def test_too_many_columns():
    headers = ENGLISH + [f"extra {i}" for i in range(1000)]
    refused(workbook([headers, patient() + ["x"] * 1000]), r"has 1,016 named columns; the limit is 1,000")


def test_utf16_csv_with_tabs():
    text = "\t".join(ENGLISH) + "\n" + "\t".join(str(v) if v is not None else "" for v in patient()) + "\n"
    cohort = core.load_cohort(text.encode("utf-16"))
    _same_patients(cohort, ["P01"])


@pytest.mark.parametrize("column", ["patient_id", "histology", "Notes"])
def test_a_csv_cell_written_on_two_lines_keeps_its_patient(column):
    """Quoted as Excel and Python's csv module write it. A note on two lines in the middle of a row
    (its last line followed by the rest of the row) made the patient two rows with errors."""
    import csv
    rows = [ENGLISH + ["Notes"]] + [patient(f"P{i}") + ["seen"] for i in (1, 2, 3)]
    at = {"patient_id": 0, "histology": 4, "Notes": len(ENGLISH)}[column]
    rows[2][at] = f"{rows[2][at]}\n(second opinion)"
    text = io.StringIO()
    csv.writer(text).writerows(rows)
    cohort = core.load_cohort(text.getvalue().encode())
    assert len(cohort.data) == 3 and cohort.data.patient_id.tolist()[::2] == ["P1", "P3"]
    assert not (cohort.problems.severity == "error").any(), cohort.problems.to_dict("records")
    assert "second opinion" in cohort.data[column][1]


def test_a_visible_list_of_patients_is_read_before_a_hidden_one_naming_more_fields():
    from openpyxl import Workbook
    book = Workbook()
    current = book.active
    current.title = "current"
    for row in [ENGLISH[:14]] + [patient(f"P{i}")[:14] for i in range(10)]:  # no death or last contact columns
        current.append(row)
    backup = book.create_sheet("old backup")
    for row in [ENGLISH] + [patient(f"OLD{i}") for i in range(3)]:
        backup.append(row)
    backup.sheet_state = "hidden"
    buffer = io.BytesIO()
    book.save(buffer)
    table = core.read_table(buffer.getvalue())
    assert table.attrs["sheet"] == "current" and len(table) == 10
    assert table.attrs["other_patient_sheets"] == ["old backup"]  # named on the Data page


def test_a_formula_without_a_saved_result_is_named_not_silently_blank():
    """openpyxl and other programs save formulas without their results; the cell was read as blank
    without a word (an age), or as "required value missing" with nothing to show (a code)."""
    from openpyxl import Workbook
    book = Workbook()
    sheet = book.active
    for row in [ENGLISH] + [patient(f"P{i}") for i in range(3)]:
        sheet.append(row)
    sheet["C3"], sheet["A4"], sheet["P2"] = "=40+10", '="P"&"9"', "=" + "+".join(["0"] * 150) + '+DATE(2023,1,5)'
    buffer = io.BytesIO()
    book.save(buffer)
    problems = core.load_cohort(buffer.getvalue()).problems
    formulas = problems[problems.message.str.startswith("this cell holds a formula but no saved result")]
    assert formulas[["row", "column", "value"]].values.tolist()[1:] == [[3, "Age", "=40+10"],
                                                                         [4, "Patient ID", '="P"&"9"']]
    assert formulas.iloc[0][["row", "column"]].tolist() == [2, "Date last FU"]  # 315 characters long


@pytest.mark.parametrize("opened, closed", [(("P1", ",seen", ',"note'), ("P2", "P2,", 'P2",')),
                                            (("P1", ",alive,", ',"alive,'), ("P2", ",50,", ',50",'))])
def test_a_stray_quote_closed_in_the_next_row_loses_no_patient(opened, closed):
    """A quote opened in one of a row's last cells and closed in the next row's first cells: no line inside
    the quoted cell looks like a row, and the next patient was merged into the row above without a word."""
    header = ",".join(ENGLISH + ["Notes"])
    rows = {f"P{i}": ",".join(str(v) if v is not None else "" for v in patient(f"P{i}")) + ",seen" for i in (1, 2, 3)}
    for (pid, old, new) in (opened, closed):
        rows[pid] = rows[pid].replace(old, new, 1)
    cohort = core.load_cohort("\n".join([header, *rows.values()]).encode())
    reported = set(cohort.problems.row.dropna())
    assert cohort.n_rows == 3 and {2, 3} <= set(cohort.data.source_row) | reported
    assert "P3" in cohort.data.patient_id.tolist() and any("a quote" in m for m in cohort.problems.message)


def test_other_sheets_that_hold_patients_are_named():
    data = workbook([ENGLISH, patient("P1"), patient("P2")], sheet="2019",
                    other_sheets={"2018": [ENGLISH, patient("P3")], "About": [["Read me"]]})
    table = core.read_table(data, sheet="2019")
    assert table.attrs["other_patient_sheets"] == []  # only a sheet found automatically says so
    table = core.read_table(data)
    assert table.attrs["sheet"] == "2018"  # first visible sheet naming the most fields
    assert table.attrs["other_patient_sheets"] == ["2019"]


def test_a_cell_written_on_several_lines_stays_one_cell():
    text = 'Patient ID,Age,Notes\nP1,50,"seen twice\nthen discharged"\nP2,60,ok\n'
    table = core.read_table(text.encode())
    assert table["Notes"].tolist() == ["seen twice\nthen discharged", "ok"]
    assert table.index.tolist() == [2, 3] and table.attrs["reading_notes"] == []


def test_a_quote_left_open_keeps_every_row_and_says_where():
    text = 'Patient ID,Age,Sex,Notes\nP1,50,F,"left open\nP2,60,M,ok\nP3,70,F,ok\n'
    table = core.read_table(text.encode())
    assert table["Patient ID"].tolist() == ["P1", "P2", "P3"]
    assert table.at[2, "Notes"] == '"left open'
    [(row, column, value, message)] = table.attrs["reading_notes"]
    assert (row, column, value) == (2, "Notes", '"left open')
    assert "is never closed" in message and "the 2 lines after it" in message


def test_merged_cells_are_carried_down_with_a_warning():
    from openpyxl import load_workbook
    book = load_workbook(io.BytesIO(workbook([ENGLISH, patient("P1"), patient("P2", limb=None),
                                              patient("P3", limb=None), patient("P4", limb="upper")])))
    book.active.merge_cells("D2:D4")
    buffer = io.BytesIO()
    book.save(buffer)
    cohort = core.load_cohort(buffer.getvalue())
    assert cohort.data.limb.tolist() == ["lower", "lower", "lower", "upper"]
    [message] = cohort.problems.message
    assert message.startswith("cells D2:D4 are merged; the value was read for each of rows 2 to 4")


def test_a_workbook_that_needs_too_much_memory_stops_in_its_own_process(monkeypatch):
    import ilp_core.cohort.reading as reading
    monkeypatch.setattr(reading, "_CHILD_BASE_BYTES", 16 * 2**20)  # too little even to start the parser
    with pytest.raises(core.CohortError, match="needed more than 16 MB"):
        core.read_table(workbook([ENGLISH, patient("P1"), patient("P2")]))
    assert core.read_table(b"Patient ID,Age\nP1,5\n").shape == (1, 2)  # this process goes on


def test_a_workbook_that_takes_too_long_is_stopped(monkeypatch):
    import ilp_core.cohort.reading as reading
    monkeypatch.setattr(reading, "_CHILD_SECONDS", 0.001)
    with pytest.raises(core.CohortError, match=r"took more than 0.001 s"):
        core.read_table(workbook([ENGLISH, patient("P1"), patient("P2")]))


def test_sheets_read_together_keep_each_row_where_excel_shows_it():
    data = workbook([ENGLISH, patient("P1"), patient("P2")], sheet="2019",
                    other_sheets={"2018": [["ILP 2018"], [h.upper() for h in ENGLISH], patient("P3")]})
    table = core.read_sheets(data, ["2018", "2019"])
    assert table.index.tolist() == ["2018 row 3", "2019 row 2", "2019 row 3"]
    assert list(table.columns) == [h.upper() for h in ENGLISH]  # the first sheet's spelling
    assert table.attrs["sheets"] == ["2018", "2019"]
    cohort = core.cohort_from_table(table)
    assert cohort.data.source_row.tolist() == ["2018 row 3", "2019 row 2", "2019 row 3"]
    other = workbook([ENGLISH, patient("P1")], sheet="a", other_sheets={"b": [ENGLISH[:-1] + ["Extra"], patient("P2")]})
    with pytest.raises(core.CohortError, match="Sheet 'a' does not have the columns of sheet 'b'; it lacks 'Extra'; "
                                               "it adds 'Date last FU'"):
        core.read_sheets(other, ["b", "a"])
    with pytest.raises(ValueError, match="two or more different sheets"):
        core.read_sheets(data, ["2019", "2019"])


@pytest.mark.parametrize("encoding", ["utf-16-le", "utf-16-be"])
def test_utf16_csv_that_lost_its_byte_order_mark(encoding):
    text = "Patient ID\tAge\tHistology\nP1\t50\tliposarcome myxoïde\nP2\t61\tUPS\n"
    table = core.read_table(text.encode(encoding))
    assert table["Histology"].tolist() == ["liposarcome myxoïde", "UPS"]
