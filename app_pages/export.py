"""The paper's skeleton: results and methods text, the three-panel figure, one-click downloads,
and the settings that reproduce every number."""
import streamlit as st

import ui
from ilp_core import bundle, charts, report, reproducibility

view = ui.header("Export")
result = ui.analysis(baseline_tests=bool(view.compare_by))
problems = view.cohort.problems

st.subheader("Results")
st.markdown(report.results_text(result))
model = st.session_state.get("model_sentence", "")
if model:
    st.markdown(model)
st.subheader("Methods")
st.markdown(report.methods_text(result))
st.caption("The text follows every filter and setting; each percentage stands with its own interval.")

st.subheader("Three-panel figure")
size = st.selectbox("Size", list(charts.PANEL_SIZES), format_func=lambda s: charts.PANEL_SIZES[s].label,
                    key="export:panel_size")
subtitle = ui.SYNTHETIC_NOTE if view.synthetic else ""
panels = bundle.three_panels(result, size=size, subtitle=subtitle)
st.altair_chart(panels, theme=None, width="content")
ui.figure_downloads(panels, "three_panels", "export:panel")

st.subheader("Everything at once")
left, middle, right = st.columns(3)
left.download_button("Results workbook (.xlsx)", lambda: bundle.results_workbook(
    result, problems, source=view.source_name, synthetic=view.synthetic), file_name="ilp_results.xlsx",
    mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", on_click="ignore",
    icon=":material/table:", key="export:workbook")
middle.download_button("Figures, workbook and text (.zip)", lambda: bundle.results_zip(
    result, problems, source=view.source_name, synthetic=view.synthetic, settings_json=ui.settings_file(),
    extra_text=model),
    file_name="ilp_results.zip", mime="application/zip", on_click="ignore", icon=":material/folder_zip:",
    key="export:zip")
right.download_button("Settings (.json)", ui.settings_file, file_name="ilp_settings.json", mime="application/json",
                      on_click="ignore", icon=":material/settings:", key="export:settings")
st.caption("The zip holds every figure as PNG (300 dpi), SVG and PDF, the workbook, the text and the settings. "
           "Building it takes a few seconds.")

st.subheader("Repeat an earlier analysis")
saved = st.file_uploader("Settings file saved from this app", type=["json"], key="export:load")


def apply_saved_settings() -> None:
    """Runs before the page is drawn, so every sidebar widget can take the saved value."""
    try:
        document = reproducibility.read_settings(st.session_state["export:load"].getvalue())
        st.session_state["settings_skipped"] = ui.apply_settings(document)
        st.session_state["settings_error"] = ""
    except (ValueError, KeyError) as exc:  # CohortError is a ValueError
        st.session_state["settings_error"] = str(exc)


st.button("Apply these settings", on_click=apply_saved_settings, disabled=saved is None,
          icon=":material/restart_alt:", key="export:apply")
if st.session_state.get("settings_error"):
    st.error(f"These settings could not be applied: {st.session_state['settings_error']}", icon=":material/error:")
applied = st.session_state.get("applied_settings")
if applied is not None:
    change = reproducibility.compare_data(applied, view.cohort.data)
    (st.success if change.unchanged else st.warning)(change.summary())
    for item in st.session_state.get("settings_skipped", []):
        st.warning(f"Not applied: {item}")
