"""Load a workbook: upload, sheet, header row, which column is which, date order; every problem listed."""
import streamlit as st

import ilp_core as core
import ui
from ilp_core.cohort import recoding
from ilp_core.plain_text import plain
from ilp_core.reporting import export
from ilp_core.reporting.headings import with_headings
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
with st.expander("Repeat an earlier analysis: load a settings file", icon=":material/settings:",
                 expanded=bool(st.session_state.get("settings_error"))):
    st.caption("The file saved on the Export page maps the columns, reads the values and sets the filters, "
               "groups and conventions as they were.")
    ui.settings_loader("data")
st.download_button("Empty template workbook (with data dictionary)", core.template_workbook,
                   file_name="ilp_cohort_template.xlsx", on_click="ignore", icon=":material/download:",
                   mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", key="data:template")
try:
    sheets = ui.sheet_names()
    token = src["digest"]
    left, middle, right = st.columns(3)
    first_table = ui.read()
    # persistent: Streamlit forgets a widget's value on any page that does not draw it, and the choices
    # (and the mapping below) went back to the guesses when the user came back to this page
    sheet = ui.persistent(left.selectbox, "Sheet", sheets, key=f"data:sheet:{token}",
                          default=first_table.attrs["sheet"] or sheets[0], valid=sheets.__contains__)
    header_choices = ["found automatically"] + list(range(1, 31))
    header_choice = ui.persistent(middle.selectbox, "Header row", header_choices, key=f"data:header:{token}",
                                  default="found automatically", valid=header_choices.__contains__)
    header_row = None if header_choice == "found automatically" else int(header_choice)
    others = first_table.attrs.get("other_patient_sheets", []) if sheet == first_table.attrs["sheet"] else []
    together = ()
    if others and ui.persistent(st.checkbox, f"Analyse {plain(sheet)} and {plain(', '.join(others))} together (the "
                                "same columns on each sheet)", key=f"data:together:{token}", default=False):
        together = tuple(others)
    table = ui.read(sheet if sheet != first_table.attrs["sheet"] or together else None, header_row, together)
    date_order = ui.persistent(right.selectbox, "Dates typed as text", ["auto", "DMY", "MDY", "YMD"],
                               key=f"data:dates:{token}", default="auto",
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
        key = ui.column_choice_key(spec.name, sheet, table.columns)
        chosen = ui.persistent(grid[i % 3].selectbox, label, options, help=f"{spec.meaning}: {spec.values}", key=key,
                               default=guess.get(spec.name, NOT_MAPPED), valid=options.__contains__)
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
    field = ui.persistent(st.selectbox, "Column", recodable, format_func=fields.get,  # options are plain text
                          key=f"recode:field:{token}", default=recodable[0], valid=recodable.__contains__)
    automatic = recoding.values_found(table, mapping, field)
    found = recoding.values_found(table, mapping, field, readings)
    choices = recoding.CHOICES[BY_NAME[field].kind]
    st.dataframe(found.assign(read_as=[recoding.described(field, v) for v in found.read_as],
                              recoded=found.recoded.map({True: "your choice", False: "the app's"})).rename(columns={
        "value": "Value in the workbook", "rows": "Rows", "read_as": "Read as", "recoded": "Whose reading"}),
        hide_index=True)
    left, right, button = st.columns([2, 2, 1], vertical_alignment="bottom")
    value = left.selectbox("Value", list(found.value), key=f"recode:value:{token}:{field}")  # options: plain text
    current = dict(zip(found.value, found.read_as))[value]
    if choices is None:
        target = right.text_input("Read as", value=current, key=f"recode:as:{token}:{field}:{value}").strip() or None
    else:
        options = [*choices, recoding.MISSING]
        target = right.selectbox("Read as", options, index=options.index(current) if current in options else None,
                                 placeholder="not recognised: choose", key=f"recode:as:{token}:{field}:{value}",
                                 format_func=lambda v: recoding.described(field, v))
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
    if readings.get(field) and button.button("Undo my readings", key=f"recode:reset:{token}:{field}",
                                             help="Read every value of this column as the app does on its own"):
        readings.pop(field)
        for key in [k for k in st.session_state if str(k).startswith(f"recode:as:{token}:{field}:")]:
            del st.session_state[key]  # else the chosen reading would be chosen again on the next run
        st.rerun()

problems = loaded.problems
for item in loaded.identifying_columns().itertuples():
    st.warning(f"Column **{plain(item.column)}**: {plain(item.message)}.", icon=":material/privacy_tip:")
if len(problems):
    st.subheader("Problems found")
    st.caption("Errors leave the row out of every analysis; warnings keep it. Rows are numbered as in Excel.")
    headed = with_headings(problems)
    st.dataframe(headed, hide_index=True)
    st.download_button("Problems CSV", lambda: export.csv_bytes(headed), file_name="problems.csv",
                       mime="text/csv", on_click="ignore", icon=":material/download:", key="data:problems_csv")
