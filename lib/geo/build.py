"""Building the shipped maps in `geo/` (CLI `make-map`) from the reference files of Stockholms stad and SCB.

Features are matched to our area codes, cleaned into one coverage without gaps or overlaps, simplified as a whole
(neighbours keep sharing their edges), reprojected to WGS 84, rounded to 5 decimals and written as compact GeoJSON
that names its source and licence. The build is deterministic: the same sources give the same bytes.
"""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from lib.geo.core import (
    ATTRIBUTION,
    METRIC_CRS,
    GeoError,
    _name_column,
    _polygons,
    _simplified_coverage,
    _to_web,
    match_names,
    write_geojson,
)

#: Sources of the shipped maps, relative to the shared reference folder (`Paths().shared_dir`).
STADSDEL_SOURCE = Path("reference/geo/stadsdelar_utan_vatten_simplified.geo.json")
WATER_SOURCE = Path("reference/geo/vatten_simplified.geo.json")
DESO_SOURCE = Path("reference/real/deso2018.geojson")

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
WATER_WIDEN_M = 60.0  # water is widened under the land so the simplified edges leave no white seams
WATER_TOLERANCE_M = 50.0
WATER_MARGIN_M = 1_000.0  # the water is clipped to the city's bounding box plus this margin


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
    parts = [_drop_small_parts(g, MIN_ISLAND_M2) for g in shapely.make_valid(frame.geometry.to_numpy())]
    geoms = _fill_small_holes(np.asarray(parts, dtype=object), MAX_POND_M2)
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
