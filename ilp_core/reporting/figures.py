"""The report's figures, as the pages show them and the downloads, the zip and the deck hold them:
one per endpoint with the user's options, the three-panel figure, and the patient flow.
"""
from __future__ import annotations

import numpy as np

from ilp_core.cohort import endpoints
from ilp_core.cohort.endpoints import ENDPOINTS
from ilp_core.reporting import charts, flow_diagram
from ilp_core.reporting.figure_options import MAX_TICKS, FigureOptions
from ilp_core.reporting.formatting import p_value
from ilp_core.results import summaries
from ilp_core.results.analysis import Analysis
from ilp_core.stats.comparisons import TestResult

PANELS_TITLE = "Outcomes after isolated limb perfusion"


def figure_ticks(curves: dict, unit: str, options: FigureOptions, max_ticks: int = 9) -> np.ndarray:
    """The time-axis ticks (and risk-table columns): every ``options.tick_every`` up to
    ``options.time_max`` when given, else round steps up to the last time of any curve.

    Examples
    --------
    >>> from ilp_core import kaplan_meier
    >>> curves = {"all": kaplan_meier([5.0, 30.0], [1, 0])}
    >>> figure_ticks(curves, "months", FigureOptions(time_max=24, tick_every=6)).tolist()
    [0.0, 6.0, 12.0, 18.0, 24.0]
    >>> figure_ticks(curves, "months", FigureOptions(tick_every=12)).tolist()
    [0.0, 12.0, 24.0, 36.0]
    """
    last = max(float(c.table.time.max()) for c in curves.values())
    end = options.time_max or last
    if options.tick_every:
        every = options.tick_every
        if end / every > MAX_TICKS:
            every = end / MAX_TICKS
        stop = end if options.time_max else np.ceil(end / every - 1e-9) * every
        return np.arange(0, stop + every * 1e-9, every)
    ticks = summaries.time_ticks(end, unit, max_ticks)
    return ticks[ticks <= end + 1e-9] if options.time_max and ticks[-1] > end else ticks


def p_on_plot(result: TestResult | None) -> str:
    """The test written inside a figure: "Log-rank test p = 0.034" ("" when there is no test)."""
    if result is None or result.note or not np.isfinite(result.p_value):
        return ""
    return f"{result.method[:1].upper()}{result.method[1:]}, {p_value(result.p_value)}"


def endpoint_figure(curves: dict, endpoint: str, *, time_unit: str, options: FigureOptions | None = None,
                    test: TestResult | None = None, subtitle: str = "", titled: bool = True):
    """The endpoint's curve figure under the user's ``options`` (defaults from the endpoint registry);
    the ``subtitle`` (the synthetic-data note) follows the user's own."""
    options = options or FigureOptions()
    described = ENDPOINTS[endpoint]
    ticks = figure_ticks(curves, time_unit, options)
    risk = summaries.risk_table(curves, ticks)
    title = (options.title if options.title is not None else described.title) if titled else ""
    subtitles = " \u00b7 ".join(text for text in (options.subtitle, subtitle) if text)
    return charts.curve_figure(
        curves, risk, incidence=described.competing, title=title,
        x_title=options.x_title if options.x_title is not None else f"{time_unit.capitalize()} since perfusion",
        y_title=options.y_title if options.y_title is not None else described.axis, ticks=ticks,
        subtitle=subtitles, options=options, annotation=p_on_plot(test) if options.p_value else "")


def _panel(analysis: Analysis, endpoint: str, ticks) -> dict:
    curves, unit = analysis.curves[endpoint], analysis.settings.time_unit
    described = ENDPOINTS[endpoint]
    return dict(curves=curves, risk=summaries.risk_table(curves, ticks), incidence=described.competing,
                heading=described.heading, y_title=described.axis, x_title=unit.capitalize(), ticks=ticks)


def three_panels(analysis: Analysis, *, size: str = "slide", subtitle: str = "", title: str = PANELS_TITLE):
    """The endpoints marked ``in_panels`` in the registry side by side (overall survival, recurrence-free
    survival, amputation), each with its risk table, on one time axis (to the last time of any)."""
    order = [e.key for e in endpoints.in_panels()]
    last = max(float(c.table.time.max()) for e in order for c in analysis.curves[e].values())
    ticks = summaries.time_ticks(last, analysis.settings.time_unit, 5)
    return charts.panel_figure([_panel(analysis, e, ticks) for e in order], size=size, title=title, subtitle=subtitle)


def figure_titles(analysis: Analysis, options: dict | None = None) -> dict[str, str]:
    """The title of each figure of :func:`figures`, by file stem (the user's own where given)."""
    options = options or {}
    own = {e: options[e].title for e in analysis.curves if e in options and options[e].title is not None}
    return {**{e: ENDPOINTS[e].title for e in analysis.curves}, **own, "three_panels": PANELS_TITLE,
            "patient_flow": "Patient flow"}


def figures(analysis: Analysis, *, size: str = "slide", subtitle: str = "", titled: bool = True,
            options: dict | None = None) -> dict:
    """Every figure of the report by file stem: one per endpoint (under ``options[endpoint]``, the
    user's :class:`FigureOptions`; ``size`` for the others), the three-panel figure, the flow (``titled=False``:
    without their titles, which a slide shows as text)."""
    options = options or {}
    out = {}
    for endpoint, curves in analysis.curves.items():
        chosen = options.get(endpoint) or FigureOptions(size=size)
        out[endpoint] = endpoint_figure(curves, endpoint, time_unit=analysis.settings.time_unit, options=chosen,
                                        test=analysis.tests.get(endpoint), subtitle=subtitle, titled=titled)
    out["three_panels"] = three_panels(analysis, size=size, subtitle=subtitle, title=PANELS_TITLE if titled else "")
    out["patient_flow"] = flow_diagram.flow_chart(analysis.flow, subtitle=subtitle,
                                            title="Patient flow" if titled else "")
    return out
