"""Importing newer official stadsdel boundaries, and checking them before they replace the shipped map.

Imported boundaries become *the* map every planner sees, so they are checked first (`check_boundaries`): nearly
every stadsdel present, the whole in Stockholm, and every stadsdel of a plausible size next to the shipped map – a
wrong CRS label or a truncated file is refused instead of shown as official. `download` fetches a file for
`fetch-boundaries`.
"""

from __future__ import annotations

import hashlib
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from lib.geo.core import (
    METRIC_CRS,
    WGS84,
    GeoError,
    _name_column,
    _simplified_coverage,
    _to_web,
    match_names,
)

#: Where the stadsdelar lie, WGS 84 (lon min, lat min, lon max, lat max); the shipped map spans 17.77–18.20,
#: 59.23–59.44. Imported boundaries must lie within this box widened by `STOCKHOLM_MARGIN_DEG` (about 5 km).
STOCKHOLM_BOUNDS = (17.7, 59.2, 18.25, 59.45)
STOCKHOLM_MARGIN_DEG = 0.05
MIN_MATCHED_SHARE = 0.95  # of the stadsdelar in data/area.csv
#: An imported stadsdel may be at most this many times larger or smaller than in the shipped map. Real boundary
#: revisions move a street or a shoreline; a factor of 3 is a different area (or a different unit).
AREA_FACTOR = 3.0


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
