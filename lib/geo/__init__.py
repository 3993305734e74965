"""Stadsdel and DeSO geometry: the shipped official maps, how they are built, and import of newer boundaries.

One package, one concept per module; callers keep using `lib.geo.X`:

- `core`: the city's CRS, cleaning and rounding polygons for the web, compact GeoJSON files, name matching;
- `build`: the shipped maps in `geo/` built from the reference files of Stockholms stad and SCB (`make-map`);
- `check`: import of newer official boundaries into the git-ignored `data/official/` (from a file or downloaded,
  `fetch-boundaries`) and the checks they must pass before they replace the shipped map;
- `boundaries`: the boundaries the app draws (imported when present and passing, else shipped) and what is
  derived from them (district outlines and borders, label points, areas).
"""

from lib.geo.boundaries import (
    Boundaries,
    district_borders,
    district_outlines,
    geodesic_area_km2,
    label_points,
    load_boundaries,
    point_in,
)
from lib.geo.build import (
    DESO_GAP_WIDTH_M,
    DESO_META,
    DESO_SOURCE,
    DESO_TOLERANCE_M,
    MAX_POND_M2,
    MIN_ISLAND_M2,
    STADSDEL_META,
    STADSDEL_SOURCE,
    STADSDEL_TOLERANCE_M,
    WATER_MARGIN_M,
    WATER_META,
    WATER_SOURCE,
    WATER_TOLERANCE_M,
    WATER_WIDEN_M,
    build_deso,
    build_maps,
    build_stadsdel_map,
    build_water,
)
from lib.geo.check import (
    AREA_FACTOR,
    MIN_MATCHED_SHARE,
    STOCKHOLM_BOUNDS,
    STOCKHOLM_MARGIN_DEG,
    ImportReport,
    check_boundaries,
    download,
    import_boundaries,
)
from lib.geo.core import (
    ATTRIBUTION,
    COORD_DECIMALS,
    GAP_WIDTH_M,
    METRIC_CRS,
    WGS84,
    GeoError,
    geojson_text,
    match_names,
    read_frame,
    read_geojson,
    stage_file,
    write_geojson,
)

__all__ = [
    "AREA_FACTOR",
    "ATTRIBUTION",
    "COORD_DECIMALS",
    "DESO_GAP_WIDTH_M",
    "DESO_META",
    "DESO_SOURCE",
    "DESO_TOLERANCE_M",
    "GAP_WIDTH_M",
    "MAX_POND_M2",
    "METRIC_CRS",
    "MIN_ISLAND_M2",
    "MIN_MATCHED_SHARE",
    "STADSDEL_META",
    "STADSDEL_SOURCE",
    "STADSDEL_TOLERANCE_M",
    "STOCKHOLM_BOUNDS",
    "STOCKHOLM_MARGIN_DEG",
    "WATER_MARGIN_M",
    "WATER_META",
    "WATER_SOURCE",
    "WATER_TOLERANCE_M",
    "WATER_WIDEN_M",
    "WGS84",
    "Boundaries",
    "GeoError",
    "ImportReport",
    "build_deso",
    "build_maps",
    "build_stadsdel_map",
    "build_water",
    "check_boundaries",
    "district_borders",
    "district_outlines",
    "download",
    "geodesic_area_km2",
    "geojson_text",
    "import_boundaries",
    "label_points",
    "load_boundaries",
    "match_names",
    "point_in",
    "read_frame",
    "read_geojson",
    "stage_file",
    "write_geojson",
]
