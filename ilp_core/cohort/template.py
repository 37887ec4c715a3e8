"""The empty cohort workbook users can fill in: the schema's columns and a data dictionary."""
from __future__ import annotations

import io

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill

from ilp_core.schema import FIELDS

_HEADER_FILL = PatternFill("solid", fgColor="DDE7F0")


def template_workbook() -> bytes:
    """xlsx bytes: an empty ``cohort`` sheet with the schema's columns in order (required
    ones in bold) and a ``data dictionary`` sheet (field, meaning, values, required)."""
    book = Workbook()
    cohort = book.active
    cohort.title = "cohort"
    cohort.append([f.name for f in FIELDS])
    for cell, spec in zip(cohort[1], FIELDS):
        cell.font = Font(bold=spec.always_required)
        cell.fill = _HEADER_FILL
        cohort.column_dimensions[cell.column_letter].width = max(12, len(spec.name) + 2)
        if spec.kind == "date":
            for row in range(2, 1002):
                cohort.cell(row=row, column=cell.column).number_format = "yyyy-mm-dd"
    cohort.freeze_panes = "B2"
    dictionary = book.create_sheet("data dictionary")
    dictionary.append(["field", "meaning", "values", "required"])
    for spec in FIELDS:
        dictionary.append([spec.name, spec.meaning, spec.values, spec.required or "no"])
    for cell in dictionary[1]:
        cell.font = Font(bold=True)
        cell.fill = _HEADER_FILL
    for column, width in zip("ABCD", (24, 52, 58, 20)):
        dictionary.column_dimensions[column].width = width
    for row in dictionary.iter_rows(min_row=2):
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
