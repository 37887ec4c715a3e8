"""Every combination a user can make in the sidebar, through the core functions the pages call.

Compare by each category of the sample and by age group, under every preset, at 90% and 95%,
in months and years, for all patients, one limb, and only the patients who died (where every
curve falls to 0): no exception, no "nan", "None" or "<NA>" in anything a reader sees, and
every interval label equal to the level in force. The first release crashed on age groups and
printed "nan" and a stale "95% CI" in exactly such combinations.
"""
import itertools
import re

import pandas as pd
import pytest
from sample_path import SAMPLE

import ilp_core as core
from ilp_core.cohort.endpoints import ENDPOINTS
from ilp_core.conventions import PRESETS, Settings, level_label
from ilp_core.reporting import bundle, display, report
from ilp_core.results import predictors, selection, summaries
from ilp_core.results.analysis import analyse

BAD = re.compile(r"\b(?:nan|NaN|NAN|None|NaT|inf|-inf)\b|<NA>")
LEVEL = re.compile(r"(\d+(?:\.\d+)?)% (?:CI|pointwise|confidence)")


@pytest.fixture(scope="module")
def cohort():
    return core.load_cohort(SAMPLE)


def subsets(data):
    return {"all": data, "one limb": data[data.limb == "upper"], "only the dead": data[data.vital_status == "dead"]}


def comparisons(data):
    return [None, selection.AGE_GROUP, *selection.category_columns(data)]


def readable(frame: pd.DataFrame) -> str:
    return " ".join(map(str, frame.columns)) + " " + " ".join(frame.astype(str).to_numpy().ravel())


def check(text: str, level: float, where: str) -> None:
    assert not BAD.search(text), f"{where}: {BAD.search(text).group(0)!r} in {text[:300]!r}"
    expected = level_label(level).removesuffix("%")
    for found in LEVEL.findall(text):
        assert found == expected, f"{where}: a {found}% label at level {level}"


def screens(data, compare_by, settings, landmarks=(12, 24)):
    """Everything the Amputation, Survival and Export pages write for this choice."""
    labels = selection.strata(data, compare_by)
    kind = {"level": settings.conf_level, "unit": settings.time_unit}
    texts = []
    for endpoint in ENDPOINTS:
        competing = ENDPOINTS[endpoint].competing
        curves = summaries.curves(data, endpoint, labels, settings)
        table = summaries.landmark_table(curves, list(landmarks), settings)
        texts.append(readable(display.landmark_display(table, conf_level=kind["level"], time_unit=kind["unit"],
                                                       what="Estimate")))
        difference = summaries.group_difference(curves, list(landmarks), settings)
        if len(difference):
            texts.append(readable(display.difference_display(difference, conf_level=kind["level"],
                                                             time_unit=kind["unit"])))
        if not competing:
            texts.append(readable(display.median_display(summaries.median_table(curves), conf_level=kind["level"],
                                                         time_unit=kind["unit"])))
        test = summaries.compare_strata(data, endpoint, labels)
        texts.append(display.test_line(test, compare_by))
    follow = summaries.follow_up(data, settings)
    texts.append(display.follow_up_line(follow, conf_level=kind["level"], time_unit=kind["unit"]))
    result = analyse(data, labels, settings, list(landmarks), n_loaded=34, n_rows=34,
                     compare_by=compare_by and compare_by.capitalize(), filters="")
    texts += [report.results_text(result), report.methods_text(result)]
    return texts


SETTINGS = [Settings.from_preset(p, level, unit)
            for p, level, unit in itertools.product(PRESETS, (0.90, 0.95), ("months", "years"))]
SAMPLE_COMPARISONS = [None, selection.AGE_GROUP, *selection.category_columns(core.load_cohort(SAMPLE).data)]
pytestmark = pytest.mark.slow  # about three minutes: `make test-fast` leaves it out, `make test` and CI run it


@pytest.mark.parametrize("compare_by", SAMPLE_COMPARISONS)
@pytest.mark.parametrize("subset", ["all", "one limb", "only the dead"])
def test_every_comparison_preset_level_and_unit(cohort, subset, compare_by):
    data = subsets(cohort.data)[subset]
    for settings in SETTINGS:
        where = f"{subset}, compare by {compare_by}, {settings.preset}, {settings.conf_level}, {settings.time_unit}"
        for text in screens(data, compare_by, settings):
            check(text, settings.conf_level, where)


@pytest.mark.parametrize("subset", ["all", "one limb", "only the dead"])
def test_table_one_with_tests_for_every_comparison(cohort, subset):
    from ilp_core.results.table_one import table_one
    data = subsets(cohort.data)[subset]
    for compare_by in comparisons(cohort.data)[1:]:
        labels = selection.strata(data, compare_by)
        column = "age_years" if compare_by == selection.AGE_GROUP else compare_by
        for numeric in ("mann-whitney", "t-test"):
            result = table_one(data, labels, tests=True, numeric_test=numeric, grouping_variable=column)
            check(readable(result.display) + " " + result.footnote, 0.95, f"Table 1, {subset}, by {compare_by}")


@pytest.mark.parametrize("outcome", list(predictors.OUTCOMES))
@pytest.mark.parametrize("level", [0.90, 0.95])
def test_models_for_every_outcome_and_subset(cohort, outcome, level):
    for name, data in subsets(cohort.data).items():
        for covariates in (("age_years",), ("age_years", "limb"), ("sex", "histology")):
            request = predictors.ModelRequest(outcome, covariates)
            fitted, why = predictors.refit(data, request, conf_level=level)
            sentence = report.fitted_model_sentence(fitted)
            assert bool(sentence) != bool(why), (name, covariates)
            check(sentence or why, level, f"model {outcome} {covariates} on {name}")
            if sentence:
                fitted = predictors.fit_outcome_model(data, request, conf_level=level)
                for table in (fitted.model.table, fitted.single):
                    shown = display.model_display(table, ratio="HR", conf_level=level)
                    check(readable(shown), level, f"model table {outcome} {covariates} on {name}")


def test_the_workbook_text_for_awkward_subsets(cohort):
    for name, data in subsets(cohort.data).items():
        settings = Settings.from_preset("R survival", 0.90, "years")
        result = analyse(data, selection.strata(data, "sex"), settings, [12, 24], n_loaded=34, n_rows=34,
                         compare_by="Sex", baseline_tests=True, grouping_variable="sex")
        raw = bundle.results_workbook(result, cohort.problems, source="sample")
        import io

        from openpyxl import load_workbook
        text = load_workbook(io.BytesIO(raw))["Text"]
        for row in text.iter_rows(min_row=2, values_only=True):
            check(str(row[1]), 0.90, f"workbook text, {name}")
