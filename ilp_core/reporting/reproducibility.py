"""Saving the analysis settings with a fingerprint of the data, and telling what changed since.

The settings file holds the column mapping, sheet, header row, date order, filters,
comparison, conventions, landmark times and the regression model, plus one short hash per
patient of the values analysed, so loading it with next month's workbook says which patients
were added, removed or edited. A file people share must not identify patients: a patient appears
only as an HMAC-SHA256, keyed by a random salt kept in the file, of their code together with their
perfusion date, so confirming a guessed code also needs that patient's perfusion date (data the
file does not hold); the current workbook's own codes name what changed.

Reading a file checks every value against what the app offers (a closed set, or a type and
range); what fails is dropped and listed in ``not_applied``, never applied silently.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
import math
import re
import secrets
from dataclasses import dataclass, field

import pandas as pd

from ilp_core.checks import shortened
from ilp_core.cohort import recoding
from ilp_core.conventions import CONF_LEVELS, PRESETS, TIME_UNITS, level_label
from ilp_core.levels import each_distinct
from ilp_core.reporting.figure_options import FigureOptions
from ilp_core.reporting.figures import figure_keys
from ilp_core.results.groupings import MAX_CUTS, MAX_NAME, check_cuts, new_name
from ilp_core.schema import FIELD_NAMES

FORMAT = "ilp-outcomes-settings"
VERSION = 2                      # 2: patient codes hashed with a salt; 1 (read too): codes in clear
DATE_ORDERS = ("auto", "DMY", "MDY", "YMD")
HEADER_ROWS = range(1, 31)
MAX_BYTES = 20 * 2 ** 20
MAX_LANDMARKS = 20
MAX_DEPTH = 8                    # a settings file nests three levels; JSON deeper than this is not one
MAX_TEXT = 500                   # characters in a column name, a level, a sheet or file name
MAX_FILTER_COLUMNS = 100
MAX_FILTER_VALUES = 5_000        # chosen values over all filter columns
MAX_PATIENTS = 1_048_576         # hashes in the fingerprint: one per row a sheet can hold
_HASH = re.compile(r"^[0-9a-f]{16}$")
_KEYS = {"format", "version", "saved", "source", "sheet", "header_row", "mapping", "date_order", "filters",
         "age_range", "compare_by", "preset", "conf_level", "time_unit", "landmarks", "data"}


def _column_text(values: pd.Series) -> pd.Series:
    """Each value as ``str`` writes it (dates as YYYY-MM-DD), blanks empty."""
    if pd.api.types.is_datetime64_any_dtype(values):
        return values.dt.strftime("%Y-%m-%d").where(values.notna(), "")
    return each_distinct(values, str, "")


def _row_texts(data: pd.DataFrame) -> pd.Series:
    """The analysed values of each patient as one string (dates as YYYY-MM-DD, blanks empty)."""
    columns = [_column_text(data[f]).to_numpy() for f in FIELD_NAMES if f in data]
    if not columns:
        return pd.Series("", index=data.index)
    return pd.Series(["\x1f".join(parts) for parts in zip(*columns)], index=data.index)


def _keyed(salt: str, texts) -> list[str]:
    """HMAC-SHA256 of each text with the salt, its first 16 hex digits."""
    keyed = hmac.new(salt.encode(), digestmod=hashlib.sha256)
    out = []
    for text in texts:
        one = keyed.copy()
        one.update(text.encode())
        out.append(one.hexdigest()[:16])
    return out


def _patient_keys(data: pd.DataFrame, salt: str) -> list[str]:
    """One key per patient: their code and perfusion date, hashed with the salt."""
    dates = data["ilp_date"].dt.strftime("%Y-%m-%d").fillna("") if "ilp_date" in data else \
        pd.Series("", index=data.index)
    return _keyed(salt, [f"id\x1e{pid}\x1e{date}" for pid, date in zip(data.patient_id.astype(str), dates)])


def fingerprint(data: pd.DataFrame, salt: str | None = None) -> dict:
    """``{"patients": n, "salt": hex, "sha256": digest of all rows, "rows": {hashed code: row hash}}``
    over the schema fields (the values analysed, after cleaning). No patient code appears in it."""
    salt = secrets.token_hex(16) if salt is None else salt
    ids = data.patient_id.astype(str).tolist()
    rows = dict(zip(_patient_keys(data, salt),
                    _keyed(salt, [pid + "\x1e" + text for pid, text in zip(ids, _row_texts(data))])))
    whole = hashlib.sha256("\n".join(f"{k}\x1e{v}" for k, v in sorted(rows.items())).encode()).hexdigest()
    return {"patients": len(rows), "salt": salt, "sha256": whole, "rows": rows}


def settings_document(*, source: str, sheet: str | None, header_row: int | None, mapping: dict,
                      date_order: str, filters: dict, age_range, compare_by: str | None, preset: str,
                      conf_level: float, time_unit: str, landmarks: list[float], data: pd.DataFrame,
                      model: dict | None = None, together: list[str] | None = None,
                      recode: dict | None = None, age_cuts: tuple[float, ...] | None = None,
                      groupings: dict | None = None, figures: dict | None = None,
                      data_fingerprint: dict | None = None) -> dict:
    """Everything needed to repeat the analysis, as a JSON-ready dict (``together``: the sheets read
    below ``sheet``; ``recode``: the user's readings of raw values, as :func:`load_cohort` takes them;
    ``groupings``: the user's own groups, as :meth:`Groupings.as_dict` writes them; ``figures``:
    each figure's :class:`FigureOptions` by endpoint; ``data_fingerprint``: :func:`fingerprint` of
    ``data`` when it is already made, about 1 s per 100,000 patients)."""
    return {
        "format": FORMAT, "version": VERSION, "saved": dt.datetime.now().isoformat(timespec="seconds"),
        "source": source, "sheet": sheet, "together": list(together or []), "header_row": header_row,
        "mapping": {f: h for f, h in mapping.items() if h is not None}, "date_order": date_order,
        "recode": {f: dict(t) for f, t in (recode or {}).items() if t},
        "filters": {k: list(v) for k, v in filters.items() if v},
        "age_range": list(age_range) if age_range is not None else None, "compare_by": compare_by,
        "age_cuts": list(age_cuts) if age_cuts is not None else None,
        "groupings": groupings or {"cuts": {}, "names": {}, "order": {}},
        "preset": preset, "conf_level": conf_level, "time_unit": time_unit, "landmarks": list(landmarks),
        "model": model, "figures": {e: o.as_dict() for e, o in (figures or {}).items()},
        "data": data_fingerprint if data_fingerprint is not None else fingerprint(data),
    }


def settings_json(document: dict) -> bytes:
    return json.dumps(document, indent=2, ensure_ascii=False, default=str).encode("utf-8")


# -- reading ------------------------------------------------------------------------------------

def _number(value) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)


def _text(value) -> bool:
    """A name or a value as a cell or a header holds it (a column name, a level, a sheet)."""
    return isinstance(value, str) and len(value) <= MAX_TEXT


def _strings(value, most: int) -> bool:
    return isinstance(value, list) and len(value) <= most and all(map(_text, value))


def _filters(value) -> bool:
    return (isinstance(value, dict) and len(value) <= MAX_FILTER_COLUMNS
            and sum(len(v) if isinstance(v, list) else 0 for v in value.values()) <= MAX_FILTER_VALUES
            and all(_text(k) and _strings(levels, MAX_FILTER_VALUES) for k, levels in value.items()))


def _model(value) -> bool:
    if value is None:
        return True
    reference = value.get("reference", {}) if isinstance(value, dict) else None
    return (isinstance(value, dict) and _text(value.get("outcome")) and _strings(value.get("covariates"), 50)
            and isinstance(reference, dict) and len(reference) <= 50
            and all(_text(a) and _text(b) for a, b in reference.items()))


def _recode(value) -> bool:
    if not (isinstance(value, dict) and sum(len(t) if isinstance(t, dict) else 0 for t in value.values())
            <= MAX_FILTER_VALUES):
        return False
    try:
        recoding.check_recode(value)
    except ValueError:
        return False
    return True


def _groupings(value) -> bool:
    """``{"cuts": {column: [numbers]}, "names": {column: {level: name}}, "order": {column: [names]}}``."""
    if not (isinstance(value, dict) and set(value) <= {"cuts", "names", "order"}
            and all(isinstance(v, dict) and len(v) <= MAX_FILTER_COLUMNS and all(map(_text, v))
                    for v in value.values())):
        return False
    cuts, names, order = (value.get(k, {}) for k in ("cuts", "names", "order"))
    for c in cuts.values():
        if not (isinstance(c, list) and all(map(_number, c))):
            return False
        check_cuts(tuple(c))  # a ValueError: refused
    return (sum(len(t) if isinstance(t, dict) else 0 for t in names.values()) <= MAX_FILTER_VALUES
            and all(isinstance(t, dict) and all(_text(a) and _text(b) and new_name(b) == b for a, b in t.items())
                    for t in names.values())
            and all(_strings(o, MAX_FILTER_VALUES) for o in order.values()))


def _figures(document: dict, skipped: list[str]) -> None:
    """Keep each endpoint's figure options that hold up (``FigureOptions.from_dict``); list the others."""
    value = document.get("figures")
    if not isinstance(value, dict):
        skipped.append("figures (a mapping of endpoints to figure options)")
        document["figures"] = {}
        return
    kept = {}
    for endpoint, options in value.items():
        try:
            if endpoint not in figure_keys():
                raise ValueError("not a figure of this app")
            FigureOptions.from_dict(options)
            kept[endpoint] = options
        except (TypeError, ValueError, OverflowError) as exc:
            skipped.append(f"figure options for {shortened(repr(endpoint), 60)} ({shortened(str(exc), 160)})")
    document["figures"] = kept


def _check(document: dict, key: str, valid, what: str, default, skipped: list[str]) -> None:
    """Keep ``document[key]`` if ``valid(value)``; otherwise put ``default`` and say what was dropped."""
    value = document.get(key)
    try:
        ok = valid(value)
    except (TypeError, ValueError, OverflowError):
        ok = False
    if not ok:
        shown = json.dumps(value, ensure_ascii=False, default=str)
        name = {"conf_level": "confidence level", "compare_by": "comparison"}.get(key, key.replace("_", " "))
        skipped.append(f"{name} {shown[:80]}{'...' if len(shown) > 80 else ''} ({what})")
        document[key] = default


def _checked(document: dict) -> list[str]:
    """Validate every value in place; returns what was not applied."""
    skipped: list[str] = []
    _check(document, "source", _text, f"a file name of at most {MAX_TEXT} characters", "", skipped)
    _check(document, "sheet", lambda v: v is None or _text(v), "not a sheet name", None, skipped)
    _check(document, "together", lambda v: _strings(v, 50), "a list of sheet names", [], skipped)
    _check(document, "header_row", lambda v: v is None or (type(v) is int and v in HEADER_ROWS),
           "the header row must be a row number from 1 to 30", None, skipped)
    _check(document, "date_order", lambda v: v in DATE_ORDERS, f"one of {', '.join(DATE_ORDERS)}", "auto", skipped)
    _check(document, "mapping", lambda v: isinstance(v, dict) and all(k in FIELD_NAMES and _text(h) for k, h in v.items()),
           "fields of this app mapped to column names", {}, skipped)
    _check(document, "recode", _recode, "fields of this app with raw values pointed at values the field can hold",
           {}, skipped)
    _check(document, "filters", _filters, f"at most {MAX_FILTER_COLUMNS} column names with {MAX_FILTER_VALUES:,} "
           "values in all", {}, skipped)
    _check(document, "age_range", lambda v: v is None or (isinstance(v, list) and len(v) == 2 and all(map(_number, v))
                                                         and v[0] <= v[1]), "two ages, lowest first", None, skipped)
    _check(document, "compare_by", lambda v: v is None or _text(v), "a column name", None, skipped)
    _check(document, "age_cuts", lambda v: v is None or (isinstance(v, list) and 1 <= len(v) <= 5 and all(
        _number(c) and 1 <= c <= 119 for c in v) and v == sorted(set(v))), "1 to 5 ages between 1 and 119, lowest "
           "first", None, skipped)
    _check(document, "groupings", _groupings, f"number columns with 1 to {MAX_CUTS} cut points, lowest first, and "
           f"category levels with new names of 1 to {MAX_NAME} characters, and their order", {}, skipped)
    _check(document, "preset", lambda v: v in PRESETS, f"one of {', '.join(PRESETS)}", None, skipped)
    _check(document, "conf_level", lambda v: _number(v) and any(abs(v - c) < 1e-12 for c in CONF_LEVELS),
           f"this app offers {', '.join(map(level_label, CONF_LEVELS[:-1]))} or {level_label(CONF_LEVELS[-1])}",
           None, skipped)
    _check(document, "time_unit", lambda v: v in TIME_UNITS, f"one of {', '.join(TIME_UNITS)}", None, skipped)
    _check(document, "landmarks", lambda v: isinstance(v, list) and 0 < len(v) <= MAX_LANDMARKS and all(
        _number(t) and t > 0 for t in v), f"1 to {MAX_LANDMARKS} positive times in months", None, skipped)
    _check(document, "model", _model, "an outcome, covariates and reference levels", None, skipped)
    _figures(document, skipped)
    return skipped


def _depth(value) -> int:
    """How deeply lists and objects nest (without recursion: a hostile file may nest thousands deep)."""
    deepest, stack = 0, [(value, 1)]
    while stack:
        item, level = stack.pop()
        if isinstance(item, (dict, list)):
            deepest = max(deepest, level)
            stack.extend((child, level + 1) for child in (item.values() if isinstance(item, dict) else item))
    return deepest


def _unwritable(value) -> bool:
    """Whether any text (key or value) holds a lone surrogate, which no file or page can show."""
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            stack.extend(item.keys())
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
        elif isinstance(item, str):
            try:
                item.encode("utf-8")
            except UnicodeEncodeError:
                return True
    return False


def read_settings(raw: bytes) -> dict:
    """The settings document from JSON bytes, every value checked.

    A ValueError when the file is not a settings file of this app at all. Values that fail
    their check are replaced by None (or an empty default) and listed in ``not_applied``,
    e.g. "conf level 0.5 (this app offers 90%, 95% or 99%)".
    """
    if len(raw) > MAX_BYTES:
        raise ValueError("this file is too large to be a settings file")
    try:
        document = json.loads(raw.decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError, RecursionError) as exc:
        raise ValueError(f"this is not a settings file saved by this app (not valid JSON: {exc})"[:300]) from None
    except ValueError:  # an integer of thousands of digits
        raise ValueError("this is not a settings file saved by this app (it holds a number thousands of digits "
                         "long)") from None
    if _unwritable(document):
        raise ValueError("this is not a settings file saved by this app (it holds text that is not valid Unicode)")
    if _depth(document) > MAX_DEPTH:
        raise ValueError(f"this is not a settings file saved by this app (values nested more than {MAX_DEPTH} "
                         "levels deep)")
    if not isinstance(document, dict) or document.get("format") != FORMAT:
        raise ValueError("this is not a settings file saved by this app")
    if type(document.get("version")) is not int or document["version"] not in (1, VERSION):
        raise ValueError(f"settings file version {document.get('version')!r}; this app reads versions 1 and {VERSION}")
    missing = sorted(_KEYS - set(document))
    if missing:
        raise ValueError(f"the settings file lacks {', '.join(missing)}")
    data = document["data"]
    if not (isinstance(data, dict) and isinstance(data.get("rows"), dict) and len(data["rows"]) <= MAX_PATIENTS
            and (document["version"] == 1 or all(_HASH.match(k) for k in data["rows"]))
            and all(isinstance(k, str) and isinstance(v, str) and _HASH.match(v) for k, v in data["rows"].items())
            and (document["version"] == 1 or (isinstance(data.get("salt"), str) and 16 <= len(data["salt"]) <= 128))):
        raise ValueError("the settings file's data fingerprint is damaged (it needs a salt and a hash per patient)")
    document.setdefault("model", None)
    document.setdefault("together", [])  # files saved before sheets could be read together
    document.setdefault("recode", {})  # files saved before values could be recoded
    document.setdefault("age_cuts", None)  # files saved before the age groups could be chosen
    document.setdefault("groupings", {})  # files saved before the user's own groupings
    document.setdefault("figures", {})  # files saved before figure options
    document["not_applied"] = _checked(document)
    return document


# -- comparing ------------------------------------------------------------------------------------

@dataclass(frozen=True)
class DataChange:
    """How the data differ from those the settings were saved with: patients added and edited by
    the current workbook's codes; removed ones only counted (the file holds no codes)."""

    added: list[str]
    removed: int
    edited: list[str]
    left_out: list[str] = field(default_factory=list)  # in the workbook, but left out now for a problem

    @property
    def unchanged(self) -> bool:
        return not (self.added or self.removed or self.edited or self.left_out)

    def summary(self) -> str:
        if self.unchanged:
            return "The data are the same as when the settings were saved."
        parts = [f"{len(items)} patient{'s' if len(items) != 1 else ''} {verb} ({', '.join(items[:10])}"
                 f"{', ...' if len(items) > 10 else ''})"
                 for items, verb in ((self.added, "added"), (self.edited, "edited"),
                                     (self.left_out, "left out now for a problem in their row, listed on the "
                                                     "Data page")) if items]
        if self.removed:
            parts.append(f"{self.removed} patient{'s' if self.removed != 1 else ''} of the saved data not in this "
                         "workbook, or left out for a problem in a row whose code or perfusion date changed")
        return "The data have changed since the settings were saved: " + "; ".join(parts) + "."


def _keys_of(document: dict, data: pd.DataFrame) -> list[str]:
    """Each patient's key in the settings file's fingerprint: the code (version 1) or its salted hash."""
    if document.get("version") == 1:
        return data.patient_id.astype(str).tolist()
    return _patient_keys(data, document["data"]["salt"])


def compare_data(document: dict, data: pd.DataFrame, left_out: pd.DataFrame | None = None) -> DataChange:
    """Patients added, removed or edited relative to the saved fingerprint; ``left_out`` (``patient_id,
    ilp_date`` of the rows the workbook holds but the analysis left out for a problem) tells those apart
    from patients no longer in the workbook."""
    saved = document["data"]["rows"]
    ids = data.patient_id.astype(str).tolist()
    keys = dict(zip(ids, _keys_of(document, data)))
    if document.get("version") == 1:  # codes in clear, unsalted row hashes
        now = {pid: hashlib.sha256(text.encode()).hexdigest()[:16] for pid, text in zip(ids, _row_texts(data))}
    else:
        now_by_key = fingerprint(data, document["data"]["salt"])["rows"]
        now = {pid: now_by_key[keys[pid]] for pid in ids}
    present = set(keys.values())
    # saved patients the analysis lacks now but the workbook holds: each once, however many rows hold the
    # code ('2 patients left out (P1, P1); -1 not in this workbook')
    out = {} if left_out is None else {
        key: code for code, key in zip(left_out.patient_id.astype(str), _keys_of(document, left_out))
        if key in saved and key not in present}
    return DataChange(added=sorted(pid for pid in ids if keys[pid] not in saved),
                      removed=len(set(saved) - present) - len(out),
                      edited=sorted(pid for pid in ids if keys[pid] in saved and saved[keys[pid]] != now[pid]),
                      left_out=sorted(set(out.values())))
