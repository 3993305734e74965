"""The shared ground of the map geometry: the city's CRS, rounding and cleaning polygons for the web, compact
GeoJSON files written atomically, and matching feature names to area codes – used by the build of the shipped
maps, the check of imported boundaries and the reading of both."""

from __future__ import annotations

import json
import os
import tempfile
from functools import lru_cache
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

METRIC_CRS = "EPSG:3011"  # SWEREF99 18 00, the city's own CRS
WGS84 = "EPSG:4326"
COORD_DECIMALS = 5  # ≈ 1 m; enough for a city map, and keeps the payload small

ATTRIBUTION = "Kartdata: Stockholms stad, CC0"
GAP_WIDTH_M = 5.0  # slivers narrower than this between neighbours are closed


class GeoError(RuntimeError):
    """Geometry could not be read, downloaded or matched; the message is Swedish."""


def _round_coords(geom, decimals: int = COORD_DECIMALS):
    return shapely.set_precision(geom, 10 ** (-decimals), mode="pointwise")


def _round_valid(geoms, decimals: int = COORD_DECIMALS) -> np.ndarray:
    """Round to `decimals` and keep every polygon valid (GEOS repairs what rounding collapses)."""
    grid = 10 ** (-decimals)
    out = []
    for geom in geoms:
        try:
            out.append(shapely.set_precision(geom, grid))
        except shapely.errors.GEOSException:  # rare topology failures: round each point, then repair
            out.append(shapely.make_valid(shapely.set_precision(geom, grid, mode="pointwise")))
    return np.asarray(out, dtype=object)


def _polygons(geom) -> list:
    if geom is None or geom.is_empty:
        return []
    if geom.geom_type == "Polygon":
        return [geom]
    return [p for g in getattr(geom, "geoms", []) for p in _polygons(g)]


def _simplified_coverage(geoms, tolerance_m: float, gap_width_m: float = GAP_WIDTH_M) -> np.ndarray:
    """Make the polygons one clean coverage (no overlaps, slivers closed, shared edges identical), then simplify
    it as a whole so that neighbours keep sharing their edges."""
    valid = shapely.make_valid(np.asarray(geoms, dtype=object))
    clean = shapely.coverage_clean(valid, gap_width=gap_width_m)
    return shapely.coverage_simplify(clean, tolerance_m)


def _to_web(frame: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """WGS 84, 5 decimals, valid polygons with the outer ring counter-clockwise (RFC 7946)."""
    out = frame.to_crs(WGS84)
    geoms = _round_valid(out.geometry.to_numpy())
    out["geometry"] = shapely.orient_polygons(geoms, exterior_cw=False)
    return out


def geojson_text(frame: gpd.GeoDataFrame, meta: dict | None = None) -> str:
    """Compact GeoJSON (no whitespace), with `meta` (source, licence …) as top-level members."""
    features = json.loads(frame.to_json(drop_id=True))["features"]
    collection = {"type": "FeatureCollection", **(meta or {}), "features": features}
    return json.dumps(collection, ensure_ascii=False, separators=(",", ":"))


def stage_file(payload: bytes, path: Path) -> Path:
    """Write `payload` to a new temporary file beside `path` (same folder, so `os.replace` onto `path` is atomic)
    and flush it to disk; returns the temporary file. The caller replaces `path` with it or deletes it."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(payload)
            handle.flush()
            os.fsync(handle.fileno())
    except BaseException:
        Path(name).unlink(missing_ok=True)
        raise
    return Path(name)


def write_geojson(frame: gpd.GeoDataFrame, path: Path, meta: dict | None = None) -> int:
    """Write compact GeoJSON atomically (a reader sees the old file or the new one, never half of it); returns the
    size in bytes."""
    payload = geojson_text(frame, meta).encode("utf-8")
    os.replace(stage_file(payload, path), path)
    return len(payload)


@lru_cache(maxsize=4)
def _geojson(path: str, mtime: float) -> dict:
    return json.loads(Path(path).read_text(encoding="utf-8"))


def read_geojson(path: Path) -> dict:
    """A GeoJSON file as a dict, cached while the file is unchanged (treat it as read-only)."""
    return _geojson(str(path), path.stat().st_mtime)


def read_frame(path: Path) -> gpd.GeoDataFrame:
    """A GeoJSON file this project wrote (`write_geojson`: WGS 84, flat properties) as a GeoDataFrame with the
    columns `gpd.read_file` gives (the properties in the file's order, then the geometry). Read with json and
    shapely, not through GDAL: a cold start's first map then need not load GDAL's library."""
    collection = json.loads(path.read_text(encoding="utf-8"))
    frame = gpd.GeoDataFrame.from_features(collection["features"], crs=WGS84)
    return frame[[*(c for c in frame.columns if c != "geometry"), "geometry"]]


def _normalise(name: str) -> str:
    return " ".join(str(name).casefold().split())


def match_names(names: list[str], areas: pd.DataFrame) -> dict[str, str]:
    """Map source feature names (any case, possibly truncated) to area codes.

    Exact case-insensitive matches first; then a source name that is a unique prefix of one area
    name ("ULVSUNDA INDUSTRIOMR" → Ulvsunda industriområde).
    """
    by_name = {_normalise(n): c for n, c in zip(areas["name"], areas["code"], strict=True)}
    out: dict[str, str] = {}
    for raw in names:
        key = _normalise(raw)
        if key in by_name:
            out[raw] = by_name[key]
            continue
        candidates = [c for n, c in by_name.items() if n.startswith(key) and len(key) >= 4]
        if len(candidates) == 1:
            out[raw] = candidates[0]
    return out


def _name_column(frame: gpd.GeoDataFrame) -> str:
    for col in ("name", "NAME", "namn", "NAMN", "Namn", "stadsdel", "STADSDEL", "Stadsdel"):
        if col in frame.columns:
            return col
    raise GeoError("Hittar ingen kolumn med stadsdelsnamn (t.ex. 'name' eller 'namn') i filen.")
