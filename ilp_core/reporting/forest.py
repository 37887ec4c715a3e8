"""The forest plot of a regression model: one row per term, its name (wrapped, never cut), the ratio
with its interval on a log axis, and the numbers in a column of their own, as in a journal's table.
"""
from __future__ import annotations

import math

import numpy as np
import pandas as pd

from ilp_core.conventions import interval_label
from ilp_core.reporting import layout
from ilp_core.reporting import vega_lite as vl
from ilp_core.reporting.charts import FONT, PALETTE, PANEL_SIZES, SIZES, title_height, title_params
from ilp_core.reporting.formatting import p_number

# Axis ticks on the log scale; the axis runs from the tick below the lowest bound to the tick above
# the highest, within 0.01 to 100: a bound beyond is drawn as an arrow at the axis's end.
TICKS = [0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1, 2, 5, 10, 20, 50, 100]
WIDE_TICKS = [0.01, 0.1, 0.5, 1, 2, 10, 100]  # labelled on an axis of more than two decades
# A slide, or a journal's two columns (a single column is too narrow for the names and the numbers).
FOREST_SIZES = {"slide": SIZES["slide"], "journal": PANEL_SIZES["journal"]}


def ratio_text(value: float) -> str:
    """A ratio as a table shows it: two decimals below 10, one below 100, none above; '<0.01'.

    Examples
    --------
    >>> [ratio_text(v) for v in (0.004, 0.5, 8.456, 9.999, 45.12, 99.96, 1500)]
    ['<0.01', '0.50', '8.46', '10.0', '45.1', '100', '1,500']
    """
    if value < 0.005:  # would read 0.00
        return "<0.01"
    if round(value, 2) < 10:
        return f"{value:.2f}"
    return f"{value:.1f}" if round(value, 1) < 100 else f"{value:,.0f}"


def _estimable(table: pd.DataFrame) -> pd.Series:
    rows = table.assign(estimable=table.estimable if "estimable" in table else True)
    finite = [np.isfinite(rows[c].astype(float)) for c in ("hazard_ratio", "ci_lower", "ci_upper")]
    return rows.estimable.astype(bool) & finite[0] & finite[1] & finite[2] & (rows.ci_lower > 0)


def axis_range(table: pd.DataFrame) -> tuple[float, float]:
    """The log axis: from the tick at or below the lowest lower bound (at most 0.5) to the tick at
    or above the highest upper bound (at least 2), within 0.01 to 100."""
    estimated = table[_estimable(table)]
    low = float(min(estimated.ci_lower.min(), 0.5)) if len(estimated) else 0.5
    high = float(max(estimated.ci_upper.max(), 2.0)) if len(estimated) else 2.0
    below = max([t for t in TICKS if t <= low], default=TICKS[0])
    return below, min([t for t in TICKS if t >= high], default=TICKS[-1])


def forest_plot(table: pd.DataFrame, *, title: str, ratio: str = "Hazard ratio", conf_level: float = 0.95,
                subtitle: str = "", size: str = "slide") -> dict:
    """Ratios with their intervals on a log axis, a dashed line at 1, one row per term; the ratio,
    interval and p-value written in a column to the right. A term the model could not estimate keeps
    its row, with "not estimable" in that column. Downloads are exactly the size stated in
    ``usermeta.size``. ``ratio`` names the model's ratio ("Hazard ratio", "Subdistribution hazard
    ratio") at ``conf_level``."""
    x_title = f"{ratio} ({interval_label(conf_level)}, log scale)"
    value_heading = f"{'SHR' if ratio.lower().startswith('subdistribution') else 'HR'} ({interval_label(conf_level)})"
    spec = FOREST_SIZES[size]
    font = spec.font
    rows = table.reset_index(drop=True).copy()
    if not len(rows):
        raise ValueError("the model has no terms to plot")
    rows["estimable"] = _estimable(rows)
    low, high = axis_range(rows)
    label_room = spec.width * 0.32
    wrapped = [layout.wrapped(str(term), label_room, font) for term in rows.term]
    rows["shown"] = ["\n".join(lines) for lines in wrapped]
    order = rows.shown.tolist()
    step = max(len(lines) for lines in wrapped) * font * layout.LINE + (14 if size == "slide" else 8)
    rows["text"] = [f"{ratio_text(h)} ({ratio_text(lo)}\u2013{ratio_text(hi)})" if ok else "not estimable"
                    for h, lo, hi, ok in zip(rows.hazard_ratio, rows.ci_lower, rows.ci_upper, rows.estimable)]
    rows["p"] = [p_number(p) if ok else "" for p, ok in zip(rows.p_value, rows.estimable)]  # under the heading "p"
    shown = rows[rows.estimable].assign(lo=lambda r: r.ci_lower.clip(low, high),
                                        hi=lambda r: r.ci_upper.clip(low, high))
    y = vl.channel("shown:N", sort=order, title=None, scale={"domain": order},
                   axis=dict(labelExpr="split(datum.label, '\\n')", labelLimit=0, ticks=False, domain=False,
                             labelPadding=12, labelFontSize=font, labelLineHeight=font * layout.LINE))
    scale = {"type": "log", "domain": [low, high], "nice": False}
    # both ends labelled (an axis to 20 ended past its last label, 10, on a wide range)
    ticks = sorted({low, high, *(t for t in (WIDE_TICKS if math.log10(high / low) > 2 else TICKS) if low <= t <= high)})
    x = vl.channel("hazard_ratio:Q", scale=scale, title=x_title,
                   axis={"values": ticks, "format": "~g", "grid": True, "gridColor": "#EEEEEE",
                         "tickCount": len(ticks)})
    value_width = layout.text_width("100.0 (10.00\u20131,000)", font) + layout.text_width("p < 0.001", font) + 30
    label_width = min(label_room, max(layout.text_width(line, font) for lines in wrapped for line in lines)) + 12
    height = round(max(len(rows) * step, 48))
    tooltip = [vl.channel("term:N", title="Term"), vl.channel("hazard_ratio:Q", format=".2f"),
               vl.channel("p_value:Q", format=".3f")]
    layers = [
        vl.view(pd.DataFrame({"one": [1.0]}), "rule", {"x": vl.channel("one:Q", scale=scale)},
                {"strokeDash": [4, 4], "color": "#666666"}),
        vl.view(shown, "rule", {"x": vl.channel("lo:Q", scale=scale), "x2": vl.channel("hi"), "y": y},
                {"strokeWidth": 2, "color": PALETTE[0]}),
        # a ratio beyond the axis is shown by its arrow alone (its dot fell beside the plot, on the names)
        vl.view(shown[shown.hazard_ratio.between(low, high)], "point", {"x": x, "y": y, "tooltip": tooltip},
                {"filled": True, "size": 80 if size == "slide" else 30, "color": PALETTE[0], "opacity": 1}),
    ]
    beyond = pd.concat([shown[shown.ci_lower < low].assign(at=low, shape="triangle-left"),
                        shown[shown.ci_upper > high].assign(at=high, shape="triangle-right")])
    if len(beyond):  # an interval wider than the axis ends in an arrow
        layers.append(vl.view(beyond, "point", {"x": vl.channel("at:Q", scale=scale), "y": y,
                                                "shape": vl.channel("shape:N", scale=None)},
                              {"filled": True, "size": 60 if size == "slide" else 25, "color": PALETTE[0],
                               "opacity": 1}))
    plot = vl.layer(*layers, name="plot0", width=round(spec.width - label_width - value_width - 30), height=height)
    p_at = value_width - layout.text_width("p < 0.001", font) - 6
    columns = [vl.view(rows, "text", {"y": vl.channel("shown:N", sort=order, scale={"domain": order}, axis=None),
                                      "text": vl.channel(f"{field}:N")},
                       {"align": "left", "fontSize": font, "color": "#222222", "x": at})
               for field, at in (("text", 0), ("p", p_at))]
    headings = [vl.view(pd.DataFrame({"heading": [text]}), "text", {"text": vl.channel("heading:N")},
                        {"align": "left", "baseline": "bottom", "fontSize": font, "fontWeight": "bold", "x": at,
                         "y": -4})
                for text, at in ((value_heading, 0), ("p", p_at))]
    values = vl.layer(*columns, *headings, name="side0", width=round(value_width), height=height)
    total_height = height + title_height(title, subtitle, spec) + 4.6 * font + 16  # and the column headings
    return vl.figure(vl.hconcat(plot, values, spacing=12, resolve={"scale": {"y": "shared"}}),
                     title=title_params(title, subtitle, spec),
                     usermeta={"size": [spec.width, math.ceil(total_height)]}, config=vl.config(FONT, font))
