"""The sidebar's "Own groupings" driven by AppTest: a number cut at typed values, levels renamed,
merged and ordered, reaching the filters, "Compare by", the figures, Table 1, the models and the
settings file."""
from pathlib import Path

import pytest
from sample_path import SAMPLE
from streamlit.testing.v1 import AppTest
from test_app import selected, shown, strata_drawn, table, widget

import ilp_core as core
from ilp_core.reporting import reproducibility

APP = str(Path(__file__).resolve().parents[1] / "app.py")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
SIZE_GROUPS = "Tumour size (cm), grouped"


@pytest.fixture
def app():
    return AppTest.from_file(APP, default_timeout=60).run()


def name_box(app, level: str):
    return next(w for w in app.sidebar.text_input if w.key and w.key.startswith(f"grouping:name:limb:{level}:"))


def test_tumour_size_cut_at_10_cm_is_compared_described_and_modelled(app):
    widget(app, "text_input", "grouping:cut:tumor_size_cm:").set_value("10").run()
    assert not app.exception
    compare = widget(app, "selectbox", "compare:")
    assert SIZE_GROUPS in compare.options
    compare.set_value(SIZE_GROUPS).run()
    app.switch_page("app_pages/amputation.py").run()
    assert not app.exception
    assert strata_drawn(app) == {"<10 cm", "\u226510 cm"}
    assert set(table(app, "Group").Group) == {"<10 cm", "\u226510 cm"}
    app.switch_page("app_pages/cohort.py").run()
    characteristics = table(app, "Characteristic").Characteristic.str.strip().tolist()
    assert characteristics[characteristics.index("Tumour size (cm)") + 3] == SIZE_GROUPS  # after mean, median
    app.switch_page("app_pages/predictors.py").run()
    covariates = widget(app, "multiselect", "predictors:covariates")
    assert SIZE_GROUPS in covariates.options
    covariates.set_value([SIZE_GROUPS]).run()
    assert not app.exception
    assert f"{SIZE_GROUPS}: \u226510 cm vs <10 cm" in set(table(app, "Term").Term)


def test_a_cut_that_is_not_a_number_is_explained_and_groups_nothing(app):
    widget(app, "text_input", "grouping:cut:tumor_size_cm:").set_value("ten").run()
    assert any("'ten' is not a number" in shown(e.value) for e in app.sidebar.error)
    assert SIZE_GROUPS not in widget(app, "selectbox", "compare:").options


def test_levels_renamed_merged_and_ordered_reach_filters_legends_and_survive_pages(app):
    widget(app, "selectbox", "grouping:column:").set_value("limb").run()
    name_box(app, "lower").set_value("Lower limb").run()
    name_box(app, "upper").set_value("Upper limb").run()
    widget(app, "multiselect", "grouping:order:limb").set_value(["Upper limb", "Lower limb"]).run()
    assert not app.exception
    widget(app, "selectbox", "compare:").set_value("limb").run()
    app.switch_page("app_pages/amputation.py").run()
    assert strata_drawn(app) == {"Upper limb", "Lower limb"}
    assert table(app, "Group").Group.drop_duplicates().tolist() == ["Upper limb", "Lower limb"]  # the user's order
    limb_filter = widget(app, "multiselect", "filter:column:limb:")
    assert limb_filter.options == ["Upper limb", "Lower limb"]
    limb_filter.set_value(["Upper limb"]).run()
    assert selected(app) == "13 of 34"
    # the filter and the order follow a new name
    name_box(app, "upper").set_value("Arm").run()
    assert not app.exception and selected(app) == "13 of 34"
    assert widget(app, "multiselect", "filter:column:limb:").value == ["Arm"]
    assert widget(app, "multiselect", "grouping:order:limb").value == ["Arm", "Lower limb"]
    # merged: both levels one group, which the filter keeps
    name_box(app, "lower").set_value("Arm").run()
    assert not app.exception and widget(app, "multiselect", "filter:column:limb:").options == ["Arm"]
    assert selected(app) == "34 of 34"
    app.switch_page("app_pages/survival.py").run()
    assert not app.exception and strata_drawn(app) == {"Arm"}
    app.button(key=next(b.key for b in app.sidebar.button if b.key.startswith("grouping:undo:limb"))).click().run()
    assert widget(app, "multiselect", "filter:column:limb:").options == ["lower", "upper"]


def test_a_grouping_chosen_for_another_column_stays(app):
    widget(app, "selectbox", "grouping:column:").set_value("limb").run()
    name_box(app, "lower").set_value("Leg").run()
    widget(app, "selectbox", "grouping:column:").set_value("sex").run()
    app.switch_page("app_pages/cohort.py").run()
    assert "Leg" in widget(app, "multiselect", "filter:column:limb:").options


def test_groupings_saved_in_the_settings_file_are_restored_in_a_new_session():
    sample = core.load_cohort(SAMPLE)
    saved = {"cuts": {"tumor_size_cm": [10]}, "names": {"limb": {"lower": "Leg", "upper": "Arm"}},
             "order": {"limb": ["Leg"]}}
    document = reproducibility.settings_document(
        source="Synthetic sample cohort", sheet="cohort", header_row=None, mapping=sample.mapping,
        date_order="auto", filters={"limb": ["Leg"]}, age_range=None, compare_by=SIZE_GROUPS, preset="R survival",
        conf_level=0.95, time_unit="months", landmarks=[12, 24], data=sample.data, groupings=saved)
    fresh = AppTest.from_file(APP, default_timeout=60).run()
    fresh.switch_page("app_pages/export.py").run()
    fresh.file_uploader(key="export:load").set_value(
        ("s.json", reproducibility.settings_json(document), "application/json")).run()
    fresh.button(key="export:apply").click().run()
    assert not fresh.exception
    fresh.switch_page("app_pages/amputation.py").run()
    assert not fresh.exception
    assert selected(fresh) == "21 of 34"  # the filter on the renamed level
    assert strata_drawn(fresh) == {"<10 cm", "\u226510 cm"}
    assert widget(fresh, "text_input", "grouping:cut:tumor_size_cm:").value == "10"


def test_the_export_text_follows_a_rename_made_after_it_was_computed(app):
    widget(app, "selectbox", "compare:").set_value("limb").run()
    app.switch_page("app_pages/export.py").run()
    text = " ".join(m.value for m in app.markdown)
    assert "lower" in text and "Leg" not in text
    widget(app, "selectbox", "grouping:column:").set_value("limb").run()
    name_box(app, "lower").set_value("Leg").run()
    assert not app.exception
    text = " ".join(m.value for m in app.markdown)
    assert "Leg" in text  # the report was not kept from before the rename


def test_a_workbook_the_app_cannot_map_is_loaded_by_a_settings_file_on_the_data_page(app):
    from workbooks import ENGLISH, patient, workbook
    headers = ["Ref" if h == "Patient ID" else h for h in ENGLISH]  # a code column no guess finds
    rows = [headers] + [patient(f"P{i}", sex="F" if i % 2 else "M") for i in range(1, 7)]
    data = workbook(rows)
    mapping = core.suggest_mapping(headers) | {"patient_id": "Ref"}
    mapping = {field: header for field, header in mapping.items() if header}
    cohort = core.load_cohort(data, mapping=mapping)
    document = reproducibility.settings_document(
        source="unit.xlsx", sheet="cohort", header_row=None, mapping=mapping, date_order="auto",
        filters={"sex": ["F"]}, age_range=None, compare_by=None, preset="R survival", conf_level=0.95,
        time_unit="months", landmarks=[12, 24], data=cohort.data)
    app.switch_page("app_pages/data.py").run()
    app.file_uploader(key="upload").set_value(("unit.xlsx", data, XLSX)).run()
    assert any("can't be analysed yet" in e.value for e in app.sidebar.error)
    app.file_uploader(key="data:load").set_value(
        ("s.json", reproducibility.settings_json(document), "application/json")).run()
    app.button(key="data:apply").click().run()
    assert not app.exception and not app.sidebar.error
    assert selected(app) == "3 of 6"
    assert any("same as when the settings were saved" in shown(s.value) for s in app.success)
    app.switch_page("app_pages/cohort.py").run()
    assert not app.exception and selected(app) == "3 of 6"


def test_opening_the_names_of_long_levels_changes_nothing(app):
    from workbooks import ENGLISH, patient, workbook
    long = "Undifferentiated pleomorphic sarcoma, high grade, deep, with giant cells (type "
    rows = [ENGLISH] + [patient(f"P{i}", histology=long + "AB"[i % 2] + ")") for i in range(6)]
    app.switch_page("app_pages/data.py").run()
    app.file_uploader(key="upload").set_value(("long.xlsx", workbook(rows), XLSX)).run()
    widget(app, "multiselect", "filter:column:histology:").set_value([long + "A)"]).run()
    assert selected(app) == "3 of 6"
    widget(app, "selectbox", "grouping:column:").set_value("histology").run()
    assert not app.exception and selected(app) == "3 of 6"
    assert len(widget(app, "multiselect", "filter:column:histology:").options) == 2
