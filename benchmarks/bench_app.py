"""How long a page takes to rerun after a filter change, and a figure to export.

Drives the real app with Streamlit's AppTest (script run time, as the server would
spend it; the browser's drawing is not included). Sizes: the 34-patient sample and
a 100,000-patient workbook uploaded through the uploader. Prints the median of 5
reruns per page, each after changing the limb filter.

Run: .venv/bin/python benchmarks/bench_app.py [patients]
"""
from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "sample_data"), str(ROOT / "benchmarks")]
from bench_load_cohort import big_workbook  # noqa: E402
from streamlit.testing.v1 import AppTest  # noqa: E402

import ilp_core as core  # noqa: E402
from ilp_core.conventions import Settings  # noqa: E402

PAGES = ["app_pages/cohort.py", "app_pages/amputation.py", "app_pages/complications.py", "app_pages/survival.py"]
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def limb_filter(at):
    return next(w for w in at.multiselect if w.key.startswith("filter:column:limb:"))


def rerun_times(at, label: str) -> None:
    for page in PAGES:
        at.switch_page(page).run()
        times = []
        for choice in (["upper"], [], ["lower"], [], ["upper"]):
            widget = limb_filter(at)
            start = time.perf_counter()
            widget.set_value(choice).run()
            times.append(time.perf_counter() - start)
            assert not at.exception, at.exception
        print(f"{label:>16s}  {page:28s} rerun after a filter change: median {statistics.median(times):.3f} s "
              f"(max {max(times):.3f} s)", flush=True)


def export_times(data, label: str) -> None:
    from ilp_core.reporting import charts, export
    from ilp_core.results import selection, summaries
    settings = Settings()
    labels = selection.strata(data, "limb")
    curves = summaries.curves(data, "amputation", labels, settings)
    ticks = summaries.time_ticks(max(c.table.time.max() for c in curves.values()), "months")
    figure = charts.curve_figure(curves, summaries.risk_table(curves, ticks), incidence=True, title="Amputation",
                                 x_title="Months", y_title="Incidence", ticks=ticks)
    export.figure_bytes(figure, "png")  # the first conversion in a process starts the renderer
    for fmt in export.FORMATS:
        start = time.perf_counter()
        export.figure_bytes(figure, fmt)
        print(f"{label:>16s}  figure export {fmt.upper()}: {time.perf_counter() - start:.3f} s", flush=True)


def main() -> None:
    patients = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=600).run()
    rerun_times(at, "34 patients")
    export_times(core.load_cohort(ROOT / "sample_data" / "ilp_sample_cohort.xlsx").data, "34 patients")

    data = big_workbook(patients)
    at.switch_page("app_pages/data.py").run()
    start = time.perf_counter()
    at.file_uploader(key="upload").set_value(("big.xlsx", data, XLSX)).run()
    print(f"{patients:>7,d} patients  upload, read and check the workbook: {time.perf_counter() - start:.1f} s")
    rerun_times(at, f"{patients:,} patients")
    export_times(core.load_cohort(data).data, f"{patients:,} patients")


if __name__ == "__main__":
    main()
