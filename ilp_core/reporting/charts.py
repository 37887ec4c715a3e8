"""Figures: survival and incidence curves with interval bands, censor marks and a number-at-risk
table aligned under the time axis. Pure functions from results to Vega-Lite specs (dicts).

Sizes are in CSS pixels (96 per inch), so a figure exported at 300 dpi has the
stated size in inches. Colours: the Okabe-Ito palette, safe for colour-blind readers.
"""
from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

from ilp_core.reporting import layout
from ilp_core.reporting import vega_lite as vl
from ilp_core.reporting.figure_options import FigureOptions

# Okabe-Ito without its yellow (unreadable as text on white), then three of Paul Tol's (wine, indigo, olive).
PALETTE = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000", "#882255", "#332288",
           "#999933"]
BANDS_UP_TO = 3  # interval bands by default for up to this many groups; more blur into one mass
MAX_POINTS = 1500  # censor marks per curve: more look the same
DRAWN_WITHIN = 0.001  # a drawn curve is within 0.1 percentage point of every estimate and bound
FONT = "Liberation Sans, Arial, Helvetica, sans-serif"


@dataclass(frozen=True)
class FigureSize:
    """Whole-figure width and target height in CSS pixels, with font sizes to match."""

    label: str
    width: int
    height: int
    font: int
    title_font: int
    risk_row: int      # the least height of a risk-table row (a name of several lines takes more)

    @property
    def inches(self) -> str:
        return f"{self.width / 96:.1f} x {self.height / 96:.1f} in"


SIZES = {
    "slide": FigureSize("Slide (10 in wide)", 960, 540, 15, 20, 22),
    "journal": FigureSize("Journal column (3.5 in wide)", 336, 320, 10, 11, 14),
}


def _thin(table: pd.DataFrame, tolerance: float = DRAWN_WITHIN) -> pd.DataFrame:
    """The rows that draw the step curve within ``tolerance`` of every estimate and bound: a row is
    kept where any of them enters another band of ``tolerance`` width (or becomes undefined), and the
    last row. Between kept rows every value stays in the band of the row drawn, so no drawn step is
    off by as much as ``tolerance`` (0.1 percentage point), whatever the number of patients; a
    monotone curve needs at most 1/tolerance rows."""
    values = table[["estimate", "ci_lower", "ci_upper"]].to_numpy(dtype=float)
    with np.errstate(invalid="ignore"):
        bands = np.where(np.isnan(values), -1.0, np.floor(values / tolerance))
    kept = np.ones(len(table), dtype=bool)
    kept[1:] = np.any(bands[1:] != bands[:-1], axis=1)
    kept[-1] = True
    return table[kept]


def _close_bands(steps: pd.DataFrame) -> pd.DataFrame:
    """Where the interval becomes undefined (a survival curve falling to 0), repeat the previous row
    at that time, so the band of the step before it is drawn to its end instead of vanishing."""
    undefined = steps.ci_lower.isna().to_numpy()
    opens = np.flatnonzero(undefined[1:] & ~undefined[:-1]) + 1
    if not len(opens):
        return steps
    carried = steps.iloc[opens - 1].assign(time=steps.time.to_numpy()[opens])
    carried.index = steps.index[opens] - 0.5
    return pd.concat([steps, carried]).sort_index().reset_index(drop=True)


def curve_points(curves: dict, *, incidence: bool) -> pd.DataFrame:
    """One row per plotted step: ``stratum, time, estimate, ci_lower, ci_upper``, from time 0."""
    start = 0.0 if incidence else 1.0
    frames = []
    for name, curve in curves.items():
        steps = _thin(curve.table)[["time", "estimate", "ci_lower", "ci_upper"]]
        origin = pd.DataFrame({"time": [0.0], "estimate": [start], "ci_lower": [start], "ci_upper": [start]})
        frames.append(_close_bands(pd.concat([origin, steps], ignore_index=True)).assign(stratum=name))
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()


def censor_points(curves: dict) -> pd.DataFrame:
    """Where patients were censored: ``stratum, time, estimate`` (at most MAX_POINTS per curve)."""
    frames = []
    for name, curve in curves.items():
        table = curve.table
        marks = table.loc[table.n_censor > 0, ["time", "estimate"]]
        if len(marks) > MAX_POINTS:
            marks = marks.iloc[np.linspace(0, len(marks) - 1, MAX_POINTS).astype(int)]
        frames.append(marks.assign(stratum=name))
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=["time", "estimate", "stratum"])


@dataclass(frozen=True)
class _Layout:
    """Where the text of a curve figure goes: names wrapped to the label column, its width, each
    risk-table row's lines and height, legend columns, and the plot's height."""

    shown: dict            # group name -> the name as drawn in the legend and curves (with line breaks)
    rows: dict             # group name -> its lines in the risk table
    row_heights: dict      # group name -> the height of its risk-table row, in px (as many lines as it has)
    label_width: float
    gap: float             # between the names and the risk table's first column (half its widest number and more)
    legend_columns: int
    legend_height: float
    plot_width: float
    plot_height: float
    extra_height: float    # added to the stated height so that the plot keeps room (many groups)


def _scaled(spec: FigureSize, scale: float) -> FigureSize:
    return FigureSize(spec.label, spec.width, spec.height, round(spec.font * scale, 1),
                      round(spec.title_font * scale, 1), round(spec.risk_row * scale))


def _legend_room(widths: list[float], lines: list[int], width: float, font: float, title: str,
                 title_width: float) -> tuple[int, float]:
    """Columns and height of a legend whose entries are ``widths`` wide and ``lines`` lines tall
    in ``width`` (the rows are counted as if the tallest entries shared none), under its ``title``."""
    if len(widths) < 2:
        return 1, 0.0
    columns = layout.legend_columns(widths, width, symbol=36, gap=18)
    rows = sorted(lines, reverse=True)[: -(-len(widths) // columns)]
    titled = len(layout.wrapped(title, title_width, font * 1.1)) * font * 1.3 + 2 if title else 0
    # a row as Vega draws it: the first line's baseline a little below the symbol's centre (11.5 px), each
    # further line 1.2 font sizes lower, then 4 px to the next row (measured: 1 to 5 lines, fonts 8 to 21)
    return columns, sum(11.5 + 0.5 * font + 1.2 * font * (n - 1) + 4 for n in rows) + titled + 10


_BLANK = "\u200b"  # an invisible line: a renderer drops an empty one


def _names(names: list[str], room: float, font: float) -> tuple[dict, dict]:
    """Each group's name wrapped to ``room`` (its lines), and the name as drawn in the legend and the
    curves (lines joined; names that would draw alike, blank or wrapping alike, kept apart by
    zero-width spaces: the legend tells groups apart by name)."""
    parts = {}
    for name in names:
        lines = layout.wrapped(str(name), room, font)
        parts[name] = lines if "".join(lines).strip() else [str(name)]
    shown, seen = {}, set()
    for name, lines in parts.items():
        text = "\n".join(lines)
        while text in seen:
            text += _BLANK
        seen.add(text)
        shown[name] = text
    return parts, shown


def _layout(names: list[str], spec: FigureSize, options: FigureOptions, *, title_height: float,
            legend_width: float | None, x_title: str = "", y_title: str = "", first_column=(),
            largest: int = 0) -> _Layout:
    """Room for every group name in full: wrapped onto lines in a label column of about a third of
    the width (the plot keeps at least 45%), legend entries in as many columns as fit in
    ``legend_width`` (None: no legend here), axis titles wrapped, and a plot of at least 40% of the
    height (the figure grows when it must). ``first_column``: the risk table's numbers at time 0,
    centred on the axis's start, which the names end left of; ``largest``: its largest number, for
    the room after its last column (:func:`_end_room`), which the plot leaves."""
    font = spec.font
    gap = max(2.2 * font, max((layout.text_width(text, font) for text in first_column), default=0) / 2 + 0.6 * font)
    widest = spec.width - max(0.45 * spec.width, 120) - 2.6 * font - 24  # the most the names may take
    needed = max((layout.text_width(line, font * 1.08) for n in names for line in str(n).split("\n")), default=0)
    room = max(spec.width * 0.34, 4 * font)
    if needed <= spec.width * 0.42:  # a wider label column rather than every risk-table row on two lines
        room = max(room, needed)
    room = max(min(room, widest), 3 * font)
    words = max((layout.text_width(w, font * 1.08) for n in names for w in str(n).split()), default=0)
    room = max(room, min(words, 0.42 * spec.width))  # whole words where they fit: "angiosarcoma", not "angiosarco/ma"
    parts, _ = _names(names, room, font * 1.08)  # bold in the risk table
    longest = max((layout.text_width(p, font * 1.08) for ps in parts.values() for p in ps), default=0.0)
    y_lines = layout.wrapped(y_title, 0.45 * spec.height, font * 1.1) if y_title else []
    # the plot's axis labels ("100%") and the risk table's names share one column, as wide as either needs
    label_width = max(3.4 * font, min(room, longest) + gap + 0.4 * font + 4 if options.risk_table else 0)
    # in whole steps of the font size: names of about the same width ("upper", "lower") give the same
    # layout, which the app then fits in one render from the last figure's correction
    label_width = math.ceil(label_width / font - 1e-9) * font
    # the axis title's lines stand left of the column
    plot_width = spec.width - label_width - max(len(y_lines), 1) * font * 1.3 - 24
    if options.risk_table:  # (without it the plot was planned too wide, and its axis labels thinned too few)
        plot_width -= _end_room(largest, font)
    x_lines = layout.wrapped(x_title, max(plot_width, 60), font * 1.1) if x_title else []
    # each row as tall as its own name: one line for most, three for "malignant peripheral nerve sheath tumour"
    row_heights = {name: max(spec.risk_row, len(parts[name]) * font * layout.LINE + 4) for name in names}
    columns, legend_height = 1, 0.0
    # the legend spans the figure: its names wrap at a third of it (whole words), not at the label column
    across = legend_width or spec.width  # a word longer than the legend's line (symbol and gap beside it) breaks
    entry_room = max(room, min(words, across - 20 - 54), min(needed, (across - 20) / 3 - 54))
    legend_parts, shown = _names(names, entry_room, font)
    if legend_width is not None:  # the legend spans the figure, from its left edge
        widths = [max(layout.text_width(p, font) for p in legend_parts[n]) for n in names]
        columns, legend_height = _legend_room(widths, [len(legend_parts[n]) for n in names], legend_width - 20,
                                              font, options.legend_title, legend_width - 20)
    table_height = (sum(row_heights.values()) + font * 2.2 + spec.font) if options.risk_table else 0
    plot_height = spec.height - (title_height + legend_height + (2 + 1.3 * max(len(x_lines), 1)) * font
                                 + table_height + 12)
    least = 0.4 * spec.height
    return _Layout(shown, parts, row_heights, label_width, gap, columns, legend_height, plot_width,
                   max(plot_height, least), max(0.0, least - plot_height))


def _wrapped(title: str, width: float, font: float):
    """An axis title as Vega takes it: the text, or its lines when it needs more than one."""
    lines = layout.wrapped(title, width, font * 1.1) if title else [title]
    return lines[0] if len(lines) == 1 else lines


def _within(points: pd.DataFrame, end: float) -> pd.DataFrame:
    """The steps up to the end of the time axis. Each curve ends at its own last follow-up, as R's
    ``plot.survfit`` draws it (carried on to the axis end, a group whose last patient left at 62 months
    was drawn flat to 96, beside a risk table of 0 and estimates "not estimable"); one that runs past
    the axis is carried to the end at its value there. Nothing is drawn beyond the axis (a renderer
    fails on coordinates a million times the plot's width), so the marks need no clipping (which
    doubles the time a PNG takes)."""
    if not len(points):
        return points
    inside = points[points.time <= end]
    running_on = inside.stratum.isin(points.stratum[points.time > end].unique())
    last = inside[running_on].groupby("stratum", sort=False).tail(1).assign(time=end)
    return pd.concat([inside, last], ignore_index=True).sort_values(["stratum", "time"], kind="stable")


def _y_axis(incidence: bool, points: pd.DataFrame, options: FigureOptions, title: str, label_width: float,
            bands: bool = True):
    """The vertical axis: 0 to 100% for survival; for an incidence, up to the highest estimate or, with
    ``bands`` drawn, upper bound (an estimate reaching 100% has no interval) rounded up to a whole step
    of 5, 10 or 20 points (at most about 7 labels). Every mark lies inside it: the marks are not clipped.
    Without bands the axis does not reach for bounds that are not drawn (curves under 25% on an axis
    to 80%)."""
    highest = float(np.nanmax([points.ci_upper.max(skipna=True) if bands else np.nan,
                               points.estimate.max(skipna=True)])) if incidence and len(points) else 1.0
    highest = min(max(highest if np.isfinite(highest) else 1.0, 0.05), 1.0)
    step = 0.05 if highest <= 0.3 else 0.1 if highest <= 0.6 else 0.2
    top = min(1.0, float(np.ceil(highest / step - 1e-9) * step))
    values = np.round(np.arange(0, top + 1e-9, step), 10).tolist()
    return vl.channel("estimate:Q", title=title, scale={"domain": [0, top], "nice": False},
                      axis={"format": ".0%" if options.percent else ".2f" if step < 0.1 else ".1f", "values": values,
                            "minExtent": label_width, "labelLimit": label_width - 8,
                            # every value labelled: Vega drops every other one beyond height / 40 ticks (100% went)
                            "tickCount": len(values)}), top


def _legend(names: list[str], spec: FigureSize, fit: _Layout, options: FigureOptions, heading_lines: int):
    """One legend for colour and line style, placed by hand above the plot from the figure's left
    edge, as wide as the figure, entries reading left to right in the order of the risk table."""
    above = fit.legend_height + spec.title_font * 1.35 * heading_lines + 2
    return dict(
        title=_wrapped(options.legend_title, spec.width - 40, spec.font) if options.legend_title else None,
        titleLimit=0, orient="none", legendX=-fit.label_width + 4, legendY=-above,
        labelFontSize=spec.font, titleFontSize=spec.font, symbolType="stroke", symbolStrokeWidth=3,
        symbolOpacity=1, symbolSize=400, columns=fit.legend_columns, labelExpr="split(datum.label, '\\n')",
        labelLimit=0, columnPadding=18, rowPadding=4, direction="horizontal")


def _annotation(text: str, end: float, top: float, incidence: bool, font: float, width: float):
    """The test's p-value where curves seldom are: top left of an incidence, bottom left of a survival;
    on as many lines as the plot's ``width`` needs (a longer line made a narrow figure wider)."""
    lines = layout.wrapped(text, 0.95 * width, font)
    at = pd.DataFrame({"time": [end * 0.02], "estimate": [top * 0.97 if incidence else top * 0.03],
                       "text": ["\n".join(lines)]})
    # Vega sets the first line at the point and the others below it: at the bottom of a survival plot
    # the lines after the first start that many lines higher (a second line fell across the time axis)
    broken = {"lineBreak": "\n", "lineHeight": font * layout.LINE,
              "dy": 0 if incidence else -(len(lines) - 1) * font * layout.LINE} if len(lines) > 1 else {}
    return vl.view(at, "text", {"x": vl.channel("time:Q", scale={"domain": [0, end], "nice": False}),
                                "y": vl.channel("estimate:Q", scale={"domain": [0, top], "nice": False}),
                                "text": vl.channel("text:N")},
                   dict(align="left", baseline="top" if incidence else "bottom", fontSize=font, color="#222222",
                        **broken))


def _plot(curves: dict, *, incidence: bool, x, y_title: str, end: float, spec: FigureSize, fit: _Layout,
          options: FigureOptions, colour, dash, annotation: str, **view):
    """The curves (bands, steps, censor marks, the p-value) as one layered view (``view``: its name,
    size and title)."""
    points = _within(curve_points(curves, incidence=incidence), end)
    if len(points):
        points["stratum"] = points.stratum.map(fit.shown)
    bands = len(curves) <= BANDS_UP_TO if options.bands is None else options.bands
    y, top = _y_axis(incidence, points, options, _wrapped(y_title, 0.45 * spec.height, spec.font), fit.label_width,
                     bands)
    share = ".1%" if options.percent else ".3f"
    layers = []
    if bands:
        layers.append(vl.view(points, "area", {"x": x, "y": vl.channel("ci_lower:Q"), "y2": vl.channel("ci_upper"),
                                               "color": colour}, {"interpolate": "step-after", "opacity": 0.15}))
    tooltip = [vl.channel("stratum:N", title="Group"), vl.channel("time:Q", format=".1f"),
               *(vl.channel(f"{name}:Q", format=share) for name in ("estimate", "ci_lower", "ci_upper"))]
    layers.append(vl.view(points, "line", {"x": x, "y": y, "color": colour, "strokeDash": dash, "tooltip": tooltip},
                          {"interpolate": "step-after", "strokeWidth": 2 if spec.font >= 12 else 1.2}))
    if options.censor_marks:
        marks = censor_points(curves)
        marks = marks[marks.time <= end].assign(stratum=lambda m: m.stratum.map(fit.shown))
        layers.append(vl.view(marks, "point", {"x": x, "y": y, "color": colour},
                              {"shape": "stroke", "angle": 90, "size": 60 if spec.font >= 12 else 20,
                               "strokeWidth": 1.2}))
    if annotation:
        layers.append(_annotation(annotation, end, top, incidence, spec.font, fit.plot_width))
    return vl.layer(*layers, **view)


def _risk_table(risk: pd.DataFrame, drawn: list[str], ticks: list[float], end: float, spec: FigureSize,
                fit: _Layout, colours: list[str], **view):
    """Patients at risk (cumulative events) per group under each tick, each group's name in full
    beside its row, each row as tall as its name (``view``: its name and size)."""
    title = {"text": _wrapped("Number at risk (cumulative events)", spec.width - 10, spec.font),
             "fontSize": spec.font, "fontWeight": "normal", "anchor": "start"}
    centres, gap = _row_centres(fit), fit.gap  # the names end left of the first column ("100000 (0)")
    # rows are placed in px from the top (the scale maps the table's height onto itself); an empty axis
    # as wide as the plot's keeps the label column, and the table's title at the figure's left edge
    y = vl.channel("y:Q", scale={"domain": [sum(fit.row_heights.values()), 0], "nice": False, "zero": False},
                   axis={"labels": False, "ticks": False, "domain": False, "grid": False, "title": None,
                         "minExtent": fit.label_width, "offset": gap})
    x = vl.channel("time:Q", scale={"domain": [0, end], "nice": False}, axis=None)
    numbers = vl.view(_risk_columns(risk, ticks, fit, centres), "text",
                      {"x": x, "y": y, "text": vl.channel("label:N"),
                       "color": vl.channel("stratum:N", scale={"domain": drawn, "range": colours}, legend=None)},
                      {"fontSize": spec.font})
    line = spec.font * layout.LINE
    # a name of several lines starts half its extra lines above its row's centre (Vega centres the first)
    names = pd.DataFrame({"y": [centres[n] - (len(fit.rows[n]) - 1) * line / 2 for n in fit.rows],
                          "name": ["\n".join(lines) for lines in fit.rows.values()]})
    labels = vl.view(names, "text", {"y": y, "text": vl.channel("name:N")},
                     {"align": "right", "baseline": "middle", "lineBreak": "\n", "lineHeight": line,
                      "fontSize": spec.font, "fontWeight": "bold", "color": "black", "x": -gap - 2})
    return vl.layer(numbers, labels, _room_at_the_end(risk, ticks[-1], end, spec.font), title=title, **view)


def _largest(risk: pd.DataFrame) -> int:
    """The largest number in a risk table."""
    return int(max(risk.n_risk.max(), risk.n_events.max(), 0)) if len(risk) else 0


def _end_room(largest: int, font: float) -> float:
    """Half the width of "00 (00)" with as many digits as ``largest``, at least two: the room kept
    after a risk table's last column (:func:`_room_at_the_end`; the estimate is generous, never too little)."""
    digits = "0" * max(len(str(largest)), 2)
    return layout.text_width(f"{digits} ({digits})", font) / 2


def _row_centres(fit: _Layout) -> dict:
    """Each group's risk-table row centre, in px from the top of the table."""
    centres, top = {}, 0.0
    for name, height in fit.row_heights.items():
        centres[name] = top + height / 2
        top += height
    return centres


def _room_at_the_end(risk: pd.DataFrame, last_tick: float, end: float, font: float) -> dict:
    """Invisible room right of the last column for half of "00 (00)" (as many digits as the table's
    largest number, at least two): the numbers in the last column are centred on their tick and may
    reach past the plot by half their width, so without it the figure's width followed them ("0 (4)"
    or "0 (14)") and a new selection took a second render to fit; with one digit allowed, so did
    each group of 9 patients becoming 10. A transparent rectangle, not text: nothing extra to
    select, copy or read aloud in the SVG, the PDF or the page."""
    half = _end_room(_largest(risk), font)
    at = {"datum": last_tick, "type": "quantitative", "scale": {"domain": [0, end], "nice": False}, "axis": None}
    return {"data": {"values": [{}]}, "mark": {"type": "rect", "opacity": 0, "x2Offset": round(half, 1)},
            "encoding": {"x": at, "x2": {"datum": last_tick}}}


def _heading(heading: str, spec: FigureSize):
    """A panel's heading wrapped to the panel's width."""
    return _wrapped(heading, spec.width - 10, spec.title_font)


def _heading_lines(heading: str | None, spec: FigureSize) -> int:
    """How many lines a panel's heading takes (0 without one)."""
    if not heading:
        return 0
    shown = _heading(heading, spec)
    return len(shown) if isinstance(shown, list) else 1


def _panel(curves: dict, risk: pd.DataFrame, *, incidence: bool, x_title: str, y_title: str, ticks,
           spec: FigureSize, fit: _Layout, options: FigureOptions, heading: str | None = None,
           annotation: str = "", legend: bool = True, index: int = 0, heading_lines: int | None = None,
           time_end: float | None = None, shared: tuple[str, ...] = ("x",), **top) -> dict:
    """One plot with its number-at-risk table underneath; the views are named ``plot<index>`` and
    ``risk<index>`` so that :func:`export.fitted` can size them. ``shared``: the scales plot and table
    share; ``top``: what a figure made of this panel alone has at its top (:func:`_top`)."""
    names = list(curves)
    drawn = [fit.shown[n] for n in names]
    # the legend stands above the tallest heading of the figure's panels (``heading_lines``; this one's alone)
    heading_lines = heading_lines if heading_lines is not None else _heading_lines(heading, spec)
    shown_legend = _legend(names, spec, fit, options, heading_lines) if len(names) > 1 and legend else None
    colours = options.group_colours(names, PALETTE)
    colour = vl.channel("stratum:N", scale={"domain": drawn, "range": colours}, legend=shown_legend)
    dash = vl.channel("stratum:N", scale={"domain": drawn, "range": options.group_dashes(names)},
                      legend=shown_legend)  # one legend: each symbol shows the group's colour and line style
    ticks = np.asarray(ticks, dtype=float).tolist()
    end = time_end or ticks[-1]
    columns = _risk_labels(risk).tolist() if options.risk_table else []
    number_format, labels = _tick_labels(ticks)
    ticks = _ticks_with_room(ticks, labels, columns, width=fit.plot_width, end=end, font=spec.font)
    x = vl.channel("time:Q", title=_wrapped(x_title, max(fit.plot_width, 60), spec.font),
                   scale={"domain": [0, end], "nice": False},
                   axis={"values": ticks, "grid": False, "tickCount": len(ticks), "format": number_format})
    # a panel's heading on as many lines as its width needs (a long one made the figure wider than stated)
    titled = {"title": {"text": _heading(heading, spec), "fontSize": spec.title_font,
                        "anchor": "start"}} if heading else {}
    plot = _plot(curves, incidence=incidence, x=x, y_title=y_title, end=end, spec=spec, fit=fit,
                 options=options, colour=colour, dash=dash, annotation=annotation,
                 name=f"plot{index}", width=round(fit.plot_width), height=round(fit.plot_height), **titled)
    resolve = {"scale": dict.fromkeys(shared, "shared")}
    if not options.risk_table:
        return _whole(vl.vconcat(plot, resolve=resolve), top)
    table = _risk_table(risk, drawn, ticks, end, spec, fit, colours, name=f"risk{index}",
                        width=round(fit.plot_width), height=round(sum(fit.row_heights.values())))
    return _whole(vl.vconcat(plot, table, spacing=spec.font, resolve=resolve), top)


def _whole(body: dict, top: dict) -> dict:
    """``body`` as a figure of its own when it has a top (:func:`_top`), else as a part of one."""
    return vl.figure(body, **top) if top else body


def _first_column(risk: pd.DataFrame) -> list[str]:
    """The risk table's numbers at its first tick (time 0), as drawn."""
    return _risk_labels(risk[risk.time.to_numpy() == risk.time.min()]).tolist() if len(risk) else []


def _risk_labels(risk: pd.DataFrame) -> pd.Series:
    return risk.n_risk.astype(str) + " (" + risk.n_events.astype(str) + ")"


def _tick_labels(ticks: list[float]) -> tuple[str, list[str]]:
    """The time axis's number format (d3's, as Vega takes it) and each tick's label in it: as many
    decimals as the ticks have ("1.5", "0.25"; at most 6), thousands separated ("1,460"). Left to
    itself, Vega chose the decimals from the number of ticks and wrote 1.5 years as "2"."""
    decimals = next((d for d in range(7) if all(abs(round(t, d) - t) <= 1e-9 * max(abs(t), 1) for t in ticks)), 6)
    return f",.{decimals}~f", [_trimmed(f"{t:,.{decimals}f}") for t in ticks]


def _trimmed(number: str) -> str:
    """A number without the trailing zeros of its decimals (d3's "~"): "1.50" -> "1.5", "3.0" -> "3"."""
    return number.rstrip("0").rstrip(".") if "." in number else number


def _ticks_with_room(ticks: list[float], labels: list[str], columns: list[str], *, width: float, end: float,
                     font: float) -> list[float]:
    """The evenly spaced ``ticks`` (0 first) whose axis ``labels`` and risk-table ``columns`` (its
    numbers, centred on the ticks) fit side by side in a plot ``width`` px wide whose axis ends at
    ``end``; the time axis is labelled, and the risk table has its columns, at the ticks kept.

    Every tick is kept, else every second (third, ...) one, always with the last, which Vega draws
    flush with the axis end (its whole width before the end). When the last tick would come too
    close to the one before it, the step becomes a divisor of the number of steps that keeps three
    ticks or more (0, 48, 96 rather than 0, 36, 96; 0, 49, 98 rather than 0, 21, 42, 63, 98); else
    the last takes the place of the one before it (the axis used to end past its last label).
    """
    if len(ticks) < 2:
        return list(ticks)
    step = (ticks[1] - ticks[0]) / end * width  # px between neighbouring ticks
    # axis labels a quarter of the font apart; the risk table's numbers (as estimated for names) 0.6 of it
    label = max(layout.number_width(text, font) for text in labels)
    column = max((layout.text_width(text, font) + font * 0.6 for text in columns), default=0.0)
    need = max(label + font / 4, column)
    flush = label * 1.5 if abs(ticks[-1] - end) < 1e-9 * max(end, 1) else label
    need_last = max(flush + font / 4, column)  # between the last tick and the one kept before it
    steps, least = len(ticks) - 1, max(1, math.ceil(need / step))
    even = [k for k in range(least, steps // 2 + 1) if steps % k == 0 and k * step >= need_last]
    if even:
        return ticks[::even[0]]
    kept = list(range(0, steps + 1, least))
    if kept[-1] != steps:
        kept.append(steps)
    while len(kept) > 2 and (kept[-1] - kept[-2]) * step < need_last:
        del kept[-2]  # too close to the last tick: the last takes its place
    return [ticks[i] for i in kept]


def _risk_columns(risk: pd.DataFrame, ticks: list[float], fit: _Layout, centres: dict) -> pd.DataFrame:
    """The risk table as drawn: "at risk (events)" per group at each of ``ticks``, at its row's
    centre ``y``."""
    kept = np.isin(risk.time.to_numpy(), np.asarray(ticks))
    return risk.assign(stratum=risk.stratum.map(fit.shown), y=risk.stratum.map(centres),
                       label=_risk_labels(risk))[kept]


def title_params(title: str, subtitle: str, spec: FigureSize) -> dict:
    """The figure's title and subtitle, wrapped onto lines (never cut); a subtitle alone (a slide,
    whose title is text) is drawn as the title's line, in the subtitle's style."""
    room = spec.width - 20
    if not title:
        return {"text": _wrapped(subtitle, room, spec.font) if subtitle else "", "fontSize": spec.font,
                "fontWeight": "normal", "color": "#B00020", "anchor": "start"}
    below = {"subtitle": _wrapped(subtitle, room, spec.font * 0.91)} if subtitle else {}
    return {"text": _wrapped(title, room, spec.title_font), "fontSize": spec.title_font, "anchor": "start",
            **below, "subtitleFontSize": spec.font, "subtitleColor": "#B00020"}


def title_height(title: str, subtitle: str, spec: FigureSize) -> float:
    """The height the title and subtitle take, in px."""
    room = spec.width - 20
    lines = len(layout.wrapped(title, room, spec.title_font * 1.1)) if title else 0
    below = len(layout.wrapped(subtitle, room, spec.font)) if subtitle else 0
    return lines * spec.title_font * 1.35 + below * spec.font * 1.3


def _top(spec: FigureSize, title: str, subtitle: str, height: float) -> dict:
    """Title, fonts, white background, and the size the figure states (``usermeta.size``, CSS px),
    to which its downloads are fitted exactly."""
    return dict(title=title_params(title, subtitle, spec), usermeta={"size": [spec.width, round(height)]},
                config=vl.config(FONT, spec.font))


def require_curves(curves: dict) -> None:
    """A ValueError, saying so, when there is no curve to draw."""
    if not curves:
        raise ValueError("no curves to draw: give at least one group's curve (curves is empty)")


def curve_figure(curves: dict, risk: pd.DataFrame, *, incidence: bool, title: str, x_title: str,
                 y_title: str, ticks, size: str = "slide", bands: bool | None = None,
                 subtitle: str = "", options: FigureOptions | None = None, annotation: str = "",
                 time_end: float | None = None) -> dict:
    """Step curves per stratum with interval bands and censor marks, above a number-at-risk
    table ("at risk (cumulative events)") that shares the time axis. Each group has its colour and
    line style; ``bands=None`` draws the bands for up to three groups. Every group name is shown in
    full (wrapped), and the downloads have the stated size (``export.FigureFile.size``) exactly.
    ``options`` (:class:`FigureOptions`) override ``size`` and ``bands``; ``annotation`` (a test's
    p-value) is written inside the plot; the time axis ends at ``time_end`` (default: the last tick)."""
    require_curves(curves)
    options = options or FigureOptions(size=size, bands=bands)
    spec = _scaled(SIZES[options.size], options.font_scale)
    fit = _layout(list(curves), spec, options, title_height=title_height(title, subtitle, spec),
                  legend_width=spec.width, x_title=x_title, y_title=y_title, first_column=_first_column(risk),
                  largest=_largest(risk))
    return _panel(curves, risk, incidence=incidence, x_title=x_title, y_title=y_title, ticks=ticks, spec=spec,
                  fit=fit, options=options, annotation=annotation, time_end=time_end, shared=("x", "color"),
                  **_top(spec, title, subtitle, spec.height + fit.extra_height))


PANEL_SIZES = {
    "slide": FigureSize("Slide (13.3 in wide)", 1280, 576, 13, 16, 18),
    "journal": FigureSize("Journal, two columns (7.2 in wide)", 690, 346, 9, 10, 12),
}


def panel_figure(panels: list[dict], *, size: str = "slide", title: str = "", subtitle: str = "",
                 bands: bool | None = None, options: FigureOptions | None = None) -> dict:
    """Several curve panels side by side, each with its own aligned number-at-risk table, one legend
    above them all (every group name in full; downloads exactly the stated size).

    Each panel is a dict with ``curves, risk, incidence, heading, y_title, x_title, ticks`` and
    optionally ``annotation`` (its test's p-value) and ``time_end``.
    """
    options = options or FigureOptions(size=size, bands=bands)
    whole = _scaled(PANEL_SIZES[options.size], options.font_scale)
    count = max(len(panels), 1)
    each = dataclasses.replace(whole, width=(whole.width - (count - 1) * whole.font) // count)
    names = list(panels[0]["curves"]) if panels else []
    headings = max((_heading_lines(p["heading"], each) for p in panels), default=0)
    fit = _layout(names, each, options,
                  title_height=title_height(title, subtitle, whole) + whole.title_font * 1.35 * headings,
                  legend_width=whole.width, x_title=panels[0]["x_title"] if panels else "",
                  y_title=max((p["y_title"] for p in panels), key=len, default=""),
                  first_column=[text for p in panels for text in _first_column(p["risk"])],
                  largest=max(_largest(p["risk"]) for p in panels) if panels else 0)
    charts = [_panel(p["curves"], p["risk"], incidence=p["incidence"], x_title=p["x_title"], y_title=p["y_title"],
                     ticks=p["ticks"], spec=each, fit=fit, options=options, heading=p["heading"], legend=i == 0,
                     index=i, annotation=p.get("annotation", ""), time_end=p.get("time_end"), heading_lines=headings)
              for i, p in enumerate(panels)]
    return vl.figure(vl.hconcat(*charts, spacing=whole.font, resolve={"scale": {"color": "shared"}}),
                     **_top(whole, title, subtitle, whole.height + fit.extra_height))
