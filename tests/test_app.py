"""The Streamlit app driven by AppTest: every page on the sample, upload, filters, strata."""
import json
import re
from pathlib import Path

import pyarrow
import pytest
from sample_path import SAMPLE
from streamlit.testing.v1 import AppTest
from workbooks import ENGLISH, patient, workbook

import ilp_core as core
from ilp_core.results import predictors

APP = str(Path(__file__).resolve().parents[1] / "app.py")
PAGES = ["app_pages/data.py", "app_pages/cohort.py", "app_pages/amputation.py", "app_pages/complications.py",
         "app_pages/survival.py", "app_pages/predictors.py", "app_pages/export.py"]
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@pytest.fixture
def app():
    return AppTest.from_file(APP, default_timeout=60).run()


def shown(text: str) -> str:
    """The text the browser shows for a Markdown body whose user values are escaped (ilp_core.plain_text)."""
    return re.sub(r"\\(.)", r"\1", text).replace("\u2060", "")


def selected(at) -> str:
    return next(m.value for m in at.metric if m.label == "Patients selected")


def strata_drawn(at) -> set:
    """The strata in the first chart's curve data (Streamlit sends datasets as Arrow)."""
    chart = at.get("vega_lite_chart")[0].proto
    strata = set()
    for dataset in chart.datasets:
        frame = pyarrow.ipc.open_stream(dataset.data.data).read_all().to_pandas()
        if "ci_lower" in frame:
            strata |= set(frame.stratum)
    return strata


def table(at, first_column):
    """The displayed table whose first column has this name."""
    return next(d.value for d in at.dataframe if d.value.columns[0] == first_column)


def widget(at, kind, prefix):
    return next(w for w in getattr(at, kind) if w.key and w.key.startswith(prefix))


def test_every_page_opens_on_the_synthetic_sample(app):
    assert not app.exception
    assert selected(app) == "34 of 34"
    assert any("Synthetic sample data" in shown(w.value) for w in app.sidebar.warning)
    for page in PAGES:
        app.switch_page(page).run()
        assert not app.exception, page
        assert not app.error, (page, [shown(e.value) for e in app.error])
    app.switch_page("app_pages/amputation.py").run()
    assert len(app.get("vega_lite_chart")) == 1


def test_filter_changes_the_number_of_patients(app):
    widget(app, "multiselect", "filter:column:limb:").set_value(["upper"]).run()
    assert selected(app) == "13 of 34"
    app.switch_page("app_pages/survival.py").run()
    assert not app.exception and selected(app) == "13 of 34"  # the filter is kept across pages


def test_comparison_draws_one_curve_per_stratum(app):
    app.switch_page("app_pages/amputation.py").run()
    assert strata_drawn(app) == {"All patients"}
    widget(app, "selectbox", "compare:").set_value("limb").run()
    assert strata_drawn(app) == {"lower", "upper"}
    assert any("Gray's test" in shown(m.value) for m in app.markdown)
    widget(app, "selectbox", "compare:").set_value("age group").run()
    assert strata_drawn(app) == {"<50", "50-69", "\u226570"}


def test_survival_page_endpoints_and_log_rank(app):
    app.switch_page("app_pages/survival.py").run()
    widget(app, "selectbox", "compare:").set_value("sex").run()
    assert any("Log-rank test" in shown(m.value) for m in app.markdown)
    app.radio(key="survival:endpoint").set_value("Local recurrence").run()
    for choice in ("local_recurrence_deaths_censored", "local_recurrence_free_survival", "local_recurrence"):
        app.radio(key="survival:recurrence").set_value(choice).run()
        assert not app.exception and len(app.get("vega_lite_chart")) == 1


def test_upload_replaces_the_sample(app):
    rows = [ENGLISH, patient("P1"), patient("P2", sex="M"), patient("P3", vital="?"), patient("P4", sex="?")]
    app.switch_page("app_pages/data.py").run()
    app.file_uploader(key="upload").set_value(("mine.xlsx", workbook(rows, title_rows=[["My unit"]]), XLSX)).run()
    assert not app.exception
    assert selected(app) == "3 of 3"  # an unknown sex keeps its patient; an unknown vital status cannot
    assert not app.success  # a patient was lost: said in a warning, with the column
    assert any("3 patients loaded, 1 row excluded (1 error), 1 warning." in shown(w.value)
               and "Vital status (1 row)" in shown(w.value) for w in app.warning)
    problems = table(app, "Row (as in Excel)")
    assert problems["Row (as in Excel)"].tolist() == [5, 6] and problems.Column.tolist() == ["Vital status", "Sex"]
    app.switch_page("app_pages/amputation.py").run()
    assert not app.exception and not app.sidebar.warning  # no longer labelled synthetic


def test_own_columns_named_like_a_field_leave_every_page_working(app):
    rows = [ENGLISH + ["age_years", "age_years (extra)"]] + [patient(f"P{i}") + ["a", "b"] for i in range(5)]
    app.switch_page("app_pages/data.py").run()
    app.file_uploader(key="upload").set_value(("mine.xlsx", workbook(rows), XLSX)).run()
    assert not app.exception and selected(app) == "5 of 5"
    for page in ("cohort", "amputation", "export", "data"):
        app.switch_page(f"app_pages/{page}.py").run()
        assert not app.exception, page


def test_a_wrong_header_row_tried_and_left_keeps_the_mapping(app):
    """Header row 1 (a title) made every field "not in my workbook"; back at "found automatically" the
    fields stayed unmapped, for good, even after the same file was uploaded again."""
    rows = [ENGLISH] + [patient(f"P{i}") for i in range(4)]
    app.switch_page("app_pages/data.py").run()
    app.file_uploader(key="upload").set_value(
        ("mine.xlsx", workbook(rows, title_rows=[["Sarcoma unit"], ["ILP 2010-2020"]]), XLSX)).run()
    assert selected(app) == "4 of 4"
    widget(app, "selectbox", "data:header:").set_value(1).run()
    assert not app.exception and app.error  # no column found under the title: said
    widget(app, "selectbox", "data:header:").set_value("found automatically").run()
    assert not app.exception and not app.error and selected(app) == "4 of 4"
    assert widget(app, "selectbox", "map:patient_id:").value == "Patient ID"


def test_a_selection_where_everyone_died_says_follow_up_cannot_be_estimated(app):
    """The Cohort page read "not reached" where the Survival page said every patient died."""
    widget(app, "multiselect", "filter:column:histology:").set_value(["malignant peripheral nerve sheath tumour"]).run()
    app.switch_page("app_pages/cohort.py").run()
    follow = next(m for m in app.metric if m.label.startswith("Median follow-up"))
    assert not app.exception and follow.value == "not estimable"
    app.switch_page("app_pages/export.py").run()
    assert any("Median follow-up (reverse Kaplan-Meier) cannot be estimated" in shown(m.value) for m in app.markdown)


def test_table_one_offers_the_tests_by_the_names_they_have_for_these_groups(app):
    """With seven histologies the radio offered "Mann-Whitney U" while Kruskal-Wallis was computed."""
    app.switch_page("app_pages/cohort.py").run()
    for compare, names in (("sex", ["Mann-Whitney U", "Welch's t-test"]),
                           ("histology", ["Kruskal-Wallis", "Welch's ANOVA"])):
        widget(app, "selectbox", "compare:").set_value(compare).run()
        radio = widget(app, "radio", "table1:numeric")
        assert not app.exception and list(radio.options) == names, compare


def test_the_complication_rates_stand_beside_their_short_names(app):
    """The composite's long name ("...; amputation for a treatment reaction not recorded)") pushed the rate
    and interval out of sight at 1024 px: the short name, the rate next to it, the note under the table."""
    rows = [ENGLISH + ["Compartment syndrome"]] + [patient(f"P{i}") + ["no"] for i in range(6)]
    app.switch_page("app_pages/data.py").run()
    app.file_uploader(key="upload").set_value(("mine.xlsx", workbook(rows), XLSX)).run()
    app.switch_page("app_pages/complications.py").run()
    shown_table = table(app, "Group")
    assert not app.exception and list(shown_table.columns[:4]) == ["Group", "Outcome", "Rate", "95% CI"]
    assert shown_table.Outcome[0] == "Early severe complication (any)"
    assert any("Amputation for a treatment reaction is not recorded: the composite counts the other components"
               in c.value for c in app.caption)


def test_the_cohort_page_counts_only_the_categories_the_workbook_holds(app):
    """A workbook without a presentation column got a table "Presentation: (missing) 6"."""
    rows = [ENGLISH] + [patient(f"P{i}") for i in range(6)]
    app.switch_page("app_pages/data.py").run()
    app.file_uploader(key="upload").set_value(("mine.xlsx", workbook(rows), XLSX)).run()
    app.switch_page("app_pages/cohort.py").run()
    headings = [h.value for h in app.subheader]
    assert not app.exception and "Histology" in headings and "Presentation" not in headings


def test_settings_applied_on_another_page_hold_when_the_data_page_opens(app):
    """Applied on Export, a settings file's mapping was undone without a word when the Data page opened:
    its widgets brought back the choices they had kept, and with them the earlier patients."""
    from ilp_core.reporting import reproducibility
    rows = [ENGLISH + ["Other limb"]] + [patient(f"P{i}") + ["upper" if i < 3 else "lower"] for i in range(6)]
    data = workbook(rows)
    app.switch_page("app_pages/data.py").run()
    app.file_uploader(key="upload").set_value(("mine.xlsx", data, XLSX)).run()
    assert widget(app, "selectbox", "map:limb:").value == "Limb"  # kept by the Data page's widget
    cohort = core.load_cohort(data, mapping=core.suggest_mapping(rows[0]) | {"limb": "Other limb"})
    document = reproducibility.settings_document(
        source="mine.xlsx", sheet="cohort", header_row=None, mapping=cohort.mapping, date_order="auto",
        filters={"limb": ("upper",)}, age_range=None, compare_by=None, preset="R survival", conf_level=0.95,
        time_unit="months", landmarks=[12, 24], data=cohort.data)
    app.switch_page("app_pages/export.py").run()
    app.file_uploader(key="export:load").set_value(("s.json", reproducibility.settings_json(document),
                                                    "application/json")).run()
    app.button(key="export:apply").click().run()
    assert selected(app) == "3 of 6"
    app.switch_page("app_pages/cohort.py").run()
    app.switch_page("app_pages/data.py").run()
    assert not app.exception and widget(app, "selectbox", "map:limb:").value == "Other limb"
    assert selected(app) == "3 of 6"


def test_a_file_that_is_not_a_spreadsheet_gets_a_message(app):
    app.switch_page("app_pages/data.py").run()
    app.file_uploader(key="upload").set_value(("scan.xlsx", b"%PDF-1.4 not a workbook", XLSX)).run()
    assert not app.exception
    assert "is a PDF, not a spreadsheet" in shown(app.error[0].value)


def test_remapping_a_column_changes_the_analysis(app):
    app.switch_page("app_pages/data.py").run()
    data = workbook([ENGLISH + ["Other limb"], patient("P1") + ["upper"], patient("P2") + ["upper"]])
    app.file_uploader(key="upload").set_value(("mine.xlsx", data, XLSX)).run()
    widget(app, "selectbox", "map:limb:").set_value("Other limb").run()
    assert not app.exception
    app.switch_page("app_pages/cohort.py").run()
    assert table(app, "Limb").Limb.tolist() == ["upper"]


def test_too_few_patients_says_so(app):
    widget(app, "multiselect", "filter:column:histology:").set_value(["malignant peripheral nerve sheath tumour"]).run()
    widget(app, "multiselect", "filter:column:limb:").set_value(["upper"]).run()
    assert selected(app) == "1 of 34"
    app.switch_page("app_pages/predictors.py").run()  # a model needs at least 5 patients
    assert not app.exception
    assert "1 patient matches the filters; this page needs at least 5" in shown(app.info[0].value)
    widget(app, "multiselect", "filter:column:limb:").set_value(["lower", "upper"]).run()
    widget(app, "multiselect", "filter:column:histology:").set_value(["clear cell sarcoma", "angiosarcoma"]).run()
    app.switch_page("app_pages/amputation.py").run()
    assert selected(app) == "3 of 34" and not app.exception and not app.info


def test_bad_landmark_times_are_explained(app):
    app.text_input(key="landmarks").set_value("12, two years").run()
    assert "'two' is not a number" in shown(app.sidebar.error[0].value)
    assert not app.exception


def test_export_page_text_matches_the_estimates(app):
    app.switch_page("app_pages/export.py").run()
    assert not app.exception
    text = " ".join(shown(m.value) for m in app.markdown)
    assert "The cumulative incidence of amputation, with death as a competing event, was 11.8% (95% CI" in text
    assert "occurred in 0 of 34 patients, 0.0% (95% CI 0.0% to 10.3%)" in text
    assert "Kaplan-Meier" in text and "Aalen-Johansen" in text


def test_table_one_and_flow_on_the_cohort_page(app):
    widget(app, "selectbox", "compare:").set_value("limb").run()
    app.switch_page("app_pages/cohort.py").run()
    app.toggle(key="table1:tests").set_value(True).run()
    baseline = table(app, "Characteristic")
    assert "p-value" in baseline.columns and "lower (n = 21)" in baseline.columns
    assert baseline.loc[baseline.Characteristic == "  F", "Overall (n = 34)"].item() == "12 (35.3%)"
    assert len(app.get("vega_lite_chart")) == 1  # the patient flow
    assert any(shown(c.value).startswith("PNG at 300 dpi, 8.06 x ") for c in app.caption)  # its downloads' size


def test_settings_saved_and_loaded_reproduce_the_selection(app):
    import ilp_core as core
    from ilp_core.reporting import reproducibility
    sample = core.load_cohort(SAMPLE)
    document = reproducibility.settings_document(
        source="Synthetic sample cohort", sheet="cohort", header_row=None, mapping=sample.mapping,
        date_order="auto", filters={"limb": ("upper",)}, age_range=None, compare_by="sex", preset="R survival",
        conf_level=0.95, time_unit="months", landmarks=[12, 24], data=sample.data)
    app.selectbox(key="preset").set_value("SPSS").run()
    assert selected(app) == "34 of 34"
    app.switch_page("app_pages/export.py").run()
    app.file_uploader(key="export:load").set_value(
        ("s.json", reproducibility.settings_json(document), "application/json")).run()
    app.button(key="export:apply").click().run()
    assert not app.exception, app.exception
    assert selected(app) == "13 of 34"
    assert app.selectbox(key="preset").value == "R survival"
    assert any("same as when the settings were saved" in shown(s.value) for s in app.success)


def test_predictors_page_fits_cox_and_fine_gray(app):
    app.switch_page("app_pages/predictors.py").run()
    assert "Choose covariates" in shown(app.info[0].value)
    app.multiselect(key="predictors:covariates").set_value(["age_years", "limb"]).run()
    assert not app.exception
    assert table(app, "Term").Term.tolist() == ["Age (per year)", "Limb: upper vs lower"]  # labels, not codes
    assert any(shown(c.value).startswith("PNG at 300 dpi, 10.00 x ") for c in app.caption)  # the forest plot's
    assert any("In the Cox model for overall survival (n = 34, 18 events)" in shown(m.value) for m in app.markdown)
    assert len(app.get("vega_lite_chart")) == 1
    app.selectbox(key="predictors:outcome").set_value("Amputation, death competing (Fine-Gray)").run()
    assert not app.exception
    assert any("In the Fine-Gray model for amputation" in shown(m.value) for m in app.markdown)
    assert any("events for" in shown(w.value) for w in app.warning)  # 5 events: the guardrail shows
    app.switch_page("app_pages/export.py").run()
    assert any(shown(m.value).startswith("In the Fine-Gray model for amputation") for m in app.markdown)


def test_a_category_s_reference_starts_at_its_largest_level(app):
    # angiosarcoma came first alphabetically: 2 patients without an amputation, every histology not estimable
    data = core.load_cohort(SAMPLE).data
    assert predictors.default_reference(data, "histology") == "myxoid liposarcoma"  # 6 patients, first of two
    assert predictors.default_reference(data, "sex") == "M" and predictors.default_reference(data, "limb") == "lower"
    app.switch_page("app_pages/predictors.py").run()
    app.selectbox(key="predictors:outcome").set_value("Amputation, death competing (Fine-Gray)").run()
    app.multiselect(key="predictors:covariates").set_value(["histology"]).run()
    assert not app.exception and app.selectbox(key="predictors:ref:histology").value == "myxoid liposarcoma"
    terms = table(app, "Term")
    assert terms.Term.str.endswith("vs myxoid liposarcoma").all()


def x_title(at) -> str:
    spec = json.loads(at.get("vega_lite_chart")[0].proto.spec)
    return spec["vconcat"][0]["layer"][-1]["encoding"]["x"]["title"]


def test_time_axis_title_follows_the_unit_unless_typed(app):
    app.switch_page("app_pages/amputation.py").run()
    assert x_title(app) == "Months since perfusion"
    app.selectbox(key="time_unit").set_value("years").run()
    assert x_title(app) == "Years since perfusion"
    app.text_input(key="amputation:x").set_value("Follow-up (years)").run()
    app.selectbox(key="time_unit").set_value("weeks").run()
    assert x_title(app) == "Follow-up (years)"  # the user's own title stays
    app.switch_page("app_pages/cohort.py").run()
    app.switch_page("app_pages/amputation.py").run()
    assert x_title(app) == "Follow-up (years)"  # and survives a page switch


@pytest.mark.parametrize("page", ["app_pages/amputation.py", "app_pages/survival.py", "app_pages/cohort.py",
                                  "app_pages/export.py"])
def test_compare_by_age_group_on_every_page(app, page):
    widget(app, "selectbox", "compare:").set_value("age group").run()
    app.switch_page(page).run()
    assert not app.exception, app.exception
    assert not app.error


def test_export_refits_the_model_for_the_current_selection_and_level(app):
    app.switch_page("app_pages/predictors.py").run()
    app.multiselect(key="predictors:covariates").set_value(["age_years"]).run()
    assert any("(n = 34, 18 events)" in shown(m.value) for m in app.markdown)
    widget(app, "multiselect", "filter:column:limb:").set_value(["upper"]).run()
    app.selectbox(key="conf_level").set_value(0.90).run()
    app.switch_page("app_pages/export.py").run()
    text = " ".join(shown(m.value) for m in app.markdown)
    assert "Of 13 patients" in text and "In the Cox model for overall survival (n = 13," in text
    assert "(90% CI" in text and "95% CI" not in text and "nan" not in text


def test_export_leaves_out_a_model_these_patients_cannot_support(app):
    app.switch_page("app_pages/predictors.py").run()
    app.multiselect(key="predictors:covariates").set_value(["limb"]).run()
    widget(app, "multiselect", "filter:column:limb:").set_value(["upper"]).run()  # now limb has one value
    app.switch_page("app_pages/export.py").run()
    assert not app.exception
    assert not any("Cox model" in shown(m.value) for m in app.main.markdown)  # (the glossary names it)
    assert any("left out" in shown(i.value) and "limb" in shown(i.value) for i in app.info)


def test_settings_outside_what_the_app_offers_are_reported(app):
    import ilp_core as core
    from ilp_core.reporting import reproducibility
    sample = core.load_cohort(SAMPLE)
    document = reproducibility.settings_document(
        source="Synthetic sample cohort", sheet="cohort", header_row=None, mapping=sample.mapping,
        date_order="auto", filters={}, age_range=None, compare_by=None, preset="R survival",
        conf_level=0.5, time_unit="fortnights", landmarks=[12, 24], data=sample.data)
    app.switch_page("app_pages/export.py").run()
    app.file_uploader(key="export:load").set_value(
        ("s.json", reproducibility.settings_json(document), "application/json")).run()
    app.button(key="export:apply").click().run()
    assert not app.exception
    warnings = [shown(w.value) for w in app.warning]
    assert any(w.startswith("Not applied: confidence level 0.5") for w in warnings)
    assert any(w.startswith('Not applied: time unit "fortnights"') for w in warnings)
    assert not any("every number will match" in shown(s.value) for s in app.success)
    assert app.selectbox(key="conf_level").value == 0.95 and app.selectbox(key="preset").value == "R survival"


def test_zip_is_built_on_request_and_rebuilt_when_the_selection_changes(app):
    app.switch_page("app_pages/export.py").run()
    keys = lambda: {d.key for d in app.get("download_button")}  # noqa: E731
    assert "export:zip" not in keys() and "export:settings" in keys()
    app.button(key="export:zip:build").click().run()
    assert not app.exception and "export:zip" in keys()
    widget(app, "multiselect", "filter:column:limb:").set_value(["upper"]).run()
    assert "export:zip" not in keys()  # the zip of 34 patients is not offered for 13


def test_the_zip_is_rebuilt_when_table_1_gains_p_values(app):
    widget(app, "selectbox", "compare:").set_value("sex").run()
    app.switch_page("app_pages/export.py").run()
    app.button(key="export:zip:build").click().run()
    assert "export:zip" in {d.key for d in app.get("download_button")}
    app.switch_page("app_pages/cohort.py").run()
    app.toggle(key="table1:tests").set_value(True).run()
    app.switch_page("app_pages/export.py").run()
    assert not app.exception
    assert "export:zip" not in {d.key for d in app.get("download_button")}  # its Table 1 had no p-values


def test_predictors_choices_survive_other_pages_and_clearing_them_removes_the_model(app):
    app.switch_page("app_pages/predictors.py").run()
    app.selectbox(key="predictors:outcome").set_value("amputation").run()
    app.multiselect(key="predictors:covariates").set_value(["age_years", "ilp_completed"]).run()
    app.switch_page("app_pages/export.py").run()
    assert any(shown(m.value).startswith("In the Fine-Gray model for amputation") for m in app.markdown)
    app.switch_page("app_pages/predictors.py").run()
    assert app.selectbox(key="predictors:outcome").value == "amputation"
    assert app.multiselect(key="predictors:covariates").value == ["age_years", "ilp_completed"]
    app.multiselect(key="predictors:covariates").set_value([]).run()
    app.switch_page("app_pages/export.py").run()
    assert not any("model for" in shown(m.value) for m in app.markdown)


def test_conventions_survive_an_upload_that_cannot_be_loaded_yet(app):
    app.selectbox(key="preset").set_value("SPSS").run()
    app.selectbox(key="conf_level").set_value(0.99).run()
    app.selectbox(key="time_unit").set_value("years").run()
    app.text_input(key="landmarks").set_value("6, 36").run()
    app.switch_page("app_pages/data.py").run()
    unusable = workbook([[h for h in ENGLISH if h != "Date last FU"], patient("P1")[:-1]])
    app.file_uploader(key="upload").set_value(("first.xlsx", unusable, XLSX)).run()
    assert app.error and "This workbook can't be analysed yet" in shown(app.sidebar.error[0].value)
    good = workbook([ENGLISH, patient("P1"), patient("P2", sex="M")])
    app.file_uploader(key="upload").set_value(("second.xlsx", good, XLSX)).run()
    assert selected(app) == "2 of 2"
    assert (app.selectbox(key="preset").value, app.selectbox(key="conf_level").value,
            app.selectbox(key="time_unit").value, app.text_input(key="landmarks").value) == \
        ("SPSS", 0.99, "years", "6, 36")


def test_a_saved_age_range_beyond_these_patients_is_clipped_or_reported(app):
    import ilp_core as core
    from ilp_core.reporting import reproducibility
    sample = core.load_cohort(SAMPLE)
    for age_range, expect in (([10, 200], None), ([100, 120], "age range 100-120 (these patients are 22-97")):
        document = reproducibility.settings_document(
            source="Synthetic sample cohort", sheet="cohort", header_row=None, mapping=sample.mapping,
            date_order="auto", filters={}, age_range=age_range, compare_by="limb", preset="R survival",
            conf_level=0.95, time_unit="months", landmarks=[12], data=sample.data)
        app.switch_page("app_pages/export.py").run()
        app.file_uploader(key="export:load").set_value(
            ("s.json", reproducibility.settings_json(document), "application/json")).run()
        app.button(key="export:apply").click().run()
        assert not app.exception, app.exception
        assert selected(app) == "34 of 34"
        warnings = [shown(w.value) for w in app.warning]
        assert (expect is None and not any(w.startswith("Not applied") for w in warnings)) or \
            any(w.startswith(f"Not applied: {expect}") for w in warnings)


def test_a_saved_model_these_data_cannot_hold_is_reported_not_applied(app):
    import ilp_core as core
    from ilp_core.reporting import reproducibility
    sample = core.load_cohort(SAMPLE)
    for model, said in (({"outcome": "overall_survival", "covariates": ["bmi", "age_years"], "reference": {}},
                         "Not applied: model: bmi (not in these data)"),
                        ({"outcome": "cure", "covariates": ["age_years"], "reference": {}},
                         "Not applied: model for outcome 'cure'")):
        document = reproducibility.settings_document(
            source="Synthetic sample cohort", sheet="cohort", header_row=None, mapping=sample.mapping,
            date_order="auto", filters={}, age_range=None, compare_by=None, preset="R survival", conf_level=0.95,
            time_unit="months", landmarks=[12], data=sample.data, model=model)
        app.switch_page("app_pages/export.py").run()
        app.file_uploader(key="export:load").set_value(
            ("s.json", reproducibility.settings_json(document), "application/json")).run()
        app.button(key="export:apply").click().run()
        assert not app.exception
        assert any(shown(w.value).startswith(said) for w in app.warning), [shown(w.value) for w in app.warning]
        assert not any("every number will match" in shown(s.value) for s in app.success)


def test_an_upload_is_read_and_loaded_once(app, monkeypatch):
    import ilp_core as core
    calls = {"read_table": 0, "cohort_from_table": 0, "sheet_names": 0}
    for name in calls:
        real = getattr(core, name)

        def counted(*args, _real=real, _name=name, **kwargs):
            calls[_name] += 1
            return _real(*args, **kwargs)
        monkeypatch.setattr(core, name, counted)
    app.switch_page("app_pages/data.py").run()
    calls.update(dict.fromkeys(calls, 0))  # the sample's
    rows = [ENGLISH] + [patient(f"P{i}") for i in range(5)]
    app.file_uploader(key="upload").set_value(("mine.xlsx", workbook(rows), XLSX)).run()
    for page in PAGES + ["app_pages/data.py"]:
        app.switch_page(page).run()
    assert not app.exception
    assert calls == {"read_table": 1, "cohort_from_table": 1, "sheet_names": 1}
    app.selectbox(key=next(k for k in (w.key for w in app.selectbox) if k.startswith("data:dates:"))) \
        .set_value("DMY").run()
    assert calls == {"read_table": 1, "cohort_from_table": 2, "sheet_names": 1}  # a new choice loads, never reads


def test_thousands_of_absent_filter_values_make_one_line(app):
    import ilp_core as core
    from ilp_core.reporting import reproducibility
    sample = core.load_cohort(SAMPLE)
    document = reproducibility.settings_document(
        source="Synthetic sample cohort", sheet="cohort", header_row=None, mapping=sample.mapping,
        date_order="auto", filters={"histology": [f"type {i}" for i in range(4_000)] + ["angiosarcoma"]},
        age_range=None, compare_by=None, preset="R survival", conf_level=0.95, time_unit="months",
        landmarks=[12, 24], data=sample.data)
    app.switch_page("app_pages/export.py").run()
    app.file_uploader(key="export:load").set_value(
        ("s.json", reproducibility.settings_json(document), "application/json")).run()
    app.button(key="export:apply").click().run()
    assert not app.exception
    lines = [shown(w.value) for w in app.warning if shown(w.value).startswith("Not applied")]
    assert lines == ["Not applied: histology = 'type 0', 'type 1', 'type 2', 'type 3', 'type 4' and 3,995 more "
                     "(not in these data)"]
    assert selected(app) == "2 of 34"  # the value that exists was applied


def test_other_sheets_holding_patients_are_named_on_the_data_page(app):
    data = workbook([ENGLISH, patient("P1"), patient("P2")], sheet="2019",
                    other_sheets={"2018": [ENGLISH, patient("P3")]})
    app.switch_page("app_pages/data.py").run()
    app.file_uploader(key="upload").set_value(("two years.xlsx", data, XLSX)).run()
    assert not app.exception
    [note] = [shown(i.value) for i in app.info if "also holds" in shown(i.value)]
    assert note.startswith("Sheet 2019 also holds a list of patients") and "only **2018** is analysed" in note


def test_a_sheet_that_cannot_be_loaded_is_not_replaced_by_the_one_before(app):
    data = workbook([ENGLISH, patient("P1"), patient("P2")], sheet="cohort", other_sheets={"Notes": [["read me"]]})
    app.switch_page("app_pages/data.py").run()
    app.file_uploader(key="upload").set_value(("two.xlsx", data, XLSX)).run()
    assert selected(app) == "2 of 2"
    app.selectbox(key=next(w.key for w in app.selectbox if w.key.startswith("data:sheet:"))).set_value("Notes").run()
    assert not app.exception and app.error
    app.switch_page("app_pages/survival.py").run()
    assert not app.exception
    assert any(shown(i.value).startswith("No cohort to analyse") for i in app.info)
    assert not app.get("vega_lite_chart")  # no figure of the sheet the user left


def test_a_refused_file_is_read_once(app, monkeypatch):
    import ilp_core as core
    calls = []
    real = core.read_table
    monkeypatch.setattr(core, "read_table", lambda *a, **k: calls.append(1) or real(*a, **k))
    app.switch_page("app_pages/data.py").run()
    app.file_uploader(key="upload").set_value(("scan.xlsx", b"%PDF-1.4 not a workbook", XLSX)).run()
    for page in PAGES + ["app_pages/data.py"]:
        app.switch_page(page).run()
    assert not app.exception and len(calls) == 1


def test_sheets_holding_patients_can_be_analysed_together_and_saved_so(app):
    import ilp_core as core
    from ilp_core.reporting import reproducibility
    data = workbook([ENGLISH, patient("P1"), patient("P2", vital="?")], sheet="2019",
                    other_sheets={"2018": [ENGLISH, patient("P3"), patient("P4")]})
    app.switch_page("app_pages/data.py").run()
    app.file_uploader(key="upload").set_value(("two years.xlsx", data, XLSX)).run()
    assert selected(app) == "2 of 2"  # sheet 2018 alone
    app.checkbox(key=next(w.key for w in app.checkbox if w.key.startswith("data:together:"))).check().run()
    assert not app.exception and selected(app) == "3 of 3"
    assert table(app, "Row (as in Excel)")["Row (as in Excel)"].tolist() == ["2019 row 3"]
    # the settings file says so, and applying it in a new session reads both sheets again
    both = core.cohort_from_table(core.read_sheets(data, ["2018", "2019"]))
    document = reproducibility.settings_document(
        source="two years.xlsx", sheet="2018", together=["2019"], header_row=None, mapping=both.mapping,
        date_order="auto", filters={}, age_range=None, compare_by=None, preset="R survival", conf_level=0.95,
        time_unit="months", landmarks=[12, 24], data=both.data)
    fresh = AppTest.from_file(APP, default_timeout=60).run()
    fresh.switch_page("app_pages/data.py").run()
    fresh.file_uploader(key="upload").set_value(("two years.xlsx", data, XLSX)).run()
    fresh.switch_page("app_pages/export.py").run()
    fresh.file_uploader(key="export:load").set_value(
        ("s.json", reproducibility.settings_json(document), "application/json")).run()
    fresh.button(key="export:apply").click().run()
    assert not fresh.exception and selected(fresh) == "3 of 3"
    assert any("same as when the settings were saved" in shown(s.value) for s in fresh.success)


def test_recoding_a_value_on_the_data_page_brings_its_patient_back_everywhere(app):
    import datetime as dt
    rows = [ENGLISH, patient("P1"), patient("P2", sex="M"),
            patient("P3", vital="Exitus x", death=dt.date(2020, 1, 1), last=dt.date(2020, 1, 1))]
    app.switch_page("app_pages/data.py").run()
    app.file_uploader(key="upload").set_value(("mine.xlsx", workbook(rows), XLSX)).run()
    assert selected(app) == "2 of 2" and any("Vital status (1 row)" in shown(w.value) for w in app.warning)
    widget(app, "selectbox", "recode:field:").set_value("vital_status").run()
    widget(app, "selectbox", "recode:value:").set_value("Exitus x").run()
    assert widget(app, "selectbox", "recode:as:").value is None  # not recognised: nothing chosen yet
    widget(app, "selectbox", "recode:as:").set_value("dead").run()
    assert not app.exception and selected(app) == "3 of 3"
    assert any("3 patients loaded, 0 rows excluded." in shown(s.value) for s in app.success)
    assert dict(zip(*table(app, "Value in the workbook")[["Value in the workbook", "Whose reading"]].T.values)) == {
        "alive": "the app's", "Exitus x": "your choice"}
    app.switch_page("app_pages/cohort.py").run()
    assert [m.value for m in app.metric][0] == "3" and dict((m.label, m.value) for m in app.metric)["Deaths"] == "1"
    app.switch_page("app_pages/data.py").run()
    app.button(key=next(b.key for b in app.button if str(b.key).startswith("recode:reset:"))).click().run()
    assert selected(app) == "2 of 2"


def test_a_reading_that_cannot_be_used_is_refused_on_the_page_and_nothing_loops(app):
    rows = [["Patient ID", "Sexo"] + ENGLISH[2:], patient("P1", sex="H"), patient("P2", sex="M"),
            patient("P3", sex="M")]
    app.switch_page("app_pages/data.py").run()
    app.file_uploader(key="upload").set_value(("sexo.xlsx", workbook(rows), XLSX)).run()
    widget(app, "selectbox", "recode:value:").set_value("H").run()
    widget(app, "selectbox", "recode:as:").set_value("(missing)").run()  # once looped: M flipped to male
    assert not app.exception and selected(app) == "3 of 3"
    widget(app, "selectbox", "recode:field:").set_value("histology").run()
    widget(app, "text_input", "recode:as:").set_value("x" * 600).run()
    assert not app.exception and any("That reading cannot be used" in shown(e.value) for e in app.error)
    assert selected(app) == "3 of 3"


def test_the_mapping_and_readings_survive_a_visit_to_another_page_and_undo_works(app):
    import datetime as dt
    rows = [["Code", "Sex"] + ENGLISH[2:], patient("P1"), patient("P2"),
            patient("P3", vital="Exitus x", death=dt.date(2020, 1, 1), last=dt.date(2020, 1, 1))]
    app.switch_page("app_pages/data.py").run()
    app.file_uploader(key="upload").set_value(("mine.xlsx", workbook(rows), XLSX)).run()
    code = widget(app, "selectbox", "map:patient_id:")
    code.set_value("Code").run()  # "Code" is guessed; choose it again by hand all the same
    widget(app, "selectbox", "data:dates:").set_value("DMY").run()
    widget(app, "selectbox", "recode:field:").set_value("vital_status").run()
    widget(app, "selectbox", "recode:value:").set_value("Exitus x").run()
    widget(app, "selectbox", "recode:as:").set_value("dead").run()
    assert selected(app) == "3 of 3"
    app.switch_page("app_pages/cohort.py").run()
    app.switch_page("app_pages/data.py").run()
    assert widget(app, "selectbox", "data:dates:").value == "DMY" and selected(app) == "3 of 3"
    assert widget(app, "selectbox", "recode:field:").value == "vital_status"
    app.button(key=next(b.key for b in app.button if str(b.key).startswith("recode:reset:"))).click().run()
    app.run()
    assert selected(app) == "2 of 2"
    widget(app, "selectbox", "recode:value:").set_value("Exitus x").run()
    assert widget(app, "selectbox", "recode:as:").value is None and selected(app) == "2 of 2"  # not re-applied


def test_undo_right_after_choosing_a_reading_reads_the_value_as_the_app_does(app):
    import datetime as dt
    rows = [ENGLISH, patient("P1"), patient("P2"),
            patient("P3", vital="Exitus x", death=dt.date(2020, 1, 1), last=dt.date(2020, 1, 1))]
    app.switch_page("app_pages/data.py").run()
    app.file_uploader(key="upload").set_value(("mine.xlsx", workbook(rows), XLSX)).run()
    widget(app, "selectbox", "recode:field:").set_value("vital_status").run()
    widget(app, "selectbox", "recode:value:").set_value("Exitus x").run()
    widget(app, "selectbox", "recode:as:").set_value("dead").run()
    assert selected(app) == "3 of 3"
    app.button(key=next(b.key for b in app.button if str(b.key).startswith("recode:reset:"))).click().run()
    assert selected(app) == "2 of 2" and widget(app, "selectbox", "recode:value:").value == "Exitus x"
    assert widget(app, "selectbox", "recode:as:").value is None  # the choice is not made again


def test_age_groups_of_the_users_own_cut_points_reach_the_figure_the_tables_and_the_settings(app):
    import ilp_core as core
    from ilp_core.reporting import reproducibility
    widget(app, "selectbox", "compare:").set_value("age group").run()
    app.text_input(key="age_cuts").set_value("40; 60").run()
    assert not app.exception
    app.switch_page("app_pages/amputation.py").run()
    assert strata_drawn(app) == {"<40", "40-59", "\u226560"}  # the figure's legend
    assert set(table(app, "Group").Group) == {"<40", "40-59", "\u226560"}  # the landmark table
    app.text_input(key="age_cuts").set_value("fifty").run()
    assert any("Age cut points" in shown(e.value) for e in app.sidebar.error)
    assert strata_drawn(app) == {"<50", "50-69", "\u226570"}  # the default meanwhile
    sample = core.load_cohort(SAMPLE)
    document = reproducibility.settings_document(
        source="Synthetic sample cohort", sheet="cohort", header_row=None, mapping=sample.mapping,
        date_order="auto", filters={}, age_range=None, compare_by="age group", preset="R survival",
        conf_level=0.95, time_unit="months", landmarks=[12, 24], data=sample.data, age_cuts=(30, 55))
    fresh = AppTest.from_file(APP, default_timeout=60).run()
    fresh.switch_page("app_pages/export.py").run()
    fresh.file_uploader(key="export:load").set_value(
        ("s.json", reproducibility.settings_json(document), "application/json")).run()
    fresh.button(key="export:apply").click().run()
    fresh.switch_page("app_pages/amputation.py").run()
    assert not fresh.exception and fresh.text_input(key="age_cuts").value == "30, 55"
    assert strata_drawn(fresh) == {"<30", "30-54", "\u226555"}


def test_the_first_screen_says_where_to_start_and_the_glossary_is_on_every_page(app):
    assert [t.value for t in app.title] == ["ILP outcomes"]
    assert [b.label for b in app.button] == ["Upload your workbook", "Explore the synthetic sample"]
    said = " ".join(shown(m.value) for m in app.markdown)
    for step in ("Upload", "Map", "Recode", "Analyse", "Export"):
        assert f"**{step}**" in said or step in said
    assert "Gray's test" in said and "Aalen-Johansen" in said and "within 30 days" in said
    assert "{" not in said  # no placeholder left unfilled
    app.button(key="start:sample").click().run()
    assert [t.value for t in app.title] == ["Cohort"]
    for page in PAGES:
        app.switch_page(page).run()
        glossary = next(e for e in app.sidebar.expander if "Glossary" in e.label)
        assert any("Fine-Gray model" in shown(m.value) for m in glossary.markdown), page
    app.switch_page("app_pages/start.py").run()
    app.button(key="start:upload").click().run()
    assert [t.value for t in app.title] == ["Data"]
