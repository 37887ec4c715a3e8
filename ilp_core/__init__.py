"""ilp_core: statistics and cohort handling for isolated limb perfusion cohorts.

A pure library (no user interface). Every estimator reproduces R's survival
and cmprsk packages; see METHODS.md beside the project.
"""
from ilp_core.cohort.loading import Cohort, cohort_from_table, load_cohort
from ilp_core.stats.comparisons import TestResult, gray_test, logrank_test
from ilp_core.stats.competing import CumulativeIncidence, cumulative_incidence
from ilp_core.cohort.endpoints import ENDPOINTS, early_severe_complication, endpoint
from ilp_core.stats.intervals import PRESETS, Convention
from ilp_core.cohort.mapping import suggest_mapping
from ilp_core.stats.proportions import Proportion, proportion_ci
from ilp_core.cohort.reading import read_sheets, read_table, sheet_names
from ilp_core.stats.regression import RegressionResult, cox_regression, fine_gray
from ilp_core.schema import FIELDS, CohortError
from ilp_core.stats.survival import KaplanMeier, Median, kaplan_meier, median_follow_up
from ilp_core.cohort.template import template_workbook

__all__ = [
    "Cohort", "CohortError", "cohort_from_table", "Convention", "CumulativeIncidence", "ENDPOINTS", "FIELDS", "KaplanMeier",
    "Median", "PRESETS", "Proportion", "TestResult", "cumulative_incidence", "early_severe_complication",
    "endpoint", "gray_test", "kaplan_meier", "load_cohort", "logrank_test", "median_follow_up",
    "RegressionResult", "cox_regression", "fine_gray", "proportion_ci", "read_sheets", "read_table", "sheet_names", "suggest_mapping", "template_workbook",
]
