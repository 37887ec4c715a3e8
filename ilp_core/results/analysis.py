"""Everything a report needs, computed once from the selected patients, so that the figures,
tables, text and downloads all read the same numbers."""
from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from ilp_core.cohort import endpoints
from ilp_core.cohort.endpoints import unrecorded_components
from ilp_core.conventions import Settings
from ilp_core.results import complications, flow, summaries
from ilp_core.results.selection import strata
from ilp_core.results.table_one import TableOne, table_one
from ilp_core.stats.comparisons import TestResult
from ilp_core.stats.survival import Median


@dataclass(frozen=True)
class Analysis:
    """The selected patients' results under one set of conventions."""

    settings: Settings
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
    censored_alive: int = field(repr=False)  # the events of the reverse Kaplan-Meier (0: follow-up not estimable)
    baseline: TableOne = field(repr=False)
    flow: pd.DataFrame = field(repr=False)
    unrecorded: tuple[str, ...] = ()  # components of the early severe complication no patient has a value for

    def landmarks_table(self, endpoint: str) -> pd.DataFrame:
        return summaries.landmark_table(self.curves[endpoint], self.landmarks, self.settings)

    def differences(self, endpoint: str) -> pd.DataFrame:
        return summaries.group_difference(self.curves[endpoint], self.landmarks, self.settings)


def analyse(selected: pd.DataFrame, labels: pd.Series | None, settings: Settings, landmarks: list[float],
            *, n_loaded: int, n_rows: int, compare_by: str | None = None, filters: str = "",
            baseline_tests: bool = False, numeric_test: str = "mann-whitney",
            grouping_variable: str | None = None) -> Analysis:
    """Curves, landmark estimates, tests, complications, Table 1 and the flow for ``selected``.
    ``grouping_variable`` is the column the groups come from (not tested against itself in Table 1).
    Every endpoint the registry marks ``reported`` gets its curves and test, under the key it has there."""
    labels = labels if labels is not None else strata(selected, None)
    reported = [e.key for e in endpoints.reported()]
    curves = {key: summaries.curves(selected, key, labels, settings) for key in reported}
    tests = {key: summaries.compare_strata(selected, key, labels) for key in reported}
    compared = labels if compare_by else None
    return Analysis(
        settings, list(landmarks), len(selected), n_loaded, n_rows, filters, compare_by, curves, tests,
        complications.complication_table(selected, compared, conf_level=settings.conf_level),
        summaries.follow_up(selected, settings),
        summaries.censored_alive(selected),
        table_one(selected, compared, tests=baseline_tests, numeric_test=numeric_test,
                  grouping_variable=grouping_variable),
        flow.patient_flow(selected, n_rows=n_rows, n_selected_from=n_loaded, filters=filters),
        unrecorded=tuple(unrecorded_components(selected)),
    )
