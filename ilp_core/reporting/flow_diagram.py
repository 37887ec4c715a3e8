"""The patient-flow diagram (CONSORT style): the main steps down the left, the patients who leave
the flow in boxes to the right, each box as tall as its text, none overlapping.
"""
from __future__ import annotations

import pandas as pd

from ilp_core.reporting import layout
from ilp_core.reporting import vega_lite as vl
from ilp_core.reporting.charts import FONT

# Where each branch leaves the main column: below the main step of that index.
ANCHORS = {"excluded": 0, "filtered": 0, "aborted": 1, "completion_unknown": 1, "no_surgery": 2,
           "resection_unknown": 2}
FONT_SIZE, LINE, PAD, GAP = 12, 15, 8, 14  # px: text, line height, padding inside a box, space between boxes
MAIN_WIDTH, SIDE_GAP = 300, 80
_SUMMARIES = {"outcome"}  # main boxes about all patients analysed, not a step of the flow


def _box(text: str, width: float) -> tuple[str, float]:
    """``text`` wrapped to fit ``width`` and the height of its box."""
    lines = [line for part in text.split("\n") for line in layout.wrapped(part, width - 2 * PAD, FONT_SIZE)]
    return "\n".join(lines), len(lines) * LINE + 2 * PAD


def flow_boxes(flow: pd.DataFrame, *, width: int = 760) -> tuple[pd.DataFrame, pd.DataFrame, float]:
    """Boxes (``x, y, x_end, y_end, text``) and arrows (``x, y, x2, y2``) in pixels from the top
    left, and the height of the diagram."""
    main = flow[~flow.side].reset_index(drop=True)
    side = flow[flow.side]
    side_width = width - MAIN_WIDTH - SIDE_GAP
    branches: dict[int, list] = {}
    for _, step in side.iterrows():
        text = f"{step.label}: {step.n}" + (f"\n{step.detail}" if step.detail else "")
        branches.setdefault(ANCHORS.get(step.step, 0), []).append(_box(text, side_width))
    boxes, arrows, y = [], [], 0.0
    for i, step in main.iterrows():
        text, height = _box(f"{step.label}\nn = {step.n}" + (f"\n{step.detail}" if step.detail else ""), MAIN_WIDTH)
        boxes.append((0, y, MAIN_WIDTH, y + height, text))
        bottom = y + height
        stacked = branches.get(i, [])
        need = sum(h for _, h in stacked) + GAP * (len(stacked) + 1)
        gap = max(36.0, need) if i < len(main) - 1 else (need if stacked else 0.0)
        at = bottom + (gap - need) / 2 + GAP
        for text, h in stacked:
            boxes.append((MAIN_WIDTH + SIDE_GAP, at, width, at + h, text))
            arrows.append((MAIN_WIDTH / 2, at + h / 2, MAIN_WIDTH + SIDE_GAP, at + h / 2))
            at += h + GAP
        # the last contact of every patient analysed is not a step after resection: no line leads to it
        # (from "Resection, n = 26" down to "All patients, n = 34" the count seemed to grow)
        if i < len(main) - 1 and main.step[i + 1] not in _SUMMARIES:
            arrows.append((MAIN_WIDTH / 2, bottom, MAIN_WIDTH / 2, bottom + gap))
        elif stacked:  # branches leave from a line of their own (completion not recorded, then the summary)
            arrows.append((MAIN_WIDTH / 2, bottom, MAIN_WIDTH / 2, at - GAP - stacked[-1][1] / 2))
        y = bottom + gap
    return (pd.DataFrame(boxes, columns=["x", "y", "x_end", "y_end", "text"]),
            pd.DataFrame(arrows, columns=["x", "y", "x2", "y2"]), max(y, 1.0))


def flow_chart(flow: pd.DataFrame, *, title: str = "Patient flow", subtitle: str = "",
               width: int = 760) -> dict:
    """The flow as boxes and arrows: the main steps down the left, branches to the right."""
    nodes, links, height = flow_boxes(flow, width=width)
    x = vl.channel("x:Q", axis=None, scale={"domain": [0, width], "nice": False})
    y = vl.channel("y:Q", axis=None, scale={"domain": [0, height], "reverse": True, "nice": False})
    rects = vl.view(nodes, "rect", {"x": x, "y": y, "x2": vl.channel("x_end"), "y2": vl.channel("y_end")},
                    {"fill": "white", "stroke": "#333333", "strokeWidth": 1.2, "cornerRadius": 3})
    labels = vl.view(nodes, "text", {"x": x, "y": y, "text": vl.channel("text:N")},
                     {"align": "left", "baseline": "top", "fontSize": FONT_SIZE, "lineBreak": "\n",
                      "lineHeight": LINE, "dx": PAD, "dy": PAD})
    lines = vl.view(links, "rule", {"x": x, "y": y, "x2": vl.channel("x2"), "y2": vl.channel("y2")},
                    {"strokeWidth": 1.2, "color": "#333333"})
    subtitle = {"subtitle": subtitle} if subtitle else {}
    title = {"text": title, **subtitle, "anchor": "start", "fontSize": 16, "subtitleColor": "#B00020"}
    return vl.figure(vl.layer(lines, rects, labels, width=width, height=round(height)), title=title,
                     config=vl.config(FONT))
