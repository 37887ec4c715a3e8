"""Early severe complications (within 30 days) with exact intervals, and acute local toxicity."""
import streamlit as st

import ui
from ilp_core.results import complications
from ilp_core.results import description
from ilp_core.reporting import display
from ilp_core.reporting import export
from ilp_core.reporting import formatting

view = ui.header("Early complications")
table = complications.complication_table(view.selected, view.labels, conf_level=view.settings.conf_level)
level = formatting.ci_label(view.settings.conf_level)
overall = complications.complication_table(view.selected, conf_level=view.settings.conf_level).iloc[0]
st.metric("Early severe complication (death, compartment syndrome or amputation for a reaction, 30 days)",
          f"{overall.k} of {overall.n} ({formatting.percent(overall.estimate, 1)})",
          help=overall.method)
st.write(f"{level} {formatting.interval(overall.ci_lower, overall.ci_upper, 1)} ({overall.method}).")
if overall.n == 0:
    st.info("No selected patient has early death, compartment syndrome and amputation for a treatment reaction "
            "recorded, so there is no rate to give: map these columns on the Data page, or fill them in the "
            "workbook.", icon=":material/info:")
elif overall.unknown:
    st.caption(f"{overall.unknown} patients with no recorded value are left out of the denominator.")

st.subheader("By component")
st.dataframe({"Group": table.stratum, "Outcome": table.outcome, "Patients with it": table.k,
              "Patients known": table.n, "Rate": table.estimate.map(lambda v: formatting.percent(v, 1)),
              level: [formatting.interval(lo, hi, 1) for lo, hi in zip(table.ci_lower, table.ci_upper)],
              "Unknown": table.unknown}, hide_index=True)
st.caption(f"Exact binomial intervals ({table.method.iloc[0]}).")
st.download_button("Complications CSV", lambda: export.csv_bytes(table), file_name="early_complications.csv",
                   mime="text/csv", on_click="ignore", icon=":material/download:", key="complications:csv")

if view.selected["wieberdink_grade"].notna().any():
    st.subheader("Acute local toxicity (Wieberdink grade)")
    grades = description.category_counts(view.selected, "wieberdink_grade",
                                         view.labels if view.compare_by else None)
    st.dataframe(display.category_display(grades, "Grade"), hide_index=True)
    st.caption("Percentages of the patients with a recorded grade.")
