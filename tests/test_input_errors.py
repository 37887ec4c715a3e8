"""Bad input gets a ValueError that says what is wrong and where."""
import numpy as np
import pandas as pd
import pytest

import ilp_core as core


def raises(match, fn, *args, **kwargs):
    with pytest.raises(ValueError, match=match):
        fn(*args, **kwargs)


def test_lengths_differ():
    raises(r"lengths differ: time has 3, event has 2", core.kaplan_meier, [1, 2, 3], [1, 0])


def test_nan_time_names_position():
    time = [1.0] * 12 + [np.nan]
    raises(r"time has NaN \(missing\) at position 12", core.kaplan_meier, time, [1] * 13)


def test_nan_in_series_names_index_label():
    time = pd.Series([1.0, np.nan], index=["P001", "P002"])
    raises(r"position 1 \(index label 'P002'\)", core.kaplan_meier, time, [1, 0])


def test_negative_and_infinite_time():
    raises(r"time is negative \(-2.0\) at position 1", core.kaplan_meier, [1, -2], [1, 0])
    raises(r"time has inf at position 0", core.kaplan_meier, [np.inf, 2], [1, 0])


def test_text_time():
    raises(r"time must be numbers; got 'twelve' at position 1", core.kaplan_meier, [3, "twelve"], [1, 0])


def test_event_must_be_zero_or_one():
    raises(r"event must be 0/1 or False/True .* got 2 at position 1", core.kaplan_meier, [1, 2], [0, 2])
    raises(r"event is missing at position 0", core.kaplan_meier, [1, 2], [None, 1])


def test_status_codes():
    raises(r"status must be whole numbers >= 0 .* got -1.0 at position 0",
           core.cumulative_incidence, [1, 2], [-1, 1])
    raises(r"status must be whole numbers >= 0 .* got 1.5", core.cumulative_incidence, [1, 2], [1.5, 1])
    raises(r"event must be the positive whole-number status code", core.cumulative_incidence, [1], [1], event=0)


def test_unknown_conf_type_lists_choices():
    raises(r"conf_type must be one of 'log-log', 'log', 'plain'; got 'loglog'",
           core.kaplan_meier, [1], [1], conf_type="loglog")
    raises(r"variance must be one of 'delta', 'gray'; got 'greenwood'",
           core.cumulative_incidence, [1], [1], variance="greenwood")


def test_conf_level_out_of_range():
    raises(r"conf_level must be between 0 and 1 \(e.g. 0.95\); got 95", core.kaplan_meier, [1], [1], conf_level=95)


def test_empty_input():
    raises(r"no subjects", core.kaplan_meier, [], [])


def test_group_errors():
    raises(r"group has 1 distinct value \('a'\); a comparison needs at least two groups",
           core.logrank_test, [1, 2], [1, 1], ["a", "a"])
    empty_level = pd.Series(pd.Categorical(["a", "a", "b"], categories=["a", "b", "c"]))
    raises(r"group level 'c' has no subjects", core.logrank_test, [1, 2, 3], [1, 1, 0], empty_level)
    raises(r"group is missing at position 1", core.gray_test, [1, 2, 3], [1, 1, 0], ["a", None, "b"])


def test_rho_must_be_non_negative():
    raises(r"rho must be a number >= 0", core.logrank_test, [1, 2], [1, 1], ["a", "b"], rho=-1)


@pytest.mark.parametrize("rho", [None, "1", True, float("nan"), [1]])
def test_rho_must_be_a_number(rho):
    raises(r"rho must be a (finite )?number", core.logrank_test, [1, 2], [1, 1], ["a", "b"], rho=rho)
    raises(r"rho must be a finite number", core.gray_test, [1, 2], [1, 1], ["a", "b"], rho=rho)


def test_proportion_errors():
    raises(r"k must be between 0 and n = 34; got k = 35", core.proportion_ci, 35, 34)
    raises(r"n must be at least 1; got 0", core.proportion_ci, 0, 0)
    raises(r"k must be a whole number; got 2.5", core.proportion_ci, 2.5, 10)
    raises(r"method must be one of 'clopper-pearson', 'wilson'; got 'exact'", core.proportion_ci, 1, 3, method="exact")


def test_accepts_lists_arrays_series_and_booleans_alike():
    time, event = [1, 2, 2, 5], [True, False, True, True]
    tables = [core.kaplan_meier(t, e).table for t, e in (
        (time, event), (np.array(time), np.array(event)), (pd.Series(time), pd.Series(event, dtype="boolean")),
        (pd.Series(time, dtype="Int64"), [1, 0, 1, 1]))]
    for table in tables[1:]:
        pd.testing.assert_frame_equal(table, tables[0])


@pytest.mark.parametrize("level", ["0.95", b"0.95", True, pytest.param(10 ** 400, id="10**400"), 1 - 2 ** -53,
                                   0.9999999999999999])
def test_conf_level_that_is_text_or_too_close_to_one_is_refused_by_name(level):
    # "0.95" was taken as 0.95; 10**400 raised an OverflowError; 1 - 2**-53 gave a Wilson interval of NaN
    raises("conf_level must be", core.proportion_ci, 5, 10, conf_level=level, method="wilson")
    raises("conf_level must be", core.kaplan_meier, [1, 2], [1, 0], conf_level=level)


@pytest.mark.parametrize("k", [None, "3", b"3", "3.0", True, np.True_, [3], np.array([3]), 3 + 0j, float("nan"),
                               pytest.param(10 ** 400, id="10**400")])
def test_a_count_that_is_not_a_whole_number_is_refused_by_name(k):
    # None, lists and complex raised a TypeError from float(); "3" was taken as 3 and "3.0" refused
    raises("k must be", core.proportion_ci, k, 10)
    raises("n must be", core.proportion_ci, 0, k)


def test_a_proportion_of_more_than_a_trillion_patients_is_refused_and_bounds_stay_in_order():
    # beyond about 5e12 the exact bounds drift from R's qbeta by more than 1e-9; at 3.6e15 the lower passed the estimate
    raises(r"n must be at most 10\^12", core.proportion_ci, 1, 10 ** 13)
    for k, n in [(1, 10 ** 12), (10 ** 12 // 3, 10 ** 12), (10 ** 12 - 1, 10 ** 12)]:
        for method in ("clopper-pearson", "wilson"):
            result = core.proportion_ci(k, n, conf_level=0.5, method=method)
            assert 0 <= result.ci_lower <= result.estimate <= result.ci_upper <= 1


@pytest.mark.parametrize("parse, text", [("landmarks", "1,5"), ("age_cuts", "62,5"), ("cuts", "5,5"),
                                         ("landmarks", "12,24")])
def test_a_comma_between_digits_in_a_typed_list_is_asked_about(parse, text):
    """'1,5' gave landmarks at 1 and 5 months, where the workbook's own cells read '5,5 cm' as 5.5."""
    from ilp_core.conventions import parse_age_cuts, parse_landmarks
    from ilp_core.results.groupings import parse_cuts
    function = {"landmarks": parse_landmarks, "age_cuts": parse_age_cuts, "cuts": parse_cuts}[parse]
    with pytest.raises(ValueError, match=rf"^'{text}' could be one number with a decimal comma "
                                         rf"\({text.replace(',', '.')}\) or two \({text.replace(',', ', ')}\)"):
        function(text)
    assert function(text.replace(",", ".")) and function("50, 70")  # a decimal point, or a space after the comma
    # a token that can only be a list is read as one (the message quoted '5,2' of '1.5,2')
    assert parse_landmarks("1.5,2") == [1.5, 2.0] and parse_landmarks("6,12,24") == [6.0, 12.0, 24.0]


def test_landmarks_that_read_alike_or_run_past_any_follow_up_are_refused():
    """'12, 12.0000000001' made two rows both reading 12; '1e308' printed a 309-digit time."""
    from ilp_core.conventions import parse_landmarks
    with pytest.raises(ValueError, match="the landmark times 12, 12 are too close to tell apart"):
        parse_landmarks("12, 12.0000000001")
    with pytest.raises(ValueError, match="at most 1,000,000; got 1e\\+308"):
        parse_landmarks("1e308")
    assert parse_landmarks("0.5, 12, 1e6") == [0.5, 12.0, 1e6]
