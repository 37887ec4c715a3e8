"""Table 1: baseline characteristics overall and by group, with tests only when asked."""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from ilp_core.checks import check_choice
from ilp_core.results.groupings import GROUPED, grouped_name
from ilp_core.results.selection import MISSING, as_labels, levels, stratum_order
from ilp_core.schema import LABELS
from ilp_core.stats.fisher import fisher_exact

# The schema fields Table 1 describes, in its order, under the schema's labels.
VARIABLES = {f: LABELS[f] for f in ("sex", "age_years", "limb", "site", "histology", "presentation",
                                    "tumor_size_cm", "grade", "ilp_completed", "surgery", "wieberdink_grade")}
NUMERIC = {"age_years", "tumor_size_cm"}
ROW_COLUMNS = ["variable", "label", "level", "stratum", "n", "percent", "mean", "sd", "median", "q1", "q3",
               "missing"]
TEST_COLUMNS = ["variable", "label", "test", "statistic", "p_value"]
OVERALL = "Overall"
# R's wilcox.test is exact when both groups are smaller than this and no value is tied.
EXACT_WILCOXON_BELOW = 50


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

    def download(self) -> pd.DataFrame:
        """The table as printed, with each p-value's test named beside it (a CSV has no footnote: its
        p-values were unexplained)."""
        if "p-value" not in self.display or not len(self.tests):
            return self.display
        named = dict(zip(self.tests.label, self.tests.test))
        frame = self.display.copy()
        frame["Test"] = [named.get(c, "") if p else "" for c, p in zip(frame.Characteristic, frame["p-value"])]
        return frame



def baseline_variables(data: pd.DataFrame) -> dict[str, str]:
    """``{column: label}`` Table 1 describes: the schema's fields, each number followed by its groups
    when the user cut it, then the user's other cut numbers."""
    variables = {}
    for name, label in VARIABLES.items():
        variables[name] = label
        if grouped_name(label) in data:
            variables[grouped_name(label)] = grouped_name(label)
    others = [c for c in data.columns if isinstance(c, str) and c.endswith(GROUPED) and c not in variables]
    return variables | {c: c for c in others}


def _categorical_rows(values: pd.Series, name: str, label: str, group: str, order: list[str]) -> list[tuple]:
    counts = values.value_counts()
    missing = int(counts.get(MISSING, 0))
    known = len(values) - missing
    return [(name, label, level, group, int(counts.get(level, 0)),
             100 * counts.get(level, 0) / known if known else np.nan,
             np.nan, np.nan, np.nan, np.nan, np.nan, missing) for level in order]


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


def _numeric_test(samples: list[pd.Series], numeric_test: str) -> tuple[str, float, float]:
    """Mann-Whitney / Kruskal-Wallis or Welch's t / Welch's ANOVA, each as R computes it."""
    from scipy import stats  # deferred: importing scipy.stats takes 0.6 s, and only tests between groups need it
    if len(np.unique(np.concatenate(samples))) == 1:  # R: NaN (wilcox.test), error (t.test, kruskal.test)
        return "not computable (every value is the same)", np.nan, np.nan
    if numeric_test == "t-test":
        if min(len(s) for s in samples) < 2:
            return "not computable (a group has fewer than 2 values)", np.nan, np.nan
        constant = [float(np.var(s)) == 0 for s in samples]
        if all(constant) or (len(samples) > 2 and any(constant)):  # R: "data are essentially constant" / NaN
            return "not computable (the values within a group are all equal)", np.nan, np.nan
        if len(samples) == 2:
            result = stats.ttest_ind(*samples, equal_var=False)
            return "Welch's t-test", _scalar(result.statistic), _scalar(result.pvalue)
        result = stats.f_oneway(*samples, equal_var=False)
        return "Welch's one-way ANOVA (R oneway.test)", _scalar(result.statistic), _scalar(result.pvalue)
    if len(samples) == 2:
        values = np.concatenate(samples)
        exact = len(np.unique(values)) == len(values) and max(len(s) for s in samples) < EXACT_WILCOXON_BELOW
        result = stats.mannwhitneyu(*samples, alternative="two-sided", method="exact" if exact else "asymptotic",
                                    use_continuity=True)
        name = "Mann-Whitney U test, " + ("exact" if exact else "normal approximation with continuity correction")
        return name, _scalar(result.statistic), _scalar(result.pvalue)
    result = stats.kruskal(*samples)
    return "Kruskal-Wallis test", _scalar(result.statistic), _scalar(result.pvalue)


def _test(data: pd.DataFrame, name: str, groups: pd.Series, numeric_test: str) -> tuple[str, float, float]:
    """The test for one variable between the groups; patients with no group value are left out (as R drops NA)."""
    from scipy import stats  # deferred, as above
    known_group = (groups != MISSING).to_numpy()
    data, groups = data[known_group], groups[known_group]
    if name in NUMERIC:
        samples = [data.loc[(groups == g).to_numpy(), name].dropna().astype(float) for g in stratum_order(groups)]
        samples = [s for s in samples if len(s)]
        if len(samples) < 2:
            return "not computable (fewer than two groups with values)", np.nan, np.nan
        return _numeric_test(samples, numeric_test)
    values = as_labels(data[name])
    known = values != MISSING
    table = pd.crosstab(values[known], groups[known]).to_numpy()
    table = table[table.sum(axis=1) > 0][:, table.sum(axis=0) > 0]
    if table.shape[0] < 2 or table.shape[1] < 2:
        return "not computable (fewer than two levels or groups with values)", np.nan, np.nan
    if (stats.contingency.expected_freq(table) < 5).any():
        result = fisher_exact(table)
        return result.method, np.nan, result.p_value
    chi2, p, _, _ = stats.chi2_contingency(table, correction=False)
    return "Pearson's chi-square test without continuity correction", _scalar(chi2), _scalar(p)


def _cell(row) -> list[str]:
    if row.level == "":  # numeric: two lines
        if row.n == 0:
            return ["\u2013", "\u2013"]
        sd = f"{row.sd:.1f}" if row.sd == row.sd else "\u2013"
        return [f"{row.mean:.1f} \u00b1 {sd}", f"{row.median:.1f} [{row.q1:.1f}\u2013{row.q3:.1f}]"]
    return [f"{row.n} ({row.percent:.1f}%)" if row.percent == row.percent else "0"]


def _display(rows: pd.DataFrame, groups: list[str], sizes: dict, tests: pd.DataFrame) -> pd.DataFrame:
    columns = [f"{g} (n = {sizes[g]})" for g in groups]
    cells = {(r.variable, r.level, r.stratum): r for r in rows.itertuples()}
    lines = []
    p_values = dict(zip(tests.variable, tests.p_value)) if len(tests) else {}
    for name, part in rows.groupby("variable", sort=False):
        head = {"Characteristic": part.label.iloc[0], **{c: "" for c in columns}}
        if name in p_values:
            p = p_values[name]
            head["p-value"] = "\u2013" if p != p else ("<0.001" if p < 0.001 else f"{p:.3f}")
        lines.append(head)
        if name in NUMERIC:
            for i, text in enumerate(["  mean \u00b1 SD", "  median [IQR]"]):
                lines.append({"Characteristic": text, **{c: _cell(cells[(name, "", g)])[i]
                                                         for c, g in zip(columns, groups)}})
        else:
            for level in part.level.unique():
                lines.append({"Characteristic": f"  {level}",
                              **{c: _cell(cells[(name, level, g)])[0] for c, g in zip(columns, groups)}})
        first = part.drop_duplicates("stratum").set_index("stratum").missing
        if first.any():
            lines.append({"Characteristic": "  missing", **{c: str(int(first[g])) for c, g in zip(columns, groups)}})
    frame = pd.DataFrame(lines).fillna("")
    return frame[["Characteristic", *columns] + (["p-value"] if p_values else [])]


def _footnote(tests: pd.DataFrame) -> str:
    """What each row's p-value comes from: 'p-values: Fisher's exact test (Sex, Limb); ...'."""
    text = "Categories: n (% of patients with a known value); numbers: mean \u00b1 SD and median [IQR]."
    if not len(tests):
        return text
    named = [f"{test} ({', '.join(part.label)})" for test, part in tests.groupby("test", sort=False)]
    return text + " p-values: " + "; ".join(named) + "."


def table_one(data: pd.DataFrame, labels: pd.Series | None = None, *, variables: dict | None = None,
              tests: bool = False, numeric_test: str = "mann-whitney",
              grouping_variable: str | None = None) -> TableOne:
    """Baseline characteristics: n (%) for categories, mean +/- SD and median [IQR] for numbers,
    missing counts, overall and per group; p-values only when ``tests`` is true.

    Percentages are of the patients with a known value. Tests between the groups (as R computes
    them): Fisher's exact test when an expected count is below 5 (exact for r x c tables as
    ``fisher.test``, see :func:`ilp_core.stats.fisher.fisher_exact`), otherwise Pearson's chi-square
    test without continuity correction (``chisq.test(correct = FALSE)``); for numbers the
    Mann-Whitney U test (exact when both groups have fewer than 50 values and none is tied, as
    ``wilcox.test``; otherwise the normal approximation with continuity correction) or
    Kruskal-Wallis for more than two groups, or with ``numeric_test="t-test"`` Welch's t-test
    (Welch's one-way ANOVA, ``oneway.test``, for more than two). ``grouping_variable``, the
    variable that defines the groups, is described but not tested against itself. The footnote
    names the test behind each row's p-value.
    """
    check_choice(numeric_test, "numeric_test", ("mann-whitney", "t-test"))
    variables = {k: v for k, v in (variables or baseline_variables(data)).items()
                 if k in data and data[k].notna().any()}
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
            if name == grouping_variable:
                test_rows.append((name, label, "no test: this variable defines the groups", np.nan, np.nan))
            elif str(grouping_variable).startswith(label) and str(grouping_variable).endswith(GROUPED):
                test_rows.append((name, label, "no test: the groups are cut from this number", np.nan, np.nan))
            else:
                test_rows.append((name, label, *_test(data, name, groups, numeric_test)))
    test_frame = pd.DataFrame(test_rows, columns=TEST_COLUMNS)
    sizes = {g: len(members[g]) for g in names}
    footnote = _footnote(test_frame)
    if len(test_frame) and MISSING in names:
        footnote += f" Patients in the {MISSING} group are described but left out of the tests."
    return TableOne(tidy, _display(tidy, names, sizes, test_frame), test_frame, footnote)
