"""The column headings of a downloaded table: what a reader expects ('Group', '95% CI, lower'),
never the code a column has inside the app ('stratum', 'ci_lower').

Every table the app downloads (CSV from a page, a sheet of the results workbook) passes through
:func:`with_headings`, so the same number sits under the same heading everywhere, with the
interval's level and the time unit named.
"""
from __future__ import annotations

import pandas as pd

from ilp_core.conventions import FEW_AT_RISK, interval_label

_FIXED = {
    "endpoint": "Endpoint", "stratum": "Group", "estimate": "Estimate", "n_risk": "At risk",
    "few_at_risk": f"Fewer than {FEW_AT_RISK} at risk", "n_events": "Events (cumulative)", "method": "Method",
    "note": "Note", "p_value": "p-value", "statistic": "Statistic", "df": "Degrees of freedom", "test": "Test",
    "group_a": "Group A", "group_b": "Group B", "estimate_a": "Estimate, group A", "estimate_b": "Estimate, group B",
    "difference": "Difference (A \u2212 B)", "median": "Median", "events": "Events", "term": "Term",
    "coef": "Coefficient (log scale)", "std_err": "Standard error", "estimable": "Estimable",
    "covariate": "Covariate", "chisq": "Chi-square", "variable": "Field", "label": "Label", "level": "Level",
    "percent": "Percent", "mean": "Mean", "sd": "SD", "q1": "First quartile", "q3": "Third quartile",
    "missing": "Missing", "outcome": "Outcome", "k": "Patients with the event", "unknown": "Not known",
    "row": "Row (as in Excel)", "column": "Column", "value": "Value", "message": "Problem", "severity": "Severity",
    "step": "Step", "detail": "Detail", "side": "Side",
}


def with_headings(frame: pd.DataFrame, *, conf_level: float | None = None, time_unit: str | None = None,
                  ratio: str = "Hazard ratio") -> pd.DataFrame:
    """``frame`` under the headings a reader expects; a column this module does not know keeps its name.

    ``ci_lower`` / ``ci_upper`` read '95% CI, lower' / '95% CI, upper' at ``conf_level`` 0.95
    (a table without intervals needs no level);
    ``time`` reads 'Time (months)' in ``time_unit``; ``hazard_ratio`` reads ``ratio`` (a Fine-Gray
    model's is the subdistribution hazard ratio).

    Examples
    --------
    >>> table = pd.DataFrame({"stratum": ["lower"], "time": [12.0], "ci_lower": [0.1], "ci_upper": [0.3]})
    >>> list(with_headings(table, conf_level=0.9, time_unit="months").columns)
    ['Group', 'Time (months)', '90% CI, lower', '90% CI, upper']
    """
    bounds = interval_label(conf_level) if conf_level is not None else "CI"
    names = _FIXED | {"ci_lower": f"{bounds}, lower", "ci_upper": f"{bounds}, upper", "hazard_ratio": ratio,
                      "time": f"Time ({time_unit})" if time_unit else "Time", "n": "n"}
    return frame.rename(columns={c: names[c] for c in frame.columns if c in names})
