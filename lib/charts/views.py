"""The Altair charts of the Stadsdel page and the Presentera slides.

Why with the other charts: the same Swedish locale, Swedish tooltip titles and label limits as everywhere; the
pages and `ui/profile.py` pass their frames and draw the chart (`st.altair_chart`, or its cached Vega-Lite spec)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import altair as alt
import pandas as pd

from lib.charts.locale import localised, number_format, percent_format
from lib.charts.marks import status_channels

LEGEND: dict[str, Any] = {"orient": "top", "title": None, "labelFontSize": 14, "labelLimit": 320}


def _reference_rule(dash: Sequence[int] = (5, 3)) -> alt.Chart:
    return alt.Chart(pd.DataFrame({"x": [100]})).mark_rule(color="#111", strokeDash=list(dash)).encode(x="x:Q")


def profile_domains(
    area_df: pd.DataFrame, domains: Sequence[str], colours: Sequence[str], ref100: bool
) -> alt.LayerChart | alt.FacetChart:
    """The four domain scores as bars with the programme area's mean as a tick (and 100 = the comparison group
    as a rule for the ref100 method); data: område, poäng, programområdet."""
    y = alt.Y("område:N", sort=list(domains), title=None, axis=alt.Axis(labelFontSize=14, labelLimit=240))
    bars = (
        alt.Chart(area_df)
        .mark_bar(height=26)
        .encode(
            y=y,
            x=alt.X("poäng:Q", title="Områdespoäng"),
            color=alt.Color("område:N", scale=alt.Scale(domain=list(domains), range=list(colours)), legend=None),
            tooltip=[
                alt.Tooltip("område:N", title="Område"),
                alt.Tooltip("poäng:Q", title="Poäng", format=number_format(1)),
                alt.Tooltip("programområdet:Q", title="Programområdet", format=number_format(1)),
            ],
        )
    )
    ticks = alt.Chart(area_df).mark_tick(color="#e08214", thickness=4, size=34).encode(y=y, x="programområdet:Q")
    layers = [bars, ticks, _reference_rule()] if ref100 else [bars, ticks]
    return localised(alt.layer(*layers).properties(height=190))


def profile_contributions(top: pd.DataFrame, domains: Sequence[str], colours: Sequence[str]) -> alt.Chart:
    """The indicators that weigh most in the unit's index, as shares; data: name, område, andel (0–1)."""
    return localised(
        alt.Chart(top)
        .mark_bar()
        .encode(
            y=alt.Y("name:N", sort="-x", title=None, axis=alt.Axis(labelLimit=240, labelFontSize=13)),
            x=alt.X("andel:Q", title="Andel av indexet", axis=alt.Axis(format=percent_format(0))),
            color=alt.Color("område:N", scale=alt.Scale(domain=list(domains), range=list(colours)), legend=None),
            tooltip=[
                alt.Tooltip("name:N", title="Indikator"),
                alt.Tooltip("område:N", title="Område"),
                alt.Tooltip("andel:Q", title="Andel", format=percent_format(1)),
            ],
        )
        .properties(height=alt.Step(26), title="Vad bidrar mest till indexet?")  # every name shown
    )


def profile_trends(
    trend: pd.DataFrame, colours: Mapping[str, str], order: Sequence[str], years: Sequence[int], marks: pd.DataFrame
) -> alt.FacetChart:
    """Small multiples, one per indicator, of the unit, the programme area and the city (keys of `colours`), real
    points filled and modelled ringed; data: serie, name, year, value, värde (the value as text in the
    indicator's own decimals), unit, status. `marks`: year, vad (baseline and programme start)."""
    series_scale = alt.Scale(domain=list(colours), range=list(colours.values()))
    x = alt.X(
        "year:O",
        title=None,
        scale=alt.Scale(domain=list(years)),
        axis=alt.Axis(labelAngle=0, values=[2012, 2015, 2020, 2025]),
    )
    y_value = alt.Y("value:Q", title=None, scale=alt.Scale(zero=False))
    lines = (
        alt.Chart()
        .mark_line(strokeWidth=1.6)
        .encode(x=x, y=y_value, color=alt.Color("serie:N", scale=series_scale, legend=alt.Legend(**LEGEND)))
    )
    points = (
        alt.Chart()
        .mark_point(filled=True, size=48, strokeWidth=0, opacity=1)
        .encode(
            x=x,
            y=y_value,
            fill=alt.Fill("serie:N", scale=series_scale, legend=None),
            **status_channels(),
            tooltip=[
                alt.Tooltip("serie:N", title="Serie"),
                alt.Tooltip("name:N", title="Indikator"),
                alt.Tooltip("year:O", title="År"),
                alt.Tooltip("värde:N", title="Värde"),
                alt.Tooltip("unit:N", title="Enhet"),
                alt.Tooltip("status:N", title="Status"),
            ],
        )
    )
    rules = (
        alt.Chart(marks)
        .mark_rule(strokeDash=[4, 3], color="#888")
        .encode(x="year:O", tooltip=[alt.Tooltip("vad:N", title="Markering")])
    )
    return localised(
        alt.layer(lines, points, rules, data=trend)
        .properties(width=205, height=120)
        .facet(
            facet=alt.Facet(
                "name:N", title=None, sort=list(order), header=alt.Header(labelFontSize=13, labelLimit=220)
            ),
            columns=3,
        )
        .resolve_scale(y="independent")
        .configure_legend(labelLimit=260)
    )


def slide_domains(area_df: pd.DataFrame) -> alt.LayerChart | alt.FacetChart:
    """Presentera: a stadsdel's domain scores in projector sizes, 100 = the city; data: område, poäng."""
    bars = (
        alt.Chart(area_df)
        .mark_bar(height=34, color="#1f4e8c")
        .encode(
            y=alt.Y("område:N", title=None, sort=None, axis=alt.Axis(labelFontSize=20, labelLimit=400)),
            x=alt.X("poäng:Q", title="100 = staden", axis=alt.Axis(labelFontSize=16, titleFontSize=16)),
            tooltip=[
                alt.Tooltip("område:N", title="Område"),
                alt.Tooltip("poäng:Q", title="Poäng", format=number_format(0)),
            ],
        )
    )
    return localised((bars + _reference_rule((6, 4))).properties(height=230))


def slide_allocation(out: pd.DataFrame) -> alt.LayerChart | alt.FacetChart:
    """Presentera: the 150 mnkr by need per stadsdelsområde, each bar with its amount in whole mnkr; data: unit,
    amount (mnkr)."""
    chart = (
        alt.Chart(out)
        .mark_bar(color="#b30000")
        .encode(
            y=alt.Y("unit:N", sort="-x", title=None, axis=alt.Axis(labelFontSize=20, labelLimit=400)),
            x=alt.X("amount:Q", title="Miljoner kronor", axis=alt.Axis(labelFontSize=16, titleFontSize=16)),
            tooltip=[
                alt.Tooltip("unit:N", title="Stadsdelsområde"),
                alt.Tooltip("amount:Q", title="Miljoner kronor", format=number_format(1)),
            ],
        )
    )
    text = chart.mark_text(align="left", dx=6, fontSize=20).encode(text=alt.Text("amount:Q", format=number_format(0)))
    return localised((chart + text).properties(height=330))
