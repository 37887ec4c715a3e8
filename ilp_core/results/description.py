"""Describing who is in a selection: counts and percentages by category."""
from __future__ import annotations

import pandas as pd

from ilp_core.levels import ALL_PATIENTS
from ilp_core.results.selection import MISSING, as_labels, ordered_levels, stratum_order
from ilp_core.schema import BY_NAME, extra_name


def category_counts(data: pd.DataFrame, column: str, labels: pd.Series | None = None) -> pd.DataFrame:
    """Patients per value of ``column``: a ``value`` column, then ``n`` and ``%`` per stratum
    (or overall). Percentages are of the stratum's patients with a known value, as in Table 1;
    the '(missing)' row gives its count and no percentage."""
    values = as_labels(data[column])
    order = ordered_levels(values, data[column].dtype)
    groups = labels.loc[data.index] if labels is not None else pd.Series(ALL_PATIENTS, index=data.index)
    out = pd.DataFrame({"value": order})
    for name in stratum_order(groups):
        in_group = values[(groups == name).to_numpy()]
        counts = in_group.value_counts().reindex(order, fill_value=0)
        known = int((in_group != MISSING).sum())
        prefix = "" if labels is None else f"{name}: "
        out[f"{prefix}n"] = counts.to_numpy()
        share = (100 * counts / known).round(1) if known else counts * float("nan")
        out[f"{prefix}%"] = share.where(counts.index != MISSING).to_numpy()
    return out


def event_counts(data: pd.DataFrame) -> dict[str, int]:
    """Patients, deaths and amputations among ``data`` (blank counts as no)."""
    return {"patients": len(data), "deaths": int((data["vital_status"] == "dead").sum()),
            "amputations": int(data["amputation"].fillna(False).astype(bool).sum())}


def patient_list(data: pd.DataFrame) -> pd.DataFrame:
    """The selected patients as the Cohort page lists them: code, row in the workbook and the main
    fields, under their labels."""
    columns = ["patient_id", "source_row", "sex", "age_years", "limb", "histology", "ilp_date", "vital_status"]
    return labelled(data[columns])


def labelled(data: pd.DataFrame) -> pd.DataFrame:
    """Every column under the name a reader uses (the patient list download): schema fields by their
    labels, ``source_row`` as 'Row in the workbook', the user's own columns as they are, marked
    '(extra)' where a label has the same name."""
    names = {c: BY_NAME[c].label for c in data.columns if c in BY_NAME}
    names["source_row"] = "Row in the workbook"
    labels = set(names.values())
    own = [c for c in data.columns if c not in names]
    taken = labels | set(own)
    names |= {c: extra_name(c, taken) if c in labels else c for c in own}
    return data.rename(columns=names)
