"""What the map sends to the browser on each rerun, in bytes: the shipped stadsdel map, the DeSO map and, if
available, boundaries imported from the city's full-size file. Every map includes the shipped water layer."""

from __future__ import annotations

import sys
from pathlib import Path

import geopandas as gpd
import pandas as pd

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from lib import geo, mapview  # noqa: E402
from lib.config import Paths  # noqa: E402


def payload(frame: gpd.GeoDataFrame, outlines: gpd.GeoDataFrame | None = None) -> int:
    """Bytes of the deck JSON for `frame` painted in five classes, with realistic tooltip texts and labels. A frame
    without `name`/`district` (DeSO) gets typical ones; `outlines` (the context lines) default to the borders between
    the stadsdelsområden of `frame`, as in the app."""
    frame = frame.copy()
    if "name" not in frame.columns:
        frame["name"] = "Hässelby strand (0180C1010)"
    if "district" not in frame.columns:
        frame["district"] = "Hässelby-Vällingby"
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
    labels = geo.label_points(frame).assign(name="Hässelby strand")[["lon", "lat", "name"]].head(117)
    deck = mapview.build_deck(
        mapview.feature_collection(frame, data),
        outlines.__geo_interface__,
        labels,
        mapview.view_state(frame),
        "{name}",
    )
    return len(deck.to_json().encode("utf-8"))


def deso_payload(paths: Paths | None = None) -> int:
    """The DeSO map: 544 DeSO with the stadsdelsområde borders of the shipped stadsdel map on top."""
    paths = paths or Paths()
    stadsdelar = gpd.read_file(paths.stadsdel_geo)
    return payload(gpd.read_file(paths.deso_geo), geo.district_borders(stadsdelar))


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
    print("Target: ≤ 150 KB for the stadsdel maps.")


if __name__ == "__main__":
    main()
