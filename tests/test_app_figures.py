"""Figure options on the pages, driven by AppTest: they change the figure, last the session across
pages, and come back from a settings file."""
import json
from pathlib import Path

import pyarrow
import pytest
from sample_path import SAMPLE
from streamlit.testing.v1 import AppTest
from test_app import widget

import ilp_core as core
from ilp_core.reporting import figures, reproducibility
from ilp_core.reporting.figure_options import FigureOptions

APP = str(Path(__file__).resolve().parents[1] / "app.py")


@pytest.fixture
def app():
    app = AppTest.from_file(APP, default_timeout=60).run()
    widget(app, "selectbox", "compare:").set_value("limb").run()
    return app


def chart(at) -> dict:
    return json.loads(at.get("vega_lite_chart")[0].proto.spec)


def datasets(at) -> list:
    """The first chart's data frames (Streamlit sends datasets as Arrow)."""
    return [pyarrow.ipc.open_stream(d.data.data).read_all().to_pandas() for d in at.get("vega_lite_chart")[0].proto.datasets]


def test_options_change_the_figure_and_last_across_pages(app):
    app.switch_page("app_pages/amputation.py").run()
    spec = chart(app)
    assert spec["vconcat"][0]["layer"][0]["encoding"]["x"]["scale"]["domain"][1] > 24
    app.toggle(key="amputation:p").set_value(True).run()
    app.number_input(key="amputation:end").set_value(24.0).run()
    app.number_input(key="amputation:every").set_value(6.0).run()
    app.toggle(key="amputation:black").set_value(True).run()
    assert not app.exception and not app.main.warning
    spec = chart(app)
    layers = spec["vconcat"][0]["layer"]
    assert layers[0]["encoding"]["x"]["scale"]["domain"] == [0, 24.0]
    notes = [text for frame in datasets(app) if "text" in frame for text in frame.text]
    assert len(notes) == 1 and notes[0].startswith("Gray's test, p = ")
    assert set(layers[1]["encoding"]["color"]["scale"]["range"]) == {"#000000"}
    app.switch_page("app_pages/cohort.py").run()
    app.switch_page("app_pages/amputation.py").run()
    assert app.toggle(key="amputation:p").value is True and app.number_input(key="amputation:end").value == 24.0
    assert chart(app)["vconcat"][0]["layer"][0]["encoding"]["x"]["scale"]["domain"] == [0, 24.0]


def test_a_tick_interval_too_fine_for_the_range_is_explained_and_the_figure_keeps_its_axis(app):
    app.switch_page("app_pages/survival.py").run()
    app.number_input(key="overall_survival:end").set_value(120.0).run()
    app.number_input(key="overall_survival:every").set_value(1.0).run()
    assert not app.exception
    assert any("more than 25 ticks" in w.value for w in app.main.warning)
    assert chart(app)["vconcat"][0]["layer"][0]["encoding"]["x"]["scale"]["domain"] == [0, 120.0]


def test_figure_options_come_back_from_a_settings_file(app):
    sample = core.load_cohort(SAMPLE)
    saved = FigureOptions(title="Limb loss", p_value=True, time_max=36.0, lines={"upper": "dotted"})
    document = reproducibility.settings_document(
        source="Synthetic sample cohort", sheet="cohort", header_row=None, mapping=sample.mapping,
        date_order="auto", filters={}, age_range=None, compare_by="limb", preset="R survival",
        conf_level=0.95, time_unit="months", landmarks=[12, 24], data=sample.data, figures={"amputation": saved})
    app.switch_page("app_pages/amputation.py").run()
    app.text_input(key="amputation:title").set_value("Something else").run()
    app.switch_page("app_pages/export.py").run()
    app.file_uploader(key="export:load").set_value(
        ("s.json", reproducibility.settings_json(document), "application/json")).run()
    app.button(key="export:apply").click().run()
    assert not app.exception, app.exception
    app.switch_page("app_pages/amputation.py").run()
    assert app.text_input(key="amputation:title").value == "Limb loss"
    assert app.toggle(key="amputation:p").value is True
    spec = chart(app)
    assert spec["title"]["text"] == "Limb loss"
    assert spec["vconcat"][0]["layer"][0]["encoding"]["x"]["scale"]["domain"] == [0, 36.0]
    dashes = spec["vconcat"][0]["layer"][1]["encoding"]["strokeDash"]["scale"]["range"]
    assert dashes[1] == [2, 3]  # upper: dotted


def test_a_figure_is_built_once_per_session_and_selection(monkeypatch):
    built = []
    real = figures.endpoint_figure
    monkeypatch.setattr(figures, "endpoint_figure", lambda *a, **k: built.append(1) or real(*a, **k))
    at = AppTest.from_file(APP, default_timeout=60).run()
    at.switch_page("app_pages/amputation.py").run()
    first = chart(at)
    at.run()
    at.run()
    assert len(built) == 1 and chart(at) == first  # reruns that change nothing draw the figure kept
    at.selectbox(key="time_unit").set_value("years").run()
    assert len(built) == 2 and chart(at) != first
    at.selectbox(key="time_unit").set_value("months").run()
    assert len(built) == 2 and chart(at) == first  # back to a selection this session has drawn
    other = AppTest.from_file(APP, default_timeout=60).run()
    other.switch_page("app_pages/amputation.py").run()
    assert len(built) == 3  # another session builds its own: nothing is shared between sessions


def time_axis_then_unit(app, end: float, every: float, unit: str) -> None:
    """On Amputation, the time axis ending at ``end`` with a tick every ``every``; then the time unit
    changed to ``unit``."""
    app.switch_page("app_pages/amputation.py").run()
    app.number_input(key="amputation:end").set_value(end).run()
    app.number_input(key="amputation:every").set_value(every).run()
    app.selectbox(key="time_unit").set_value(unit).run()


def test_the_time_axis_options_follow_a_change_of_time_unit(app):
    time_axis_then_unit(app, 60.0, 6.0, "years")
    assert not app.exception
    assert app.number_input(key="amputation:end").value == 5.0
    assert app.number_input(key="amputation:every").value == 0.5
    assert chart(app)["vconcat"][0]["layer"][0]["encoding"]["x"]["scale"]["domain"][1] == 5.0
    app.switch_page("app_pages/export.py").run()  # the kept options (what the zip uses) follow too
    assert not app.exception
    assert app.session_state["figure_options"]["amputation"].time_max == 5.0


def test_a_tick_interval_the_new_unit_cannot_write_evenly_becomes_automatic(app):
    # 1 month is 4.348 weeks: kept, its ticks read 4.348214, 8.696428, ... (the axis's end still follows)
    time_axis_then_unit(app, 24.0, 1.0, "weeks")
    assert not app.exception
    assert app.number_input(key="amputation:every").value is None
    assert app.number_input(key="amputation:end").value == pytest.approx(24 * 30.4375 / 7, abs=1e-6)
    ticks = chart(app)["vconcat"][0]["layer"][0]["encoding"]["x"]["axis"]["values"]
    assert all(float(t).is_integer() for t in ticks), ticks
    app.switch_page("app_pages/export.py").run()
    assert app.session_state["figure_options"]["amputation"].tick_every is None


def test_the_screen_shows_the_figure_the_downloads_draw(app):
    app.switch_page("app_pages/amputation.py").run()
    assert chart(app)["usermeta"]["fitted"] is True  # fitted to its stated size, as every download is


def test_the_forest_plot_is_built_once_per_model(app, monkeypatch):
    from ilp_core.reporting import forest
    built = []
    real = forest.forest_plot
    monkeypatch.setattr(forest, "forest_plot", lambda *a, **k: built.append(1) or real(*a, **k))
    app.switch_page("app_pages/predictors.py").run()
    app.multiselect(key="predictors:covariates").set_value(["age_years"]).run()
    app.run()
    assert not app.exception and len(built) == 1  # a rerun draws the plot kept, not refitted to its size
    app.multiselect(key="predictors:covariates").set_value(["age_years", "limb"]).run()
    assert len(built) == 2 and "Limb" in json.dumps(chart(app))


def test_a_new_figure_like_the_last_one_is_fitted_in_one_render(monkeypatch):
    from ilp_core.reporting import export
    renders = []
    real = export.vl_convert.vegalite_to_svg
    monkeypatch.setattr(export.vl_convert, "vegalite_to_svg", lambda spec: renders.append(1) or real(spec))
    at = AppTest.from_file(APP, default_timeout=60).run()
    at.switch_page("app_pages/export.py").run()
    assert len(renders) >= 2  # the session's first three-panel figure: measured, then resized
    renders.clear()
    limb = next(w for w in at.multiselect if w.key.startswith("filter:column:limb:"))
    limb.set_value(["upper", "lower"]).run()  # everyone still: a new selection, the same layout
    assert not at.exception and len(renders) == 1 and chart(at)["usermeta"]["fitted"] is True
    # the upper limbs: the risk tables' last numbers are narrower ("0 (4)" for "0 (14)"), the same correction
    steps = [("limb", ["upper"], 1), ("compare", "limb", 2), ("limb", ["lower"], 1), ("compare", None, 1)]
    for what, value, expected in steps:
        renders.clear()
        if what == "limb":
            next(w for w in at.multiselect if w.key.startswith("filter:column:limb:")).set_value(value).run()
        else:  # a new layout (legend, risk-table rows), then back to one learnt before
            widget(at, "selectbox", "compare:").set_value(value).run()
        assert not at.exception and len(renders) == expected, (what, value, len(renders))
    other = AppTest.from_file(APP, default_timeout=60).run()
    renders.clear()
    other.switch_page("app_pages/export.py").run()
    assert len(renders) >= 2  # another session learns its own


def test_a_figure_drawn_larger_than_chosen_says_so_under_it(app, monkeypatch):
    from ilp_core.reporting import export
    monkeypatch.setattr(export.FigureFile, "size", property(lambda self: (7.5, self.stated_size[1])))
    app.switch_page("app_pages/amputation.py").run()
    captions = " ".join(c.value for c in app.caption)
    assert not app.exception and "7.50 x" in captions and "drawn larger" in captions and "10.00 x" in captions
