"""Vega-Lite specifications for the charts a weight change redraws (Index och vikter), as plain dicts.

Altair validates every chart against the Vega-Lite JSON schema and stringifies its data to name it; on the
index page that cost about 30 ms per chart on each slider move. The same specs written as dicts cost nothing
to build, and being plain data they are easy to test.
"""

from __future__ import annotations

from collections.abc import Sequence

from lib.charts.locale import localised_spec

Spec = dict


def _label_axis(**extra) -> dict:
    return {"labelFontSize": 13, "labelOverlap": False, **extra}


def rank_bands(order: Sequence[str], x_max: float) -> Spec:
    """Per stadsdel (rows in `order`): best–worst reach, 90 % band, median tick and the current rank.

    Data columns: stadsdel, rank, rank_best, rank_worst, rank_p05, rank_p95, rank_median."""
    y = {"field": "stadsdel", "type": "nominal", "sort": list(order), "title": None, "axis": _label_axis()}
    x_scale = {"domain": [0, x_max]}
    spec = {
        "height": 24 * len(order) + 40,
        "layer": [
            {
                "mark": {"type": "rule", "color": "#c8ccd2", "strokeWidth": 3},
                "encoding": {
                    "y": y,
                    "x": {
                        "field": "rank_best",
                        "type": "quantitative",
                        "scale": x_scale,
                        "title": "Plats (1 = högst risk)",
                    },
                    "x2": {"field": "rank_worst"},
                    "tooltip": [
                        {"field": "rank_best", "type": "quantitative", "title": "Bästa möjliga"},
                        {"field": "rank_worst", "type": "quantitative", "title": "Sämsta möjliga"},
                    ],
                },
            },
            {
                "mark": {"type": "rule", "color": "#1f4e8c", "strokeWidth": 9, "opacity": 0.45},
                "encoding": {
                    "y": y,
                    "x": {"field": "rank_p05", "type": "quantitative", "scale": x_scale},
                    "x2": {"field": "rank_p95"},
                },
            },
            {
                "mark": {"type": "tick", "color": "#1f4e8c", "thickness": 3, "size": 16},
                "encoding": {"y": y, "x": {"field": "rank_median", "type": "quantitative"}},
            },
            {
                "mark": {"type": "point", "color": "#b30000", "filled": True, "size": 70, "shape": "diamond"},
                "encoding": {
                    "y": y,
                    "x": {"field": "rank", "type": "quantitative"},
                    "tooltip": [
                        {"field": "stadsdel", "type": "nominal", "title": "Stadsdel"},
                        {"field": "rank", "type": "quantitative", "title": "Plats nu"},
                    ],
                },
            },
        ],
    }
    return localised_spec(spec)


def effective_weights(rows: int, domain: Sequence[str], colours: Sequence[str]) -> Spec:
    """Horizontal bars of each indicator's effective weight, coloured by area; data: indikator, område,
    effective_weight."""
    spec = {
        "mark": "bar",
        "height": 24 * rows + 20,
        "encoding": {
            "y": {
                "field": "indikator",
                "type": "nominal",
                "sort": "-x",
                "title": None,
                "axis": _label_axis(labelLimit=260),
            },
            "x": {
                "field": "effective_weight",
                "type": "quantitative",
                "title": "Vikt i indexet (nominell)",
                "axis": {"format": "%"},
            },
            "color": {
                "field": "område",
                "type": "nominal",
                "scale": {"domain": list(domain), "range": list(colours)},
                "legend": {"orient": "top", "title": None, "labelFontSize": 13, "columns": 2},
            },
            "tooltip": [
                {"field": "indikator", "type": "nominal", "title": "Indikator"},
                {"field": "område", "type": "nominal", "title": "Område"},
                {"field": "effective_weight", "type": "quantitative", "format": ".1%", "title": "Vikt i indexet"},
            ],
        },
    }
    return localised_spec(spec)
