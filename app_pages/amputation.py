"""Cumulative incidence of amputation, death as the competing event."""
import streamlit as st

import ui

view = ui.header("Amputation")
curves = ui.curves("amputation")
st.markdown("Cumulative incidence of amputation of the treated limb (Aalen-Johansen), with death "
            "before amputation as a competing event, from the day of the perfusion.")
ui.headline(curves, "amputation")
ui.curve_section(curves, "amputation")
ui.landmark_section(curves, "amputation")
ui.test_line("amputation")

if st.toggle("Also show the competing event: death without amputation", key="amputation:deaths"):
    deaths = ui.curves("death_without_amputation")
    ui.curve_section(deaths, "death_without_amputation")
    ui.landmark_section(deaths, "death_without_amputation")
