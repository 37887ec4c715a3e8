"""Everything a report needs, computed once from the selected patients, so that the figures,
tables, text and downloads all read the same numbers."""
from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from ilp_core.results import complications

from ilp_core.results import flow

from ilp_core.results import summaries
from ilp_core.stats.comparisons import TestResult
from ilp_core.results.selection import strata
from ilp_core.stats.survival import Median
from ilp_core.results.table_one import TableOne, table_one

ENDPOINT_NAMES = {
    "amputation": "Cumulative incidence of amputation (death competing)",
    "overall_survival": "Overall survival",
    "local_recurrence_free_survival": "Local recurrence-free survival (deaths censored)",
}


@dataclass(frozen=True)
class Analysis:
    """The selected patients' results under one set of conventions."""

    settings: summaries.Settings
    landmarks: list[float]
    n_selected: int
    n_loaded: int
    n_rows: int
    filters: str
    compare_by: str | None
    curves: dict[str, dict] = field(repr=False)          # endpoint -> {stratum: result}
    tests: dict[str, TestResult | None] = field(repr=False)
    complications: pd.DataFrame = field(repr=False)
    follow_up: Median = field(repr=False)
    baseline: TableOne = field(repr=False)
    flow: pd.DataFrame = field(repr=False)

    def landmarks_table(self, endpoint: str) -> pd.DataFrame:
        return summaries.landmark_table(self.curves[endpoint], self.landmarks, self.settings)

    def differences(self, endpoint: str) -> pd.DataFrame:
        return summaries.landmark_difference(self.curves[endpoint], self.landmarks, self.settings)


def analyse(selected: pd.DataFrame, labels: pd.Series | None, settings: summaries.Settings, landmarks: list[float],
            *, n_loaded: int, n_rows: int, compare_by: str | None = None, filters: str = "",
            baseline_tests: bool = False, numeric_test: str = "mann-whitney",
            grouping_variable: str | None = None) -> Analysis:
    """Curves, landmark estimates, tests, complications, Table 1 and the flow for ``selected``.
    ``grouping_variable`` is the column the groups come from (not tested against itself in Table 1)."""
    labels = labels if labels is not None else strata(selected, None)
    curves = {
        "amputation": summaries.incidence_curves(selected, "amputation", labels, settings),
        "overall_survival": summaries.survival_curves(selected, "overall_survival", labels, settings),
        "local_recurrence_free_survival": summaries.survival_curves(selected, "local_recurrence", labels, settings),
    }
    tests = {
        "amputation": summaries.compare_strata(selected, "amputation", labels, competing=True),
        "overall_survival": summaries.compare_strata(selected, "overall_survival", labels, competing=False),
        "local_recurrence_free_survival": summaries.compare_strata(selected, "local_recurrence", labels,
                                                                   competing=False),
    }
    compared = labels if compare_by else None
    return Analysis(
        settings, list(landmarks), len(selected), n_loaded, n_rows, filters, compare_by, curves, tests,
        complications.complication_table(selected, compared, conf_level=settings.conf_level),
        summaries.follow_up(selected, settings),
        table_one(selected, compared, tests=baseline_tests, numeric_test=numeric_test,
                  grouping_variable=grouping_variable),
        flow.patient_flow(selected, n_rows=n_rows, n_selected_from=n_loaded if n_loaded != len(selected) else None),
    )
