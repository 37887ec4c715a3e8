"""The bundled synthetic cohort gives the published figures (within 2 percentage points)."""
import sys
from pathlib import Path

import pytest

import ilp_core as core

SAMPLE = Path(__file__).resolve().parents[1] / "sample_data"
sys.path.insert(0, str(SAMPLE))
import make_sample_cohort  # noqa: E402


@pytest.fixture(scope="module")
def cohort():
    return core.load_cohort(SAMPLE / "ilp_sample_cohort.xlsx")


def test_the_bundled_workbook_is_what_the_script_makes(cohort):
    made = core.load_cohort(make_sample_cohort.workbook_bytes())
    assert made.data.drop(columns="source_row").equals(cohort.data.drop(columns="source_row"))


def test_says_it_is_synthetic():
    assert core.sheet_names(SAMPLE / "ilp_sample_cohort.xlsx")[0] == "About"
    about = core.read_table(SAMPLE / "ilp_sample_cohort.xlsx", sheet="About", header_row=1)
    assert "SYNTHETIC DATA" in about.columns[0]


def test_loads_clean_and_matches_the_published_design(cohort):
    d = cohort.data
    assert cohort.n_patients == 34 and cohort.problems.empty
    assert d.sex.value_counts().to_dict() == {"M": 22, "F": 12}
    assert d.limb.value_counts().to_dict() == {"lower": 21, "upper": 13}
    assert round(d.age_years.mean()) == 55 and round(d.age_years.std()) == 17
    assert (d.histology == "undifferentiated pleomorphic sarcoma").sum() == 6
    assert (d.histology == "myxoid liposarcoma").sum() == 6
    assert d.surgery.sum() == 26 and (~d.ilp_completed).sum() == 4
    assert sorted(d.ilp_abort_reason.dropna()) == ["arterial blockage", "insufficient venous return", "leak", "leak"]
    assert (d.no_surgery_reason == "systemic progression").sum() == 4
    months = (d.surgery_date - d.ilp_date).dt.days.dropna() / 30.4375
    assert months.between(2, 3).all()
    assert str(d.ilp_date.min().date()) >= "2016-07-01" and str(d.ilp_date.max().date()) <= "2023-06-30"
    assert core.early_severe_complication(d).sum() == 0


def test_gives_the_published_estimates(cohort):
    d = cohort.data
    amputation = core.endpoint(d, "amputation")
    incidence = core.cumulative_incidence(amputation.time, amputation.status).at([12]).estimate[0]
    survival = core.endpoint(d, "overall_survival")
    overall = core.kaplan_meier(survival.time, survival.status).at([12, 24]).estimate
    recurrence = core.endpoint(d, "local_recurrence")
    free = core.kaplan_meier(recurrence.time, recurrence.status == 1).at([12, 24]).estimate  # deaths censored
    assert abs(incidence - 0.13) <= 0.02
    assert abs(overall[0] - 0.77) <= 0.02 and abs(overall[1] - 0.58) <= 0.02
    assert abs(free[0] - 0.93) <= 0.02 and abs(free[1] - 0.84) <= 0.02
    assert core.proportion_ci(0, 34).ci_upper == pytest.approx(0.1028, abs=1e-4)
