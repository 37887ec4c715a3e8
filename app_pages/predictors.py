"""What predicts the outcome: Cox (survival) and Fine-Gray (amputation, death competing) models."""
import streamlit as st

import ui
from ilp_core.plain_text import plain
from ilp_core.reporting import display, forest, report
from ilp_core.results.predictors import (
    OUTCOMES,
    ModelError,
    ModelRequest,
    covariate_options,
    default_reference,
    enters_as_number,
    fit_outcome_model,
    reference_levels,
)

view = ui.header("Predictors", minimum=5)
data, level = view.selected, view.settings.conf_level


def chosen_by_the_user() -> None:
    """A widget here was changed by the user: the model they ask for is the one to report (a filter
    that removes a covariate from the selection does not change what they asked for)."""
    st.session_state["predictors:changed"] = True


outcome = ui.persistent(st.selectbox, "Outcome", list(OUTCOMES), format_func=lambda k: OUTCOMES[k].model_label,
                        key="predictors:outcome", default=next(iter(OUTCOMES)), valid=OUTCOMES.__contains__,
                        on_change=chosen_by_the_user)
options = covariate_options(data)
asked = st.session_state.get("model_request")
lacking = [c for c in (asked.covariates if asked else ()) if c not in options]
if lacking:
    st.info(f"{plain(', '.join(lacking))}, chosen earlier, cannot enter a model for these patients (absent, or one "
            "value only). The model below leaves it out; the Export page reports the model you chose once the "
            "selection allows it.", icon=":material/info:")
if any(c not in options for c in st.session_state.get("predictors:covariates", [])):  # this selection lacks one
    st.session_state["predictors:covariates"] = [c for c in st.session_state["predictors:covariates"] if c in options]
chosen = ui.persistent(st.multiselect, "Covariates", list(options), format_func=options.get,
                       key="predictors:covariates", default=[], valid=lambda kept: all(c in options for c in kept),
                       placeholder="Choose one or more", on_change=chosen_by_the_user)
if not chosen:
    if st.session_state.pop("predictors:changed", False):
        st.session_state["model_request"] = None  # the user cleared the covariates: no model to report
    st.info("Choose covariates to see their hazard ratios.", icon=":material/tune:")
    st.stop()
reference = {}
categorical = [c for c in chosen if not enters_as_number(data, c)]
for column, place in zip(categorical, st.columns(max(len(categorical), 1))):
    levels, first = reference_levels(data, column), default_reference(data, column)
    if st.session_state.get(f"predictors:ref:{column}", first) not in levels:
        del st.session_state[f"predictors:ref:{column}"]
    reference[column] = ui.persistent(place.selectbox, f"Reference for {plain(options[column])}", levels,
                                      key=f"predictors:ref:{column}", default=first, valid=levels.__contains__,
                                      on_change=chosen_by_the_user)
request = ModelRequest(outcome, tuple(chosen), tuple(reference.items()))
if st.session_state.pop("predictors:changed", False) or st.session_state.get("model_request") is None:
    st.session_state["model_request"] = request  # the Export page refits it to its own selection
try:
    fitted = fit_outcome_model(data, request, conf_level=level)
except ModelError as exc:
    st.warning(f"The model could not be fitted on these patients: {plain(exc)}.", icon=":material/warning:")
    st.stop()

model, ratio = fitted.model, fitted.outcome.ratio
for note in model.warnings:
    st.warning(plain(note), icon=":material/report:")
st.caption(f"{model.method}. {model.n} patients, {model.events} events "
           f"({model.events_per_variable:.1f} per coefficient).")

# one above the other: side by side, at 1440 px, "Subdistribution hazard ratio" and "not estimable" were cut
st.subheader("Each covariate alone")
st.dataframe(display.model_display(fitted.single, ratio=ratio, conf_level=level), hide_index=True)
st.subheader("All together")
st.dataframe(display.model_display(model.table, ratio=ratio, conf_level=level), hide_index=True)
figure = ui.shown_figure(lambda: forest.forest_plot(model.table, title=fitted.outcome.heading, ratio=ratio,
                                                    conf_level=level, subtitle=ui.SYNTHETIC_NOTE if view.synthetic else ""),
                         ui.figure_identity("forest", request))
ui.csv_download(ui.figure_downloads(figure, "forest", "predictors"), "Model CSV",
                model.table.assign(method=model.method), "model.csv", "predictors:csv", ratio=ratio)
ui.figure_caption(figure, risk_table=False)
st.markdown(plain(report.fitted_model_sentence(fitted)))  # terms name the user's columns and values
if not fitted.outcome.competing:
    st.subheader("Proportional hazards")
    st.dataframe(display.ph_display(model.ph_test), hide_index=True)
    st.caption("Score test of R's cox.zph (Kaplan-Meier time scale): a small p suggests the hazard ratio changes "
               "over time.")
