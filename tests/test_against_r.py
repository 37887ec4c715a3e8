"""Every number in ../shared/reference (R survival 3.5-3, cmprsk 2.2-11) to 1e-9.

The R calls that made each file are in ../shared/reference/make_reference.R:
survfit(Surv(time, status > 0) ~ 1, conf.type = X) summarised at a grid;
summary(fit)$table for medians; survdiff(..., rho); survfit(Surv(time, factor(status)))
and cmprsk::cuminc / timepoints for the incidence; cuminc(...)$Tests; binom.test and
prop.test(correct = FALSE).
"""
import numpy as np
import pytest
from conftest import reference

import ilp_core as core

TOL = 1e-9
CASES = ["aml", "lung", "mgus2"]
TRANSFORMS = ["plain", "log", "log-log"]


def assert_close(got, want, tol=TOL):
    got, want = np.asarray(got, float), np.asarray(want, float)
    known = ~np.isnan(want)
    assert not np.isnan(got[known]).any(), "NaN where R prints a number"
    np.testing.assert_allclose(got[known], want[known], rtol=0, atol=tol)


@pytest.mark.parametrize("case", CASES)
@pytest.mark.parametrize("conf_type", TRANSFORMS)
def test_kaplan_meier_matches_survfit(case, conf_type):
    data = reference(f"{case}_data.csv")
    want = reference(f"{case}_km_{conf_type}.csv")
    km = core.kaplan_meier(data.time, data.status > 0, conf_type=conf_type)
    got = km.at(want.time)
    assert_close(got.estimate, want.estimate)
    assert_close(got.n_risk, want.n_risk)
    assert_close(got.std_err / got.estimate, want.std_err_log)
    assert_close(got.ci_lower, want.ci_lower)
    assert_close(got.ci_upper, want.ci_upper)
    assert km.conf_type == conf_type and km.conf_level == 0.95


@pytest.mark.parametrize("case", CASES)
@pytest.mark.parametrize("conf_type", TRANSFORMS)
def test_median_matches_survfit_table(case, conf_type):
    data = reference(f"{case}_data.csv")
    want = reference(f"{case}_km_{conf_type}_median.csv").iloc[0]
    median = core.kaplan_meier(data.time, data.status > 0, conf_type=conf_type).median
    assert_close([median.estimate, median.ci_lower, median.ci_upper],
                 [want["median"], want.median_lower, want.median_upper])


def test_median_of_non_monotone_band_is_its_first_crossing():
    # aml, log transform: the upper band is 0.458 at week 45 and 0.462 at 48; R says 45.
    data = reference("aml_data.csv")
    assert core.kaplan_meier(data.time, data.status, conf_type="log").median.ci_upper == 45


@pytest.mark.parametrize("case", CASES)
def test_logrank_matches_survdiff(case):
    data = reference(f"{case}_data.csv")
    for _, row in reference(f"{case}_logrank.csv").iterrows():
        result = core.logrank_test(data.time, data.status > 0, data.group, rho=row.rho)
        assert_close([result.statistic, result.df, result.p_value], [row.statistic, row.df, row.p_value])


@pytest.mark.parametrize("variance", ["delta", "gray"])
@pytest.mark.parametrize("conf_type", TRANSFORMS)
def test_incidence_matches_survfit_and_cuminc(variance, conf_type):
    data = reference("mgus2_data.csv")
    want = reference("mgus2_cif.csv")
    result = core.cumulative_incidence(data.time, data.status, event=1, conf_type=conf_type, variance=variance)
    got = result.at(want.time)
    assert_close(got.estimate, want.estimate)
    assert_close(got.n_risk, want.n_risk)
    assert_close(got.std_err, want[f"se_{variance}"])
    tag = conf_type.replace("-", "")
    if f"ci_lower_{tag}_{variance}" in want:
        assert_close(got.ci_lower, want[f"ci_lower_{tag}_{variance}"])
        assert_close(got.ci_upper, want[f"ci_upper_{tag}_{variance}"])
    if conf_type == "log" and variance == "delta":  # survfit's own printed limits
        assert_close(got.ci_lower, want.r_survfit_ci_lower_log)
        assert_close(got.ci_upper, want.r_survfit_ci_upper_log)
    assert (result.variance, result.conf_type) == (variance, conf_type)


@pytest.mark.parametrize("conf_type", ["plain", "log"])
def test_incidence_gray_variance_in_other_transforms(conf_type):
    # R prints the Gray log-log limits only; plain and log follow from se_gray by METHODS.md.
    data = reference("mgus2_data.csv")
    want = reference("mgus2_cif.csv")
    got = core.cumulative_incidence(data.time, data.status, conf_type=conf_type, variance="gray").at(want.time)
    z = 1.959963984540054
    if conf_type == "plain":
        lower, upper = np.clip(want.estimate - z * want.se_gray, 0, 1), np.clip(want.estimate + z * want.se_gray, 0, 1)
    else:
        with np.errstate(divide="ignore", invalid="ignore"):
            lower = np.where(want.estimate > 0, want.estimate * np.exp(-z * want.se_gray / want.estimate), np.nan)
            upper = np.where(want.estimate > 0, np.minimum(1, want.estimate * np.exp(z * want.se_gray / want.estimate)), np.nan)
    assert_close(got.ci_lower, lower)
    assert_close(got.ci_upper, upper)


def test_gray_test_matches_cuminc_tests():
    data = reference("mgus2_data.csv")
    for _, row in reference("mgus2_gray.csv").iterrows():
        result = core.gray_test(data.time, data.status, data.group, event=int(row.cause))
        assert_close([result.statistic, result.df, result.p_value], [row.statistic, row.df, row.p_value])


def test_proportions_match_binom_test_and_prop_test():
    for _, row in reference("proportions.csv").iterrows():
        exact = core.proportion_ci(int(row.k), int(row.n))
        wilson = core.proportion_ci(int(row.k), int(row.n), method="wilson")
        assert_close([exact.estimate, exact.ci_lower, exact.ci_upper], [row.estimate, row.cp_lower, row.cp_upper])
        assert_close([wilson.ci_lower, wilson.ci_upper], [row.wilson_lower, row.wilson_upper])


def test_no_early_complication_in_34_gives_published_upper_limits():
    assert round(core.proportion_ci(0, 34).ci_upper, 4) == 0.1028
    assert round(core.proportion_ci(0, 34, method="wilson").ci_upper, 4) == 0.1015


# -- where an independent audit found ilp_core and R apart (tests/reference/edge_cases.R) -------------

def test_incidence_reaching_one_has_no_spurious_variance():
    # R: ms <- survfit(Surv(time, factor(status, 0:1)) ~ 1) on time = 1:9,
    #    status = 1,1,0,0,0,1,0,1,1; summary(ms)$std.err at time 9 is 1.39e-17 (F = 1 - 1.1e-16),
    #    so the log-log limits there are [F, F]. The old running-sum variance gave 1.5e-8 and [0, 1].
    want = reference("cif_reaching_one.csv")
    got = core.cumulative_incidence(want.time, [1, 1, 0, 0, 0, 1, 0, 1, 1], conf_type="log-log").at(want.time)
    assert_close(got.estimate, want.estimate)
    assert_close(got.std_err, want.se_delta)
    assert got.std_err.iloc[-1] < 1e-15
    assert_close(got.ci_lower, want.ci_lower_loglog_delta)
    assert_close(got.ci_upper, want.ci_upper_loglog_delta)
    log = core.cumulative_incidence(want.time, [1, 1, 0, 0, 0, 1, 0, 1, 1], conf_type="log").at(want.time)
    assert_close(log.ci_lower, want.r_survfit_ci_lower_log)
    assert_close(log.ci_upper, want.r_survfit_ci_upper_log)
    gray = core.cumulative_incidence(want.time, [1, 1, 0, 0, 0, 1, 0, 1, 1], variance="gray").at(want.time)
    assert_close(gray.std_err, want.se_gray)  # cuminc: timepoints(...)$var, 0.0851 at time 9


def test_gray_test_with_a_singular_variance_is_declined_like_cuminc():
    # R: cuminc(time, status, group)$Tests gives stat -1 for both causes: group C's patients are all
    # censored before the first event, so qr(v)$rank < ncol(v). ilp_core says why instead of a p-value.
    data = reference("gray_singular_data.csv")
    for row in reference("gray_singular.csv").itertuples():
        assert row.statistic == -1
        result = core.gray_test(data.time, data.status, data.group, event=int(row.cause))
        assert np.isnan(result.statistic) and np.isnan(result.p_value) and result.df == row.df
        assert "singular" in result.note


def test_near_tied_times_are_one_time_as_survfit_timefix():
    # R: survfit(Surv(time, status) ~ 1) with times 1 - 1e-12 and 1 (aeqSurv merges them into the
    #    earlier one): S = 0.75 after it, not 0.667; survdiff and the multi-state survfit likewise.
    data = reference("near_ties_data.csv")
    arm = data[data.group == "a"]
    want = reference("near_ties_km.csv")
    got = core.kaplan_meier(arm.time, arm.status, conf_type="log").at(want.time)
    for column in ("n_risk", "estimate", "std_err", "ci_lower", "ci_upper"):
        assert_close(got[column], want[column])
    logrank = reference("near_ties_logrank.csv").iloc[0]
    result = core.logrank_test(data.time, data.status, data.group)
    assert_close([result.statistic, result.p_value], [logrank.statistic, logrank.p_value])
    want = reference("near_ties_cif.csv")
    got = core.cumulative_incidence(data.time, data.status, conf_type="log").at(want.time)
    for column in ("n_risk", "estimate", "std_err"):
        assert_close(got[column], want[column])
    untouched = core.kaplan_meier(arm.time, arm.status, timefix=False).at([1.0])
    assert abs(untouched.estimate.iloc[0] - 2 / 3) < 1e-12  # the old answer, now only on request
