"""One-click export: a workbook with a sheet per table, and a zip with every figure and the text."""
from __future__ import annotations

import datetime as dt
import io
import zipfile
from collections.abc import Callable

import numpy as np
import pandas as pd
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font

from ilp_core.cohort.endpoints import ENDPOINTS
from ilp_core.conventions import level_label
from ilp_core.reporting import export, forest, report
from ilp_core.reporting.figure_options import FigureOptions
from ilp_core.reporting.figures import figures, risk_at_ticks
from ilp_core.reporting.headings import with_headings
from ilp_core.results import summaries
from ilp_core.results.analysis import Analysis


def _cell_value(value):
    if value is None or value is pd.NA or value is pd.NaT or (isinstance(value, float) and np.isnan(value)):
        return None
    if isinstance(value, (np.integer, np.bool_)):
        return value.item()
    if isinstance(value, np.floating):
        return float(value)
    if isinstance(value, pd.Timestamp):
        return value.to_pydatetime()
    if isinstance(value, str):  # a control character (a vertical tab from a pasted cell) cannot go into .xlsx
        return ILLEGAL_CHARACTERS_RE.sub("\ufffd", value)
    return value


def _write(book: Workbook, name: str, frame: pd.DataFrame, note: str = "") -> None:
    """A sheet with bold headers; text is always stored as text (never run as a formula)."""
    sheet = book.create_sheet(name[:31])
    rows = ([[note]] if note else []) + [[_cell_value(str(c)) for c in frame.columns]] + \
        [[_cell_value(v) for v in row] for row in frame.itertuples(index=False)]
    for r, row in enumerate(rows, start=1):
        for c, value in enumerate(row, start=1):
            cell = sheet.cell(row=r, column=c, value=value)
            if isinstance(value, str):
                cell.data_type = "s"
            if r == (2 if note else 1):
                cell.font = Font(bold=True)
    for column in sheet.columns:
        width = max((len(str(c.value)) for c in column[:200] if c.value is not None), default=8)
        sheet.column_dimensions[column[0].column_letter].width = min(max(width + 2, 8), 60)


def _about(analysis: Analysis, source: str, synthetic: bool) -> pd.DataFrame:
    s = analysis.settings
    rows = [
        ("Data", source + (" (SYNTHETIC: not real patients)" if synthetic else "")),
        ("Created", dt.datetime.now().strftime("%Y-%m-%d %H:%M")),
        ("Patients analysed", f"{analysis.n_selected} of {analysis.n_loaded} loaded ({analysis.n_rows} rows read)"),
        ("Selection", analysis.filters or "all patients"),
        ("Compared by", analysis.compare_by or "no comparison"),
        ("Conventions", s.preset),
        ("Confidence level", f"{level_label(s.conf_level)}"),
        ("Kaplan-Meier interval", f"{s.km_conf_type} (Greenwood variance)"),
        ("Cumulative incidence", f"{s.cif_variance} variance, {s.cif_conf_type} interval"),
        ("Time unit", s.time_unit),
        ("Landmarks (months)", ", ".join(f"{m:g}" for m in analysis.landmarks)),
        ("Software", f"ILP outcomes {report.VERSION}"),
    ]
    return pd.DataFrame(rows, columns=["item", "value"])


def _endpoint_frames(analysis: Analysis, figure_options: dict) -> dict[str, pd.DataFrame]:
    estimates, risks, differences, tests = [], [], [], []
    for endpoint, curves in analysis.curves.items():
        label = ENDPOINTS[endpoint].title
        estimates.append(analysis.landmarks_table(endpoint).assign(endpoint=label))
        risks.append(risk_at_ticks(curves, analysis.settings.time_unit, figure_options.get(endpoint) or FigureOptions())
                     .assign(endpoint=label))
        differences.append(analysis.differences(endpoint).assign(endpoint=label))
        test = analysis.tests[endpoint]
        if test is not None:
            tests.append({"endpoint": label, "test": test.method, "statistic": test.statistic, "df": test.df,
                          "p_value": test.p_value, "note": test.note})
    first = lambda frame: frame[["endpoint"] + [c for c in frame.columns if c != "endpoint"]]  # noqa: E731
    medians = pd.concat([summaries.median_table(curves).assign(endpoint=ENDPOINTS[e].title)
                         for e, curves in analysis.curves.items() if not ENDPOINTS[e].competing], ignore_index=True)
    follow = analysis.follow_up
    medians = pd.concat([medians, pd.DataFrame([{"endpoint": "Follow-up (reverse Kaplan-Meier)", "stratum": "All",
                                                 "median": follow.estimate, "ci_lower": follow.ci_lower,
                                                 "ci_upper": follow.ci_upper}])], ignore_index=True)
    return {"Estimates": first(pd.concat(estimates, ignore_index=True)),
            "Differences": first(pd.concat(differences, ignore_index=True)),
            "Risk tables": first(pd.concat(risks, ignore_index=True)),
            "Medians": first(medians),
            "Tests": pd.DataFrame(tests, columns=["endpoint", "test", "statistic", "df", "p_value", "note"])}


def results_workbook(analysis: Analysis, problems: pd.DataFrame, *, source: str, synthetic: bool = False,
                     model=None, figure_options: dict | None = None) -> bytes:
    """xlsx bytes: About, Text, Estimates, Differences, Risk tables, Medians, Tests, Table 1,
    Table 1 (numbers), Complications, Patient flow, Problems; with ``model`` (a
    :class:`predictors.OutcomeModel` fitted to the same patients) its sentence in Text and the
    sheets Model and Model, each alone. The risk tables are at the ticks of the figures drawn
    under ``figure_options`` (endpoint -> :class:`FigureOptions`)."""
    book = Workbook()
    book.remove(book.active)
    _write(book, "About", _about(analysis, source, synthetic))
    sections = {"Results": report.results_text(analysis), "Model": report.fitted_model_sentence(model),
                "Methods": report.methods_text(analysis)}
    _write(book, "Text", pd.DataFrame({"section": [k for k, v in sections.items() if v],
                                       "text": [v for v in sections.values() if v]}))
    settings = analysis.settings
    headed = lambda frame, **more: with_headings(frame, conf_level=settings.conf_level, **more)  # noqa: E731
    for name, frame in _endpoint_frames(analysis, figure_options or {}).items():
        _write(book, name, headed(frame, time_unit=settings.time_unit),
               note="Estimates are proportions (0-1); times in " + settings.time_unit
               + ("; an empty median or bound was not reached (the curve or its bound stays above 50%) or cannot "
                  "be estimated (a bound undefined where the curve falls to 0); the Text sheet says why a follow-up "
                  "median is missing" if name == "Medians" else ""))
    _write(book, "Table 1", analysis.baseline.display, note=analysis.baseline.footnote)
    _write(book, "Table 1 (numbers)", headed(analysis.baseline.rows))
    _write(book, "Complications", headed(analysis.complications))
    _write(book, "Patient flow", headed(analysis.flow))
    if model is not None:
        note = f"{model.model.method}; {model.model.n} patients, {model.model.events} events; " \
               f"intervals at {level_label(model.model.conf_level)}"
        ratio = model.outcome.ratio
        _write(book, "Model", with_headings(model.model.table, conf_level=model.model.conf_level, ratio=ratio),
               note=note)
        _write(book, "Model, each alone", with_headings(model.single, conf_level=model.model.conf_level, ratio=ratio),
               note=note)
    _write(book, "Problems", headed(problems))
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def results_zip(analysis: Analysis, problems: pd.DataFrame, *, source: str, synthetic: bool = False,
                size: str = "slide", settings_json: bytes | None = None, model=None,
                figure_options: dict | None = None, progress: Callable[[float, str], None] | None = None) -> bytes:
    """zip bytes: figures/<name>.png|svg|pdf, results.xlsx, results_and_methods.txt and settings.json
    when given; with ``model`` (fitted to the same patients) its forest plot and, after the results,
    its sentence. ``progress(fraction done, what is being made)`` is called before each file."""
    subtitle = "Synthetic sample data: not real patients" if synthetic else ""
    report_progress = progress or (lambda fraction, what: None)
    charts_by_name = figures(analysis, size=size, subtitle=subtitle, options=figure_options)
    if model is not None:
        charts_by_name["forest"] = forest.forest_plot(model.model.table, title=model.outcome.heading, subtitle=subtitle,
                                                      size=size, ratio=model.outcome.ratio,
                                                      conf_level=model.model.conf_level)
    steps, done = len(charts_by_name) * len(export.FORMATS) + 2, 0
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, chart in charts_by_name.items():
            figure = export.FigureFile(chart)  # rendered once for the three formats
            for fmt in export.FORMATS:
                report_progress(done / steps, f"figures/{name}.{fmt}")
                archive.writestr(f"figures/{name}.{fmt}", figure.bytes(fmt))
                done += 1
        report_progress(done / steps, "results.xlsx")
        archive.writestr("results.xlsx", results_workbook(analysis, problems, source=source, synthetic=synthetic,
                                                          model=model, figure_options=figure_options))
        report_progress((done + 1) / steps, "results_and_methods.txt")
        sentence = report.fitted_model_sentence(model)
        results = report.results_text(analysis) + (f"\n\n{sentence}" if sentence else "")
        text = "RESULTS\n\n" + results + "\n\nMETHODS\n\n" + report.methods_text(analysis) + "\n"
        archive.writestr("results_and_methods.txt", text.encode("utf-8"))
        if settings_json is not None:
            archive.writestr("settings.json", settings_json)
    report_progress(1.0, "done")
    return buffer.getvalue()
