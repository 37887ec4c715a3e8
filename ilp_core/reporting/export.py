"""Bytes for downloads: figures (PNG at 300 dpi, SVG, PDF) and tables (CSV)."""
from __future__ import annotations

import copy
import io
import math
import re
import struct
from numbers import Real

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

    def __init__(self, spec: dict, *, first_guess: tuple[float, float] | None = None):
        # (the figures are plain Vega-Lite dicts, checked against the schema by the tests)
        self.spec = spec
        self.first_guess = first_guess
        self._fitted: tuple[dict, str, tuple[int, int]] | None = None

    @property
    def first_guess(self) -> tuple[int, int] | None:
        """(wider, taller) in CSS px to give the plots before the first render: :attr:`correction`
        of a figure like this one. A wrong guess costs renders, never the size."""
        return self._first_guess

    @first_guess.setter
    def first_guess(self, guess) -> None:
        self._first_guess = _checked_guess(guess)

    @property
    def size(self) -> tuple[float, float]:
        """(width, height) in inches that the downloads have (fitting the figure if need be): the
        stated size, unless the figure's names and numbers need more room than it leaves (its plots
        already at their smallest); the size it is drawn at when it states none (a flow diagram)."""
        stated = _inches(self.fitted_spec())
        return stated if stated else tuple(side / 96 for side in _svg_size(self.svg()))

    @property
    def stated_size(self) -> tuple[float, float] | None:
        """(width, height) in inches that the figure asked for (:attr:`size` is what it got)."""
        return _inches(self.spec)

    @property
    def layout(self) -> tuple:
        """The views that fitting resizes, as (name, width, height) before fitting: figures of the
        same layout (the same groups, options and size) take the same :attr:`correction`."""
        return tuple((view["name"], view["width"], view.get("height")) for view in _sized_views(self.spec))

    def _fit(self) -> tuple[dict, str, tuple[int, int]]:
        if self._fitted is None:  # (two threads at once may both fit: the same result)
            self._fitted = _fit(self.spec, self.first_guess)
        return self._fitted

    @property
    def correction(self) -> tuple[int, int]:
        """(wider, taller) in CSS px that fitting gave the plots: a good ``first_guess`` for the
        next figure of the same kind, which then usually takes one render in place of two."""
        return self._fit()[2]

    def fitted_spec(self) -> dict:
        """The spec every download draws (the spec itself when it states no size: nothing to fit)."""
        return self._fit()[0] if _to_fit(self.spec) else self.spec

    def svg(self) -> str:
        """The SVG at :attr:`size`."""
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


def figure_bytes(spec: dict, fmt: str) -> bytes:
    """The figure as PNG (300 dpi), SVG or PDF bytes, exactly the size it states (:func:`fitted`)."""
    return FigureFile(spec).bytes(fmt)


def _svg_size(svg: str) -> tuple[float, float]:
    root = re.search(r'<svg[^>]*?width="([\d.]+)"[^>]*?height="([\d.]+)"', svg)
    return float(root.group(1)), float(root.group(2))


_VIEW_NAME = re.compile(r"(plot|risk|side)(\d+)")


def _sized_views(spec: dict) -> list[dict]:
    """The views that fitting resizes: plots ("plot<i>"), their risk tables ("risk<i>") and the
    columns beside them ("side<i>", e.g. a forest plot's numbers), in ``spec`` itself."""
    views = []

    def walk(node):
        if isinstance(node, dict):
            if _VIEW_NAME.fullmatch(str(node.get("name"))) and isinstance(node.get("width"), (int, float)):
                views.append(node)
            for key, value in node.items():
                if key != "datasets":  # (the data: nothing to resize there)
                    walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)
    walk(spec)
    return views


def _resized(spec: dict, wider: int, taller: int) -> dict:
    """A copy of ``spec`` with its plots and their risk tables ``wider`` in all (whole pixels,
    shared between plots side by side) and its plots and the columns beside them ``taller``
    (never under 40 px)."""
    spec = copy.deepcopy(spec)
    views = _sized_views(spec)
    side_by_side = max(1, sum(view["name"].startswith("plot") for view in views))
    for view in views:
        index = int(_VIEW_NAME.fullmatch(view["name"]).group(2))
        share = wider // side_by_side + (1 if index < wider % side_by_side else 0)
        if not view["name"].startswith("side"):
            view["width"] = max(40, round(view["width"]) + share)
        if view["name"].startswith(("plot", "side")) and isinstance(view.get("height"), (int, float)):
            view["height"] = max(40, round(view["height"]) + taller)
    return spec


def _applied(original: dict, resized: dict) -> tuple[int, int]:
    """(wider, taller) that :func:`_resized` gave the plots of ``original`` (after its 40 px floor)."""
    pairs = [(a, b) for a, b in zip(_sized_views(original), _sized_views(resized)) if a["name"].startswith("plot")]
    if not pairs:
        return 0, 0
    wider = sum(round(b["width"]) - round(a["width"]) for a, b in pairs)
    first = pairs[0]
    taller = round(first[1]["height"]) - round(first[0]["height"]) if "height" in first[0] else 0
    return int(wider), int(taller)


def _slope(change: float, step: float) -> float:
    """How much the figure grew per pixel given to its plots (below 1 when a title or legend wider
    than the plots takes part of each change, above 1 for plots stacked), between 0.2 and 10; 1 when
    unknown."""
    return min(10.0, max(0.2, change / step)) if step else 1.0


def _step(missing: float, slope: float) -> int:
    """Whole pixels to give the plots for ``missing`` pixels of figure: at least one when any is missing."""
    step = round(missing / slope)
    return step or (0 if abs(missing) < 0.5 else int(math.copysign(1, missing)))


def _checked_guess(guess) -> tuple[int, int] | None:
    """``guess`` as (wider, taller) in whole pixels, or ValueError naming what would do."""
    if guess is None:
        return None
    try:
        wider, taller = guess if isinstance(guess, (tuple, list)) else (None, None, None)
        fine = all(isinstance(v, Real) and not isinstance(v, bool) and math.isfinite(v) and abs(v) <= 1e5
                   for v in (wider, taller))
    except (TypeError, ValueError, OverflowError):
        fine = False
    if not fine:
        raise ValueError(f"first_guess must be (wider, taller) in px, two finite numbers within 100,000; "
                         f"got {guess!r}")
    return round(wider), round(taller)


def _to_fit(spec: dict) -> bool:
    """Whether ``spec`` states a size it has not been fitted to yet."""
    meta = spec.get("usermeta") or {}
    return _stated_size(meta) is not None and not meta.get("fitted")


def _inches(spec: dict) -> tuple[float, float] | None:
    """The size ``spec`` states, in inches (96 CSS px each); None when it states none."""
    size = _stated_size(spec.get("usermeta") or {})
    return (size[0] / 96, size[1] / 96) if size else None


def _stated_size(meta: dict) -> tuple[float, float] | None:
    """``usermeta.size`` as (width, height) in CSS px, None when not stated; ValueError when not two
    positive numbers."""
    if "size" not in meta:
        return None
    size = meta["size"]
    if not (isinstance(size, (tuple, list)) and len(size) == 2
            and all(isinstance(v, (int, float)) and not isinstance(v, bool) and 0 < v < 1e6 for v in size)):
        raise ValueError(f"usermeta.size must be [width, height] in CSS px, two positive numbers; got {size!r}")
    return float(size[0]), float(size[1])


def fitted(spec: dict) -> dict:
    """``spec`` with its plots resized so that the rendered figure is exactly the size stated in
    ``usermeta.size`` (CSS px; legends, labels and risk tables are measured as the renderer draws
    them). A spec without a stated size, or already fitted, is returned as it is."""
    return FigureFile(spec).fitted_spec()


def _fit(spec: dict, first_guess: tuple[int, int] | None = None) -> tuple[dict, str, tuple[int, int]]:
    """(:func:`fitted` spec, its SVG, the (wider, taller) given to its plots).

    The plots are resized from ``spec`` by a running total (wider, taller), corrected by what each
    render measures, until the figure has its stated size: usually two renders (labels at a plot's
    edge can take a few more), one when ``first_guess`` (the correction of a figure like this one)
    is right. The result depends on the total alone, so any guess gives the same figure. When the
    size cannot be reached (the plots at their smallest and the figure still too big: long names at
    a large font; or no views named plot<i> to resize), the figure keeps the size it has and states
    it (``usermeta.size``) rather than a size it is not.
    """
    if not _to_fit(spec):
        return spec, vl_convert.vegalite_to_svg(spec), (0, 0)
    meta = spec["usermeta"]
    target_width, target_height = _stated_size(meta)
    drawn = _resized(spec, *first_guess) if first_guess else spec
    svg = vl_convert.vegalite_to_svg(drawn)
    before = None  # the last render's (wider, taller, width, height)
    for _ in range(8):
        width, height = _svg_size(svg)
        if abs(width - target_width) < 0.5 and abs(height - target_height) < 0.5:
            break
        wider, taller = _applied(spec, drawn)  # (what the 40 px floor let through)
        # pixels of figure per pixel of plot, from the last two renders: 1 unless a title or legend
        # wider than the plots takes part of each change
        across, down = (_slope(width - before[2], wider - before[0]),
                        _slope(height - before[3], taller - before[1])) if before else (1.0, 1.0)
        before = (wider, taller, width, height)
        resized = _resized(spec, wider + _step(target_width - width, across),
                           taller + _step(target_height - height, down))
        if resized == drawn:
            break  # the plots are at their smallest: no size change is left to make
        drawn, svg = resized, vl_convert.vegalite_to_svg(resized)
    width, height = _svg_size(svg)
    size = meta["size"] if abs(width - target_width) < 0.5 and abs(height - target_height) < 0.5 else [width, height]
    return {**drawn, "usermeta": {**meta, "size": size, "fitted": True}}, svg, _applied(spec, drawn)


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
