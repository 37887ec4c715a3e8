"""Reading a cohort table from .xlsx, .xlsm, .xls, .ods or .csv, with its header row found.

The format is recognised from the file's content, not its name. Archives are
checked (total uncompressed size, compression ratio, member count) before any
parsing, so a zip bomb is refused without being inflated. Cells come back as
the spreadsheet holds them (text, numbers, dates, booleans); row numbers are
those Excel shows.
"""
from __future__ import annotations

import csv
import io
import re
import zipfile
import zlib
from pathlib import Path

import numpy as np
import pandas as pd
import python_calamine

from .mapping import suggest_mapping
from .schema import CohortError

MAX_FILE_BYTES = 100 * 2**20
MAX_UNCOMPRESSED_BYTES = 600 * 2**20
MAX_COMPRESSION_RATIO = 200
MAX_ARCHIVE_MEMBERS = 5_000
MAX_ROWS = 1_048_576
MAX_COLUMNS = 1_000
MAX_SHEET_CELLS = 10_000_000  # rows x columns of a sheet's extent (calamine holds the whole rectangle)
_HEADER_SCAN_ROWS = 30
_OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def _read_source(source) -> tuple[bytes, str]:
    """The file's bytes and a name for messages, from a path, bytes or a file object."""
    if isinstance(source, (bytes, bytearray, memoryview)):
        data, name = bytes(source), "the file"
    elif isinstance(source, (str, Path)):
        path = Path(source)
        if not path.is_file():
            raise CohortError(f"No file at {str(path)!r}.")
        if path.stat().st_size > MAX_FILE_BYTES:
            raise CohortError(_too_large(path.stat().st_size))
        data, name = path.read_bytes(), path.name
    elif hasattr(source, "read"):
        data = source.read(MAX_FILE_BYTES + 1)
        name = getattr(source, "name", "the file")
        if isinstance(data, str):
            data = data.encode("utf-8")
    else:
        raise CohortError(f"Cannot read a cohort from a {type(source).__name__}; give a path, bytes or a file.")
    if len(data) > MAX_FILE_BYTES:
        raise CohortError(_too_large(len(data)))
    if not data.strip():
        raise CohortError(f"{name} is empty: there is nothing to read.")
    return data, str(name)


def _too_large(size: int) -> str:
    return (f"The file is {size / 2**20:.0f} MB; the limit is {MAX_FILE_BYTES // 2**20} MB. "
            "Remove columns or sheets the analysis does not need, or save it as .xlsx.")


_ROW = re.compile(rb'<row[^>]*\br="(\d+)"')
_DIMENSION = re.compile(rb'<dimension ref="[A-Z]+\d+(?::([A-Z]+)\d+)?"')
_DECLARATION = re.compile(rb"<!(?:DOCTYPE|ENTITY)", re.IGNORECASE)


def _column_number(letters: bytes) -> int:
    number = 0
    for letter in letters.decode():
        number = number * 26 + ord(letter) - 64
    return number


def _inspect_member(archive: zipfile.ZipFile, member: zipfile.ZipInfo, budget: int) -> tuple[int, int, int]:
    """Inflate one member in chunks (never beyond ``budget`` bytes), refusing XML entity
    declarations; returns (bytes inflated, last row number, last column from <dimension>)."""
    total, last_row, last_column, tail = 0, 0, 0, b""
    with archive.open(member) as stream:
        while chunk := stream.read(2**20):
            total += len(chunk)
            if total > budget:
                return total, last_row, last_column
            window = tail + chunk
            if member.filename.endswith((".xml", ".rels", ".vml")) and _DECLARATION.search(window):
                raise CohortError(f"The file holds an XML entity declaration ({member.filename}), which a "
                                  "spreadsheet never needs and which can be used to attack the reader. It was refused. "
                                  "Open it in Excel and save it again as .xlsx.")
            if member.filename.startswith("xl/worksheets/"):
                rows = _ROW.findall(window)
                last_row = max([last_row] + [int(r) for r in rows])
                if not last_column and (dimension := _DIMENSION.search(window)):
                    last_column = _column_number(dimension.group(1)) if dimension.group(1) else 1
            tail = window[-64:]
    return total, last_row, last_column


def _check_archive(data: bytes) -> zipfile.ZipFile:
    """Refuse archives that would inflate too far, declare XML entities, or hold a sheet far
    larger than its data. Every member is inflated in chunks here, with a budget, so sizes
    the archive merely declares are not trusted."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        members = archive.infolist()
    except (zipfile.BadZipFile, ValueError) as exc:
        raise CohortError(f"The file looks like a damaged spreadsheet and cannot be opened ({exc}).") from None
    if len(members) > MAX_ARCHIVE_MEMBERS:
        raise CohortError(f"The file holds {len(members):,} parts; a spreadsheet has far fewer. "
                          "It was refused unopened.")
    budget = min(MAX_UNCOMPRESSED_BYTES, MAX_COMPRESSION_RATIO * len(data))
    declared = sum(m.file_size for m in members)
    unpacked = 0
    try:
        for member in members:
            if declared > budget:
                unpacked = declared
                break
            size, last_row, last_column = _inspect_member(archive, member, budget - unpacked)
            unpacked += size
            if unpacked > budget:
                break
            if last_row * max(last_column, 1) > MAX_SHEET_CELLS:
                raise CohortError(
                    f"A sheet ({member.filename.rsplit('/', 1)[-1]}) spans {last_row:,} rows by {last_column:,} "
                    f"columns, more than the {MAX_SHEET_CELLS:,} cells this app reads; usually a stray entry far "
                    "below or to the right of the data. Delete the empty rows and columns after your data and "
                    "save again.")
    except (zipfile.BadZipFile, EOFError, OSError, zlib.error) as exc:
        raise CohortError(f"The file looks like a damaged spreadsheet and cannot be opened ({exc}).") from None
    if unpacked > budget:
        raise CohortError(
            f"The file would unpack to {unpacked / 2**20:,.0f} MB or more ({unpacked / len(data):,.0f} times its "
            f"size); the limits are {MAX_UNCOMPRESSED_BYTES // 2**20} MB and {MAX_COMPRESSION_RATIO} times. "
            "It was refused unopened: it may be damaged or built to exhaust memory.")
    return archive


def _format(data: bytes, name: str) -> str:
    """'workbook' (anything calamine reads) or 'csv'; a CohortError for everything else."""
    if data[:4] == b"PK\x03\x04":
        names = set(_check_archive(data).namelist())
        if {"xl/workbook.xml", "xl/workbook.bin", "content.xml"} & names:
            return "workbook"
        raise CohortError(f"{name} is a zip archive, not a spreadsheet. Upload the .xlsx, .ods or .csv itself.")
    if data[:8] == _OLE2:
        if "EncryptedPackage".encode("utf-16-le") in data or "EncryptionInfo".encode("utf-16-le") in data:
            raise CohortError(f"{name} is password-protected. Save an unprotected copy in Excel "
                              "(File > Info > Protect Workbook > remove the password) and upload that.")
        return "workbook"
    if data[:5] == b"%PDF-":
        raise CohortError(f"{name} is a PDF, not a spreadsheet. Upload the Excel workbook (.xlsx) or a .csv.")
    head = data[:4096]
    if b"\x00" in head and not head.startswith((b"\xff\xfe", b"\xfe\xff")):
        printable = sum(32 <= b < 127 or b in (9, 10, 13) for b in head) / len(head)
        if printable > 0.9:
            raise CohortError(f"{name} looks like a text table but holds NUL characters, which a table never has. "
                              "Save it again from Excel as 'CSV UTF-8' and upload that.")
        raise CohortError(f"{name} is not a spreadsheet or text table this app can read. "
                          "Upload .xlsx, .xlsm, .xls, .ods or .csv.")
    return "csv"


# What calamine raises on a damaged or odd file: its own errors, and value errors from cell contents.
_CALAMINE_ERRORS = (python_calamine.CalamineError, ValueError, OverflowError, UnicodeError, OSError)


def _open_workbook(data: bytes, name: str) -> python_calamine.CalamineWorkbook:
    try:
        return python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(data))
    except python_calamine.PasswordError:
        raise CohortError(f"{name} is password-protected. Save an unprotected copy and upload that.") from None
    except _CALAMINE_ERRORS as exc:  # a damaged or unsupported file (a bug of ours is not caught here)
        raise CohortError(f"{name} could not be read as a spreadsheet ({type(exc).__name__}: {exc}). "
                          "Open it in Excel, save it again as .xlsx, and upload that.") from None


def _decode(data: bytes) -> str:
    for encoding in ("utf-8-sig", "utf-16") if data[:2] in (b"\xff\xfe", b"\xfe\xff") else ("utf-8-sig",):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    return data.decode("cp1252", errors="strict") if _is_cp1252(data) else data.decode("latin-1")


def _is_cp1252(data: bytes) -> bool:
    try:
        data.decode("cp1252")
        return True
    except UnicodeDecodeError:
        return False


def _csv_rows(data: bytes) -> list[list]:
    text = _decode(data).replace("\x00", "")
    sample = text[:65536]
    try:
        delimiter = csv.Sniffer().sniff(sample, delimiters=",;\t|").delimiter
    except csv.Error:
        delimiter = max(",;\t|", key=sample.count)
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    try:
        return [list(row) for row in reader]
    except csv.Error as exc:
        raise CohortError(f"Line {reader.line_num} of the file could not be read as a table ({exc}); a cell that "
                          "long is not patient data. Check that line, or save the sheet from Excel as .xlsx.") from None


def _blank(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip()) or (
        isinstance(value, float) and value != value)


def _workbook_rows(workbook, sheet: str, nrows: int | None = None) -> list[list]:
    try:
        return workbook.get_sheet_by_name(sheet).to_python(skip_empty_area=False, nrows=nrows)
    except _CALAMINE_ERRORS as exc:
        raise CohortError(f"Sheet {sheet!r} could not be read ({type(exc).__name__}: {exc}).") from None


def _visible_sheets(workbook) -> list[str]:
    visible = [m.name for m in workbook.sheets_metadata
               if m.visible == python_calamine.SheetVisibleEnum.Visible
               and m.typ == python_calamine.SheetTypeEnum.WorkSheet]
    return visible or list(workbook.sheet_names)


def _header_score(row: list) -> tuple[int, int]:
    """(recognised field names, text cells) of a candidate header row; (0, 0) if it can't be one.
    Only the first 200 cells are read: a cohort's fields sit at the left."""
    cells = [c for c in row[:200] if not _blank(c)]
    texts = [str(c).strip() for c in cells if isinstance(c, str)]
    if len(cells) < 2 or len(texts) < 0.8 * len(cells):
        return 0, 0
    return len(suggest_mapping(texts)), len(texts)


def find_header_row(rows: list[list]) -> int | None:
    """0-based index of the header row among the first rows: the row naming the most
    cohort fields (title and blank rows above it are skipped); failing that, the first
    row of two or more text cells. None if there is none."""
    scores = [_header_score(row) for row in rows[:_HEADER_SCAN_ROWS]]
    best = max(range(len(scores)), key=lambda i: (scores[i][0], -i), default=None)
    if best is not None and scores[best][0] >= 2:
        return best
    return next((i for i, (_, texts) in enumerate(scores) if texts >= 2), None)


def sheet_names(source) -> list[str]:
    """The sheet names of a workbook (visible sheets first); ``["data"]`` for a .csv file."""
    data, name = _read_source(source)
    if _format(data, name) == "csv":
        return ["data"]
    workbook = _open_workbook(data, name)
    visible = _visible_sheets(workbook)
    return visible + [s for s in workbook.sheet_names if s not in visible]


def _choose_sheet(workbook) -> tuple[str, list[list]]:
    """The sheet whose header names the most cohort fields: visible sheets first, a hidden one
    only when it names more fields than any visible sheet. Its rows are returned too, since
    calamine parses a whole sheet to read any of it."""
    visible = _visible_sheets(workbook)
    ordered = visible + [s for s in workbook.sheet_names if s not in visible]
    best = None
    for sheet in ordered:
        rows = _workbook_rows(workbook, sheet)
        score = max((_header_score(r)[0] for r in rows[:_HEADER_SCAN_ROWS]), default=0)
        if best is None or score > best[0]:
            best = (score, sheet, rows)
    return best[1], best[2]


def _column_letter(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, remainder = divmod(index - 1, 26)
        letters = chr(65 + remainder) + letters
    return letters


def _headers(header: list, body: list[list], width: int) -> list[str | None]:
    """Header text per column; 'Column F' for an unnamed column holding data; None to drop it."""
    names: list[str | None] = []
    for j in range(width):
        text = header[j] if j < len(header) else None
        if not _blank(text):
            names.append(str(text).strip() if not isinstance(text, float) or not text.is_integer()
                         else str(int(text)))
        elif any(j < len(row) and not _blank(row[j]) for row in body):
            names.append(f"Column {_column_letter(j)}")
        else:
            names.append(None)
    seen: dict[str, int] = {}
    for j, text in enumerate(names):
        if text is None:
            continue
        key = text.casefold()
        if key in seen:
            raise CohortError(
                f"The header {text!r} appears twice, in columns {_column_letter(seen[key])} and "
                f"{_column_letter(j)}. Rename one so every column has its own name, then upload again.")
        seen[key] = j
    return names


def _clean_cell(value):
    if isinstance(value, str):
        value = value.strip()
        return value or None
    return None if _blank(value) else value


def _clean_column(values: np.ndarray) -> np.ndarray:
    """Strip text and turn blanks into None, once per distinct value."""
    codes, uniques = pd.factorize(values, use_na_sentinel=True)
    cleaned = np.empty(len(uniques) + 1, dtype=object)
    cleaned[:-1] = [_clean_cell(v) for v in uniques]
    cleaned[-1] = None  # code -1: missing
    return cleaned[codes]


def read_table(source, *, sheet: str | None = None, header_row: int | None = None) -> pd.DataFrame:
    """Read one sheet (or a .csv) into a DataFrame of raw cell values.

    Parameters
    ----------
    source : path, bytes or file object of an .xlsx, .xlsm, .xls, .ods or .csv file
        (.csv: any of , ; tab | as delimiter; UTF-8, UTF-16 or Latin-1).
    sheet : the sheet to read; by default the visible sheet whose header row names the
        most cohort fields.
    header_row : the header's row number as Excel shows it (1 = first row); found
        automatically when omitted (title and blank rows above it are skipped).

    Returns
    -------
    DataFrame with the user's own headers as columns and the Excel row numbers as its
    index (named ``source_row``). Text is stripped, blank cells are None, entirely
    empty rows are left out. ``.attrs["sheet"]`` names the sheet read (None for .csv), ``.attrs["header_row"]`` the header's row number.

    Raises
    ------
    CohortError when the file cannot be used, with a message saying what to do.
    """
    data, name = _read_source(source)
    if _format(data, name) == "csv":
        rows = _csv_rows(data)
    else:
        workbook = _open_workbook(data, name)
        if sheet is None:
            sheet, rows = _choose_sheet(workbook)
        elif sheet not in workbook.sheet_names:
            raise CohortError(f"There is no sheet {sheet!r}; the sheets are "
                              f"{', '.join(map(repr, workbook.sheet_names))}.")
        else:
            rows = _workbook_rows(workbook, sheet)
    where = f"sheet {sheet!r}" if sheet else name
    if not any(not _blank(c) for row in rows for c in row):
        raise CohortError(f"{where} is empty: there is nothing to read.")
    if len(rows) > MAX_ROWS:
        raise CohortError(f"{where} has {len(rows):,} rows; the limit is {MAX_ROWS:,}.")
    if header_row is None:
        index = find_header_row(rows)
        if index is None:
            raise CohortError(f"No header row found in {where}: the first {_HEADER_SCAN_ROWS} rows have no "
                              "row of column names. Put one row of column names above the patients.")
    else:
        if not 1 <= int(header_row) <= len(rows):
            raise CohortError(f"Header row {header_row} is outside {where}, which has {len(rows)} rows.")
        index = int(header_row) - 1
    body = rows[index + 1:]
    width = max((len(r) for r in rows), default=0)
    headers = _headers(rows[index], body, width)
    kept = [j for j, h in enumerate(headers) if h is not None]
    if len(kept) > MAX_COLUMNS:
        raise CohortError(f"{where} has {len(kept):,} named columns; the limit is {MAX_COLUMNS:,}.")
    body_frame = pd.DataFrame(body, dtype=object)
    if body_frame.shape[1] < width:
        body_frame = body_frame.reindex(columns=range(width))
    table = pd.DataFrame({headers[j]: _clean_column(body_frame[j].to_numpy()) for j in kept})
    table.index = pd.RangeIndex(index + 2, index + 2 + len(body), name="source_row")
    table = table[table.notna().any(axis=1)]
    if table.empty:
        raise CohortError(f"{where} has a header row (row {index + 1}) but no patients below it.")
    table.attrs["sheet"] = sheet  # None for .csv
    table.attrs["header_row"] = index + 1
    return table
