"""Bytes for downloads: figures (PNG at 300 dpi, SVG, PDF) and tables (CSV)."""
from __future__ import annotations

import io
import re
import struct

import pandas as pd
import vl_convert
from pypdf import PdfReader, PdfWriter

from ilp_core.checks import check_choice

DPI = 300
FORMATS = {"png": "image/png", "svg": "image/svg+xml", "pdf": "application/pdf"}
# Chart sizes are CSS pixels (96 per inch); these scales keep the size in inches.
_PNG_SCALE = 72 / 96          # vl-convert multiplies by ppi / 72
_PDF_SCALE = 72 / 96          # vl-convert writes 1 point per pixel; a point is 1/72 inch


def figure_bytes(chart, fmt: str) -> bytes:
    """The chart as PNG (300 dpi, with its size in inches kept), SVG or PDF bytes."""
    check_choice(fmt, "fmt", FORMATS)
    spec = chart if isinstance(chart, dict) else chart.to_dict()
    if fmt == "png":
        return vl_convert.vegalite_to_png(spec, scale=_PNG_SCALE, ppi=DPI)
    if fmt == "svg":
        return vl_convert.vegalite_to_svg(spec).encode("utf-8")
    return _scaled_pdf(vl_convert.vegalite_to_pdf(spec), _PDF_SCALE)


def _scaled_pdf(pdf: bytes, factor: float) -> bytes:
    """The PDF with its page and content scaled (vector: nothing is resampled)."""
    writer = PdfWriter()
    writer.append(PdfReader(io.BytesIO(pdf)))  # (clone_from writes a trailer that poppler flags)
    for page in writer.pages:
        page.scale_by(factor)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def pdf_size(pdf: bytes) -> tuple[float, float]:
    """(width, height) in inches of the first page of PDF bytes."""
    box = PdfReader(io.BytesIO(pdf)).pages[0].mediabox
    return float(box.width) / 72, float(box.height) / 72


def png_size(png: bytes) -> tuple[int, int]:
    """(width, height) in pixels of PNG bytes."""
    if png[:8] != b"\x89PNG\r\n\x1a\n":
        raise ValueError("not PNG data")
    return struct.unpack(">II", png[16:24])


# A formula starts a cell: at the start of the text, or after a comma or semicolon, where Excel
# splits a CSV line in locales whose list separator is ',' (English) or ';' (German, French, Dutch,
# Italian, Spanish, Portuguese). Spaces before it do not stop Excel.
_FORMULA_START = re.compile(r"(^|[,;])( *)(?=[=+\-@\t\r])")


def _neutral(value):
    """Text that a spreadsheet would run as a formula, in any Excel locale, gets an apostrophe
    before each place a cell could start with = + - @ tab or CR: ``=1+1`` is written ``'=1+1``,
    ``ok;=1+1`` ``ok;'=1+1``; Excel shows the text without the apostrophe."""
    if isinstance(value, str) and _FORMULA_START.search(value):
        return _FORMULA_START.sub(lambda m: m.group(1) + m.group(2) + "'", value)
    return value


def csv_bytes(frame: pd.DataFrame) -> bytes:
    """CSV (UTF-8 with a byte-order mark, so Excel reads accents) with formula-like text neutralised."""
    safe = frame.copy()
    for column in safe.columns[safe.dtypes == object]:
        safe[column] = safe[column].map(_neutral)
    safe.columns = [_neutral(str(c)) for c in safe.columns]
    buffer = io.StringIO()
    safe.to_csv(buffer, index=False, date_format="%Y-%m-%d")  # dates as dates (no 00:00:00)
    return buffer.getvalue().encode("utf-8-sig")
