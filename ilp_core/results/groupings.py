"""The user's own groupings: a number cut at values they type, and category levels renamed, merged
and put in their order.

A grouping changes what the reader sees, never a value an endpoint rests on. A cut number becomes
a new column beside the number ("Tumour size (cm), grouped"); only descriptive categories (sex,
limb, site, histology, presentation, grade, Wieberdink grade and the user's own columns) can be
renamed. Groupings apply before filters and comparisons, so the filters, "Compare by", Table 1
and the models all offer the grouped levels, under the names the user gave them.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from ilp_core.cohort.identifiers import identifier_kind
from ilp_core.conventions import typed_numbers
from ilp_core.levels import MISSING, as_labels
from ilp_core.results.selection import category_columns, levels
from ilp_core.schema import BY_NAME, DESCRIPTIVE_KINDS, FIELD_NAMES, LABELS

GROUPED = ", grouped"   # the end of a cut number's column name: "Tumour size (cm), grouped"
MAX_CUTS = 5
MAX_NAME = 60           # characters in a group's new name: it must fit a legend
_NUMBERS = ("tumor_size_cm",)  # age has its own groups ("Compare by: Age group")


@dataclass(frozen=True)
class Groupings:
    """What the user regrouped.

    cuts : ``{number column: cut points}``; a cut point starts a new group (10 gives <10 and >=10).
    names : ``{category column: {level: new name}}``; two levels given one name are merged.
    order : ``{category column: (new names, first to last)}``; names left out follow in natural order.
    """

    cuts: dict[str, tuple[float, ...]] = field(default_factory=dict)
    names: dict[str, dict[str, str]] = field(default_factory=dict)
    order: dict[str, tuple[str, ...]] = field(default_factory=dict)

    def __bool__(self) -> bool:
        return any(self.cuts.values()) or any(self.names.values()) or any(self.order.values())

    def as_dict(self) -> dict:
        """The JSON form kept in the settings file."""
        return {"cuts": {c: list(v) for c, v in self.cuts.items() if v},
                "names": {c: dict(v) for c, v in self.names.items() if v},
                "order": {c: list(v) for c, v in self.order.items() if v}}

    @classmethod
    def from_dict(cls, saved: dict | None) -> Groupings:
        saved = saved or {}
        return cls({c: tuple(float(x) for x in v) for c, v in saved.get("cuts", {}).items()},
                   {c: dict(v) for c, v in saved.get("names", {}).items()},
                   {c: tuple(v) for c, v in saved.get("order", {}).items()})


def grouped_name(label: str, data: pd.DataFrame | None = None) -> str:
    """The column a cut number becomes: 'Tumour size (cm), grouped'; '... (cut), grouped' when the
    workbook itself holds a column of that name (the user's cut never takes the place of their column)."""
    name = f"{label}{GROUPED}"
    while data is not None and name in data.columns:
        name = f"{name[:-len(GROUPED)]} (cut){GROUPED}"
    return name


def as_numbers(values: pd.Series) -> pd.Series | None:
    """The values as numbers when every known one is a number (numbers typed as text too, with a decimal
    comma or point), else None. The workbook's own columns come as text or mixed objects."""
    if pd.api.types.is_bool_dtype(values):
        return None
    if pd.api.types.is_numeric_dtype(values):
        return values.astype(float)
    known = values.dropna()
    if known.map(lambda v: isinstance(v, (bool, np.bool_))).any():
        return None
    text = known.map(lambda v: str(v).strip().replace(",", ".") if isinstance(v, str) else v)
    numbers = pd.to_numeric(text, errors="coerce")
    if numbers.isna().any() or not np.isfinite(numbers.to_numpy(dtype=float)).all():
        return None
    return pd.Series(np.nan, index=values.index).where(values.isna(), numbers.reindex(values.index)).astype(float)


def number_columns(data: pd.DataFrame) -> dict[str, str]:
    """``{column: label}`` of the numbers that can be cut into groups: the tumour size, then the
    user's own numeric columns (not one that identifies patients), each with two or more values."""
    columns = {c: LABELS[c] for c in _NUMBERS if c in data and data[c].nunique() > 1}
    for column in data.columns:
        if column in FIELD_NAMES or column == "source_row" or not isinstance(column, str) or column.endswith(GROUPED):
            continue
        numbers = as_numbers(data[column])
        if numbers is None or numbers.nunique() < 2 or identifier_kind(column, pd.Series(numbers.dropna().unique())):
            continue
        columns[column] = column
    return columns


def renamable_columns(data: pd.DataFrame) -> dict[str, str]:
    """``{column: label}`` of the categories whose levels can be renamed, merged and ordered: every
    category a filter offers except the flags (an endpoint or a required date rests on those)."""
    return {c: label for c, label in category_columns(data).items()
            if c not in BY_NAME or BY_NAME[c].kind in DESCRIPTIVE_KINDS}


def parse_cuts(text: str) -> tuple[float, ...]:
    """'10' -> (10.0,); '5; 10' -> (5.0, 10.0); empty text -> () (no grouping).

    Examples
    --------
    >>> parse_cuts("10, 5")
    (5.0, 10.0)
    """
    values = tuple(typed_numbers(text, "the cut points", "10 or 5, 10"))
    if values:
        check_cuts(values)
    return values


def cut_text(cut: float) -> str:
    """A cut point as written in a group's name and in the sidebar box (10 significant digits)."""
    return f"{cut:.10g}"


def check_cuts(cuts: tuple[float, ...]) -> None:
    """A ValueError unless ``cuts`` are 1 to 5 finite numbers, lowest first, each written differently."""
    if not 1 <= len(cuts) <= MAX_CUTS:
        raise ValueError(f"give 1 to {MAX_CUTS} cut points")
    if not all(np.isfinite(cuts)) or list(cuts) != sorted(set(cuts)):
        raise ValueError("cut points must be numbers, lowest first, each once")
    written = [cut_text(c) for c in cuts]
    if len(set(written)) < len(written):
        raise ValueError(f"the cut points {', '.join(written)} are too close to tell apart")


def unit_of(label: str) -> str:
    """The unit a label ends with in brackets: 'Tumour size (cm)' -> 'cm'; '' when there is none."""
    found = re.search(r"\(([^()]{1,12})\)$", label.strip())
    return found.group(1) if found else ""


def cut_names(cuts: tuple[float, ...], unit: str = "") -> list[str]:
    """The groups' names, with the unit a legend needs: each group holds its lower cut point and not
    its upper one.

    Examples
    --------
    >>> cut_names((5, 10), "cm")
    ['<5 cm', '5 to <10 cm', '\u226510 cm']
    """
    written = [cut_text(c) for c in cuts]
    middle = [f"{a} to <{b}" for a, b in zip(written[:-1], written[1:])]
    after = f" {unit}" if unit else ""
    return [f"<{written[0]}{after}", *(m + after for m in middle), f"\u2265{written[-1]}{after}"]


def _cut(values: pd.Series, cuts: tuple[float, ...], unit: str = "") -> pd.Series:
    names = cut_names(cuts, unit)
    return pd.cut(as_numbers(values), [-np.inf, *cuts, np.inf], right=False, labels=names).astype(
        pd.CategoricalDtype(names, ordered=True))


def new_name(text: str) -> str | None:
    """A group's new name as typed, spaces tidied and at most 60 characters; None when it names
    nothing ('' or '(missing)', which would hide the group among the patients with no value)."""
    name = " ".join(str(text).split())[:MAX_NAME]
    return name if name and name != MISSING else None


def _renamed(values: pd.Series, names: dict[str, str], order: tuple[str, ...]) -> pd.Series | None:
    """The column under its new names, the groups in the user's order, then in the order of their
    first level (grade 1 renamed 'low' stays first); None when nothing would change (an order that is
    the natural one leaves a grade a number, which a model takes per grade)."""
    labels = as_labels(values)
    original = levels(pd.DataFrame({"v": labels}), "v")
    renamed = {level: new_name(names[level]) for level in original if level in names and new_name(names[level])}
    present = list(dict.fromkeys(renamed.get(level, level) for level in original if level != MISSING))
    first = [name for name in dict.fromkeys(map(str, order)) if name in present]
    categories = first + [name for name in present if name not in first]
    if not renamed and categories == [level for level in original if level != MISSING]:
        return None
    shown = labels.map(renamed).fillna(labels) if renamed else labels  # a dict lookup per row, not a call
    return shown.where(shown != MISSING).astype(pd.CategoricalDtype(categories, ordered=True))


def apply_groupings(data: pd.DataFrame, groupings: Groupings) -> pd.DataFrame:
    """``data`` with the user's groupings: a column per cut number, renamed categories in their order.

    A grouped column holds an ordered categorical whose categories are the groups in the order
    every figure, table and test shows them; a patient with no value has none (``NaN``).
    Entries for columns these data lack, or cannot group, are ignored (:func:`fitted_to` names them).

    Examples
    --------
    >>> data = pd.DataFrame({"tumor_size_cm": [4.0, 12.0, None], "limb": ["lower", "upper", "lower"]})
    >>> grouped = apply_groupings(data, Groupings(cuts={"tumor_size_cm": (10,)},
    ...                                           names={"limb": {"lower": "Leg", "upper": "Arm"}},
    ...                                           order={"limb": ("Leg", "Arm")}))
    >>> grouped["Tumour size (cm), grouped"].tolist()
    ['<10 cm', '\u226510 cm', nan]
    >>> list(grouped["limb"].cat.categories)
    ['Leg', 'Arm']
    """
    if not groupings:
        return data
    numbers, renamable = number_columns(data), renamable_columns(data)
    added = {}
    for column, cuts in groupings.cuts.items():
        if cuts and column in numbers:
            added[grouped_name(numbers[column], data)] = _cut(data[column], cuts, unit_of(numbers[column]))
    for column in set(groupings.names) | set(groupings.order):
        if column in renamable and (groupings.names.get(column) or groupings.order.get(column)):
            renamed = _renamed(data[column], groupings.names.get(column, {}), groupings.order.get(column, ()))
            if renamed is not None:
                added[column] = renamed
    return data.assign(**added) if added else data


def fitted_to(data: pd.DataFrame, groupings: Groupings) -> tuple[Groupings, list[str]]:
    """The part of ``groupings`` these data can take, and what they cannot, e.g.
    'cut points for Weight (not a number column with two or more values here)'."""
    numbers, renamable = number_columns(data), renamable_columns(data)
    cuts = {c: v for c, v in groupings.cuts.items() if v and c in numbers}
    named = {c for c in set(groupings.names) | set(groupings.order) if c in renamable}
    refused = [f"cut points for {LABELS.get(c, c)} (not a number column with two or more values here)"
               for c, v in groupings.cuts.items() if v and c not in numbers]
    refused += [f"new names for {LABELS.get(c, c)} (not a category these data hold, or a yes/no field)"
                for c in set(groupings.names) | set(groupings.order)
                if c not in named and (groupings.names.get(c) or groupings.order.get(c))]
    kept = Groupings(cuts, {c: v for c, v in groupings.names.items() if c in named},
                     {c: v for c, v in groupings.order.items() if c in named})
    return kept, sorted(refused)
