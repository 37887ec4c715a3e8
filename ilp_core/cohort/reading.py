"""Reading a cohort table from .xlsx, .xlsm, .xls, .ods or .csv, with its header row found.

The format is recognised from the file's content, not its name. Archives are
checked (total uncompressed size, compression ratio, member count) before any
parsing, so a zip bomb is refused without being inflated. Cells come back as
the spreadsheet holds them (text, numbers, dates, booleans); row numbers are
those Excel shows.
"""
from __future__ import annotations

import csv
import datetime
import html
import io
import json
import pickle
import re
import signal
import subprocess
import sys
import zipfile
import zlib
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
from defusedxml import ElementTree

from ilp_core.cohort.mapping import suggest_mapping
from ilp_core.schema import CohortError

MAX_FILE_BYTES = 100 * 2**20
MAX_CSV_BYTES = 40 * 2**20  # decoded and split in the server: a 99 MB line took 866 MB
MAX_CSV_CELLS = 5_000_000  # about 60 bytes each once split (100,000 patients x 26 columns: 2.6 million)
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


_ROW = re.compile(rb'<row\b[^>]{0,400}?\br="(\d+)"')  # bounded: '<row ' repeated without '>' was quadratic
_CELL_COLUMN = re.compile(rb'<c r="([A-Z]{1,3})')  # the cell's own reference: <dimension> can lie
_DECLARATION = re.compile(rb"<!(?:DOCTYPE|ENTITY)", re.IGNORECASE)


def _column_number(letters: bytes) -> int:
    number = 0
    for letter in letters.decode():
        number = number * 26 + ord(letter) - 64
    return number


def _inspect_member(archive: zipfile.ZipFile, member: zipfile.ZipInfo, budget: int) -> tuple[int, int, int]:
    """Inflate one member in chunks (never beyond ``budget`` bytes), refusing XML entity
    declarations; returns (bytes inflated, last row number, last column number) from the
    rows' and cells' own references."""
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
                last_row = max([last_row] + [int(r) for r in _ROW.findall(window)])
                columns = set(_CELL_COLUMN.findall(window))
                last_column = max([last_column] + [_column_number(c) for c in columns])
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
    if b"\x00" in head and not head.startswith((b"\xff\xfe", b"\xfe\xff")) and not _utf16_without_bom(head):
        printable = sum(32 <= b < 127 or b in (9, 10, 13) for b in head) / len(head)
        if printable > 0.9:
            raise CohortError(f"{name} looks like a text table but holds NUL characters, which a table never has. "
                              "Save it again from Excel as 'CSV UTF-8' and upload that.")
        raise CohortError(f"{name} is not a spreadsheet or text table this app can read. "
                          "Upload .xlsx, .xlsm, .xls, .ods or .csv.")
    return "csv"


_CHILD = Path(__file__).with_name("_workbook_child.py")
_CHILD_SECONDS = 60
_CHILD_BASE_BYTES = 400 * 2**20  # Python and calamine themselves, and a small workbook
_CHILD_BYTES_PER_FILE_BYTE = 60  # a real workbook holds about one cell per 5-15 of its bytes
_CHILD_MAX_BYTES = 1536 * 2**20  # 200,000 patients need about 620 MB


@dataclass(frozen=True)
class _Workbook:
    """What the child parser found: ``(name, visible, is_worksheet)`` per sheet, and rows
    of the sheets asked for (a sheet that could not be read maps to ``("error", message)``)."""

    name: str
    sheets: list[tuple[str, bool, bool]]
    rows: dict[str, list | tuple]

    @property
    def sheet_names(self) -> list[str]:
        return [s[0] for s in self.sheets]

    def ordered_sheets(self) -> list[str]:
        """Visible worksheets first, then hidden ones (every sheet if none is a visible worksheet)."""
        visible = [s for s, shown, worksheet in self.sheets if shown and worksheet]
        return visible + [s for s in self.sheet_names if s not in visible]

    def readable(self, sheet: str) -> bool:
        return isinstance(self.rows.get(sheet), dict)

    def sheet_rows(self, sheet: str) -> list[list]:
        """The sheet's cells from A1."""
        answer = self.rows[sheet]
        if not isinstance(answer, dict):
            raise CohortError(f"Sheet {sheet!r} could not be read ({answer[1]}).")
        return answer["cells"]

    def merged(self, sheet: str) -> list[tuple]:
        return self.rows[sheet]["merged"] if self.readable(sheet) else []


class _Cells(pickle.Unpickler):
    """Unpickles the child's answer, allowing no class but the date and time types of cells."""

    def find_class(self, module, name):
        if module == "datetime" and name in {"datetime", "date", "time", "timedelta", "timezone"}:
            return getattr(datetime, name)
        raise pickle.UnpicklingError(f"{module}.{name} is not a cell type")


def _parse_workbook(data: bytes, name: str, sheets: list[str] | None) -> _Workbook:
    """Parse in a child process with a memory limit: calamine allocates a sheet's whole rectangle
    and Rust aborts when that fails, which must end the child, never the server.
    ``sheets=None`` reads only the sheet names; ``[]`` reads every worksheet."""
    limit = min(_CHILD_BASE_BYTES + _CHILD_BYTES_PER_FILE_BYTE * len(data), _CHILD_MAX_BYTES)
    request = json.dumps({"limit": limit, "mode": "names" if sheets is None else "rows",
                          "sheets": sheets or []}).encode()
    try:  # a bare environment: RUST_BACKTRACE=1 made a panicking parser hang on its backtrace
        run = subprocess.run([sys.executable, "-I", str(_CHILD)], capture_output=True, timeout=_CHILD_SECONDS,
                             input=len(request).to_bytes(8, "big") + request + data,
                             env={"RUST_BACKTRACE": "0", "LC_ALL": "C.UTF-8"})
    except subprocess.TimeoutExpired:
        raise CohortError(_too_hard(name, f"took more than {_CHILD_SECONDS} s")) from None
    if run.returncode != 0 or not run.stdout:
        cpu = run.returncode in (-getattr(signal, "SIGXCPU", 24), -getattr(signal, "SIGKILL", 9))
        raise CohortError(_too_hard(name, "took too long" if cpu else f"needed more than {limit / 2**20:,.0f} MB"))
    answer = _Cells(io.BytesIO(run.stdout)).load()
    if answer[0] == "password":
        raise CohortError(f"{name} is password-protected. Save an unprotected copy and upload that.")
    if answer[0] == "memory":
        raise CohortError(_too_hard(name, f"needed more than {limit / 2**20:,.0f} MB"))
    if answer[0] == "damaged":
        raise CohortError(f"{name} could not be read as a spreadsheet ({answer[1]}). "
                          "Open it in Excel, save it again as .xlsx, and upload that.")
    return _Workbook(name, answer[1], answer[2])


def _too_hard(name: str, what: str) -> str:
    return (f"Reading {name} {what}, far more than a table of patients needs; usually a stray entry far below "
            "or to the right of the data, or a damaged file. It was stopped; nothing else was affected. Delete the "
            "empty rows and columns after your data, save it again as .xlsx, and upload that.")


def _utf16_without_bom(head: bytes) -> str | None:
    """'utf-16-le' or 'utf-16-be' when text written as UTF-16 lost its byte-order mark (every other byte
    of Latin text is then NUL); None otherwise."""
    even, odd = head[0:len(head) - len(head) % 2:2], head[1:len(head) - len(head) % 2:2]
    if len(even) < 8:
        return None
    if odd.count(0) > 0.9 * len(odd) and even.count(0) < 0.1 * len(even):
        return "utf-16-le"
    if even.count(0) > 0.9 * len(even) and odd.count(0) < 0.1 * len(odd):
        return "utf-16-be"
    return None


def _decode(data: bytes) -> str:
    if data[:2] not in (b"\xff\xfe", b"\xfe\xff") and (encoding := _utf16_without_bom(data[:4096])):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            pass
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


def _csv_delimiter(sample: str) -> str:
    """The one of , ; tab | that splits the first lines most consistently into the most cells:
    the count most lines share, weighted by how many share it (a ';' typed in a notes cell
    does not outvote the header's commas, as it can with csv.Sniffer)."""
    lines = [line for line in io.StringIO(sample, newline="").readlines()[:_HEADER_SCAN_ROWS] if line.strip()]

    def score(delimiter: str) -> float:
        counts = Counter(line.count(delimiter) for line in lines)
        counts.pop(0, None)  # lines without it (stray ';' lines after a line break in a cell) decide nothing
        common, share = max(counts.items(), key=lambda item: (item[1], item[0]), default=(0, 0))
        return common * share

    best = max(",;\t|", key=score)
    return best if score(best) > 0 else ","


def _csv_rows(data: bytes) -> tuple[list[list], list[tuple]]:
    """The rows of a text table, and notes ``(row index, column index, value, message)``.

    A quote opened in a cell and closed lines later (or never) makes one cell of every line
    in between. Where those lines look like rows of the table (they hold the delimiter), each
    is read as its own row, the quote kept as text, and the first is reported: no patient
    disappears into a cell. A quoted cell whose lines hold no more delimiters than a row's few is a
    cell written on several lines, as Excel saves it, and is read as one cell."""
    if len(data) > MAX_CSV_BYTES:  # a text table is parsed here, not in the child: its size bounds the memory
        raise CohortError(f"The text table is {len(data) / 2**20:.0f} MB; the limit for .csv is "
                          f"{MAX_CSV_BYTES // 2**20} MB (a cohort of 100,000 patients takes about 10). Save it as "
                          ".xlsx, or remove the columns the analysis does not need.")
    lines = data.count(b"\n") + data.count(b"\r") - data.count(b"\r\n")  # \r alone ends a line too
    if lines > MAX_ROWS:
        raise CohortError(f"The file has about {lines:,} lines; the limit is {MAX_ROWS:,} rows.")
    estimate = max(data.count(d) for d in (b",", b";", b"\t", b"|")) + lines
    if estimate > MAX_CSV_CELLS:
        raise CohortError(f"The file holds about {estimate:,} cells, more than the {MAX_CSV_CELLS:,} this app "
                          "reads from a .csv. Remove the columns the analysis does not need, or save it as .xlsx.")
    text = _decode(data).replace("\x00", "")
    delimiter = _csv_delimiter(text[:65536])
    head = io.StringIO(text[:65536], newline="").readlines()[:_HEADER_SCAN_ROWS]
    row_like = max(2, max((line.count(delimiter) for line in head), default=0) // 2)  # delimiters a row holds
    spanned: list[str] = []

    def lines():
        for line in io.StringIO(text, newline=""):
            spanned.append(line)
            yield line

    reader = csv.reader(lines(), delimiter=delimiter)
    rows, notes, first_line, width = [], [], 0, 0
    try:
        for row in reader:
            if len(spanned) > 1 and (_swallows_rows(row, delimiter, row_like) or (width and len(row) > width)):
                notes.append(_open_quote_note(len(rows), row, spanned, first_line))
                rows.extend(next(csv.reader([line.rstrip("\r\n")], delimiter=delimiter, quoting=csv.QUOTE_NONE), [])
                            for line in spanned)
            else:
                rows.append(row)
                width = max(width, len(row)) if len(spanned) == 1 else width  # the widest row on one line
            first_line += len(spanned)
            spanned.clear()
    except csv.Error as exc:
        raise CohortError(f"Line {reader.line_num} of the file could not be read as a table ({exc}); a cell that "
                          "long is not patient data. Check that line, or save the sheet from Excel as .xlsx.") from None
    return rows, notes


def _swallows_rows(cells: list[str], delimiter: str, row_like: int) -> bool:
    """Whether a cell written on several lines holds lines that look like rows of the table (the delimiter
    as often as a row holds it): a stray quote, not a note typed on several lines. The cell's own lines are
    read, not the file's: a multi-line note in the middle of a row is followed, on its last line, by the
    rest of its row, which made a well-quoted patient two rows with errors. A quote opened in a row's last
    cells and closed in the next row's first holds no such line: the record then has more cells than any
    row on one line (the caller's check), where that patient was merged into the row above unsaid."""
    return any(piece.count(delimiter) >= row_like
               for cell in cells if "\n" in cell or "\r" in cell for piece in cell.splitlines())


def _open_quote_note(row: int, cells: list[str], spanned: list[str], first_line: int) -> tuple:
    column = next((j for j, cell in enumerate(cells) if "\n" in cell or "\r" in cell), len(cells) - 1)
    closed = spanned[-1].rstrip("\r\n").count('"') % 2 == 1
    where = f"closes only on line {first_line + len(spanned)} of the file" if closed else "is never closed"
    others = len(spanned) - 1
    return (row, column, '"' + cells[column].splitlines()[0] if cells[column] else '"',
            f'a quote (") opened in this cell {where}, which would make the {others} line{"s" if others > 1 else ""} '
            "after it part of this cell; each line was read as its own row instead, the quote kept as text. "
            "Check these rows, and close or remove the quote in the file")


_ERROR_CELL = re.compile(rb'<c\b(?=[^>]{0,400}?\bt="e")[^>]{0,400}?\br="([A-Z]{1,3})(\d+)"[^>]{0,400}>'
                         rb'(?:(?!</c>).){0,2000}?<v>([^<]{1,40})</v>', re.DOTALL)  # every run bounded
# a formula with no saved result (openpyxl and other programs write none; Excel and LibreOffice always do);
# t="str" with an empty result is a formula whose answer is empty text, and is left alone
_FORMULA_CELL = re.compile(rb'<c\b(?P<attrs>[^>]{0,400}?)(?<!/)>\s{0,40}<f\b[^>]{0,400}?'
                           rb'(?:/>|>(?P<formula>[^<]{0,8192})</f>)\s{0,40}(?:<v>\s{0,40}</v>|<v/>)?\s{0,40}</c>')
_CELL_REFERENCE = re.compile(rb'\br="([A-Z]{1,3})(\d+)"')
_RELATIONSHIP_NS = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"


def _sheet_member(archive: zipfile.ZipFile, sheet: str) -> str | None:
    """The archive member holding an .xlsx sheet, from the workbook and its relationships."""
    try:
        book = ElementTree.fromstring(archive.read("xl/workbook.xml"))
        links = ElementTree.fromstring(archive.read("xl/_rels/workbook.xml.rels"))
    except (KeyError, ElementTree.ParseError):
        return None
    ids = {s.get("name"): s.get(_RELATIONSHIP_NS) for s in book.iter() if s.tag.endswith("}sheet")}
    targets = {r.get("Id"): r.get("Target", "") for r in links}
    target = targets.get(ids.get(sheet), "").lstrip("/")
    return target if target.startswith("xl/") else "xl/" + target if target else None


def _uncomputed_formulas(xml: bytes):
    """``(column letters, row, formula)`` of each formula cell with no saved result. The search starts from
    each formula, not each cell: scanning every cell for one cost 1.8 s at 100,000 rows."""
    for found in re.finditer(rb"<f\b", xml):
        start = xml.rfind(b"<c ", max(0, found.start() - 500), found.start())
        end = xml.find(b"</c>", found.start(), found.start() + 9000)
        cell = _FORMULA_CELL.fullmatch(xml, start, end + 4) if start >= 0 and end >= 0 else None
        if cell and b't="str"' not in cell.group("attrs") and (where := _CELL_REFERENCE.search(cell.group("attrs"))):
            yield where.group(1), where.group(2), cell.group("formula")


def _error_cells(data: bytes, sheet: str) -> list[tuple]:
    """Notes for cells of an .xlsx sheet that hold a spreadsheet error (#DIV/0!, #N/A, #REF!...), or a
    formula with no saved result, which the reader returns as blank."""
    archive = zipfile.ZipFile(io.BytesIO(data))
    member = _sheet_member(archive, sheet)
    if member is None or member not in archive.namelist():
        return []
    xml = archive.read(member)
    notes = []
    for letters, row, formula in _uncomputed_formulas(xml):
        shown = "=" + html.unescape(formula.decode("utf-8", "replace")) if formula else "a formula"
        notes.append((int(row) - 1, _column_number(letters) - 1, shown,
                      "this cell holds a formula but no saved result (the file was written by a program, not "
                      "saved by Excel or LibreOffice); it was read as blank. Open the file in Excel, save it, and "
                      "upload it again, or type the value"))
    for letters, row, value in _ERROR_CELL.findall(xml):
        shown = value.decode("utf-8", "replace")
        notes.append((int(row) - 1, _column_number(letters) - 1, shown,
                      f"the spreadsheet shows an error ({shown}) in this cell, not a value; it was read as blank. "
                      "Correct the formula, or type the value"))
    return notes


def _rows_above_header(rows: list[list], header: int) -> list[tuple]:
    """Rows above the header filled like a patient's (at least 3 cells and half as many as the header
    names): not read, so reported as errors, never dropped in silence. A title or a date is not."""
    named = sum(not _blank(c) for c in rows[header])
    notes = []
    for r in range(header):
        filled = [j for j, c in enumerate(rows[r]) if not _blank(c)]
        if len(filled) >= max(3, named // 2):
            notes.append((r, filled[0], rows[r][filled[0]], f"this row is above the header row ({header + 1}), so "
                          "it was not read; if it is a patient, move it below the header or choose the header row "
                          "on the Data page", "error"))
    return notes


_MAX_MERGED = 10_000  # distinct merged ranges carried down (a sheet of patients has a few)


def _carry_merged(rows: list[list], merged: list[tuple], header: int) -> list[tuple]:
    """Give every row of a merged range below the header the value of its top cell, in the range's
    first column (a reader only keeps it in the top cell: the rows below would read as blank);
    notes say where."""
    notes = []
    last = max((r for r, row in enumerate(rows) if any(not _blank(c) for c in row)), default=0)
    for (top, left), (bottom, right) in sorted(set(merged))[:_MAX_MERGED]:
        if bottom <= top or top <= header or top >= len(rows) or left >= len(rows[top]):
            continue
        value = rows[top][left]
        if _blank(value):
            continue
        span = f"{_column_letter(left)}{top + 1}:{_column_letter(right)}{bottom + 1}"
        # a range reaching row 20000 holds no data beyond the sheet's own last row
        bottom = min(bottom, last)
        for r in range(top + 1, bottom + 1):  # in the range's own column: a merge across fields is a layout
            rows[r].extend([None] * (left + 1 - len(rows[r])))
            rows[r][left] = value
        notes.append((top, left, value, f"cells {span} are merged; the value was read for each of rows "
                                        f"{top + 1} to {bottom + 1}. Check it holds for every one of them"))
    return notes


def _blank(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip()) or (
        isinstance(value, float) and value != value)


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
    return _parse_workbook(data, name, None).ordered_sheets()


def _choose_sheet(workbook: _Workbook) -> tuple[str, list[list]]:
    """The sheet whose header names the most cohort fields among the visible sheets that look like a
    list of patients (two fields or more); a hidden sheet only when no visible one does. A hidden
    "old backup" naming two more fields was analysed in place of the visible current list."""
    visible = {s for s, shown, worksheet in workbook.sheets if shown and worksheet}
    best = None
    for sheet in workbook.ordered_sheets():
        if sheet not in workbook.rows:
            continue
        if best is not None and best[1] in visible and best[0] >= 2 and sheet not in visible:
            break  # sheets come visible first
        rows = workbook.sheet_rows(sheet)
        score = _sheet_score(rows)
        if best is None or score > best[0]:
            best = (score, sheet, rows)
    if best is None:
        raise CohortError(f"{workbook.name} holds no worksheet (only charts or macros); put the patients on a sheet.")
    return best[1], best[2]


def _sheet_score(rows: list[list]) -> int:
    return max((_header_score(r)[0] for r in rows[:_HEADER_SCAN_ROWS]), default=0)


def _other_patient_lists(workbook: _Workbook, chosen: str) -> list[str]:
    """Other sheets whose header names two or more cohort fields: patients the user may have missed."""
    return [s for s in workbook.ordered_sheets() if s != chosen and workbook.readable(s)
            and _sheet_score(workbook.sheet_rows(s)) >= 2]


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
            first = names[seen[key]]
            same = f"The header {text!r} appears twice" if first == text else \
                f"The headers {first!r} and {text!r} read as the same name"
            raise CohortError(
                f"{same}, in columns {_column_letter(seen[key])} and {_column_letter(j)}. Rename one so every "
                "column has its own name, then upload again.")
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


def read_sheets(source, sheets: list[str], *, header_row: int | None = None) -> pd.DataFrame:
    """Several sheets holding the same columns read as one table (a list split by year, say).

    Each sheet is read as :func:`read_table` reads it, its header found on its own unless
    ``header_row`` is given; the columns must be the same on every sheet (in any order and
    capitalisation). Rows are labelled with their sheet, ``"2019 row 5"``, so every problem
    still points at the cell Excel shows. ``.attrs["sheet"]`` is the first sheet,
    ``.attrs["sheets"]`` all of them.
    """
    if len(sheets) < 2 or len(set(sheets)) < len(sheets):
        raise ValueError(f"sheets must name two or more different sheets; got {sheets!r}")
    data, _ = _read_source(source)
    tables = [read_table(data, sheet=name, header_row=header_row) for name in sheets]
    first = tables[0]
    spelled = {str(c).casefold(): c for c in first.columns}
    parts, notes = [], []
    for name, table in zip(sheets, tables):
        keys = {str(c).casefold() for c in table.columns}
        if keys != set(spelled):
            missing = sorted(spelled[k] for k in set(spelled) - keys)
            extra = sorted(c for c in table.columns if str(c).casefold() not in spelled)
            raise CohortError(f"Sheet {name!r} does not have the columns of sheet {sheets[0]!r}"
                              + (f"; it lacks {', '.join(map(repr, missing))}" if missing else "")
                              + (f"; it adds {', '.join(map(repr, extra))}" if extra else "")
                              + ". Give the sheets the same column names to analyse them together.")
        label = {row: f"{name} row {row}" for row in table.index}
        part = table.rename(columns=lambda c: spelled[str(c).casefold()])[list(first.columns)]
        parts.append(part.set_axis(part.index.map(label)))
        notes += [(label.get(row, f"{name} row {row}"), *rest) for row, *rest in table.attrs["reading_notes"]]
    combined = pd.concat(parts)
    combined.index.name = "source_row"
    combined.attrs.update(sheet=sheets[0], sheets=list(sheets), header_row=header_row or first.attrs["header_row"],
                          other_patient_sheets=[], reading_notes=notes)
    return combined


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
    empty rows are left out. ``.attrs``: ``sheet`` (None for .csv), ``header_row`` (its row
    number), ``other_patient_sheets`` (other sheets whose header names cohort fields) and
    ``reading_notes`` (``(row, column, value, message[, severity])`` of what reading repaired or left out).

    Raises
    ------
    CohortError when the file cannot be used, with a message saying what to do.
    """
    data, name = _read_source(source)
    others: list[str] = []
    notes: list[tuple] = []
    merged: list[tuple] = []
    if _format(data, name) == "csv":
        rows, notes = _csv_rows(data)
    else:
        workbook = _parse_workbook(data, name, [] if sheet is None else [sheet])
        if sheet is None:
            sheet, rows = _choose_sheet(workbook)
            others = _other_patient_lists(workbook, sheet)
            if workbook.rows[sheet]["head_only"]:  # several sheets: their heads chose this one; now read it all
                workbook = _parse_workbook(data, name, [sheet])
                rows = workbook.sheet_rows(sheet)
        elif sheet not in workbook.sheet_names:
            raise CohortError(f"There is no sheet {sheet!r}; the sheets are "
                              f"{', '.join(map(repr, workbook.sheet_names))}.")
        else:
            rows = workbook.sheet_rows(sheet)
        merged = workbook.merged(sheet)
        if data[:4] == b"PK\x03\x04":
            notes = _error_cells(data, sheet)
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
    notes = [note for note in notes if note[0] > index]  # the patients' rows, not titles above the header
    notes += _rows_above_header(rows, index)
    if merged:
        notes += _carry_merged(rows, merged, index)
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
    table.attrs["other_patient_sheets"] = others
    table.attrs["reading_notes"] = [(row + 1, headers[column] if column < width and headers[column] else
                                     f"Column {_column_letter(column)}", value, message, *severity)
                                    for row, column, value, message, *severity in notes]
    return table
