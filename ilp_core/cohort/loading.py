"""Loading a cohort workbook: read, map, clean, validate, and report every problem."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import pandas as pd

from ilp_core.checks import check_choice
from ilp_core.cohort import cleaning, recoding, validation
from ilp_core.cohort.identifiers import identifier_columns
from ilp_core.cohort.mapping import suggest_mapping
from ilp_core.cohort.reading import read_table
from ilp_core.schema import AGE_GROUP, BY_NAME, FIELD_NAMES, FIELDS, REQUIRED, CohortError, extra_name

IDENTIFYING = "identify a patient directly"
_DTYPES = {"flag": "boolean", "grade": "Int64", "number": "float64", "date": "datetime64[ns]"}


@dataclass(frozen=True)
class Cohort:
    """A loaded cohort.

    Attributes
    ----------
    data : one row per valid patient: the schema fields (real dates, booleans,
        normalised categories; empty where unmapped), the user's other columns
        as they were, and ``source_row``, the row number as Excel shows it.
    problems : ``row, column, value, message, severity``: ``column`` is the user's
        own header; "error" rows are left out of ``data``, "warning" rows kept.
    mapping : ``{field: header}`` used.
    sheet : the sheet read (None for .csv).
    n_rows : non-empty rows below the header (each is in ``data`` or has an error).
    date_orders : ``{header: "DMY" | "MDY" | "YMD"}`` used for text dates.
    recode : ``{field: {raw value: canonical value or None}}`` applied before reading the values.
    left_out : ``patient_id, ilp_date`` of the rows left out for an error (as far as they could be read),
        so that a settings file can tell a patient left out from one no longer in the workbook.
    """

    data: pd.DataFrame = field(repr=False)
    problems: pd.DataFrame = field(repr=False)
    mapping: dict
    sheet: str | None
    n_rows: int
    date_orders: dict
    recode: dict = field(default_factory=dict)
    left_out: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=["patient_id", "ilp_date"]),
                                   repr=False)

    @property
    def n_patients(self) -> int:
        return len(self.data)

    @property
    def n_excluded(self) -> int:
        return self.n_rows - len(self.data)

    def summary(self) -> str:
        """'34 patients loaded, 2 rows excluded (3 errors), 1 warning.'"""
        errors = int((self.problems.severity == "error").sum())
        warnings = int((self.problems.severity == "warning").sum())
        text = f"{self.n_patients} patient{'s' if self.n_patients != 1 else ''} loaded"
        text += f", {self.n_excluded} row{'s' if self.n_excluded != 1 else ''} excluded"
        text += f" ({errors} error{'s' if errors != 1 else ''})" if errors else ""
        return text + (f", {warnings} warning{'s' if warnings != 1 else ''}." if warnings else ".")

    def identifying_columns(self) -> pd.DataFrame:
        """The problems that say a column seems to identify patients directly (names, phone numbers, ...)."""
        return self.problems[self.problems.message.str.contains(IDENTIFYING, regex=False)]

    def exclusions(self) -> str:
        """Why rows were left out, by column: "Fecha PAI (11 rows), Estado vital (2 rows)"; '' when none was.
        Only values an endpoint needs (the code, dates, flags, vital status) exclude a row."""
        errors = self.problems[(self.problems.severity == "error") & self.problems.row.notna()]
        rows = errors.groupby("column", sort=False)["row"].nunique().sort_values(ascending=False, kind="stable")
        return ", ".join(f"{column} ({n} row{'s' if n != 1 else ''})" for column, n in rows.items())


def _check_date_order(date_order: str) -> None:
    check_choice(date_order, "date_order", cleaning.DATE_ORDERS)


def _check_mapping(mapping: dict, headers) -> dict[str, str]:
    headers = list(headers)
    unknown = [f for f in mapping if f not in BY_NAME]
    if unknown:
        raise CohortError(f"Unknown field {unknown[0]!r} in the mapping; the fields are {', '.join(FIELD_NAMES)}.")
    absent = {f: h for f, h in mapping.items() if h is not None and h not in headers}
    if absent:
        field_name, header = next(iter(absent.items()))
        raise CohortError(f"The column {header!r} chosen for {field_name} is not in the sheet; "
                          f"its columns are {', '.join(map(repr, headers))}.")
    used = [h for h in mapping.values() if h is not None]
    twice = {h for h in used if used.count(h) > 1}
    if twice:
        header = twice.pop()
        fields = [f for f, h in mapping.items() if h == header]
        hint = " Leave the date of death unmapped: for the dead, the date of last contact is then read as it." \
            if set(fields[:2]) == {"death_date", "last_followup_date"} else ""
        raise CohortError(f"The column {header!r} is chosen for both {BY_NAME[fields[0]].label} and "
                          f"{BY_NAME[fields[1]].label}; each field needs its own column.{hint}")
    mapping = {f: h for f, h in mapping.items() if h is not None}
    missing = [f for f in REQUIRED if f not in mapping]
    if missing:
        listed = "; ".join(f"{BY_NAME[f].label} ({BY_NAME[f].meaning}: {BY_NAME[f].values})" for f in missing)
        raise CohortError(f"No column is chosen for {len(missing)} required field{'s' if len(missing) > 1 else ''}: "
                          f"{listed}. Choose the column that holds each, or add it to the workbook.")
    return {f: mapping[f] for f in FIELD_NAMES if f in mapping}


def _note_rows(table: pd.DataFrame, log: validation.ProblemLog) -> pd.Index:
    """Rows with a single filled cell (a note, a total, a stray code): reported, not read."""
    filled = table.notna().sum(axis=1)
    single = table.index[filled == 1]
    for row in single:
        header = table.loc[row].first_valid_index()
        log.add(row, header, table.at[row, header],
                "the only filled cell in this row; not read as a patient. Fill in the patient's "
                "other columns, or delete the row if it is a note")
    return single


def _death_at_last_contact(data, raw, dead, mapping: dict, log, header_row) -> None:
    """No column holds the date of death: for the dead, the date of last contact is that date, as the
    field reads ("for the dead: the date of death"), and as many registries keep one date column. Without
    it every dead patient was left out for a missing date of death. Said once, on the header row."""
    data.loc[dead, "death_date"] = data.loc[dead, "last_followup_date"]
    raw.loc[dead, "death_date"] = raw.loc[dead, "last_followup_date"]
    n = int(dead.sum())
    log.add(header_row, mapping["last_followup_date"], "",
            f"no column holds the date of death: for the {n} dead patient{'s' if n != 1 else ''}, this date of "
            "last contact is read as the date of death. If it is not, add the column of death dates", "warning")


def _clean(table: pd.DataFrame, mapping: dict, date_order: str, log, today, recode: dict):
    """Canonical values per schema field, the raw cells per field (after the user's recoding), and the
    date orders used."""
    raw = pd.DataFrame({f: recoding.apply(table[h], recode.get(f, {}), BY_NAME[f].kind) if h else None
                        for f, h in ((f, mapping.get(f)) for f in FIELD_NAMES)}, index=table.index)
    data = pd.DataFrame(index=table.index)
    date_columns = {mapping[f]: table[mapping[f]] for f in FIELD_NAMES
                    if f in mapping and BY_NAME[f].kind == "date"}
    orders, notes = cleaning.decide_date_orders(date_columns, date_order)
    for row, header, value, message in notes:
        log.add(row, header, value, message, "warning")
    for spec in FIELDS:
        column = raw[spec.name]
        if spec.kind == "date":
            order = orders.get(mapping.get(spec.name), "DMY")
            converted, failures = cleaning.convert(column, lambda v, o=order: cleaning.parse_date(v, o, today))
        elif spec.kind in ("sex", "flag"):
            chooser = cleaning.sex_parser if spec.kind == "sex" else cleaning.flag_parser
            written = table[mapping[spec.name]] if spec.name in mapping else column  # H/M, O beside 0/1: as written
            parse, note = chooser(written, mapping.get(spec.name))
            converted, failures = cleaning.convert(column, parse, spec.values)
            if note:  # said on the first row the note is about
                about = written.dropna()
                if spec.kind == "flag":
                    about = about[about.map(lambda v: cleaning.is_code(v, "o"))]
                first = about.index[0]
                log.add(first, mapping[spec.name], written[first], note, "warning")
        else:
            converted, failures = cleaning.convert(column, cleaning.PARSERS[spec.kind], spec.values)
        if failures:
            bad = column.isin(list(failures))
            if spec.descriptive:  # no endpoint rests on it: the patient stays, the value is unknown
                log.add_many(table.index[bad], spec.name, column[bad],
                             lambda v, f=failures: f"{f.get(v, 'unreadable')}; read as missing, the patient is kept",
                             "warning")
            else:
                log.add_many(table.index[bad], spec.name, column[bad], lambda v, f=failures: f.get(v, "unreadable"))
        if spec.kind == "text":
            converted = cleaning.unify_spelling(converted)
        data[spec.name] = converted.astype(_DTYPES.get(spec.kind, "object"))
    return data, raw, orders


def load_cohort(source, *, sheet: str | None = None, header_row: int | None = None,
                mapping: dict | None = None, date_order: str = "auto", recode: dict | None = None,
                today: dt.date | None = None) -> Cohort:
    """Read, map, clean and check a cohort workbook.

    Parameters
    ----------
    source : path, bytes or file object (.xlsx, .xlsm, .xls, .ods, .csv).
    sheet, header_row : see :func:`read_table`; found automatically when omitted.
    mapping : ``{field: header}``; :func:`suggest_mapping`'s guess when omitted.
    date_order : "auto" (decided from the text dates), "DMY", "MDY" or "YMD".
    recode : ``{field: {raw value: canonical value or None}}``, e.g. ``{"presentation":
        {"Recidivado": "recurrent"}}``: a cell whose text is a key is read as its value (None:
        missing). See :mod:`ilp_core.cohort.recoding` for the values each field can take.
    today : the date used to flag dates in the future (default: today).

    Returns
    -------
    Cohort, with every non-empty row either in ``.data`` or named in ``.problems``.

    Raises
    ------
    CohortError when the file cannot be used: not a spreadsheet, encrypted, empty,
    no header row, a required field without a column, too large, or no valid row.
    """
    _check_date_order(date_order)
    recoding.check_recode(recode)
    table = read_table(source, sheet=sheet, header_row=header_row)
    return cohort_from_table(table, mapping=mapping, date_order=date_order, recode=recode, today=today)


def cohort_from_table(table: pd.DataFrame, *, mapping: dict | None = None, date_order: str = "auto",
                      recode: dict | None = None, today: dt.date | None = None) -> Cohort:
    """:func:`load_cohort` for a table already read by :func:`read_table` (so a user
    interface can show the headers, then load without reading the file again)."""
    today = today or dt.date.today()
    _check_date_order(date_order)
    recode = recoding.check_recode(recode)
    mapping = _check_mapping(suggest_mapping(table.columns) if mapping is None else mapping, table.columns)
    log = validation.ProblemLog(mapping)
    for header, kind in identifier_columns(table).items():
        log.add(table.attrs.get("header_row"), header, "",
                f"this column seems to hold {kind}, which {IDENTIFYING}; remove it from the "
                "workbook before analysing or sharing results", "warning")
    for row, header, value, message, *severity in table.attrs.get("reading_notes", []):
        log.add(row, header, value, message, *(severity or ["warning"]))
    notes = _note_rows(table, log)
    patients = table.drop(index=notes)
    data, raw, orders = _clean(patients, mapping, date_order, log, today, recode)
    # for the dead, the last contact is the death date when none is given
    dead = data["vital_status"] == "dead"
    data.loc[dead & data["last_followup_date"].isna(), "last_followup_date"] = data["death_date"]
    if "death_date" not in mapping and dead.any() and "last_followup_date" in mapping:
        _death_at_last_contact(data, raw, dead, mapping, log, table.attrs.get("header_row"))
    validation.check_required(data, raw, log)
    validation.check_consistency(data, log)
    validation.check_dates(data, log)
    validation.check_plausible(data, log, today)
    validation.check_duplicates(data, log)

    extras = patients[[h for h in table.columns if h not in mapping.values()]]
    reserved = {*FIELD_NAMES, "source_row", AGE_GROUP}  # "age group": the app's own, under "Compare by"
    taken = reserved | set(extras.columns)
    extras.columns = [extra_name(h, taken) if h in reserved else h for h in extras.columns]
    full = pd.concat([data, extras], axis=1)
    full.insert(0, "source_row", table.index.to_numpy()[table.index.isin(patients.index)])
    excluded = full["source_row"].isin(log.error_rows())
    valid = full[~excluded].reset_index(drop=True)
    left_out = full.loc[excluded & full["patient_id"].notna(), ["patient_id", "ilp_date"]].reset_index(drop=True)
    problems = log.frame(table.index)
    if valid.empty:
        common = problems[problems.severity == "error"].message.value_counts().head(3)
        reasons = "; ".join(f"{m} ({n} row{'s' if n != 1 else ''})" for m, n in common.items())
        raise CohortError(f"No patient row could be used: all {len(table)} rows have errors. Most common: {reasons}.")
    return Cohort(valid, problems, mapping, table.attrs.get("sheet"), len(table), orders, recode, left_out)
