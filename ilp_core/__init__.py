"""ilp_core: statistics and cohort handling for isolated limb perfusion cohorts.

A pure library (no user interface). Every estimator reproduces R's survival
and cmprsk packages; the README's Statistics section lists what each matches, and
tests/reference holds R's output.
"""
from ilp_core.cohort.endpoints import ENDPOINTS, Endpoint, early_severe_complication, endpoint
from ilp_core.cohort.loading import Cohort, cohort_from_table, load_cohort
from ilp_core.cohort.mapping import suggest_mapping
from ilp_core.cohort.reading import read_sheets, read_table, sheet_names
from ilp_core.cohort.template import template_workbook
from ilp_core.conventions import PRESETS, Convention, Settings
from ilp_core.schema import FIELDS, CohortError
from ilp_core.stats.comparisons import TestResult, gray_test, logrank_test
from ilp_core.stats.competing import CumulativeIncidence, cumulative_incidence
from ilp_core.stats.proportions import Proportion, proportion_ci
from ilp_core.stats.regression import RegressionResult, cox_regression, fine_gray
from ilp_core.stats.survival import KaplanMeier, Median, kaplan_meier, median_follow_up

__all__ = [
    "Cohort", "CohortError", "Convention", "CumulativeIncidence", "ENDPOINTS", "Endpoint", "FIELDS", "KaplanMeier",
    "Median", "PRESETS", "Proportion", "RegressionResult", "Settings", "TestResult", "cohort_from_table",
    "cox_regression", "cumulative_incidence", "early_severe_complication", "endpoint", "fine_gray", "gray_test",
    "kaplan_meier", "load_cohort", "logrank_test", "median_follow_up", "proportion_ci", "read_sheets", "read_table",
    "sheet_names", "suggest_mapping", "template_workbook",
]
