"""Time and memory of the regression models: Cox (coxph port), Fine-Gray by crr (linear memory)
and by the finegray expansion; R's coxph and crr on the same data when Rscript is installed.

Data: n patients, two covariates (age, a binary group), times exponential (mean 40 months)
rounded to 0.1 month, 30% censored, the rest split between the event and a competing death.
Prints the best of two runs and the peak memory traced by tracemalloc during one run.

Run: .venv/bin/python benchmarks/bench_regression.py [--sizes 1000 10000 100000]
"""
from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from ilp_core.stats.regression import cox_regression, fine_gray  # noqa: E402

R_SCRIPT = """
suppressMessages({library(survival); library(cmprsk)})
d <- read.csv(commandArgs(TRUE)[1])
x <- cbind(age = d$age, group_b = as.numeric(d$group == "b"))
cox <- system.time(coxph(Surv(time, status == 1) ~ age + group, data = d, ties = "efron"))[["elapsed"]]
crr_time <- if (nrow(d) <= 20000) system.time(crr(d$time, d$status, x))[["elapsed"]] else NA
cat(cox, crr_time, "\\n")
"""
# R's crr holds failures x patients work per iteration (29.5 s at 10^4 here): not run above 20,000.


def cohort(n: int, seed: int = 2026) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    return pd.DataFrame({"time": np.round(rng.exponential(40.0, n), 1) + 0.1,
                         "status": rng.choice([0, 1, 2], size=n, p=[0.3, 0.35, 0.35]),
                         "age": rng.normal(60, 12, n).round(), "group": rng.choice(["a", "b"], n)})


def measure(fn) -> tuple[float, float]:
    best = min(_timed(fn) for _ in range(2))
    tracemalloc.start()
    fn()
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return best, peak


def _timed(fn) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def r_times(data: pd.DataFrame) -> tuple[str, str]:
    if not shutil.which("Rscript"):
        return "", ""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "d.csv"
        data.to_csv(path, index=False)
        script = Path(folder) / "bench.R"
        script.write_text(R_SCRIPT)
        out = subprocess.run(["Rscript", str(script), str(path)], capture_output=True, text=True, timeout=3600)
    try:
        cox, crr_time = out.stdout.split()
        crr_text = "not run (quadratic)" if crr_time == "NA" else f"{float(crr_time):.3f} s"
        return f"{float(cox):.3f} s", crr_text
    except ValueError:
        return "R failed", "R failed"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", type=int, nargs="+", default=[1_000, 10_000, 100_000])
    args = parser.parse_args()
    print("| patients | cox_regression | fine_gray (crr) | fine_gray (finegray) | R coxph | R crr |")
    print("|---|---|---|---|---|---|")
    for n in args.sizes:
        data = cohort(n)
        cox = measure(lambda: cox_regression(data.assign(event=(data.status == 1).astype(int)), "time", "event",
                                             ["age", "group"]))
        crr = measure(lambda: fine_gray(data, "time", "status", ["age", "group"]))
        try:
            expanded = measure(lambda: fine_gray(data, "time", "status", ["age", "group"], method="finegray"))
            finegray = f"{expanded[0]:.3f} s, {expanded[1] / 2**20:.0f} MB"
        except ValueError:
            finegray = "refused (more than 200,000 expanded rows)"
        r_cox, r_crr = r_times(data)
        print(f"| {n:,} | {cox[0]:.3f} s, {cox[1] / 2**20:.0f} MB | {crr[0]:.3f} s, {crr[1] / 2**20:.0f} MB | "
              f"{finegray} | {r_cox} | {r_crr} |", flush=True)


if __name__ == "__main__":
    main()
