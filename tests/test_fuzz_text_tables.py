"""CSV text as careless or hostile as it comes: load_cohort returns a Cohort or raises CohortError,
nothing else; no patient line disappears into another row's cell; every row read is analysed or
reported."""
import datetime as dt

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from workbooks import ENGLISH, patient

import ilp_core as core

# what makes CSV hard: quotes, both list separators, line breaks of every kind, tabs, formulas
AWKWARD = st.text(alphabet=st.sampled_from(list('ab ",;\n\r\t\'=|\u00e9\u200b\x0b')), max_size=8)


def _line(cells: list) -> str:
    return ",".join("" if c is None else c.isoformat() if isinstance(c, dt.date) else str(c) for c in cells)


@st.composite
def text_tables(draw):
    """(csv bytes, the codes that begin a patient's line)."""
    count = draw(st.integers(1, 12))
    codes = [f"Q{i}" for i in range(count)]
    lines = [_line(ENGLISH + ["Notes"])]
    for code in codes:
        lines.append(_line(patient(code)) + "," + draw(AWKWARD))
    ending = draw(st.sampled_from(["\n", "\r\n", "\r"]))
    return (ending.join(lines) + ending).encode(draw(st.sampled_from(["utf-8", "utf-8-sig"]))), codes


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text_tables())
def test_every_patient_line_is_analysed_or_reported(table):
    data, codes = table
    try:
        rows = core.read_table(data)
    except core.CohortError:
        return
    assert set(codes) <= set(rows["Patient ID"].dropna()), "a patient's line was swallowed by another row's cell"
    try:
        cohort = core.load_cohort(data)
    except core.CohortError:
        return
    analysed = set(cohort.data.source_row)
    reported = set(cohort.problems.row.dropna()[cohort.problems.severity == "error"])
    assert set(rows.index) - set(_note_rows(rows)) <= analysed | reported
    assert not analysed & reported


def _note_rows(rows):
    return rows.index[rows.notna().sum(axis=1) == 1]


def test_lines_of_stray_semicolons_do_not_make_the_semicolon_the_delimiter():
    """Found by the property test above: line breaks typed inside a notes cell left lines holding only ';',
    which outnumbered the comma lines and made ';' the delimiter: no 'Patient ID' column at all."""
    raw = (_line(ENGLISH + ["Notes"]) + "\n" + _line(patient("Q0")) + ",;,\r;\n" + _line(patient("Q1"))
           + ",\r;\r;\n").encode()
    cohort = core.load_cohort(raw)
    assert cohort.mapping["patient_id"] == "Patient ID" and set(cohort.data.patient_id) <= {"Q0", "Q1"}
    assert {"Q0", "Q1"} <= set(cohort.data.patient_id) | set(cohort.problems.value)
