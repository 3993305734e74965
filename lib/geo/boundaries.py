"""The stadsdel boundaries the app draws: newer official boundaries imported into data/official/ when they pass
the checks, else the shipped map; and what is derived from them (district outlines and borders, label points,
areas, the unit under a point)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import geopandas as gpd
import pandas as pd
import shapely
from shapely.geometry import Point

from lib.geo.check import check_boundaries
from lib.geo.core import METRIC_CRS, WGS84, _round_coords, read_frame


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


def load_boundaries(shipped_path: Path, official_path: Path) -> Boundaries:
    """Boundaries imported into data/official/ when present, readable and still passing `check_boundaries` (a
    file copied there by hand skips `fetch-boundaries`, so the same checks run here), else the shipped map; what
    was wrong with the imported file is kept in `refused` for the page to say."""
    shipped = read_frame(shipped_path)
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
