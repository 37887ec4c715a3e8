"""What predicts the outcome: Cox (survival) and Fine-Gray (amputation, death competing) models."""
import numpy as np
import pandas as pd
import streamlit as st

import ui
from ilp_core import charts, endpoint, export, formatting, regression, report, selection

MODELS = {
    "Overall survival (Cox)": ("overall_survival", (1,), False),
    "Local recurrence-free survival, deaths censored (Cox)": ("local_recurrence", (1,), False),
    "Amputation, death competing (Fine-Gray)": ("amputation", None, True),
}
NUMBERS = {"age_years": "Age (years)", "tumor_size_cm": "Tumour size (cm)", "grade": "FNCLCC grade (per grade)"}

view = ui.header("Predictors", minimum=5)
data = view.selected
choice = st.selectbox("Outcome", list(MODELS), key="predictors:outcome")
name, events, competing = MODELS[choice]
times = endpoint(data, name)
frame = data.assign(_time=times.time, _status=times.status,
                    _event=times.status.isin(events or (1,)).astype(int))
options = {c: l for c, l in NUMBERS.items() if data[c].notna().sum() > 1}
options |= {c: l for c, l in selection.category_columns(data).items() if data[c].nunique() > 1}
chosen = st.multiselect("Covariates", list(options), format_func=options.get, key="predictors:covariates",
                        placeholder="Choose one or more")
if not chosen:
    st.info("Choose covariates to see their hazard ratios.", icon=":material/tune:")
    st.stop()
reference = {}
categorical = [c for c in chosen if c not in NUMBERS]
for column, place in zip(categorical, st.columns(max(len(categorical), 1))):
    levels = [v for v in selection.levels(data, column) if v != selection.MISSING]
    reference[column] = place.selectbox(f"Reference for {options[column]}", levels, key=f"predictors:ref:{column}")

fit = regression.fine_gray if competing else regression.cox_regression
arguments = dict(time="_time", reference=reference, conf_level=view.settings.conf_level)
arguments |= {"status": "_status"} if competing else {"event": "_event"}
try:
    model = fit(frame, covariates=chosen, **arguments)
    single = regression.univariable(fit, frame, chosen, **arguments)
except (ValueError, np.linalg.LinAlgError, ArithmeticError) as exc:
    st.warning(f"The model could not be fitted on these patients: {exc}", icon=":material/warning:")
    st.stop()
except Exception as exc:  # lifelines' ConvergenceError and kin: say so, never a traceback
    st.warning(f"The model did not converge on these patients ({type(exc).__name__}); with few events or a "
               "covariate that separates the groups, choose fewer covariates.", icon=":material/warning:")
    st.stop()

ratio = "Subdistribution hazard ratio" if competing else "Hazard ratio"
for note in model.warnings:
    st.warning(note, icon=":material/report:")
st.caption(f"{model.method}. {model.n} patients, {model.events} events "
           f"({model.events_per_variable:.1f} per coefficient).")


def shown(table: pd.DataFrame) -> pd.DataFrame:
    return pd.DataFrame({"Term": table.term, ratio: table.hazard_ratio.map(lambda v: formatting.number(v, 2)),
                         f"{view.settings.conf_level:.0%} CI": [f"{formatting.number(lo, 2)} to {formatting.number(hi, 2)}"
                                                                for lo, hi in zip(table.ci_lower, table.ci_upper)],
                         "p": table.p_value.map(formatting.p_value)})


left, right = st.columns(2)
left.subheader("Each covariate alone")
left.dataframe(shown(single).assign(Patients=single.n.to_numpy(), Events=single.events.to_numpy()), hide_index=True)
right.subheader("All together")
right.dataframe(shown(model.table), hide_index=True)
subtitle = ui.SYNTHETIC_NOTE if view.synthetic else ""
figure = charts.forest_plot(model.table, title=choice.split(" (")[0], subtitle=subtitle,
                            x_title=f"{ratio} ({view.settings.conf_level:.0%} CI, log scale)")
st.altair_chart(figure, theme=None, width="content")
ui.figure_downloads(figure, "forest", "predictors").download_button("Model CSV", lambda: export.csv_bytes(model.table.assign(method=model.method)),
                           file_name="model.csv", mime="text/csv", on_click="ignore", icon=":material/download:",
                           key="predictors:csv")
sentence = report.model_sentence(model, choice.split(" (")[0].lower())
st.markdown(sentence)
st.session_state["model_sentence"] = sentence  # the Export page adds it to the results text
if not competing:
    st.subheader("Proportional hazards")
    st.dataframe(model.ph_test.assign(p_value=model.ph_test.p_value.map(formatting.p_value)), hide_index=True)
    st.caption("Score test of R's cox.zph (Kaplan-Meier time scale): a small p suggests the hazard ratio changes "
               "over time.")
