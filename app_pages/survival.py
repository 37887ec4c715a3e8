"""Overall survival and local recurrence, with medians, landmarks and tests between groups."""
import streamlit as st

import ui
from ilp_core.cohort.endpoints import ENDPOINTS
from ilp_core.reporting import display
from ilp_core.results import summaries

# How local recurrence can be analysed: endpoint keys, the published series' choice first.
RECURRENCE = ["local_recurrence_deaths_censored", "local_recurrence_free_survival", "local_recurrence"]

view = ui.header("Survival")
which = st.radio("Endpoint", ["Overall survival", "Local recurrence"], horizontal=True, key="survival:endpoint")
if which == "Overall survival":
    endpoint = "overall_survival"
else:
    endpoint = st.radio("Analyse local recurrence as", RECURRENCE, format_func=lambda key: ENDPOINTS[key].title,
                        captions=["as in the published series", "the usual definition elsewhere",
                                  "an incidence, not a survival: death is a competing event"],
                        key="survival:recurrence")

curves = ui.curves(endpoint)
ui.headline(curves, endpoint)
ui.curve_section(curves, endpoint)

settings = view.settings
if not ENDPOINTS[endpoint].competing:
    st.subheader("Median")
    st.dataframe(display.median_display(summaries.median_table(curves), conf_level=settings.conf_level,
                                        time_unit=settings.time_unit), hide_index=True)
follow = summaries.follow_up(view.selected, settings)
st.write(display.follow_up_line(follow, conf_level=settings.conf_level, time_unit=settings.time_unit,
                                censored_alive=summaries.censored_alive(view.selected)))
st.subheader("At the landmark times")
ui.landmark_section(curves, endpoint)
ui.test_line(endpoint)
