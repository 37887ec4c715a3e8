"""ilp_core's layers hold: no module imports one above it, and none imports Streamlit."""
import shutil
from pathlib import Path

import pytest
from layers import violations

ROOT = Path(__file__).resolve().parents[1]


def test_no_layer_imports_one_above_it_and_the_core_never_imports_streamlit():
    assert violations(ROOT) == []


def _copy(tmp_path: Path) -> Path:
    shutil.copytree(ROOT / "ilp_core", tmp_path / "ilp_core", ignore=shutil.ignore_patterns("__pycache__"))
    return tmp_path


def _add(path: Path, line: str) -> None:
    path.write_text(path.read_text() + f"\n\ndef later():\n    {line}\n")


def test_an_upward_import_is_caught_even_inside_a_function(tmp_path):
    root = _copy(tmp_path)
    _add(root / "ilp_core/stats/survival.py", "from ilp_core.reporting import report")
    _add(root / "ilp_core/cohort/reading.py", "from ilp_core.results.selection import strata")
    _add(root / "ilp_core/conventions.py", "import ilp_core.stats.survival")
    found = violations(root)
    assert len(found) == 3, found
    assert any("stats module ilp_core.stats.survival imports ilp_core.reporting" in f for f in found)
    assert any("cohort module ilp_core.cohort.reading imports ilp_core.results.selection" in f for f in found)
    assert any("base module ilp_core.conventions imports ilp_core.stats.survival" in f for f in found)


def test_a_sideways_import_between_stats_and_cohort_is_caught(tmp_path):
    root = _copy(tmp_path)
    _add(root / "ilp_core/stats/competing.py", "from ilp_core.cohort.endpoints import endpoint")
    assert [f for f in violations(root) if "ilp_core.cohort.endpoints" in f]


def test_streamlit_and_the_facade_are_caught(tmp_path):
    root = _copy(tmp_path)
    _add(root / "ilp_core/reporting/charts.py", "import streamlit as st")
    _add(root / "ilp_core/results/summaries.py", "import ilp_core as core")
    found = violations(root)
    assert any("imports streamlit" in f for f in found) and any("ilp_core package itself" in f for f in found)


@pytest.mark.parametrize("line", [
    "import ilp_core.reporting",
    "import ilp_core.reporting.report as r",
    "from ilp_core.results import *",
    "from ..reporting import report",
    "from ..results.summaries import curves",
    "import ui",
    "from app_pages import survival",
    "import importlib; importlib.import_module('ilp_core.reporting.report')",
    "__import__('ilp_core.reporting')",
])
def test_every_form_of_an_upward_import_is_caught(tmp_path, line):
    root = _copy(tmp_path)
    _add(root / "ilp_core/stats/differences.py", line)
    found = [f for f in violations(root) if f.startswith("ilp_core/stats/differences.py")]
    assert found, line
