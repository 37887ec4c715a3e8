"""The report's figures, as the pages show them and the downloads, the zip and the deck hold them:
one per endpoint with the user's options, the three-panel figure, and the patient flow.
"""
from __future__ import annotations

import dataclasses
import math

import numpy as np

from ilp_core.cohort import endpoints
from ilp_core.cohort.endpoints import ENDPOINTS
from ilp_core.reporting import charts, flow_diagram
from ilp_core.reporting.figure_options import MAX_TICKS, FigureOptions
from ilp_core.reporting.formatting import p_value
from ilp_core.results import summaries
from ilp_core.results.analysis import Analysis
from ilp_core.stats.comparisons import TestResult

PANELS = "three_panels"  # the three-panel figure's key among the figures (the others: endpoint keys)
PANELS_TITLE = "Outcomes after isolated limb perfusion"


def figure_keys() -> list[str]:
    """The figures a user can set options for: every endpoint's, and the three-panel figure."""
    return [*ENDPOINTS, PANELS]


def risk_at_ticks(curves: dict, time_unit: str, options: FigureOptions):
    """The number-at-risk table of a figure drawn under ``options``: ``stratum, time, n_risk, n_events``."""
    return summaries.risk_table(curves, figure_ticks(curves, time_unit, options))


def figure_ticks(curves: dict, unit: str, options: FigureOptions, max_ticks: int = 9) -> np.ndarray:
    """The time-axis ticks (and risk-table columns): every ``options.tick_every`` (a multiple of it
    when that would make more than 25 ticks) up to ``options.time_max`` when given, else round steps
    up to the last time of any curve. There are always at least two ticks.

    Examples
    --------
    >>> from ilp_core import kaplan_meier
    >>> curves = {"all": kaplan_meier([5.0, 30.0], [1, 0])}
    >>> figure_ticks(curves, "months", FigureOptions(time_max=24, tick_every=6)).tolist()
    [0.0, 6.0, 12.0, 18.0, 24.0]
    >>> figure_ticks(curves, "months", FigureOptions(tick_every=12)).tolist()
    [0.0, 12.0, 24.0, 36.0]
    >>> figure_ticks(curves, "months", FigureOptions(time_max=50)).tolist()
    [0.0, 12.0, 24.0, 36.0, 48.0]
    """
    last = max(max((float(c.table.time.max()) for c in curves.values()), default=0.0), 1e-9)
    end = options.time_max or last
    if options.tick_every:
        every = options.tick_every * max(1, math.ceil(end / options.tick_every / MAX_TICKS - 1e-9))
    else:
        every = summaries.tick_step(end, unit, max_ticks)
    stop = end if options.time_max else math.ceil(end / every - 1e-9) * every
    ticks = np.round(np.arange(0, stop + every * 1e-9, every), 10)
    return ticks if len(ticks) > 1 else np.array([0.0, end])


def axis_end(ticks, options: FigureOptions) -> float:
    """Where the time axis ends: where the user said, else at the last tick."""
    return float(options.time_max or ticks[-1])


def p_on_plot(result: TestResult | None) -> str:
    """The test written inside a figure: "Log-rank test p = 0.034" ("" when there is no test)."""
    if result is None or result.note or not np.isfinite(result.p_value):
        return ""
    return f"{result.method[:1].upper()}{result.method[1:]}, {p_value(result.p_value)}"


def endpoint_figure(curves: dict, endpoint: str, *, time_unit: str, options: FigureOptions | None = None,
                    test: TestResult | None = None, subtitle: str = "", titled: bool = True, risk=None):
    """The endpoint's curve figure under the user's ``options`` (defaults from the endpoint registry);
    the ``subtitle`` (the synthetic-data note) follows the user's own. ``risk``: the figure's
    :func:`risk_at_ticks`, when the caller has it already."""
    charts.require_curves(curves)
    options = options or FigureOptions()
    described = ENDPOINTS[endpoint]
    risk = risk_at_ticks(curves, time_unit, options) if risk is None else risk
    ticks = np.unique(risk.time.to_numpy(dtype=float))
    title = (options.title if options.title is not None else described.title) if titled else ""
    subtitles = " \u00b7 ".join(text for text in (options.subtitle, subtitle) if text)
    return charts.curve_figure(
        curves, risk, incidence=described.competing, title=title,
        x_title=options.x_title if options.x_title is not None else f"{time_unit.capitalize()} since perfusion",
        y_title=options.y_title if options.y_title is not None else described.axis, ticks=ticks,
        subtitle=subtitles, options=options, annotation=p_on_plot(test) if options.p_value else "",
        time_end=axis_end(ticks, options))


def _panel(analysis: Analysis, endpoint: str, ticks, options: FigureOptions) -> dict:
    curves, unit = analysis.curves[endpoint], analysis.settings.time_unit
    described = ENDPOINTS[endpoint]
    return dict(curves=curves, risk=summaries.risk_table(curves, ticks), incidence=described.competing,
                heading=described.heading, y_title=described.axis, x_title=unit.capitalize(), ticks=ticks,
                annotation=p_on_plot(analysis.tests.get(endpoint)) if options.p_value else "",
                time_end=axis_end(ticks, options))


def three_panels(analysis: Analysis, *, size: str = "slide", subtitle: str = "",
                 options: FigureOptions | None = None):
    """The endpoints marked ``in_panels`` in the registry side by side (overall survival, recurrence-free
    survival, amputation), each with its risk table, on one time axis (to the last time of any, or as
    ``options`` say; their size wins over ``size``)."""
    options = options or FigureOptions(size=size)
    order = [e.key for e in endpoints.in_panels()]
    every = {f"{e}:{name}": curve for e in order for name, curve in analysis.curves[e].items()}
    ticks = figure_ticks(every, analysis.settings.time_unit, options, max_ticks=5)
    title = options.title if options.title is not None else PANELS_TITLE
    subtitles = " \u00b7 ".join(text for text in (options.subtitle, subtitle) if text)
    return charts.panel_figure([_panel(analysis, e, ticks, options) for e in order], title=title,
                               subtitle=subtitles, options=options)


def figure_titles(analysis: Analysis, options: dict | None = None) -> dict[str, str]:
    """The title of each figure of :func:`figures`, by file stem (the user's own where given)."""
    options = options or {}
    own = {e: o.title for e, o in options.items() if o.title is not None}
    return {**{e: ENDPOINTS[e].title for e in analysis.curves}, PANELS: PANELS_TITLE,
            "patient_flow": "Patient flow", **own}


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
    panels = options.get(PANELS) or FigureOptions(size=size)
    if not titled:
        panels = dataclasses.replace(panels, title="")
    out[PANELS] = three_panels(analysis, subtitle=subtitle, options=panels)
    out["patient_flow"] = flow_diagram.flow_chart(analysis.flow, subtitle=subtitle,
                                            title="Patient flow" if titled else "")
    return out
