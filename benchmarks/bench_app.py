"""What a user waits for in the app: the import, each page's rerun, and the downloads.

- import: a fresh interpreter importing the app's modules (``import ui``), best of 3.
- reruns: the real app driven by Streamlit's AppTest (script time, as the server spends it;
  the browser's drawing is not included), on the 34-patient sample and on a workbook of
  ``patients`` rows uploaded through the uploader. Per page, the median of 5 reruns with
  nothing changed, and of 5 reruns each after a change of the limb filter.
- downloads: each figure as the pages offer it (:class:`ilp_core.reporting.export.FigureFile`):
  the first PNG (which fits the figure to its stated size), then SVG, PDF and PNG again; the
  results workbook and the zip of everything.

Run: make bench   (or .venv/bin/python benchmarks/bench_app.py [patients])
"""
from __future__ import annotations

import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "sample_data"), str(ROOT / "benchmarks")]
from bench_load_cohort import big_workbook  # noqa: E402
from streamlit.testing.v1 import AppTest  # noqa: E402

import ilp_core as core  # noqa: E402
from ilp_core.conventions import Settings  # noqa: E402

PAGES = ["cohort", "amputation", "complications", "survival", "predictors", "export"]
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def import_seconds() -> float:
    code = "import time; s = time.perf_counter(); import ui; print(time.perf_counter() - s)"
    runs = [float(subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True,
                                 check=True).stdout.split()[-1]) for _ in range(3)]
    return min(runs)


def limb_filter(at):
    return next(w for w in at.multiselect if w.key.startswith("filter:column:limb:"))


def timed(action) -> float:
    start = time.perf_counter()
    action()
    return time.perf_counter() - start


def rerun_times(at, label: str) -> None:
    for page in PAGES:
        at.switch_page(f"app_pages/{page}.py").run()
        same = [timed(at.run) for _ in range(5)]
        changed = [timed(limb_filter(at).set_value(choice).run) for choice in (["upper"], [], ["lower"], [], [])]
        assert not at.exception, at.exception
        print(f"{label:>18s}  {page:14s} rerun: nothing changed {statistics.median(same):.3f} s, "
              f"after a filter change {statistics.median(changed):.3f} s (slowest {max(changed):.3f} s)", flush=True)


def download_times(data, label: str) -> None:
    from ilp_core.reporting import bundle, export, figures
    from ilp_core.results import selection
    from ilp_core.results.analysis import analyse
    settings = Settings()
    result = analyse(data, selection.strata(data, "limb"), settings, [12, 24], n_loaded=len(data), n_rows=len(data),
                     compare_by="Limb")
    shown = figures.figures(result)
    export.FigureFile(shown["amputation"]).bytes("svg")  # the first conversion in a process starts the renderer
    for name in ("amputation", "overall_survival", figures.PANELS):
        figure = export.FigureFile(shown[name])
        steps = [(f"{fmt.upper()}", timed(lambda f=fmt: figure.bytes(f))) for fmt in ("png", "svg", "pdf", "png")]
        print(f"{label:>18s}  download {name}: first " + ", then ".join(f"{what} {s:.2f} s" for what, s in steps),
              flush=True)
    workbook = timed(lambda: bundle.results_workbook(result, data.iloc[:0], source="bench"))
    everything = timed(lambda: bundle.results_zip(result, data.iloc[:0], source="bench"))
    print(f"{label:>18s}  results workbook {workbook:.2f} s; zip of every figure, workbook and text {everything:.1f} s",
          flush=True)


def main() -> None:
    patients = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
    print(f"import ui (a fresh interpreter, best of 3): {import_seconds():.2f} s", flush=True)
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=600).run()
    rerun_times(at, "34 patients")
    download_times(core.load_cohort(ROOT / "sample_data" / "ilp_sample_cohort.xlsx").data, "34 patients")

    data = big_workbook(patients)
    at.switch_page("app_pages/data.py").run()
    start = time.perf_counter()
    at.file_uploader(key="upload").set_value(("big.xlsx", data, XLSX)).run()
    label = f"{patients:,} patients"
    print(f"{label:>18s}  upload, read and check the workbook: {time.perf_counter() - start:.1f} s", flush=True)
    rerun_times(at, label)
    download_times(core.load_cohort(data).data, label)


if __name__ == "__main__":
    main()
