"""Table 1 checked against counts computed independently on the sample."""
import numpy as np
import pandas as pd
import pytest
from conftest import REFERENCE, reference
from sample_path import SAMPLE
from scipy import stats

import ilp_core as core
from ilp_core.results import selection
from ilp_core.results.table_one import table_one


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
    assert tests.loc["age_years", "p_value"] == pytest.approx(mw.pvalue)  # ages are tied: normal approximation
    assert tests.loc["age_years", "test"] == "Mann-Whitney U test, normal approximation with continuity correction"
    assert "Fisher's exact test" in result.footnote and "Mann-Whitney U test" in result.footnote


def test_fisher_r_by_c_is_exact_and_repeatable(data):
    upper = data[data.limb == "upper"]  # a 7 x 2 histology table: enumerated, no Monte Carlo
    first = table_one(upper, selection.strata(upper, "sex"), tests=True).tests
    second = table_one(upper, selection.strata(upper, "sex"), tests=True).tests
    np.testing.assert_array_equal(first.p_value.to_numpy(), second.p_value.to_numpy())
    histology = first.set_index("variable").loc["histology"]
    assert histology.test == "Fisher's exact test" and 0 <= histology.p_value <= 1


def test_fisher_falls_back_to_a_named_monte_carlo_beyond_its_limit(data, monkeypatch):
    from ilp_core.stats import fisher
    monkeypatch.setattr(fisher, "MAX_WORK", 10)
    tests = table_one(data, selection.strata(data, "sex"), tests=True).tests.set_index("variable")
    assert tests.loc["histology", "test"].startswith("Fisher's exact test (Monte Carlo, 100,000 tables, seed")
    assert "too large to enumerate exactly" in table_one(data, selection.strata(data, "sex"), tests=True).footnote


def test_t_test_option(data):
    labels = selection.strata(data, "sex")
    result = table_one(data, labels, tests=True, numeric_test="t-test")
    welch = stats.ttest_ind(data.age_years[labels == "F"], data.age_years[labels == "M"], equal_var=False)
    assert result.tests.set_index("variable").loc["age_years", "p_value"] == pytest.approx(welch.pvalue)
    with pytest.raises(ValueError, match="numeric_test must be one of"):
        table_one(data, labels, numeric_test="anova")


def test_the_grouping_variable_is_not_tested_against_itself(data):
    result = table_one(data, selection.strata(data, "limb"), tests=True, grouping_variable="limb")
    tests = result.tests.set_index("variable")
    assert np.isnan(tests.loc["limb", "p_value"]) and tests.loc["limb", "test"].startswith("no test")
    assert result.display.loc[result.display.Characteristic == "Limb", "p-value"].item() == "\u2013"


# -- every p-value against R (tests/reference/table_one_tests.R) ---------------------------------------

R_TEST = {"Fisher's exact test": "fisher", "Pearson's chi-square test without continuity correction": "chisq",
          "Kruskal-Wallis test": "kruskal", "Welch's t-test": "welch_t",
          "Welch's one-way ANOVA (R oneway.test)": "welch_anova"}
GROUPINGS = [("table_one_sample", g) for g in ("limb", "sex", "presentation", "histology", "grade", "age_group")] + \
            [("table_one_random", g) for g in ("arm", "pair", "subset", "histology", "grade", "sex")]


def r_name(test: str) -> str:
    return "wilcox" if test.startswith("Mann-Whitney") else R_TEST.get(test, "")


@pytest.mark.parametrize("numeric_test", ["mann-whitney", "t-test"])
@pytest.mark.parametrize("name, grouping", GROUPINGS)
def test_every_p_value_matches_r(name, grouping, numeric_test):
    # R: fisher.test(table) (exact, network algorithm), chisq.test(table, correct = FALSE),
    #    wilcox.test(x ~ g) (exact when both groups < 50 and no ties), kruskal.test, t.test (Welch),
    #    oneway.test(x ~ g, var.equal = FALSE); each on the patients with both values known.
    data = pd.read_csv(REFERENCE / f"{name}.csv", dtype=str, keep_default_na=False).replace("", np.nan)
    for column in ("age_years", "tumor_size_cm"):
        data[column] = data[column].astype(float)
    variables = {c: c for c in data.columns if c not in (grouping, "age_group", "arm", "pair", "subset")}
    result = table_one(data, selection.as_labels(data[grouping]), variables=variables, tests=True,
                       numeric_test=numeric_test)
    want = reference("table_one_tests.csv")
    want = want[(want.data == name) & (want.grouping == grouping)].set_index(["variable", "test"])
    disagreement = reference("table_one_fexact_disagreement.csv").set_index(["data", "grouping", "variable"])
    checked = 0
    for row in result.tests.itertuples():
        key = (row.variable, r_name(row.test))
        if row.test.startswith("not computable"):
            assert (row.variable, "welch_anova") in want.index and np.isnan(want.loc[(row.variable, "welch_anova"), "p_value"])
            checked += 1
            continue
        r_row = want.loc[key]
        if (name, grouping, row.variable) in disagreement.index:
            # R 4.2.2's FEXACT gives 0.1653 here; its own Monte Carlo (2e7 tables) 0.4461 +/- 0.0001.
            mc = disagreement.loc[(name, grouping, row.variable)]
            assert abs(r_row.p_value - mc.fexact) < 1e-12
            assert abs(row.p_value - mc.monte_carlo) < 4 * np.sqrt(mc.monte_carlo * (1 - mc.monte_carlo) / mc.tables)
        else:
            assert abs(row.p_value - r_row.p_value) < 1e-9, (row.variable, row.test, row.p_value, r_row.p_value)
        if key[1] in ("chisq", "kruskal", "welch_t", "welch_anova"):
            assert abs(abs(row.statistic) - abs(r_row.statistic)) < 1e-9
        checked += 1
    assert checked >= len(variables) - 1


def test_the_csv_names_the_test_beside_each_p_value(data):
    """The CSV had a p-value column and no footnote: nothing said which test made each p-value."""
    result = table_one(data, selection.strata(data, "histology"), tests=True)
    csv = result.download()
    tested = csv[csv["p-value"] != ""]
    assert len(tested) == len(result.tests) and (tested.Test != "").all()
    assert dict(zip(tested.Characteristic, tested.Test)) == dict(zip(result.tests.label, result.tests.test))
    assert "Kruskal-Wallis test" in set(tested.Test)  # more than two groups
    assert (csv.Test[csv["p-value"] == ""] == "").all()
    assert "Test" not in table_one(data).download()  # no tests asked: the table as printed
