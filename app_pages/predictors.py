"""What predicts the outcome: Cox (survival) and Fine-Gray (amputation, death competing) models."""
import streamlit as st

import ui
from ilp_core import charts, display, formatting, report
from ilp_core.predictors import (NUMERIC_COVARIATES, OUTCOMES, ModelError, ModelRequest, covariate_options,
                                 fit_outcome_model, reference_levels)

view = ui.header("Predictors", minimum=5)
data, level = view.selected, view.settings.conf_level
outcome = st.selectbox("Outcome", list(OUTCOMES), format_func=lambda k: OUTCOMES[k].label, key="predictors:outcome")
options = covariate_options(data)
chosen_now = st.session_state.get("predictors:covariates", [])
st.session_state["predictors:covariates"] = [c for c in chosen_now if c in options]  # the selection may lack one
chosen = st.multiselect("Covariates", list(options), format_func=options.get, key="predictors:covariates",
                        placeholder="Choose one or more")
if not chosen:
    st.info("Choose covariates to see their hazard ratios.", icon=":material/tune:")
    st.stop()
reference = {}
categorical = [c for c in chosen if c not in NUMERIC_COVARIATES]
for column, place in zip(categorical, st.columns(max(len(categorical), 1))):
    levels = reference_levels(data, column)
    if st.session_state.get(f"predictors:ref:{column}") not in levels:
        st.session_state[f"predictors:ref:{column}"] = levels[0]
    reference[column] = place.selectbox(f"Reference for {options[column]}", levels, key=f"predictors:ref:{column}")
request = ModelRequest(outcome, tuple(chosen), tuple(reference.items()))
st.session_state["model_request"] = request  # the Export page refits it to its own selection
try:
    fitted = fit_outcome_model(data, request, conf_level=level)
except ModelError as exc:
    st.warning(f"The model could not be fitted on these patients: {exc}.", icon=":material/warning:")
    st.stop()

model, competing = fitted.model, fitted.outcome.competing
ratio = "Subdistribution hazard ratio" if competing else "Hazard ratio"
for note in model.warnings:
    st.warning(note, icon=":material/report:")
st.caption(f"{model.method}. {model.n} patients, {model.events} events "
           f"({model.events_per_variable:.1f} per coefficient).")

left, right = st.columns(2)
left.subheader("Each covariate alone")
single = display.model_display(fitted.single, ratio=ratio, conf_level=level)
if "n" in fitted.single:
    single = single.assign(Patients=fitted.single.n.map(lambda v: formatting.number(v, 0)).to_numpy(),
                           Events=fitted.single.events.map(lambda v: formatting.number(v, 0)).to_numpy())
left.dataframe(single, hide_index=True)
right.subheader("All together")
right.dataframe(display.model_display(model.table, ratio=ratio, conf_level=level), hide_index=True)
figure = charts.forest_plot(model.table, title=fitted.outcome.label.split(" (")[0],
                            subtitle=ui.SYNTHETIC_NOTE if view.synthetic else "",
                            x_title=f"{ratio} ({formatting.ci_label(level)}, log scale)")
st.altair_chart(figure, theme=None, width="content")
ui.csv_download(ui.figure_downloads(figure, "forest", "predictors"), "Model CSV",
                model.table.assign(method=model.method, conf_level=level), "model.csv", "predictors:csv")
st.markdown(report.model_sentence(model, fitted.outcome.name))
if not competing:
    st.subheader("Proportional hazards")
    st.dataframe(model.ph_test.assign(p_value=model.ph_test.p_value.map(formatting.p_value)), hide_index=True)
    st.caption("Score test of R's cox.zph (Kaplan-Meier time scale): a small p suggests the hazard ratio changes "
               "over time.")
