"""Who is in the current selection."""
import streamlit as st

import ui
from ilp_core import description, export, formatting, selection, summaries

view = ui.header("Cohort")
data = view.selected
follow = summaries.follow_up(data, view.settings)
unit = view.settings.time_unit
left, middle, right, far = st.columns(4)
left.metric("Patients", len(data))
middle.metric(f"Median follow-up ({unit})", formatting.number(follow.estimate),
              help="Reverse Kaplan-Meier: " + follow.method)
right.metric("Deaths", int((data.vital_status == "dead").sum()))
far.metric("Amputations", int(data.amputation.sum()))

by = view.labels if view.compare_by else None
columns = {c: l for c, l in selection.CATEGORY_FIELDS.items()
           if c in ("limb", "histology", "sex", "presentation", "ilp_completed", "surgery")}
tabs = st.columns(2)
for i, (column, label) in enumerate(columns.items()):
    with tabs[i % 2]:
        st.subheader(label)
        st.dataframe(description.category_counts(data, column, by).rename(columns={"value": label}),
                     hide_index=True)

st.subheader("Patients")
listed = data[["patient_id", "source_row", "sex", "age_years", "limb", "histology", "ilp_date", "vital_status"]]
st.dataframe(listed.rename(columns={"source_row": "row in workbook"}), hide_index=True)
st.download_button("Patient list CSV", lambda: export.csv_bytes(data), file_name="selected_patients.csv",
                   mime="text/csv", on_click="ignore", icon=":material/download:", key="cohort:csv")
