"""The paper's skeleton: results and methods text, the three-panel figure, one-click downloads,
and the settings that reproduce every number."""
import hashlib

import streamlit as st

import ui
from ilp_core.plain_text import plain
from ilp_core.reporting import bundle, documents, figures, report
from ilp_core.results import predictors

view = ui.header("Export")
result = ui.current_analysis()
problems = view.cohort.problems
fitted_model, model_problem = predictors.refit(view.selected, st.session_state.get("model_request"),
                                               conf_level=view.settings.conf_level)
model = report.fitted_model_sentence(fitted_model)

st.subheader("Results")
# the report quotes group labels, filter values and column names: shown as typed, one paragraph at a time
st.markdown("\n\n".join(map(plain, report.results_text(result).split("\n\n"))))
if model:
    st.markdown(plain(model))
elif model_problem:
    st.info(f"The regression model chosen on the Predictors page is left out: for these "
            f"{len(view.selected)} patients, {plain(model_problem)}.", icon=":material/info:")
st.subheader("Methods")
st.markdown(plain(report.methods_text(result)))
st.caption("The text follows every filter and setting; each percentage stands with its own interval, and the "
           "model is refitted to the patients selected now.")

st.subheader("Three-panel figure")
panel_options = ui.panel_options(list(result.curves["overall_survival"]))
subtitle = ui.SYNTHETIC_NOTE if view.synthetic else ""
panels = ui.shown_figure(lambda: figures.three_panels(result, subtitle=subtitle, options=panel_options),
                         ui.figure_identity(figures.PANELS, panel_options, view.landmarks))
ui.figure_downloads(panels, "three_panels", "export:panel")
ui.figure_caption(panels, panel_options.risk_table)

st.subheader("Everything at once")
settings_json = ui.settings_file()  # captured now, in the script run: a download callable cannot read the session
own = dict(ui.figure_options())  # each figure as the user set it on its page
# two buttons a row: three a row cut their labels at 1024 px ("Results workbook (...")
left, right = st.columns(2)
left.download_button("Results workbook (.xlsx)", lambda: bundle.results_workbook(
    result, problems, source=view.source_name, synthetic=view.synthetic, model=fitted_model, figure_options=own),
    file_name="ilp_results.xlsx",
    mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", on_click="ignore",
    icon=":material/table:", key="export:workbook")
right.download_button("Settings (.json)", settings_json, file_name="ilp_settings.json", mime="application/json",
                      on_click="ignore", icon=":material/settings:", key="export:settings")
left, right = st.columns(2)
# Office files are made when clicked, from what this run captured (a download callable cannot read the session)
office = dict(source=view.source_name, synthetic=view.synthetic, model=fitted_model)
left.download_button("Slides (.pptx)", lambda: documents.slide_deck(result, **office, figure_options=own),
                     file_name="ilp_slides.pptx",
                     mime="application/vnd.openxmlformats-officedocument.presentationml.presentation",
                     on_click="ignore", icon=":material/slideshow:", key="export:pptx")
right.download_button("Manuscript (.docx)", lambda: documents.manuscript(result, **office),
                       file_name="ilp_manuscript.docx",
                       mime="application/vnd.openxmlformats-officedocument.wordprocessingml.document",
                       on_click="ignore", icon=":material/description:", key="export:docx")
st.caption("The slides (16:9) hold a title slide, each figure under its title as editable text, Table 1 and the "
           "landmark estimates as PowerPoint tables, and the methods; they take a few seconds. The manuscript holds "
           "the results and methods text with Table 1 and the landmark tables as Word tables.")
# The zip takes a few seconds: it is built on request, with progress, for exactly what is on this page.
identity = hashlib.sha256(repr((ui.analysis_key(), model, len(view.selected), view.synthetic,
                                sorted((k, repr(v)) for k, v in own.items()))).encode()).hexdigest()
built = st.session_state.get("export:zip:bytes")
zip_place = st.container()  # a row of its own: "Build the zip of figures, workbook and text" in full
if built is None or built[0] != identity:
    slot = zip_place.empty()  # the button, then the progress bar, then the download in one place
    if slot.button("Build the zip of figures, workbook and text", icon=":material/folder_zip:",
                   key="export:zip:build"):
        bar = slot.progress(0.0, text="Starting")
        data = bundle.results_zip(result, problems, source=view.source_name, synthetic=view.synthetic,
                                  settings_json=settings_json(), model=fitted_model, figure_options=own,
                                  progress=lambda done, what: bar.progress(done, text=f"Making {what}" if done < 1
                                                                           else "Done"))
        slot.empty()
        st.session_state["export:zip:bytes"] = built = (identity, data)
if built is not None and built[0] == identity:
    zip_place.download_button("Figures, workbook and text (.zip)", built[1], file_name="ilp_results.zip",
                           mime="application/zip", on_click="ignore", icon=":material/folder_zip:", key="export:zip")
st.caption("The zip holds every figure as PNG (300 dpi), SVG and PDF, the workbook, the text and the settings. "
           "The settings file names no patient: each is kept as a salted hash, enough to tell later which "
           "patients changed.")

st.subheader("Repeat an earlier analysis")
ui.settings_loader("export")
