"""What the map sends to the browser on each rerun, in bytes (schematic and, if available, official boundaries)."""

from __future__ import annotations

import sys
from pathlib import Path

import geopandas as gpd
import pandas as pd

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from lib import geo, mapview  # noqa: E402


def payload(frame: gpd.GeoDataFrame) -> int:
    codes = list(frame["code"])
    data = mapview.MapData(
        dict.fromkeys(codes, 2),
        5,
        dict.fromkeys(codes, "12,3 dagar per person 16–64 år"),
        set(codes),
        dict.fromkeys(codes, "syntetiskt värde"),
        dict.fromkeys(codes, "plats 12 av 22 (programmet)"),
    )
    labels = geo.label_points(frame).assign(name="Hässelby strand")[["lon", "lat", "name"]]
    deck = mapview.build_deck(
        mapview.feature_collection(frame, data),
        geo.district_outlines(frame).__geo_interface__,
        labels,
        mapview.view_state(frame),
        "{name}",
    )
    return len(deck.to_json().encode("utf-8"))


def main() -> None:
    areas = pd.read_csv(ROOT / "data" / "area.csv")
    print(f"{'map':40} {'KB per rerun':>14}")
    schematic = payload(gpd.read_file(ROOT / "geo" / "stadsdelar.geojson"))
    print(f"{'schematic (geo/stadsdelar.geojson)':40} {schematic / 1024:14.1f}")
    reference = ROOT.parent / "shared" / "reference" / "geo" / "stadsdelar.geo.json"
    if reference.exists():
        official, _ = geo.import_boundaries(reference, areas)
        print(f"{'official (imported, simplified)':40} {payload(official) / 1024:14.1f}")
    print("Target: ≤ 150 KB.")


if __name__ == "__main__":
    main()
