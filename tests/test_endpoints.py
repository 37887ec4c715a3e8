"""The endpoint registry: one key, one meaning, everywhere; adding an endpoint is one entry."""
import io

import numpy as np
import openpyxl
import pandas as pd
import pytest
from sample_path import SAMPLE

import ilp_core as core
from ilp_core.cohort import endpoints
from ilp_core.cohort.endpoints import ENDPOINTS, Endpoint, endpoint
from ilp_core.conventions import Settings
from ilp_core.reporting import bundle, figures, report
from ilp_core.results import selection
from ilp_core.results.analysis import analyse


@pytest.fixture(scope="module")
def data():
    return core.load_cohort(SAMPLE).data


def run(data, by="limb"):
    return analyse(data, selection.strata(data, by), Settings(), [12, 24], n_loaded=len(data), n_rows=len(data),
                   compare_by=by and by.capitalize())


@pytest.mark.parametrize("key", list(ENDPOINTS))
def test_every_endpoint_codes_its_own_event_as_1(data, key):
    found = endpoint(data, key)
    assert set(found.status) <= ({0, 1, 2} if ENDPOINTS[key].competing else {0, 1})
    assert (found.time >= 0).all() and found.index.equals(data.index)


def test_a_key_means_one_thing_recurrence_free_survival_counts_death_and_the_published_one_censors_it(data):
    dead = data.vital_status == "dead"
    recurred = data.local_recurrence.fillna(False).astype(bool)
    assert (endpoint(data, "local_recurrence_free_survival").status == (dead | recurred)).all()
    assert (endpoint(data, "local_recurrence_deaths_censored").status == recurred).all()
    result = run(data, None)
    assert "local_recurrence_free_survival" not in result.curves  # the analysis reports the published choice...
    censored = result.landmarks_table("local_recurrence_deaths_censored").estimate.iloc[0]
    with_death = core.kaplan_meier(*endpoint(data, "local_recurrence_free_survival").to_numpy().T).at([12]).estimate[0]
    assert censored == pytest.approx(0.9374, abs=1e-4) and with_death == pytest.approx(0.7059, abs=1e-4)
    text = report.results_text(result)  # ...and says so
    assert "Local recurrence-free survival, with deaths censored, was 93.7%" in text


def test_death_without_amputation_is_amputations_competing_event(data):
    amputation, death = endpoint(data, "amputation"), endpoint(data, "death_without_amputation")
    assert (death.status == amputation.status.map({0: 0, 1: 2, 2: 1})).all() and death.time.equals(amputation.time)


def test_titles_are_unique_and_the_reported_endpoints_are_the_analysis(data):
    titles = [e.title for e in ENDPOINTS.values()]
    assert len(set(titles)) == len(titles)
    assert list(run(data).curves) == [e.key for e in endpoints.reported()]
    assert list(core.ENDPOINTS) == list(ENDPOINTS)


def test_an_unknown_endpoint_names_the_choices(data):
    with pytest.raises(ValueError, match="endpoint must be one of 'amputation', 'overall_survival'.*got 'os'"):
        endpoint(data, "os")


def test_adding_an_endpoint_is_one_entry_in_the_registry(data, monkeypatch):
    toy = Endpoint(key="toy_limb_kept_alive", event="amputation or death", reported=True,
                   title="Alive with the treated limb (toy)", heading="Alive with the limb", axis="Alive with the limb",
                   opening="Survival with the treated limb kept was", subject="survival with the treated limb kept",
                   definition="survival with the treated limb kept (toy definition)")
    monkeypatch.setitem(ENDPOINTS, toy.key, toy)
    result = run(data)
    # the analysis: curves per group and a test, the numbers of the endpoint's own derivation
    expected = endpoint(data, "amputation_free_survival")
    lower = selection.strata(data, "limb") == "lower"
    km = core.kaplan_meier(expected.time[lower], expected.status[lower])
    np.testing.assert_allclose(result.curves[toy.key]["lower"].table.estimate, km.table.estimate, rtol=0, atol=1e-12)
    assert result.tests[toy.key].method.startswith("log-rank")
    # the text
    assert "By limb, survival with the treated limb kept was" in report.results_text(result)
    assert "survival with the treated limb kept (toy definition)" in report.methods_text(result)
    # the workbook
    book = openpyxl.load_workbook(io.BytesIO(bundle.results_workbook(result, pd.DataFrame(), source="sample")))
    sheet = book["Estimates"]
    column = [c.value for c in sheet[2]].index("Endpoint")
    assert "Alive with the treated limb (toy)" in {row[column] for row in sheet.iter_rows(min_row=3, values_only=True)}
    # the figures
    made = figures.figures(result)
    assert toy.key in made and "Alive with the treated limb (toy)" in str(made[toy.key]["title"])


def test_a_settings_file_of_version_2_keeps_its_recurrence_model():
    from ilp_core.results import predictors
    request = predictors.request_from_settings({"outcome": "local_recurrence", "covariates": ["age_years"]})
    assert request.outcome == "local_recurrence_deaths_censored"
    assert predictors.OUTCOMES[request.outcome].model == "Cox"
    assert list(predictors.OUTCOMES) == ["overall_survival", "local_recurrence_deaths_censored", "amputation"]


def test_an_entry_that_cannot_be_estimated_is_refused_when_it_is_written():
    fields = dict(key="x", title="x", heading="x", axis="x", opening="x", subject="x", definition="x")
    with pytest.raises(ValueError, match="event must be one of 'death', 'amputation'.*got 'relapse'"):
        Endpoint(**fields, event="relapse")
    with pytest.raises(ValueError, match="nothing competes with 'amputation or death'"):
        Endpoint(**fields, event="amputation or death", competing=True)
    with pytest.raises(ValueError, match="a panel of the summary figure must be reported"):
        Endpoint(**fields, event="death", in_panels=True)


def test_a_complication_the_workbook_does_not_record_is_left_out_not_counted_unknown_for_all(data):
    """A unit's export without 'amputation for a treatment reaction' gave '3 of 3 (100%)': every patient
    without a 'yes' was unknown. The composite is of the components recorded, and says which is not."""
    from ilp_core.results import complications
    lacking = data.assign(reaction_amputation=pd.array([pd.NA] * len(data), dtype="boolean"))
    lacking.loc[lacking.index[:3], "compartment_syndrome"] = True
    assert endpoints.unrecorded_components(lacking) == ["amputation for a treatment reaction"]
    overall = complications.complication_table(lacking).iloc[0]
    assert (overall.k, overall.n) == (3, len(data))
    assert overall.outcome == "Early severe complication (any; amputation for a treatment reaction not recorded)"
    result = run(lacking, None)
    assert f"occurred in 3 of {len(data)} patients (amputation for a treatment reaction was not recorded and " \
           "could not count)" in report.results_text(result)
    assert endpoints.unrecorded_components(data) == []  # the sample records all three


def test_the_early_death_row_counts_the_deaths_the_total_counts(data):
    """Without an early-death column the total read early deaths from the death dates, while the row
    "Early death (within 30 days)" said "no patient with a known value"."""
    from ilp_core.results import complications
    lacking = data.assign(early_death=pd.array([pd.NA] * len(data), dtype="boolean"))
    table = complications.complication_table(lacking).set_index("outcome")
    early = ((lacking.death_date - lacking.ilp_date).dt.days <= 30).sum()
    row = table.loc["Early death (within 30 days)"]
    assert (row.k, row.n) == (early, (lacking.vital_status == "alive").sum() + lacking.death_date.notna().sum())
    assert row.n > 0
