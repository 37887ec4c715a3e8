"""Overall survival and local recurrence, with medians, landmarks and tests between groups."""
import streamlit as st

import ui
from ilp_core.reporting import display
from ilp_core.results import summaries

RECURRENCE = {
    "censored": ("Local recurrence-free survival, deaths censored (as in the published series)",
                 "local_recurrence", (1,), False),
    "or_death": ("Local recurrence-free survival, recurrence or death as the event",
                 "local_recurrence_free_survival", (1,), False),
    "competing": ("Cumulative incidence of local recurrence, death competing", "local_recurrence", (1,), True),
}

view = ui.header("Survival")
which = st.radio("Endpoint", ["Overall survival", "Local recurrence"], horizontal=True, key="survival:endpoint")
if which == "Overall survival":
    title, endpoint, events, competing, key = "Overall survival", "overall_survival", (1,), False, "overall_survival"
else:
    choice = st.radio("Analyse local recurrence as", list(RECURRENCE), format_func=lambda k: RECURRENCE[k][0],
                      key="survival:recurrence")
    title, endpoint, events, competing = RECURRENCE[choice]
    key = f"local_recurrence_{choice}"

if competing:
    curves = summaries.incidence_curves(view.selected, endpoint, view.labels, view.settings)
else:
    curves = summaries.survival_curves(view.selected, endpoint, view.labels, view.settings, event_codes=events)
ui.headline(curves, what="Incidence" if competing else ("Survival" if which == "Overall survival" else "Free of recurrence"))
ui.curve_section(curves, incidence=competing, key=key, title=title,
                 y_title="Cumulative incidence" if competing else "Probability")

settings = view.settings
if not competing:
    st.subheader("Median")
    st.dataframe(display.median_display(summaries.median_table(curves), conf_level=settings.conf_level,
                                        time_unit=settings.time_unit), hide_index=True)
follow = summaries.follow_up(view.selected, settings)
st.write(display.follow_up_line(follow, conf_level=settings.conf_level, time_unit=settings.time_unit,
                                censored_alive=summaries.censored_alive(view.selected)))
st.subheader("At the landmark times")
ui.landmark_section(curves, key=key, what="Incidence" if competing else "Estimate")
ui.test_line(summaries.compare_strata(view.selected, endpoint, view.labels, competing=competing, event_codes=events))
