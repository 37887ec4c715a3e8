"""Table 1: baseline characteristics overall and by group, with tests only when asked."""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from scipy import stats

from .selection import MISSING, as_labels, levels, stratum_order

VARIABLES = {
    "sex": "Sex", "age_years": "Age, years", "limb": "Limb", "site": "Site", "histology": "Histology",
    "presentation": "Presentation", "tumor_size_cm": "Tumour size, cm", "grade": "FNCLCC grade",
    "ilp_completed": "Perfusion completed", "surgery": "Resection after perfusion",
    "wieberdink_grade": "Wieberdink grade",
}
NUMERIC = {"age_years", "tumor_size_cm"}
ROW_COLUMNS = ["variable", "label", "level", "stratum", "n", "percent", "mean", "sd", "median", "q1", "q3",
               "missing"]
TEST_COLUMNS = ["variable", "label", "test", "statistic", "p_value"]
OVERALL = "Overall"
# Fisher's exact test on tables larger than 2 x 2: scipy samples tables at random, so the
# draws are seeded to give the same p-value on every run (R: fisher.test(simulate.p.value = TRUE)).
MONTE_CARLO_TABLES = 100_000
MONTE_CARLO_SEED = 20161


@dataclass(frozen=True)
class TableOne:
    """Result of :func:`table_one`.

    rows : tidy numbers, one row per variable, level and group (``Overall`` included):
        ``variable, label, level, stratum, n, percent, mean, sd, median, q1, q3, missing``.
    display : the table as printed: ``Characteristic`` then one column per group.
    tests : ``variable, label, test, statistic, p_value`` (empty unless asked).
    footnote : how percentages, summaries and tests were computed.
    """

    rows: pd.DataFrame = field(repr=False)
    display: pd.DataFrame = field(repr=False)
    tests: pd.DataFrame = field(repr=False)
    footnote: str


def _categorical_rows(values: pd.Series, name: str, label: str, group: str, order: list[str]) -> list[tuple]:
    known = values[values != MISSING]
    rows = [(name, label, level, group, int((known == level).sum()),
             100 * (known == level).sum() / len(known) if len(known) else np.nan,
             np.nan, np.nan, np.nan, np.nan, np.nan, int((values == MISSING).sum())) for level in order]
    return rows


def _numeric_row(values: pd.Series, name: str, label: str, group: str) -> tuple:
    known = values.dropna().astype(float)
    if known.empty:
        return (name, label, "", group, 0, np.nan, np.nan, np.nan, np.nan, np.nan, np.nan, int(values.isna().sum()))
    q1, median, q3 = np.percentile(known, [25, 50, 75])
    return (name, label, "", group, len(known), np.nan, known.mean(), known.std(ddof=1) if len(known) > 1 else np.nan,
            median, q1, q3, int(values.isna().sum()))


def _scalar(value) -> float:
    """scipy sometimes returns a one-element array (e.g. a Monte Carlo p-value of exactly 1)."""
    return float(np.asarray(value, dtype=float).reshape(-1)[0])


def _test(data: pd.DataFrame, name: str, groups: pd.Series, numeric_test: str) -> tuple[str, float, float]:
    if name in NUMERIC:
        samples = [data.loc[(groups == g).to_numpy(), name].dropna().astype(float) for g in stratum_order(groups)]
        samples = [s for s in samples if len(s)]
        if len(samples) < 2:
            return "not computable", np.nan, np.nan
        if numeric_test == "t-test":
            if len(samples) == 2:
                result = stats.ttest_ind(*samples, equal_var=False)
                return "Welch t-test", _scalar(result.statistic), _scalar(result.pvalue)
            result = stats.f_oneway(*samples)
            return "one-way ANOVA", _scalar(result.statistic), _scalar(result.pvalue)
        if len(samples) == 2:
            result = stats.mannwhitneyu(*samples, alternative="two-sided")
            return "Mann-Whitney U test", _scalar(result.statistic), _scalar(result.pvalue)
        result = stats.kruskal(*samples)
        return "Kruskal-Wallis test", _scalar(result.statistic), _scalar(result.pvalue)
    values = as_labels(data[name])
    known = values != MISSING
    table = pd.crosstab(values[known], groups[known]).to_numpy()
    table = table[table.sum(axis=1) > 0][:, table.sum(axis=0) > 0]
    if table.shape[0] < 2 or table.shape[1] < 2:
        return "not computable", np.nan, np.nan
    expected = stats.contingency.expected_freq(table)
    if (expected < 5).any() and table.sum() <= 500:
        if table.shape == (2, 2):
            return "Fisher's exact test", np.nan, _scalar(stats.fisher_exact(table).pvalue)
        method = stats.MonteCarloMethod(n_resamples=MONTE_CARLO_TABLES, rng=np.random.default_rng(MONTE_CARLO_SEED))
        result = stats.fisher_exact(table, method=method)
        return (f"Fisher's exact test (Monte Carlo, {MONTE_CARLO_TABLES:,} tables, seed {MONTE_CARLO_SEED})",
                np.nan, _scalar(result.pvalue))
    chi2, p, _, _ = stats.chi2_contingency(table, correction=False)
    return "chi-square test", _scalar(chi2), _scalar(p)


def _cell(row: pd.Series) -> list[str]:
    if row["level"] == "":  # numeric: two lines
        if row["n"] == 0:
            return ["\u2013", "\u2013"]
        sd = f"{row['sd']:.1f}" if row["sd"] == row["sd"] else "\u2013"
        return [f"{row['mean']:.1f} \u00b1 {sd}", f"{row['median']:.1f} [{row['q1']:.1f}\u2013{row['q3']:.1f}]"]
    return [f"{row['n']} ({row['percent']:.1f}%)" if row["percent"] == row["percent"] else "0"]


def _display(rows: pd.DataFrame, groups: list[str], sizes: dict, tests: pd.DataFrame) -> pd.DataFrame:
    columns = [f"{g} (n = {sizes[g]})" for g in groups]
    lines = []
    p_values = dict(zip(tests.variable, tests.p_value)) if len(tests) else {}
    for name, part in rows.groupby("variable", sort=False):
        label = part.label.iloc[0]
        by_group = {g: part[part.stratum == g] for g in groups}
        head = {"Characteristic": label, **{c: "" for c in columns}}
        if name in p_values:
            p = p_values[name]
            head["p-value"] = "\u2013" if p != p else ("<0.001" if p < 0.001 else f"{p:.3f}")
        if name in NUMERIC:
            lines.append(head)
            for i, text in enumerate(["  mean \u00b1 SD", "  median [IQR]"]):
                lines.append({"Characteristic": text, **{c: _cell(by_group[g].iloc[0])[i]
                                                         for c, g in zip(columns, groups)}})
        else:
            lines.append(head)
            for level in part.level.unique():
                lines.append({"Characteristic": f"  {level}", **{
                    c: _cell(by_group[g][by_group[g].level == level].iloc[0])[0] for c, g in zip(columns, groups)}})
        missing = {g: int(by_group[g].missing.iloc[0]) for g in groups}
        if any(missing.values()):
            lines.append({"Characteristic": "  missing", **{c: str(missing[g]) for c, g in zip(columns, groups)}})
    frame = pd.DataFrame(lines).fillna("")
    return frame[["Characteristic", *columns] + (["p-value"] if p_values else [])]


def table_one(data: pd.DataFrame, labels: pd.Series | None = None, *, variables: dict | None = None,
              tests: bool = False, numeric_test: str = "mann-whitney") -> TableOne:
    """Baseline characteristics: n (%) for categories, mean +/- SD and median [IQR] for numbers,
    missing counts, overall and per group; p-values only when ``tests`` is true.

    Percentages are of the patients with a known value. Tests (between groups, not
    including Overall): Fisher's exact test when an expected count is below 5 (tables of
    up to 500 patients; beyond 2 x 2 by a seeded Monte Carlo of 100,000 tables, so it
    repeats exactly), otherwise the chi-square test without continuity correction;
    Mann-Whitney U (Kruskal-Wallis for more than two groups) or, with
    ``numeric_test="t-test"``, Welch's t-test (one-way ANOVA).
    """
    if numeric_test not in ("mann-whitney", "t-test"):
        raise ValueError(f"numeric_test must be one of 'mann-whitney', 't-test'; got {numeric_test!r}")
    variables = {k: v for k, v in (variables or VARIABLES).items() if k in data and data[k].notna().any()}
    groups = labels.loc[data.index] if labels is not None else pd.Series(OVERALL, index=data.index)
    names = ([OVERALL] if labels is not None else []) + stratum_order(groups)
    members = {g: data.index if g == OVERALL else data.index[(groups == g).to_numpy()] for g in names}
    rows = []
    for name, label in variables.items():
        order = levels(data, name) if name not in NUMERIC else []
        order = [level for level in order if level != MISSING]
        for g in names:
            part = data.loc[members[g], name]
            if name in NUMERIC:
                rows.append(_numeric_row(part, name, label, g))
            else:
                rows.extend(_categorical_rows(as_labels(part), name, label, g, order))
    tidy = pd.DataFrame(rows, columns=ROW_COLUMNS)
    test_rows = []
    if tests and labels is not None and groups.nunique() > 1:
        for name, label in variables.items():
            test_rows.append((name, label, *_test(data, name, groups, numeric_test)))
    test_frame = pd.DataFrame(test_rows, columns=TEST_COLUMNS)
    used = sorted(set(test_frame.test) - {"not computable"})
    footnote = ("Categories: n (% of patients with a known value); numbers: mean \u00b1 SD and median [IQR]."
                + (f" p-values: {', '.join(used)}." if used else ""))
    sizes = {g: len(members[g]) for g in names}
    return TableOne(tidy, _display(tidy, names, sizes, test_frame), test_frame, footnote)
