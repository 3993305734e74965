"""Shared, cached data access for the pages (the only Streamlit code outside the page files)."""

from __future__ import annotations

import pandas as pd
import streamlit as st
from streamlit.runtime.pages_manager import PagesManager

from lib import db, geo
from lib import index as ix
from lib.config import Paths

# Streamlit runs the first request of a fresh server in its legacy `pages/` mode when that folder exists,
# so a bookmarked deep link would open one page without app.py's navigation. Leave that mode at once.
if PagesManager.uses_pages_directory:
    PagesManager.uses_pages_directory = False
    st.rerun()

PAGE_CSS = """<style>
[data-testid="stMainBlockContainer"] {padding-top: 2.2rem; padding-bottom: 2rem;}
h1 {padding-top: 0.2rem;}
</style>"""

SYNTHETIC_NOTE = (
    "Alla indikatorvärden är **syntetiska**: modellerade och kalibrerade mot publicerad statistik där sådan "
    "finns, tills staden läser in sina egna siffror. Urvalet av 22 stadsdelar är **preliminärt**."
)


@st.cache_resource(show_spinner=False)
def connection():
    """One DuckDB connection for the whole server; queries take their own cursor."""
    paths = Paths()
    db.ensure_database(paths.data_dir, paths.db_path)
    return db.connect(paths.db_path)


@st.cache_data(show_spinner=False)
def areas() -> pd.DataFrame:
    return db.areas(connection())


@st.cache_data(show_spinner=False)
def districts() -> pd.DataFrame:
    return db.districts(connection())


@st.cache_data(show_spinner=False)
def domains() -> pd.DataFrame:
    return db.domains(connection())


@st.cache_data(show_spinner=False)
def indicators() -> pd.DataFrame:
    return db.indicators(connection())


@st.cache_data(show_spinner=False)
def indicator_values(code: str, year: int) -> pd.DataFrame:
    return db.indicator_values(connection(), code, year)


@st.cache_data(show_spinner=False)
def indicator_years(code: str) -> list[int]:
    return db.indicator_years(connection(), code)


@st.cache_data(show_spinner=False)
def reference_figures() -> pd.DataFrame:
    return db.reference_figures(connection())


@st.cache_data(show_spinner=False)
def value_status_by_indicator() -> pd.DataFrame:
    return db.value_status_by_indicator(connection())


@st.cache_data(show_spinner=False)
def data_status() -> dict:
    return db.data_status(connection())


@st.cache_resource(show_spinner=False)
def boundaries() -> geo.Boundaries:
    paths = Paths()
    return geo.load_boundaries(paths.schematic_geo, paths.official_geo)


@st.cache_resource(show_spinner=False)
def district_outlines():
    return geo.district_outlines(boundaries().frame)


@st.cache_data(show_spinner=False)
def programme_labels() -> pd.DataFrame:
    """Label positions of the programme stadsdelar."""
    pts = geo.label_points(boundaries().frame).merge(areas()[["code", "name", "in_programme"]], on="code")
    return pts[pts["in_programme"]][["lon", "lat", "name"]]


@st.cache_data(show_spinner=False)
def district_labels() -> pd.DataFrame:
    """Label positions of the 14 stadsdelsområden."""
    outlines = district_outlines().rename(columns={"district": "code"})
    return geo.label_points(outlines).rename(columns={"code": "name"})


def geometry_caption() -> str:
    b = boundaries()
    if b.schematic:
        return (
            "**Schematisk karta** – stadsdelarnas läge och ungefärliga storlek, inte deras verkliga gränser. "
            "Officiella gränser: `make geo-official`."
        )
    return "Stadsdelsgränser: Stockholms stad (CC0), förenklade för webben."


@st.cache_data(show_spinner=False)
def values_long() -> pd.DataFrame:
    return db.values_long(connection())


@st.cache_resource(show_spinner=False)
def framework() -> ix.Framework:
    return ix.Framework.from_meta(indicators(), list(domains()["code"]))


@st.cache_resource(show_spinner=False)
def index_data(year: int) -> ix.IndexData:
    """Inputs of the index for a year; shared by every session (read-only arrays)."""
    return ix.build_index_data(values_long(), areas(), framework(), year)


@st.cache_data(show_spinner=False, max_entries=128)
def index_result(params: ix.IndexParams) -> ix.IndexResult:
    return ix.compute_index(index_data(params.year), framework(), params)


@st.cache_data(show_spinner=False, max_entries=64)
def robustness(params: ix.IndexParams) -> pd.DataFrame:
    """Monte Carlo (1 000 draws, ±25 %) and the best/worst rank with each area weight in 10–40 %."""
    data, fw = index_data(params.year), framework()
    mc = ix.monte_carlo(data, fw, params, draws=1000, noise=0.25)
    return mc.merge(ix.rank_range(data, fw, params, band=(0.10, 0.40)), on="area_code")


@st.cache_data(show_spinner=False, max_entries=32)
def leave_one_out(params: ix.IndexParams) -> pd.DataFrame:
    return ix.leave_one_out(index_data(params.year), framework(), params)


def scenarios() -> pd.DataFrame:
    return db.scenarios(connection())


def save_scenario(name: str, params: ix.IndexParams) -> None:
    db.save_scenario(connection(), name, ix.params_to_json(params))
