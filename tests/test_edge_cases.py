"""Degenerate data (METHODS.md's edge cases) and how each function reads its curve."""
import math

import numpy as np
import pandas as pd
import pytest

import ilp_core as core


def test_all_die_at_one_time_gives_zero_survival_and_undefined_interval():
    km = core.kaplan_meier([3, 3, 3], [1, 1, 1], conf_type="log")
    row = km.table.iloc[0]
    assert row.estimate == 0 and row.n_event == 3 and row.n_risk == 3
    assert math.isnan(row.std_err) and math.isnan(row.ci_lower) and math.isnan(row.ci_upper)
    assert km.median.estimate == 3  # S falls below 0.5 at 3; the band is undefined there (R: NA)
    assert math.isnan(km.median.ci_lower) and math.isnan(km.median.ci_upper)


@pytest.mark.parametrize("conf_type", ["plain", "log", "log-log"])
def test_all_censored_stays_at_one_with_a_flat_interval(conf_type):
    km = core.kaplan_meier([1, 2, 2, 5], [0, 0, 0, 0], conf_type=conf_type)
    assert (km.table.estimate == 1).all() and (km.table.std_err == 0).all()
    assert (km.table.ci_lower == 1).all() and (km.table.ci_upper == 1).all()
    assert math.isnan(km.median.estimate) and km.n_events == 0


def test_single_subject():
    km = core.kaplan_meier([4.5], [1])
    assert km.table.estimate.tolist() == [0.0] and km.median.estimate == 4.5
    cif = core.cumulative_incidence([4.5], [2])
    assert cif.table.estimate.tolist() == [0.0] and cif.table.n_competing.tolist() == [1]


def test_median_on_an_exact_half_flat_is_the_midpoint_to_the_next_drop():
    # S = 0.5 from 2 to 4 (censoring at 3 keeps it flat), then drops at 4: median (2 + 4) / 2
    km = core.kaplan_meier([1, 2, 3, 4], [1, 1, 0, 1])
    assert km.table.estimate.tolist()[1] == 0.5
    assert km.median.estimate == 3.0


def test_median_flat_at_half_to_the_end_is_the_time_it_got_there():
    # R's summary table: no later drop, so the time S reached 0.5
    assert core.kaplan_meier([1, 2, 3, 4], [1, 1, 0, 0]).median.estimate == 2.0


@pytest.mark.parametrize("conf_type", ["plain", "log", "log-log"])
def test_no_event_of_interest_gives_zero_incidence(conf_type):
    result = core.cumulative_incidence([1, 2, 3], [0, 2, 0], conf_type=conf_type)
    assert (result.table.estimate == 0).all() and (result.table.std_err == 0).all()
    if conf_type == "plain":
        assert (result.table.ci_lower == 0).all() and (result.table.ci_upper == 0).all()
    else:  # undefined on the log scales at F = 0: shown as a dash, never a made-up number
        assert result.table.ci_lower.isna().all() and result.table.ci_upper.isna().all()


def test_everyone_has_the_event_of_interest_at_once():
    for variance in ("delta", "gray"):
        row = core.cumulative_incidence([2, 2, 2, 2], [1, 1, 1, 1], variance=variance).table.iloc[0]
        assert row.estimate == 1 and row.std_err == 0


def test_everything_tied_mixed_causes():
    result = core.cumulative_incidence([5] * 6, [1, 1, 2, 0, 2, 1])
    row = result.table.iloc[0]
    assert (row.n_event, row.n_competing, row.n_censor, row.n_risk) == (3, 2, 1, 6)
    assert row.estimate == pytest.approx(0.5)


def test_at_reads_right_continuous_steps_and_is_nan_past_follow_up():
    km = core.kaplan_meier([1, 2, 2, 4], [1, 1, 0, 1])
    got = km.at([0, 1, 1.5, 2, 4, 4.01])
    assert got.columns.tolist() == ["time", "estimate", "std_err", "ci_lower", "ci_upper", "n_risk"]
    np.testing.assert_allclose(got.estimate[:5], [1, 0.75, 0.75, 0.5, 0])
    np.testing.assert_array_equal(got.n_risk[:5], [4, 4, 3, 3, 1])
    assert got.iloc[0][["std_err", "ci_lower", "ci_upper"]].tolist() == [0, 1, 1]
    # the curve reached 0 at 4: it stays 0, nobody at risk (R: summary(fit, times = 4.01, extend = TRUE))
    assert got.iloc[5].estimate == 0 and got.iloc[5].n_risk == 0
    censored_last = core.kaplan_meier([1, 2, 2, 4], [1, 1, 0, 0]).at([4.01])
    assert censored_last.iloc[0].isna().drop("time").all()  # ended by a censoring: unknown past it


def test_incidence_past_follow_up_is_known_only_when_everyone_left_by_an_event():
    closed = core.cumulative_incidence([1, 2, 3], [1, 2, 1]).at([24])
    assert closed.estimate.iloc[0] == pytest.approx(2 / 3) and closed.n_risk.iloc[0] == 0
    open_ = core.cumulative_incidence([1, 2, 3], [1, 2, 0]).at([24])
    assert np.isnan(open_.estimate.iloc[0])


def test_incidence_at_time_zero_before_any_event():
    got = core.cumulative_incidence([1, 2], [1, 0], conf_type="plain").at([0.5])
    assert got.iloc[0][["estimate", "ci_lower", "ci_upper", "n_risk"]].tolist() == [0, 0, 0, 2]
    got = core.cumulative_incidence([1, 2], [1, 0]).at(0.5)
    assert math.isnan(got.ci_lower[0])


def test_median_follow_up_is_the_reverse_kaplan_meier_median():
    time, event = [1, 2, 3, 4, 5, 6], [1, 0, 1, 0, 0, 1]
    reverse = core.kaplan_meier(time, [1 - e for e in event]).median
    follow = core.median_follow_up(time, event)
    np.testing.assert_array_equal([follow.estimate, follow.ci_lower, follow.ci_upper],
                                  [reverse.estimate, reverse.ci_lower, reverse.ci_upper])
    assert follow.estimate == 5.0 and np.isnan(follow.ci_upper)  # upper limit not reached
    assert "reverse Kaplan-Meier" in follow.method


def test_results_name_their_method():
    km = core.kaplan_meier([1, 2], [1, 0], conf_type="log", conf_level=0.9)
    assert "Greenwood" in km.method and "90%" in km.method and "log" in km.method
    cif = core.cumulative_incidence([1, 2], [1, 2], variance="gray")
    assert "Gray" in cif.method and "Aalen-Johansen" in cif.method
    assert core.proportion_ci(1, 3).method.startswith("Clopper-Pearson")


def test_logrank_reports_observed_and_expected_by_group():
    result = core.logrank_test([1, 2, 3, 4], [1, 1, 1, 0], ["a", "b", "a", "b"])
    assert result.groups.group.tolist() == ["a", "b"]
    assert result.groups.observed.sum() == pytest.approx(result.groups.expected.sum())
    assert result.method == "log-rank test"


def test_logrank_with_a_group_never_at_risk_at_an_event_drops_it_from_df():
    # group C leaves (censored) before the first event: E = 0, not tested
    result = core.logrank_test([5, 6, 7, 8, 1], [1, 1, 1, 0, 0], list("ABABC"))
    assert result.df == 1


def test_gray_test_without_events_of_interest_says_so():
    result = core.gray_test([1, 2, 3, 4], [2, 0, 2, 0], list("ABAB"))
    assert math.isnan(result.p_value) and "no events of interest" in result.note


def test_categorical_group_order_is_kept_and_labels_reported():
    group = pd.Series(pd.Categorical(["lower", "upper", "lower", "upper"], categories=["upper", "lower"]))
    result = core.logrank_test([1, 2, 3, 4], [1, 1, 0, 1], group)
    assert result.groups.group.tolist() == ["upper", "lower"]


def test_proportion_edges():
    assert core.proportion_ci(0, 1).ci_lower == 0 and core.proportion_ci(1, 1).ci_upper == 1
    wilson = core.proportion_ci(5, 5, method="wilson")
    assert wilson.ci_upper == 1 and wilson.estimate == 1
