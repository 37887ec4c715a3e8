"""The landmark difference against a hand calculation from R's own survfit standard errors
(tests/reference/landmark_difference_aml.R)."""
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from ilp_core.stats.competing import cumulative_incidence
from ilp_core.stats.differences import landmark_difference
from ilp_core.stats.survival import kaplan_meier

REFERENCE = Path(__file__).parent / "reference"


@pytest.fixture(scope="module")
def curves():
    aml = pd.read_csv(REFERENCE / "aml_data.csv")
    return [kaplan_meier(part.time, part.status) for _, part in aml.groupby("group", sort=True)]


@pytest.mark.parametrize("level", [0.95, 0.9])
def test_difference_interval_and_z_test_match_the_hand_calculation_from_survfit(curves, level):
    expected = pd.read_csv(REFERENCE / "landmark_difference_aml.csv").query("conf_level == @level")
    found = landmark_difference(*curves, expected.time.to_numpy(), conf_level=level,
                                names=("Maintained", "Nonmaintained"))
    for column in ("estimate_a", "estimate_b", "difference"):
        np.testing.assert_allclose(found[column], expected[column], atol=1e-9, rtol=0)
    testable = (expected.std_err_a > 0) & (expected.std_err_b > 0)
    assert testable.sum() == 3  # week 8: no Maintained patient has relapsed yet
    for column in ("ci_lower", "ci_upper", "p_value"):
        np.testing.assert_allclose(found[column][testable.to_numpy()], expected[column][testable], atol=1e-9, rtol=0)
        assert found[column][~testable.to_numpy()].isna().all()
    declined = found.note[~testable.to_numpy()].iloc[0]
    assert "the Maintained estimate has no standard error yet" in declined and "log-rank" in declined
    assert (found.note[testable.to_numpy()] == "").all()


def test_the_interval_is_centred_on_the_difference_with_z_times_the_pooled_error(curves):
    found = landmark_difference(*curves, [12, 20, 30])
    a, b = curves[0].at([12, 20, 30]), curves[1].at([12, 20, 30])
    se = np.sqrt(a.std_err ** 2 + b.std_err ** 2).to_numpy()
    np.testing.assert_allclose(found.ci_upper - found.difference, 1.959963984540054 * se, rtol=1e-12)
    np.testing.assert_allclose(found.difference - found.ci_lower, 1.959963984540054 * se, rtol=1e-12)


def test_past_the_last_follow_up_there_is_no_estimate_and_the_note_says_where():
    a = kaplan_meier([1, 2, 3, 4], [1, 0, 1, 0])
    b = kaplan_meier([1, 2, 3, 10], [0, 1, 1, 0])
    row = landmark_difference(a, b, [8], names=("upper", "lower")).iloc[0]
    assert np.isnan(row.difference) and np.isnan(row.p_value)
    assert row.note == "no patient followed that long in the upper group"


def test_incidence_curves_point_to_grays_test():
    a = cumulative_incidence([1, 2, 3, 4], [0, 0, 2, 0])  # no event yet: standard error 0
    b = cumulative_incidence([1, 2, 3, 4], [1, 0, 1, 2])
    assert "Gray's test" in landmark_difference(a, b, [3]).note.iloc[0]
