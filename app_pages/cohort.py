"""Who is in the current selection."""
import streamlit as st

import ui
from ilp_core.plain_text import plain
from ilp_core.reporting import display, export, flow_diagram, formatting
from ilp_core.results import description, selection, summaries
from ilp_core.results.flow import patient_flow
from ilp_core.schema import BY_NAME

view = ui.header("Cohort")
data = view.selected
follow = summaries.follow_up(data, view.settings)
unit = view.settings.time_unit
left, middle, right, far = st.columns(4)
left.metric("Patients", len(data))
censored_alive = summaries.censored_alive(data)
why = "" if follow.estimate == follow.estimate else "; " + display.follow_up_missing(censored_alive)
shown = formatting.time_value(follow.estimate) if follow.estimate == follow.estimate or censored_alive \
    else "not estimable"  # every patient died: "not reached" said the opposite
middle.metric(f"Median follow-up ({unit})", shown, help="Reverse Kaplan-Meier: " + follow.method + why)
counts = description.event_counts(data)
right.metric("Deaths", counts["deaths"])
far.metric("Amputations", counts["amputations"])

by = view.labels if view.compare_by else None
columns = {c: l for c, l in selection.CATEGORY_FIELDS.items()  # a column the workbook lacks: no table of "missing"
           if c in ("limb", "histology", "sex", "presentation", "ilp_completed", "surgery") and data[c].notna().any()}
tabs = st.columns(2)
for i, (column, label) in enumerate(columns.items()):
    with tabs[i % 2]:
        st.subheader(label)
        st.dataframe(display.category_display(description.category_counts(data, column, by), label),
                     hide_index=True)

st.subheader("Patients")
st.dataframe(description.patient_list(data), hide_index=True,
             column_config={BY_NAME["ilp_date"].label: st.column_config.DateColumn(format="YYYY-MM-DD")})
st.download_button("Patient list CSV", lambda: export.csv_bytes(description.labelled(data)),
                   file_name="selected_patients.csv",
                   mime="text/csv", on_click="ignore", icon=":material/download:", key="cohort:csv")

st.subheader("Table 1: baseline characteristics")
left, right = st.columns([1, 3])
with_tests = ui.persistent(left.toggle, "p-values", key="table1:tests", default=False, disabled=not view.compare_by,
                         help="Between the compared groups, as R computes them: Fisher's exact test (exact for "
                              "any table) or Pearson's chi-square for categories; Mann-Whitney U (Kruskal-Wallis) "
                              "or Welch's t-test (Welch's ANOVA) for numbers. The footnote names each row's test.")
several = view.compare_by and view.labels.nunique() > 2  # the tests for two groups have other names
numeric_test = ui.persistent(right.radio, "Numbers compared with", ["mann-whitney", "t-test"], default="mann-whitney",
                             horizontal=True,
                             format_func={"mann-whitney": "Kruskal-Wallis" if several else "Mann-Whitney U",
                                          "t-test": "Welch's ANOVA" if several else "Welch's t-test"}.get,
                             key="table1:numeric", disabled=not with_tests)
baseline = ui.baseline_table(with_tests, numeric_test)
st.dataframe(baseline.display, hide_index=True)
st.caption(plain(baseline.footnote))
st.download_button("Table 1 CSV", lambda: export.csv_bytes(baseline.download()), file_name="table1.csv",
                   mime="text/csv", on_click="ignore", icon=":material/download:", key="table1:csv")

st.subheader("Patient flow")
steps = patient_flow(data, n_rows=view.cohort.n_rows, n_selected_from=len(view.cohort.data), filters=view.filters)
figure = ui.shown_figure(lambda: flow_diagram.flow_chart(steps, subtitle=ui.SYNTHETIC_NOTE if view.synthetic else ""),
                         ui.figure_identity("patient_flow", view.cohort.n_rows))
ui.csv_download(ui.figure_downloads(figure, "patient_flow", "flow"), "Flow counts CSV", steps, "patient_flow.csv",
                "flow:csv")
ui.figure_caption(figure, risk_table=False)
