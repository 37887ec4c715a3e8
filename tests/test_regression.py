"""Cox and Fine-Gray regression against R (tests/reference: regression_reference.R, edge_cases.R).

R: coxph(Surv(time/30.4375, status - 1) ~ age + factor(sex), data = survival::lung, ties = "efron")
and cox.zph(fit) (survival 3.5-3); cmprsk::crr and survival::finegray + coxph on mgus2 (cmprsk 2.2-11).
"""
import numpy as np
import pandas as pd
import pytest
from conftest import reference

from ilp_core.stats.regression import cox_regression


@pytest.fixture(scope="module")
def lung():
    # survival::lung as R's regression_reference.R and edge_cases.R use it (time in months)
    data = reference("lung_regression_data.csv")
    ref = reference("lung_data.csv")
    assert np.allclose(np.sort(data.time), np.sort(ref.time)) and data.event.sum() == ref.status.sum()
    return data


def test_cox_matches_coxph(lung):
    result = cox_regression(lung, "time", "event", ["age", "sex"], reference={"sex": "male"})
    want = reference("lung_cox.csv")
    got = result.table
    assert got.term.tolist() == ["age", "sex: female vs male"]
    for column in ("coef", "hazard_ratio", "ci_lower", "ci_upper", "p_value"):
        np.testing.assert_allclose(got[column], want[column], rtol=0, atol=1e-6)
    assert (result.n, result.events) == (228, 165)


def test_proportional_hazards_test_matches_cox_zph(lung):
    result = cox_regression(lung, "time", "event", ["age", "sex"], reference={"sex": "male"})
    want = reference("lung_cox_zph.csv")
    got = result.ph_test
    assert got.term.tolist() == ["age", "sex", "GLOBAL"]
    np.testing.assert_allclose(got.chisq, want.chisq, rtol=0, atol=1e-6)
    np.testing.assert_allclose(got.df, want.df)
    np.testing.assert_allclose(got.p_value, want.p_value, rtol=0, atol=1e-6)
    from ilp_core.reporting import display
    shown = display.ph_display(got)  # as the Predictors page shows it: a reader's headings, not R's names
    assert shown.columns.tolist() == ["Covariate", "Chi-square", "Degrees of freedom", "p-value"]
    assert shown.Covariate.tolist() == ["age", "sex", "All together (global test)"]
    assert shown["Chi-square"].tolist() == [f"{v:.2f}" for v in want.chisq]


def test_guardrails(lung):
    small = lung.iloc[:15].copy()
    small["group"] = np.where(small.event == 1, "a", "b")  # every event in one group: separation
    result = cox_regression(small, "time", "event", ["age", "group"])
    assert result.events_per_variable < 10
    assert any(f"{result.events} events for 2 coefficients" in w for w in result.warnings)
    assert any("group: b vs a: no events in one group (separation)" in w for w in result.warnings)
    assert result.table.estimable.tolist() == [True, False]
    assert np.isnan(result.table.hazard_ratio.iloc[1]) and np.isnan(result.table.p_value.iloc[1])


def test_missing_covariates_leave_patients_out(lung):
    gappy = lung.copy()
    gappy.loc[gappy.index[:10], "age"] = np.nan
    assert cox_regression(gappy, "time", "event", ["age", "sex"]).n == 218


def test_unknown_reference_level(lung):
    with pytest.raises(ValueError, match="reference level 'other' of sex is not among its values"):
        cox_regression(lung, "time", "event", ["sex"], reference={"sex": "other"})


@pytest.fixture(scope="module")
def mgus2():
    from pathlib import Path
    data = pd.read_csv(Path(__file__).with_name("data") / "mgus2.csv")
    ref = reference("mgus2_data.csv")
    assert np.array_equal(data.time, ref.time) and np.array_equal(data.status, ref.status)
    return data


def test_fine_gray_matches_finegray_coxph(mgus2):
    # R: fg <- finegray(Surv(etime, event) ~ ., data, etype = "pcm");
    #    coxph(Surv(fgstart, fgstop, fgstatus) ~ age + sex, weight = fgwt, data = fg)
    from ilp_core.stats.regression import fine_gray
    result = fine_gray(mgus2, "time", "status", ["age", "sex"], event=1, reference={"sex": "F"}, method="finegray")
    want = reference("mgus2_finegray.csv")
    assert result.table.term.tolist() == ["age", "sex: M vs F"]
    for column in ("coef", "hazard_ratio", "ci_lower", "ci_upper", "p_value"):
        np.testing.assert_allclose(result.table[column], want[column], rtol=0, atol=1e-6)
    assert (result.n, result.events) == (1384, 115)


def test_fine_gray_model_based_variance_is_the_inverse_information(mgus2):
    from ilp_core.stats.regression import fine_gray
    robust = fine_gray(mgus2, "time", "status", ["age", "sex"], reference={"sex": "F"}, method="finegray")
    model = fine_gray(mgus2, "time", "status", ["age", "sex"], reference={"sex": "F"}, method="finegray",
                      variance="model")
    np.testing.assert_allclose(model.table.coef, robust.table.coef)
    np.testing.assert_allclose(model.table.std_err, [0.0070222, 0.1870486], atol=1e-6)  # by hand (and lifelines)
    with pytest.raises(ValueError, match="variance must be one of 'robust', 'model'"):
        fine_gray(mgus2, "time", "status", ["age"], variance="coxph")
    with pytest.raises(ValueError, match="method must be one of 'crr', 'finegray'"):
        fine_gray(mgus2, "time", "status", ["age"], method="stata")


def test_fine_gray_default_matches_cmprsk_crr(mgus2):
    # R: crr(etime, fstatus, model.matrix(~ age + sex)[, -1], failcode = 1, cencode = 0)
    from ilp_core.stats.regression import fine_gray
    result = fine_gray(mgus2, "time", "status", ["age", "sex"], event=1, reference={"sex": "F"})
    want = reference("mgus2_crr.csv")
    for column in ("coef", "std_err", "hazard_ratio", "ci_lower", "ci_upper", "p_value"):
        np.testing.assert_allclose(result.table[column], want[column], rtol=0, atol=1e-6)
    assert "cmprsk::crr, robust" in result.method


def test_univariable_models_are_each_covariate_alone(lung):
    from ilp_core.stats.regression import univariable
    table = univariable(cox_regression, lung, ["age", "sex"], time="time", event="event", reference={"sex": "male"})
    alone = cox_regression(lung, "time", "event", ["age"])
    assert table.covariate.tolist() == ["age", "sex"] and table.n.tolist() == [228, 228]
    np.testing.assert_allclose(table.hazard_ratio.iloc[0], alone.table.hazard_ratio.iloc[0])


def test_model_sentence_and_forest_plot_read_the_same_table(lung):
    from ilp_core.reporting import forest, report
    result = cox_regression(lung, "time", "event", ["age", "sex"], reference={"sex": "male"})
    sentence = report.model_sentence(result, "overall survival")
    row = result.table.iloc[1]
    assert sentence.startswith("In the Cox model for overall survival (n = 228, 165 events)")
    assert f"sex: female vs male: HR {row.hazard_ratio:.2f} (95% CI {row.ci_lower:.2f} to {row.ci_upper:.2f})" in sentence
    spec = forest.forest_plot(result.table, title="Overall survival")
    data = [r for values in spec["datasets"].values() for r in values if "text" in r and "lo" not in r]
    assert [r["term"] for r in data] == ["age", "sex: female vs male"]
    assert data[1]["text"] == f"{row.hazard_ratio:.2f} ({row.ci_lower:.2f}\u2013{row.ci_upper:.2f})"  # as in the sentence
    assert [r["hazard_ratio"] for r in data] == pytest.approx(result.table.hazard_ratio.tolist())


# -- issue 10: the R cases the first port missed -----------------------------------------------------

def test_cox_with_a_factor_matches_coxph_to_1e9(lung):
    # R: coxph(Surv(time, event) ~ age + relevel(factor(sex), "male") + factor(ecog), ties = "efron")
    data = lung.assign(ecog_level=lung.ecog.map(lambda v: np.nan if v != v else str(int(v))))
    result = cox_regression(data, "time", "event", ["age", "sex", "ecog_level"], reference={"sex": "male",
                                                                                           "ecog_level": "0"})
    want = reference("lung_cox_ecog.csv")
    assert result.table.term.tolist() == ["age", "sex: female vs male", "ecog_level: 1 vs 0", "ecog_level: 2 vs 0",
                                          "ecog_level: 3 vs 0"]
    for column in ("coef", "std_err", "p_value"):
        np.testing.assert_allclose(result.table[column], want[column], rtol=0, atol=1e-9)
    assert (result.n, result.events) == (want.n.iloc[0], want.events.iloc[0])
    zph = reference("lung_cox_ecog_zph.csv")
    np.testing.assert_allclose(result.ph_test.chisq, zph.chisq, rtol=0, atol=1e-6)
    np.testing.assert_allclose(result.ph_test.p_value, zph.p_value, rtol=0, atol=1e-6)


def test_cox_with_heavy_ties_matches_coxph():
    # R: coxph(Surv(time, status) ~ x, data = aml): Efron's approximation on many tied weeks
    data = reference("aml_regression_data.csv")
    result = cox_regression(data, "time", "status", ["x"], reference={"x": "Maintained"})
    want = reference("aml_cox.csv").iloc[0]
    assert abs(result.table.coef.iloc[0] - want.coef) < 1e-9 and abs(result.table.std_err.iloc[0] - want.std_err) < 1e-9


def test_cox_separation_in_the_reference_level_still_estimates_the_others():
    # R: coxph(Surv(time, event) ~ age + relevel(factor(group), "a")) with no event in level a:
    #    warning "Loglik converged before variable 2,3"; age 0.0206564755 (se 0.0095478) after 18 iterations.
    data = reference("cox_separation_data.csv")
    want = reference("cox_separation.csv")
    result = cox_regression(data, "time", "event", ["age", "group"], reference={"group": "a"})
    age = result.table.iloc[0]
    assert abs(age.coef - want.coef.iloc[0]) < 1e-9 and abs(age.std_err - want.std_err.iloc[0]) < 1e-9
    assert age.estimable and np.isfinite(age.p_value)
    assert result.table.estimable.tolist() == [True, False, False]
    assert result.table.hazard_ratio.iloc[1:].isna().all()


def test_crr_separation_stops_where_r_stops():
    # R: crr(time, status, cbind(age, grp_b)): no pcm in level a; converged = FALSE after 10 iterations,
    #    age -0.0345508476 (se 0.0135363); the separated term is reported as not estimable.
    from ilp_core.stats.regression import fine_gray
    data = reference("crr_separation_data.csv")
    want = reference("crr_separation.csv")
    result = fine_gray(data, "time", "status", ["age", "grp"], reference={"grp": "a"})
    np.testing.assert_allclose(result.table.coef, want.coef, rtol=0, atol=1e-9)
    np.testing.assert_allclose(result.table.std_err, want.std_err, rtol=0, atol=1e-9)
    assert result.table.estimable.tolist() == [True, False]
    assert any("did not converge in 10 iterations" in w for w in result.warnings)


def test_crr_reads_censoring_at_time_zero_as_r_does():
    # R: crr on mgus2 with 25 censorings, 5 deaths and 3 malignancies moved to time 0; crr evaluates G at
    #    time * (1 - 100 eps), so the censorings at 0 count for the events at 0 (G(0) < 1). Reading
    #    G(0-) = 1 there, as the first port did, moved the coefficients by 2e-5 (2e-3 in the audit's data).
    from ilp_core.stats.regression import fine_gray
    data = reference("crr_time_zero_data.csv")
    want = reference("crr_time_zero.csv")
    result = fine_gray(data, "time", "status", ["age", "sex"], reference={"sex": "F"})
    np.testing.assert_allclose(result.table.coef, want.coef, rtol=0, atol=1e-9)
    np.testing.assert_allclose(result.table.std_err, want.std_err, rtol=0, atol=1e-9)
    np.testing.assert_allclose(result.table.p_value, want.p_value, rtol=0, atol=1e-9)


def test_crr_memory_is_linear_in_patients():
    # crr once held a failures x patients matrix (114 MB at 4,000 patients); now running sums.
    import tracemalloc

    from ilp_core.stats.regression import fine_gray
    rng = np.random.default_rng(7)
    n = 20_000
    data = pd.DataFrame({"time": rng.exponential(10, n).round(2), "status": rng.choice([0, 1, 2], n, p=[.4, .3, .3]),
                         "age": rng.normal(60, 10, n)})
    tracemalloc.start()
    fine_gray(data, "time", "status", ["age"])
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert peak < 40e6  # failures x patients would be 6,000 x 20,000 x 8 bytes = 960 MB


def test_results_carry_their_interval_level(lung):
    ninety = cox_regression(lung, "time", "event", ["age"], conf_level=0.90)
    assert ninety.conf_level == 0.90
    row = ninety.table.iloc[0]
    assert abs(np.log(row.ci_upper) - row.coef - 1.6448536269514722 * row.std_err) < 1e-12


def test_a_model_with_nothing_to_fit_says_why(lung):
    from ilp_core.stats.regression import ModelError
    with pytest.raises(ModelError, match="no event"):
        cox_regression(lung.assign(event=0), "time", "event", ["age"])
    with pytest.raises(ModelError, match="no patient has every chosen covariate"):
        cox_regression(lung.assign(age=np.nan), "time", "event", ["age"])


def test_not_estimable_terms_say_so_in_the_sentence_and_the_forest_plot():
    from ilp_core.reporting import forest, report
    data = reference("cox_separation_data.csv")
    result = cox_regression(data, "time", "event", ["age", "group"], reference={"group": "a"}, conf_level=0.9)
    sentence = report.model_sentence(result, "overall survival")
    assert "group: b vs a: not estimable; group: c vs a: not estimable." in sentence
    assert "age: HR 1.02 (90% CI" in sentence and "95%" not in sentence and "0.00" not in sentence
    spec = forest.forest_plot(result.table, title="Overall survival")
    labels = {r["term"]: r["text"] for values in spec["datasets"].values() for r in values if "text" in r}
    assert labels["group: b vs a"] == "not estimable" and labels["age"].startswith("1.02 (")
    points = [r["term"] for values in spec["datasets"].values() for r in values if "lo" in r]
    assert points == ["age"]  # no point or line drawn for a term with no estimate
    domain = spec["hconcat"][0]["layer"][0]["encoding"]["x"]["scale"]["domain"]
    assert 0.4 < domain[0] < 1 < domain[1] < 3  # a sensible axis, not 1e-45 to 1e+45


def test_finegray_expansion_is_counted_and_refused_before_it_is_built():
    from ilp_core.stats.finegray import MAX_ROWS, finegray_rows
    from ilp_core.stats.regression import fine_gray
    rng = np.random.default_rng(3)
    small = rng.exponential(10, 300).round(1), rng.choice([0, 1, 2], 300)
    assert len(finegray_rows(*small)) < MAX_ROWS  # counted and built: the count let it through
    n = 100_000  # would expand to about 48 million rows
    data = pd.DataFrame({"time": rng.exponential(40, n).round(1) + 0.1, "status": rng.choice([0, 1, 2], n),
                         "age": rng.normal(60, 10, n)})
    with pytest.raises(ValueError, match=r"needs [\d,]+ rows \(more than 200,000\); use method='crr'"):
        fine_gray(data, "time", "status", ["age"], method="finegray")


def test_a_crr_term_running_off_to_infinity_is_not_estimable():
    # Sample, amputation ~ histology + surgery + tumour size: crr stops after 10 iterations with surgery at
    # -22 (SE 0.9): it was printed "SHR 0.00 (99% CI 0.00 to 0.00), p < 0.001", a finding it is not.
    from sample_path import SAMPLE

    import ilp_core as core
    from ilp_core.reporting import report
    from ilp_core.results import predictors
    data = core.load_cohort(SAMPLE).data
    fitted = predictors.fit_outcome_model(
        data, predictors.ModelRequest("amputation", ("histology", "surgery", "tumor_size_cm")), conf_level=0.99)
    table = fitted.model.table.set_index("term")
    assert not table.loc["Limb-sparing resection: yes vs no", "estimable"]
    assert table.loc["Tumour size (per cm)", "estimable"]
    sentence = report.fitted_model_sentence(fitted)
    assert "Limb-sparing resection: yes vs no: not estimable" in sentence and "0.00 to 0.00" not in sentence
