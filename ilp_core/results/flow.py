"""The flow of patients: from the workbook's rows to perfusion, resection and outcome."""
from __future__ import annotations

import altair as alt
import pandas as pd

from ilp_core.reporting.charts import FONT

FLOW_COLUMNS = ["step", "label", "n", "detail", "side"]


def _reasons(values: pd.Series) -> str:
    counts = values.fillna("not recorded").astype(str).value_counts()
    return "; ".join(f"{reason} {n}" for reason, n in counts.items())


def patient_flow(data: pd.DataFrame, *, n_rows: int, n_selected_from: int | None = None) -> pd.DataFrame:
    """Counts at each step: ``step, label, n, detail, side`` (side = a branch leaving the main flow).

    Parameters
    ----------
    data : the patients analysed (after any filters).
    n_rows : non-empty rows in the workbook (``Cohort.n_rows``).
    n_selected_from : patients loaded before the filters, when filters are applied.
    """
    loaded = n_selected_from if n_selected_from is not None else len(data)
    completed = data["ilp_completed"].fillna(False).astype(bool)
    resected = data["surgery"].fillna(False).astype(bool)
    no_surgery_reason = data["no_surgery_reason"] if "no_surgery_reason" in data else \
        pd.Series(None, index=data.index, dtype=object)
    rows = [("workbook", "Rows in the workbook", n_rows, "", False),
            ("excluded", "Excluded: data errors", n_rows - loaded, "see the Data page", True)]
    if n_selected_from is not None:
        rows.append(("filtered", "Not selected by the filters", loaded - len(data), "", True))
    aborted = ~completed
    aborted_detail = _reasons(data.loc[aborted, "ilp_abort_reason"]) if aborted.any() else ""
    if (aborted & resected).any():
        aborted_detail += f"; resected nonetheless {int((aborted & resected).sum())}"
    unresected = completed & ~resected
    rows += [
        ("analysed", "Patients treated with isolated limb perfusion", len(data), "", False),
        ("aborted", "Perfusion not completed", int(aborted.sum()), aborted_detail, True),
        ("completed", "Perfusion completed", int(completed.sum()), "", False),
        ("no_surgery", "No resection", int(unresected.sum()),
         _reasons(no_surgery_reason[unresected]) if unresected.any() else "", True),
        ("surgery", "Resection after a completed perfusion", int((completed & resected).sum()), "", False),
        ("outcome", "All patients at last contact", len(data),
         f"amputated {int(data['amputation'].fillna(False).sum())}; "
         f"alive {int((data['vital_status'] == 'alive').sum())}; dead {int((data['vital_status'] == 'dead').sum())}",
         False),
    ]
    return pd.DataFrame(rows, columns=FLOW_COLUMNS)


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
