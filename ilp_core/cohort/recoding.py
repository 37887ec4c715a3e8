"""The user's own reading of a column's values: which raw value means which canonical value.

A unit writes "Recidivado", "MMII" or "Exitus"; the cleaning reads most such words in seven
languages, and :func:`values_found` lists, per field, every distinct value of the workbook with
what it was read as and how many rows hold it. A ``recode`` ``{field: {raw value: canonical value
or None}}`` points any of them at a canonical value (None: missing) before the cleaning reads them.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from ilp_core.checks import check_choice, shortened
from ilp_core.cohort import cleaning
from ilp_core.levels import MISSING
from ilp_core.schema import BY_NAME, FIELD_NAMES

# The canonical values a field of each kind can be pointed at (text fields: any text, e.g. to merge
# histologies). Flags are read from "yes" / "no".
CHOICES = {
    "sex": ("F", "M"), "limb": ("upper", "lower"), "presentation": ("primary", "recurrent"),
    "grade": ("1", "2", "3"), "wieberdink": ("I", "II", "III", "IV", "V"), "vital": ("alive", "dead"),
    "flag": ("yes", "no"), "text": None,
}
RECODABLE = tuple(f for f in FIELD_NAMES if BY_NAME[f].kind in CHOICES)
# How a chosen canonical value is written for the cleaning to read it the same in any column ("M" is
# female in a Spanish H/M column; "male" is male everywhere).
_UNAMBIGUOUS = {"sex": {"F": "female", "M": "male"}}
UNREADABLE = "(not recognised)"
MAX_TEXT = 500
MAX_ENTRIES = 5_000  # values recoded in all (as many as a settings file keeps)


def raw_text(value) -> str:
    """A cell as the user sees it in the workbook: 2.0 is '2', text is stripped.

    Examples
    --------
    >>> raw_text(2.0), raw_text(" Recidivado ")
    ('2', 'Recidivado')
    """
    if isinstance(value, (float, np.floating)) and float(value).is_integer():
        return str(int(value))
    if isinstance(value, pd.Timestamp):
        return value.strftime("%Y-%m-%d")
    return str(value).strip()


def check_recode(recode: dict | None) -> dict[str, dict[str, str | None]]:
    """``recode`` checked: known recodable fields, text keys (stripped, as cells are compared), and
    targets each field can hold; at most :data:`MAX_ENTRIES` values in all.

    A ValueError names the field, the raw value and the valid targets.
    """
    if recode is None:
        return {}
    if not isinstance(recode, dict):
        raise ValueError(f"recode must map fields to {{raw value: value}}; got {shortened(repr(recode))}")
    if sum(len(t) if isinstance(t, dict) else 0 for t in recode.values()) > MAX_ENTRIES:
        raise ValueError(f"recode holds more than {MAX_ENTRIES:,} values")
    checked = {}
    for field, table in recode.items():
        check_choice(field, "a recoded field", RECODABLE)
        if not isinstance(table, dict):
            raise ValueError(f"recode[{field!r}] must map raw values to values; got {shortened(repr(table))}")
        choices = CHOICES[BY_NAME[field].kind]
        checked[field] = {}
        for raw, target in table.items():
            if not isinstance(raw, str) or not raw.strip() or len(raw) > MAX_TEXT:
                raise ValueError(f"recode[{field!r}]: a raw value must be text of 1 to {MAX_TEXT} characters; "
                                 f"got {shortened(repr(raw))}")
            where = f"recode[{field!r}][{shortened(repr(raw), 60)}]"
            if target is not None and choices is None:
                if not (isinstance(target, str) and target.strip() and len(target) <= MAX_TEXT
                        and target.isprintable()):
                    raise ValueError(f"{where} must be text of 1 to {MAX_TEXT} printable characters (or None for "
                                     f"missing); got {shortened(repr(target))}")
                target = target.strip()
            elif target is not None:
                check_choice(target, where, (*choices, None))
            checked[field][raw.strip()] = target
    return checked


def apply(column: pd.Series, table: dict[str, str | None], kind: str = "text") -> pd.Series:
    """``column`` with each cell whose :func:`raw_text` is a key of ``table`` replaced by its target
    (written so that the cleaning reads it as that canonical value in any column)."""
    if not table:
        return column
    words = _UNAMBIGUOUS.get(kind, {})
    table = {raw: words.get(target, target) for raw, target in table.items()}
    codes, uniques = pd.factorize(column.to_numpy(dtype=object), use_na_sentinel=True)
    values = np.array([table[raw_text(u)] if raw_text(u) in table else u for u in uniques] + [None], dtype=object)
    return pd.Series(values[codes], index=column.index, dtype=object)


def values_found(table: pd.DataFrame, mapping: dict, field: str, recode: dict | None = None) -> pd.DataFrame:
    """Every distinct value of ``field``'s column with what it is read as, and how many rows hold it.

    Columns ``value`` (as in the workbook), ``rows``, ``read_as`` (the canonical value,
    :data:`UNREADABLE`, or :data:`MISSING` where the user pointed it at missing) and ``recoded``
    (whether the user's recode decided it), most frequent first. Blank cells are not listed.
    """
    check_choice(field, "field", RECODABLE)
    own = check_recode(recode).get(field, {})
    header = mapping.get(field)
    columns = ["value", "rows", "read_as", "recoded"]
    if header is None or header not in table:
        return pd.DataFrame(columns=columns)
    column, spec = table[header], BY_NAME[field]
    present = column.dropna()
    texts = present.map(raw_text)
    counts = texts[texts != ""].value_counts(sort=True)
    first_cell = dict(zip(texts[::-1], present[::-1]))  # each text's first cell, as the cleaning reads it
    parse = parser(spec, column, header)  # chosen from the column as written, as the cleaning does
    words = _UNAMBIGUOUS.get(spec.kind, {})
    rows = []
    for value, n in counts.items():
        if value in own and own[value] is None:
            read_as = MISSING
        else:
            try:
                cell = words.get(own[value], own[value]) if value in own else first_cell[value]
                read_as = _canonical(parse(cell, spec.values))
            except cleaning.BadValue:
                read_as = UNREADABLE
        rows.append((value, int(n), read_as, value in own))
    found = pd.DataFrame(rows, columns=columns)
    return found.iloc[np.argsort((found.read_as != UNREADABLE).to_numpy(), kind="stable")].reset_index(drop=True)


def described(field: str, value: str) -> str:
    """A reading as the Data page shows it: 'F (female)' for sex, the value otherwise."""
    return {"F": "F (female)", "M": "M (male)"}.get(value, value) if BY_NAME[field].kind == "sex" else value


def user_readings(automatic: pd.DataFrame, chosen: dict[str, str]) -> dict[str, str | None]:
    """One field's recode from the reading the user chose for each value (``{value: read_as}``):
    only the values read otherwise than the cleaning reads them on its own (``automatic``, from
    :func:`values_found` without a recode); :data:`MISSING` becomes None.

    Examples
    --------
    >>> automatic = pd.DataFrame({"value": ["Recidivado", "P"], "read_as": [UNREADABLE, "primary"]})
    >>> user_readings(automatic, {"Recidivado": "recurrent", "P": "primary"})
    {'Recidivado': 'recurrent'}
    """
    own = dict(zip(automatic.value, automatic.read_as))
    return {value: None if reading == MISSING else reading for value, reading in chosen.items()
            if reading != own.get(value) and reading != UNREADABLE}


def _canonical(value) -> str:
    return ("yes" if value else "no") if isinstance(value, (bool, np.bool_)) else raw_text(value)


def parser(spec, column: pd.Series, header):
    """The function that reads one value of ``spec``'s field in this column (sex and flags depend
    on the column's own codes: H/M, O beside 0/1)."""
    if spec.kind == "sex":
        return cleaning.sex_parser(column, header)[0]
    if spec.kind == "flag":
        return cleaning.flag_parser(column, header)[0]
    return cleaning.PARSERS[spec.kind]
