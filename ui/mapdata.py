"""The Karta page's data, cached per choice: what a level can show (`catalogue`), the chosen layer's values
(`layer_values`), the figures drawn from them (units in view, classes, ranks, the table and its download) and the
map's spec. Everything here depends only on the data and the choices (never on what users write), so it is kept
in `st.cache_data`, which `ui.results.data_changed` clears after an import; a rerun that changes nothing redraws
from the cache instead of filtering the level's long values again."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
import pydeck as pdk
import streamlit as st

from lib import export_tables, levels, maplayer, mapview
from lib import index as ix
from lib.maplayer import COMPOSITE, LayerValues
from ui import geometry, maps, readers, results, wording


@dataclass(frozen=True)
class Catalogue:
    """What the map can show at a level: its units (indexed by code), the indicator catalogue, the layer options
    (readable label → domain or indicator code) and the years with values of each indicator."""

    level: str
    real_only: bool
    units: pd.DataFrame
    indicators: pd.DataFrame
    domain_label: dict[str, str]
    ind_code: dict[str, str]
    context_codes: set[str]
    years_of: dict[str, list[int]]

    @property
    def layers(self) -> list[str]:
        return [COMPOSITE, *self.domain_label, *self.ind_code]

    @property
    def names(self) -> dict[str, str]:
        return dict(zip(self.units.index, self.units["name"], strict=True))


def _present(level: str, real_only: bool) -> pd.DataFrame:
    """The level's non-missing values."""
    long = readers.level_values(level, real_only)
    return long[long["value"].notna()]


@st.cache_data(show_spinner=False, max_entries=8)
def catalogue(level: str, real_only: bool) -> Catalogue:
    """Cached: scanning the level's long values for its layers and years took a large share of every rerun."""
    present = _present(level, real_only)
    inds = readers.indicators()
    domain_label, ind_code, context_codes = maplayer.layer_options(
        inds, readers.index_domains(), set(present["indicator_code"].tolist()), readers.CONTEXT
    )
    units = readers.units(level).set_index("code")
    years_of = {
        str(code): sorted(int(y) for y in years.unique()) for code, years in present.groupby("indicator_code")["year"]
    }
    return Catalogue(level, real_only, units, inds, domain_label, ind_code, context_codes, years_of)


def layer_values(cat: Catalogue, layer: str, year: int, params: ix.IndexParams, only_real: bool) -> LayerValues:
    """The chosen layer's values, statuses and wording (an indicator, or the index / a domain score)."""
    return _layer_values(cat.level, cat.real_only, layer, year, params, only_real)


@st.cache_data(show_spinner=False, max_entries=64, hash_funcs=results.PARAMS_HASH)
def _layer_values(
    level: str, real_only: bool, layer: str, year: int, params: ix.IndexParams, only_real: bool
) -> LayerValues:
    """`layer_values`, cached per choice: the filters over the level's long values were most of a rerun."""
    cat = catalogue(level, real_only)
    present = _present(level, real_only)
    index = cat.units.index
    if layer in cat.ind_code:
        code = cat.ind_code[layer]
        weights = ix.nearest_population(readers.level_values(cat.level), year, list(index))
        return maplayer.indicator_layer(
            index,
            present,
            cat.indicators.set_index("code").loc[code],
            year,
            context=code in cat.context_codes,
            only_real=only_real,
            weights=np.nan_to_num(weights, nan=0.0),
        )
    column = "composite" if layer == COMPOSITE else f"domain_{cat.domain_label[layer]}"
    _, fw = results.index_inputs(cat.level, year, cat.real_only)
    pairs = zip(fw.indicators, fw.indicator_domains, strict=True)
    used_inds = [c for c, d in pairs if column in ("composite", f"domain_{d}")]
    universes = maplayer.DESO_UNIVERSES if cat.level == "deso" else wording.UNIVERSES
    how = maplayer.IndexMethod(
        params.method,
        wording.METHODS[params.method],
        wording.AGGREGATIONS[params.aggregation],
        universes[params.universe],
    )
    scores = results.index_result(params).scores.set_index("area_code")
    used = maplayer.latest_used(present, used_inds, year)
    return maplayer.index_layer(index, scores, column, used, how, only_real)


@st.cache_data(show_spinner=False, max_entries=64, hash_funcs=results.PARAMS_HASH)
def selection_shift(params: ix.IndexParams) -> dict:
    """Which stadsdelar (the units of `params.level`) the index would bring into the selection of 22 and which it
    would drop; cached per index."""
    units = readers.units(params.level).set_index("code")
    result = results.index_result(params)
    order = units.reindex(result.scores["area_code"])
    return ix.selection(result.scores, order["outer_city"].to_numpy(bool), order["in_programme"].to_numpy(bool))


@dataclass(frozen=True)
class Figures:
    """What the page draws from a layer's values: the units in view, the index's shift of the selection (stadsdel
    level), the scheme used (quantiles when fixed classes have no ratio), classes, ranks, the table and its
    prepared download, and whether any value in view is synthetic."""

    shown_codes: set[str]
    pick: dict | None
    scheme: str
    classes: maplayer.Classes
    ranked: maplayer.Ranking
    table: pd.DataFrame
    sheet: pd.DataFrame
    synthetic_in_view: bool


@dataclass(frozen=True)
class Choice:
    """Every choice the figures depend on (hashable: the cache's key)."""

    layer: str
    year: int
    scheme: str
    params: ix.IndexParams
    only_real: bool
    in_programme: bool
    show_police: bool
    show_shift: bool


def figures(cat: Catalogue, choice: Choice) -> Figures:
    """The classes, ranks, table and download of the chosen layer (`layer_values`) in the view."""
    return _figures(cat.level, cat.real_only, choice)


@st.cache_data(show_spinner=False, max_entries=32)
def _figures(level: str, real_only: bool, choice: Choice) -> Figures:
    """`figures`, cached per choice: ranking, classifying and preparing the table were most of a rerun."""
    cat = catalogue(level, real_only)
    values = layer_values(cat, choice.layer, choice.year, choice.params, choice.only_real)
    units = cat.units
    shown_codes = set(units.index[units["in_programme"]]) if choice.in_programme else set(units.index)
    pick = None
    if level != "deso":
        pick = selection_shift(choice.params)
        if choice.show_shift:
            shown_codes |= set(pick["entering"])
    shown = values.values[values.values.index.isin(shown_codes)]
    scheme = "quantiles" if maplayer.usable_scheme(choice.scheme, values) != choice.scheme else choice.scheme
    classes = maplayer.classes(values, shown, scheme)
    ranked = maplayer.ranking(values, shown, choice.in_programme)  # by risk (context: by value), in the view
    police = maps.police_by_deso() if choice.show_police else None
    label = levels.get(level).label
    at_deso = level == "deso"
    table = maplayer.table(values, ranked, classes.step_of, units, label, choice.year, police, at_deso=at_deso)
    sheet = export_tables.map_table(table, values.source_line, values.decimals)
    synthetic_in_view = bool(values.synthetic.reindex(list(shown_codes)).fillna(False).any())
    return Figures(shown_codes, pick, scheme, classes, ranked, table, sheet, synthetic_in_view)


def deck(level: str, real_only: bool, choice: Choice, selected: str | None, size: tuple[int, int]) -> pdk.Deck:
    """The map of the chosen layer (`selected`: the stadsdel or DeSO code outlined, or None), from its cached spec."""
    spec, tooltip = _deck_spec(level, real_only, choice, selected, size)
    return mapview.SpecDeck(spec, tooltip)


@st.cache_data(show_spinner=False, max_entries=32)
def _deck_spec(
    level: str, real_only: bool, choice: Choice, selected: str | None, size: tuple[int, int]
) -> tuple[str, dict | bool]:
    """The deck's JSON spec and tooltip, cached per choice and selection: building and serialising the layers was
    a large share of each rerun."""
    cat = catalogue(level, real_only)
    values = layer_values(cat, choice.layer, choice.year, choice.params, choice.only_real)
    fig = _figures(level, real_only, choice)
    labels = geometry.programme_labels() if choice.in_programme else geometry.district_labels()
    if level == "deso":
        built = maps.choropleth_deso_deck(
            values, fig.classes, fig.ranked, fig.shown_codes, labels, size, choice.show_police, selected
        )
    else:
        police = maps.police_by_deso() if choice.show_police else None
        outline = maplayer.outlines(fig.pick, choice.show_shift, selected)
        built = maps.choropleth_deck(values, fig.classes, fig.ranked, fig.shown_codes, labels, size, police, outline)
    return mapview.deck_spec(built)
