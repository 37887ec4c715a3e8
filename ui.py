"""Streamlit widgets shared by the pages: the sidebar, curve figures with downloads, tables.

Only user-interface code lives here; every number comes from ilp_core.
"""
from __future__ import annotations

import dataclasses
import gc
import hashlib
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import streamlit as st

import ilp_core as core
from ilp_core.cohort.endpoints import ENDPOINTS
from ilp_core.conventions import (
    AGE_CUTS,
    CONF_LEVELS,
    FEW_AT_RISK,
    LANDMARKS,
    PRESETS,
    TIME_UNITS,
    Settings,
    age_group_names,
    interval_label,
    level_label,
    parse_age_cuts,
    parse_landmarks,
)
from ilp_core.plain_text import plain
from ilp_core.reporting import charts, display, export, figures, formatting, reproducibility
from ilp_core.reporting.figure_options import FONT_SCALES, LINE_STYLES, FigureOptions, default_style
from ilp_core.reporting.glossary import GLOSSARY
from ilp_core.reporting.headings import with_headings
from ilp_core.results import groupings, predictors, selection, summaries
from ilp_core.schema import FIELD_NAMES

# The modules imported above are most of the server's objects and live as long as it does. Frozen, they are
# left out of Python's full garbage collections, which otherwise walked them all during some reruns
# (0.06-0.09 s each, measured on Export; 0.01-0.03 s frozen).
gc.collect()
gc.freeze()

SAMPLE = Path(__file__).with_name("sample_data") / "ilp_sample_cohort.xlsx"
SYNTHETIC_NOTE = "Synthetic sample data: not real patients"
NOT_MAPPED = "\u2014 not in my workbook \u2014"
DEFAULT_LANDMARKS = ", ".join(f"{t:g}" for t in LANDMARKS)


@dataclass(frozen=True)
class View:
    """What the sidebar chose: the patients, their strata and the conventions."""

    cohort: core.Cohort
    source_name: str
    synthetic: bool
    selected: pd.DataFrame
    labels: pd.Series
    compare_by: str | None          # the comparison as the user reads it ("Limb")
    compare_column: str | None      # the column it comes from ("limb"; "age_years" for age groups)
    settings: Settings
    landmarks: list[float]
    filters: str
    filter_spec: selection.Filters
    groupings: groupings.Groupings


# -- widgets that keep their value --------------------------------------------------------------

def persistent(widget, *args, key: str, default, valid=None, **kwargs):
    """Draw ``widget`` so that its value lasts the session. Streamlit forgets a widget's value on
    any run that does not draw it (another page; a sidebar that stopped at a workbook that cannot
    be loaded yet), and the next draw would show the default: the conventions once fell back to
    another level that way. A copy kept under ``key:kept`` restores it; ``valid(value)`` can refuse a
    kept value that no longer fits (a covariate this selection lacks), and ``default`` is used."""
    if key not in st.session_state:
        kept = st.session_state.get(f"{key}:kept", default)
        st.session_state[key] = kept if valid is None or valid(kept) else default
    else:  # set again, so the browser is sent it: a widget drawn again after a run that did not draw it (the
        st.session_state[key] = st.session_state[key]  # sidebar stopped at a workbook not yet mapped) showed its
        # first option, 90%, while the server still held 95%, until the next click sent 90% back
    value = widget(*args, key=key, **kwargs)
    st.session_state[f"{key}:kept"] = value
    return value


def set_persistent(key: str, value) -> None:
    """Give a persistent widget a value from outside (e.g. a settings file), whether or not it is drawn."""
    st.session_state[key] = value
    st.session_state[f"{key}:kept"] = value


# -- the loaded cohort (per session, in st.session_state; nothing on disk) -------------------

def use_source(name: str, data: bytes, synthetic: bool = False) -> None:
    """Make ``data`` the workbook every page analyses."""
    st.session_state["source"] = {"name": name, "data": data, "synthetic": synthetic,
                                  "digest": hashlib.sha256(data).hexdigest()[:16]}


def source() -> dict:
    if "source" not in st.session_state:
        use_source("Synthetic sample cohort", SAMPLE.read_bytes(), synthetic=True)
    return st.session_state["source"]


_TABLES_KEPT = 3  # tables read per session: switching back to a sheet or header row reads nothing again


def read(sheet=None, header_row=None, together: tuple[str, ...] = ()) -> pd.DataFrame:
    """The current workbook read as a table (each choice of sheet and header row read once per session).
    ``sheet=None`` is the sheet found automatically, which is the same table as that sheet named;
    ``together`` names more sheets read below ``sheet`` (:func:`ilp_core.read_sheets`)."""
    src = source()
    tables = st.session_state.setdefault("tables", {})
    found = tables.get(("table", src["digest"], None, header_row))
    if sheet is not None and not together and isinstance(found, pd.DataFrame) and found.attrs["sheet"] == sheet:
        sheet = None
    key = ("table", src["digest"], (sheet, *together) if together else sheet, header_row)
    if key not in tables:
        for old in [k for k in tables if k[1] != src["digest"]] + list(tables)[:-(_TABLES_KEPT - 1) or None]:
            tables.pop(old, None)
        try:
            tables[key] = core.read_sheets(src["data"], [sheet, *together], header_row=header_row) if together \
                else core.read_table(src["data"], sheet=sheet, header_row=header_row)
        except core.CohortError as exc:  # kept too: a file that takes a minute to refuse is refused once
            tables[key] = exc
    if isinstance(tables[key], core.CohortError):
        raise tables[key]
    return tables[key]


def sheet_names() -> list[str]:
    """The current workbook's sheets (visible first), read once per workbook."""
    src = source()
    if st.session_state.get("sheets", (None,))[0] != src["digest"]:
        try:
            st.session_state["sheets"] = (src["digest"], core.sheet_names(src["data"]))
        except core.CohortError as exc:
            st.session_state["sheets"] = (src["digest"], exc)
    if isinstance(st.session_state["sheets"][1], core.CohortError):
        raise st.session_state["sheets"][1]
    return st.session_state["sheets"][1]


def cohort() -> core.Cohort | None:
    """The loaded cohort: the current workbook read with the guessed mapping, until the Data
    page loads it otherwise; None (with the reason kept) when the workbook can't be used."""
    src = source()
    if st.session_state.get("cohort_digest") != src["digest"]:
        try:
            table = read()
            loaded, error = core.cohort_from_table(table), ""
            sheet = table.attrs["sheet"] or sheet_names()[0]
            guessed = core.suggest_mapping(table.columns)
            key = mapping_key(sheet, None, {spec.name: guessed.get(spec.name) for spec in core.FIELDS}, "auto")
        except core.CohortError as exc:
            loaded, error, key = None, str(exc), ("guessed", src["digest"])
        # the key the Data page gives this same load, so opening it does not load the workbook again
        st.session_state.update(cohort=loaded, cohort_error=error, cohort_digest=src["digest"], cohort_key=key,
                                load_choices={"sheet": loaded.sheet if loaded else None, "header_row": None,
                                              "date_order": "auto"})
    return st.session_state["cohort"]


def cohort_failed(reason: str) -> None:
    """The Data page's choices give no cohort: every page says so (rerun once so the sidebar does)."""
    if st.session_state.get("cohort") is not None or st.session_state.get("cohort_error") != reason:
        st.session_state.update(cohort=None, cohort_error=reason, cohort_digest=source()["digest"],
                                cohort_key=("failed", source()["digest"]))
        st.rerun()


def set_cohort(key: tuple, make, choices: dict) -> core.Cohort:
    """Load the cohort with the Data page's choices (``key``) unless already loaded with them;
    rerun after a change so the sidebar and every page use the new one."""
    if st.session_state.get("cohort_key") != key:
        st.session_state.update(cohort=make(), cohort_error="", cohort_digest=source()["digest"], cohort_key=key,
                                load_choices=choices)
        st.rerun()
    return st.session_state["cohort"]


def column_choice_key(field: str, sheet, headers) -> str:
    """The Data page's widget key for the column holding ``field``: one per workbook, sheet and row of
    headers. With one per sheet, a wrong header row tried and left again kept its "not in my workbook"
    for every field, for good, and the user had to map each column again by hand."""
    heads = hashlib.sha256(repr(tuple(headers)).encode()).hexdigest()[:16]
    return f"map:{field}:{source()['digest']}:{sheet}:{heads}"


def mapping_key(sheet, header_row, mapping: dict, date_order: str, together: tuple[str, ...] = (),
                recode: dict | None = None) -> tuple:
    """The identity of a way of loading the current workbook (all fields, in schema order)."""
    full = tuple((spec.name, mapping.get(spec.name)) for spec in core.FIELDS)
    readings = tuple((f, tuple(sorted(t.items(), key=str))) for f, t in sorted((recode or {}).items()) if t)
    return (source()["digest"], sheet, header_row, full, date_order, tuple(together), readings)


def recode() -> dict:
    """The user's readings of raw values for the current workbook (``load_cohort``'s ``recode``)."""
    return st.session_state.setdefault(f"recode:{source()['digest']}", {})


# -- reproducible settings ---------------------------------------------------------------------

def settings_file():
    """The current mapping, filters, comparison, conventions and model with the data's fingerprint,
    as a callable that writes the JSON bytes (for a download button: it reads nothing from the
    session). Call it during the script run. The fingerprint is made once per session and workbook."""
    current, choices = view(), st.session_state.get("load_choices", {})
    document = reproducibility.settings_document(
        source=current.source_name, sheet=choices.get("sheet"), header_row=choices.get("header_row"),
        together=list(choices.get("together", ())),
        mapping=current.cohort.mapping, date_order=choices.get("date_order", "auto"), recode=current.cohort.recode,
        filters=current.filter_spec.choices, age_range=current.filter_spec.age_range,
        compare_by=st.session_state.get(f"compare:{source()['digest']}"), preset=current.settings.preset,
        conf_level=current.settings.conf_level, time_unit=current.settings.time_unit,
        landmarks=current.landmarks, data=current.cohort.data, age_cuts=_age_cuts(),
        groupings=current.groupings.as_dict(), figures=figure_options(),
        model=predictors.request_for_settings(st.session_state.get("model_request")),
        data_fingerprint=_once_per_data("fingerprint", lambda: reproducibility.fingerprint(current.cohort.data)))
    return lambda: reproducibility.settings_json(document)


def apply_settings(document: dict) -> list[str]:
    """Load the workbook as the settings say and set every sidebar choice; returns what could not be
    applied (e.g. a filter value absent from these data). Call it from a widget callback."""
    ss, token = st.session_state, source()["digest"]
    sheet, header_row, date_order = document["sheet"], document["header_row"], document["date_order"]
    together = tuple(document.get("together") or ()) if sheet else ()
    table = read(sheet, header_row, together)
    mapping = {spec.name: document["mapping"].get(spec.name) for spec in core.FIELDS}
    loaded = core.cohort_from_table(table, mapping={k: v for k, v in mapping.items() if v}, date_order=date_order,
                                    recode=document["recode"])
    ss[f"recode:{token}"] = {f: dict(t) for f, t in document["recode"].items()}
    ss.update(cohort=loaded, cohort_error="", cohort_digest=token,
              cohort_key=mapping_key(sheet or table.attrs["sheet"], header_row, mapping, date_order, together,
                                     document["recode"]),
              load_choices={"sheet": sheet, "header_row": header_row, "date_order": date_order,
                            "together": together})
    # the Data page's widgets are persistent: their kept copies are set too, or opening that page after
    # settings applied elsewhere brought the earlier choices back, and with them the earlier patients
    set_persistent(f"data:together:{token}", bool(together))
    set_persistent(f"data:sheet:{token}", sheet or table.attrs["sheet"])
    set_persistent(f"data:header:{token}", header_row or "found automatically")
    set_persistent(f"data:dates:{token}", date_order)
    for spec in core.FIELDS:
        set_persistent(column_choice_key(spec.name, ss[f"data:sheet:{token}"], table.columns),
                       mapping[spec.name] or NOT_MAPPED)
    skipped = _apply_groupings(document.get("groupings"), loaded.data, token)
    grouped = groupings.apply_groupings(loaded.data, groupings.Groupings.from_dict(ss[groupings_key(token)]))
    columns = selection.category_columns(grouped)
    for key in [k for k in ss.keys() if str(k).startswith("filter:") and str(k).endswith(token)]:
        del ss[key]
    for column, values in document["filters"].items():
        if column not in columns:
            skipped.append(f"filter on {column!r} (no such column)")
            continue
        valid = set(selection.levels(grouped, column))
        ss[filter_key(column, token)] = [v for v in values if v in valid]
        absent = [v for v in values if v not in valid]
        if absent:  # one line per column, however many values: a file can list thousands
            listed = ", ".join(map(repr, absent[:5])) + (f" and {len(absent) - 5:,} more" if len(absent) > 5 else "")
            skipped.append(f"{column} = {listed} (not in these data)")
    if document["age_range"]:
        ages = loaded.data["age_years"].dropna()
        low, high = (float(ages.min()), float(ages.max())) if len(ages) else (0.0, 0.0)
        saved_low, saved_high = (float(v) for v in document["age_range"])
        if not len(ages) or saved_high < low or saved_low > high:
            skipped.append(f"age range {saved_low:g}-{saved_high:g} (these patients are {low:g}-{high:g} years old)")
        else:  # a slider cannot go beyond these patients' ages: the saved range is clipped to them
            ss[age_range_key(token)] = (max(saved_low, low), min(saved_high, high))
    if document["age_cuts"]:
        ss["age_cuts"] = ss["age_cuts:kept"] = ", ".join(f"{c:g}" for c in document["age_cuts"])
    compare = document["compare_by"]
    ss[f"compare:{token}"] = compare if compare in (None, selection.AGE_GROUP) or compare in columns else None
    if compare not in (None, selection.AGE_GROUP) and compare not in columns:
        skipped.append(f"comparison by {compare!r} (no such column)")
    for key in ("preset", "conf_level", "time_unit"):
        if document[key] is not None:
            set_persistent(key, document[key])
    if document["landmarks"] is not None:
        set_persistent("landmarks", ", ".join(f"{m:g}" for m in document["landmarks"]))
    skipped += _apply_model(document.get("model"), grouped)
    _apply_figures(document.get("figures") or {})
    ss[_OPTIONS_UNIT] = document["time_unit"] or ss.get("time_unit:kept", "months")  # saved in the file's unit
    ss["applied_settings"] = document
    return list(document.get("not_applied", [])) + skipped


def _apply_figures(saved: dict) -> None:
    """The saved figure options replace the session's; each figure's widgets are seeded from them."""
    ss = st.session_state
    ss["figure_options"] = {e: FigureOptions.from_dict(o) for e, o in saved.items()}
    for endpoint in figures.figure_keys():
        chosen = ss["figure_options"].get(endpoint) or FigureOptions()
        for key in [k for k in ss.keys() if str(k).startswith((f"{endpoint}:colour:", f"{endpoint}:line:"))]:
            del ss[key]
        for name in [*_widget_values(chosen, True), *_widget_values(chosen, False)]:
            ss.pop(f"{endpoint}:{name}", None)
        for name, value in (("title", chosen.title), ("x", chosen.x_title), ("y", chosen.y_title)):
            ss.pop(f"{endpoint}:{name}:default", None)  # the widget shows the saved text, or the default
            ss[f"{endpoint}:{name}:kept"] = value


def settings_loader(page: str) -> None:
    """'Repeat an earlier analysis': a settings file applied to the current workbook (on the Data page
    too, so a workbook whose columns the app cannot guess is mapped by the file), then what changed."""
    saved = st.file_uploader("Settings file saved from this app", type=["json"], key=f"{page}:load")
    st.button("Apply these settings", on_click=_apply_saved_settings, args=(f"{page}:load",), disabled=saved is None,
              icon=":material/restart_alt:", key=f"{page}:apply")
    if st.session_state.get("settings_error"):
        st.error(f"These settings could not be applied: {plain(st.session_state['settings_error'])}",
                 icon=":material/error:")
    applied, current = st.session_state.get("applied_settings"), view()
    if applied is None or current is None:
        return
    change = reproducibility.compare_data(applied, current.cohort.data, current.cohort.left_out)
    skipped = st.session_state.get("settings_skipped", [])
    if change.unchanged and not skipped:
        st.success(plain(change.summary()) + " Every setting was applied: every number will match.")
    else:
        st.warning(plain(change.summary()) + (" Some settings were not applied (below): numbers may differ from "
                                              "those saved." if skipped else ""))
    for item in skipped:
        st.warning(f"Not applied: {plain(item)}")


def _apply_saved_settings(uploader: str) -> None:
    """Runs before the page is drawn, so every sidebar widget can take the saved value."""
    try:
        document = reproducibility.read_settings(st.session_state[uploader].getvalue())
        st.session_state["settings_skipped"] = apply_settings(document)
        st.session_state["settings_error"] = ""
    except ValueError as exc:  # CohortError is a ValueError
        st.session_state["settings_error"] = str(exc)


def _apply_groupings(saved: dict | None, data: pd.DataFrame, token: str) -> list[str]:
    """Put the saved groupings in the sidebar; what these data cannot take is listed, not applied."""
    fits, problems = groupings.fitted_to(data, groupings.Groupings.from_dict(saved))
    st.session_state[groupings_key(token)] = fits.as_dict()
    for key in [k for k in st.session_state if str(k).startswith("grouping:") and str(k).endswith(token)]:
        del st.session_state[key]  # the boxes show the saved groupings when next drawn
    return problems


def _apply_model(saved: dict | None, data: pd.DataFrame) -> list[str]:
    """Put a saved model on the Predictors page (and so in the Export text); what does not fit these
    data is listed, not applied."""
    if not saved:
        return []
    request = predictors.request_from_settings(saved)
    if request is None:
        return [f"model for outcome {saved.get('outcome')!r} (this app offers {', '.join(predictors.OUTCOMES)})"]
    options = predictors.covariate_options(data)
    absent = [c for c in request.covariates if c not in options]
    wrong = [f"{c} = {level!r}" for c, level in request.reference
             if c in options and level not in predictors.reference_levels(data, c)]
    if absent or wrong:
        return [f"model: {', '.join(absent + wrong)} (not in these data)"]
    set_persistent("predictors:outcome", request.outcome)
    set_persistent("predictors:covariates", list(request.covariates))
    for column, level in request.reference:
        set_persistent(f"predictors:ref:{column}", level)
    st.session_state["model_request"] = request
    return []


# -- the sidebar ------------------------------------------------------------------------------

def filter_key(column: str, token: str) -> str:
    """The session key of the filter on a column's values, for one workbook's mapping (``token``)."""
    return f"filter:column:{column}:{token}"


def age_range_key(token: str) -> str:
    """The session key of the age slider, for one workbook's mapping."""
    return f"filter:age range:{token}"


def _filters(data: pd.DataFrame, columns: dict[str, str], token: str, grouped) -> selection.Filters:
    # the schema's categories and the user's own groups first; the workbook's other columns in their own list
    main = lambda c: c in selection.CATEGORY_FIELDS or str(c).endswith(groupings.GROUPED)  # noqa: E731
    schema = {c: l for c, l in columns.items() if main(c)}
    extra = {c: l for c, l in columns.items() if not main(c)}
    choices = {}
    # one label whatever is chosen: an expander whose label changes is a new one, and it closed after every choice
    with st.expander("Filters", icon=":material/filter_alt:", expanded=False):
        for column, label in schema.items():  # a group of the user's column bears their header: Markdown
            shown = label if column in selection.CATEGORY_FIELDS else plain(label)
            choices[column] = _filter_choice(shown, data, column, token, grouped)
        age = data["age_years"].dropna()
        age_range = None
        if len(age) and age.min() < age.max():
            low, high = float(age.min()), float(age.max())
            st.session_state.setdefault(age_range_key(token), (low, high))
            chosen = st.slider("Age (years)", low, high, step=1.0, format="%d", key=age_range_key(token))
            age_range = None if chosen == (low, high) else chosen
    if extra:
        with st.expander("Other columns", icon=":material/table_rows:"):
            for column, label in extra.items():  # the user's header: a label is Markdown
                choices[column] = _filter_choice(plain(label), data, column, token, grouped)
    return selection.Filters({c: v for c, v in choices.items() if v}, age_range)


def _once_per_data(name: str, compute, *more):
    """``compute()`` once per session for the loaded patients, read as they are now (the workbook,
    its mapping and readings) and ``more`` (the groupings, say): the sidebar's column lists and
    levels, which every rerun needs and which take 0.3 s at 100,000 patients, and the settings
    file's fingerprint (1 s). Forgotten when other patients are loaded (or after 500 entries)."""
    memo = st.session_state.setdefault("data:facts", {})
    key = (*_loaded_key(), *map(repr, more))
    if memo.get("key") != _loaded_key() or len(memo) > 500:
        memo.clear()
        memo["key"] = _loaded_key()
    if (name, key) not in memo:
        memo[(name, key)] = compute()
    return memo[(name, key)]


def _filter_choice(label: str, data: pd.DataFrame, column: str, token: str, grouped) -> tuple[str, ...]:
    """The levels chosen in a column's filter; a chosen level renamed away under "Own groupings" is
    dropped first (a choice sent again to the browser must be among the options)."""
    options = _once_per_data(f"levels:{column}", lambda: selection.levels(data, column), grouped)
    key = filter_key(column, token)
    if any(v not in options for v in st.session_state.get(key, [])):
        st.session_state[key] = [v for v in st.session_state[key] if v in options]
    return tuple(st.multiselect(label, options, placeholder="All", key=key))


def groupings_key(token: str) -> str:
    """The session key of the user's own groupings (a dict as :meth:`Groupings.as_dict` writes it)."""
    return f"groupings:{token}"


def _groupings(data: pd.DataFrame, token: str) -> groupings.Groupings:
    """The sidebar's "Own groupings": numbers cut at typed values, levels renamed, merged and ordered.
    The widgets write into one dict kept for the session, so a grouping stays while its widgets are
    not drawn (another column chosen, another page)."""
    kept = st.session_state.setdefault(groupings_key(token), {"cuts": {}, "names": {}, "order": {}})
    with st.sidebar.expander("Own groupings", icon=":material/category:"):
        for column, label in list(_once_per_data("numbers", lambda: groupings.number_columns(data)).items())[:10]:
            _cut_points(kept, column, label, token)
        renamable = _once_per_data("renamable", lambda: groupings.renamable_columns(data))
        options = {None: "— choose a column —", **renamable}
        column = st.selectbox("Rename, merge or order the groups of", list(options), format_func=options.get,
                              key=f"grouping:column:{token}",
                              help="Give two groups one name to merge them (rare histologies into 'other'); "
                                   "figures, tables, filters and models show the new names in your order.")
        if column is not None:
            _level_names(kept, data, column, token)
    return groupings.Groupings.from_dict(kept)


def _cut_points(kept: dict, column: str, label: str, token: str) -> None:
    key = f"grouping:cut:{column}:{token}"
    if key not in st.session_state:
        st.session_state[key] = ", ".join(map(groupings.cut_text, kept["cuts"].get(column, ())))
    shown = label if column in FIELD_NAMES else plain(label)  # the user's header is Markdown
    text = st.text_input(f"{shown}: cut into groups at", key=key, placeholder="e.g. 10",
                         help=f"Cut points make a new column, '{plain(groupings.grouped_name(label))}', for filters, "
                              "Compare by, Table 1 and the models: 10 gives <10 and ≥10; 5, 10 gives three groups.")
    try:
        cuts = groupings.parse_cuts(text)
    except ValueError as exc:
        st.error(f"{shown}: {plain(exc)}. No groups made.")
        cuts = ()
    if cuts:
        kept["cuts"][column] = list(cuts)
    else:
        kept["cuts"].pop(column, None)


def _level_names(kept: dict, data: pd.DataFrame, column: str, token: str) -> None:
    """A name box per level, then the order; 'Undo' gives the levels back their own names."""
    names = kept["names"].setdefault(column, {})
    before = dict(names)
    counts = selection.as_labels(data[column]).value_counts()
    original = [v for v in selection.levels(data, column) if v != selection.MISSING]
    for level in original:
        key = f"grouping:name:{column}:{level}:{token}"
        if key not in st.session_state:
            st.session_state[key] = names.get(level, level)
        count = int(counts.get(level, 0))
        text = st.text_input(f"{plain(level)} ({count} patient{'' if count == 1 else 's'})", key=key)
        typed = groupings.new_name(text)
        if typed is None or " ".join(text.split()) == " ".join(level.split()):
            names.pop(level, None)  # left as it is (a long level is never shortened into another one)
        else:
            names[level] = typed
    _follow_renames(kept, column, token, {before.get(v, v): names.get(v, v) for v in original})
    shown = selection.levels(groupings.apply_groupings(data, groupings.Groupings(names={column: names})), column)
    shown = [v for v in shown if v != selection.MISSING]
    key = f"grouping:order:{column}:{token}"
    if key not in st.session_state or any(v not in shown for v in st.session_state[key]):
        st.session_state[key] = [v for v in kept["order"].get(column, []) if v in shown]
    order = st.multiselect("Order (pick the groups first to last)", shown, key=key, placeholder="As they are",
                           help="The groups you pick come first, in the order you pick them; the rest follow.")
    if order:
        kept["order"][column] = list(order)
    else:
        kept["order"].pop(column, None)
    if not names:
        kept["names"].pop(column, None)
    st.button("Undo the new names and order", key=f"grouping:undo:{column}:{token}",
              on_click=_undo_names, args=(column, token), icon=":material/undo:")


def _follow_renames(kept: dict, column: str, token: str, renamed: dict) -> None:
    """A filter on the column and its order follow a group's new name ('Upper limb' chosen, renamed 'Arm':
    'Arm' stays chosen), rather than being dropped as a name that no longer exists."""
    if all(old == new for old, new in renamed.items()):
        return
    move = lambda values: list(dict.fromkeys(renamed.get(v, v) for v in values))  # noqa: E731
    for key in (filter_key(column, token), f"grouping:order:{column}:{token}"):
        if st.session_state.get(key):
            st.session_state[key] = move(st.session_state[key])
    if kept["order"].get(column):
        kept["order"][column] = move(kept["order"][column])


def _undo_names(column: str, token: str) -> None:
    kept = st.session_state.get(groupings_key(token), {})
    for part in ("names", "order"):
        kept.get(part, {}).pop(column, None)
    for key in [k for k in st.session_state if str(k).startswith((f"grouping:name:{column}:",
                                                                   f"grouping:order:{column}:"))]:
        del st.session_state[key]


def _conventions() -> tuple[Settings, list[float]]:
    with st.sidebar.expander("Conventions", icon=":material/tune:"):
        preset = persistent(st.selectbox, "Match the output of", list(PRESETS), key="preset",
                            default=next(iter(PRESETS)), valid=PRESETS.__contains__,
                            help="Interval transforms and variance that reproduce each program's numbers.")
        st.caption(PRESETS[preset].note)
        level = persistent(st.selectbox, "Confidence level", list(CONF_LEVELS), key="conf_level", default=0.95,
                           format_func=level_label)
        unit = persistent(st.selectbox, "Time unit", list(TIME_UNITS), key="time_unit", default="months")
        text = persistent(st.text_input, "Landmark times (months)", key="landmarks", default=DEFAULT_LANDMARKS)
        try:
            landmarks = parse_landmarks(text)
        except ValueError as exc:
            st.error(f"Landmark times: {plain(exc)}. Using {DEFAULT_LANDMARKS}.")
            landmarks = parse_landmarks(DEFAULT_LANDMARKS)
    return Settings.from_preset(preset, level, unit), landmarks


def sidebar() -> None:
    """Draw the shared sidebar and keep the resulting View in the session."""
    src, loaded = source(), cohort()
    if src["synthetic"]:
        st.sidebar.warning(SYNTHETIC_NOTE, icon=":material/science:")
    else:
        st.sidebar.caption(f"Data: **{plain(src['name'])}**")
    if loaded is None:
        st.sidebar.error("This workbook can't be analysed yet; the Data page says why.", icon=":material/error:")
        st.session_state["view"] = None
        return
    _resend_choices(src["digest"])
    count = st.sidebar.empty()  # filled once the filters below are read, shown above them
    filter_place, compare_place = st.sidebar.container(), st.sidebar.container()
    grouped = _groupings(loaded.data, src["digest"])  # drawn below "Compare by", applied before the filters
    data = groupings.apply_groupings(loaded.data, grouped)
    columns = _once_per_data("categories", lambda: selection.category_columns(data), grouped)
    with filter_place:
        filters = _filters(data, columns, src["digest"], grouped)
    selected = selection.apply_filters(data, filters)
    cuts = _age_cuts()
    options = {None: "No comparison", **columns,
               selection.AGE_GROUP: f"Age group ({', '.join(age_group_names(cuts))})"}
    if st.session_state.get(f"compare:{src['digest']}") not in options:  # a column this workbook lacks
        st.session_state[f"compare:{src['digest']}"] = None
    compare_by = compare_place.selectbox("Compare by", list(options), format_func=options.get,
                                         key=f"compare:{src['digest']}")
    if compare_by == selection.AGE_GROUP:
        cuts = _age_cuts(compare_place)
    settings, landmarks = _conventions()
    _follow_time_unit(settings.time_unit)
    count.metric("Patients selected", f"{len(selected)} of {len(data)}")
    column = "age_years" if compare_by == selection.AGE_GROUP else compare_by
    st.session_state["view"] = View(loaded, src["name"], src["synthetic"], selected,
                                    selection.strata(selected, compare_by, cuts), compare_by and options[compare_by],
                                    column,
                                    settings, landmarks, filters.describe(columns), filters, grouped)


_SIDEBAR_CHOICES = ("filter:", "compare:", "grouping:cut:", "grouping:name:", "grouping:order:", "grouping:column:")


def _resend_choices(token: str) -> None:
    """Set the sidebar's choices for this workbook again, so the browser is sent them: after a run that
    did not draw them (the workbook could not be analysed until a column was mapped), the browser drew
    them afresh, empty, while the server kept the choices (see :func:`persistent`)."""
    for key in [k for k in st.session_state if str(k).startswith(_SIDEBAR_CHOICES) and str(k).endswith(token)]:
        if st.session_state[key] is not None:  # None set from here reads as no choice: "Choose an option"
            st.session_state[key] = st.session_state[key]


def _age_cuts(place=None) -> tuple[float, ...]:
    """The age groups' cut points the user typed (drawn in ``place`` when given), or the default."""
    default = ", ".join(f"{c:g}" for c in AGE_CUTS)
    if place is None:
        text = st.session_state.get("age_cuts", st.session_state.get("age_cuts:kept", default))
    else:
        text = persistent(place.text_input, "Age groups: cut points (years)", key="age_cuts", default=default,
                          help="The ages where a new group starts: 50, 70 gives <50, 50-69 and \u226570.")
    try:
        return parse_age_cuts(text)
    except ValueError as exc:
        if place is not None:
            place.error(f"Age cut points: {plain(exc)}. Using {default}.")
        return AGE_CUTS


def glossary() -> None:
    """The methods in a sentence each, in the sidebar of every page."""
    with st.sidebar.expander("Glossary of the methods", icon=":material/menu_book:"):
        for term, meaning in GLOSSARY.items():
            st.markdown(f"**{term}**: {meaning}")


def view() -> View | None:
    return st.session_state.get("view")


def header(title: str, minimum: int = 1) -> View:
    """Page title, what is selected, and a stop with a clear message when too few patients are."""
    current = view()
    st.title(title)
    if current is None:
        st.info(f"No cohort to analyse: {plain(st.session_state.get('cohort_error', ''))} Open the Data page to "
                "load a workbook.", icon=":material/upload_file:")
        st.stop()
    parts = [f"{len(current.selected)} of {len(current.cohort.data)} patients"]
    if current.filters:
        parts.append(plain(current.filters))
    if current.compare_by:
        parts.append(f"compared by {plain(current.compare_by.lower())}")
    st.caption(" \u00b7 ".join(parts) + (f" \u00b7 **{SYNTHETIC_NOTE}**" if current.synthetic else ""))
    if len(current.selected) < minimum:
        n = len(current.selected)
        st.info(f"{n} patient{' matches' if n == 1 else 's match'} the filters; "
                f"this page needs at least {minimum}. Widen the filters in the sidebar.",
                icon=":material/filter_alt_off:")
        st.stop()
    return current


# -- figures and tables -----------------------------------------------------------------------

_FIGURES_MADE = "figures:made"  # this session's figures, by everything each depends on
_FIGURE_CORRECTIONS = "figures:corrections"  # per figure name, size and layout: how fitting resized it
_FIGURES_KEPT = 24


def shown_figure(make, identity: tuple | None = None) -> export.FigureFile:
    """Draw the figure that ``make()`` builds, and return it for its downloads.

    With an ``identity`` (everything the figure depends on, as text) it is built once per session
    and kept for the last 24 identities: building a figure and fitting it to its stated size takes
    0.2-0.6 s, and a rerun that changes nothing in it then costs only the sending. The screen shows
    the fitted figure that every download draws, from the same object, so a download is a conversion.
    """
    memo = st.session_state.setdefault(_FIGURES_MADE, {})
    figure = memo.pop(identity, None) if identity is not None else None
    if figure is None:
        figure = export.FigureFile(make())
        if identity is not None and figure.stated_size:
            # the session's last figure of this name, size and layout (its groups and options) was fitted
            # by (wider, taller): right for this one too, which then takes one render
            corrections = st.session_state.setdefault(_FIGURE_CORRECTIONS, {})
            kind = (identity[0], figure.stated_size, figure.layout)
            figure.first_guess = corrections.get(kind)
            corrections[kind] = figure.correction
    if identity is not None:
        memo[identity] = figure  # the most recent last
        while len(memo) > _FIGURES_KEPT:
            memo.pop(next(iter(memo)))
    # what the downloads draw: fitted to the stated size (a copy: Streamlit takes the data out)
    st.vega_lite_chart(dict(figure.fitted_spec()), theme=None, width="content")
    return figure


def figure_downloads(figure: export.FigureFile, stem: str, key: str):
    """PNG (300 dpi), SVG and PDF buttons for ``figure``, built only when clicked (from the figure
    captured here, nothing read from the session later); returns the fourth column for a table's button,
    the widest: "Risk table CSV" in four equal columns was cut to "Risk table ..." at 1024 px."""
    columns = st.columns([1, 1, 1, 1.8])
    for column, fmt in zip(columns, export.FORMATS):
        column.download_button(fmt.upper(), lambda f=fmt: figure.bytes(f), file_name=f"{stem}.{fmt}",
                               mime=export.FORMATS[fmt], on_click="ignore", icon=":material/download:",
                               key=f"{key}:{fmt}")
    return columns[3]


def csv_download(place, label: str, frame: pd.DataFrame, file_name: str, key: str, **headings) -> None:
    """A CSV download of ``frame`` under a reader's headings at the current level and time unit
    (``headings``: more for :func:`with_headings`); captured now, the bytes are made when clicked."""
    settings = view().settings
    headings = {"conf_level": settings.conf_level, "time_unit": settings.time_unit} | headings
    frame = with_headings(frame, **headings)
    place.download_button(label, lambda: export.csv_bytes(frame), file_name=file_name, mime="text/csv",
                          on_click="ignore", icon=":material/download:", key=key)


def remembered_text(place, label: str, key: str, default: str) -> str:
    """A text input that shows ``default`` until the user types their own, and keeps theirs across
    pages. When the default changes (the time unit, say), a value still equal to the previous
    default follows it; a typed one stays."""
    kept, previous = st.session_state.get(f"{key}:kept"), st.session_state.get(f"{key}:default")
    if key not in st.session_state:  # Streamlit forgets a widget's value on pages that do not draw it
        st.session_state[key] = kept if kept is not None else default
    if st.session_state[key] == previous:
        st.session_state[key] = default
    st.session_state[f"{key}:default"] = default
    value = place.text_input(label, key=key)
    st.session_state[f"{key}:kept"] = value
    return value


def curves(endpoint: str) -> dict:
    """The endpoint's curve per compared group for the current selection and conventions."""
    current = view()
    return summaries.curves(current.selected, endpoint, current.labels, current.settings)


def figure_options() -> dict:
    """The user's options per figure (endpoint -> FigureOptions), kept for the session."""
    return st.session_state.setdefault("figure_options", {})


_OPTIONS_UNIT = "figure_options:unit"  # the time unit the kept axis ends and tick intervals are in


def _follow_time_unit(unit: str) -> None:
    """Where a time axis ends and its tick interval follow a change of time unit, in the kept options
    (which the zip, workbook and slides use) and in the widgets: 60 months become 5 years, 6 months
    0.5 years. A value the new unit cannot hold (over 100,000) is dropped: the axis is automatic again.
    So is a tick interval that is not a whole number of quarters in the new unit (1 month is 4.348
    weeks: its ticks would read 4.348214, 8.696428, ...)."""
    ss = st.session_state
    before, ss[_OPTIONS_UNIT] = ss.get(_OPTIONS_UNIT), unit
    if before is None or before == unit or before not in TIME_UNITS:
        return
    factor = TIME_UNITS[unit] / TIME_UNITS[before]

    def converted(value):
        return None if value is None else round(float(value) * factor, 6)

    def converted_interval(value):
        value = converted(value)
        return value if value is None or abs(value * 4 - round(value * 4)) < 1e-6 * max(value, 1) else None
    kept = figure_options()
    for name, options in list(kept.items()):
        try:
            kept[name] = dataclasses.replace(options, time_max=converted(options.time_max),
                                             tick_every=converted_interval(options.tick_every))
        except ValueError:
            kept[name] = dataclasses.replace(options, time_max=None, tick_every=None)
    for key in [f"{name}:{part}" for name in figures.figure_keys() for part in ("end", "every")]:
        if ss.get(key) is not None:
            value = (converted_interval if key.endswith(":every") else converted)(ss[key])
            ss[key] = value if value is not None and 0.01 <= value <= 100_000 else None


def _seeded(key: str, value) -> None:
    """Give widget ``key`` the kept ``value`` when Streamlit forgot it, and send it again otherwise
    (as :func:`persistent` does)."""
    st.session_state[key] = st.session_state[key] if key in st.session_state else value


def _widget_values(kept: FigureOptions, few: bool) -> dict:
    """The figure-option widgets seeded from kept options, by key suffix (the titles keep theirs as
    :func:`remembered_text` does; the bands toggle has a key per default, on for ``few`` groups)."""
    return {"size": kept.size, "subtitle": kept.subtitle, "legend": kept.legend_title, "end": kept.time_max,
            "every": kept.tick_every, "percent": kept.percent, "font": kept.font_scale, "risk_table": kept.risk_table,
            "censor": kept.censor_marks, f"bands:{few}": few if kept.bands is None else kept.bands,
            "p": kept.p_value, "black": kept.black}


def _figure_option_widgets(key: str, names: list[str], unit: str, *, title_default: str,
                           y_default: str | None = None, sizes: dict = charts.SIZES) -> FigureOptions:
    """The "Figure options" expander's widgets for the figure ``key`` (an endpoint, or "three_panels",
    whose panels keep their own axis titles: ``y_default=None``), seeded from the kept options."""
    kept = figure_options().get(key) or FigureOptions()
    x_default = f"{unit.capitalize()} since perfusion"
    few = len(names) <= charts.BANDS_UP_TO  # more bands blur into one mass: off unless asked for
    for name, value in _widget_values(kept, few).items():
        _seeded(f"{key}:{name}", value)
    one, two, three = st.columns(3)
    size = one.selectbox("Figure size", list(sizes), format_func=lambda s: sizes[s].label, key=f"{key}:size")
    title = remembered_text(two, "Title", f"{key}:title", title_default)
    subtitle = three.text_input("Subtitle", key=f"{key}:subtitle", max_chars=200)
    y_title = remembered_text(one, "Vertical axis", f"{key}:y", y_default) if y_default is not None else None
    x_title = remembered_text(two, "Time axis", f"{key}:x", x_default) if y_default is not None else None
    legend = three.text_input("Legend title", key=f"{key}:legend", max_chars=200, placeholder="none")
    one, two = st.columns(2)
    end = one.number_input(f"Time axis ends at ({unit})", min_value=0.0, value=None, key=f"{key}:end",
                           placeholder="last follow-up")
    every = two.number_input(f"A tick every ({unit})", min_value=0.0, value=None, key=f"{key}:every",
                             placeholder="automatic")
    percent = one.selectbox("Vertical scale", [True, False], key=f"{key}:percent",
                            format_func=lambda p: "Percent (0-100%)" if p else "Proportion (0-1)")
    font = two.selectbox("Font size", list(FONT_SCALES), key=f"{key}:font", format_func=FONT_SCALES.get)
    one, two, three = st.columns(3)
    bands = one.toggle("Interval bands", key=f"{key}:bands:{few}")
    censor = two.toggle("Censor marks", key=f"{key}:censor")
    risk = three.toggle("Number at risk", key=f"{key}:risk_table")
    p_value = one.toggle("Show p-value", key=f"{key}:p", disabled=len(names) < 2,
                         help="The test of this page (log-rank, or Gray's for an incidence), named.")
    black = two.toggle("Black lines", key=f"{key}:black", help="For greyscale print: groups told apart "
                       "by line style only.")
    colours, lines = _group_styles(key, names, kept, black)
    options = dict(size=size, title=title if title != title_default else None, subtitle=subtitle,
                   x_title=x_title if x_title != x_default else None,
                   y_title=y_title if y_title != y_default else None, legend_title=legend,
                   time_max=end or None, tick_every=every or None, percent=percent, font_scale=font,
                   colours=colours, lines=lines, black=black, risk_table=risk, censor_marks=censor,
                   bands=None if bands == few else bands, p_value=p_value)
    try:
        return FigureOptions(**options)
    except ValueError as exc:
        st.warning(f"{plain(str(exc))}. The figure keeps the previous choice.", icon=":material/warning:")
        return kept


def _group_styles(key: str, names: list[str], kept: FigureOptions, black: bool) -> tuple[dict, dict]:
    """A colour and a line style per group (the defaults are the palette's, in order)."""
    if len(names) > 30:
        return dict(kept.colours), dict(kept.lines)
    st.caption("Colour and line style of each group")
    colours, lines = {}, {}
    defaults, dashes = FigureOptions().group_colours(names, charts.PALETTE), list(LINE_STYLES)
    for i, name in enumerate(names):
        token = hashlib.sha256(name.encode()).hexdigest()[:12]
        label, left, right = st.columns([3, 1, 2], vertical_alignment="center")
        _seeded(f"{key}:colour:{token}", kept.colours.get(name, defaults[i]))
        _seeded(f"{key}:line:{token}", kept.lines.get(name, dashes[default_style(i)]))
        label.markdown(plain(name))
        colour = left.color_picker(f"Colour of {plain(name)}", key=f"{key}:colour:{token}", disabled=black,
                                   label_visibility="collapsed")
        line = right.selectbox(f"Line style of {plain(name)}", dashes, key=f"{key}:line:{token}",
                               label_visibility="collapsed")
        if colour.upper() != defaults[i].upper():
            colours[name] = colour
        if line != dashes[default_style(i)]:
            lines[name] = line
    return colours, lines


FIGURE_OPTIONS = "Figure options: size, titles, time axis, colours, risk table, p-value"


def panel_options(names: list[str]) -> FigureOptions:
    """The three-panel figure's options (Export page), kept like the others under "three_panels"."""
    with st.expander(FIGURE_OPTIONS, icon=":material/edit:"):
        options = _figure_option_widgets(figures.PANELS, names, view().settings.time_unit,
                                         title_default=figures.PANELS_TITLE, sizes=charts.PANEL_SIZES)
    figure_options()[figures.PANELS] = options
    return options


def figure_caption(figure: export.FigureFile, risk_table: bool = True) -> None:
    """The size every download of ``figure`` has, and what is under the plot."""
    width, height = figure.size
    larger = ""
    if figure.stated_size and figure.size != figure.stated_size:
        chosen = "{:.2f} x {:.2f} in".format(*figure.stated_size)
        larger = (f" The group names and numbers need more room than {chosen} leaves at this font size, so the "
                  f"figure is drawn larger; a smaller font, fewer groups or shorter names keep {chosen}.")
    st.caption(f"PNG at {export.DPI} dpi, {width:.2f} x {height:.2f} in (SVG and PDF the same size)." + larger
               + (" Under each plot: patients at risk (cumulative events) at each time." if risk_table else ""))


def curve_section(curves: dict, endpoint: str) -> None:
    """The endpoint's figure (options as in Prism: size, titles, time axis, scale, fonts, colours and
    lines, legend, risk table, censor marks, bands, p-value) with PNG/SVG/PDF downloads and its risk table."""
    current = view()
    unit = current.settings.time_unit
    with st.expander(FIGURE_OPTIONS, icon=":material/edit:"):
        options = _figure_option_widgets(endpoint, list(curves), unit, title_default=ENDPOINTS[endpoint].title,
                                         y_default=ENDPOINTS[endpoint].axis)
    figure_options()[endpoint] = options
    risk = figures.risk_at_ticks(curves, unit, options)  # once: drawn under the plot and downloaded

    def make():
        test = summaries.compare_strata(current.selected, endpoint, current.labels) if options.p_value else None
        return figures.endpoint_figure(curves, endpoint, time_unit=unit, options=options, test=test,
                                       subtitle=SYNTHETIC_NOTE if current.synthetic else "", risk=risk)
    figure = shown_figure(make, figure_identity(endpoint, options))
    csv_download(figure_downloads(figure, endpoint, endpoint), "Risk table CSV", risk, f"{endpoint}_at_risk.csv",
                 f"{endpoint}:risk")
    figure_caption(figure, options.risk_table)


def headline(curves: dict, endpoint: str) -> None:
    """The estimates at the landmark times as large numbers, when there is one group."""
    current = view()
    if len(curves) != 1:
        return
    table = summaries.landmark_table(curves, current.landmarks[:4], current.settings)
    for column, row in zip(st.columns(len(table)), table.itertuples()):
        when = formatting.time_with_unit(row.time, current.settings.time_unit)
        column.metric(f"{ENDPOINTS[endpoint].axis} at {when}",
                      formatting.percent(row.estimate, 1),
                      help=next(iter(curves.values())).method)
        column.caption(f"{interval_label(current.settings.conf_level)} "
                       f"{formatting.interval(row.ci_lower, row.ci_upper, 1)} \u00b7 "
                       f"{formatting.number(row.n_risk, 0)} at risk" if row.estimate == row.estimate
                       else "Not estimable: no patient was followed this long (0 at risk)")


def landmark_section(curves: dict, endpoint: str) -> pd.DataFrame:
    """Estimates with named interval bounds at the landmark times; the exact numbers download as CSV."""
    current = view()
    settings = current.settings
    table = summaries.landmark_table(curves, current.landmarks, settings)
    st.dataframe(display.landmark_display(table, conf_level=settings.conf_level, time_unit=settings.time_unit,
                                          what=ENDPOINTS[endpoint].axis), hide_index=True)
    st.caption(f"{next(iter(curves.values())).method}. \u2013 = not estimable (no patient followed that long, "
               f"or the interval is undefined). \u2020 the estimate rests on fewer than {FEW_AT_RISK} patients.")
    csv_download(st, "Estimates CSV", table, f"{endpoint}_estimates.csv", f"{endpoint}:estimates")
    difference = summaries.group_difference(curves, current.landmarks, settings)
    if len(difference):
        shown = display.difference_display(difference, conf_level=settings.conf_level, time_unit=settings.time_unit)
        st.dataframe(shown if shown.Note.astype(bool).any() else shown.drop(columns="Note"), hide_index=True)
        st.caption(f"Difference between the two groups at each landmark: {difference.method.iloc[0]}.")
    return table


def figure_identity(name: str, *more) -> tuple:
    """What a figure of the current selection depends on: its name, the selection, the conventions,
    whether the data are the synthetic sample, and ``more`` (its options, say)."""
    current = view()
    return (name, *selection_key(), repr(current.settings), current.synthetic, *map(repr, more))


def selection_key() -> tuple:
    """What identifies the patients and groups in view: the workbook, how it was loaded, the filters
    and the comparison (the key of this session's caches; the data themselves are not hashed)."""
    current = view()
    return (*_loaded_key(), repr(current.groupings), repr(current.filter_spec), current.compare_by,
            current.compare_column)


def _loaded_key() -> tuple:
    """What identifies the loaded patients: the workbook and how it was read (mapping, readings)."""
    return source()["digest"], repr(st.session_state.get("cohort_key"))


@st.cache_data(scope="session", max_entries=8, show_spinner="Computing the report")
def _analysis(key: tuple, _current: View, tests: bool, numeric_test: str):
    from ilp_core.results.analysis import analyse
    return analyse(_current.selected, _current.labels, _current.settings, _current.landmarks,
                   n_loaded=len(_current.cohort.data), n_rows=_current.cohort.n_rows,
                   compare_by=_current.compare_by, filters=_current.filters, baseline_tests=tests,
                   numeric_test=numeric_test, grouping_variable=_current.compare_column)


def current_analysis():
    """Everything the Export page and the downloads report, for the current selection; Table 1 has
    p-values when the Cohort page shows them (and a comparison is chosen). Kept for this session
    only, per selection and conventions: exact Fisher tests can take seconds."""
    current = view()
    key, tests, numeric = analysis_key()
    return _analysis(key, current, tests, numeric)


def analysis_key() -> tuple:
    """(selection and conventions, Table 1 p-values on, their numeric test): what the report depends on."""
    current = view()
    tests = bool(current.compare_by) and bool(st.session_state.get("table1:tests:kept", False))
    numeric = st.session_state.get("table1:numeric:kept", "mann-whitney")
    return selection_key() + (repr(current.settings), tuple(current.landmarks)), tests, numeric


@st.cache_data(scope="session", max_entries=8, show_spinner="Computing Table 1")
def _table_one(key: tuple, _data: pd.DataFrame, _labels, tests: bool, numeric_test: str, grouping_variable):
    from ilp_core.results.table_one import table_one
    return table_one(_data, _labels, tests=tests, numeric_test=numeric_test, grouping_variable=grouping_variable)


def baseline_table(tests: bool, numeric_test: str):
    """Table 1 of the current selection (by the compared groups if any), kept for this session."""
    current = view()
    labels = current.labels if current.compare_by else None
    return _table_one(selection_key(), current.selected, labels, tests, numeric_test, current.compare_column)


def test_line(endpoint: str) -> None:
    """'Gray's test across groups: chi-square 1.15 on 1 df, p = 0.284' (or why it could not be computed)."""
    current = view()
    by, result = current.compare_by, summaries.compare_strata(current.selected, endpoint, current.labels)
    line = display.test_line(result, by and plain(by))  # the bold test name is ours, the column the user's
    if line:
        st.write(line)
