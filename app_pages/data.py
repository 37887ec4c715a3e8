"""Load a workbook: upload, sheet, header row, which column is which, date order; every problem listed."""
import streamlit as st

import ilp_core as core
import ui
from ilp_core.cohort import recoding
from ilp_core.plain_text import plain
from ilp_core.reporting import export
from ilp_core.schema import BY_NAME

NOT_MAPPED = ui.NOT_MAPPED

st.title("Data")
src = ui.source()
if src["synthetic"]:
    st.info("The app is showing the **synthetic sample cohort** (34 invented patients). Upload your own "
            "workbook to analyse it; it stays in this browser session and is never saved.",
            icon=":material/science:")

upload = st.file_uploader("Upload a cohort workbook", type=["xlsx", "xlsm", "xls", "ods", "csv"], key="upload",
                          help="One row per patient. Title rows above the headers and your own column names are fine.")
if upload is not None and upload.file_id != st.session_state.get("upload_id"):
    ui.use_source(upload.name, upload.getvalue())
    st.session_state["upload_id"] = upload.file_id
    st.rerun()  # so the sidebar describes the new workbook
if not src["synthetic"] and st.button("Back to the synthetic sample", icon=":material/undo:"):
    ui.use_source("Synthetic sample cohort", ui.SAMPLE.read_bytes(), synthetic=True)
    st.session_state.pop("upload_id", None)
    st.rerun()

src = ui.source()
st.download_button("Empty template workbook (with data dictionary)", core.template_workbook,
                   file_name="ilp_cohort_template.xlsx", on_click="ignore", icon=":material/download:",
                   mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", key="data:template")
try:
    sheets = ui.sheet_names()
    token = src["digest"]
    left, middle, right = st.columns(3)
    first_table = ui.read()
    st.session_state.setdefault(f"data:sheet:{token}", first_table.attrs["sheet"] or sheets[0])
    sheet = left.selectbox("Sheet", sheets, key=f"data:sheet:{token}")
    header_choice = middle.selectbox("Header row", ["found automatically"] + list(range(1, 31)),
                                     key=f"data:header:{token}")
    header_row = None if header_choice == "found automatically" else int(header_choice)
    others = first_table.attrs.get("other_patient_sheets", []) if sheet == first_table.attrs["sheet"] else []
    together = ()
    if others and st.checkbox(f"Analyse {plain(sheet)} and {plain(', '.join(others))} together (the same columns "
                              "on each sheet)", key=f"data:together:{token}"):
        together = tuple(others)
    table = ui.read(sheet if sheet != first_table.attrs["sheet"] or together else None, header_row, together)
    date_order = right.selectbox("Dates typed as text", ["auto", "DMY", "MDY", "YMD"], key=f"data:dates:{token}",
                                 format_func={"auto": "decide from the data", "DMY": "day/month/year",
                                              "MDY": "month/day/year", "YMD": "year/month/day"}.get)
    st.subheader("Which column is which")
    st.caption("Pre-filled from your headers; fields marked * are required.")
    guess = core.suggest_mapping(table.columns)
    mapping = {}
    grid = st.columns(3)
    options = [NOT_MAPPED] + list(table.columns)
    for i, spec in enumerate(core.FIELDS):
        label = f"{spec.label}{' *' if spec.always_required else ''}"
        key = f"map:{spec.name}:{token}:{sheet}"
        if st.session_state.get(key) not in options:
            st.session_state[key] = guess.get(spec.name, NOT_MAPPED)
        chosen = grid[i % 3].selectbox(label, options, help=f"{spec.meaning}: {spec.values}", key=key)
        mapping[spec.name] = None if chosen == NOT_MAPPED else chosen
    readings = ui.recode()
    loaded = ui.set_cohort(ui.mapping_key(sheet, header_row, mapping, date_order, together, readings),
                           lambda: core.cohort_from_table(table, mapping=mapping, date_order=date_order,
                                                          recode=readings),
                           {"sheet": sheet, "header_row": header_row, "date_order": date_order,
                            "together": together})
except core.CohortError as exc:
    st.error(plain(exc), icon=":material/error:")  # it quotes the user's headers and values
    ui.cohort_failed(str(exc))  # no page goes on analysing a sheet or mapping the user has left
    st.stop()

if loaded.n_excluded:  # patients were lost: never in a success colour
    st.warning(f"{plain(loaded.summary())} Rows are left out only for values an endpoint needs (the patient code, "
               f"dates, yes/no outcomes, vital status); here: {plain(loaded.exclusions())}. Each is listed under "
               "Problems found with what would be valid.", icon=":material/warning:")
else:
    st.success(plain(loaded.summary()), icon=":material/check_circle:")
if others and not together:
    st.info(f"{'Sheets' if len(others) > 1 else 'Sheet'} {plain(', '.join(others))} also "
            f"{'hold' if len(others) > 1 else 'holds'} a list of patients (the header names cohort fields); only "
            f"**{plain(sheet)}** is analysed. Tick the box above to analyse them together, or choose another "
            "sheet.", icon=":material/tab:")

recodable = [f for f in recoding.RECODABLE if mapping.get(f)]
if recodable:
    st.subheader("How the values were read")
    st.caption("Each value found in a column of categories, what it was read as and how many rows hold it; values "
               "not recognised come first. Choose another reading (or missing) for any of them: the cohort is "
               "reloaded with it, and the settings file keeps your choices.")
    fields = {f: f"{BY_NAME[f].label} (column {mapping[f]})" for f in recodable}
    field = ui.persistent(st.selectbox, "Column", recodable, format_func=lambda f: plain(fields[f]),
                          key=f"recode:field:{token}", default=recodable[0], valid=recodable.__contains__)
    automatic = recoding.values_found(table, mapping, field)
    found = recoding.values_found(table, mapping, field, readings)
    choices = recoding.CHOICES[BY_NAME[field].kind]
    st.dataframe(found.assign(recoded=found.recoded.map({True: "yours", False: ""})).rename(columns={
        "value": "Value in the workbook", "rows": "Rows", "read_as": "Read as", "recoded": "Reading"}),
        hide_index=True)
    left, right, button = st.columns([2, 2, 1], vertical_alignment="bottom")
    value = left.selectbox("Value", list(found.value), key=f"recode:value:{token}:{field}",
                           format_func=lambda v: plain(v))  # the user's own value: shown as typed
    current = dict(zip(found.value, found.read_as))[value]
    if choices is None:
        target = right.text_input("Read as", value=current, key=f"recode:as:{token}:{field}:{value}").strip() or None
    else:
        options = [*choices, recoding.MISSING]
        target = right.selectbox("Read as", options, index=options.index(current) if current in options else None,
                                 placeholder="not recognised: choose", key=f"recode:as:{token}:{field}:{value}")
    if target is not None and target != current:
        chosen = recoding.user_readings(automatic, {**dict(zip(found.value, found.read_as)), value: target})
        try:
            recoding.check_recode({field: chosen})
        except ValueError as exc:
            st.error(f"That reading cannot be used: {plain(exc)}.", icon=":material/error:")
        else:
            if chosen != readings.get(field, {}):  # only a real change reloads (never a loop of reruns)
                readings[field] = chosen
                st.rerun()
    if readings.get(field) and button.button("Read as the app does", key=f"recode:reset:{token}:{field}"):
        readings.pop(field)
        st.rerun()

problems = loaded.problems
for item in loaded.identifying_columns().itertuples():
    st.warning(f"Column **{plain(item.column)}**: {plain(item.message)}.", icon=":material/privacy_tip:")
if len(problems):
    st.subheader("Problems found")
    st.caption("Errors leave the row out of every analysis; warnings keep it. Rows are numbered as in Excel.")
    st.dataframe(problems.rename(columns={"row": "Row", "column": "Column", "value": "Value",
                                          "message": "Problem", "severity": "Severity"}),
                 hide_index=True)
    st.download_button("Problems CSV", lambda: export.csv_bytes(problems), file_name="problems.csv",
                       mime="text/csv", on_click="ignore", icon=":material/download:", key="data:problems_csv")
