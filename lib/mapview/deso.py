"""The DeSO map: 544 small polygons in one deck of at most 150 KB.

GeoJSON with longitude/latitude would take ~125 KB for the DeSO shapes alone. The DeSO map therefore sends plain
rows to a PolygonLayer: positions in whole metres east/north of an origin (deck.gl's METER_OFFSETS, ~1 m where
the map shows ~45 m per pixel), each ring open (deck.gl closes it) and flat ([x0, y0, x1, y1, …]) where it has no
holes, with short property names for the tooltip. The water, district lines and labels stay in lon/lat.
"""

from __future__ import annotations

import html
from dataclasses import dataclass

import geopandas as gpd
import numpy as np
import pydeck as pdk

from lib.classify import NO_DATA_RGBA, OUTSIDE_RGBA, hex_to_rgba, palette
from lib.mapview.deck import SELECTED_RGBA, UNPICKABLE_EDGES, MapData
from lib.mapview.rings import open_ring

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
    return open_ring(np.column_stack([np.rint(x), np.rint(y)]).astype(int).tolist())


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
        row: dict[str, object] = {
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
