"""The read-only tables of Data och källor, cached: the catalogue, the real sources, the five real-data tables, the
published figures, the programme's selection and the import templates, each as the screen shows it and as it is
downloaded. They depend only on the data (values imported by the city and goal trees included: their writes in
`ui.writes` clear `st.cache_data`), so a rerun redraws them instead of building and preparing them again."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
import streamlit as st

from lib import export_tables, importer, provenance, reference, source_tables
from lib.config import YEARS
from lib.fmt import number
from ui import geometry, readers, tables

#: Decimals of the real-data tables' columns that are not the integer or one-decimal default.
SCREEN_DECIMALS = {"Andel av DeSO i stadsdelen": 3}


def _screen(table: pd.DataFrame) -> pd.DataFrame:
    """`table` for the screen (`source_tables.python_text`): the same cells, drawn without converting each text."""
    return source_tables.python_text(table)


@st.cache_data(show_spinner=False)
def calibration_count() -> int:
    """How many published figures measure the same as an indicator in the years of the tool (calibration targets)."""
    return int(reference.is_calibration_target(readers.reference_figures(), YEARS).sum())


@st.cache_data(show_spinner=False)
def catalogue() -> tuple[pd.DataFrame, pd.DataFrame, list[str]]:
    """The indicator catalogue for the screen, as downloaded, and its count columns shown as text (to be aligned
    right like the counts that stay numbers)."""
    table = source_tables.catalogue(
        readers.indicators(),
        readers.stadsdel_values(),
        readers.level_values("deso", True).groupby("indicator_code").size(),
        readers.CONTEXT,
    )
    screen, counts = catalogue_text(_screen(table))
    return screen, export_tables.form(table), counts


def catalogue_text(table: pd.DataFrame) -> tuple[pd.DataFrame, list[str]]:
    """The catalogue as `tables.numeric` shows it, without a Styler to draw on every rerun: a count column that
    reaches 1 000 becomes its Swedish text ("1 456"); smaller counts read the same as numbers and stay numbers, so
    they sort as numbers. Returns the table and the count columns made text."""
    counts = [c for c in table.columns if pd.api.types.is_integer_dtype(table[c]) and table[c].max() >= 1000]
    text = tables.numeric_text(table[counts])
    return table.assign(**{c: text[c] for c in counts}), counts


@st.cache_data(show_spinner=False)
def real_sources() -> pd.DataFrame:
    """Every real source shipped (and the city's imports), its rows in Swedish form, indexed by source."""
    sources = source_tables.real_sources(
        readers.real_sources().set_index("dataset"), len(geometry.boundaries().frame), len(geometry.deso_frame())
    )
    return sources.assign(Rader=sources["Rader"].map(lambda n: number(n, 0))).set_index("Källa")


@dataclass(frozen=True)
class DesoFacts:
    """The figures of the text on how DeSO belong to stadsdelar."""

    units: int  # DeSO in Stockholm
    low_overlap: int  # DeSO less than 80 % in their stadsdel
    no_deso: list[str]  # stadsdelar without a DeSO of their own
    parents: int  # DeSO 2018 split in 2025
    parts: int  # DeSO 2025 in them


@st.cache_data(show_spinner=False)
def deso_facts() -> DesoFacts:
    deso_units = readers.units("deso")
    low_overlap = int((deso_units["overlap_share"] < provenance.OVERLAP_WARNING).sum())
    no_deso = sorted(set(readers.areas()["name"]) - set(deso_units["stadsdel"]))
    deso_real = readers.level_values("deso", True)
    parents, parts = provenance.folded_deso(deso_real["source"], deso_real["area_code"])
    return DesoFacts(len(deso_units), low_overlap, no_deso, parents, parts)


@dataclass(frozen=True)
class RealTable:
    """One real-data table: the screen's Swedish text (`tables.numeric_text`, each "Värde" with its indicator's
    decimals: thousands of rows drawn through a Styler took most of a second per rerun), as downloaded, and its
    number of rows."""

    text: pd.DataFrame
    sheet: pd.DataFrame
    rows: int


@st.cache_data(show_spinner=False, max_entries=len(source_tables.REAL_TABLES))
def real_table(which: str) -> RealTable:
    """The real-data table `which` (one of `source_tables.REAL_TABLES`); only the one asked for is read."""
    inds = readers.indicators()
    ind_name = dict(zip(inds["code"], inds["name"], strict=True))
    names = source_tables.REAL_TABLES
    if which == names[0]:
        table = source_tables.deso_value_table(readers.level_values("deso", True), ind_name)
    elif which == names[1]:
        table = source_tables.stadsdel_value_table(
            readers.level_values("stadsdel", True), ind_name, readers.area_names()
        )
    elif which == names[2]:
        table = source_tables.link_table(readers.units("deso"))
    elif which == names[3]:
        table = source_tables.regso_type_table(readers.regso_types())
    else:
        table = source_tables.police_table(readers.police_shares())
    decimals = None
    if {"Indikator", "Värde"} <= set(table.columns):
        decimals = export_tables.indicator_decimals(table["Indikator"], inds)
    text = tables.numeric_text(
        _screen(table), SCREEN_DECIMALS, rows=(["Värde"], decimals) if decimals is not None else None
    )
    return RealTable(text, export_tables.real_table(table, inds, which), len(table))


@st.cache_data(show_spinner=False)
def programme_selection() -> pd.DataFrame:
    return _screen(source_tables.programme_selection(readers.areas()))


@st.cache_data(show_spinner=False)
def reference_table() -> pd.DataFrame:
    """The published figures, with whether each is a calibration target: the screen's Swedish text (each figure with
    the decimals it was published with), made once instead of drawn through a Styler on every rerun."""
    refs = readers.reference_figures()
    inds = readers.indicators()
    calibration = reference.is_calibration_target(refs, YEARS)
    table = _screen(
        source_tables.reference_table(refs, dict(zip(inds["code"], inds["name"], strict=True)), calibration)
    )
    return tables.numeric_text(table).assign(Värde=table["Värde"].map(tables.published).astype(object))


@st.cache_data(show_spinner=False)
def templates() -> tuple[pd.DataFrame, pd.DataFrame]:
    """The import templates, long and wide layout, as downloaded."""
    areas = readers.areas()
    long = export_tables.form(importer.template("long", areas, readers.indicators(), YEARS[-1]))
    wide = export_tables.form(importer.template("wide", areas, readers.index_indicators(), YEARS[-1]))
    return long, wide
