"""Workbooks generated cell by cell: load_cohort returns a Cohort or raises CohortError, nothing
else; every non-empty row is analysed or reported; analysed values are the cells as read."""
import datetime as dt
import io

import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook
from workbooks import ENGLISH

import ilp_core as core
from ilp_core.cohort import cleaning

SPELLINGS = ["Yes", "no", "X", "S\u00ed", "N\u00e3o", "dead", "alive", "DOD", "NED", "upper", "lower", "Upper limb",
             "F", "M", "female", "12/03/2019", "2019-03-12", "03/12/2019", "13/13/2013", "31/02/2020",
             "7 Jun 2018", "=1+1", "@SUM(A1)", "-", "5,5", "n/a", "?", "  ", "0", "1", "TRUE", "2019"]
TEXT = st.text(alphabet=st.characters(blacklist_categories=("Cs", "Cc")), max_size=12)
CELLS = st.one_of(
    st.none(), TEXT, st.sampled_from(SPELLINGS), st.integers(-100, 100_000),
    st.floats(-1e6, 1e6, allow_nan=False, width=32), st.booleans(),
    st.dates(min_value=dt.date(1901, 1, 1), max_value=dt.date(2099, 12, 31)),
    st.datetimes(min_value=dt.datetime(1990, 1, 1), max_value=dt.datetime(2030, 1, 1)),
)
REQUIRED_HEADERS = ["Patient ID", "Limb", "Date of ILP", "ILP completed", "Surgery", "Amputation",
                    "Local recurrence", "Vital status", "Date last FU"]


@st.composite
def workbooks(draw):
    headers = draw(st.lists(st.sampled_from(ENGLISH + ["Notes", "Hospital"]), min_size=2, unique=True))
    if draw(st.booleans()):
        headers += [h for h in REQUIRED_HEADERS if h not in headers]
    headers = draw(st.permutations(headers))
    rows = draw(st.lists(st.lists(CELLS, min_size=len(headers), max_size=len(headers)), max_size=8))
    title = draw(st.booleans())
    blank_every = draw(st.integers(0, 4))
    book = Workbook()
    sheet = book.active
    written = {}
    if title:
        sheet.append(["ILP series export"])
        sheet.append([])
    sheet.append(headers)
    header_row = sheet.max_row
    for i, row in enumerate(rows):
        if blank_every and i % blank_every == 0:
            sheet.append([])
        sheet.append(row)
        written[sheet.max_row] = row
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue(), headers, header_row, written


def _blank(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(workbooks())
def test_load_cohort_returns_a_cohort_or_refuses(case):
    data, headers, header_row, written = case
    try:
        cohort = core.load_cohort(data, today=dt.date(2026, 1, 1))
    except core.CohortError:
        return
    table = core.read_table(data)
    assert table.attrs["header_row"] == header_row
    non_empty = {row for row, cells in written.items() if not all(_blank(c) for c in cells)}
    assert set(table.index) == non_empty  # entirely empty rows are the only ones dropped
    analysed = set(cohort.data.source_row)
    errors = set(cohort.problems.row[cohort.problems.severity == "error"].dropna().astype(int))
    assert analysed | errors == non_empty and not analysed & errors
    assert cohort.n_rows == len(non_empty)
    assert set(cohort.problems.row.dropna().astype(int)) <= non_empty
    by_row = cohort.data.set_index("source_row")
    position = {h: i for i, h in enumerate(headers)}
    for row in analysed:
        cells = written[row]
        mapped = cohort.mapping
        if "patient_id" in mapped:
            raw = cells[position[mapped["patient_id"]]]
            assert by_row.at[row, "patient_id"] == cleaning.parse_text(raw.strip() if isinstance(raw, str) else raw)
        raw = cells[position[mapped["limb"]]]
        assert by_row.at[row, "limb"] == cleaning.parse_limb(raw.strip() if isinstance(raw, str) else raw, "")
        raw = cells[position[mapped["ilp_date"]]]
        order = cohort.date_orders[mapped["ilp_date"]]
        expected = cleaning.parse_date(raw.strip() if isinstance(raw, str) else raw, order, dt.date(2026, 1, 1))
        assert by_row.at[row, "ilp_date"] == pd.Timestamp(expected)
