"""Hostile and broken files: a CohortError or a reported problem, within 5 s and 500 MB, never
anything else. Each file is loaded in a fresh process so its peak memory (including the
Rust reader's) is measured."""
import json
import subprocess
import sys
from pathlib import Path

import pytest
from hostile_files import corpus

ROOT = Path(__file__).resolve().parents[1]
CHILD = """
import json, sys, time
sys.path.insert(0, {root!r})
import ilp_core as core
data = open(sys.argv[1], 'rb').read()
start = time.perf_counter()
try:
    cohort = core.load_cohort(data)
    result = {{"outcome": "loaded", "patients": cohort.data.patient_id.tolist(), "rows": cohort.n_rows,
              "problems": cohort.problems.message.tolist(), "text": cohort.data.to_string()}}
except core.CohortError as exc:
    result = {{"outcome": "refused", "message": str(exc)}}
except BaseException as exc:
    result = {{"outcome": "escaped", "message": f"{{type(exc).__name__}}: {{exc}}"}}
result["seconds"] = time.perf_counter() - start
# VmHWM belongs to this process's own address space (ru_maxrss would carry the forking parent's peak);
# the workbook parser runs in a child process, whose peak counts too
import resource
status = open("/proc/self/status").read().split("VmHWM:")[1].split()[0]
result["peak_mb"] = int(status) / 1024
result["parser_peak_mb"] = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
print(json.dumps(result))
"""
FILES = corpus()
EXPECTED = {
    "zip bomb": ("refused", "would unpack to"),
    "billion laughs": ("refused", "XML entity declaration"),
    "external entity": ("refused", "XML entity declaration"),
    "encrypted": ("refused", "password-protected"),
    "truncated": ("refused", "damaged"),
    "pdf renamed": ("refused", "is a PDF"),
    "a million empty rows": ("refused", "1,000,000 rows"),
    "16384 columns": ("refused", "16,384 named columns; the limit is 1,000"),
    "nul bytes in csv": ("refused", "NUL characters"),
    "nul bytes in sheet xml": ("loaded", "invisible control characters"),
    "ten mb in one cell (csv)": ("refused", "Line 2 of the file could not be read as a table"),
    "ten mb in one cell (xlsx)": ("loaded", "longer than the 1,000 this field allows"),
    "mixed encodings (csv)": ("loaded", None),
    "macro workbook": ("loaded", None),
    "formulas with cached values": ("loaded", None),
    "merged cells": ("loaded", "cells D2:D3 are merged; the value was read for each of rows 2 to 3"),
    "hidden sheet": ("loaded", None),
    "forged dimension, cell at XFD60000": ("refused", "spans 60,000 rows by 16,384 columns"),
    "no dimension, cell at XFD60000": ("refused", "spans 60,000 rows by 16,384 columns"),
    "1000 rows and a far cell": ("refused", "spans 60,000 rows by 16,384 columns"),
    "ods with repeated rows and columns": ("refused", "needed more than 400 MB"),
    "xls with a cell at IV65536": ("refused", "needed more than 400 MB"),
    "csv with a quote never closed": ("loaded", 'a quote (") opened in this cell is never closed'),
    "csv with a quote closed four rows later": ("loaded", "closes only on line 8 of the file"),
    "60 MB csv of tiny cells": ("refused", "the limit for .csv is 40 MB"),
    "a 45 MB csv of one line": ("refused", "The text table is 45 MB; the limit for .csv is 40 MB"),
    "a 20 MB csv of tiny cells": ("refused", "holds about 7,007,000 cells, more than the 5,000,000"),
    "20,000 rows with one code": ("refused", "patient code 'SAME' is on 20,000 rows (2, 3, 4, 5, 6 and 19,995 more)"),
    "look-alike codes": ("loaded", "differ only in capitals, spaces, invisible characters or character width"),
    "odd category values": ("loaded", None),
    "letter O among 0 and 1": ("loaded", "could be the letter O (oui: yes) or a mistyped 0 (no)"),
    "error values": ("loaded", "the spreadsheet shows an error (#DIV/0!) in this cell"),
    "vertical tab in a value (csv)": ("loaded", None),
    "a merged range to column XFD": ("loaded", "cells P2:XFD20000 are merged; the value was read for each of rows 2 to 35"),
    "100,000 copies of one merged range": ("loaded", "cells P2:P35 are merged"),
    "row tags that never close": ("loaded", None),
    "error-cell tags that never close": ("loaded", None),
    "csv with CR line endings past the row limit": ("refused", "about 1,100,000 lines; the limit is 1,048,576"),
    "a patient above the header": ("loaded", "this row is above the header row (2), so it was not read"),
}


@pytest.fixture(scope="module")
def results(tmp_path_factory):
    folder = tmp_path_factory.mktemp("hostile")
    out = {}
    for name, data in FILES.items():
        path = folder / name.replace(" ", "_")
        path.write_bytes(data)
        run = subprocess.run([sys.executable, "-c", CHILD.format(root=str(ROOT)), str(path)],
                             capture_output=True, text=True, timeout=120)
        out[name] = json.loads(run.stdout.strip().splitlines()[-1]) if run.stdout.strip() else {
            "outcome": "crashed", "message": run.stderr[-2000:]}
        result = out[name]
        print(f"{name:28s} {result['outcome']:8s} {result.get('seconds', 0):5.2f} s {result.get('peak_mb', 0):5.0f} MB")
    return out


def test_the_corpus_is_complete():
    assert set(FILES) == set(EXPECTED)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_hostile_file(results, name):
    result = results[name]
    outcome, words = EXPECTED[name]
    assert result["outcome"] == outcome, result.get("message", result)
    assert result["seconds"] < 5, f"{name}: {result['seconds']:.1f} s"
    assert result["peak_mb"] < 500, f"{name}: {result['peak_mb']:.0f} MB"
    # an upper bound: a child's peak includes its parent's memory before the parser starts
    assert result["parser_peak_mb"] < 500, f"{name}: parser {result['parser_peak_mb']:.0f} MB"
    if words and outcome == "refused":
        assert words in result["message"]
    if words and outcome == "loaded":
        assert any(words in message for message in result["problems"]), result["problems"]


def test_no_patient_is_lost_to_a_quote_left_open(results):
    for name in ("csv with a quote never closed", "csv with a quote closed four rows later"):
        assert results[name]["patients"] == [f"P{i}" for i in range(1, 11)], name


def test_a_merged_range_is_reported_once_and_kept_within_the_sheet(results):
    for name in ("a merged range to column XFD", "100,000 copies of one merged range"):
        assert len(results[name]["patients"]) == 34, name
        assert sum("are merged" in m for m in results[name]["problems"]) == 1, name


def test_look_alike_codes_are_all_reported(results):
    result = results["look-alike codes"]
    assert result["patients"] == ["P2"]
    assert sum("differ only in capitals" in m for m in result["problems"]) == 4


def test_a_far_cell_is_refused_before_parsing(results):
    for name in ("forged dimension, cell at XFD60000", "no dimension, cell at XFD60000", "1000 rows and a far cell"):
        assert results[name]["seconds"] < 0.5, name


def test_what_loads_is_read_correctly(results):
    assert "root:" not in json.dumps(results)  # no file content of the server ever appears
    assert results["formulas with cached values"]["patients"] == ["P1", "P2"]
    assert "55.0" in results["formulas with cached values"]["text"]  # the value Excel shows
    assert results["hidden sheet"]["patients"] == ["P1", "P2"]
    assert results["macro workbook"]["patients"] == ["P1", "P2"]
    mixed = results["mixed encodings (csv)"]
    assert mixed["rows"] == 2 and len(mixed["patients"]) + len({m for m in mixed["problems"]}) >= 2
