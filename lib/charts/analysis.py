"""The Altair charts of Jämför, Utveckling, Fördelning av medel and Mål och uppföljning.

Why here and not on the pages: every chart is built the same way — Swedish locale, tooltips in Swedish with the
indicator's own decimals, labels long enough for the names — and as functions of plain frames they are tested as
Vega-Lite dicts. The pages only pass their data and call `st.altair_chart`."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import altair as alt
import pandas as pd

from lib.charts.locale import localised, number_format
from lib.charts.marks import status_channels

#: Room for the longest indicator and nämnd names at 1280 px before Vega cuts them with "…".
LABEL_LIMIT = 300
LEGEND: dict[str, Any] = {"orient": "top", "title": None, "labelFontSize": 14, "labelLimit": 320}


def _reference_rule(value: float = 100) -> alt.Chart:
    return alt.Chart(pd.DataFrame({"x": [value]})).mark_rule(color="#111", strokeDash=[5, 3]).encode(x="x:Q")


def compare_risk(
    dots: pd.DataFrame, indicators: Sequence[str], series: Sequence[str], colours: Sequence[str]
) -> alt.LayerChart | alt.FacetChart:
    """Jämför: one point per series and indicator, risk against the city (100 = the city); data: serie,
    indikator, år, status, risk (`lib.comparison.risk_dots`)."""
    points = (
        alt.Chart(dots)
        .mark_point(filled=True, size=130, strokeWidth=0, opacity=1)
        .encode(
            y=alt.Y(
                "indikator:N",
                sort=list(indicators),
                title=None,
                axis=alt.Axis(labelFontSize=13, labelLimit=LABEL_LIMIT),
            ),
            x=alt.X("risk:Q", title="Risk mot staden (100 = staden)", scale=alt.Scale(zero=False)),
            fill=alt.Fill(
                "serie:N",
                scale=alt.Scale(domain=list(series), range=list(colours)[: len(series)]),
                legend=alt.Legend(**LEGEND, symbolStrokeWidth=0),
            ),
            **status_channels(orient="bottom", short=True),  # below the axis: beside the series it would be cut
            tooltip=[
                alt.Tooltip("serie:N", title="Serie"),
                alt.Tooltip("indikator:N", title="Indikator"),
                alt.Tooltip("år:O", title="År"),
                alt.Tooltip("status:N", title="Status"),
                alt.Tooltip("risk:Q", title="Risk mot staden", format=number_format(0)),
            ],
        )
    )
    return localised(alt.layer(_reference_rule(), points).properties(height=28 * len(indicators) + 60))


def trend_lines(
    data: pd.DataFrame,
    order: Sequence[str],
    colours: Sequence[str],
    groups: Sequence[str],
    unit: str,
    decimals: int,
    marks: pd.DataFrame,
) -> alt.LayerChart | alt.FacetChart:
    """Utveckling: one line per series (groups dashed), real points filled and modelled ringed, the baseline and
    programme start as rules (`marks`: year, vad); data: serie, year, value, status, source, typ."""
    years = sorted(int(y) for y in data["year"].unique())
    series_scale = alt.Scale(domain=list(order), range=list(colours))
    x = alt.X("year:O", title=None, scale=alt.Scale(domain=years), axis=alt.Axis(labelAngle=0, labelFontSize=14))
    y = alt.Y("value:Q", title=unit, scale=alt.Scale(zero=False), axis=alt.Axis(labelFontSize=13, titleLimit=300))
    data = data.assign(typ=data["serie"].map(lambda s: "grupp" if s in groups else "stadsdel"))
    lines = (
        alt.Chart(data)
        .mark_line(strokeWidth=3)
        .encode(
            x=x,
            y=y,
            color=alt.Color("serie:N", scale=series_scale, legend=alt.Legend(**LEGEND)),
            strokeDash=alt.StrokeDash(
                "typ:N", legend=None, scale=alt.Scale(domain=["stadsdel", "grupp"], range=[[1, 0], [6, 4]])
            ),
        )
    )
    points = (
        alt.Chart(data)
        .mark_point(filled=True, size=110, strokeWidth=0, opacity=1)
        .encode(
            x=x,
            y=y,
            fill=alt.Fill("serie:N", scale=series_scale, legend=None),
            **status_channels(),
            tooltip=[
                alt.Tooltip("serie:N", title="Serie"),
                alt.Tooltip("year:O", title="År"),
                alt.Tooltip("value:Q", title=f"Värde ({unit})", format=number_format(decimals)),
                alt.Tooltip("status:N", title="Status"),
                alt.Tooltip("source:N", title="Källa"),
            ],
        )
    )
    layers = [lines, points]
    marks = marks[marks["year"].isin(years)]
    if not marks.empty:
        layers.append(alt.Chart(marks).mark_rule(color="#888", strokeDash=[4, 3]).encode(x="year:O"))
        layers.append(
            alt.Chart(marks)
            .mark_text(align="left", dx=4, dy=-6, fontSize=13, color="#555")
            .encode(x="year:O", y=alt.value(8), text="vad:N")
        )
    return localised(alt.layer(*layers).properties(height=380))


def allocation_bars(long: pd.DataFrame, units: Sequence[str], methods: Sequence[str], unit_title: str) -> alt.Chart:
    """Fördelning av medel: per unit one bar per method in mnkr; data: unit, metod, mnkr
    (`lib.allocation_tables.by_method`)."""
    rows = len(units)
    return localised(
        alt.Chart(long)
        .mark_bar()
        .encode(
            y=alt.Y("unit:N", sort=list(units), title=None, axis=alt.Axis(labelFontSize=13, labelLimit=LABEL_LIMIT)),
            yOffset=alt.YOffset("metod:N", sort=list(methods)),
            x=alt.X("mnkr:Q", title="Miljoner kronor"),
            color=alt.Color(
                "metod:N",
                sort=list(methods),
                scale=alt.Scale(range=["#b30000", "#9aa0a6", "#1f4e8c"]),
                legend=alt.Legend(**LEGEND),
            ),
            tooltip=[
                alt.Tooltip("unit:N", title=unit_title),
                alt.Tooltip("metod:N", title="Fördelning"),
                alt.Tooltip("mnkr:Q", title="Miljoner kronor", format=number_format(1)),
            ],
        )
        .properties(height=max(260, 54 * rows) if rows <= 8 else 22 * 3 * rows)
    )


def goal_status_bar(
    summary: pd.DataFrame, levels: Sequence[str], statuses: Sequence[str], colours: Sequence[str]
) -> alt.LayerChart | alt.FacetChart:
    """Mål och uppföljning: one normalised stacked bar per level (målområden, mål, delmål) with the count on
    each segment, one row of 40 px each so the level names never crowd; data: nivå, status, antal, ordning
    (`lib.goals.followup.status_counts`)."""
    y = alt.Y(
        "nivå:N",
        sort=list(levels),
        title=None,
        scale=alt.Scale(paddingInner=0.25, paddingOuter=0.1),
        axis=alt.Axis(labelFontSize=14, labelOverlap=False, labelLimit=200, labelPadding=8, ticks=False, domain=False),
    )
    bar = (
        alt.Chart(summary)
        .mark_bar()
        .encode(
            y=y,
            x=alt.X("antal:Q", stack="normalize", axis=None),
            color=alt.Color(
                "status:N",
                scale=alt.Scale(domain=list(statuses), range=list(colours)),
                legend=alt.Legend(**LEGEND),
            ),
            order=alt.Order("ordning:N"),
            tooltip=[
                alt.Tooltip("nivå:N", title="Nivå"),
                alt.Tooltip("status:N", title="Bedömning"),
                alt.Tooltip("antal:Q", title="Antal"),
            ],
        )
    )
    labels = (
        alt.Chart(summary)
        .mark_text(color="white", fontSize=14, fontWeight="bold")
        .encode(
            y=y,
            x=alt.X("antal:Q", stack="normalize", bandPosition=0.5),
            detail="status:N",
            order=alt.Order("ordning:N"),
            text=alt.Text("antal:Q", format=number_format(0)),
        )
    )
    return localised((bar + labels).properties(height=alt.Step(40)))


def goal_outcome(both: pd.DataFrame, unit: str, title: str, decimals: int, series: Sequence[str]) -> alt.Chart:
    """Mål och uppföljning: outcomes as a solid line and the årsmål path as a dashed one; data: serie, year,
    value (`lib.goals.followup.outcome_and_targets`)."""
    scale = alt.Scale(domain=list(series), range=["#1f4e8c", "#e08214"])
    return localised(
        alt.Chart(both)
        .mark_line(point=True, strokeWidth=3)
        .encode(
            x=alt.X("year:O", title=None, axis=alt.Axis(labelAngle=0, labelFontSize=13)),
            y=alt.Y("value:Q", title=unit, scale=alt.Scale(zero=False), axis=alt.Axis(titleLimit=260)),
            color=alt.Color("serie:N", scale=scale, legend=alt.Legend(**LEGEND)),
            strokeDash=alt.StrokeDash(
                "serie:N", scale=alt.Scale(domain=list(series), range=[[1, 0], [6, 4]]), legend=None
            ),
            tooltip=[
                alt.Tooltip("serie:N", title="Serie"),
                alt.Tooltip("year:O", title="År"),
                alt.Tooltip("value:Q", title=f"Värde ({unit})", format=number_format(decimals)),
            ],
        )
        .properties(height=260, title=alt.TitleParams(title, limit=900))
    )
