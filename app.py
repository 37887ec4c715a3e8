"""ILP outcomes: the entry point. Navigation, and the sidebar that every page shares
(data status, filters, comparison, conventions)."""
from pathlib import Path

import streamlit as st

import ui
from ilp_core.log_privacy import withhold_exception_messages

withhold_exception_messages()  # an uncaught error's message may quote a patient's value: the log keeps only where

st.set_page_config(page_title="ILP outcomes", page_icon=str(Path(__file__).with_name("assets") / "favicon.png"),
                   layout="wide")  # a local icon: a :material/ page icon is fetched from an outside server
# A figure has its size in inches (what downloads); on a narrower screen it is shown scaled to the column,
# never cut off or scrolled sideways.
st.html("<style>[data-testid='stVegaLiteChart'] {max-width: 100%; overflow: hidden} "
        "[data-testid='stVegaLiteChart'] canvas, [data-testid='stVegaLiteChart'] svg.marks "
        "{max-width: 100% !important; height: auto !important}</style>")

pages = st.navigation([
    st.Page("app_pages/start.py", title="Start", icon=":material/home:", default=True),
    st.Page("app_pages/data.py", title="Data", icon=":material/upload_file:"),
    st.Page("app_pages/cohort.py", title="Cohort", icon=":material/groups:"),
    st.Page("app_pages/amputation.py", title="Amputation", icon=":material/accessibility_new:"),
    st.Page("app_pages/complications.py", title="Early complications", icon=":material/emergency:"),
    st.Page("app_pages/survival.py", title="Survival", icon=":material/show_chart:"),
    st.Page("app_pages/predictors.py", title="Predictors", icon=":material/forest:"),
    st.Page("app_pages/export.py", title="Export", icon=":material/ios_share:"),
])
ui.sidebar()
ui.glossary()
pages.run()
