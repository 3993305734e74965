"""A deck kept as its spec (the Karta page's cache) sends exactly what the deck itself would."""

from __future__ import annotations

import geopandas as gpd

from conftest import ROOT
from lib import mapview


def test_spec_deck_sends_the_same_spec_and_tooltip():
    frame = gpd.read_file(ROOT / "geo" / "stadsdelar.geojson")
    data = mapview.MapData({"rinkeby": 4}, 5, {"rinkeby": "8,4 %"}, {"rinkeby"}, {"rinkeby": "syntetiskt värde"})
    deck = mapview.build_deck(
        mapview.feature_collection(frame, data),
        frame.dissolve(by="district").reset_index().__geo_interface__,
        frame.assign(lon=18.0, lat=59.3)[["lon", "lat", "name"]].head(2),
        mapview.view_state(frame),
        "<b>{name}</b><br/>{value_text}",
    )
    spec, tooltip = mapview.deck_spec(deck)
    kept = mapview.SpecDeck(spec, tooltip)
    assert kept.to_json() == deck.to_json() == spec
    assert kept._tooltip == deck._tooltip == tooltip
