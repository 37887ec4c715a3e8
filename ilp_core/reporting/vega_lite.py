"""Vega-Lite specs as plain dicts and lists: views, layers, concatenations and a figure's top.

The figures are Vega-Lite JSON. Altair writes the same JSON, but copies the whole figure at each
layer, concatenation and conversion: 0.2 s of the 0.3 s a three-panel figure took to make. Here a
figure costs what its JSON does. Each function returns a new dict; nothing is validated here (the
tests check every figure against Vega-Lite's schema).

A view's data is written inline (:func:`view`); :func:`figure` stores each distinct dataset once,
under a name made from a hash of its values, as Altair does.
"""
from __future__ import annotations

import hashlib
import json
import math

import numpy as np
import pandas as pd

# The Vega-Lite version of the schema the figures are written for (Altair's, which the tests check).
SCHEMA_URL = "https://vega.github.io/schema/vega-lite/v6.4.1.json"
_TYPES = {"Q": "quantitative", "N": "nominal", "O": "ordinal", "T": "temporal"}


def channel(shorthand: str, **props) -> dict:
    """An encoding channel from ``"field:T"`` (T: Q, N, O or T, as in Altair) and its properties.

    Examples
    --------
    >>> channel("time:Q", title="Months")
    {'field': 'time', 'type': 'quantitative', 'title': 'Months'}
    """
    name, _, kind = shorthand.partition(":")
    return {"field": name, **({"type": _TYPES[kind]} if kind else {}), **props}


def view(data: pd.DataFrame, mark: str, encoding: dict, mark_props: dict | None = None, **props) -> dict:
    """One view: a ``mark`` ("line", "text", ...) with its properties, drawn from the rows of
    ``data`` as ``encoding`` says; ``props``: the view's name, size, title."""
    return {"data": {"values": records(data)}, "mark": {"type": mark, **(mark_props or {})},
            "encoding": encoding, **props}


def layer(*views: dict, **props) -> dict:
    """Views drawn on top of each other, the first at the bottom."""
    return {"layer": list(views), **props}


def vconcat(*views: dict, **props) -> dict:
    """Views one above the other."""
    return {"vconcat": list(views), **props}


def hconcat(*views: dict, **props) -> dict:
    """Views side by side."""
    return {"hconcat": list(views), **props}


def config(font: str, axis_size: float | None = None) -> dict:
    """The figures' look: ``font`` everywhere, white background, no frame around a view, and axis
    text in ``font`` at ``axis_size`` px (for a figure without axes: None)."""
    axis = {"axis": {"labelFont": font, "labelFontSize": axis_size, "titleFont": font, "titleFontSize": axis_size}}
    return {"font": font, "background": "white", "view": {"stroke": None}, **(axis if axis_size else {})}


def figure(body: dict, **top) -> dict:
    """The whole figure: ``body`` (a view, layer or concatenation) with ``top`` (title, config,
    usermeta ...), the schema, and each distinct dataset stored once under ``datasets``."""
    datasets: dict[str, list] = {}
    spec = {"$schema": SCHEMA_URL, **_named_data(body, datasets), **top}
    if datasets:
        spec["datasets"] = datasets
    return spec


def _named_data(node, datasets: dict):
    """``node`` with every inline ``data.values`` replaced by a name in ``datasets``."""
    if isinstance(node, list):
        return [_named_data(item, datasets) for item in node]
    if not isinstance(node, dict):
        return node
    out = {}
    for key, value in node.items():
        if key == "data" and isinstance(value, dict) and "values" in value:
            name = dataset_name(value["values"])
            datasets.setdefault(name, value["values"])
            out[key] = {"name": name}
        elif key in ("layer", "vconcat", "hconcat"):
            out[key] = _named_data(value, datasets)
        else:
            out[key] = value
    return out


def dataset_name(values: list) -> str:
    """A dataset's name: a hash of its values (Altair's, so equal data share one name)."""
    text = json.dumps(values, sort_keys=True, default=str)
    return "data-" + hashlib.sha256(text.encode()).hexdigest()[:32]


def records(frame: pd.DataFrame) -> list[dict]:
    """The rows of ``frame`` as JSON-ready dicts: Python numbers, text and true/false, a missing or
    infinite number as null (JSON has neither). Anything else (dates, durations, objects) and column
    names that are not distinct as text raise ValueError: the figures draw numbers and names only.

    Examples
    --------
    >>> records(pd.DataFrame({"time": [0.0, float("nan")], "group": ["a", None]}))
    [{'time': 0.0, 'group': 'a'}, {'time': None, 'group': None}]
    """
    names = [str(name) for name in frame.columns]
    if len(set(names)) < len(names):
        raise ValueError(f"column names must be distinct as text; got {list(frame.columns)!r}")
    columns = [_json_values(_values(frame.iloc[:, i]), name) for i, name in enumerate(names)]
    return [dict(zip(names, row)) for row in zip(*columns)] if names else [{} for _ in range(len(frame))]


def _values(column: pd.Series) -> np.ndarray:
    """A column's values; pandas' own types (nullable integers, categories, dates with a time zone) as
    Python objects, so that 1 stays 1 and a missing value is pd.NA, not NaN."""
    if isinstance(column.dtype, pd.api.extensions.ExtensionDtype):
        return column.to_numpy(dtype=object)
    return column.to_numpy()


def _json_values(values: np.ndarray, name: str) -> list:
    if values.dtype.kind == "f":
        out = values.tolist()
        for i in np.flatnonzero(~np.isfinite(values)):
            out[i] = None
        return out
    if values.dtype.kind in "iub":
        return values.tolist()
    if values.dtype.kind not in "OUS":
        raise ValueError(f"column {name!r} holds {values.dtype}: a figure's data are numbers, text and true/false")
    return [_json_value(v, name) for v in values.tolist()]


def _json_value(value, name: str):
    if isinstance(value, np.generic):
        value = value.item()
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, (str, bool, int)):
        return value
    raise ValueError(f"column {name!r} holds {type(value).__name__} {value!r}: a figure's data are numbers, text "
                     f"and true/false")
