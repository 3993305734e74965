"""Charts of Statistisk granskning as plain Vega-Lite dicts with the Swedish locale: the indicators' correlation
heatmap and the nominal against the effective weight of each indicator.

Plain dicts (as `lib.charts.specs`): no Altair schema check on each run, and easy to test."""

from __future__ import annotations

from collections.abc import Sequence

from lib.charts.locale import localised_spec

Spec = dict
FLAG_COLOUR = "#111111"
WEIGHT_COLOURS = {"Nominell vikt": "#9aa5b1", "Effektiv vikt": "#1f4e8c"}


def correlation_heatmap(order: Sequence[str], cell: int = 22) -> Spec:
    """Indicators × indicators coloured by r (−1 blue … +1 red), cells with |r| at or above the mark outlined and
    their r written. Data: rad, kolumn, r, flaggad (`lib.audit_texts.heatmap_rows`); `order` = indicator names."""
    axis = {"labelFontSize": 11, "labelLimit": 230, "labelOverlap": False, "title": None}
    x = {"field": "kolumn", "type": "nominal", "sort": list(order), "axis": {**axis, "labelAngle": -50}}
    y = {"field": "rad", "type": "nominal", "sort": list(order), "axis": axis}
    tooltip = [
        {"field": "rad", "type": "nominal", "title": "Indikator"},
        {"field": "kolumn", "type": "nominal", "title": "mot"},
        {"field": "r", "type": "quantitative", "format": ".2f", "title": "r"},
    ]
    flagged = {"filter": "datum.flaggad"}
    spec = {
        "width": {"step": cell},
        "height": {"step": cell},
        "layer": [
            {
                "mark": {"type": "rect"},
                "encoding": {
                    "x": x,
                    "y": y,
                    "color": {
                        "field": "r",
                        "type": "quantitative",
                        "scale": {"scheme": "redblue", "reverse": True, "domain": [-1, 1]},
                        "legend": {"title": "r", "format": ".1f", "orient": "right"},
                    },
                    "tooltip": tooltip,
                },
            },
            {
                "transform": [flagged],
                "mark": {"type": "rect", "fillOpacity": 0, "stroke": FLAG_COLOUR, "strokeWidth": 2},
                "encoding": {"x": x, "y": y, "tooltip": tooltip},
            },
            {
                "transform": [flagged],
                "mark": {"type": "text", "fontSize": 9, "fontWeight": "bold", "color": "white"},
                "encoding": {"x": x, "y": y, "text": {"field": "r", "type": "quantitative", "format": ".2f"}},
            },
        ],
    }
    return localised_spec(spec)


def weight_bars(order: Sequence[str]) -> Spec:
    """Per indicator (rows in `order`) two bars: its nominal weight and its effective weight (share of the index's
    variance). Data: indikator, vikt ("Nominell vikt" or "Effektiv vikt"), andel 0–1
    (`lib.audit_texts.weight_bar_rows`)."""
    spec = {
        "mark": "bar",
        "height": {"step": 11},
        "encoding": {
            "y": {
                "field": "indikator",
                "type": "nominal",
                "sort": list(order),
                "title": None,
                "axis": {"labelFontSize": 12, "labelLimit": 240},
            },
            "yOffset": {"field": "vikt", "sort": list(WEIGHT_COLOURS)},
            "x": {"field": "andel", "type": "quantitative", "title": "Andel av indexet", "axis": {"format": "%"}},
            "color": {
                "field": "vikt",
                "type": "nominal",
                "scale": {"domain": list(WEIGHT_COLOURS), "range": list(WEIGHT_COLOURS.values())},
                "legend": {"orient": "top", "title": None, "labelFontSize": 13},
            },
            "tooltip": [
                {"field": "indikator", "type": "nominal", "title": "Indikator"},
                {"field": "vikt", "type": "nominal", "title": "Vikt"},
                {"field": "andel", "type": "quantitative", "format": ".1%", "title": "Andel"},
            ],
        },
    }
    return localised_spec(spec)
