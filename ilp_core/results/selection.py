"""Choosing patients (filters) and splitting them into strata for comparison."""
from __future__ import annotations

import re
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from ilp_core.cohort.identifiers import identifier_kind
from ilp_core.conventions import AGE_CUTS, age_group_names
from ilp_core.levels import ALL_PATIENTS, MISSING, as_labels  # noqa: F401 (part of what selection offers)
from ilp_core.schema import AGE_GROUP, FIELD_NAMES, LABELS

# Schema fields offered as filters and strata, under the schema's labels.
CATEGORY_FIELDS = {f: LABELS[f] for f in ("limb", "site", "histology", "sex", "presentation", "ilp_completed",
                                          "surgery", "grade", "wieberdink_grade")}
_MAX_LEVELS = 25  # an extra column with more distinct values is not a category


def category_columns(data: pd.DataFrame) -> dict[str, str]:
    """``{column: label}`` of the columns patients can be filtered or grouped by:
    the schema's categories that hold any value, then the user's extra columns with
    at most 25 distinct values, leaving out any that identifies patients (a record number,
    a name, an e-mail: they must not reach a filter description, a legend or a settings file)
    or holds a different value for every patient (a code, not a category)."""
    columns = {c: label for c, label in CATEGORY_FIELDS.items() if c in data and data[c].notna().any()}
    for column in data.columns:
        if column in FIELD_NAMES or column == "source_row":
            continue
        known = data[column].dropna()
        distinct = known.nunique()
        if not 1 <= distinct <= _MAX_LEVELS or (distinct == len(known) and distinct > 5):
            continue
        if identifier_kind(column, pd.Series(known.unique())) is None:
            columns[column] = str(column)
    return columns


def levels(data: pd.DataFrame, column: str) -> list[str]:
    """The distinct labels of a column, '(missing)' last: in the order of its categories when the
    column is an ordered grouping (the user's own order, or groups by size), otherwise sorted naturally."""
    return ordered_levels(as_labels(data[column]), data[column].dtype)


def ordered_levels(labels: pd.Series, dtype) -> list[str]:
    """The distinct ``labels`` (as :func:`as_labels` writes a column of ``dtype``) in the order
    :func:`levels` gives them."""
    found = set(pd.unique(labels.to_numpy(dtype=object)))
    missing = MISSING in found
    found.discard(MISSING)
    if isinstance(dtype, pd.CategoricalDtype):
        present = [str(c) for c in dtype.categories if str(c) in found]
    else:
        present = sorted(found, key=_natural_order)
    return present + ([MISSING] if missing else [])


_PLAIN_NUMBER = re.compile(r"[0-9]+(?:\.[0-9]+)?")  # ASCII digits only: '①', '10²', '1.2.3' are text


def _natural_order(label: str) -> tuple[bool, float, str]:
    """Numbers first in numeric order ('2' before '10'), then text in alphabetical order."""
    number = _PLAIN_NUMBER.fullmatch(label)
    return number is None, float(label) if number else 0.0, label


@dataclass(frozen=True)
class Filters:
    """Which patients to keep: chosen labels per column (empty = all) and an age range."""

    choices: dict[str, tuple[str, ...]] = field(default_factory=dict)
    age_range: tuple[float, float] | None = None

    def describe(self, columns: dict[str, str]) -> str:
        """'Limb: lower; Histology: myxoid liposarcoma; age 40-70' (empty when everything is kept)."""
        parts = [f"{columns.get(c, c)}: {', '.join(v)}" for c, v in self.choices.items() if v]
        if self.age_range is not None:
            parts.append(f"age {self.age_range[0]:g}-{self.age_range[1]:g}")
        return "; ".join(parts)


def apply_filters(data: pd.DataFrame, filters: Filters) -> pd.DataFrame:
    """The patients matching every chosen filter (a patient with no age is dropped by an age range)."""
    keep = np.ones(len(data), dtype=bool)
    for column, chosen in filters.choices.items():
        if chosen:
            keep &= as_labels(data[column]).isin(chosen).to_numpy()
    if filters.age_range is not None:
        low, high = filters.age_range
        keep &= data["age_years"].between(low, high).fillna(False).to_numpy()
    return data[keep]


def age_groups(age: pd.Series, cuts: tuple[float, ...] = AGE_CUTS) -> pd.Series:
    """Labels '<50', '50-69', '>=70' for cuts (50, 70); '(missing)' where age is unknown."""
    edges = [-np.inf, *cuts, np.inf]
    names = age_group_names(cuts)
    groups = pd.cut(age, edges, right=False, labels=names).astype(object).where(age.notna(), MISSING)
    return groups.astype(pd.CategoricalDtype(names + [MISSING], ordered=True))


def strata(data: pd.DataFrame, by: str | None, age_cuts: tuple[float, ...] = AGE_CUTS) -> pd.Series:
    """The stratum label of each patient: 'All patients' when ``by`` is None."""
    if by is None:
        return pd.Series(ALL_PATIENTS, index=data.index)
    if by == AGE_GROUP:
        return age_groups(data["age_years"], age_cuts).cat.remove_unused_categories()
    if isinstance(data[by].dtype, pd.CategoricalDtype):  # a grouping in the user's order, '(missing)' last
        order = [str(c) for c in data[by].cat.categories] + [MISSING]
        return as_labels(data[by]).astype(pd.CategoricalDtype(order, ordered=True)).cat.remove_unused_categories()
    return as_labels(data[by])


def present_groups(labels: pd.Series) -> pd.Series:
    """The labels with levels that no patient holds dropped (tests reject empty groups)."""
    if isinstance(labels.dtype, pd.CategoricalDtype):
        return labels.cat.remove_unused_categories()
    return labels


def stratum_order(labels: pd.Series) -> list[str]:
    """The strata present, in a natural order ('(missing)' last; age groups youngest first)."""
    if isinstance(labels.dtype, pd.CategoricalDtype):
        present = set(labels.dropna().unique())
        return [str(c) for c in labels.cat.categories if c in present]
    return levels(pd.DataFrame({"s": labels}), "s")
