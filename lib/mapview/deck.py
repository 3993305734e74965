"""The stadsdel choropleth as a pydeck Deck: no basemap (works offline), our own context layers.

Colours are computed here per feature (`fill`), so the browser only paints; tooltips read plain
properties, which Streamlit's tooltip interpolation resolves from each feature.
"""

from __future__ import annotations

import functools
import html
import json
import re
import secrets
from collections.abc import Callable
from dataclasses import dataclass, field

import geopandas as gpd
import numpy as np
import pandas as pd
import pydeck as pdk
from pydeck.bindings import deck as pydeck_deck
from pydeck.bindings.json_tools import default_serialize

from lib.classify import NO_DATA_RGBA, OUTSIDE_RGBA, hex_to_rgba, palette
from lib.mapview.glyphs import label_features
from lib.mapview.labels import LABEL_SIZE_PX, first_view_labels

AREA_LAYER_ID = "stadsdelar"
WATER_LAYER_ID = "vatten"
LABEL_LAYER_ID = "namn"
DISTRICT_LAYER_ID = "stadsdelsomraden"
DISTRICT_LINE_RGBA = [20, 20, 20, 255]
DISTRICT_LINE_PX = 2.5
WATER_RGBA = [197, 222, 240, 255]  # light blue, lighter than every class colour
SELECTED_RGBA = [20, 60, 200, 255]
#: The edges of the pickable areas are drawn but not picked: a click is picked synchronously on pointer-down, and
#: picking the edge paths of 544 DeSO took ~450 ms in a software-rendered browser (the fills alone ~20 ms) – long
#: enough for the click to be read as a press and lost. The fill under the edge is picked instead.
UNPICKABLE_EDGES = {
    "GeoJsonLayer": {"_subLayerProps": {"polygons-stroke": {"pickable": False}}},
    "PolygonLayer": {"_subLayerProps": {"stroke": {"pickable": False}}},
}
ENTERING_RGBA = [0, 90, 200, 255]
LEAVING_RGBA = [120, 0, 120, 255]

# pydeck looks for its Jupyter widget on every Deck(): a failed import each time, ~8 ms of every slider move in the
# app's server (py-spy). Whether the widget can be imported does not change while the process runs.
pydeck_deck.has_jupyter_extra = functools.cache(pydeck_deck.has_jupyter_extra)


class RawJSON:
    """A value already serialised to JSON (e.g. a stadsdel's geometry, the same on every rerun), spliced into a
    `CompactDeck`'s spec as it is: encoding the 117 areas' 3 600 coordinate pairs again was most of a weight change's
    JSON time on the server (9,9 → 3,2 ms per spec)."""

    __slots__ = ("text",)

    def __init__(self, value) -> None:
        self.text = json.dumps(value, separators=(",", ":"), ensure_ascii=False)


class CompactDeck(pdk.Deck):
    """pydeck pretty-prints its JSON (two spaces per level, every coordinate on its own line), which more
    than triples what a map sends on each rerun, and indenting forces Python's slow pure-Python encoder;
    this sends the same spec without whitespace, through the C encoder, with `RawJSON` values spliced in."""

    def to_json(self) -> str:
        raw: list[str] = []
        # A marker no value from data can equal: control characters are always escaped, and the nonce is new.
        marker = f"\x00{secrets.token_hex(6)}:"

        def default(value):
            if isinstance(value, RawJSON):
                raw.append(value.text)
                return f"{marker}{len(raw) - 1}\x00"
            return default_serialize(value)

        text = json.dumps(self, default=default, separators=(",", ":"), ensure_ascii=False)
        if not raw:
            return text
        token = re.compile(re.escape(json.dumps(marker)[:-1]) + r"(\d+)\\u0000\"")
        return token.sub(lambda m: raw[int(m.group(1))], text)


class SpecDeck(CompactDeck):
    """A deck whose JSON spec was made before (`deck_spec`, e.g. kept in a cache): sends that spec and tooltip as
    they are, so a rerun that draws the same map does not build and serialise its layers again."""

    def __init__(self, spec: str, tooltip: dict | bool) -> None:
        super().__init__(layers=[], map_provider=None, tooltip=tooltip)
        self._spec = spec

    def to_json(self) -> str:
        return self._spec


def deck_spec(deck: pdk.Deck) -> tuple[str, dict | bool]:
    """The JSON spec and tooltip a chart sends of `deck` (pydeck keeps layer data as records, so the spec is what
    the chart would make of the deck itself), for a `SpecDeck`."""
    return deck.to_json(), deck._tooltip


@dataclass(frozen=True)
class MapData:
    """Per-stadsdel values to paint: keyed by area code."""

    step: dict[str, int]  # colour step 0..k-1, −1 = no value
    k: int
    value_text: dict[str, str]
    in_view: set[str]  # stadsdelar coloured; the rest are grey context
    note: dict[str, str]  # e.g. "syntetiskt värde"
    rank_text: dict[str, str] = field(default_factory=dict)
    outline: dict[str, list[int]] = field(default_factory=dict)  # highlighted borders (selection, urval)
    colours: tuple[str, ...] = ()  # the class colours, lightest first; default YlOrRd (`palette(k)`)


def geometries(frame: gpd.GeoDataFrame) -> list[RawJSON]:
    """Each stadsdel's GeoJSON geometry, in frame order, serialised once: worth keeping, since geopandas rebuilds
    it on each call and the map's spec then only splices it in (`RawJSON`)."""
    return [RawJSON(feature["geometry"]) for feature in frame.__geo_interface__["features"]]


def feature_collection(
    frame: gpd.GeoDataFrame,
    data: MapData,
    shapes: list[dict] | list[RawJSON] | None = None,
) -> dict:
    """GeoJSON with the fill colour and tooltip text of each stadsdel in its properties (`shapes`: the frame's
    `geometries`, if already at hand)."""
    colours = data.colours or palette(data.k)
    features = []
    shapes = shapes if shapes is not None else geometries(frame)
    # Column lists, not frame[[...]].itertuples(): selecting columns of a GeoDataFrame and itertuples cost ~3 ms of
    # each slider move in pandas 3.
    columns = (frame["code"].tolist(), frame["name"].tolist(), frame["district"].tolist())
    for code, name, district, geometry in zip(*columns, shapes, strict=True):
        step = data.step.get(code, -1)
        if code not in data.in_view:
            fill = OUTSIDE_RGBA
        elif step < 0:
            fill = NO_DATA_RGBA
        else:
            fill = hex_to_rgba(colours[step])
        # The tooltip is HTML: escape everything that comes from data.
        props = {
            "code": code,
            "name": html.escape(str(name)),
            "district": html.escape(str(district)),
            "value_text": html.escape(data.value_text.get(code, "inget värde")),
            "note": html.escape(data.note.get(code, "")),
            "rank_text": html.escape(data.rank_text.get(code, "")),
            "fill": list(fill),
            "line": data.outline.get(code, [40, 40, 40, 255] if code in data.in_view else [150, 150, 150, 255]),
            "width": 4 if code in data.outline else 1,
        }
        features.append({"type": "Feature", "geometry": geometry, "properties": props})
    return {"type": "FeatureCollection", "features": features}


def view_state(frame: gpd.GeoDataFrame, height_px: int = 560, width_px: int = 900) -> pdk.ViewState:
    """A view that fits the polygons in a map of the given pixel size (Web Mercator zoom)."""
    minx, miny, maxx, maxy = frame.total_bounds
    lat = (miny + maxy) / 2
    # deck.gl Web Mercator: 512·2^zoom pixels span 360° of longitude; latitude is stretched by 1/cos(lat).
    zoom_x = np.log2(width_px * 360 / (512 * max(maxx - minx, 1e-6) * 1.08))
    zoom_y = np.log2(height_px * 360 * np.cos(np.radians(lat)) / (512 * max(maxy - miny, 1e-6) * 1.08))
    return pdk.ViewState(longitude=(minx + maxx) / 2, latitude=lat, zoom=float(min(zoom_x, zoom_y)), pitch=0, bearing=0)


def shipped_water() -> dict:
    """The water shipped in geo/vatten.geojson (cached while the file is unchanged)."""
    from lib.config import Paths
    from lib.geo import read_geojson

    return read_geojson(Paths().water_geo)


def with_properties(collection: dict, **properties) -> dict:
    """`collection` with `properties` added to every feature (a copy: the caller's dict is often a cached one)."""
    features = [{**f, "properties": {**(f.get("properties") or {}), **properties}} for f in collection["features"]]
    return {**collection, "features": features}


_KEPT: dict[tuple[int, str], tuple[dict, RawJSON]] = {}


def kept_with_properties(collection: dict, **properties) -> RawJSON:
    """`with_properties(collection, **properties)` serialised, kept while the caller passes the same collection
    object: the water and the district lines come from the app's caches, the same on every rerun, and copying and
    encoding them again was part of each slider move's work on the server."""
    key = (id(collection), repr(sorted(properties.items())))
    kept = _KEPT.get(key)
    if kept is None or kept[0] is not collection:  # an id can be reused once its object is gone: check the object
        if len(_KEPT) >= 32:
            _KEPT.clear()
        kept = (collection, RawJSON(with_properties(collection, **properties)))
        _KEPT[key] = kept
    return kept[1]


#: The inputs of a filled, unpicked GeoJSON layer drawn with the pickable areas' drawing code (see `water_layer`):
#: the water and the names share them.
FILL_LIKE_AREAS = {
    "pickable": False,
    "highlighted_object_index": -1,
    "stroked": False,
    "filled": True,
    "get_fill_color": "properties.fill",
}


def water_layer(water: dict) -> pdk.Layer:
    """Lakes and the sea in light blue under the areas, so the city is recognisable without a basemap.

    The colour is a per-feature property read like the areas' (`properties.fill`), not a constant: a software-
    rendered browser compiles its drawing code per layout of a layer's inputs, and a constant colour made the water
    a layout of its own (bench/RESULTS.md, "Browser, second round: the GPU process"). For the same reason the water
    keeps a picking buffer like the pickable areas, without being pickable: deck.gl gives a layer one when
    `highlightedObjectIndex` is an integer, and −1 highlights nothing; without it the picking colours were a constant
    and the water's fill a second layout (0,8 s of the GPU process's work for a new visitor's first map, "Browser,
    third round")."""
    # not pickable: no tooltip, and a click on a lake over a DeSO reaches the DeSO
    data = kept_with_properties(water, fill=WATER_RGBA)
    return pdk.Layer("GeoJsonLayer", data, id=WATER_LAYER_ID, **FILL_LIKE_AREAS)


def district_layer(outlines: dict) -> pdk.Layer:
    """The stadsdelsområde lines, 2,5 px, read per feature in the areas' own way (`properties.line`, `.width` in
    pixels) for the same reason as `water_layer`."""
    return pdk.Layer(
        "GeoJsonLayer",
        kept_with_properties(outlines, line=DISTRICT_LINE_RGBA, width=DISTRICT_LINE_PX),
        id=DISTRICT_LAYER_ID,
        pickable=False,
        stroked=True,
        filled=False,
        get_line_color="properties.line",
        get_line_width="properties.width",
        line_width_units="'pixels'",
        line_width_min_pixels=1,
    )


@functools.lru_cache(maxsize=64)
def _label_data(names: tuple, lons: tuple, lats: tuple, zoom: float, size: float) -> tuple[RawJSON, list[float]]:
    """The labels' outlines serialised once (`label_features` takes ~10 ms per name; the labels of a map stay the
    same while its colours change with every slider move)."""
    collection, matrix = label_features(names, lons, lats, zoom, size)
    return RawJSON(collection), matrix


def label_layer(
    labels: pd.DataFrame,
    zoom: float,
    size: float = LABEL_SIZE_PX,
    publish: Callable[[str], str | None] | None = None,
) -> pdk.Layer:
    """The names in `labels` (`lon`, `lat`, `name`) at `size` pixels for a view at `zoom`, as filled outlines
    (`lib.mapview.glyphs`) in a layer with the water's inputs, so it shares the water's drawing code.

    `publish` (the outlines' JSON → an address the browser can load it from, or None) keeps the outlines out of the
    spec: 14 names are ~40 KB, which every slider move would send again; deck.gl loads an address once and keeps
    it while the address stays the same. Without `publish`, or when it gives None, the outlines go in the spec."""
    if labels.empty:
        data, matrix = _label_data((), (), (), float(zoom), float(size))
    else:
        names, lons, lats = (tuple(labels[c].astype(t)) for c, t in (("name", str), ("lon", float), ("lat", float)))
        data, matrix = _label_data(names, lons, lats, float(zoom), float(size))
    address = publish(data.text) if publish is not None else None
    # not pickable: a name does not hide the area under it from the tooltip or a click
    return pdk.Layer("GeoJsonLayer", address or data, id=LABEL_LAYER_ID, model_matrix=matrix, **FILL_LIKE_AREAS)


def build_deck(
    collection: dict | None,
    outlines: dict,
    labels: pd.DataFrame,
    view: pdk.ViewState,
    tooltip_html: str,
    water: dict | bool = True,
    *,
    area_layer: pdk.Layer | None = None,
    overlays: tuple[pdk.Layer, ...] = (),
    water_on_top: bool = False,
    label_size: float = LABEL_SIZE_PX,
    publish: Callable[[str], str | None] | None = None,
) -> pdk.Deck:
    """Water (under everything, not pickable), stadsdelar (pickable), stadsdelsområde outlines (GeoJSON) and name
    labels, without a basemap. `water`: a GeoJSON dict, True for the shipped water, False for none.

    `labels` has `lon`, `lat`, `name` and optionally `priority`: where labels would overlap in the first view, only
    the one with the higher priority is drawn, e.g. the larger area.

    `area_layer` replaces the stadsdel GeoJSON layer (then `collection` may be None), `overlays` are drawn above
    the stadsdelsområde lines and under the labels, `water_on_top` paints the water over the areas. `label_size`
    (pixels): larger for a projector (the Presentera map), so the labels read across a room. `publish`: see
    `label_layer`."""
    areas = pdk.Layer(
        "GeoJsonLayer",
        collection,
        id=AREA_LAYER_ID,
        pickable=True,
        stroked=True,
        filled=True,
        get_fill_color="properties.fill",
        get_line_color="properties.line",
        get_line_width="properties.width",
        line_width_units="'pixels'",
        line_width_min_pixels=1,
        auto_highlight=True,
        highlight_color=[30, 80, 160, 120],
        **UNPICKABLE_EDGES["GeoJsonLayer"],
    )
    districts = district_layer(outlines)
    # Only the labels the first view draws, none overlapping (`first_view_labels`), as letter outlines in a layer
    # drawn like the water (`label_layer`). deck.gl's CollisionFilterExtension (hiding overlapping labels while
    # zooming) and its TextLayer each drew with shaders of their own: in a software-rendered browser that was the
    # largest part of the time before the first map (bench/RESULTS.md, "Browser: where the time went", "fourth round").
    text = label_layer(first_view_labels(labels, view.zoom, label_size), view.zoom, label_size, publish)
    if water is True:
        water = shipped_water()
    water_layers = [water_layer(water)] if water else []
    if area_layer is not None:  # e.g. the DeSO polygons (`deso_layer`) instead of the stadsdel GeoJSON
        areas = area_layer
    # DeSO polygons cover the lakes and the sea, so there the water is painted over them (not pickable, so a
    # click still reaches the area); overlays (Polisen's areas, the selection) come above the context lines.
    bottom, middle = ([], [areas, *water_layers]) if water_on_top else (water_layers, [areas])
    layers = bottom + middle + [districts, *overlays, text]
    return CompactDeck(
        layers=layers,
        initial_view_state=view,
        map_provider=None,
        tooltip={"html": tooltip_html, "style": {"fontSize": "15px", "backgroundColor": "#1f2937", "color": "white"}},
    )
