"""Stadsdel geometry: the shipped schematic map, and import of the city's official boundaries.

The schematic map is made here from nothing but the centre point and size of each stadsdel: Voronoi
cells around the centres, clipped to a city outline built from circles of each stadsdel's size. It
is honest about being a sketch (`schematic: true`, and the UI says "Schematisk karta").

The official boundaries (CC0, Stockholms stad) are downloaded or read from a file on demand, checked,
matched to our area codes, repaired, simplified and written to a git-ignored folder; when present the
app uses them instead.
"""

from __future__ import annotations

import hashlib
import json
import math
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

import geopandas as gpd
import pandas as pd
import shapely
from shapely.geometry import MultiPoint, Point

METRIC_CRS = "EPSG:3011"  # SWEREF99 18 00, the city's own CRS
WGS84 = "EPSG:4326"
COORD_DECIMALS = 5  # ≈ 1 m; enough for a city map, and keeps the payload small


class GeoError(RuntimeError):
    """Geometry could not be read, downloaded or matched; the message is Swedish."""


@dataclass(frozen=True)
class Boundaries:
    """Stadsdel polygons (WGS 84) with `code`, `name`, `district`, and whether they are schematic."""

    frame: gpd.GeoDataFrame
    schematic: bool
    source: str

    @property
    def kind(self) -> str:
        return "schematic" if self.schematic else "official"


@dataclass
class ImportReport:
    """What an import of official boundaries matched, left out and repaired."""

    matched: int = 0
    unmatched_features: list[str] = field(default_factory=list)
    missing_areas: list[str] = field(default_factory=list)
    repaired: int = 0
    source_crs: str = ""


def _round_coords(geom, decimals: int = COORD_DECIMALS):
    return shapely.set_precision(geom, 10 ** (-decimals), mode="pointwise")


def make_schematic_map(areas: pd.DataFrame) -> gpd.GeoDataFrame:
    """Voronoi cells around each stadsdel's centre, clipped to an outline of circles of its area.

    `areas` needs `code`, `name`, `district`, `lon`, `lat`, `area_km2`. The result tiles the outline
    without overlaps, one polygon per stadsdel.
    """
    pts = gpd.GeoSeries(gpd.points_from_xy(areas["lon"], areas["lat"]), crs=WGS84).to_crs(METRIC_CRS)
    radii = [math.sqrt(a * 1e6 / math.pi) * 1.15 for a in areas["area_km2"]]
    circles = shapely.union_all([p.buffer(r, quad_segs=6) for p, r in zip(pts, radii, strict=True)])
    hull = shapely.concave_hull(MultiPoint(list(pts)), ratio=0.25)
    outline = shapely.union_all([circles, hull]).buffer(400).buffer(-400).simplify(60)
    outline = shapely.make_valid(outline)
    cells = shapely.voronoi_polygons(MultiPoint(list(pts)), extend_to=outline.buffer(5000))
    polys = []
    for p in pts:
        cell = next(c for c in cells.geoms if c.contains(p))
        clipped = cell.intersection(outline)
        if clipped.geom_type != "Polygon":
            parts = [g for g in getattr(clipped, "geoms", [clipped]) if g.geom_type == "Polygon"]
            clipped = (
                next(g for g in parts if g.contains(p))
                if any(g.contains(p) for g in parts)
                else max(parts, key=lambda g: g.area)
            )
        polys.append(clipped.simplify(20))
    frame = gpd.GeoDataFrame(
        {"code": areas["code"].to_numpy(), "name": areas["name"].to_numpy(), "district": areas["district"].to_numpy()},
        geometry=polys,
        crs=METRIC_CRS,
    ).to_crs(WGS84)
    frame["geometry"] = [_round_coords(shapely.make_valid(g)) for g in frame.geometry]
    frame["schematic"] = True
    return frame


def write_geojson(frame: gpd.GeoDataFrame, path: Path) -> int:
    """Write compact GeoJSON (no whitespace); returns the size in bytes."""
    path.parent.mkdir(parents=True, exist_ok=True)
    data = json.loads(frame.to_json(drop_id=True))
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    path.write_text(text, encoding="utf-8")
    return len(text.encode("utf-8"))


def load_boundaries(schematic_path: Path, official_path: Path) -> Boundaries:
    """The official boundaries when they have been imported, else the shipped schematic map."""
    if official_path.exists():
        try:
            frame = gpd.read_file(official_path)
            return Boundaries(frame.to_crs(WGS84), schematic=False, source=str(official_path))
        except Exception:  # noqa: BLE001 - a broken import must not take the app down; fall back
            pass
    frame = gpd.read_file(schematic_path)
    return Boundaries(frame.to_crs(WGS84), schematic=True, source=str(schematic_path))


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


def import_boundaries(
    source: Path, areas: pd.DataFrame, simplify_m: float = 40.0
) -> tuple[gpd.GeoDataFrame, ImportReport]:
    """Read GeoJSON, Shapefile or GeoPackage in any CRS and return web-ready polygons with our codes.

    Features are matched by name, invalid geometry repaired, polygons of one stadsdel dissolved,
    simplified as one coverage (`simplify_m`: GEOS coverage tolerance in metres of the city CRS) and reprojected
    to WGS 84.
    """
    try:
        frame = gpd.read_file(source)
    except Exception as exc:  # noqa: BLE001 - any reader failure becomes one clear message
        raise GeoError(f"Kunde inte läsa gränsfilen {source}: {exc}") from exc
    if frame.empty:
        raise GeoError(f"Gränsfilen {source} innehåller inga objekt.")
    report = ImportReport(source_crs=str(frame.crs) if frame.crs else "okänt (antar WGS 84)")
    if frame.crs is None:
        frame = frame.set_crs(WGS84)
    name_col = _name_column(frame)
    matches = match_names(frame[name_col].astype(str).tolist(), areas)
    frame["code"] = frame[name_col].astype(str).map(matches)
    report.unmatched_features = sorted(frame.loc[frame["code"].isna(), name_col].astype(str).unique())
    frame = frame[frame["code"].notna()].to_crs(METRIC_CRS)
    invalid = ~frame.geometry.is_valid
    report.repaired = int(invalid.sum())
    frame.loc[invalid, "geometry"] = frame.loc[invalid, "geometry"].apply(shapely.make_valid)
    frame = frame[["code", "geometry"]].dissolve(by="code", as_index=False)
    try:
        # Simplify the tiling as a whole so that neighbours keep sharing their edges (no slivers or gaps).
        frame["geometry"] = shapely.coverage_simplify(frame.geometry.to_numpy(), simplify_m)
    except shapely.errors.GEOSException:
        frame["geometry"] = frame.geometry.simplify(simplify_m, preserve_topology=True)
    meta = areas.set_index("code")[["name", "district"]]
    frame = frame.join(meta, on="code")
    frame = frame.to_crs(WGS84)
    frame["geometry"] = [_round_coords(shapely.make_valid(g)) for g in frame.geometry]
    frame["schematic"] = False
    report.matched = len(frame)
    report.missing_areas = sorted(set(areas["code"]) - set(frame["code"]))
    return frame[["code", "name", "district", "schematic", "geometry"]], report


def download(url: str, dest: Path, sha256: str | None, timeout: float = 10.0) -> Path:
    """Download `url` to `dest`, checking the SHA-256 when given; raises `GeoError` in Swedish."""
    try:
        with urllib.request.urlopen(url, timeout=timeout) as resp:  # noqa: S310 - pinned or user-given URL
            payload = resp.read()
    except (urllib.error.URLError, TimeoutError, OSError) as exc:
        raise GeoError(
            f"Kunde inte hämta gränsfilen ({exc}). Ingen internetanslutning? Appen fortsätter med den schematiska "
            "kartan; hämta filen på en annan dator och kör `python -m lib.cli fetch-boundaries FIL`."
        ) from exc
    digest = hashlib.sha256(payload).hexdigest()
    if sha256 and digest != sha256:
        raise GeoError(
            f"Kontrollsumman stämmer inte (fick {digest[:12]}…, väntade {sha256[:12]}…); filen används inte."
        )
    dest.parent.mkdir(parents=True, exist_ok=True)
    dest.write_bytes(payload)
    return dest


def district_outlines(frame: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Stadsdelsområde outlines, dissolved from the stadsdelar (for context lines on the map)."""
    metric = frame[["district", "geometry"]].to_crs(METRIC_CRS)
    metric["geometry"] = metric.geometry.buffer(1)
    out = metric.dissolve(by="district", as_index=False)
    out["geometry"] = out.geometry.buffer(-1).simplify(25)  # context lines: coarser than the areas
    out = out.to_crs(WGS84)
    out["geometry"] = [_round_coords(g) for g in out.geometry]
    return out


def label_points(frame: gpd.GeoDataFrame) -> pd.DataFrame:
    """A point inside each polygon, for labels."""
    pts = frame.to_crs(METRIC_CRS).geometry.representative_point().to_crs(WGS84)
    return pd.DataFrame({"code": frame["code"].to_numpy(), "lon": pts.x.round(5), "lat": pts.y.round(5)})


def geodesic_area_km2(frame: gpd.GeoDataFrame) -> pd.Series:
    """Area of each polygon in km² (computed in the city's metric CRS)."""
    return frame.to_crs(METRIC_CRS).geometry.area / 1e6


def point_in(frame: gpd.GeoDataFrame, lon: float, lat: float) -> str | None:
    """Code of the polygon containing the point, if any."""
    hit = frame[frame.geometry.contains(Point(lon, lat))]
    return None if hit.empty else str(hit.iloc[0]["code"])
