"""Cached map geometry: boundaries, shapes, outlines and label positions, read once per server."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pandas as pd
import streamlit as st

from lib import geo
from lib.config import Paths
from ui import readers

if TYPE_CHECKING:
    from lib.mapview import RawJSON


@st.cache_resource(show_spinner=False)
def boundaries() -> geo.Boundaries:
    """The city's official stadsdel map shipped in geo/, or newer boundaries imported into data/official/."""
    paths = Paths()
    return geo.load_boundaries(paths.stadsdel_geo, paths.official_geo)


@st.cache_resource(show_spinner=False)
def shapes() -> list[RawJSON]:
    """Each stadsdel's geometry, serialised once for the map specs (`lib.mapview.RawJSON`)."""
    from lib import mapview

    return mapview.geometries(boundaries().frame)


@st.cache_resource(show_spinner=False)
def water_json() -> dict:
    """Lakes and the sea (geo/vatten.geojson), drawn under the areas on every map."""
    return geo.read_geojson(Paths().water_geo)


@st.cache_resource(show_spinner=False)
def deso_frame():
    """The 544 DeSO-2018 polygons (WGS 84) with `code`; their figures come from the database."""
    return geo.read_frame(Paths().deso_geo)


@st.cache_resource(show_spinner=False)
def deso_map_frame():
    """`deso_frame` with what a map tooltip shows: the DeSO's name ("RegSO (code)") and, as `district`, its
    stadsdel and stadsdelsområde ("Rinkeby · Rinkeby-Kista"), in the same order."""
    frame = deso_frame()[["code", "geometry"]]
    named = readers.units("deso").set_index("code")
    return frame.assign(
        name=frame["code"].map(named["name"]).fillna(frame["code"]),
        district=frame["code"].map(named["stadsdel"] + " · " + named["district"]).fillna(""),
    )


@st.cache_resource(show_spinner=False)
def district_outline_json() -> dict:
    """The map's stadsdelsområde context lines: where two districts meet on land (the water shows the coasts)."""
    return geo.district_borders(boundaries().frame).__geo_interface__


@st.cache_resource(show_spinner=False)
def district_outlines():
    """Whole stadsdelsområde polygons (label positions, printed maps)."""
    return geo.district_outlines(boundaries().frame)


@st.cache_data(show_spinner=False)
def programme_labels() -> pd.DataFrame:
    """Label positions of the programme stadsdelar; where two would overlap the larger area keeps its label."""
    frame = boundaries().frame
    pts = geo.label_points(frame).assign(priority=_label_priority(frame))
    pts = pts.merge(readers.areas()[["code", "name", "in_programme"]], on="code")
    return pts[pts["in_programme"]][["lon", "lat", "name", "priority"]].reset_index(drop=True)


@st.cache_data(show_spinner=False)
def district_labels() -> pd.DataFrame:
    """Label positions of the 14 stadsdelsområden (larger first where they would overlap)."""
    outlines = district_outlines().rename(columns={"district": "code"})
    pts = geo.label_points(outlines).assign(priority=_label_priority(outlines))
    return pts.rename(columns={"code": "name"})[["lon", "lat", "name", "priority"]]


def _label_priority(frame) -> list[int]:
    """Label collision priority (1…1000): area rank, the largest highest."""
    ranks = geo.geodesic_area_km2(frame).rank(method="first").astype(int)
    return ranks.clip(upper=1000).tolist()


def geometry_caption() -> str:
    """The map's attribution line; it also says when installed boundaries were set aside for failing the checks."""
    caption = geo.ATTRIBUTION + " (stadsdelsgränser och vatten, förenklade för webben)."
    if refused := boundaries().refused:
        caption += " De installerade gränserna i data/official/ används inte: " + " ".join(refused)
    return caption


@st.cache_resource(show_spinner=False)
def deso_polygons():
    """The 544 DeSO as compact polygons in metres around the city's centre (`mapview.LocalPolygons`), shared by
    every session: a DeSO map of at most 150 KB per rerun."""
    from lib import mapview

    return mapview.local_polygons(deso_frame())


@st.cache_resource(show_spinner=False)
def compact_context_json() -> tuple[dict, dict]:
    """The stadsdelsområde lines and the water with coordinates rounded to 4 decimals, for the DeSO map."""
    from lib import mapview

    return mapview.round_coordinates(district_outline_json()), mapview.round_coordinates(water_json())
