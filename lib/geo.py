"""Stadsdel and DeSO geometry: the shipped official maps, how they are built, and import of newer boundaries.

The maps in `geo/` are built by `build_maps` (CLI `make-map`) from reference files of Stockholms stad (stadsdel
boundaries with the water cut out, and the water itself) and SCB (DeSO 2018), all CC0: features are matched to
our area codes, cleaned into one coverage without gaps or overlaps, simplified as a whole (neighbours keep sharing
their edges), reprojected to WGS 84, rounded to 5 decimals and written as compact GeoJSON that names its source
and licence. The build is deterministic: the same sources give the same bytes.

Newer official boundaries can still be imported from a file or downloaded (`fetch-boundaries`) into the
git-ignored `data/official/`; when present they replace the shipped stadsdel map. Because they then become *the*
map every planner sees, they are checked first (`check_boundaries`): nearly every stadsdel present, the whole in
Stockholm, and every stadsdel of a plausible size next to the shipped map – a wrong CRS label or a truncated file
is refused instead of shown as official.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from shapely.geometry import Point

METRIC_CRS = "EPSG:3011"  # SWEREF99 18 00, the city's own CRS
WGS84 = "EPSG:4326"
COORD_DECIMALS = 5  # ≈ 1 m; enough for a city map, and keeps the payload small

#: Sources of the shipped maps, relative to the shared reference folder (`Paths().shared_dir`).
STADSDEL_SOURCE = Path("reference/geo/stadsdelar_utan_vatten_simplified.geo.json")
WATER_SOURCE = Path("reference/geo/vatten_simplified.geo.json")
DESO_SOURCE = Path("reference/real/deso2018.geojson")

ATTRIBUTION = "Kartdata: Stockholms stad, CC0"
STADSDEL_META = {
    "source": (
        "Stockholms stad, Stadsbyggnadskontoret: Stadskarta (dataportalen.stockholm.se, release 2021-04-13), "
        "stadsdelar utan vatten, via github.com/KTHHealthData/stockholm-stadsdelar "
        "@d52d2d07e1f008f24b0644f26dc04c777f7cfe19; matched to the app's area codes and simplified for the web"
    ),
    "licence": "CC0 1.0",
    "attribution": ATTRIBUTION,
}
WATER_META = {
    "source": (
        "Stockholms stad, Stadsbyggnadskontoret: Stadskarta (dataportalen.stockholm.se, release 2021-04-13), "
        "vatten, via github.com/KTHHealthData/stockholm-stadsdelar @d52d2d07e1f008f24b0644f26dc04c777f7cfe19; "
        "small waters dropped, widened under the land and simplified hard (a background layer)"
    ),
    "licence": "CC0 1.0",
    "attribution": ATTRIBUTION,
}
DESO_META = {
    "source": (
        "SCB: DeSO 2018 (demografiska statistikområden), Stockholms kommun, as simplified in "
        "github.com/mercedes-leigh21/stockholm-metroboomin @c57fe9c63b53d7359ec345675fb37213b5b077b0; "
        "cleaned and simplified for the web"
    ),
    "licence": "CC0 1.0",
    "attribution": "Kartdata: SCB, CC0",
}

# Build parameters (metres in the city CRS). Changing one changes the shipped files: run `make data`.
STADSDEL_TOLERANCE_M = 45.0  # coverage simplification: ≈ √ of the largest triangle area removed
DESO_TOLERANCE_M = 100.0  # DeSO are many and small: coarser, to keep the file ≤ 160 KB
DESO_GAP_WIDTH_M = 100.0  # DeSO tile the whole municipality (water too), so every gap is a digitising artefact
MIN_ISLAND_M2 = 2_000.0  # land parts smaller than this are dropped (the water underneath shows instead)
MAX_POND_M2 = 20_000.0  # holes in a stadsdel smaller than this (ponds) are filled
GAP_WIDTH_M = 5.0  # slivers narrower than this between neighbours are closed
WATER_WIDEN_M = 60.0  # water is widened under the land so the simplified edges leave no white seams
WATER_TOLERANCE_M = 50.0
WATER_MARGIN_M = 1_000.0  # the water is clipped to the city's bounding box plus this margin

# Checks on imported boundaries (see `check_boundaries`).
#: Where the stadsdelar lie, WGS 84 (lon min, lat min, lon max, lat max); the shipped map spans 17.77–18.20,
#: 59.23–59.44. Imported boundaries must lie within this box widened by `STOCKHOLM_MARGIN_DEG` (about 5 km).
STOCKHOLM_BOUNDS = (17.7, 59.2, 18.25, 59.45)
STOCKHOLM_MARGIN_DEG = 0.05
MIN_MATCHED_SHARE = 0.95  # of the stadsdelar in data/area.csv
#: An imported stadsdel may be at most this many times larger or smaller than in the shipped map. Real boundary
#: revisions move a street or a shoreline; a factor of 3 is a different area (or a different unit).
AREA_FACTOR = 3.0


class GeoError(RuntimeError):
    """Geometry could not be read, downloaded or matched; the message is Swedish."""


@dataclass(frozen=True)
class Boundaries:
    """Stadsdel polygons (WGS 84) with `code`, `name`, `district`; shipped with the app or imported later."""

    frame: gpd.GeoDataFrame
    imported: bool
    source: str
    #: Why boundaries found in data/official/ are not used (empty when there are none, or they passed the checks).
    refused: tuple[str, ...] = ()

    @property
    def kind(self) -> str:
        """'official' for the shipped map, 'imported' for boundaries installed in data/official/."""
        return "imported" if self.imported else "official"


@dataclass
class ImportReport:
    """What an import of official boundaries matched, left out and repaired."""

    matched: int = 0
    unmatched_features: list[str] = field(default_factory=list)
    missing_areas: list[str] = field(default_factory=list)
    repaired: int = 0
    source_crs: str = ""
    #: Failed checks (Swedish sentences) when the import was checked against a reference; empty when it passed.
    problems: list[str] = field(default_factory=list)


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


def _drop_small_parts(geom, min_area: float):
    """Drop parts smaller than `min_area`, but always keep the largest."""
    parts = sorted(_polygons(geom), key=lambda p: -p.area)
    kept = parts[:1] + [p for p in parts[1:] if p.area >= min_area]
    return kept[0] if len(kept) == 1 else shapely.MultiPolygon(kept)


def _fill_small_holes(geoms: np.ndarray, max_area: float) -> np.ndarray:
    """Fill holes smaller than `max_area` (ponds), unless another polygon lies in them (an enclave)."""
    tree = shapely.STRtree(geoms)
    out = []
    for i, geom in enumerate(geoms):
        parts = []
        for poly in _polygons(geom):
            holes = []
            for ring in poly.interiors:
                hole = shapely.Polygon(ring)
                others = [j for j in tree.query(hole, predicate="intersects") if j != i]
                enclave = any(shapely.intersection(hole, geoms[j]).area > 1.0 for j in others)
                if hole.area >= max_area or enclave:
                    holes.append(ring)
            parts.append(shapely.Polygon(poly.exterior, holes))
        out.append(parts[0] if len(parts) == 1 else shapely.MultiPolygon(parts))
    return np.asarray(out, dtype=object)


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


def build_stadsdel_map(
    source: Path, areas: pd.DataFrame, tolerance_m: float = STADSDEL_TOLERANCE_M
) -> gpd.GeoDataFrame:
    """The shipped stadsdel map from the city's boundaries without water: one feature per area code, with
    `code`, `name` and `district` from `areas`, in the order of `areas`. Raises `GeoError` unless every feature
    matches exactly one area and every area one feature."""
    frame = gpd.read_file(source)
    names = frame[_name_column(frame)].astype(str)
    matches = match_names(names.tolist(), areas)
    unmatched = sorted(set(names) - set(matches))
    missing = sorted(set(areas["code"]) - set(matches.values()))
    if unmatched or missing or names.duplicated().any():
        raise GeoError(
            f"Källan och stadsdelarna stämmer inte överens: omatchade {unmatched}, saknas {missing}, "
            f"dubbletter {sorted(names[names.duplicated()])}."
        )
    frame = frame.assign(code=names.map(matches)).set_index("code").loc[list(areas["code"])].to_crs(METRIC_CRS)
    geoms = [_drop_small_parts(g, MIN_ISLAND_M2) for g in shapely.make_valid(frame.geometry.to_numpy())]
    geoms = _fill_small_holes(np.asarray(geoms, dtype=object), MAX_POND_M2)
    out = gpd.GeoDataFrame(
        {"code": areas["code"].to_numpy(), "name": areas["name"].to_numpy(), "district": areas["district"].to_numpy()},
        geometry=_simplified_coverage(geoms, tolerance_m),
        crs=METRIC_CRS,
    )
    return _to_web(out)


def build_water(source: Path, land: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """The city's water as one background polygon to draw under `land`: waters hidden under the land (ponds the
    stadsdelar cover) dropped, the rest widened under the land so simplified edges leave no seams, islands
    filled (the land covers them), simplified hard and clipped to the bounding box of `land` plus a margin."""
    frame = gpd.read_file(source).to_crs(METRIC_CRS)
    land_metric = land.to_crs(METRIC_CRS)
    cover = shapely.union_all(land_metric.geometry.to_numpy()).buffer(2.0)
    parts = [p for g in shapely.make_valid(frame.geometry.to_numpy()) for p in _polygons(g)]
    visible = [p for p in parts if not cover.contains(p)]
    water = shapely.union_all(visible).buffer(WATER_WIDEN_M, quad_segs=2)
    water = shapely.MultiPolygon([shapely.Polygon(p.exterior) for p in _polygons(water)])
    water = water.simplify(WATER_TOLERANCE_M, preserve_topology=True)
    minx, miny, maxx, maxy = land_metric.total_bounds
    box = shapely.box(minx, miny, maxx, maxy).buffer(WATER_MARGIN_M, join_style="mitre")
    water = shapely.make_valid(water.intersection(box))
    water = shapely.MultiPolygon(sorted(_polygons(water), key=lambda p: (-round(p.area), p.bounds)))
    return _to_web(gpd.GeoDataFrame(geometry=[water], crs=METRIC_CRS))


def build_deso(source: Path, tolerance_m: float = DESO_TOLERANCE_M) -> gpd.GeoDataFrame:
    """SCB's DeSO 2018 polygons of the city with `code` only (the rest comes from the database), by code."""
    frame = gpd.read_file(source)
    code_col = next((c for c in ("deso_2018", "deso", "code", "Deso") if c in frame.columns), None)
    if code_col is None or frame[code_col].duplicated().any():
        raise GeoError(f"DeSO-filen {source} saknar en kolumn med unika DeSO-koder.")
    frame = frame.sort_values(code_col).to_crs(METRIC_CRS)
    out = gpd.GeoDataFrame(
        {"code": frame[code_col].astype(str).to_numpy()},
        geometry=_simplified_coverage(frame.geometry.to_numpy(), tolerance_m, DESO_GAP_WIDTH_M),
        crs=METRIC_CRS,
    )
    return _to_web(out)


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


def build_maps(shared_dir: Path, areas: pd.DataFrame, out_dir: Path) -> dict[str, int]:
    """Build the three shipped maps from the reference files in `shared_dir` into `out_dir`; returns file → bytes."""
    sources = [shared_dir / p for p in (STADSDEL_SOURCE, WATER_SOURCE, DESO_SOURCE)]
    absent = [str(p) for p in sources if not p.exists()]
    if absent:
        raise GeoError("Källfilerna saknas: " + ", ".join(absent))
    stadsdelar = build_stadsdel_map(sources[0], areas)
    return {
        "stadsdelar.geojson": write_geojson(stadsdelar, out_dir / "stadsdelar.geojson", STADSDEL_META),
        "vatten.geojson": write_geojson(build_water(sources[1], stadsdelar), out_dir / "vatten.geojson", WATER_META),
        "deso.geojson": write_geojson(build_deso(sources[2]), out_dir / "deso.geojson", DESO_META),
    }


def load_boundaries(shipped_path: Path, official_path: Path) -> Boundaries:
    """Boundaries imported into data/official/ when present, readable and still passing `check_boundaries` (a
    file copied there by hand skips `fetch-boundaries`, so the same checks run here), else the shipped map; what
    was wrong with the imported file is kept in `refused` for the page to say."""
    shipped = gpd.read_file(shipped_path).to_crs(WGS84)
    refused: tuple[str, ...] = ()
    if official_path.exists():
        try:
            frame = gpd.read_file(official_path).to_crs(WGS84)
            refused = tuple(check_boundaries(frame, shipped[["code", "name"]], shipped))
        except Exception:  # noqa: BLE001 - a broken import must not take the app down; fall back
            refused = ("Filen kan inte läsas som stadsdelsgränser.",)
        if not refused:
            return Boundaries(frame, imported=True, source=str(official_path))
    return Boundaries(shipped, imported=False, source=str(shipped_path), refused=refused)


@lru_cache(maxsize=4)
def _geojson(path: str, mtime: float) -> dict:
    return json.loads(Path(path).read_text(encoding="utf-8"))


def read_geojson(path: Path) -> dict:
    """A GeoJSON file as a dict, cached while the file is unchanged (treat it as read-only)."""
    return _geojson(str(path), path.stat().st_mtime)


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


def _crs_name(crs) -> str:
    try:
        return crs.name or str(crs)
    except Exception:  # noqa: BLE001 - only for a message
        return str(crs)


def _to_metric(frame: gpd.GeoDataFrame, source: Path) -> gpd.GeoDataFrame:
    """`frame` in the city's metric CRS; a CRS that cannot be converted (unknown, local, broken) is a Swedish
    message, not a PROJ traceback."""
    from pyproj.exceptions import CRSError, ProjError

    try:
        out = frame.to_crs(METRIC_CRS)
    except (CRSError, ProjError, ValueError, TypeError) as exc:
        raise GeoError(
            f"Koordinatsystemet i gränsfilen {Path(source).name} ({_crs_name(frame.crs)}) är okänt eller kan inte "
            "räknas om till stadens koordinatsystem (SWEREF 99 18 00). Spara filen med ett vanligt koordinatsystem, "
            "t.ex. WGS 84 (EPSG:4326) eller SWEREF 99 TM (EPSG:3006). Inget installerades."
        ) from exc
    return out


def _read_boundary_file(source: Path) -> gpd.GeoDataFrame:
    try:
        return gpd.read_file(source)
    except Exception as exc:
        if "crs" in type(exc).__name__.lower() or "PROJ" in str(exc):
            raise GeoError(
                f"Koordinatsystemet i gränsfilen {Path(source).name} kan inte tolkas ({exc}). Spara filen med ett "
                "vanligt koordinatsystem, t.ex. WGS 84 (EPSG:4326) eller SWEREF 99 TM (EPSG:3006). Inget installerades."
            ) from exc
        raise GeoError(f"Kunde inte läsa gränsfilen {source}: {exc}") from exc


def import_boundaries(
    source: Path, areas: pd.DataFrame, simplify_m: float = 40.0, reference: gpd.GeoDataFrame | None = None
) -> tuple[gpd.GeoDataFrame, ImportReport]:
    """Read GeoJSON, Shapefile or GeoPackage in any CRS and return web-ready polygons with our codes.

    Features are matched by name, invalid geometry repaired, polygons of one stadsdel dissolved,
    simplified as one coverage (`simplify_m`: GEOS coverage tolerance in metres of the city CRS) and reprojected
    to WGS 84.

    With a `reference` map (the shipped one) the matched polygons are checked first (`check_boundaries`); when a
    check fails, `report.problems` says which and the frame comes back unsimplified – it must not be installed, and
    cleaning a hostile coverage (say 117 copies of the whole city) can take minutes.
    """
    frame = _read_boundary_file(source)
    if frame.empty:
        raise GeoError(f"Gränsfilen {source} innehåller inga objekt.")
    report = ImportReport(source_crs=str(frame.crs) if frame.crs else "okänt (antar WGS 84)")
    if frame.crs is None:
        frame = frame.set_crs(WGS84)
    name_col = _name_column(frame)
    matches = match_names(frame[name_col].astype(str).tolist(), areas)
    frame["code"] = frame[name_col].astype(str).map(matches)
    report.unmatched_features = sorted(frame.loc[frame["code"].isna(), name_col].astype(str).unique())
    frame = _to_metric(frame[frame["code"].notna()], source)
    invalid = ~frame.geometry.is_valid
    report.repaired = int(invalid.sum())
    frame.loc[invalid, "geometry"] = frame.loc[invalid, "geometry"].apply(shapely.make_valid)
    frame = frame[["code", "geometry"]].dissolve(by="code", as_index=False)
    if reference is not None:
        report.problems = check_boundaries(frame, areas, reference)
        if report.problems:
            report.matched = int((~frame.geometry.is_empty).sum())
            report.missing_areas = sorted(set(areas["code"]) - set(frame.loc[~frame.geometry.is_empty, "code"]))
            meta = areas.set_index("code")[["name", "district"]]
            return frame.join(meta, on="code")[["code", "name", "district", "geometry"]], report
    try:
        # Simplify the tiling as a whole so that neighbours keep sharing their edges (no slivers or gaps).
        frame["geometry"] = _simplified_coverage(frame.geometry.to_numpy(), simplify_m)
    except shapely.errors.GEOSException:
        frame["geometry"] = frame.geometry.simplify(simplify_m, preserve_topology=True)
    meta = areas.set_index("code")[["name", "district"]]
    frame = _to_web(frame.join(meta, on="code"))
    report.matched = len(frame)
    report.missing_areas = sorted(set(areas["code"]) - set(frame["code"]))
    return frame[["code", "name", "district", "geometry"]], report


def _ellipsoidal_km2(frame: gpd.GeoDataFrame) -> np.ndarray:
    """Area of each geometry in km² on the WGS 84 ellipsoid: right wherever a (wrongly placed) polygon ended up,
    unlike an area in a projected CRS. Empty, missing or unmeasurable geometry counts as 0."""
    from pyproj import Geod

    geod = Geod(ellps="WGS84")
    try:
        geoms = frame.to_crs(WGS84).geometry
    except Exception:  # noqa: BLE001 - coordinates PROJ cannot convert measure nothing
        return np.zeros(len(frame))
    out = []
    for geom in geoms:
        try:
            area = abs(geod.geometry_area_perimeter(geom)[0]) / 1e6 if geom is not None and not geom.is_empty else 0.0
        except Exception:  # noqa: BLE001 - a geometry PROJ cannot measure is as good as none
            area = 0.0
        out.append(area if np.isfinite(area) else 0.0)
    return np.asarray(out, dtype=float)


def _names(codes, areas: pd.DataFrame, limit: int = 10) -> str:
    names = areas.set_index("code")["name"]
    shown = [str(names.get(c, c)) for c in list(codes)[:limit]]
    rest = len(codes) - len(shown)
    return ", ".join(shown) + (f" och {rest} till" if rest > 0 else "")


def check_boundaries(frame: gpd.GeoDataFrame, areas: pd.DataFrame, reference: gpd.GeoDataFrame) -> list[str]:
    """What is wrong with imported stadsdel boundaries before they replace the official map, as Swedish sentences
    (empty: nothing). `frame` has `code` and geometry in any CRS; `reference` is the shipped map.

    Every check runs, so the message lists every failure at once:
    - at least `MIN_MATCHED_SHARE` of the stadsdelar in `areas` have a (non-empty) polygon – a truncated file or a
      different subdivision is not the city's map;
    - the whole lies within Stockholm (`STOCKHOLM_BOUNDS` plus a margin) – degrees labelled as metres (EPSG:3857)
      or metres without a CRS land elsewhere on Earth;
    - each stadsdel's area on the ellipsoid is within `AREA_FACTOR` of the shipped map's – one city-sized polygon
      under every name, or polygons shrunk to points, are not boundaries.
    """
    from lib.fmt import number

    problems = []
    present = frame.loc[frame.geometry.notna() & ~frame.geometry.is_empty, "code"]
    codes = list(areas["code"])
    found = [c for c in codes if c in set(present)]
    if len(found) < MIN_MATCHED_SHARE * len(codes):
        missing = [c for c in codes if c not in set(found)]
        problems.append(
            f"Bara {len(found)} av {len(codes)} stadsdelar ({number(100 * len(found) / max(len(codes), 1), 0)} %) "
            f"finns i filen; minst {number(100 * MIN_MATCHED_SHARE, 0)} % krävs. Saknas: {_names(missing, areas)}."
        )
    lon_min, lat_min, lon_max, lat_max = STOCKHOLM_BOUNDS
    m = STOCKHOLM_MARGIN_DEG
    expected = (
        f"väntat inom ungefär lon {number(lon_min, 2)}–{number(lon_max, 2)}, lat {number(lat_min, 2)}–"
        f"{number(lat_max, 2)}"
    )
    shown = frame[frame["code"].isin(found)]
    try:
        bounds = shown.to_crs(WGS84).total_bounds if len(shown) else np.full(4, np.nan)
    except Exception:  # noqa: BLE001 - coordinates PROJ cannot convert lie nowhere near Stockholm
        bounds = np.full(4, np.nan)
    if not np.isfinite(bounds).all():
        problems.append(f"Gränserna saknar en mätbar utbredning ({expected}). Är koordinatsystemet rätt angivet?")
    elif not (
        bounds[0] >= lon_min - m and bounds[2] <= lon_max + m and bounds[1] >= lat_min - m and bounds[3] <= lat_max + m
    ):
        problems.append(
            f"Gränserna ligger inte i Stockholm: de sträcker sig över lon {number(bounds[0], 2)}–"
            f"{number(bounds[2], 2)}, lat {number(bounds[1], 2)}–{number(bounds[3], 2)} ({expected}). Är "
            "koordinatsystemet rätt angivet "
            "(t.ex. grader märkta som meter, EPSG:3857)?"
        )
    # Two references, because the city publishes its stadsdelar both with and without the water (Riddarholmen is
    # three times larger with it): the shipped map (land only) and data/area.csv's area_km2 (water included).
    land = pd.Series(_ellipsoidal_km2(reference), index=reference["code"].to_numpy())
    land = land[~land.index.duplicated()]
    total = areas.set_index("code")["area_km2"] if "area_km2" in areas.columns else pd.Series(dtype=float)
    new = pd.Series(_ellipsoidal_km2(shown), index=shown["code"].to_numpy())

    def plausible(code: str) -> bool:
        refs = [r for r in (land.get(code), total.get(code)) if r is not None and np.isfinite(r) and r > 0]
        return not refs or any(r / AREA_FACTOR <= new[code] <= r * AREA_FACTOR for r in refs)

    odd = [c for c in found if not plausible(c)]
    if odd:
        names = areas.set_index("code")["name"]
        examples = "; ".join(
            f"{names.get(c, c)} {number(new[c], 2)} km² mot {number(land.get(c, total.get(c, np.nan)), 2)} km²"
            for c in odd[:5]
        )
        more = f" och {len(odd) - 5} till" if len(odd) > 5 else ""
        problems.append(
            f"{len(odd)} av {len(found)} stadsdelar har en yta som är mer än {number(AREA_FACTOR, 0)} gånger större "
            f"eller mindre än i den medföljande kartan: {examples}{more}."
        )
    return problems


def download(url: str, dest: Path, sha256: str | None, timeout: float = 10.0) -> Path:
    """Download `url` to `dest`, checking the SHA-256 when given; raises `GeoError` in Swedish."""
    try:
        with urllib.request.urlopen(url, timeout=timeout) as resp:  # noqa: S310 - pinned or user-given URL
            payload = resp.read()
    except (urllib.error.URLError, TimeoutError, OSError) as exc:
        raise GeoError(
            f"Kunde inte hämta gränsfilen ({exc}). Ingen internetanslutning? Appen fortsätter med den medföljande "
            "officiella kartan; hämta filen på en annan dator och kör `python -m lib.cli fetch-boundaries FIL`."
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


def district_borders(frame: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """The lines where two stadsdelsområden meet on land (no coastlines: the water shows those), one feature per
    pair of neighbouring districts: the map's context lines, a fraction of the size of whole outlines."""
    merged = {d: shapely.union_all(g.geometry.to_numpy()).boundary for d, g in frame.groupby("district", sort=True)}
    names = sorted(merged)
    rows = []
    for i, first in enumerate(names):
        for second in names[i + 1 :]:
            shared = shapely.intersection(merged[first], merged[second])
            lines = [g for g in shapely.get_parts(shared) if g.geom_type == "LineString" and not g.is_empty]
            if lines:
                rows.append((first, second, shapely.line_merge(shapely.union_all(lines))))
    return gpd.GeoDataFrame(
        {"district_a": [r[0] for r in rows], "district_b": [r[1] for r in rows]},
        geometry=[r[2] for r in rows],
        crs=frame.crs,
    )


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
