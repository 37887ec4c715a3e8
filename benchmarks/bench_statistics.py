"""Time and memory of the ilp_core estimators, and lifelines for comparison.

Data: n subjects, times exponential (mean 40 months) rounded to 0.1 month (many
ties), 30% censored, the rest split between two competing causes, four groups.
Prints the best of three wall-clock runs and the peak memory traced during one
run (tracemalloc, which sees numpy's allocations), in bytes per subject.

Run: make bench   (or .venv/bin/python benchmarks/bench_statistics.py [--quick])
"""
from __future__ import annotations

import argparse
import sys
import time
import tracemalloc
import warnings
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
import ilp_core as core  # noqa: E402


def cohort(n: int, seed: int = 2026):
    rng = np.random.default_rng(seed)
    t = np.round(rng.exponential(40.0, n), 1)
    status = rng.choice([0, 1, 2], size=n, p=[0.3, 0.35, 0.35])
    group = rng.choice(np.array(["A", "B", "C", "D"]), size=n)
    return t, status, group


def best_of(fn, repeats=3) -> float:
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def peak_bytes(fn) -> int:
    tracemalloc.start()
    fn()
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return peak


def functions(t, status, group):
    died = status > 0
    return {
        "kaplan_meier": lambda: core.kaplan_meier(t, died),
        "cumulative_incidence (delta)": lambda: core.cumulative_incidence(t, status),
        "cumulative_incidence (gray)": lambda: core.cumulative_incidence(t, status, variance="gray"),
        "logrank_test (4 groups)": lambda: core.logrank_test(t, died, group),
        "gray_test (4 groups)": lambda: core.gray_test(t, status, group),
        "median_follow_up": lambda: core.median_follow_up(t, died),
    }


def lifelines_functions(t, status):
    from lifelines import AalenJohansenFitter, KaplanMeierFitter

    def aalen_johansen():
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            AalenJohansenFitter(calculate_variance=True, seed=1).fit(t, status, event_of_interest=1)

    return {
        "lifelines KaplanMeierFitter": lambda: KaplanMeierFitter().fit(t, status > 0),
        "lifelines AalenJohansenFitter(calculate_variance=True)": aalen_johansen,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="only 10^4 and 10^5, no lifelines")
    args = parser.parse_args()
    sizes = [10_000, 100_000] if args.quick else [10_000, 100_000, 1_000_000]
    print(f"numpy {np.__version__}; {len(np.unique(cohort(100_000)[0]))} distinct times at n = 10^5")
    print(f"{'function':58s} {'n':>9s} {'seconds':>9s} {'bytes/subject':>14s}")
    results = {}
    for n in sizes:
        data = cohort(n)
        for name, fn in functions(*data).items():
            fn()  # warm-up
            seconds = best_of(fn)
            per_subject = peak_bytes(fn) / n
            results[(name, n)] = seconds
            print(f"{name:58s} {n:>9,d} {seconds:>9.3f} {per_subject:>14.0f}", flush=True)
        if n == 100_000 and not args.quick:
            for name, fn in lifelines_functions(data[0], data[1]).items():
                seconds = best_of(fn, repeats=1 if "Aalen" in name else 3)
                results[(name, n)] = seconds
                print(f"{name:58s} {n:>9,d} {seconds:>9.3f} {'':>14s}", flush=True)
    if not args.quick:
        aj = results[("lifelines AalenJohansenFitter(calculate_variance=True)", 100_000)]
        ours = results[("cumulative_incidence (delta)", 100_000)]
        km = results[("lifelines KaplanMeierFitter", 100_000)] / results[("kaplan_meier", 100_000)]
        print(f"\nincidence at 10^5: {aj / ours:.0f}x faster than lifelines; "
              f"Kaplan-Meier at 10^5: {km:.1f}x lifelines' speed")


if __name__ == "__main__":
    main()
