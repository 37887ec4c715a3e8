"""Saving the analysis settings with a fingerprint of the data, and telling what changed since.

The settings file holds the column mapping, sheet, header row, date order, filters,
comparison, conventions and landmark times, plus one short hash per patient of the
values analysed, so loading it with next month's workbook says which patients were
added, removed or edited.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import dataclass

import pandas as pd

from .schema import FIELD_NAMES

FORMAT = "ilp-outcomes-settings"
VERSION = 1
_KEYS = {"format", "version", "saved", "source", "sheet", "header_row", "mapping", "date_order", "filters",
         "age_range", "compare_by", "preset", "conf_level", "time_unit", "landmarks", "data"}


def _row_text(row: pd.Series) -> str:
    return "\x1f".join("" if pd.isna(v) else (v.strftime("%Y-%m-%d") if isinstance(v, pd.Timestamp) else str(v))
                       for v in row)


def fingerprint(data: pd.DataFrame) -> dict:
    """``{"patients": n, "sha256": digest of all rows, "rows": {patient_id: 16-hex hash}}`` over the
    schema fields (the values analysed, after cleaning)."""
    fields = [f for f in FIELD_NAMES if f in data]
    texts = data[fields].apply(_row_text, axis=1)
    rows = {str(pid): hashlib.sha256(text.encode()).hexdigest()[:16] for pid, text in zip(data.patient_id, texts)}
    whole = hashlib.sha256("\n".join(f"{k}\x1e{v}" for k, v in sorted(rows.items())).encode()).hexdigest()
    return {"patients": len(rows), "sha256": whole, "rows": rows}


def settings_document(*, source: str, sheet: str | None, header_row: int | None, mapping: dict,
                      date_order: str, filters: dict, age_range, compare_by: str | None, preset: str,
                      conf_level: float, time_unit: str, landmarks: list[float], data: pd.DataFrame) -> dict:
    """Everything needed to repeat the analysis, as a JSON-ready dict."""
    return {
        "format": FORMAT, "version": VERSION, "saved": dt.datetime.now().isoformat(timespec="seconds"),
        "source": source, "sheet": sheet, "header_row": header_row,
        "mapping": {f: h for f, h in mapping.items() if h is not None}, "date_order": date_order,
        "filters": {k: list(v) for k, v in filters.items() if v},
        "age_range": list(age_range) if age_range is not None else None, "compare_by": compare_by,
        "preset": preset, "conf_level": conf_level, "time_unit": time_unit, "landmarks": list(landmarks),
        "data": fingerprint(data),
    }


def settings_json(document: dict) -> bytes:
    return json.dumps(document, indent=2, ensure_ascii=False, default=str).encode("utf-8")


def read_settings(raw: bytes) -> dict:
    """The settings document from JSON bytes; a ValueError saying what is wrong otherwise."""
    if len(raw) > 20 * 2**20:
        raise ValueError("this file is too large to be a settings file")
    try:
        document = json.loads(raw.decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ValueError(f"this is not a settings file saved by this app (not valid JSON: {exc})") from None
    if not isinstance(document, dict) or document.get("format") != FORMAT:
        raise ValueError("this is not a settings file saved by this app")
    if document.get("version") != VERSION:
        raise ValueError(f"settings file version {document.get('version')!r}; this app reads version {VERSION}")
    missing = sorted(_KEYS - set(document))
    if missing:
        raise ValueError(f"the settings file lacks {', '.join(missing)}")
    if not isinstance(document["mapping"], dict) or not set(document["mapping"]) <= set(FIELD_NAMES):
        raise ValueError("the settings file's column mapping names unknown fields")
    return document


@dataclass(frozen=True)
class DataChange:
    """How the data differ from those the settings were saved with."""

    added: list[str]
    removed: list[str]
    edited: list[str]

    @property
    def unchanged(self) -> bool:
        return not (self.added or self.removed or self.edited)

    def summary(self) -> str:
        if self.unchanged:
            return "The data are the same as when the settings were saved: every number will match."
        parts = [f"{len(items)} patient{'s' if len(items) != 1 else ''} {verb} ({', '.join(items[:10])}"
                 f"{', ...' if len(items) > 10 else ''})"
                 for items, verb in ((self.added, "added"), (self.removed, "removed"), (self.edited, "edited"))
                 if items]
        return "The data have changed since the settings were saved: " + "; ".join(parts) + "."


def compare_data(document: dict, data: pd.DataFrame) -> DataChange:
    """Patients added, removed or edited relative to the saved fingerprint."""
    saved, now = document["data"]["rows"], fingerprint(data)["rows"]
    return DataChange(added=sorted(set(now) - set(saved)), removed=sorted(set(saved) - set(now)),
                      edited=sorted(k for k in set(now) & set(saved) if now[k] != saved[k]))
