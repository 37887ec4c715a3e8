"""Cumulative incidence of amputation, death as the competing event."""
import streamlit as st

import ui
from ilp_core.results import summaries

view = ui.header("Amputation")
curves = summaries.incidence_curves(view.selected, "amputation", view.labels, view.settings)
st.markdown("Cumulative incidence of amputation of the treated limb (Aalen-Johansen), with death "
            "before amputation as a competing event, from the day of the perfusion.")
ui.headline(curves, what="Amputation")
ui.curve_section(curves, incidence=True, key="amputation", title="Cumulative incidence of amputation",
                 y_title="Amputation")
ui.landmark_section(curves, key="amputation", what="Amputation")
ui.test_line(summaries.compare_strata(view.selected, "amputation", view.labels, competing=True))

if st.toggle("Also show the competing event: death without amputation", key="amputation:deaths"):
    deaths = summaries.incidence_curves(view.selected, "amputation", view.labels, view.settings, event=2)
    ui.curve_section(deaths, incidence=True, key="death_without_amputation",
                     title="Cumulative incidence of death without amputation", y_title="Death without amputation")
    ui.landmark_section(deaths, key="death_without_amputation", what="Death without amputation")
