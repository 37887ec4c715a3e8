"""ilp_core: statistics and cohort handling for isolated limb perfusion cohorts.

A pure library (no user interface). Every estimator reproduces R's survival
and cmprsk packages; see METHODS.md beside the project.
"""
from .comparisons import TestResult, gray_test, logrank_test
from .competing import CumulativeIncidence, cumulative_incidence
from .intervals import PRESETS, Convention
from .proportions import Proportion, proportion_ci
from .survival import KaplanMeier, Median, kaplan_meier, median_follow_up

__all__ = [
    "Convention", "CumulativeIncidence", "KaplanMeier", "Median", "PRESETS", "Proportion",
    "TestResult", "cumulative_incidence", "gray_test", "kaplan_meier", "logrank_test",
    "median_follow_up", "proportion_ci",
]
