"""The results text states exactly the estimates it describes, each with its own interval."""
import re

import pandas as pd
import pytest
from sample_path import SAMPLE

import ilp_core as core
from ilp_core.conventions import Settings
from ilp_core.reporting import report
from ilp_core.results import analysis, selection

NUMBER = r"(\d+\.\d)% \((\d+)% CI (\d+\.\d)% to (\d+\.\d)%\) at (\d+(?:\.\d+)?) months"


@pytest.fixture(scope="module")
def data():
    return core.load_cohort(SAMPLE).data


def run(data, by=None, settings=None):
    labels = selection.strata(data, by) if by else None
    return analysis.analyse(data, labels, settings or Settings(), [12, 24], n_loaded=len(data),
                            n_rows=len(data), compare_by=by and by.capitalize())


@pytest.mark.parametrize("preset", ["Default (SAS / Stata)", "R survival", "cmprsk / tidycmprsk / EZR"])
def test_every_number_in_the_text_is_the_estimate_it_describes(data, preset):
    result = run(data, settings=Settings.from_preset(preset))
    text = report.results_text(result)
    paragraphs = {p.split(" was ")[0]: p for p in text.split("\n\n")}
    endpoints = {"The cumulative incidence of amputation, with death as a competing event,": "amputation",
                 "Overall survival": "overall_survival",
                 "Local recurrence-free survival, with deaths censored,": "local_recurrence_deaths_censored"}
    for opening, endpoint in endpoints.items():
        found = re.findall(NUMBER, paragraphs[opening])
        table = result.landmarks_table(endpoint)
        assert len(found) == len(table) == 2
        for (estimate, level, lower, upper, month), row in zip(found, table.itertuples()):
            assert float(month) == row.time and level == "95"
            assert float(estimate) == round(100 * row.estimate, 1)
            assert float(lower) == round(100 * row.ci_lower, 1) and float(upper) == round(100 * row.ci_upper, 1)
            assert float(lower) <= float(estimate) <= float(upper)


def test_incidence_is_never_printed_with_the_complement_interval(data):
    text = report.results_text(run(data))
    estimate, _, lower, upper, _ = re.findall(NUMBER, text.split("\n\n")[1])[0]
    assert float(lower) <= float(estimate) <= float(upper) < 50  # 11.8% (3.7% to 24.9%), not 75% to 100%


def test_groups_and_tests_are_reported(data):
    result = run(data, "limb")
    text = report.results_text(result)
    assert "in the lower group" in text and "in the upper group" in text
    gray = result.tests["amputation"]
    assert f"Gray's test: chi-square {gray.statistic:.2f} on 1 df, p = {gray.p_value:.3f}." in text
    for row in result.landmarks_table("overall_survival").itertuples():
        assert f"{100 * row.estimate:.1f}% (95% CI {100 * row.ci_lower:.1f}% to {100 * row.ci_upper:.1f}%)" in text


def test_complication_sentence(data):
    text = report.results_text(run(data))
    assert "occurred in 0 of 34 patients, 0.0% (95% CI 0.0% to 10.3%), exact Clopper-Pearson interval." in text


def test_methods_name_every_choice(data):
    for preset, phrases in {
        "R survival": ["on the log scale", "delta-method (Marubini-Valsecchi) variance"],
        "cmprsk / tidycmprsk / EZR": ["on the log-log scale", "variance of Gray (1988)"],
        "SPSS": ["on the linear (plain) scale"],
    }.items():
        settings = Settings.from_preset(preset, 0.9, "years")
        text = report.methods_text(run(data, "limb", settings=settings))
        for phrase in phrases + ["reported in years", "90% pointwise", "Aalen-Johansen", "reverse Kaplan-Meier",
                                 "Groups defined by limb (lower, upper) were compared with the log-rank test", "Gray's test",
                                 "Clopper-Pearson", f"ILP outcomes {report.VERSION}", "one year = 365.25 days",
                                 f"Conventions followed: {preset}."]:
            assert phrase in text, (preset, phrase)
        alone = report.methods_text(run(data, settings=settings))
        assert "log-rank" not in alone and "Groups" not in alone  # nothing was compared: no test is named


def test_rows_left_out_for_errors_are_said_in_the_opening(data):
    result = analysis.analyse(data, None, Settings(), [12], n_loaded=34, n_rows=42)
    assert report.results_text(result).startswith(
        "Of 34 patients (8 further rows of the workbook were left out for data errors; see the Problems list) "
        "treated with isolated limb perfusion")
    assert report.results_text(run(data)).startswith("Of 34 patients treated with")


def test_follow_up_when_every_patient_died_says_why_it_has_no_median(data):
    dead = data[data.vital_status == "dead"]
    text = report.results_text(run(dead))
    assert "Median follow-up (reverse Kaplan-Meier) cannot be estimated: no patient was last seen alive (every " \
           "patient died)." in text  # it read "(every patient died) (reverse Kaplan-Meier)."
    assert "Median follow-up was 46.7 months" in report.results_text(run(data))


def test_no_complication_rate_where_no_patient_has_the_components_recorded(data):
    blank = data.assign(early_death=None, compartment_syndrome=None, reaction_amputation=None)
    text = report.results_text(run(blank))
    assert "0 of 0" not in text and "The early severe complication rate is not given" in text


def test_methods_name_group_tests_only_when_a_test_was_run(data):
    upper = data[data.limb == "upper"]
    assert "log-rank" not in report.methods_text(run(upper, by="limb"))  # one group: nothing compared
    assert "compared with the log-rank test" in report.methods_text(run(data, by="limb"))


def test_a_perfusion_or_resection_not_recorded_is_said_not_counted_as_no(data):
    """A workbook without a perfusion-completed column read "the perfusion was completed in 0 (0%)"."""
    blank = pd.array([pd.NA] * len(data), dtype="boolean")
    text = report.results_text(run(data.assign(ilp_completed=blank)))
    assert text.startswith(f"{len(data)} patients were treated with isolated limb perfusion; whether the "
                           "perfusion was completed is not recorded.") and "completed in 0" not in text
    from ilp_core.results import flow
    steps = flow.patient_flow(data.assign(ilp_completed=blank), n_rows=len(data)).set_index("step")
    assert steps.detail["completion_unknown"] == f"resected {int(data.surgery.sum())}"  # in no main box
    some = data.assign(ilp_completed=data.ilp_completed.astype("boolean").mask(data.index < 4))
    completed = int(some.ilp_completed.sum())
    assert f"the perfusion was completed in {completed} ({100 * completed / (len(data) - 4):.0f}% of the " \
           f"{len(data) - 4} with it recorded)" in report.results_text(run(some))
    no_resection = report.results_text(run(data.assign(surgery=blank)))
    assert "; whether a resection followed is not recorded." in no_resection
