"""Cached readers: the app's database connection and every table the pages read through it."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from lib import db, levels
from lib import index as ix
from lib.config import Paths


@st.cache_resource(show_spinner=False)
def connection():
    """One DuckDB connection for the whole server; queries take their own cursor. `python -m ui.server` opens it
    before the server starts (so the server holds the write lock from the start); otherwise the first page does."""
    return db.open_app_connection(Paths())


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


CONTEXT = "kontext"  # the domain of context measures (population …), shown but never in the index


def index_domains() -> pd.DataFrame:
    """The four areas of the index, without the context domain."""
    doms = domains()
    return doms[doms["code"] != CONTEXT]


def index_indicators() -> pd.DataFrame:
    """The indicators of the index, without the context measures."""
    inds = indicators()
    return inds[inds["domain"] != CONTEXT]


@st.cache_data(show_spinner=False)
def data_years() -> list[int]:
    """The years that have values, oldest first."""
    return sorted(values_long()["year"].unique().tolist())


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


@st.cache_data(show_spinner=False)
def values_long() -> pd.DataFrame:
    return db.values_long(connection())


@st.cache_resource(show_spinner=False)
def framework() -> ix.Framework:
    return ix.Framework.from_meta(indicators(), list(domains()["code"]), domains())


@st.cache_data(show_spinner=False)
def units(level: str) -> pd.DataFrame:
    """The units of a level (stadsdel, deso, regso) with their stadsdel, district and RegSO."""
    return levels.units(connection(), level)


@st.cache_data(show_spinner=False)
def level_values(level: str, real_only: bool = False) -> pd.DataFrame:
    """Long values of a level; `real_only` keeps only values with synthetic = false."""
    return levels.values(connection(), level, real_only)


@st.cache_data(show_spinner=False)
def index_years(level: str, real_only: bool = False) -> list[int]:
    """Years an index can be computed for at this level (some index indicator has a value)."""
    return levels.index_years(level_values(level, real_only), framework().indicators)


@st.cache_data(show_spinner=False)
def regso_types() -> pd.DataFrame:
    """SCB's socioekonomisk områdestyp per RegSO and year."""
    return levels.regso_types(connection())


def scenarios() -> pd.DataFrame:
    return db.scenarios(connection())


@st.cache_data(show_spinner=False)
def group_values() -> pd.DataFrame:
    """Population-weighted city, outer-city and programme-area values per indicator and year."""
    from lib import aggregate

    return aggregate.group_values(values_long(), aggregate.standard_groups(areas()))


@st.cache_data(show_spinner=False)
def district_values() -> pd.DataFrame:
    from lib import aggregate

    a = areas()
    groups = {d: set(a.loc[a["district"] == d, "code"]) for d in a["district"].unique()}
    return aggregate.group_values(values_long(), groups)


def area_names() -> dict[str, str]:
    a = areas()
    return dict(zip(a["code"], a["name"], strict=True))


@st.cache_resource(show_spinner=False)
def goal_tree():
    return db.goal_tree(connection())


@st.cache_data(show_spinner=False)
def goal_outcomes(place: str) -> pd.DataFrame:
    """Outcomes (indicator_code, year, value) for the programme area, the city, a stadsdelsområde or a stadsdel."""
    if place in ("Programområdet", "Staden"):
        g = group_values()
        return g[g["group"] == place][["indicator_code", "year", "value"]]
    a = areas()
    if place in set(a["district"]):
        d = district_values()
        return d[d["group"] == place][["indicator_code", "year", "value"]]
    code = dict(zip(a["name"], a["code"], strict=True)).get(place)
    v = values_long()
    return v[v["area_code"] == code][["indicator_code", "year", "value"]]


def plan(committee: str) -> dict[str, pd.DataFrame]:
    """A nämnd's plan, read fresh (plans change while the app runs)."""
    return db.plan(connection(), committee)


@st.cache_data(show_spinner=False)
def committee_outcomes(district: str) -> pd.DataFrame:
    """Outcomes of a stadsdelsnämnd's programme stadsdelar taken together (population-weighted)."""
    from lib import aggregate

    a = areas()
    members = set(a.loc[(a["district"] == district) & a["in_programme"], "code"])
    out = aggregate.group_values(values_long(), {district: members})
    return out[["indicator_code", "year", "value"]]


@st.cache_data(show_spinner=False)
def real_and_model(code: str) -> pd.DataFrame:
    """A stadsdel's cells with both a real and a modelled value (see `db.real_and_model`)."""
    return db.real_and_model(connection(), code)


@st.cache_data(show_spinner=False)
def police_shares() -> pd.DataFrame:
    """Polisen's 2025 list as shares of DeSO, with RegSO, stadsdel and district."""
    return levels.police_shares(connection())


@st.cache_data(show_spinner=False)
def real_sources() -> pd.DataFrame:
    return db.real_sources(connection())


@st.cache_data(show_spinner=False)
def stadsdel_values() -> pd.DataFrame:
    """Every stadsdel value with its source, licence and synthetic flag (long)."""
    return levels.values(connection(), "stadsdel")


@st.cache_data(show_spinner=False)
def group_status() -> pd.DataFrame:
    """Per comparison group (the city, the outer city, the programme area and every stadsdelsområde), indicator and
    year: synthetic = True when any stadsdel in it contributes a modelled value."""
    from lib import aggregate, provenance

    a = areas()
    groups = aggregate.standard_groups(a) | {d: set(a.loc[a["district"] == d, "code"]) for d in a["district"].unique()}
    return provenance.group_status(values_long(), groups)
