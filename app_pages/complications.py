"""Early severe complications (within 30 days) with exact intervals, and acute local toxicity."""
import streamlit as st

import ui
from ilp_core.cohort.endpoints import unrecorded_components
from ilp_core.conventions import EARLY_WINDOW_DAYS, interval_label
from ilp_core.reporting import display, formatting
from ilp_core.results import complications, description

view = ui.header("Early complications")
table = complications.complication_table(view.selected, view.labels, conf_level=view.settings.conf_level)
overall = complications.complication_table(view.selected, conf_level=view.settings.conf_level).iloc[0]
st.metric(f"Early severe complication (death, compartment syndrome or amputation for a reaction, "
          f"{EARLY_WINDOW_DAYS} days)",
          f"{overall.k} of {overall.n} ({formatting.percent(overall.estimate, 1)})",
          help=overall.method)
st.write(f"{interval_label(view.settings.conf_level)} {formatting.interval(overall.ci_lower, overall.ci_upper, 1)} "
         f"({overall.method}).")
if overall.n == 0:
    st.info("No selected patient has early death, compartment syndrome and amputation for a treatment reaction "
            "recorded, so there is no rate to give: map these columns on the Data page, or fill them in the "
            "workbook.", icon=":material/info:")
elif overall.unknown:
    st.caption(f"{overall.unknown} patient{'s' if overall.unknown != 1 else ''} with no recorded value "
               f"{'are' if overall.unknown != 1 else 'is'} left out of the denominator.")

st.subheader("By component")
st.dataframe(display.complication_display(table, conf_level=view.settings.conf_level), hide_index=True)
unrecorded = unrecorded_components(view.selected)
partly = unrecorded and overall.n  # with none recorded there is no composite (said above)
st.caption(f"Exact binomial intervals ({table.method.iloc[0]})."
           + (f" {' and '.join(unrecorded).capitalize()} {'is' if len(unrecorded) == 1 else 'are'} not recorded: "
              "the composite counts the other components." if partly else ""))
ui.csv_download(st, "Complications CSV", table, "early_complications.csv", "complications:csv")

if view.selected["wieberdink_grade"].notna().any():
    st.subheader("Acute local toxicity (Wieberdink grade)")
    grades = description.category_counts(view.selected, "wieberdink_grade",
                                         view.labels if view.compare_by else None)
    st.dataframe(display.category_display(grades, "Grade"), hide_index=True)
    st.caption("Percentages of the patients with a recorded grade.")
