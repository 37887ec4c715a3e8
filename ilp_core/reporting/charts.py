"""Figures: survival and incidence curves with interval bands, censor marks and a number-at-risk
table aligned under the time axis. Pure functions from results to Altair charts.

Sizes are in CSS pixels (96 per inch), so a figure exported at 300 dpi has the
stated size in inches. Colours: the Okabe-Ito palette, safe for colour-blind readers.
"""
from __future__ import annotations

from dataclasses import dataclass

import altair as alt
import numpy as np
import pandas as pd

from ilp_core.conventions import interval_label

# Okabe-Ito without its yellow (unreadable as text on white), then three of Paul Tol's: ten groups.
PALETTE = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000", "#882255", "#117733",
           "#999933"]
# A line style per group, so curves stay apart in greyscale print (solid, dashed, dotted, dash-dot, ...).
DASHES = [[1, 0], [8, 4], [2, 3], [8, 3, 2, 3], [14, 4], [4, 2], [10, 3, 2, 3, 2, 3], [6, 6], [1, 4],
          [16, 4, 4, 4]]
BANDS_UP_TO = 3  # interval bands by default for up to this many groups; more blur into one mass
MAX_POINTS = 1500  # per curve on screen; a step curve at this resolution looks the same
FONT = "Liberation Sans, Arial, Helvetica, sans-serif"


@dataclass(frozen=True)
class FigureSize:
    """Whole-figure width and target height in CSS pixels, with font sizes to match."""

    label: str
    width: int
    height: int
    font: int
    title_font: int
    label_width: int   # room for the y-axis and risk-table labels
    risk_row: int      # height of one risk-table row

    @property
    def inches(self) -> str:
        return f"{self.width / 96:.1f} x {self.height / 96:.1f} in"


SIZES = {
    "slide": FigureSize("Slide, 16:9 (10 x 5.6 in)", 960, 540, 15, 20, 150, 22),
    "journal": FigureSize("Journal column (3.5 x 3.3 in)", 336, 320, 10, 11, 72, 14),
}


def _thin(table: pd.DataFrame, max_points: int = MAX_POINTS) -> pd.DataFrame:
    """Rows enough to draw the step curve: where a value changes, the ends, and at most
    ``max_points`` in all (the last row of each of ``max_points`` time bins)."""
    values = table[["estimate", "ci_lower", "ci_upper"]].to_numpy()
    changed = np.ones(len(table), dtype=bool)
    changed[1:] = np.any(values[1:] != values[:-1], axis=1) & ~np.all(np.isnan(values[1:]) & np.isnan(values[:-1]), axis=1)
    changed[-1] = True
    kept = table[changed]
    if len(kept) > max_points:
        bins = np.floor(kept.time / kept.time.max() * (max_points - 1)).astype(int)
        kept = kept[~bins.duplicated(keep="last").to_numpy()]
    return kept


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


def _panel(curves: dict, risk: pd.DataFrame, *, incidence: bool, x_title: str, y_title: str, ticks,
           spec: FigureSize, bands: bool, heading: str | None = None) -> alt.VConcatChart:
    """One plot with its number-at-risk table underneath (not yet configured)."""
    names = list(curves)
    legend = alt.Legend(title=None, orient="top", labelFontSize=spec.font, symbolType="stroke", symbolStrokeWidth=3,
                        symbolOpacity=1, symbolSize=400) if len(names) > 1 else None
    colour = alt.Color("stratum:N", scale=alt.Scale(domain=names, range=PALETTE[: max(len(names), 1)]), legend=legend)
    ticks = list(np.asarray(ticks, dtype=float))
    x = alt.X("time:Q", title=x_title, scale=alt.Scale(domain=[0, ticks[-1]], nice=False),
              axis=alt.Axis(values=ticks, grid=False))
    points = curve_points(curves, incidence=incidence)
    top = max(0.2, float(np.ceil(points.ci_upper.max(skipna=True) * 10) / 10)) if incidence and curves else 1.0
    y = alt.Y("estimate:Q", title=y_title, scale=alt.Scale(domain=[0, min(top, 1.0)]),
              axis=alt.Axis(format=".0%", minExtent=spec.label_width, labelLimit=spec.label_width - 8))
    base = alt.Chart(points)
    layers = []
    if bands:
        layers.append(base.mark_area(interpolate="step-after", opacity=0.15, clip=True).encode(
            x=x, y=alt.Y("ci_lower:Q"), y2="ci_upper:Q", color=colour))
    dash = alt.StrokeDash("stratum:N", scale=alt.Scale(domain=names, range=DASHES[: max(len(names), 1)]),
                          legend=legend)  # the same legend: each symbol shows the group's colour and line style
    layers.append(base.mark_line(interpolate="step-after", clip=True,
                                 strokeWidth=2 if spec.font >= 12 else 1.2).encode(
        x=x, y=y, color=colour, strokeDash=dash,
        tooltip=["stratum:N", alt.Tooltip("time:Q", format=".1f"), alt.Tooltip("estimate:Q", format=".1%"),
                 alt.Tooltip("ci_lower:Q", format=".1%"), alt.Tooltip("ci_upper:Q", format=".1%")]))
    layers.append(alt.Chart(censor_points(curves)).mark_point(
        shape="stroke", angle=90, size=60 if spec.font >= 12 else 20, strokeWidth=1.2, clip=True).encode(
        x=x, y=y, color=colour))
    rows = max(len(names), 1)
    plot_height = spec.height - rows * spec.risk_row - (5.2 * spec.font + 2.2 * spec.title_font)
    plot = alt.layer(*layers).properties(width=spec.width - spec.label_width - 20, height=max(plot_height, 80))
    if heading:
        plot = plot.properties(title=alt.TitleParams(heading, fontSize=spec.title_font, anchor="start"))
    table = alt.Chart(risk.assign(label=risk.n_risk.astype(str) + " (" + risk.n_events.astype(str) + ")")).mark_text(
        fontSize=spec.font).encode(
        x=alt.X("time:Q", scale=alt.Scale(domain=[0, ticks[-1]], nice=False), axis=None),
        y=alt.Y("stratum:N", sort=names, title=None,
                axis=alt.Axis(domain=False, ticks=False, minExtent=spec.label_width, offset=2.2 * spec.font,
                              labelLimit=spec.label_width - int(2.6 * spec.font), labelFontWeight="bold")),
        text="label:N", color=alt.Color("stratum:N", scale=alt.Scale(domain=names, range=PALETTE[:rows]), legend=None),
    ).properties(width=spec.width - spec.label_width - 20, height=rows * spec.risk_row,
                 title=alt.TitleParams("Number at risk (cumulative events)", fontSize=spec.font,
                                       fontWeight="normal", anchor="start"))
    return alt.vconcat(plot, table, spacing=spec.font).resolve_scale(x="shared")


def _finish(chart, spec: FigureSize, title: str, subtitle: str):
    return chart.properties(
        title=alt.TitleParams(title, subtitle=subtitle or alt.Undefined, fontSize=spec.title_font,
                              subtitleFontSize=spec.font, subtitleColor="#B00020", anchor="start")
    ).configure(font=FONT, background="white").configure_axis(
        labelFontSize=spec.font, titleFontSize=spec.font, labelFont=FONT, titleFont=FONT).configure_view(stroke=None)


def curve_figure(curves: dict, risk: pd.DataFrame, *, incidence: bool, title: str, x_title: str,
                 y_title: str, ticks, size: str = "slide", bands: bool | None = None,
                 subtitle: str = "") -> alt.VConcatChart:
    """Step curves per stratum with interval bands and censor marks, above a number-at-risk
    table ("at risk (cumulative events)") that shares the time axis. Each group has its colour and
    line style; ``bands=None`` draws the bands for up to three groups."""
    bands = len(curves) <= BANDS_UP_TO if bands is None else bands
    spec = SIZES[size]
    panel = _panel(curves, risk, incidence=incidence, x_title=x_title, y_title=y_title, ticks=ticks, spec=spec,
                   bands=bands)
    return _finish(panel.resolve_scale(x="shared", color="shared"), spec, title, subtitle)


PANEL_SIZES = {
    "slide": FigureSize("Slide, 16:9 (about 13 x 6.2 in)", 1280, 576, 13, 16, 96, 18),
    "journal": FigureSize("Journal, two columns (about 7 x 4 in)", 690, 346, 9, 10, 56, 12),
}


def panel_figure(panels: list[dict], *, size: str = "slide", title: str = "", subtitle: str = "",
                 bands: bool | None = None) -> alt.HConcatChart:
    """Several curve panels side by side, each with its own aligned number-at-risk table.

    Each panel is a dict with ``curves, risk, incidence, heading, y_title, x_title, ticks``.
    """
    whole = PANEL_SIZES[size]
    bands = all(len(p["curves"]) <= BANDS_UP_TO for p in panels) if bands is None else bands
    count = max(len(panels), 1)
    each = FigureSize(whole.label, (whole.width - (count - 1) * whole.font) // count - 3 * whole.font,
                      whole.height - 3 * whole.title_font, whole.font, whole.title_font, whole.label_width,
                      whole.risk_row)
    charts = [_panel(p["curves"], p["risk"], incidence=p["incidence"], x_title=p["x_title"], y_title=p["y_title"],
                     ticks=p["ticks"], spec=each, bands=bands, heading=p["heading"]) for p in panels]
    return _finish(alt.hconcat(*charts, spacing=whole.font).resolve_scale(color="shared"), whole, title, subtitle)


def forest_plot(table: pd.DataFrame, *, title: str, x_title: str = f"Hazard ratio ({interval_label(0.95)})", subtitle: str = "",
                size: str = "slide") -> alt.LayerChart:
    """Hazard ratios with their intervals on a log axis, one row per term, a line at 1; a term the
    model could not estimate keeps its row, with "not estimable" written at 1 instead of a point."""
    spec = SIZES[size]
    rows = table.copy()
    if "estimable" not in rows:
        rows["estimable"] = True
    rows["estimable"] = rows.estimable.astype(bool) & np.isfinite(rows.hazard_ratio.astype(float)) & \
        np.isfinite(rows.ci_lower.astype(float)) & np.isfinite(rows.ci_upper.astype(float)) & (rows.ci_lower > 0)
    estimated = rows[rows.estimable]
    low = float(min(estimated.ci_lower.min(), 0.5)) if len(estimated) else 0.5
    high = float(max(estimated.ci_upper.max(), 2.0)) if len(estimated) else 2.0
    rows["label"] = [f"{h:.2f} ({lo:.2f}\u2013{hi:.2f})" if ok else "not estimable"
                     for h, lo, hi, ok in zip(rows.hazard_ratio, rows.ci_lower, rows.ci_upper, rows.estimable)]
    rows["at"] = np.where(rows.estimable, rows.hazard_ratio, 1.0)
    shown = rows.loc[rows.estimable, ["term", "hazard_ratio", "p_value"]].assign(
        lo=rows.ci_lower[rows.estimable], hi=rows.ci_upper[rows.estimable])
    order = rows.term.tolist()
    scale = alt.Scale(type="log", domain=[low, high])
    y = alt.Y("term:N", sort=order, title=None, scale=alt.Scale(domain=order), axis=alt.Axis(labelLimit=spec.width // 3))
    step = 32 if size == "slide" else 18  # a height per row, so every renderer gives each term its own line
    chart = alt.layer(
        alt.Chart(pd.DataFrame({"one": [1.0]})).mark_rule(strokeDash=[4, 4], color="#666666").encode(
            x=alt.X("one:Q", scale=scale, title=x_title)),
        alt.Chart(shown).mark_rule(strokeWidth=2, color=PALETTE[0]).encode(x=alt.X("lo:Q", scale=scale), x2="hi:Q", y=y),
        alt.Chart(shown).mark_point(filled=True, size=80 if size == "slide" else 30, color=PALETTE[0]).encode(
            x=alt.X("hazard_ratio:Q", scale=scale), y=y,
            tooltip=["term:N", alt.Tooltip("hazard_ratio:Q", format=".2f"), alt.Tooltip("p_value:Q", format=".3f")]),
        alt.Chart(rows).mark_text(align="left", dx=6, dy=-10, fontSize=spec.font - 2, color="#333333").encode(
            x=alt.X("at:Q", scale=scale), y=y, text="label:N"),
    ).properties(width=spec.width - spec.width // 3 - 40, height=alt.Step(step))
    return chart.properties(title=alt.TitleParams(title, subtitle=subtitle or alt.Undefined, fontSize=spec.title_font,
                                                  subtitleFontSize=spec.font, subtitleColor="#B00020",
                                                  anchor="start")).configure(
        font=FONT, background="white").configure_axis(labelFontSize=spec.font, titleFontSize=spec.font,
                                                      labelFont=FONT, titleFont=FONT).configure_view(stroke=None)


def flow_chart(flow: pd.DataFrame, *, title: str = "Patient flow", subtitle: str = "",
               width: int = 760) -> alt.LayerChart:
    """The flow as boxes and arrows: the main steps down the left, branches to the right."""
    main = flow[~flow.side].reset_index(drop=True)
    side = flow[flow.side]
    row_height, box_w, box_h = 92, 300, 58
    boxes, arrows = [], []
    for i, step in main.iterrows():
        boxes.append({"x": 0, "y": i * row_height, "text": f"{step.label}\nn = {step.n}"
                      + (f"\n{step.detail}" if step.detail else "")})
        if i:
            arrows.append({"x": box_w / 2, "y": (i - 1) * row_height + box_h, "x2": box_w / 2, "y2": i * row_height})
    anchors = {"excluded": 0, "filtered": 0, "aborted": 1, "no_surgery": 2}
    offsets = {}
    for _, step in side.iterrows():
        base = anchors.get(step.step, 0)
        y = base * row_height + row_height / 2 + offsets.get(base, 0)
        offsets[base] = offsets.get(base, 0) + 40
        boxes.append({"x": box_w + 90, "y": y - 4, "text": f"{step.label}: {step.n}"
                      + (f"\n{step.detail}" if step.detail else "")})
        arrows.append({"x": box_w / 2, "y": y + box_h / 3, "x2": box_w + 90, "y2": y + box_h / 3})
    nodes, links = pd.DataFrame(boxes), pd.DataFrame(arrows)
    height = len(main) * row_height
    x = alt.X("x:Q", axis=None, scale=alt.Scale(domain=[0, width]))
    y = alt.Y("y:Q", axis=None, scale=alt.Scale(domain=[0, height], reverse=True))
    rects = alt.Chart(nodes).mark_rect(fill="white", stroke="#333333", strokeWidth=1.2, cornerRadius=3).encode(
        x=x, y=y, x2=alt.X2("x_end:Q"), y2=alt.Y2("y_end:Q")).transform_calculate(
        x_end=f"datum.x + {box_w}", y_end=f"datum.y + {box_h}")
    labels = alt.Chart(nodes).mark_text(align="left", baseline="top", fontSize=12, lineBreak="\n", dx=8, dy=6,
                                        limit=box_w + 200).encode(x=x, y=y, text="text:N")
    lines = alt.Chart(links).mark_rule(strokeWidth=1.2, color="#333333").encode(x=x, y=y, x2="x2:Q", y2="y2:Q")
    return alt.layer(lines, rects, labels).properties(
        width=width, height=height, title=alt.TitleParams(title, subtitle=subtitle or alt.Undefined, anchor="start",
                                                          fontSize=16, subtitleColor="#B00020")
    ).configure(font=FONT, background="white").configure_view(stroke=None)
