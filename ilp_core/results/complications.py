"""The early severe complication rate and its components, with exact intervals, per stratum."""
from __future__ import annotations

import numpy as np
import pandas as pd

from ilp_core.cohort.endpoints import complication_components, early_severe_complication, unrecorded_components
from ilp_core.conventions import EARLY_WINDOW_DAYS
from ilp_core.levels import ALL_PATIENTS
from ilp_core.results.selection import stratum_order
from ilp_core.stats.proportions import proportion_ci

OUTCOMES = {
    "early_severe_complication": "Early severe complication (any)",
    "early_death": f"Early death (within {EARLY_WINDOW_DAYS} days)",
    "compartment_syndrome": "Compartment syndrome",
    "reaction_amputation": "Amputation for a treatment reaction",
}
COLUMNS = ["stratum", "outcome", "k", "n", "unknown", "estimate", "ci_lower", "ci_upper", "method"]


def complication_table(data: pd.DataFrame, labels: pd.Series | None = None, *, conf_level: float = 0.95,
                       method: str = "clopper-pearson") -> pd.DataFrame:
    """k of n with a confidence interval for each outcome in OUTCOMES, per stratum.

    ``n`` counts the patients whose outcome is known; ``unknown`` those left out of n.
    The composite is 'yes' when any component is, 'no' when all are known 'no'
    (an early death can also be read from a death date within EARLY_WINDOW_DAYS). Without
    ``labels`` all patients form one group.
    """
    if labels is None:
        labels = pd.Series(ALL_PATIENTS, index=data.index)
    missing = unrecorded_components(data)
    outcomes = dict(OUTCOMES)
    if missing:  # the composite is of the components recorded: its name says which are not
        outcomes["early_severe_complication"] = f"Early severe complication (any; {' and '.join(missing)} not recorded)"
    # the components as the composite reads them (an early death from the death date where its cell is
    # empty): the row "early death" said "no patient with a known value" while the total counted them
    flags = pd.DataFrame({"early_severe_complication": early_severe_complication(data),
                          **complication_components(data)}, index=data.index)
    rows = []
    groups = labels.loc[data.index]
    for name in stratum_order(groups):
        part = flags[(groups == name).to_numpy()]
        for column, outcome in outcomes.items():
            known = part[column].dropna()
            k, n = int(known.sum()), len(known)
            if n:
                p = proportion_ci(k, n, conf_level=conf_level, method=method)
                rows.append((name, outcome, k, n, len(part) - n, p.estimate, p.ci_lower, p.ci_upper, p.method))
            else:
                rows.append((name, outcome, 0, 0, len(part), np.nan, np.nan, np.nan, "no patient with a known value"))
    return pd.DataFrame(rows, columns=COLUMNS)
