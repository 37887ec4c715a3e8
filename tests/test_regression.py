"""Cox regression and its proportional-hazards test against R (lung_cox.csv, lung_cox_zph.csv) to 1e-6.

R: coxph(Surv(time/30.4375, status - 1) ~ age + factor(sex), data = survival::lung, ties = "efron")
and cox.zph(fit) (survival 3.5-3). survival::lung is lifelines.datasets.load_lung().
"""
import numpy as np
import pandas as pd
import pytest

from conftest import reference
from ilp_core.regression import cox_regression


@pytest.fixture(scope="module")
def lung():
    from lifelines.datasets import load_lung
    data = load_lung()
    ref = reference("lung_data.csv")
    assert np.allclose(np.sort(data.time / 30.4375), np.sort(ref.time)) and data.status.sum() == ref.status.sum()
    return pd.DataFrame({"time": data.time / 30.4375, "event": data.status, "age": data.age,
                         "sex": data.sex.map({1: "male", 2: "female"})})


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


def test_guardrails(lung):
    small = lung.iloc[:40].copy()
    small["group"] = np.where(small.event == 1, "a", "b")  # every event in one group: separation
    result = cox_regression(small, "time", "event", ["age", "group"])
    assert any("events for 2 coefficients" in w for w in result.warnings) or result.events_per_variable >= 10
    assert any("separation" in w for w in result.warnings)


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
    from ilp_core.regression import fine_gray
    result = fine_gray(mgus2, "time", "status", ["age", "sex"], event=1, reference={"sex": "F"}, method="finegray")
    want = reference("mgus2_finegray.csv")
    assert result.table.term.tolist() == ["age", "sex: M vs F"]
    for column in ("coef", "hazard_ratio", "ci_lower", "ci_upper", "p_value"):
        np.testing.assert_allclose(result.table[column], want[column], rtol=0, atol=1e-6)
    assert (result.n, result.events) == (1384, 115)


def test_fine_gray_model_based_variance_is_the_inverse_information(mgus2):
    from ilp_core.regression import fine_gray
    robust = fine_gray(mgus2, "time", "status", ["age", "sex"], reference={"sex": "F"}, method="finegray")
    model = fine_gray(mgus2, "time", "status", ["age", "sex"], reference={"sex": "F"}, method="finegray",
                      variance="model")
    np.testing.assert_allclose(model.table.coef, robust.table.coef)
    np.testing.assert_allclose(model.table.std_err, [0.0070222, 0.1870486], atol=1e-6)  # by hand, and lifelines
    with pytest.raises(ValueError, match="variance must be one of 'robust', 'model'"):
        fine_gray(mgus2, "time", "status", ["age"], variance="coxph")
    with pytest.raises(ValueError, match="method must be one of 'crr', 'finegray'"):
        fine_gray(mgus2, "time", "status", ["age"], method="stata")


def test_fine_gray_default_matches_cmprsk_crr(mgus2):
    # R: crr(etime, fstatus, model.matrix(~ age + sex)[, -1], failcode = 1, cencode = 0)
    from ilp_core.regression import fine_gray
    result = fine_gray(mgus2, "time", "status", ["age", "sex"], event=1, reference={"sex": "F"})
    want = reference("mgus2_crr.csv")
    for column in ("coef", "std_err", "hazard_ratio", "ci_lower", "ci_upper", "p_value"):
        np.testing.assert_allclose(result.table[column], want[column], rtol=0, atol=1e-6)
    assert "cmprsk::crr, robust" in result.method


def test_univariable_models_are_each_covariate_alone(lung):
    from ilp_core.regression import univariable
    table = univariable(cox_regression, lung, ["age", "sex"], time="time", event="event", reference={"sex": "male"})
    alone = cox_regression(lung, "time", "event", ["age"])
    assert table.covariate.tolist() == ["age", "sex"] and table.n.tolist() == [228, 228]
    np.testing.assert_allclose(table.hazard_ratio.iloc[0], alone.table.hazard_ratio.iloc[0])


def test_model_sentence_and_forest_plot_read_the_same_table(lung):
    from ilp_core import charts, report
    result = cox_regression(lung, "time", "event", ["age", "sex"], reference={"sex": "male"})
    sentence = report.model_sentence(result, "overall survival")
    row = result.table.iloc[1]
    assert sentence.startswith("In the Cox model for overall survival (n = 228, 165 events)")
    assert f"sex: female vs male: HR {row.hazard_ratio:.2f} (95% CI {row.ci_lower:.2f} to {row.ci_upper:.2f})" in sentence
    spec = charts.forest_plot(result.table, title="Overall survival").to_dict()
    data = [r for values in spec["datasets"].values() for r in values if "hazard_ratio" in r]
    assert [r["term"] for r in data] == ["age", "sex: female vs male"]
    assert [r["hazard_ratio"] for r in data] == pytest.approx(result.table.hazard_ratio.tolist())
