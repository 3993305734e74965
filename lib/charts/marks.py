"""Marks shared by several charts: real values as filled discs, modelled ones as rings."""

from __future__ import annotations

from typing import Literal

import altair as alt

from lib import provenance

#: A ring as an SVG path in the unit square Vega-Lite scales shapes from.
RING = "M-1,0A1,1 0 1,0 1,0A1,1 0 1,0 -1,0ZM-0.55,0A0.55,0.55 0 1,1 0.55,0A0.55,0.55 0 1,1 -0.55,0Z"


def status_channels(
    field: str = "status",
    legend: bool = True,
    orient: Literal["top", "bottom", "left", "right"] = "top",
    short: bool = False,
) -> dict:
    """Altair channels that draw real points as filled discs and modelled points as rings, with a Swedish legend;
    use on a `mark_point(filled=True, strokeWidth=0)` layer whose `fill` carries the series colour. (A ring is a
    shape, not an opacity: Vega-Lite draws no legend for fill opacity.)"""
    leg = (
        alt.Legend(
            title=None,
            orient=orient,
            labelFontSize=14 if orient == "top" else 13,
            symbolFillColor="#444",
            symbolStrokeWidth=0,
            symbolSize=120,
            labelExpr="datum.label" if short else "datum.label == 'verkligt' ? 'verkligt värde' : 'syntetiskt värde'",
        )
        if legend
        else None
    )
    scale = alt.Scale(domain=list(provenance.STATUS_ORDER), range=["circle", RING])
    return {"shape": alt.Shape(f"{field}:N", scale=scale, legend=leg)}
