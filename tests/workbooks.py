"""Real workbooks for the tests, written by openpyxl (and CSV bytes)."""
from __future__ import annotations

import datetime as dt
import io

from openpyxl import Workbook

ENGLISH = ["Patient ID", "Sex", "Age", "Limb", "Histology", "Date of ILP", "ILP completed", "Surgery",
           "Surgery date", "Amputation", "Amputation date", "Local recurrence", "LR date", "Vital status",
           "Date of death", "Date last FU"]


def workbook(rows: list[list], *, title_rows: list[list] = (), sheet: str = "cohort",
             other_sheets: dict[str, list[list]] | None = None, text_cells: bool = True) -> bytes:
    """xlsx bytes: optional title rows, then ``rows`` (headers first). Strings stay text."""
    book = Workbook()
    first = book.active
    if other_sheets:
        for i, (name, content) in enumerate(other_sheets.items()):
            ws = first if i == 0 else book.create_sheet(name)
            ws.title = name
            for row in content:
                ws.append(row)
        ws = book.create_sheet(sheet)
    else:
        ws = first
        ws.title = sheet
    for row in list(title_rows) + list(rows):
        ws.append(row)
    if text_cells:
        for row in ws.iter_rows():
            for cell in row:
                if isinstance(cell.value, str):
                    cell.number_format = "@"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def patient(pid="P01", sex="F", age=50, limb="lower", histology="UPS", ilp=dt.date(2018, 1, 10),
            completed="yes", surgery="yes", surgery_date=dt.date(2018, 3, 20), amputation="no",
            amputation_date=None, lr="no", lr_date=None, vital="alive", death=None,
            last=dt.date(2023, 1, 5)) -> list:
    """One valid row in ENGLISH column order; override any value."""
    return [pid, sex, age, limb, histology, ilp, completed, surgery, surgery_date, amputation, amputation_date,
            lr, lr_date, vital, death, last]


def ods(rows: list[list]) -> bytes:
    """OpenDocument spreadsheet bytes (odfpy through pandas)."""
    import pandas as pd
    buffer = io.BytesIO()
    pd.DataFrame(rows[1:], columns=rows[0]).to_excel(buffer, engine="odf", index=False, sheet_name="cohort")
    return buffer.getvalue()


def xls(rows: list[list]) -> bytes:
    """Legacy Excel 97-2003 bytes (xlwt), dates as real Excel dates."""
    import xlwt
    book = xlwt.Workbook()
    sheet = book.add_sheet("cohort")
    date_style = xlwt.easyxf(num_format_str="YYYY-MM-DD")
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            if isinstance(value, dt.date):
                sheet.write(r, c, dt.datetime.combine(value, dt.time()), date_style)
            elif value is not None:
                sheet.write(r, c, value)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
