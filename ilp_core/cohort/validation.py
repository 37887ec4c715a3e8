"""Checks on cleaned cohort rows: required values, dates in order, flags that agree with dates.

Every problem names the row as Excel numbers it, the user's own column header,
the value found, and what would be valid. "error" excludes the row from the
analysis; "warning" keeps it.
"""
from __future__ import annotations

import datetime as dt
import unicodedata

import numpy as np
import pandas as pd

from ilp_core.conventions import DAYS_PER_YEAR, EARLY_WINDOW_DAYS
from ilp_core.schema import BY_NAME, FIELDS

PROBLEM_COLUMNS = ["row", "column", "value", "message", "severity"]
# A date this many years from the column's median is reported as possibly mistyped.
FAR_YEARS = 20
# The largest soft-tissue sarcomas of a limb measure tens of centimetres; a larger size is a code or a typing error.
MAX_TUMOUR_CM = 100


class ProblemLog:
    """Problems collected while reading a cohort, reported all together."""

    def __init__(self, mapping: dict[str, str]):
        self.mapping = mapping
        self.rows: list[tuple] = []

    def header(self, field: str) -> str:
        """The user's column for ``field``; where none is mapped, the field's label ("Date of death"), never
        its internal name."""
        return self.mapping.get(field, BY_NAME[field].label if field in BY_NAME else field)

    def add(self, row, column: str, value, message: str, severity: str = "error") -> None:
        self.rows.append((row, column, _shown(value), message, severity))

    def add_many(self, rows, field: str, values, message, severity: str = "error") -> None:
        """One problem per row; ``message`` may be a function of the value."""
        for row, value in zip(rows, values):
            text = message(value) if callable(message) else message
            self.add(row, self.header(field), value, text, severity)

    def frame(self, row_order=None) -> pd.DataFrame:
        """The problems by row, then by field in schema order. Rows are Excel's numbers (Int64), or
        labels such as "2019 row 5" when several sheets were read together: ``row_order`` (the
        table's own order of rows) then orders them."""
        frame = pd.DataFrame(self.rows, columns=PROBLEM_COLUMNS)
        labelled = any(isinstance(row, str) for row in frame["row"])
        if not labelled:
            frame["row"] = frame["row"].astype("Int64")
        position = {row: i for i, row in enumerate(row_order if row_order is not None else [])}
        frame["_row"] = frame["row"].map(position).fillna(-1) if labelled else frame["row"]
        order = {h: i for i, h in enumerate(self.mapping.values())}
        frame["_order"] = frame["column"].map(order).fillna(len(order))
        return frame.sort_values(["_row", "_order"], kind="stable").drop(columns=["_row", "_order"]) \
            .reset_index(drop=True)

    def error_rows(self) -> set:
        return {row for row, *_, severity in self.rows if severity == "error" and row is not None}


def _shown(value) -> str:
    if value is None or (isinstance(value, float) and np.isnan(value)) or value is pd.NaT:
        return ""
    if isinstance(value, (pd.Timestamp, dt.datetime)):
        return value.strftime("%Y-%m-%d")
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    text = str(value)
    return text if len(text) <= 200 else text[:200] + f"\u2026 ({len(text):,} characters)"


def _date(value) -> str:
    return pd.Timestamp(value).strftime("%Y-%m-%d")


def check_required(data: pd.DataFrame, raw: pd.DataFrame, log: ProblemLog) -> None:
    """Always-required values, and the dates that a 'yes' or 'dead' makes required."""
    for field in FIELDS:
        if field.always_required and field.name in log.mapping:
            blank = raw[field.name].isna() & data[field.name].isna()
            if field.descriptive:
                log.add_many(data.index[blank], field.name, [None] * int(blank.sum()),
                             f"value missing: {field.meaning} ({field.values}); the patient is kept, with it unknown",
                             "warning")
            else:
                log.add_many(data.index[blank], field.name, [None] * int(blank.sum()),
                             f"required value missing: {field.meaning} ({field.values})")
    needs = [("surgery", "surgery_date", "surgery is 'yes'"), ("amputation", "amputation_date", "amputation is 'yes'"),
             ("local_recurrence", "local_recurrence_date", "local recurrence is 'yes'")]
    for flag, date_field, reason in needs:
        missing = ((data[flag] == True) & raw[date_field].isna()).fillna(False)  # noqa: E712 (nullable boolean)
        rows = data.index[missing]
        if date_field not in log.mapping and BY_NAME[date_field].descriptive and len(rows):
            # a column the workbook lacks, which no endpoint needs: said once, not once a patient
            more = f" and {len(rows) - 1} more" if len(rows) > 1 else ""
            log.add(rows[0], log.header(flag), "yes", f"{reason} for {len(rows)} patient{'s' if len(rows) > 1 else ''} "
                    f"(this row{more}) but no column for the {BY_NAME[date_field].meaning} is mapped"
                    + _kept(date_field), "warning")
            continue
        where = f"the {BY_NAME[date_field].meaning} is empty" if date_field in log.mapping else \
            f"no column for the {BY_NAME[date_field].meaning} is mapped"
        log.add_many(rows, date_field if date_field in log.mapping else flag, [None] * len(rows),
                     f"{reason} but {where}; fill in the date" + _kept(date_field), _severity(date_field))
    dead_no_date = (data["vital_status"] == "dead") & raw["death_date"].isna()
    if "death_date" in log.mapping:
        log.add_many(data.index[dead_no_date], "death_date", [None] * int(dead_no_date.sum()),
                     "vital status is 'dead' but the date of death is empty; fill in the date of death")
    else:  # the date of last contact stands for it (loading): it is the one to fill in
        log.add_many(data.index[dead_no_date], "last_followup_date", [None] * int(dead_no_date.sum()),
                     "vital status is 'dead' and no column holds the date of death, so the date of last contact "
                     "stands for it, but it is empty; fill in the date of last contact (the date of death)")


def _severity(field: str) -> str:
    """A problem with a field no endpoint rests on keeps the patient (a warning); otherwise an error."""
    return "warning" if BY_NAME[field].descriptive else "error"


def _kept(field: str) -> str:
    return "; the patient is kept (no endpoint rests on it)" if BY_NAME[field].descriptive else ""


def check_consistency(data: pd.DataFrame, log: ProblemLog) -> None:
    """Flags that contradict their dates, the alive with a death date, and early complications that
    contradict the dates (see :func:`check_early_complications`)."""
    pairs = [("surgery", "surgery_date"), ("amputation", "amputation_date"),
             ("local_recurrence", "local_recurrence_date")]
    for flag, date_field in pairs:
        extra = (data[flag] == False) & data[date_field].notna()  # noqa: E712
        extra = extra.fillna(False)
        log.add_many(data.index[extra], date_field, data.loc[extra, date_field],
                     f"{log.header(flag)!r} is 'no' but this date is given; correct one of them" + _kept(date_field),
                     _severity(date_field))
    alive = (data["vital_status"] == "alive") & data["death_date"].notna()
    log.add_many(data.index[alive], "death_date", data.loc[alive, "death_date"],
                 "vital status is 'alive' but a date of death is given; correct one of them")
    check_early_complications(data, log)


def check_early_complications(data: pd.DataFrame, log: ProblemLog) -> None:
    """Early complications that contradict the other columns are set aside, with a warning.

    A 'yes' or 'no' the dates or the vital status deny counted in the early-complication rate as
    typed: early death 'yes' for a patient alive at the last contact, 'no' beside a death 5 days after
    the perfusion, an amputation for a treatment reaction "within 30 days" 507 days after it. An early
    death is then read from the vital status and the date of death, as for an empty cell (the survival
    curves rest on those); an amputation for a reaction is unknown and leaves the rate's denominator
    unless another complication is recorded. The patient stays in every analysis. ``data`` changes.
    """
    window = EARLY_WINDOW_DAYS
    days_to_death = (data["death_date"] - data["ilp_date"]).dt.days
    days_to_amputation = (data["amputation_date"] - data["ilp_date"]).dt.days
    early_death, reaction = data["early_death"], data["reaction_amputation"]
    contradictions = [
        ("early_death", early_death == True, days_to_death > window,  # noqa: E712 (nullable boolean)
         lambda row: f"early death (within {window} days) is 'yes' but the date of death is "
                     f"{days_to_death[row]:.0f} days after the perfusion"),
        ("early_death", early_death == True, data["vital_status"] == "alive",  # noqa: E712
         lambda row: "early death is 'yes' but the vital status is 'alive'"),
        ("early_death", early_death == False, days_to_death <= window,  # noqa: E712
         lambda row: f"early death is 'no' but the date of death is {days_to_death[row]:.0f} days after the "
                     f"perfusion, within {window} days"),
        ("reaction_amputation", reaction == True, data["amputation"] == False,  # noqa: E712
         lambda row: "an amputation for a treatment reaction is recorded but amputation is 'no'"),
        ("reaction_amputation", reaction == True, days_to_amputation > window,  # noqa: E712
         lambda row: f"an amputation for a treatment reaction within {window} days is 'yes' but the amputation "
                     f"is {days_to_amputation[row]:.0f} days after the perfusion"),
    ]
    instead = {"early_death": "read from the vital status and the date of death instead, as for an empty cell",
               "reaction_amputation": "read as unknown"}
    unknown = []
    for field, said, denied, message in contradictions:
        rows = data.index[(said & denied).fillna(False)]
        for row in rows:
            log.add(row, log.header(field), "yes" if data.at[row, field] else "no",
                    f"{message(row)}; {instead[field]}, the patient is kept (correct one of them)", "warning")
        unknown.append((field, rows))
    for field, rows in unknown:
        data.loc[rows, field] = pd.NA


def check_dates(data: pd.DataFrame, log: ProblemLog) -> None:
    """Events before the perfusion, and events or follow-up after death or last contact."""
    later = ["surgery_date", "amputation_date", "local_recurrence_date", "death_date", "last_followup_date"]
    for field in later:
        before = (data[field] < data["ilp_date"]).fillna(False)
        for row, value, ilp in zip(data.index[before], data.loc[before, field], data.loc[before, "ilp_date"]):
            log.add(row, log.header(field), value,
                    f"{BY_NAME[field].meaning} is before the perfusion ({_date(ilp)}); times run from the perfusion"
                    + _kept(field), _severity(field))
    for field in ["surgery_date", "amputation_date", "local_recurrence_date", "last_followup_date"]:
        after = (data[field] > data["death_date"]).fillna(False)
        for row, value, death in zip(data.index[after], data.loc[after, field], data.loc[after, "death_date"]):
            log.add(row, log.header(field), value,
                    f"{BY_NAME[field].meaning} is after the date of death ({_date(death)}); correct one of them"
                    + _kept(field), _severity(field))
    for field in ["surgery_date", "amputation_date", "local_recurrence_date"]:
        after = (data[field] > data["last_followup_date"]).fillna(False) & data["death_date"].isna()
        for row, value, last in zip(data.index[after], data.loc[after, field], data.loc[after, "last_followup_date"]):
            log.add(row, log.header(field), value,
                    f"{BY_NAME[field].meaning} is after the last follow-up ({_date(last)}); "
                    "the last follow-up must be the latest date" + _kept(field), _severity(field))


def check_plausible(data: pd.DataFrame, log: ProblemLog, today: dt.date) -> None:
    """Warnings: dates in the future or far from the others, and an age outside 0-120 or a tumour
    size outside (0, 100] cm (both read as missing, the patient kept: ``data`` changes)."""
    age = data["age_years"]
    odd = ((age < 0) | (age > 120)).fillna(False)
    log.add_many(data.index[odd], "age_years", age[odd],
                 "age must be between 0 and 120 years; read as missing, the patient is kept", "warning")
    data.loc[odd, "age_years"] = np.nan
    size = data["tumor_size_cm"]
    bad = ((size <= 0) | (size > MAX_TUMOUR_CM)).fillna(False)  # 999, a code for unknown, made a mean of 60 cm
    log.add_many(data.index[bad], "tumor_size_cm", size[bad],
                 f"tumour size must be greater than 0 and at most {MAX_TUMOUR_CM} cm (999 or -1 is often a code for "
                 "unknown: leave the cell empty); read as missing, the patient is kept", "warning")
    data.loc[bad, "tumor_size_cm"] = np.nan
    now = pd.Timestamp(today)
    for field in [f.name for f in FIELDS if f.kind == "date"]:
        dates = data[field]
        future = (dates > now).fillna(False)
        log.add_many(data.index[future], field, dates[future], "date is in the future; check it", "warning")
        present = dates.dropna()
        if len(present) >= 3:
            median = present.sort_values().iloc[len(present) // 2]
            far = ((dates - median).abs() > pd.Timedelta(days=DAYS_PER_YEAR * FAR_YEARS)).fillna(False) & ~future
            log.add_many(data.index[far], field, dates[far],
                         f"date is more than {FAR_YEARS} years from the others in this column "
                         f"(middle: {_date(median)}); check for a typing error", "warning")


_LISTED_ROWS = 5  # a message names this many rows, then counts the rest: memory stays linear in rows


def code_key(code) -> str:
    """What makes two patient codes the same patient: compared after Unicode normalisation
    (NFKC: full-width 'Ｐ１' is 'P1'), without invisible characters (zero-width spaces, soft
    hyphens) and repeated spaces, ignoring capitals."""
    text = unicodedata.normalize("NFKC", str(code))
    text = "".join("-" if unicodedata.category(ch) == "Pd" else ch  # a non-breaking or en dash is a hyphen
                   for ch in text if unicodedata.category(ch) not in ("Cf", "Cc"))
    return " ".join(text.casefold().split())


def _spelled(code) -> str:
    """A code as a reader can tell it apart: invisible and look-alike characters named,
    'P<U+200B>1' rather than 'P\\u200b1' or an empty-looking 'P1'."""
    return "'" + "".join(ch if _plainly_visible(ch) else f"<U+{ord(ch):04X}>" for ch in str(code)) + "'"


def _plainly_visible(ch: str) -> bool:
    """ASCII that prints, or a letter or digit of another script that is not a full- or half-width form."""
    if ch.isascii():
        return ch.isprintable()
    return unicodedata.category(ch) in ("Lu", "Ll", "Lt", "Lm", "Lo", "Nd") and \
        unicodedata.east_asian_width(ch) not in ("F", "H")


def check_duplicates(data: pd.DataFrame, log: ProblemLog) -> None:
    """Every row whose patient code another row shares, or resembles so closely that a reader
    cannot tell them apart, is an error naming the other rows (the first few, then a count)."""
    ids = data["patient_id"]
    known = ids.notna()
    codes, distinct = pd.factorize(ids[known])
    keys = pd.Series(pd.Index([code_key(c) for c in distinct])[codes], index=data.index[known])
    repeated = keys.duplicated(keep=False)
    for _, rows in keys[repeated].groupby(keys[repeated].to_numpy(), sort=False):
        rows = rows.index
        spelled = ids[rows]
        listed = ", ".join(str(r) for r in rows[:_LISTED_ROWS])
        more = f" and {len(rows) - _LISTED_ROWS:,} more" if len(rows) > _LISTED_ROWS else ""
        if spelled.nunique() == 1:
            text = f"patient code {spelled.iloc[0]!r} is on {len(rows):,} rows ({listed}{more})"
        else:
            variants = ", ".join(_spelled(v) for v in spelled.unique()[:_LISTED_ROWS])
            text = (f"patient codes {variants} differ only in capitals, spaces, invisible characters or character "
                    f"width, so they read as one patient on {len(rows):,} rows ({listed}{more})")
        message = text + "; each patient needs their own code"
        for row, code in zip(rows, spelled):
            log.add(row, log.header("patient_id"), code, message)
