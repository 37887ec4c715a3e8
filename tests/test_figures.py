"""Figures for 1 to 10 groups: every name in full, downloads exactly the size they state, and the
options a Prism user expects (time axis, scale, fonts, colours and lines, legend, risk table,
censor marks, bands, p-value), saved in the settings file."""
import dataclasses
import json
import re

import numpy as np
import pandas as pd
import pytest
from sample_path import SAMPLE

import ilp_core as core
from ilp_core.conventions import Settings
from ilp_core.reporting import charts, export, figures, flow_diagram, forest, layout, reproducibility
from ilp_core.reporting.figure_options import LINE_STYLES, FigureOptions
from ilp_core.results import analysis, flow, selection, summaries

LONG_NAMES = ["Undifferentiated pleomorphic sarcoma", "Leiomyosarcoma", "Liposarcoma, myxoid", "Synovial sarcoma",
              "Malignant peripheral nerve sheath tumour", "Angiosarcoma", "Myxofibrosarcoma", "Other",
              "Kaposi sarcoma", "Clear cell sarcoma of soft tissue, also called malignant melanoma of soft parts"]


def toy_curves(groups: int) -> dict:
    return {LONG_NAMES[i]: core.kaplan_meier([1.0 + i, 2.0, 3.0, 4.0, 30.0, 40.0], [1, 0, 1, 1, 0, 1])
            for i in range(groups)}


def figure_of(groups: int, size: str = "slide", **options):
    curves = toy_curves(groups)
    return figures.endpoint_figure(curves, "overall_survival", time_unit="months",
                                   options=FigureOptions(size=size, **options))


def sample_compared_by(column: str, label: str):
    """The bundled sample's analysis, its groups by ``column`` (shown as ``label``)."""
    data = core.load_cohort(SAMPLE).data
    return analysis.analyse(data, selection.strata(data, column), Settings(), [12, 24], n_loaded=34, n_rows=34,
                            compare_by=label)


def drawn_legend_height(svg: str) -> float:
    """The height Vega gave the figure's legend (its background box), in px."""
    return float(re.search(r'd="M0,0h[\d.]+v([\d.]+)h', svg[svg.index('role-legend"'):]).group(1))


def svg_text(svg: str) -> str:
    """Every text drawn in the SVG, lines of one label joined by a space."""
    pieces = re.findall(r"<text[^>]*>(.*?)</text>", svg, flags=re.S)
    text = " ".join(re.sub(r"<[^>]+>", " ", p) for p in pieces).replace("&amp;", "&")
    return text.replace("\u200b", "")  # the invisible lines that centre a name on its risk-table row


@pytest.mark.parametrize("size", ["slide", "journal"])
@pytest.mark.parametrize("groups", [1, 2, 5, 10])
def test_downloads_are_exactly_the_size_they_state_with_every_name_in_full(groups, size):
    figure = figure_of(groups, size)
    width, height = export.FigureFile(figure).size
    spec = export.fitted(figure)
    png = export.figure_bytes(spec, "png")
    assert export.png_size(png) == (round(width * 300), int(height * 300))  # 1687.5 px is drawn as 1687
    pdf_width, pdf_height = export.pdf_size(export.figure_bytes(spec, "pdf"))
    assert abs(pdf_width - width) < 0.01 and abs(pdf_height - height) < 0.01
    svg = export.figure_bytes(spec, "svg").decode()
    assert re.search(r'width="([\d.]+)"', svg).group(1) == f"{width * 96:g}"
    drawn = " ".join(svg_text(svg).split())
    for name in LONG_NAMES[:groups]:
        assert drawn.count(name) >= (2 if groups > 1 else 1), name  # legend and risk table, never cut
    assert "\u2026" not in drawn  # no ellipsis anywhere
    if size == "slide":
        assert height <= 10  # the figure grows for many groups, but stays a figure


def test_a_slide_keeps_its_16_9_size_up_to_five_groups_and_lays_the_legend_out_in_columns():
    assert export.FigureFile(figure_of(2)).size == (10.0, 5.625)
    assert export.FigureFile(figure_of(5)).size == pytest.approx((10.0, 5.625), abs=0.2)
    legend = figure_of(10)["vconcat"][0]["layer"][0]["encoding"]["color"]["legend"]
    assert legend["columns"] >= 2 and legend["labelLimit"] == 0  # never truncated


def test_time_axis_range_and_ticks_set_the_risk_table_too():
    curves = toy_curves(2)
    options = FigureOptions(time_max=24, tick_every=6)
    assert figures.figure_ticks(curves, "months", options).tolist() == [0, 6, 12, 18, 24]
    spec = figures.endpoint_figure(curves, "overall_survival", time_unit="months", options=options)
    risk = spec["vconcat"][1]["layer"][0]  # the numbers (the other layer keeps room at the end)
    times = sorted({row["time"] for row in spec["datasets"][risk["data"]["name"]]})
    assert times == [0, 6, 12, 18, 24]
    assert spec["vconcat"][0]["layer"][0]["encoding"]["x"]["scale"]["domain"] == [0, 24.0]
    with pytest.raises(ValueError, match="more than 25 ticks"):
        FigureOptions(time_max=120, tick_every=1)


def test_options_change_what_is_drawn():
    plain = figure_of(3)
    changed = figure_of(3, percent=False, black=True, risk_table=False, censor_marks=False, bands=False,
                        legend_title="Histology", font_scale=1.4, lines={LONG_NAMES[0]: "dotted"})
    layers = changed["vconcat"][0]["layer"]
    assert len(changed["vconcat"]) == 1 and len(plain["vconcat"]) == 2  # no risk table
    assert {layer["mark"]["type"] for layer in layers} == {"line"}  # no bands, no censor marks
    line = layers[0]["encoding"]
    assert set(line["color"]["scale"]["range"]) == {"#000000"}
    assert line["strokeDash"]["scale"]["range"][0] == LINE_STYLES["dotted"]
    assert line["y"]["axis"]["format"] == ".1f" and plain["vconcat"][0]["layer"][1]["encoding"]["y"]["axis"][
        "format"] == ".0%"
    assert line["color"]["legend"]["title"] == "Histology"
    assert changed["config"]["axis"]["labelFontSize"] == pytest.approx(1.4 * plain["config"]["axis"]["labelFontSize"])
    coloured = figure_of(2, colours={LONG_NAMES[1]: "#123456"})
    assert coloured["vconcat"][0]["layer"][1]["encoding"]["color"]["scale"]["range"][1] == "#123456"


def test_the_p_value_on_the_plot_names_its_test():
    result = sample_compared_by("limb", "Limb")
    for endpoint, method in (("overall_survival", "Log-rank test"), ("amputation", "Gray's test")):
        test = result.tests[endpoint]
        figure = figures.endpoint_figure(result.curves[endpoint], endpoint, time_unit="months",
                                         options=FigureOptions(p_value=True), test=test)
        svg = export.figure_bytes(figure, "svg").decode()
        assert f"{method}, p = {test.p_value:.3f}" in svg_text(svg)
        hidden = figures.endpoint_figure(result.curves[endpoint], endpoint, time_unit="months", test=test)
        assert method not in svg_text(export.figure_bytes(hidden, "svg").decode())


def test_figure_options_are_checked_and_survive_the_settings_file():
    with pytest.raises(ValueError, match="must be a colour written #rrggbb"):
        FigureOptions(colours={"a": "red"})
    with pytest.raises(ValueError, match="font_scale must be one of"):
        FigureOptions(font_scale=3.0)
    with pytest.raises(ValueError, match="unknown figure option"):
        FigureOptions.from_dict({"titel": "x"})
    options = {"amputation": FigureOptions(title="Limb loss", time_max=36.0, tick_every=12.0, p_value=True,
                                           colours={"lower": "#112233"}, lines={"upper": "dotted"}, black=False)}
    data = core.load_cohort(SAMPLE).data
    document = reproducibility.settings_document(
        source="s.xlsx", sheet=None, header_row=None, mapping={}, date_order="auto", filters={}, age_range=None,
        compare_by=None, preset=Settings().preset, conf_level=0.95, time_unit="months", landmarks=[12.0], data=data,
        figures=options)
    read = reproducibility.read_settings(reproducibility.settings_json(document))
    assert FigureOptions.from_dict(read["figures"]["amputation"]) == options["amputation"]
    assert read["not_applied"] == []
    document["figures"] = {"amputation": {"colours": {"lower": "javascript:alert(1)"}}, "not_an_endpoint": {},
                           "overall_survival": {"title": "kept"}, "local_recurrence": {"time_max": 10 ** 400},
                           "death_without_amputation": {"colours": {"a": "#ABCDEF\n"}, "font_scale": True}}
    read = reproducibility.read_settings(json.dumps(document).encode())
    assert read["figures"] == {"overall_survival": {"title": "kept"}}  # one bad entry costs only itself
    assert sum(item.startswith("figure options for") for item in read["not_applied"]) == 4
    with pytest.raises(ValueError, match="not valid Unicode"):
        reproducibility.read_settings(json.dumps(document).replace('"kept"', '"k\\ud800"').encode())
    for bad in ({"font_scale": True}, {"colours": {"a": "#ABCDEF\n"}}, {"time_max": 0.001}, {"tick_every": 1e9},
                {"title": "T\ud800"}):
        with pytest.raises(ValueError):
            FigureOptions(**bad)


def test_the_workbook_risk_tables_follow_the_figures_time_axis():
    import io

    import openpyxl

    from ilp_core.reporting import bundle
    data = core.load_cohort(SAMPLE).data
    result = analysis.analyse(data, selection.strata(data, None), Settings(), [12, 24], n_loaded=34, n_rows=34)
    own = {"overall_survival": FigureOptions(time_max=24, tick_every=12)}
    book = openpyxl.load_workbook(io.BytesIO(bundle.results_workbook(result, pd.DataFrame(), source="s",
                                                                     figure_options=own)))
    sheet = book["Risk tables"]
    header = [c.value for c in sheet[2]]
    rows = [dict(zip(header, r)) for r in sheet.iter_rows(min_row=3, values_only=True)]
    times = [r["Time (months)"] for r in rows if r["Endpoint"] == "Overall survival"]
    assert times == [0, 12, 24]


def overlaps(boxes: pd.DataFrame) -> list:
    found = []
    for i, a in boxes.iterrows():
        for j, b in boxes.iterrows():
            if i < j and a.x < b.x_end and b.x < a.x_end and a.y < b.y_end and b.y < a.y_end:
                found.append((a.text, b.text))
    return found


@pytest.mark.parametrize("filtered", [False, True])
def test_flow_boxes_never_overlap_and_fit_their_text(filtered):
    cohort = core.load_cohort(SAMPLE)
    data = cohort.data
    chosen = data[data.limb == "lower"] if filtered else data
    steps = flow.patient_flow(chosen, n_rows=cohort.n_rows + 5, n_selected_from=len(data))
    steps.loc[steps.step == "aborted", "detail"] = "; ".join(f"a long reason number {i} 1" for i in range(12))
    boxes, arrows, height = flow_diagram.flow_boxes(steps)
    assert overlaps(boxes) == []
    assert boxes.y_end.max() <= height + 1e-9 and boxes.x_end.max() <= 760
    for box in boxes.itertuples():  # each box is as tall as its lines of text
        assert box.y_end - box.y == pytest.approx(box.text.count("\n") * 15 + 15 + 16)
    label = steps.loc[steps.step == "analysed", "label"].iloc[0]
    assert label == ("Patients analysed (selected by the filters)" if filtered
                     else "Patients treated with isolated limb perfusion")
    # every main step leads down to the next, except to the last contact of all patients (not a step)
    last = boxes[boxes.text.str.startswith("All patients at last contact")].iloc[0]
    down = arrows[arrows.x == arrows.x2]
    assert len(down) == (~steps.side).sum() - 2 and not (down.y2 >= last.y - 1e-9).any()


def test_without_a_completion_column_the_flow_has_no_zero_boxes_and_its_branch_hangs_from_a_line():
    """A workbook without 'perfusion completed' drew "Perfusion completed n = 0" and "Resection after a
    completed perfusion n = 0"; the branch left then hangs from the box above it."""
    data = core.load_cohort(SAMPLE).data
    data = data.assign(ilp_completed=pd.array([pd.NA] * len(data), dtype="boolean"))
    steps = flow.patient_flow(data, n_rows=34)
    assert "completed" not in set(steps.step) and "surgery" not in set(steps.step)
    boxes, arrows, _ = flow_diagram.flow_boxes(steps)
    branch = boxes[boxes.text.str.startswith("Completion of the perfusion not recorded")].iloc[0]
    middle = (branch.y + branch.y_end) / 2
    vertical = arrows[(arrows.x == arrows.x2) & (arrows.y2 >= middle - 0.5)]
    assert len(vertical) and (vertical.y < middle).all()


def test_the_forest_plot_keeps_a_sensible_axis_writes_numbers_apart_and_marks_what_runs_off():
    table = pd.DataFrame({"term": ["Age (per year)", "Histology: malignant peripheral nerve sheath tumour vs "
                                   "leiomyosarcoma", "Sex: male vs female", "Grade: 3 vs 1"],
                          "hazard_ratio": [1.02, 8.5, 1.1, np.inf], "ci_lower": [0.99, 0.9, 0.001, 0.0],
                          "ci_upper": [1.05, 80.0, 1500.0, np.inf], "p_value": [0.2, 0.06, 0.9, np.nan],
                          "estimable": [True, True, True, False]})
    assert forest.axis_range(table) == (0.01, 100)
    chart = forest.forest_plot(table, title="t", ratio="Subdistribution hazard ratio", conf_level=0.9)
    spec = chart
    rows = {r["term"]: r for values in spec["datasets"].values() for r in values if "text" in r and "lo" not in r}
    assert rows["Sex: male vs female"]["text"] == "1.10 (<0.01\u20131,500)"
    assert rows["Grade: 3 vs 1"]["text"] == "not estimable"
    arrows = [r for values in spec["datasets"].values() for r in values if "shape" in r]
    assert sorted(r["shape"] for r in arrows) == ["triangle-left", "triangle-right"]
    svg = export.figure_bytes(chart, "svg").decode()
    drawn = " ".join(svg_text(svg).split())
    assert "SHR (90% CI)" in drawn and "Histology: malignant peripheral nerve sheath tumour vs leiomyosarcoma" in drawn
    width, height = export.FigureFile(chart).size
    assert export.png_size(export.figure_bytes(chart, "png")) == (round(width * 300), int(height * 300))


def test_the_three_panels_share_one_time_axis():
    result = sample_compared_by("limb", "Limb")
    short = {name: core.kaplan_meier([1.0, 2.0, 5.0], [1, 0, 1]) for name in result.curves["amputation"]}
    result = dataclasses.replace(result, curves={**result.curves, "amputation": short})  # followed 5 months only
    spec = figures.three_panels(result)
    domains = [panel["vconcat"][0]["layer"][0]["encoding"]["x"]["scale"]["domain"] for panel in spec["hconcat"]]
    last = max(float(c.table.time.max()) for e in ("overall_survival", "amputation") for c in result.curves[e].values())
    assert len(domains) == 3 and all(d == domains[0] for d in domains) and domains[0][1] >= last


def drawn_at(points: pd.DataFrame, times: np.ndarray, column: str) -> np.ndarray:
    """The value a step-after curve through ``points`` shows at ``times``."""
    return points[column].to_numpy()[np.searchsorted(points.time.to_numpy(), times, side="right") - 1]


@pytest.mark.parametrize("competing", [False, True])
def test_the_drawn_curve_is_within_a_tenth_of_a_point_of_every_estimate_at_100000_patients(competing):
    rng = np.random.default_rng(7)
    n = 100_000
    time = rng.exponential(30, n).round(3)
    if competing:
        curve = core.cumulative_incidence(time, rng.choice([0, 1, 2], n, p=[0.5, 0.2, 0.3]), event=1)
    else:
        curve = core.kaplan_meier(time, rng.random(n) < 0.6)
    points = charts.curve_points({"all": curve}, incidence=competing)
    table = curve.table
    assert len(points) < 0.1 * len(table)  # thinned
    for column in ("estimate", "ci_lower", "ci_upper"):
        drawn, wanted = drawn_at(points, table.time.to_numpy(), column), table[column].to_numpy()
        known = ~np.isnan(wanted)
        assert np.max(np.abs(drawn[known] - wanted[known])) < 0.001, column


def test_the_three_panels_follow_their_own_options():
    result = sample_compared_by("limb", "Limb")
    options = FigureOptions(size="journal", black=True, p_value=True, time_max=60, title="Our series")
    chart = figures.three_panels(result, options=options)
    spec = chart
    notes = [row["text"] for values in spec["datasets"].values() for row in values if "text" in row]
    assert sorted(note.split(",")[0] for note in notes) == ["Gray's test", "Log-rank test", "Log-rank test"]
    lines = [panel["vconcat"][0]["layer"][1]["encoding"] for panel in spec["hconcat"]]
    assert all(set(line["color"]["scale"]["range"]) == {"#000000"} for line in lines)
    assert all(line["x"]["scale"]["domain"] == [0, 60.0] for line in lines) and spec["title"]["text"] == "Our series"
    width, height = export.FigureFile(chart).size
    assert export.png_size(export.figure_bytes(chart, "png")) == (round(width * 300), int(height * 300))
    assert figures.figure_titles(result, {"three_panels": options})["three_panels"] == "Our series"


def test_awkward_names_and_titles_keep_groups_apart_and_the_size_exact():
    blank = {" ": core.kaplan_meier([1.0, 3.0], [1, 0]), "  ": core.kaplan_meier([2.0, 4.0], [1, 1]),
             "\t": core.kaplan_meier([1.5, 5.0], [0, 1])}
    spec = figures.endpoint_figure(blank, "overall_survival", time_unit="months")
    assert len(set(spec["vconcat"][0]["layer"][1]["encoding"]["color"]["scale"]["domain"])) == 3
    many = {f"g{i}": core.kaplan_meier([1.0 + i, 9.0], [1, 0]) for i in range(12)}
    style = figures.endpoint_figure(many, "overall_survival", time_unit="months")["vconcat"][0]["layer"][0]
    pairs = list(zip(style["encoding"]["color"]["scale"]["range"], map(tuple, style["encoding"]["strokeDash"]["scale"][
        "range"])))
    assert len(set(pairs)) == 12  # the 11th group is not drawn like the 1st
    long = figure_of(2, y_title="Proportion of patients alive and free of amputation " * 3,
                     x_title="Months since the isolated limb perfusion " * 4, title="A title " * 24,
                     legend_title="Histology as recorded " * 9)
    width, height = export.FigureFile(long).size
    svg = export.figure_bytes(long, "svg").decode()
    assert "\u2026" not in svg_text(svg)
    assert export.png_size(export.figure_bytes(long, "png")) == (round(width * 300), int(height * 300))


def test_a_short_time_axis_ends_where_asked_and_still_makes_a_pdf():
    data = core.load_cohort(SAMPLE).data
    curves = summaries.curves(data, "overall_survival", selection.strata(data, "limb"), Settings())
    for end, every in ((0.01, None), (0.05, 0.01), (50.0, None), (50.0, 12.0)):
        chart = figures.endpoint_figure(curves, "overall_survival", time_unit="months",
                                        options=FigureOptions(time_max=end, tick_every=every))
        assert chart["vconcat"][0]["layer"][0]["encoding"]["x"]["scale"]["domain"] == [0, end]
        assert export.figure_bytes(chart, "pdf")[:5] == b"%PDF-"
    huge = figures.figure_ticks(curves, "months", FigureOptions(time_max=100_000))
    assert 2 <= len(huge) <= 9 and huge[-1] <= 100_000
    assert 2 <= len(summaries.time_ticks(100_000, "months")) <= 9  # the shared step: not 1,668 ticks of 60


def test_the_incidence_axis_holds_an_estimate_that_has_no_interval():
    # the marks are not clipped: a group whose last patient has the event reaches 100% with no interval,
    # and its step must stay inside the plot
    curves = {"A": core.cumulative_incidence([1, 5], [0, 1]),
              "B": core.cumulative_incidence([1, 2, 3, 4, 5, 6], [1, 0, 0, 0, 0, 0])}
    spec = figures.endpoint_figure(curves, "amputation", time_unit="months")
    tops = [layer["encoding"]["y"]["scale"]["domain"][1] for layer in spec["vconcat"][0]["layer"]
            if "scale" in layer["encoding"].get("y", {})]
    assert tops and min(tops) >= 1.0


def drawn_steps(spec: dict) -> pd.DataFrame:
    """The rows the curve figure's lines are drawn through."""
    [line] = [layer for layer in spec["vconcat"][0]["layer"] if layer["mark"]["type"] == "line"]
    return pd.DataFrame(spec["datasets"][line["data"]["name"]])


def test_each_curve_ends_at_its_own_last_follow_up_or_the_axis_end():
    """A group whose last patient left at 62 months was drawn flat to 96 months, beside a risk table of 0
    and estimates "not estimable"; R's plot.survfit stops each curve at its last time."""
    curves = {"long": core.kaplan_meier([1, 5, 10, 40, 70], [1, 0, 1, 0, 0]),
              "short": core.kaplan_meier([2, 3, 10.5], [1, 0, 0])}
    ends = drawn_steps(figures.endpoint_figure(curves, "overall_survival", time_unit="months")) \
        .groupby("stratum").time.max().to_dict()
    assert ends == {"long": 70.0, "short": 10.5}
    cut = figures.endpoint_figure(curves, "overall_survival", time_unit="months",
                                  options=FigureOptions(time_max=24))
    assert drawn_steps(cut).groupby("stratum").time.max().to_dict() == {"long": 24.0, "short": 10.5}


def test_without_bands_the_incidence_axis_is_scaled_to_the_curves():
    """With more groups than bands are drawn for, the axis reached for the hidden upper bounds (curves under
    25% on an axis to 80%)."""
    rng = np.random.default_rng(3)
    curves = {f"G{i}": core.cumulative_incidence(rng.exponential(30, 12).round(1),
                                                 rng.choice([0, 1, 2], 12, p=[0.6, 0.15, 0.25]))
              for i in range(5)}
    highest = max(c.table.estimate.max() for c in curves.values())
    tops = {}
    for bands in (False, True):
        spec = figures.endpoint_figure(curves, "amputation", time_unit="months", options=FigureOptions(bands=bands))
        [tops[bands]] = {layer["encoding"]["y"]["scale"]["domain"][1] for layer in spec["vconcat"][0]["layer"]
                         if "scale" in layer["encoding"].get("y", {})}
    assert highest <= tops[False] <= highest + 0.1 < tops[True]


@pytest.mark.parametrize("size", ["slide", "journal"])
def test_the_time_axis_is_labelled_where_the_risk_table_has_numbers(size):
    data = core.load_cohort(SAMPLE).data
    curves = summaries.curves(data, "amputation", selection.strata(data, "sex"), Settings(time_unit="years"))
    options = FigureOptions(size=size)
    spec = figures.endpoint_figure(curves, "amputation", time_unit="years", options=options,
                                   risk=figures.risk_at_ticks(curves, "years", options))
    axis = [layer["encoding"]["x"]["axis"]["values"] for layer in spec["vconcat"][0]["layer"]
            if "axis" in layer["encoding"].get("x", {})]
    numbers = sorted({row["time"] for rows in spec["datasets"].values() for row in rows if "label" in row})
    assert axis and all(values == numbers for values in axis)


@pytest.mark.parametrize("p_value", [False, True])
def test_journal_three_panels_at_the_largest_font_keep_their_size_with_headings_and_p_values_wrapped(p_value):
    result = sample_compared_by("histology", "Histology")
    options = FigureOptions(size="journal", font_scale=1.4, risk_table=False, p_value=p_value)
    figure = export.FigureFile(figures.three_panels(result, options=options))
    assert figure.size == figure.stated_size  # it was 761 (limb, risk table) and 716 px (p-values) for 690
    assert min(view["width"] for view in export._sized_views(figure.fitted_spec())) > 40  # plots not at their floor


@pytest.mark.parametrize("size", ["slide", "journal"])
def test_histology_names_wrap_between_words_in_the_legend_and_the_risk_table(size):
    result = sample_compared_by("histology", "Histology")
    spec = figures.three_panels(result, options=FigureOptions(size=size))
    panel = spec["hconcat"][0]["vconcat"]
    legend = panel[0]["layer"][0]["encoding"]["color"]["scale"]["domain"]
    rows = [row["name"] for row in spec["datasets"][panel[1]["layer"][1]["data"]["name"]]]  # the risk table's names
    names = set(result.curves["overall_survival"])
    for drawn in legend + rows:
        words = [w for w in drawn.replace("\u200b", "").split() if w]
        assert " ".join(words) in names, drawn  # lines joined give the name back: no word broken
    assert max(len(name.split("\n")) for name in legend) <= 2  # the legend's names have the figure's width


@pytest.mark.parametrize("size", ["slide", "journal"])
def test_each_risk_table_row_is_as_tall_as_its_own_name(size):
    # "malignant peripheral nerve sheath tumour" takes three lines in a journal panel; the other rows keep one or
    # two (every row was as tall as the tallest: journal three panels by histology were 7.5 in tall, now 6.1 in)
    result = sample_compared_by("histology", "Histology")
    spec = figures.three_panels(result, options=FigureOptions(size=size))
    table = spec["hconcat"][0]["vconcat"][1]
    numbers, names = (spec["datasets"][layer["data"]["name"]] for layer in table["layer"][:2])
    line = table["layer"][1]["mark"]["lineHeight"]
    centre = {" ".join(row["stratum"].replace("\u200b", "").split()): row["y"] for row in numbers}
    lines = {" ".join(name["name"].split()): name["name"].count("\n") + 1 for name in names}
    assert set(centre) == set(lines) == set(result.curves["overall_survival"])
    for name in names:  # a name of n lines starts (n - 1) / 2 lines above its numbers
        count = name["name"].count("\n") + 1
        assert name["y"] + (count - 1) * line / 2 == pytest.approx(centre[" ".join(name["name"].split())])
    rows = sorted((centre[n], count) for n, count in lines.items())
    for (above, n_above), (below, n_below) in zip(rows, rows[1:]):
        assert below - above >= (n_above + n_below) / 2 * line  # no two names overlap
    assert max(lines.values()) > min(lines.values())
    assert table["height"] < len(lines) * (max(lines.values()) * line + 4)  # not every row as tall as the tallest


def test_a_ratio_beyond_the_forest_axis_is_its_arrow_and_p_reads_like_the_others():
    # HR 300 (150-600) on an axis to 100: its dot was drawn beside the plot, over the numbers' column
    table = pd.DataFrame({"term": ["grade: 3 vs 1", "age"], "hazard_ratio": [300.0, 1.02], "ci_lower": [150.0, 0.99],
                          "ci_upper": [600.0, 1.05], "p_value": [1e-6, 0.2]})
    spec = forest.forest_plot(table, title="x")
    layers = spec["hconcat"][0]["layer"]
    dots = next(layer for layer in layers if layer["mark"]["type"] == "point" and "shape" not in layer["encoding"])
    assert [row["term"] for row in spec["datasets"][dots["data"]["name"]]] == ["age"]
    arrows = next(layer for layer in layers if "shape" in layer["encoding"])
    assert [(r["term"], r["at"]) for r in spec["datasets"][arrows["data"]["name"]]] == [("grade: 3 vs 1", 100)]
    side = [r for values in spec["datasets"].values() for r in values if "p" in r and "lo" not in r]
    assert [r["p"] for r in side] == ["< 0.001", "0.200"]  # under the heading "p", as "0.200" is
    figure = export.FigureFile(spec)
    assert figure.size == figure.stated_size


@pytest.mark.parametrize("size", ["slide", "journal"])
def test_every_percentage_on_the_vertical_axis_is_labelled(size):
    # a journal plot under ~240 px: Vega kept one label in two of those given (0%, 40%, 80%: no 100%)
    result = sample_compared_by("limb", "Limb")
    figure = export.FigureFile(figures.endpoint_figure(result.curves["overall_survival"], "overall_survival",
                                                       time_unit="months", options=FigureOptions(size=size)))
    drawn = svg_text(figure.svg()).split()
    assert all(label in drawn for label in ("0%", "20%", "40%", "60%", "80%", "100%"))


def test_a_long_word_breaks_in_the_legend_rather_than_widen_the_figure():
    curves = {"Leiomyosarcoma/rhabdomyosarcoma/angiosarcoma": core.kaplan_meier([1, 2, 3, 30], [1, 0, 1, 0]),
              "other": core.kaplan_meier([2, 5, 9, 12], [1, 1, 0, 1])}
    figure = export.FigureFile(figures.endpoint_figure(curves, "overall_survival", time_unit="months",
                                                       options=FigureOptions(size="journal", font_scale=1.4)))
    assert figure.size == figure.stated_size  # it was 3.87 in wide for a stated 3.5 in, the plot crushed


def test_the_names_end_before_the_first_column_of_large_numbers():
    # 100,000 patients a group: "100000 (0)" is centred on the axis's start and ran into "Myxofibrosarcoma"
    rng = np.random.default_rng(1)
    curves = {name: core.kaplan_meier(rng.exponential(30, 100_000), rng.random(100_000) < 0.7)
              for name in ("Myxofibrosarcoma", "Leiomyosarcoma")}
    spec = figures.endpoint_figure(curves, "overall_survival", time_unit="months",
                                   options=FigureOptions(size="journal", time_max=60, tick_every=30))
    names = spec["vconcat"][1]["layer"][1]
    half = layout.text_width("100000 (0)", names["mark"]["fontSize"]) / 2
    assert -names["mark"]["x"] >= half + 2  # right-aligned names end left of the widest number's left edge


def test_the_forest_axis_is_labelled_at_both_ends():
    table = pd.DataFrame({"term": ["a", "b"], "hazard_ratio": [0.05, 1.02], "ci_lower": [0.02, 0.99],
                          "ci_upper": [15.0, 1.05], "p_value": [1e-6, 0.2]})
    assert forest.axis_range(table) == (0.02, 20)  # three decades: the wide set of labels (..., 2, 10, 100)
    dots = next(layer for layer in forest.forest_plot(table, title="x")["hconcat"][0]["layer"]
                if layer["mark"]["type"] == "point")
    ticks = dots["encoding"]["x"]["axis"]["values"]
    assert ticks[0] == 0.02 and ticks[-1] == 20 and 10 in ticks  # the axis ended past its last label, 10


@pytest.mark.parametrize("size, font_scale", [("journal", 1.0), ("slide", 1.0), ("slide", 1.4)])
def test_large_numbers_at_risk_keep_their_columns_apart_and_the_axis_labelled_to_its_end(size, font_scale):
    # 100,000 patients a group: "100000 (0)" and "36714 (38067)" ran into each other once the figure was
    # fitted, and thinned columns left the axis running past its last label
    rng = np.random.default_rng(1)
    times = {name: rng.exponential(30, 100_000) for name in ("Myxofibrosarcoma", "Leiomyosarcoma")}
    curves = {name: core.kaplan_meier(np.minimum(t, 60), (t <= 60) & (rng.random(len(t)) < 0.7))
              for name, t in times.items()}
    options = FigureOptions(size=size, font_scale=font_scale)
    figure = export.FigureFile(figures.endpoint_figure(curves, "overall_survival", time_unit="months", options=options))
    spec = figure.fitted_spec()
    plot, table = spec["vconcat"]
    axis = plot["layer"][0]["encoding"]["x"]
    assert axis["axis"]["values"][-1] == axis["scale"]["domain"][1]  # labelled to its end
    numbers = spec["datasets"][table["layer"][0]["data"]["name"]]
    font = table["layer"][0]["mark"]["fontSize"]
    columns = sorted({row["time"] for row in numbers})
    widest = max(layout.text_width(row["label"], font) for row in numbers) / 1.04  # (the estimate is generous)
    spacing = plot["width"] * min(b - a for a, b in zip(columns, columns[1:])) / axis["scale"]["domain"][1]
    assert spacing >= widest, (spacing, widest)
    assert figure.size == figure.stated_size


def test_a_wrapped_p_value_stays_above_the_time_axis():
    # at the bottom of a narrow survival plot the p-value wraps; its second line fell across the axis
    text = "Log-rank test, p = 0.112"
    for incidence in (False, True):
        mark = charts._annotation(text, 96.0, 1.0, incidence, 14.0, 60.0)["mark"]
        lines = layout.wrapped(text, 0.95 * 60.0, 14.0)
        assert len(lines) > 1 and mark["lineHeight"] == 14.0 * layout.LINE
        assert mark["dy"] == (0 if incidence else -(len(lines) - 1) * 14.0 * layout.LINE)
        assert mark["baseline"] == ("top" if incidence else "bottom")


@pytest.mark.parametrize("size, font_scale, groups", [("slide", 1.0, 2), ("slide", 1.4, 12), ("journal", 0.8, 12),
                                                      ("journal", 1.4, 4)])
def test_the_legend_sits_just_above_the_plot(size, font_scale, groups):
    # the room kept for a legend of names on several lines was up to 118 px more than Vega draws
    names = [*LONG_NAMES, "Clear cell sarcoma of soft tissue, also called malignant melanoma of soft parts",
             "Other", "Kaposi sarcoma", "Angiosarcoma", "Synovial sarcoma", "Leiomyosarcoma", "A", "B", "C", "D"]
    curves = {name: core.kaplan_meier([1.0 + i, 2.0, 3.0, 4.0, 9.0], [1, 0, 1, 1, 0]) for i, name in
              enumerate(names[:groups])}
    spec = figures.endpoint_figure(curves, "overall_survival", time_unit="months",
                                   options=FigureOptions(size=size, font_scale=font_scale))
    legend = spec["vconcat"][0]["layer"][0]["encoding"]["color"]["legend"]
    svg = export.FigureFile(spec).svg()
    drawn = drawn_legend_height(svg)
    kept = -legend["legendY"] - 2
    assert drawn + 4 <= kept <= drawn + 30, (drawn, kept)  # never on the plot, never far above it


def test_the_legend_stands_above_the_tallest_panel_heading():
    # journal three panels: "Local recurrence-free survival, deaths censored" takes two lines; the legend
    # was placed above one line of heading and its last row touched the second panel's heading
    result = sample_compared_by("histology", "Histology")
    spec = figures.three_panels(result, options=FigureOptions(size="journal"))
    panels = [panel["vconcat"][0] for panel in spec["hconcat"]]
    lines = [len(p["title"]["text"]) if isinstance(p["title"]["text"], list) else 1 for p in panels]
    assert lines == [1, 2, 1]
    legend = panels[0]["layer"][0]["encoding"]["color"]["legend"]
    svg = export.FigureFile(spec).svg()
    drawn = drawn_legend_height(svg)
    heading = panels[1]["title"]["fontSize"] * 1.35 * 2  # the two lines above the second plot
    assert -legend["legendY"] >= drawn + heading  # the legend's bottom above the second panel's heading


def test_a_figure_of_no_curves_says_so():
    """An empty dict of curves was an IndexError from deep inside the time axis."""
    with pytest.raises(ValueError, match="no curves to draw"):
        figures.endpoint_figure({}, "amputation", time_unit="months")
    with pytest.raises(ValueError, match="no curves to draw"):
        charts.curve_figure({}, pd.DataFrame(columns=["stratum", "time", "n_risk", "n_events"]), incidence=True,
                            title="", x_title="Months", y_title="Incidence", ticks=[0.0, 12.0])


def x_axis_labels(svg: str) -> list[tuple[str, float, float, bool]]:
    """The labels of each plot's time axis as drawn: (text, left, right, visible), in px from the axis start;
    Vega hides a label that would overlap another (opacity 0)."""
    labels = []
    for group in re.findall(r'role-axis-label"[^>]*>(.*?)</g>', svg, flags=re.S):
        texts = re.findall(r'<text text-anchor="(\w+)" transform="translate\(([-\d.]+),[-\d.]+\)"[^>]*'
                           r'font-size="([\d.]+)px"[^>]*opacity="([\d.]+)"[^>]*>([^<]*)</text>', group)
        if not texts or not all(re.fullmatch(r"[\d,.]+", t[4]) for t in texts):
            continue  # the vertical axis (percentages) or the forest's
        for anchor, x, font, opacity, text in texts:
            width = layout.number_width(text, float(font))
            left = float(x) - {"start": 0, "middle": width / 2, "end": width}[anchor]
            labels.append((text, left, left + width, opacity != "0"))
    return labels


AXIS_CASES = [(unit, column, dict(risk_table=risk_table)) for unit in ("days", "weeks", "months")
              for column in ("limb", "sex", "histology") for risk_table in (False, True)] + [
    ("years", "limb", dict(tick_every=1.5)), ("years", None, dict(tick_every=0.5, risk_table=False)),
    ("years", "limb", dict(tick_every=0.5, time_max=7.5, risk_table=False)), ("years", "sex", dict(tick_every=0.25)),
    ("days", "histology", dict(tick_every=7, time_max=100)), ("months", "limb", dict(tick_every=12, time_max=40))]


@pytest.mark.parametrize("unit, column, chosen", AXIS_CASES)
def test_every_time_axis_label_is_shown_apart_from_the_next_and_reads_its_tick(unit, column, chosen):
    # Without a risk table every tick was kept: in days Vega hid every other label (365, 1,095, ...) and
    # "2,190" nearly touched "2,920", drawn flush with the axis end. With one, the ticks were chosen for the
    # plot as planned, 26 px wider than drawn: "2,1902,920". Vega wrote 1.5 years as "2".
    data = core.load_cohort(SAMPLE).data
    result = analysis.analyse(data, selection.strata(data, column), Settings(time_unit=unit), [12, 24],
                              n_loaded=34, n_rows=34, compare_by=column)
    for size, scale in (("journal", 1.4), ("journal", 1.0), ("slide", 1.4)):
        options = FigureOptions(size=size, font_scale=scale, **chosen)
        for spec in (figures.endpoint_figure(result.curves["overall_survival"], "overall_survival", time_unit=unit,
                                             options=options), figures.three_panels(result, options=options)):
            svg = export.FigureFile(spec).svg()
            labels, case = x_axis_labels(svg), (unit, column, chosen, size, scale)
            assert labels and all(shown for *_, shown in labels), (case, labels)
            ticks = [value for plot in export._sized_views(spec) if plot["name"].startswith("plot")
                     for value in next(layer["encoding"]["x"]["axis"]["values"] for layer in plot["layer"]
                                       if "axis" in layer["encoding"].get("x", {}))]
            values = [float(text.replace(",", "")) for text, *_ in labels]
            assert values == pytest.approx(ticks, abs=1e-9), case  # each label reads its own tick
            font = float(re.search(r'role-axis-label.*?font-size="([\d.]+)px"', svg, flags=re.S).group(1))
            axes = []
            for label in labels:
                if not axes or label[1] <= axes[-1][-1][1]:  # the next panel's axis starts again at 0
                    axes.append([])
                axes[-1].append(label)
            for axis in axes:
                # a quarter of the font apart; a plot too narrow for more than its first and last label (a
                # journal panel at its 40 px floor) at least keeps those two apart
                least = 1 if len(axis) == 2 else font / 4 - 0.5
                assert all(after[1] - before[2] >= least for before, after in zip(axis, axis[1:])), (case, axis)


def test_a_word_longer_than_its_line_breaks_after_its_own_slash_or_else_with_a_hyphen():
    # "Dermatofibrosa" / "rcoma" read as two words; a break at the name's own "/" needs no hyphen
    assert layout.wrapped("Dermatofibrosarcoma protuberans", 100, 13) == ["Dermatofibrosa-", "rcoma", "protuberans"]
    assert layout.wrapped("Leiomyosarcoma/rhabdomyosarcoma/angiosarcoma", 120, 12) == [
        "Leiomyosarcoma/", "rhabdomyosarcoma/", "angiosarcoma"]
    for text, width in (("Dermatofibrosarcoma", 40), ("x" * 60, 50), ("ab", 1)):
        lines = layout.wrapped(text, width, 12)
        assert len(lines) > 1 and "".join(line.removesuffix("-") for line in lines) == text, lines  # nothing lost
        assert all(layout.text_width(line, 12) <= width for line in lines if len(line) > 2), lines
    assert layout.wrapped("a/b/c-d", 20, 12) == ["a/", "b/", "c-", "d"]
