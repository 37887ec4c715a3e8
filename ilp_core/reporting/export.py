"""Bytes for downloads: figures (PNG at 300 dpi, SVG, PDF) and tables (CSV)."""
from __future__ import annotations

import copy
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


class FigureFile:
    """A figure to show and download: its Vega-Lite ``spec``, fitted to the size it states
    (:func:`fitted`) and rendered to SVG once, on first use; PNG (300 dpi) and PDF are drawn from
    that SVG, and the screen shows the same fitted spec.

    Keep one per figure shown, and each format after the first costs only its conversion (the
    rasterising of the PNG, about 0.3 s for a slide figure).
    """

    def __init__(self, chart, *, first_guess: tuple[float, float] | None = None):
        # (the schema check is left to the tests: it took a quarter of the time of drawing a figure)
        self.spec = chart if isinstance(chart, dict) else chart.to_dict(validate=False)
        self.first_guess = first_guess
        self._fitted: tuple[dict, str, tuple[float, float]] | None = None

    @property
    def size(self) -> tuple[float, float] | None:
        """(width, height) in inches that the downloads have; None for a figure that states none."""
        size = (self.spec.get("usermeta") or {}).get("size")
        return (size[0] / 96, size[1] / 96) if size else None

    def _fit(self) -> tuple[dict, str, tuple[float, float]]:
        if self._fitted is None:  # (two threads at once may both fit: the same result)
            self._fitted = _fit(self.spec, self.first_guess)
        return self._fitted

    @property
    def correction(self) -> tuple[float, float]:
        """(wider, taller) in CSS px that fitting gave the plots: a good ``first_guess`` for the
        next figure of the same kind, which then usually takes one render in place of two."""
        return self._fit()[2]

    def fitted_spec(self) -> dict:
        """The spec every download draws (the spec itself when it states no size: nothing to fit)."""
        meta = self.spec.get("usermeta") or {}
        return self.spec if "size" not in meta or meta.get("fitted") else self._fit()[0]

    def svg(self) -> str:
        """The SVG at the stated size."""
        return self._fit()[1]

    def bytes(self, fmt: str) -> bytes:
        """PNG (300 dpi), SVG or PDF bytes."""
        check_choice(fmt, "fmt", FORMATS)
        svg = self.svg()
        if fmt == "png":
            return vl_convert.svg_to_png(svg, scale=_PNG_SCALE, ppi=DPI)
        if fmt == "svg":
            return svg.encode("utf-8")
        return _scaled_pdf(vl_convert.svg_to_pdf(svg), _PDF_SCALE)


def figure_bytes(chart, fmt: str) -> bytes:
    """The chart as PNG (300 dpi), SVG or PDF bytes, exactly the size it states (:func:`fitted`)."""
    return FigureFile(chart).bytes(fmt)


def _svg_size(svg: str) -> tuple[float, float]:
    root = re.search(r'<svg[^>]*?width="([\d.]+)"[^>]*?height="([\d.]+)"', svg)
    return float(root.group(1)), float(root.group(2))


def _resized(spec: dict, wider: float, taller: float) -> dict:
    """A copy of ``spec`` with its plots (views named "plot<i>") and their risk tables ("risk<i>")
    ``wider`` in all (shared between plots side by side), and its plots and the columns beside
    them ("side<i>", e.g. a forest plot's numbers) ``taller``."""
    spec = copy.deepcopy(spec)
    views = []

    def walk(node):
        if isinstance(node, dict):
            sized = isinstance(node.get("width"), (int, float))
            if str(node.get("name")).startswith(("plot", "risk", "side")) and sized:
                views.append(node)
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)
    walk({k: v for k, v in spec.items() if k != "datasets"})
    side_by_side = max(1, sum(view["name"].startswith("plot") for view in views))
    wider = round(wider)  # whole pixels, shared out so that each plot stays a whole number of pixels wide
    for view in views:
        index = int(view["name"][4:] or 0)
        share = wider // side_by_side + (1 if index < wider % side_by_side else 0)
        if not view["name"].startswith("side"):
            view["width"] = max(40, round(view["width"]) + share)
        if view["name"].startswith(("plot", "side")) and isinstance(view.get("height"), (int, float)):
            view["height"] = max(40, view["height"] + taller)
    return spec


def fitted(spec: dict) -> dict:
    """``spec`` with its plots resized so that the rendered figure is exactly the size stated in
    ``usermeta.size`` (CSS px; legends, labels and risk tables are measured as the renderer draws
    them). A spec without a stated size, or already fitted, is returned as it is."""
    return FigureFile(spec).fitted_spec()


def _fit(spec: dict, first_guess: tuple[float, float] | None = None) -> tuple[dict, str, tuple[float, float]]:
    """(:func:`fitted` spec, its SVG, the (wider, taller) given to its plots): rendered, measured and
    resized until it has its stated size, usually in two renders (labels at the plot's edge can take
    a few more); in one when ``first_guess``, the correction of a figure like it, is right."""
    meta = spec.get("usermeta") or {}
    if "size" not in meta or meta.get("fitted"):
        return spec, vl_convert.vegalite_to_svg(spec), (0.0, 0.0)
    target_width, target_height = meta["size"]
    wider, taller = first_guess or (0, 0.0)
    if first_guess:
        spec = _resized(spec, wider, taller)
    svg = vl_convert.vegalite_to_svg(spec)
    for _ in range(6):
        width, height = _svg_size(svg)
        if abs(width - target_width) < 0.5 and abs(height - target_height) < 0.5:
            break
        more_width, more_height = round(target_width - width), target_height - height
        spec = _resized(spec, more_width, more_height)
        wider, taller = wider + more_width, taller + more_height
        svg = vl_convert.vegalite_to_svg(spec)
    return {**spec, "usermeta": {**meta, "fitted": True}}, svg, (wider, taller)


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
