"""Charts of Känslighetsanalys as plain Vega-Lite dicts with the Swedish locale: each stadsdel's band of ranks
across the runs, and the first-order and total Sobol index of each assumption with its 95 % interval.

Plain dicts (as `lib.charts.specs`): no Altair schema check on each run, and easy to test."""

from __future__ import annotations

from collections.abc import Sequence

from lib.charts.locale import localised_spec
from lib.sensitivity_texts import INDEX_KINDS

Spec = dict
RANGE_COLOUR, BAND_COLOUR, NOMINAL_COLOUR = "#c9d1da", "#1f4e8c", "#111111"
INDEX_COLOURS = dict(zip(INDEX_KINDS, ("#9aa5b1", "#1f4e8c"), strict=True))
RANK_FORMAT = ",.0f"


def rank_bands(order: Sequence[str], n_units: int, step: int = 18) -> Spec:
    """Per stadsdel (rows in `order`, by rank with the index's own choices): a thin line from its highest to its
    lowest rank in any run, a thick bar over the 5–95 % band and a dot at the rank with the index's own choices.
    Plats 1 (highest risk) is at the left. Data: `lib.sensitivity_texts.band_rows`."""
    y = {
        "field": "stadsdel",
        "type": "nominal",
        "sort": list(order),
        "title": None,
        "axis": {"labelFontSize": 12 if step >= 18 else 10, "labelLimit": 200, "labelOverlap": False},
    }
    x = {
        "field": "hogst",
        "type": "quantitative",
        "title": "Plats (1 = högst risk)",
        "scale": {"domain": [1, max(int(n_units), 2)], "nice": False},
        "axis": {"format": RANK_FORMAT, "tickMinStep": 1},
    }
    tooltip = [
        {"field": "stadsdel", "type": "nominal", "title": "Stadsdel"},
        {"field": "plats", "type": "quantitative", "format": RANK_FORMAT, "title": "Plats med indexets val"},
        {"field": "median", "type": "quantitative", "format": ",.1f", "title": "Medianplats"},
        {"field": "p05", "type": "quantitative", "format": ",.1f", "title": "Plats 5 %"},
        {"field": "p95", "type": "quantitative", "format": ",.1f", "title": "Plats 95 %"},
        {"field": "hogst", "type": "quantitative", "format": RANK_FORMAT, "title": "Högsta plats"},
        {"field": "lagst", "type": "quantitative", "format": RANK_FORMAT, "title": "Lägsta plats"},
    ]
    spec = {
        "height": {"step": int(step)},
        "encoding": {"y": y, "tooltip": tooltip},
        "layer": [
            {
                "mark": {"type": "rule", "color": RANGE_COLOUR, "strokeWidth": 2},
                "encoding": {"x": x, "x2": {"field": "lagst"}},
            },
            {
                "mark": {"type": "bar", "color": BAND_COLOUR, "opacity": 0.55, "height": {"band": 0.6}},
                "encoding": {"x": {**x, "field": "p05"}, "x2": {"field": "p95"}},
            },
            {
                "mark": {"type": "point", "filled": True, "color": NOMINAL_COLOUR, "size": 40},
                "encoding": {"x": {**x, "field": "plats"}},
            },
        ],
    }
    return localised_spec(spec)


def index_bars(order: Sequence[str]) -> Spec:
    """Per assumption (rows in `order`) two bars, its first-order and its total Sobol index, each with its 95 %
    interval as a line. Data: antagande, index, varde, lag, hog (`lib.sensitivity_texts.index_rows`)."""
    y = {
        "field": "antagande",
        "type": "nominal",
        "sort": list(order),
        "title": None,
        "axis": {"labelFontSize": 13, "labelLimit": 200},
    }
    offset = {"field": "index", "sort": list(INDEX_KINDS)}
    scale = {"domain": [0, 1], "clamp": True}
    tooltip = [
        {"field": "antagande", "type": "nominal", "title": "Antagande"},
        {"field": "index", "type": "nominal", "title": "Index"},
        {"field": "varde", "type": "quantitative", "format": ".2f", "title": "Värde"},
        {"field": "lag", "type": "quantitative", "format": ".2f", "title": "95 % från"},
        {"field": "hog", "type": "quantitative", "format": ".2f", "title": "95 % till"},
    ]
    spec = {
        "height": {"step": 18},
        "encoding": {"y": y, "yOffset": offset, "tooltip": tooltip},
        "layer": [
            {
                "mark": "bar",
                "encoding": {
                    "x": {
                        "field": "varde",
                        "type": "quantitative",
                        "title": "Sobolindex (0–1)",
                        "scale": scale,
                        "axis": {"format": ".1f", "values": [0, 0.2, 0.4, 0.6, 0.8, 1]},
                    },
                    "color": {
                        "field": "index",
                        "type": "nominal",
                        "scale": {"domain": list(INDEX_COLOURS), "range": list(INDEX_COLOURS.values())},
                        "legend": {"orient": "top", "title": None, "labelFontSize": 13},
                    },
                },
            },
            {
                "mark": {"type": "rule", "color": NOMINAL_COLOUR, "strokeWidth": 1.5},
                "encoding": {
                    "x": {"field": "lag", "type": "quantitative", "scale": scale},
                    "x2": {"field": "hog"},
                },
            },
        ],
    }
    return localised_spec(spec)
