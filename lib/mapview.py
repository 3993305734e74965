"""The choropleth as a pydeck Deck: no basemap (works offline), our own context layers.

Colours are computed here per feature (`fill`), so the browser only paints; tooltips read plain
properties, which Streamlit's tooltip interpolation resolves from each feature.
"""

from __future__ import annotations

import html
import json
from dataclasses import dataclass, field

import geopandas as gpd
import numpy as np
import pandas as pd
import pydeck as pdk
from pydeck.bindings.json_tools import default_serialize

from lib.classify import NO_DATA_RGBA, OUTSIDE_RGBA, hex_to_rgba, palette

AREA_LAYER_ID = "stadsdelar"
WATER_LAYER_ID = "vatten"
LABEL_LAYER_ID = "namn"
WATER_RGBA = [197, 222, 240, 255]  # light blue, lighter than every class colour
LABEL_SIZE_PX = 13
LABEL_GAP_PX = 3  # labels kept at the first view stay this far outside each other's collision boxes
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


class CompactDeck(pdk.Deck):
    """pydeck pretty-prints its JSON (two spaces per level, every coordinate on its own line), which more
    than triples what a map sends on each rerun, and indenting forces Python's slow pure-Python encoder;
    this sends the same spec without whitespace, through the C encoder."""

    def to_json(self) -> str:
        return json.dumps(self, default=default_serialize, separators=(",", ":"), ensure_ascii=False)


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


def geometries(frame: gpd.GeoDataFrame) -> list[dict]:
    """Each stadsdel's GeoJSON geometry, in frame order: worth keeping, since geopandas rebuilds it on each call."""
    return [feature["geometry"] for feature in frame.__geo_interface__["features"]]


def feature_collection(
    frame: gpd.GeoDataFrame,
    data: MapData,
    shapes: list[dict] | None = None,
) -> dict:
    """GeoJSON with the fill colour and tooltip text of each stadsdel in its properties (`shapes`: the frame's
    `geometries`, if already at hand)."""
    colours = data.colours or palette(data.k)
    features = []
    shapes = shapes if shapes is not None else geometries(frame)
    for props_row, geometry in zip(frame[["code", "name", "district"]].itertuples(index=False), shapes, strict=True):
        code = props_row.code
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
            "name": html.escape(str(props_row.name)),
            "district": html.escape(str(props_row.district)),
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


def label_width_px(name: str, size: float = LABEL_SIZE_PX) -> float:
    """A generous estimate of a label's width in pixels (semi-bold sans serif, with its white outline)."""
    return 0.62 * size * len(str(name)) + 6


def collision_padding(names, size: float = LABEL_SIZE_PX) -> list[float]:
    """Padding [left, top, right, bottom] in pixels of the boxes deck.gl tests label collisions with: half the
    longest label's width, and half the text's height (plus a little for the white outline)."""
    half_width = max((label_width_px(n, size) for n in names), default=0.0) / 2
    return [round(half_width + 4, 1), round(0.5 * size + 2, 1)] * 2


def _rank(labels: pd.DataFrame) -> np.ndarray:
    """Each label's place in the order deck.gl gives way: 0 = highest `priority` (ties: first row first); without
    a `priority` column, the row order."""
    if "priority" not in labels.columns:
        return np.arange(len(labels))
    return labels["priority"].rank(method="first", ascending=False).to_numpy(int) - 1


def spread_priority(labels: pd.DataFrame) -> list[int]:
    """Collision priorities spread evenly over 1…990 in `_rank` order, the highest first. deck.gl sorts colliding
    labels by depth (0.001 per priority step, in a 16-bit depth buffer): spreading keeps neighbours well apart."""
    n = len(labels)
    if n < 2:
        return [990] * n
    return [int(round(990 - 989 * r / (n - 1))) for r in _rank(labels)]


def _pixels(lon: np.ndarray, lat: np.ndarray, zoom: float) -> tuple[np.ndarray, np.ndarray]:
    """Web Mercator pixel coordinates at `zoom` (deck.gl: 512·2^zoom pixels around the world)."""
    scale = 512 * 2**zoom
    x = scale * (np.asarray(lon, float) + 180) / 360
    y = scale * (1 - np.log(np.tan(np.pi / 4 + np.radians(np.asarray(lat, float)) / 2)) / np.pi) / 2
    return x, y


def place_labels(labels: pd.DataFrame, zoom: float, size: float = LABEL_SIZE_PX) -> pd.DataFrame:
    """The labels to send for a first view at `zoom`, so that deck.gl's CollisionFilterExtension shows exactly the
    ones that fit, none overlapping and none half faded.

    deck.gl hides a label whose anchor (the middle of its text) lies in the collision box of a label of higher
    priority, and fades it partly when the anchor lies on the edge of such a box. The labels are therefore placed
    here, highest priority first, with the same boxes (estimated text width plus `collision_padding`) and
    LABEL_GAP_PX to spare: a label is drawn if its anchor lies clearly outside the box of every label drawn before
    it. Of the others, only those deck.gl will certainly hide (anchor deep inside a drawn label's padding, whatever
    the exact text width) and whose own box spares every drawn label are sent, so zooming in reveals them; the rest
    are left out."""
    if labels.empty:
        return labels
    pad_x, pad_y = collision_padding(labels["name"], size)[:2]
    half_w = np.array([label_width_px(n, size) / 2 for n in labels["name"]]) + pad_x + LABEL_GAP_PX
    half_h = 0.6 * size + pad_y + LABEL_GAP_PX
    x, y = _pixels(labels["lon"], labels["lat"], zoom)
    rank = _rank(labels)
    order = np.argsort(rank)

    def clear(i: int, k: int) -> bool:  # i's anchor clearly outside k's box
        return abs(x[i] - x[k]) >= half_w[k] or abs(y[i] - y[k]) >= half_h

    drawn: list[int] = []
    for i in order:
        if all(clear(i, k) for k in drawn):
            drawn.append(i)
    hidden = [
        i
        for i in order
        if i not in drawn
        and any(
            rank[k] < rank[i] and abs(x[i] - x[k]) < pad_x - LABEL_GAP_PX and abs(y[i] - y[k]) < pad_y - LABEL_GAP_PX
            for k in drawn
        )
        and all(clear(m, i) for m in drawn if rank[m] > rank[i])
    ]
    return labels.iloc[sorted(drawn + hidden)]


def shipped_water() -> dict:
    """The water shipped in geo/vatten.geojson (cached while the file is unchanged)."""
    from lib.config import Paths
    from lib.geo import read_geojson

    return read_geojson(Paths().water_geo)


def water_layer(water: dict) -> pdk.Layer:
    """Lakes and the sea in light blue under the areas, so the city is recognisable without a basemap."""
    return pdk.Layer(
        "GeoJsonLayer",
        water,
        id=WATER_LAYER_ID,
        pickable=False,
        stroked=False,
        filled=True,
        get_fill_color=WATER_RGBA,
    )


def build_deck(
    collection: dict,
    outlines: dict,
    labels: pd.DataFrame,
    view: pdk.ViewState,
    tooltip_html: str,
    water: dict | bool = True,
    *,
    area_layer: pdk.Layer | None = None,
    overlays: tuple[pdk.Layer, ...] = (),
    water_on_top: bool = False,
) -> pdk.Deck:
    """Water (under everything, not pickable), stadsdelar (pickable), stadsdelsområde outlines (GeoJSON) and name
    labels, without a basemap. `water`: a GeoJSON dict, True for the shipped water, False for none.

    `labels` has `lon`, `lat`, `name` and optionally `priority`: where labels would overlap, the one with the
    higher priority is drawn (deck.gl's CollisionFilterExtension), e.g. the larger area.

    `area_layer` replaces the stadsdel GeoJSON layer (then `collection` may be None), `overlays` are drawn above
    the stadsdelsområde lines and under the labels, `water_on_top` paints the water over the areas."""
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
    districts = pdk.Layer(
        "GeoJsonLayer",
        outlines,
        id="stadsdelsomraden",
        pickable=False,
        stroked=True,
        filled=False,
        get_line_color=[20, 20, 20, 255],
        line_width_min_pixels=2.5,
    )
    padding = collision_padding(labels["name"]) if len(labels) else [0.0] * 4
    labels = place_labels(labels, view.zoom)
    priority = {}
    if "priority" in labels.columns:
        labels = labels.assign(priority=spread_priority(labels))
        priority = {"get_collision_priority": "priority"}
    text = pdk.Layer(
        "TextLayer",
        labels,
        id=LABEL_LAYER_ID,
        pickable=False,
        get_position=["lon", "lat"],
        get_text="name",
        get_size=LABEL_SIZE_PX,
        # Hide labels that would overlap at the current zoom (higher priority wins). deck.gl tests a label's anchor
        # (the middle of its text) against what labels of higher priority drew there, so partly overlapping labels
        # would both stay: each label is tested with an invisible background box, padded by half the longest
        # label's width and half the text's height, so that two labels that would overlap cover each other's
        # anchor. `place_labels` has already chosen what the first view shows.
        extensions=[{"@@type": "CollisionFilterExtension"}],
        collision_group="'labels'",
        collision_test_props={"padding": padding},
        background=True,
        get_background_color=[255, 255, 255, 0],
        **priority,
        get_color=[20, 20, 20, 255],
        get_text_anchor="'middle'",
        get_alignment_baseline="'center'",
        # deck.gl's default glyph atlas is ASCII only; 'auto' adds å, ä, ö. The inner quotes make pydeck pass
        # the literal string instead of turning it into an accessor expression.
        character_set="'auto'",
        font_family="'Source Sans Pro, Helvetica, Arial, sans-serif'",
        font_weight=600,
        outline_width=3,
        outline_color=[255, 255, 255, 230],
        font_settings={"sdf": True},
    )
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


# --- DeSO: 544 small polygons in one deck of at most 150 KB -------------------------------------------------------
# GeoJSON with longitude/latitude would take ~125 KB for the DeSO shapes alone. The DeSO map therefore sends plain
# rows to a PolygonLayer: positions in whole metres east/north of an origin (deck.gl's METER_OFFSETS, ~1 m where
# the map shows ~45 m per pixel), each ring open (deck.gl closes it) and flat ([x0, y0, x1, y1, …]) where it has no
# holes, with short property names for the tooltip. The water, district lines and labels stay in lon/lat.

DESO_LAYER_ID = "deso"
POLICE_LAYER_ID = "polisen"
SELECTED_LAYER_ID = "vald"
METER_OFFSETS = "'meter-offsets'"  # deck.gl 9 COORDINATE_SYSTEM.METER_OFFSETS (quoted: a literal for pydeck)
EARTH_RADIUS_M = 6_371_008.8
DESO_LINE_RGBA = [255, 255, 255, 150]
POLICE_RGBA = (60, 0, 100)  # dark violet: neither a class colour nor the water
#: A 12 × 12 px tile with one diagonal line, used as a mask (deck.gl FillStyleExtension) to hatch Polisen's areas.
#: The tile's size on the ground is ~1 m per pixel × this scale: 40 gives a line every ~480 m, ~10 px at the
#: city-wide zoom.
HATCH_SCALE = 40
HATCH_PNG = (
    "data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAwAAAAMCAYAAABWdVznAAAAJUlEQVR42u3LsQEAAAiDMPz/aHyh3RxkDqgSp"
    "joNpsHx8PggBhYx01umR0hhcQAAAABJRU5ErkJggg=="
)


@dataclass(frozen=True)
class LocalPolygons:
    """Polygons in whole metres east (x) and north (y) of `origin` (lon, lat), one entry per part: a unit of several
    parts (islands) has several entries with the same code. A part is a flat open outer ring, or nested open rings
    ([[[x, y], …], hole, …]) where it has holes."""

    origin: tuple[float, float]
    codes: tuple[str, ...]
    polygons: tuple[list, ...]

    def parts(self, codes) -> list[tuple[str, list]]:
        wanted = set(codes)
        return [(c, p) for c, p in zip(self.codes, self.polygons, strict=True) if c in wanted]


def polygon_parts(geometry) -> list:
    """The polygons of a Polygon, MultiPolygon or GeometryCollection (lines and points dropped)."""
    kind = geometry.geom_type
    if kind == "Polygon":
        return [] if geometry.is_empty else [geometry]
    if kind in ("MultiPolygon", "GeometryCollection"):
        return [p for g in geometry.geoms for p in polygon_parts(g)]
    return []


def local_xy(lon: np.ndarray, lat: np.ndarray, origin: tuple[float, float]) -> tuple[np.ndarray, np.ndarray]:
    """Metres east and north of `origin`, as deck.gl's METER_OFFSETS reads them (local scale at each point)."""
    lon0, lat0 = origin
    x = EARTH_RADIUS_M * np.cos(np.radians(lat)) * np.radians(np.asarray(lon) - lon0)
    y = EARTH_RADIUS_M * np.radians(np.asarray(lat) - lat0)
    return x, y


def _local_ring(coords, origin: tuple[float, float]) -> list[list[int]]:
    arr = np.asarray(coords, dtype=float)[:, :2]
    x, y = local_xy(arr[:, 0], arr[:, 1], origin)
    ring: list[list[int]] = []
    for point in np.column_stack([np.rint(x), np.rint(y)]).astype(int).tolist():
        if not ring or ring[-1] != point:
            ring.append(point)
    if len(ring) > 3 and ring[0] == ring[-1]:
        ring.pop()  # deck.gl closes rings itself
    return ring


def local_polygons(frame: gpd.GeoDataFrame, origin: tuple[float, float] | None = None) -> LocalPolygons:
    """`frame`'s polygons (WGS 84, with `code`) as `LocalPolygons` around `origin` (default: the frame's centre)."""
    if origin is None:
        minx, miny, maxx, maxy = frame.total_bounds
        origin = (round((minx + maxx) / 2, 4), round((miny + maxy) / 2, 4))
    codes, polygons = [], []
    for code, geometry in zip(frame["code"], frame.geometry, strict=True):
        for part in polygon_parts(geometry):
            rings = [_local_ring(part.exterior.coords, origin)]
            rings += [_local_ring(hole.coords, origin) for hole in part.interiors]
            codes.append(str(code))
            polygons.append([v for point in rings[0] for v in point] if len(rings) == 1 else rings)
    return LocalPolygons(origin, tuple(codes), tuple(polygons))


def deso_rows(
    polygons: LocalPolygons,
    data: MapData,
    names: dict[str, str],
    stadsdelar: dict[str, str],
    police: dict[str, str] | None = None,
    colours: tuple[str, ...] | None = None,
) -> list[dict]:
    """One row per DeSO part: `code`, `fill` and the tooltip's texts under short names, each HTML-escaped:
    `n` (RegSO name), `s` (stadsdel), `v` (value), `r` (rank; only if `data` has ranks), `t` (note; only if any),
    `pol` (Polisen's class and share; only if `police` is given). `colours`: the class colours (default YlOrRd)."""
    colours = colours or data.colours or palette(data.k)
    with_rank, with_note = bool(data.rank_text), any(data.note.values())
    rows = []
    for code, polygon in zip(polygons.codes, polygons.polygons, strict=True):
        step = data.step.get(code, -1)
        if code not in data.in_view:
            fill = OUTSIDE_RGBA[:3]
        elif step < 0:
            fill = NO_DATA_RGBA[:3]
        else:
            fill = hex_to_rgba(colours[step])[:3]
        row = {
            "code": code,
            "n": html.escape(str(names.get(code, code))),
            "s": html.escape(str(stadsdelar.get(code, ""))),
            "v": html.escape(data.value_text.get(code, "–")),
        }
        if with_rank:
            row["r"] = html.escape(data.rank_text.get(code, ""))
        if with_note:
            row["t"] = html.escape(data.note.get(code, ""))
        if police is not None:
            row["pol"] = html.escape(police.get(code, ""))
        row["fill"] = list(fill)
        row["polygon"] = polygon
        rows.append(row)
    return rows


def deso_tooltip(rows: list[dict], value_line: str, status: str) -> str:
    """The DeSO tooltip for `deso_rows`: name and code, stadsdel, `value_line` (with `{v}` where the value goes,
    e.g. "{v} % av befolkningen"), rank, note, `status` (the same for every DeSO) and Polisen's line."""
    keys = rows[0].keys() if rows else {}

    def text(part: str) -> str:  # plain text in the template: escaped, and no brace that could read as a field
        return html.escape(part.replace("{", "(").replace("}", ")"))

    before, _, after = value_line.partition("{v}")
    lines = ["<b>{n}</b> ({code})", "Stadsdel: {s}", text(before) + "{v}" + text(after)]
    lines += ["{r}"] if "r" in keys else []
    lines += ["<i>{t}</i>"] if "t" in keys else []
    lines += [f"<i>{text(status)}</i>"] if status else []
    lines += ["{pol}"] if "pol" in keys else []
    return "<br/>".join(lines)


def local_polygon_layer(layer_id: str, rows: list[dict], origin: tuple[float, float], **props) -> pdk.Layer:
    """A stroked PolygonLayer of rows whose `polygon` is in metres around `origin` (`local_polygons`): the compact
    form every DeSO layer shares. Not pickable unless `props` say so; line widths in pixels."""
    return pdk.Layer(
        "PolygonLayer",
        rows,
        id=layer_id,
        **{"pickable": False, **props},
        stroked=True,
        get_polygon="polygon",
        position_format="'XY'",
        coordinate_system=METER_OFFSETS,
        coordinate_origin=[origin[0], origin[1], 0],
        line_width_units="'pixels'",
    )


def deso_layer(rows: list[dict], origin: tuple[float, float]) -> pdk.Layer:
    """The DeSO polygons, coloured by `fill`, pickable (tooltip, click selects)."""
    return local_polygon_layer(
        DESO_LAYER_ID,
        rows,
        origin,
        pickable=True,
        filled=True,
        get_fill_color="fill",
        get_line_color=DESO_LINE_RGBA,
        get_line_width=1,
        auto_highlight=True,
        highlight_color=[30, 80, 160, 120],
        **UNPICKABLE_EDGES["PolygonLayer"],
    )


def police_rows(polygons: LocalPolygons, shares: dict[str, float], severe: set[str]) -> list[dict]:
    """Polisen's areas as overlay rows: every part of a listed DeSO, hatched the more densely coloured the larger
    the share of the DeSO (`shares`, 0–100) that lies in the area; a thicker edge for särskilt utsatt (`severe`)."""
    rows = []
    for code, polygon in polygons.parts(shares):
        share = max(0.0, min(100.0, float(shares[code])))
        rows.append(
            {
                "fill": [*POLICE_RGBA, int(round(90 + 1.4 * share))],
                "w": 2 if code in severe else 1,
                "pat": "hatch",  # deck.gl takes the pattern's name from each row, not as a constant
                "polygon": polygon,
            }
        )
    return rows


def police_layers(rows: list[dict], origin: tuple[float, float]) -> tuple[pdk.Layer, ...]:
    """Polisen's utsatta / särskilt utsatta områden: each listed DeSO outlined and hatched diagonally (deck.gl
    FillStyleExtension, the hatch the denser in colour the larger the share). Not pickable: the DeSO underneath
    gives the tooltip."""
    return (
        local_polygon_layer(
            POLICE_LAYER_ID,
            rows,
            origin,
            filled=True,
            get_fill_color="fill",
            get_line_color=[*POLICE_RGBA, 255],
            get_line_width="w",
            extensions=[{"@@type": "FillStyleExtension", "pattern": True}],
            fill_pattern_atlas=f"'{HATCH_PNG}'",
            fill_pattern_mapping={"hatch": {"x": 0, "y": 0, "width": 12, "height": 12, "mask": True}},
            get_fill_pattern="pat",
            get_fill_pattern_scale=HATCH_SCALE,
            fill_pattern_mask=True,
        ),
    )


def selected_layer(polygons: LocalPolygons, codes, rgba: list[int] = SELECTED_RGBA) -> pdk.Layer:
    """A thick outline around the selected unit(s)."""
    return local_polygon_layer(
        SELECTED_LAYER_ID,
        [{"polygon": p} for _, p in polygons.parts(codes)],
        polygons.origin,
        filled=False,
        get_line_color=rgba,
        get_line_width=3,
    )


def round_coordinates(collection: dict, decimals: int = 4) -> dict:
    """A GeoJSON dict with every coordinate rounded (4 decimals ≈ 6–11 m here): a smaller payload."""

    def walk(value):
        if isinstance(value, float):
            return round(value, decimals)
        if isinstance(value, (list, tuple)):
            return [walk(v) for v in value]
        if isinstance(value, dict):
            return {k: walk(v) for k, v in value.items()}
        return value

    return walk(collection)
