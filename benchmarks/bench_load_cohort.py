"""Time and peak memory of load_cohort on a 100,000-row workbook.

The workbook is built once (openpyxl, write-only) from the synthetic sample's
rows repeated with new codes, mixing real dates and text dates, and kept in
memory. Peak memory is traced by tracemalloc during one load.

Run: make bench   (or .venv/bin/python benchmarks/bench_load_cohort.py [rows])
"""
from __future__ import annotations

import datetime as dt
import io
import sys
import time
import tracemalloc
from pathlib import Path

from openpyxl import Workbook

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "sample_data")]
import make_sample_cohort as sample  # noqa: E402

import ilp_core as core  # noqa: E402


def big_workbook(rows: int) -> bytes:
    book = Workbook(write_only=True)
    sheet = book.create_sheet("cohort")
    sheet.append(["ILP cohort export"])
    sheet.append(sample.HEADERS)
    base = sample.sample_rows()
    for i in range(rows):
        row = dict(base[i % len(base)])
        row["patient_id"] = f"P{i:06d}"
        if i % 2:  # half the perfusion dates typed as day/month/year text
            row["ilp_date"] = row["ilp_date"].strftime("%d/%m/%Y")
        sheet.append([row[h] for h in sample.HEADERS])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def main() -> None:
    rows = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
    start = time.perf_counter()
    data = big_workbook(rows)
    print(f"built a {rows:,}-row workbook ({len(data) / 2**20:.1f} MB) in {time.perf_counter() - start:.1f} s")
    today = dt.date(2026, 1, 1)
    timings = []
    for _ in range(3):
        start = time.perf_counter()
        cohort = core.load_cohort(data, today=today)
        timings.append(time.perf_counter() - start)
    tracemalloc.start()
    core.load_cohort(data, today=today)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    start = time.perf_counter()
    table = core.read_table(data)
    read = time.perf_counter() - start
    print(f"load_cohort: best {min(timings):.2f} s of 3 (read_table alone {read:.2f} s); "
          f"peak traced memory {peak / 2**20:.0f} MB; {cohort.summary()}")
    assert len(table) == rows


if __name__ == "__main__":
    main()
