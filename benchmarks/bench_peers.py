"""ilp_core beside R (survival, cmprsk) and lifelines, on the same data, in one run.

Data: n subjects in four groups, 30% censored, the rest split between two causes, times
exponential (mean 40 months) either rounded to 0.1 month (ties, as registries record them) or
left all distinct (the most distinct times, the worst case for per-time work).

What is timed is one comparison as the app makes it:
- survival: Kaplan-Meier per group and the log-rank test. R: ``survfit(Surv(t, d) ~ g)`` and
  ``survdiff``; lifelines: ``KaplanMeierFitter`` per group and ``multivariate_logrank_test``.
- competing risks: the incidence of cause 1 per group (Gray's variance, as cmprsk) and Gray's
  test. R: ``cmprsk::cuminc(t, s, g)``, which always estimates every cause (here both curves and
  both tests), so ours is also timed for both causes, like for like; ours without merging
  near-tied times (``timefix=False``), as cuminc does not merge them. lifelines has no Gray's
  test; its ``AalenJohansenFitter`` per group is timed up to 10^5 (it jitters tied times and takes
  minutes at 10^6).

Each figure is the best of 3 wall-clock runs after a warm-up (R's and lifelines' too; R in its
own process via Rscript, which reads the data from a temporary file deleted afterwards: the data
are synthetic). The chi-square of each test is compared with R's and the largest relative
difference printed.

Run: make bench   (or .venv/bin/python benchmarks/bench_peers.py [--sizes 10000 100000 1000000])
"""
from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
import warnings
from pathlib import Path

import numpy as np

sys.path[:0] = [str(Path(__file__).resolve().parents[1]), str(Path(__file__).resolve().parent)]
from bench_statistics import best_of  # noqa: E402

import ilp_core as core  # noqa: E402

GROUPS = np.array(["A", "B", "C", "D"])
R_SCRIPT = r"""
suppressMessages({library(survival); library(cmprsk)})
args <- commandArgs(TRUE); n <- as.integer(args[1]); folder <- args[2]
read <- function(name) readBin(file.path(folder, name), "double", n)
t <- read("time.bin"); s <- read("status.bin"); g <- c("A", "B", "C", "D")[read("group.bin") + 1]
d <- as.numeric(s > 0)
best <- function(f) { f(); min(replicate(3, system.time(f())[["elapsed"]])) }
km <- best(function() { survfit(Surv(t, d) ~ g); survdiff(Surv(t, d) ~ g) })
cr <- best(function() cuminc(t, s, g))
fit <- cuminc(t, s, g)
cat(sprintf("survival %.6f %.12g\n", km, survdiff(Surv(t, d) ~ g)$chisq))
cat(sprintf("competing %.6f %.12g %.12g\n", cr, fit$Tests[1, "stat"], fit$Tests[2, "stat"]))
"""


def cohort(n: int, distinct: bool, seed: int = 2026):
    rng = np.random.default_rng(seed)
    t = rng.exponential(40.0, n)
    if not distinct:
        t = np.round(t, 1)
    status = rng.choice([0, 1, 2], size=n, p=[0.3, 0.35, 0.35])
    group = rng.integers(0, 4, n)
    return t, status, group


def warm_best_of(fn, repeats: int = 3) -> float:
    fn()  # warm-up
    return best_of(fn, repeats)


def ours(t, status, group):
    labels = GROUPS[group]
    members = [labels == name for name in GROUPS]
    died = status > 0

    def survival():
        for m in members:
            core.kaplan_meier(t[m], died[m])
        return core.logrank_test(t, died, labels).statistic

    def competing(causes=(1,)):
        stats = []
        for cause in causes:
            for m in members:
                core.cumulative_incidence(t[m], status[m], event=cause, variance="gray", timefix=False)
            stats.append(core.gray_test(t, status, labels, event=cause, timefix=False).statistic)
        return stats

    return {"survival": survival, "competing": competing, "competing, both causes": lambda: competing((1, 2))}


def lifelines_tasks(t, status, group, n: int):
    from lifelines import AalenJohansenFitter, KaplanMeierFitter
    from lifelines.statistics import multivariate_logrank_test
    died = status > 0

    def survival():
        for name in range(4):
            KaplanMeierFitter().fit(t[group == name], died[group == name])
        multivariate_logrank_test(t, GROUPS[group], died)

    def competing():
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            for name in range(4):
                m = group == name
                AalenJohansenFitter(calculate_variance=True, seed=1).fit(t[m], status[m], event_of_interest=1)

    return {"survival": survival, "competing": competing if n <= 100_000 else None}


def r_times(t, status, group) -> dict | None:
    if shutil.which("Rscript") is None:
        return None
    with tempfile.TemporaryDirectory() as folder:
        for name, values in (("time", t), ("status", status), ("group", group)):
            np.asarray(values, dtype="<f8").tofile(Path(folder) / f"{name}.bin")
        script = Path(folder) / "peers.R"
        script.write_text(R_SCRIPT)
        done = subprocess.run(["Rscript", str(script), str(len(t)), folder], capture_output=True, text=True)
    if done.returncode:
        print(f"  (R failed: {done.stderr.strip()[-300:]})")
        return None
    out = {}
    for line in done.stdout.splitlines():
        task, seconds, *stats = line.split()
        out[task] = (float(seconds), [float(s) for s in stats])
    return out


def row(n, shape, task, mine, r, lifelines):
    def text(s):
        return "" if s is None else f"{s:.3f} s"
    ratio = f"{r / mine:.1f}x" if r is not None else ""
    versus = f"{lifelines / mine:.0f}x" if lifelines is not None else ""
    print(f"{n:>9,d}  {shape:13s} {task:24s} {text(mine):>9s} {text(r):>9s} {text(lifelines):>10s} "
          f"{ratio:>8s} {versus:>11s}", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000, 1_000_000])
    args = parser.parse_args()
    print(f"numpy {np.__version__}; R {'found' if shutil.which('Rscript') else 'not installed: R columns empty'}")
    print(f"{'n':>9s}  {'times':13s} {'task':24s} {'ilp_core':>9s} {'R':>9s} {'lifelines':>10s} "
          f"{'R / ours':>8s} {'lifelines /':>11s}")
    worst = 0.0
    for n in args.sizes:
        for distinct in (False, True):
            shape = "all distinct" if distinct else "0.1-month"
            data = cohort(n, distinct)
            tasks, peers = ours(*data), lifelines_tasks(*data, n)
            r = r_times(*data)
            for task, fn in tasks.items():
                mine = warm_best_of(fn)
                r_seconds = None
                if r is not None and task in r:
                    r_seconds, r_stats = r[task]
                    got = np.atleast_1d(fn())
                    worst = max(worst, float(np.max(np.abs(got - r_stats[:len(got)]) / np.abs(r_stats[:len(got)]))))
                if task == "competing, both causes" and r is not None:
                    r_seconds, r_stats = r["competing"]
                    got = np.asarray(fn())
                    worst = max(worst, float(np.max(np.abs(got - r_stats) / np.abs(r_stats))))
                peer = peers.get(task)
                lifelines = warm_best_of(peer, repeats=1 if n >= 100_000 else 3) if peer is not None else None
                row(n, shape, task, mine, r_seconds, lifelines)
    if worst:
        print(f"\nEvery test statistic agrees with R's to a relative {worst:.1e}.")


if __name__ == "__main__":
    main()
