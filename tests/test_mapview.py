"""The map payload: colours per feature, context grey, a view that fits the city."""

from __future__ import annotations

import json

import geopandas as gpd
import pytest

from conftest import ROOT
from lib import classify, mapview


@pytest.fixture(scope="module")
def frame() -> gpd.GeoDataFrame:
    return gpd.read_file(ROOT / "geo" / "stadsdelar.geojson")


def test_feature_collection_paints_by_step_and_greys_the_rest(frame):
    data = mapview.MapData(
        step={"rinkeby": 4, "tensta": 0, "hansta": -1},
        k=5,
        value_text={"rinkeby": "8,4 %"},
        in_view={"rinkeby", "tensta", "hansta"},
        note={"rinkeby": "syntetiskt värde"},
    )
    fc = mapview.feature_collection(frame, data)
    props = {f["properties"]["code"]: f["properties"] for f in fc["features"]}
    assert len(props) == 117
    assert tuple(props["rinkeby"]["fill"]) == classify.hex_to_rgba(classify.palette(5)[4])
    assert tuple(props["tensta"]["fill"]) == classify.hex_to_rgba(classify.palette(5)[0])
    assert tuple(props["hansta"]["fill"]) == classify.NO_DATA_RGBA
    assert tuple(props["kista"]["fill"]) == classify.OUTSIDE_RGBA
    assert props["rinkeby"]["value_text"] == "8,4 %"
    assert props["kista"]["value_text"] == "inget värde"


def test_view_state_fits_the_city(frame):
    view = mapview.view_state(frame, height_px=440, width_px=640)
    assert 17.9 < view.longitude < 18.1
    assert 59.3 < view.latitude < 59.4
    assert 9.0 < view.zoom < 10.5


def test_deck_has_no_basemap_and_layer_ids(frame):
    data = mapview.MapData({}, 0, {}, set(), {})
    deck = mapview.build_deck(
        mapview.feature_collection(frame, data),
        frame.dissolve(by="district").reset_index().__geo_interface__,
        frame.assign(lon=18.0, lat=59.3)[["lon", "lat", "name"]].head(2),
        mapview.view_state(frame),
        "{name}",
    )
    spec = deck.to_json()
    assert "cartocdn" not in spec and "mapbox" not in spec
    layers = {layer["id"]: layer for layer in json.loads(spec)["layers"]}
    assert set(layers) == {"stadsdelar", "stadsdelsomraden", "namn"}
    assert layers["namn"]["characterSet"] == "auto"


def test_map_payload_per_rerun_is_small(frame, areas):
    """What the browser receives on every rerun: within 150 KB on the schematic and the official map."""
    from bench.bench_map import payload
    from conftest import SHARED
    from lib import geo

    assert payload(frame) <= 150 * 1024
    reference = SHARED / "reference" / "geo" / "stadsdelar.geo.json"
    if reference.exists():
        official, _ = geo.import_boundaries(reference, areas)
        assert payload(official) <= 150 * 1024


def test_compact_deck_json_is_valid_and_unindented(frame):
    spec = mapview.build_deck(
        mapview.feature_collection(frame, mapview.MapData({}, 0, {}, set(), {})),
        frame.dissolve(by="district").reset_index().__geo_interface__,
        frame.assign(lon=18.0, lat=59.3)[["lon", "lat", "name"]].head(1),
        mapview.view_state(frame),
        "{name}",
    ).to_json()
    assert "\n" not in spec and json.loads(spec)["mapStyle"] == "__MAP_STYLE__"


def test_tooltip_text_is_escaped(frame):
    data = mapview.MapData({}, 0, {"rinkeby": "<img src=x onerror=alert(1)>"}, {"rinkeby"}, {})
    props = {f["properties"]["code"]: f["properties"] for f in mapview.feature_collection(frame, data)["features"]}
    assert props["rinkeby"]["value_text"].startswith("&lt;img")
