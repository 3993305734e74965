"""The data-only parts of the Jämför and Utveckling pages, cached per choice: tables, sentences, downloads and chart
specs that depend only on the data and what the page's widgets say; and a stadsdel's part of an index (Stadsdel).

Why: every widget touch reruns the page, and without a cache each rerun redid the same pandas work and Altair's
validation of every chart against the Vega-Lite schema – most of a rerun. The caches hold indicator data only
(nothing users write) and are cleared with the rest of `st.cache_data` after an import (`results.data_changed`).
Charts are kept as the Vega-Lite spec Streamlit would send (`streamlit_compat.altair_spec`) and drawn with `chart`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

import pandas as pd
import streamlit as st

from lib import charts, comparison, export_tables, trends
from lib import index as ix
from lib.config import BASELINE_YEAR, PROGRAMME_START
from lib.fmt import number
from ui import readers, results
from ui.streamlit_compat import altair_spec

Spec = dict[str, Any]


def chart(spec: Spec, width: Literal["stretch", "content"] = "stretch") -> None:
    """Draw a cached chart spec: the element `st.altair_chart` draws from the chart it came from."""
    st.vega_lite_chart(spec=spec, width=width)


def comparison_inds() -> tuple[pd.DataFrame, pd.DataFrame]:
    """Jämför's index indicators (the chart, the risk sentence) and its table's indicators, context last."""
    inds = readers.index_indicators()
    return inds, pd.concat([inds, readers.indicators().query("domain == @readers.CONTEXT")])


@dataclass(frozen=True)
class Comparison:
    """What Jämför shows for one choice: the series' labels in order, the side-by-side table with its real cells
    and row decimals, its prepared download, the risk chart and the "clearly worse" sentence (two stadsdelar)."""

    labels: list[str]
    table: pd.DataFrame
    real_mask: pd.DataFrame
    decimals: list[int]
    sheet: pd.DataFrame
    spec: Spec
    sentence: str | None


def _series(a: str, b: str | None, year: int) -> tuple[dict[str, pd.DataFrame], pd.DataFrame]:
    """Each series' latest values at `year` (a against b, or a against its district, the programme area and the
    city) and the city's."""
    code_of = {n: c for c, n in readers.area_names().items()}
    values = readers.stadsdel_values()
    status = readers.group_status()
    groups = readers.group_values().merge(status, on=["group", "indicator_code", "year"], how="left")
    city = comparison.latest(groups[groups["group"] == "Staden"], year)
    series = {a: comparison.latest(values[values["area_code"] == code_of[a]], year)}
    if b is not None:
        series[b] = comparison.latest(values[values["area_code"] == code_of[b]], year)
    else:
        districts = readers.district_values().merge(status, on=["group", "indicator_code", "year"], how="left")
        district = readers.areas().set_index("code").loc[code_of[a], "district"]
        series[district] = comparison.latest(districts[districts["group"] == district], year)
        series["Programområdet"] = comparison.latest(groups[groups["group"] == "Programområdet"], year)
        series["Staden"] = city
    return series, city


@st.cache_data(show_spinner=False, max_entries=64)
def compare(a: str, b: str | None, year: int, palette: tuple[str, ...]) -> Comparison:
    """Jämför for stadsdel `a` against stadsdel `b`, or (b None) against its district, the programme area and the
    city, at `year`."""
    inds, table_inds = comparison_inds()
    series, city = _series(a, b, year)
    table, real_mask, decimals = comparison.table(table_inds, series, readers.CONTEXT)
    labels = list(series)
    dots = comparison.risk_dots(inds, series, city)
    spec = altair_spec(charts.compare_risk(dots, list(inds["name"]), labels, list(palette)))
    sentence = comparison.worse_sentence(inds, a, series[a], b, series[b]) if b is not None else None
    sheet = export_tables.comparison(table, real_mask, decimals, table_inds)
    return Comparison(labels, table, real_mask, decimals, sheet, spec, sentence)


def params_key(params: ix.IndexParams) -> str:
    """A cheap cache key of an index's parameters: its repr names every field. Hashing the parameters themselves
    costs Streamlit's cache several milliseconds a call, so the caches that depend on an index take this key and
    the parameters as an unhashed `_params` (Streamlit skips arguments named with a leading underscore)."""
    return repr(params)


@st.cache_data(show_spinner=False, max_entries=128)
def index_metrics(labels: tuple[str, ...], key: str, _params: ix.IndexParams) -> list[tuple[str, str, str]]:
    """Label, value and help of the index metric of every stadsdel among `labels` (`key`: `params_key(_params)`)."""
    code_of = {n: c for c, n in readers.area_names().items()}
    scores = results.index_result(_params).scores.set_index("area_code")
    metrics = []
    for label in labels:
        if label in code_of:
            r = scores.loc[code_of[label]]
            rank = f"plats {int(r['rank'])}" if pd.notna(r["rank"]) else "ej rangordnad"
            metrics.append((f"Index {label}", number(r["composite"], 1), rank))
    return metrics


@dataclass(frozen=True)
class Scores:
    """One unit's part of an index – what the Stadsdel page reads of it: its row of the scores, its flags per
    indicator and its rank's range under random weights (`results.robustness`)."""

    row: pd.Series
    flags: pd.Series
    robust: pd.Series


@st.cache_data(show_spinner=False, max_entries=256)
def unit_scores(code: str, key: str, _params: ix.IndexParams) -> Scores:
    """Unit `code`'s part of the index for `_params` (`key`: `params_key(_params)`)."""
    result = results.index_result(_params)
    return Scores(
        row=result.scores.set_index("area_code").loc[code],
        flags=result.flags.loc[code],
        robust=results.robustness(_params).set_index("area_code").loc[code],
    )


@dataclass(frozen=True)
class Trend:
    """What Utveckling shows for one measure and choice of series: the measure's real and modelled years, its
    long series (empty when nothing is chosen) and, when there is one, the chart, caption, change sentence, wide
    table with its synthetic mask and the prepared download."""

    real_years: str
    model_years: str
    empty: bool
    spec: Spec = field(default_factory=dict)
    explanation: str = ""
    change: str | None = None
    wide: pd.DataFrame = field(default_factory=pd.DataFrame)
    synthetic: pd.DataFrame = field(default_factory=pd.DataFrame)
    sheet: pd.DataFrame = field(default_factory=pd.DataFrame)


@st.cache_data(show_spinner=False, max_entries=64)
def trend(
    code: str,
    chosen: tuple[str, ...],
    refs: tuple[str, ...],
    groups: tuple[str, ...],
    order: tuple[str, ...],
    colours: tuple[str, ...],
) -> Trend:
    """Utveckling for indicator `code`, the stadsdelar named in `chosen` and the groups in `refs` (`groups`: every
    group the page offers; `order`/`colours`: the series in the legend's order and their colours)."""
    meta = readers.indicators().set_index("code").loc[code]
    values = readers.stadsdel_values()
    real_years, model_years = trends.year_spans(values, code)
    status = readers.group_status()
    group_frame = readers.group_values().merge(status, on=["group", "indicator_code", "year"], how="left")
    data = trends.series(values, group_frame, code, list(chosen), readers.area_names(), list(refs))
    if data.empty:
        return Trend(real_years, model_years, True)
    decimals = int(meta["decimals"])
    marks = pd.DataFrame({"year": [BASELINE_YEAR, PROGRAMME_START], "vad": ["Basår", "Programstart"]})
    spec = altair_spec(charts.trend_lines(data, list(order), list(colours), groups, meta["unit"], decimals, marks))
    explanation = trends.explanation(data, meta["definition"], bool(meta["higher_is_worse"]), meta["source"])
    change = trends.change_text(data, list(order), BASELINE_YEAR, decimals, meta["unit"])
    wide, synthetic = trends.wide(data, list(order), decimals)
    sheet = export_tables.trend(trends.download(data), decimals)
    return Trend(real_years, model_years, False, spec, explanation, change, wide, synthetic, sheet)
