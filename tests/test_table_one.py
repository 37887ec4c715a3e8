"""Table 1 checked against counts computed independently on the sample."""
import numpy as np
import pandas as pd
import pytest
from scipy import stats

import ilp_core as core
from ilp_core import selection
from ilp_core.table_one import table_one
from sample_path import SAMPLE


@pytest.fixture(scope="module")
def data():
    return core.load_cohort(SAMPLE).data


def cell(result, label, column):
    display = result.display
    return display.loc[display.Characteristic == label, column].item()


def test_counts_and_percentages(data):
    result = table_one(data)
    women = int((data.sex == "F").sum())
    assert cell(result, "  F", "Overall (n = 34)") == f"{women} ({100 * women / 34:.1f}%)"
    ups = int((data.histology == "undifferentiated pleomorphic sarcoma").sum())
    assert cell(result, "  undifferentiated pleomorphic sarcoma", "Overall (n = 34)") == f"{ups} ({100 * ups / 34:.1f}%)"
    rows = result.rows
    assert rows[(rows.variable == "limb")].set_index("level").n.to_dict() == {"lower": 21, "upper": 13}


def test_numbers_mean_sd_median_iqr(data):
    result = table_one(data)
    age = data.age_years
    display = result.display
    means = display[display.Characteristic == "  mean \u00b1 SD"]["Overall (n = 34)"].tolist()
    assert means[0] == f"{age.mean():.1f} \u00b1 {age.std():.1f}"  # age comes before tumour size
    q1, median, q3 = np.percentile(age, [25, 50, 75])
    medians = display[display.Characteristic == "  median [IQR]"]["Overall (n = 34)"].tolist()
    assert medians[0] == f"{median:.1f} [{q1:.1f}\u2013{q3:.1f}]"


def test_by_group_with_missing_and_tests(data):
    edited = data.copy()
    edited.loc[edited.index[:3], "grade"] = pd.NA
    labels = selection.strata(edited, "limb")
    result = table_one(edited, labels, tests=True)
    assert list(result.display.columns) == ["Characteristic", "Overall (n = 34)", "lower (n = 21)", "upper (n = 13)",
                                            "p-value"]
    display = result.display.reset_index(drop=True)
    grade = display.index[display.Characteristic == "FNCLCC grade"][0]
    after = display.iloc[grade + 1:]
    first_missing = after[after.Characteristic == "  missing"].iloc[0]
    assert first_missing["Overall (n = 34)"] == "3"  # the three grades removed above
    tests = result.tests.set_index("variable")
    table = pd.crosstab(edited.sex, labels)
    assert tests.loc["sex", "test"] == "Fisher's exact test"
    assert tests.loc["sex", "p_value"] == pytest.approx(stats.fisher_exact(table.to_numpy()).pvalue)
    mw = stats.mannwhitneyu(*(edited.age_years[labels == g] for g in ("lower", "upper")), alternative="two-sided")
    assert tests.loc["age_years", "p_value"] == pytest.approx(mw.pvalue)
    assert "Fisher's exact test" in result.footnote and "Mann-Whitney U test" in result.footnote


def test_monte_carlo_fisher_is_repeatable_and_scalar(data):
    upper = data[data.limb == "upper"]  # a 7 x 2 histology table whose Monte Carlo p-value is exactly 1
    first = table_one(upper, selection.strata(upper, "sex"), tests=True).tests
    second = table_one(upper, selection.strata(upper, "sex"), tests=True).tests
    np.testing.assert_array_equal(first.p_value.to_numpy(), second.p_value.to_numpy())
    histology = first.set_index("variable").loc["histology"]
    assert histology.test.startswith("Fisher's exact test (Monte Carlo") and 0 <= histology.p_value <= 1


def test_t_test_option(data):
    labels = selection.strata(data, "sex")
    result = table_one(data, labels, tests=True, numeric_test="t-test")
    welch = stats.ttest_ind(data.age_years[labels == "F"], data.age_years[labels == "M"], equal_var=False)
    assert result.tests.set_index("variable").loc["age_years", "p_value"] == pytest.approx(welch.pvalue)
    with pytest.raises(ValueError, match="numeric_test must be one of"):
        table_one(data, labels, numeric_test="anova")
