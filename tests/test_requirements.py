"""Every package the app and ilp_core import at run time is in requirements.txt (what `make run` installs).

The first release imported lifelines on the Predictors page while only requirements-dev.txt had it:
every Cox model failed for users and no test noticed.
"""
import ast
import re
import sys
from importlib.metadata import packages_distributions
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def runtime_sources() -> list[Path]:
    return sorted([*ROOT.glob("*.py"), *(ROOT / "ilp_core").rglob("*.py"), *(ROOT / "app_pages").rglob("*.py")])


def imported_modules(path: Path) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            names |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module.split(".")[0])
    return names


def required() -> set[str]:
    lines = (ROOT / "requirements.txt").read_text().splitlines()
    return {re.split(r"[<>=\[ ;]", line.strip())[0].lower().replace("_", "-")
            for line in lines if line.strip() and not line.startswith(("#", "-"))}


def test_every_runtime_import_is_in_requirements_txt():
    local = {p.stem for p in ROOT.glob("*.py")} | {"ilp_core", "app_pages"}
    owners = packages_distributions()
    wanted = required()
    missing = {}
    for path in runtime_sources():
        for name in imported_modules(path) - local - set(sys.stdlib_module_names):
            distributions = {d.lower().replace("_", "-") for d in owners.get(name, [name])}
            if not distributions & wanted:
                missing.setdefault(name, []).append(str(path.relative_to(ROOT)))
    assert not missing, f"imported at run time but not in requirements.txt: {missing}"


def test_requirements_are_pinned():
    for line in (ROOT / "requirements.txt").read_text().splitlines():
        if line.strip() and not line.startswith("#"):
            assert "==" in line, f"not pinned: {line}"


def test_a_first_analysis_and_its_figures_import_no_slow_module():
    """scipy.stats (0.6 s to import) and Altair (0.5 s) are left out of the path to the first figure: the
    sample analysed without a comparison, its figures built and drawn. (The exact interval once imported
    scipy.stats through binomtest, on every server's first analysis.)"""
    import subprocess
    code = """
import sys
import ilp_core as core
from ilp_core.conventions import Settings
from ilp_core.reporting import export, figures
from ilp_core.results import analysis, selection
data = core.load_cohort(sys.argv[1]).data
result = analysis.analyse(data, selection.strata(data, None), Settings(), [12, 24], n_loaded=len(data),
                          n_rows=len(data), compare_by=None)
export.FigureFile(figures.figures(result)["amputation"]).svg()
print(sorted(name for name in ("scipy.stats", "altair", "lifelines", "streamlit") if name in sys.modules))
"""
    sample = ROOT / "sample_data" / "ilp_sample_cohort.xlsx"
    run = subprocess.run([sys.executable, "-c", code, str(sample)], cwd=ROOT, capture_output=True, text=True)
    assert run.returncode == 0, run.stderr[-2000:]
    assert run.stdout.split("\n")[-2] == "[]"
