"""Where to start: what the app does, the steps, and the methods in a sentence each."""
import streamlit as st

from ilp_core.conventions import EARLY_WINDOW_DAYS
from ilp_core.reporting.glossary import GLOSSARY

st.title("ILP outcomes")
st.markdown("Outcomes of patients with soft-tissue sarcoma treated with isolated limb perfusion (TNF-alpha and "
            "melphalan), from your own workbook, with numbers a reviewer can reproduce in R:")
st.markdown("- the **cumulative incidence of amputation**, death as a competing event;\n"
            "- the **early severe complication** rate (death, compartment syndrome or amputation for a treatment "
            f"reaction within {EARLY_WINDOW_DAYS} days) with an exact interval;\n"
            "- **overall and local recurrence-free survival** with intervals at the landmark times, tests between "
            "groups and numbers at risk;\n"
            "- figures, tables and the results and methods text to download.")
left, right = st.columns(2)
if left.button("Upload your workbook", icon=":material/upload_file:", type="primary", key="start:upload",
               width="stretch"):
    st.switch_page("app_pages/data.py")
if right.button("Explore the synthetic sample", icon=":material/science:", key="start:sample",
                width="stretch"):
    st.switch_page("app_pages/cohort.py")
st.caption("Your workbook stays in this browser session: nothing is saved on the server or sent elsewhere. "
           "The sample is 34 invented patients shaped like a published series.")

st.subheader("The steps")
st.markdown("1. **Upload** an Excel or CSV workbook, one row per patient (Data page).\n"
            "2. **Map** your columns to the fields the analysis needs; the app guesses from your headers.\n"
            "3. **Recode** any value the app did not recognise, and read every problem found, row by row.\n"
            "4. **Analyse**: choose patients and groups in the sidebar, then read the Cohort, Amputation, Early "
            "complications, Survival and Predictors pages.\n"
            "5. **Export** figures, tables, the text and the settings that reproduce every number.")

st.subheader("The methods in a sentence")
for term, meaning in GLOSSARY.items():
    st.markdown(f"**{term}**: {meaning}")
st.caption("The same glossary is in the sidebar of every page.")
