"""Figure and table bytes: formats, physical size, and no formulas in exported cells."""
import io
import re

import numpy as np
import pandas as pd
import pytest
from sample_path import SAMPLE

import ilp_core as core
from ilp_core.conventions import Settings
from ilp_core.reporting import charts, export, figures
from ilp_core.reporting.figure_options import FigureOptions
from ilp_core.results import analysis, selection, summaries


@pytest.fixture(scope="module")
def figure():
    data = core.load_cohort(SAMPLE).data
    curves = summaries.curves(data, "overall_survival", selection.strata(data, "limb"), Settings())
    ticks = summaries.time_ticks(max(c.table.time.max() for c in curves.values()), "months")
    return charts.curve_figure(curves, summaries.risk_table(curves, ticks), incidence=False, title="Overall survival",
                               x_title="Months", y_title="Survival", ticks=ticks, size="slide")


def test_png_is_300_dpi_at_the_stated_size(figure):
    png = export.figure_bytes(figure, "png")
    width, height = export.png_size(png)
    assert abs(width / 300 - 10.0) < 0.5 and abs(height / 300 - 5.6) < 0.4  # the 10 x 5.6 in slide size
    chunk = png.index(b"pHYs")
    assert int.from_bytes(png[chunk + 4:chunk + 8], "big") == 11811  # 300 dots per inch in dots per metre


def test_pdf_and_svg_are_vector_at_the_same_size(figure):
    pdf = export.figure_bytes(figure, "pdf")
    png_width, png_height = export.png_size(export.figure_bytes(figure, "png"))
    width, height = export.pdf_size(pdf)
    assert pdf[:5] == b"%PDF-" and abs(width - png_width / 300) < 0.02 and abs(height - png_height / 300) < 0.02
    svg = export.figure_bytes(figure, "svg").decode()
    assert svg.startswith("<svg") and "Overall survival" in svg and "Number at risk" in svg
    with pytest.raises(ValueError, match="fmt must be one of 'png', 'svg', 'pdf'; got 'jpg'"):
        export.figure_bytes(figure, "jpg")


def test_a_figure_fitted_from_a_like_figure_s_correction_takes_one_render_and_any_guess_gives_the_same_figure(
        figure, monkeypatch):
    first = export.FigureFile(figure)
    svg = first.svg()
    renders = []
    drawn = export.vl_convert.vegalite_to_svg
    monkeypatch.setattr(export.vl_convert, "vegalite_to_svg", lambda spec: renders.append(1) or drawn(spec))
    again = export.FigureFile(figure, first_guess=first.correction)
    assert again.fitted_spec() == first.fitted_spec() and len(renders) == 1 and again.correction == first.correction
    for guess in [(-300, 200), (500, -100.0), (first.correction[0] + 7, first.correction[1] - 3), (-5000, -5000)]:
        renders.clear()
        fitted = export.FigureFile(figure, first_guess=guess)
        assert fitted.svg() == svg and fitted.correction == first.correction, guess  # whatever the guess
        assert len(renders) <= 4 and fitted.size == first.size == first.stated_size, guess


@pytest.mark.parametrize("size", ["slide", "journal"])
def test_another_selection_is_fitted_by_the_same_correction(size):
    # The risk table's last column reaches past the plot by half its width: "0 (4)" for the upper limbs,
    # "0 (14)" for the lower. Room is kept for the widest such number, so a figure of another selection
    # takes the last one's correction and is fitted in one render.
    data = core.load_cohort(SAMPLE).data
    corrections, last_labels = {}, set()
    for limb in ("upper", "lower"):
        rows = data[data.limb == limb]
        result = analysis.analyse(rows, None, Settings(), [12, 24], n_loaded=34, n_rows=len(rows))
        options = FigureOptions(size=size)
        made = {"survival": figures.endpoint_figure(result.curves["overall_survival"], "overall_survival",
                                                    time_unit="months", options=options),
                "panels": figures.three_panels(result, options=options)}
        risk = made["survival"]["vconcat"][1]["layer"][0]
        numbers = made["survival"]["datasets"][risk["data"]["name"]]
        last_labels.add(max(numbers, key=lambda row: row["time"])["label"])
        for name, figure in made.items():
            drawn = export.FigureFile(figure)
            corrections.setdefault(name, set()).add(drawn.correction)
            # the room is kept by a transparent shape: no hidden text to select, copy or read aloud
            assert not re.search(r"<text[^>]*opacity=\"0\"", drawn.svg()) and "00 (00)" not in drawn.svg()
    assert last_labels == {"0 (4)", "0 (14)"}
    assert all(len(found) == 1 for found in corrections.values()), corrections


@pytest.mark.parametrize("size", ["slide", "journal"])
def test_nine_patients_or_ten_take_the_same_correction(size):
    # the room after the last column had as many digits as the largest number: a filter that took a group
    # from 9 patients to 10 changed the layout, and the figure took a second render to fit
    corrections = set()
    for n in (9, 10):
        time = np.linspace(2.0, 40.0, n)
        curves = {"all": core.kaplan_meier(time, np.arange(n) % 2)}
        spec = figures.endpoint_figure(curves, "overall_survival", time_unit="months",
                                       options=FigureOptions(size=size, time_max=48, tick_every=12))
        corrections.add(export.FigureFile(spec).correction)
    assert len(corrections) == 1, corrections


def test_the_room_after_the_last_column_is_kept_at_its_tick_not_at_the_axis_end():
    # an axis ending at 40 with ticks every 12: the last column is at 36, and the room follows it (at 40 it
    # left 120 px of white at the figure's right)
    import ilp_core as core
    curves = {"a": core.kaplan_meier([5.0, 30.0, 45.0], [1, 0, 1])}
    options = FigureOptions(time_max=40, tick_every=12)
    spec = figures.endpoint_figure(curves, "overall_survival", time_unit="months", options=options)
    room = spec["vconcat"][1]["layer"][2]
    assert room["mark"]["type"] == "rect" and room["encoding"]["x2"]["datum"] == 36.0
    assert room["encoding"]["x"]["scale"]["domain"] == [0, 40.0]

@pytest.mark.parametrize("guess", [(float("nan"), 0), (0.0, float("inf")), (1e300, 1), ("1", "2"), (True, 1), (1,),
                                   (1, 2, 3), 5, (10 ** 400, 0), b"12", {1: "a", 2: "b"}, range(2)])
def test_a_guess_that_is_not_two_finite_numbers_is_refused_by_name(figure, guess):
    with pytest.raises(ValueError, match="first_guess must be"):
        export.FigureFile(figure, first_guess=guess)


def test_a_figure_too_big_for_its_stated_size_states_the_size_it_has():
    # a title wider than the stated width: the plot shrinks to its smallest, and the figure says how wide it is
    spec = {"title": "W" * 120, "mark": "point", "name": "plot0", "width": 200, "height": 100,
            "data": {"values": [{"x": 1, "y": 2}]}, "usermeta": {"size": [300, 160]},
            "encoding": {"x": {"field": "x", "type": "quantitative"}, "y": {"field": "y", "type": "quantitative"}}}
    figure = export.FigureFile(spec)
    width, height = export._svg_size(figure.svg())
    assert width > 300 and figure.size == (width / 96, height / 96) and figure.stated_size == (300 / 96, 160 / 96)
    assert figure.fitted_spec()["width"] == 40  # the plot at its smallest
    png_width, png_height = export.png_size(figure.bytes("png"))
    assert abs(png_width - width / 96 * 300) <= 1 and abs(png_height - height / 96 * 300) <= 1


def test_every_figure_is_valid_vega_lite():
    # the figures are written as plain dicts, checked nowhere else against Vega-Lite's schema (Altair's copy)
    import altair as alt
    from altair.utils.schemapi import validate_jsonschema
    from altair.vegalite.v6.schema.core import load_schema
    from jsonschema import ValidationError

    from ilp_core.reporting import vega_lite
    schema = load_schema()
    assert vega_lite.SCHEMA_URL == alt.SCHEMA_URL  # the version the schema below is
    broken = figures.flow_diagram.flow_chart(pd.DataFrame({"step": ["loaded"], "label": ["Loaded"], "n": [3],
                                                           "detail": [""], "side": [False]}))
    broken["layer"][0]["mark"]["strokeWidht"] = 2  # a misspelt property: the check must catch it
    with pytest.raises(ValidationError):
        validate_jsonschema(broken, schema)
    data = core.load_cohort(SAMPLE).data
    for by in (None, "limb", "histology"):
        result = analysis.analyse(data, selection.strata(data, by) if by else None, Settings(), [12, 24],
                                  n_loaded=34, n_rows=34, compare_by=by)
        for size, risk_table in [("slide", True), ("journal", False)]:
            options = FigureOptions(size=size, risk_table=risk_table, font_scale=1.4)
            every = {**figures.figures(result, size=size),
                     **figures.figures(result, options=dict.fromkeys(figures.figure_keys(), options), titled=False)}
            for name, spec in every.items():
                validate_jsonschema(spec, schema)  # raises on a spec that Vega-Lite's schema refuses


def test_csv_neutralises_formulas_and_keeps_numbers():
    frame = pd.DataFrame({"patient_id": ["=HYPERLINK(\"x\")", "+1", "P3"], "estimate": [-0.5, 0.1, 0.2],
                          "@note": ["-cmd", "ok", None]})
    text = export.csv_bytes(frame).decode("utf-8-sig")
    back = pd.read_csv(io.StringIO(text))
    assert back.patient_id.tolist() == ["'=HYPERLINK(\"x\")", "'+1", "P3"]
    assert back.estimate.tolist() == [-0.5, 0.1, 0.2] and back.columns[-1] == "'@note"
    assert back["'@note"].tolist()[0] == "'-cmd"


def test_csv_neutralises_formulas_after_either_list_separator():
    # Excel splits CSV lines at ';' in German, French, Dutch, Italian, Spanish and Portuguese locales
    frame = pd.DataFrame({"note": ["ok;=cmd|' /C calc'!A0", "a, @SUM(1)", "x;  +1", "well; fine", "1-2"]})
    text = export.csv_bytes(frame).decode("utf-8-sig")
    back = pd.read_csv(io.StringIO(text)).note.tolist()
    assert back == ["ok;'=cmd|' /C calc'!A0", "a, '@SUM(1)", "x;  '+1", "well; fine", "1-2"]
    for line in text.splitlines()[1:]:
        for separator in ",;":
            assert not any(cell.strip(' "')[:1] in "=+-@" and cell.strip(' "') for cell in line.split(separator))


def test_risk_table_is_aligned_data_under_the_plot(figure):
    plot, table = figure["vconcat"]
    numbers, names, _ = table["layer"]  # the numbers, the groups' names beside them, the room at the end
    assert figure["resolve"]["scale"]["x"] == "shared"
    assert numbers["encoding"]["y"]["axis"]["minExtent"] == plot["layer"][1]["encoding"]["y"]["axis"]["minExtent"]
    rows = figure["datasets"][numbers["data"]["name"]]
    labels = figure["datasets"][names["data"]["name"]]
    assert {row["stratum"]: row["y"] for row in rows} == {label["name"]: label["y"] for label in labels}  # each on its row


def test_the_band_reaches_the_step_where_a_curve_falls_to_zero():
    # At S = 0 the interval is undefined; the band of the step before it must still be drawn to its end
    # (it vanished from 31 to 62 months on the sample's lower-limb curve).
    import ilp_core as core
    from ilp_core.reporting import charts
    points = charts.curve_points({"a": core.kaplan_meier([1, 2, 3, 4], [1, 0, 1, 1])}, incidence=False)
    last = points[points.time == 4.0]
    assert len(last) == 2 and last.ci_lower.notna().iloc[0] and last.ci_lower.isna().iloc[1]
    assert last.estimate.tolist() == [0.375, 0.0]


@pytest.mark.parametrize("groups", [1, 2, 5, 10])
def test_each_group_has_its_colour_and_line_style_and_bands_are_off_beyond_three(groups):
    import ilp_core as core
    from ilp_core.reporting import charts, figures
    from ilp_core.reporting.figure_options import FigureOptions
    from ilp_core.results import summaries
    curves = {f"group {i}": core.kaplan_meier([1.0 + i, 2.0, 3.0, 4.0], [1, 0, 1, 1]) for i in range(groups)}
    ticks = figures.figure_ticks(curves, "months", FigureOptions())
    spec = charts.curve_figure(curves, summaries.risk_table(curves, ticks), incidence=False, title="t", x_title="x",
                               y_title="y", ticks=ticks)
    layers = spec["vconcat"][0]["layer"]
    line = next(layer for layer in layers if layer["mark"]["type"] == "line")
    colours = line["encoding"]["color"]["scale"]["range"]
    dashes = line["encoding"]["strokeDash"]["scale"]["range"]
    assert len(set(colours)) == len(colours) == groups and "#F0E442" not in colours  # no yellow
    assert len(set(map(tuple, dashes))) == groups
    has_bands = any(layer["mark"]["type"] == "area" for layer in layers)
    assert has_bands == (groups <= 3)


def test_plots_stacked_or_alone_at_the_top_are_fitted_and_odd_sizes_are_refused_by_name():
    def view(name):
        return {"name": name, "width": 200, "height": 100, "mark": "point", "data": {"values": [{"x": 1, "y": 1}]},
                "encoding": {"x": {"field": "x", "type": "quantitative"}, "y": {"field": "y", "type": "quantitative"}}}
    alone = export.FigureFile({**view("plot0"), "usermeta": {"size": [400, 300]}})
    stacked = export.FigureFile({"vconcat": [view("plot0"), view("plot1")], "usermeta": {"size": [400, 500]}})
    beside = export.FigureFile({"hconcat": [view("plot0"), view("sidebar")], "usermeta": {"size": [600, 300]}})
    for figure, size in [(alone, (400, 300)), (stacked, (400, 500)), (beside, (600, 300))]:
        assert export._svg_size(figure.svg()) == size
    for size in [["400", "300"], None, [0, 0], [400]]:
        with pytest.raises(ValueError, match="usermeta.size must be"):
            export.FigureFile({**view("plot0"), "usermeta": {"size": size}}).svg()


def test_a_figure_without_a_stated_size_has_the_size_it_is_drawn_at():
    # the patient flow states no size: its caption and downloads give the size it is drawn at
    from ilp_core.reporting import flow_diagram
    steps = pd.DataFrame({"step": ["workbook", "outcome"], "label": ["Rows", "All patients"], "n": [3, 3],
                          "detail": ["", ""], "side": [False, False]})
    figure = export.FigureFile(flow_diagram.flow_chart(steps))
    assert figure.stated_size is None
    width, height = export.png_size(figure.bytes("png"))
    assert figure.size == pytest.approx((width / 300, height / 300), abs=1 / 300)
