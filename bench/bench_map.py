"""What the map sends to the browser on each rerun, in bytes: the shipped stadsdel map, the DeSO map and, if
available, boundaries imported from the city's full-size file. Every map includes the shipped water layer."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import geopandas as gpd
import pandas as pd

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from lib import geo, mapview  # noqa: E402
from lib.config import Paths  # noqa: E402


def published(text: str) -> str:
    """The address the app sends for the names' outlines (`ui.maps.publish_labels`), without writing the file."""
    from lib import static_files

    return f"{static_files.URL_PREFIX}namn-{'0' * 24}.json"


def payload(frame: gpd.GeoDataFrame, outlines: gpd.GeoDataFrame | None = None) -> int:
    """Bytes of the deck JSON for the stadsdelar in `frame` painted in five classes, with realistic tooltip texts
    and the stadsdelsområden's names (as the app sends them: an address, `published`); `outlines` (the context
    lines) default to the borders between the stadsdelsområden of `frame`, as in the app."""
    codes = list(frame["code"])
    data = mapview.MapData(
        dict.fromkeys(codes, 2),
        5,
        dict.fromkeys(codes, "12,3 dagar per person 16–64 år"),
        set(codes),
        dict.fromkeys(codes, "syntetiskt värde"),
        dict.fromkeys(codes, "plats 12 av 22 (programmet)"),
    )
    if outlines is None:
        outlines = geo.district_borders(frame)
    # The app's larger label set: the stadsdelsområden's names (the programme's stadsdelar are 22, fewer drawn).
    districts = frame.dissolve(by="district").reset_index()
    labels = geo.label_points(districts.assign(code=districts["district"])).rename(columns={"code": "name"})
    deck = mapview.build_deck(
        mapview.feature_collection(frame, data),
        outlines.__geo_interface__,
        labels,
        mapview.view_state(frame),
        "{name}",
        publish=published,
    )
    return len(deck.to_json().encode("utf-8"))


def deso_payload(paths: Paths | None = None) -> int:
    """The DeSO map as the app sends it: 544 DeSO as compact polygons in metres (`mapview.local_polygons`) with a
    value and a rank each, the stadsdelsområde borders and the water with coordinates rounded to 4 decimals."""
    paths = paths or Paths()
    stadsdelar = gpd.read_file(paths.stadsdel_geo)
    deso = gpd.read_file(paths.deso_geo)
    codes = list(deso["code"])
    data = mapview.MapData(
        dict.fromkeys(codes, 2),
        5,
        dict.fromkeys(codes, "123,4"),
        set(codes),
        {},
        dict.fromkeys(codes, "plats 123 av 544"),
    )
    polygons = mapview.local_polygons(deso)
    rows = mapview.deso_rows(
        polygons, data, dict.fromkeys(codes, "Hässelby strand"), dict.fromkeys(codes, "Hässelby strand")
    )
    labels = geo.label_points(stadsdelar).assign(name="Hässelby strand")[["lon", "lat", "name"]].head(22)
    deck = mapview.build_deck(
        None,
        mapview.round_coordinates(geo.district_borders(stadsdelar).__geo_interface__),
        labels,
        mapview.view_state(stadsdelar),
        mapview.deso_tooltip(rows, "index {v}", "verkliga värden (SCB)"),
        water=mapview.round_coordinates(json.loads(paths.water_geo.read_text(encoding="utf-8"))),
        area_layer=mapview.deso_layer(rows, polygons.origin),
        water_on_top=True,
        publish=published,
    )
    return len(deck.to_json().encode("utf-8"))


def main() -> None:
    paths = Paths()
    areas = pd.read_csv(ROOT / "data" / "area.csv")
    print(f"{'map':44} {'KB per rerun':>14}")
    shipped = payload(gpd.read_file(paths.stadsdel_geo))
    print(f"{'stadsdelar, shipped (geo/stadsdelar.geojson)':44} {shipped / 1024:14.1f}")
    print(f"{'DeSO (geo/deso.geojson)':44} {deso_payload(paths) / 1024:14.1f}")
    reference = paths.shared_dir / "reference" / "geo" / "stadsdelar.geo.json"
    if reference.exists():
        official, _ = geo.import_boundaries(reference, areas)
        print(f"{'stadsdelar, imported full-size file':44} {payload(official) / 1024:14.1f}")
    print("Target: ≤ 150 KB.")


if __name__ == "__main__":
    main()
