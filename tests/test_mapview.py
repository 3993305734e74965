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
    order = [layer["id"] for layer in json.loads(spec)["layers"]]
    assert order == ["vatten", "stadsdelar", "stadsdelsomraden", "namn"]  # water under the areas, labels on top
    layers = {layer["id"]: layer for layer in json.loads(spec)["layers"]}
    # The names are letter outlines in a layer with the water's inputs (no TextLayer and its shader of its own).
    assert "TextLayer" not in spec
    water, names = layers["vatten"], layers["namn"]
    shared = ("@@type", "pickable", "highlightedObjectIndex", "stroked", "filled", "getFillColor")
    assert {k: names[k] for k in shared} == {k: water[k] for k in shared}


def test_water_layer_is_light_blue_background_and_optional(frame):
    args = (
        mapview.feature_collection(frame, mapview.MapData({}, 0, {}, set(), {})),
        {"type": "FeatureCollection", "features": []},
        frame.assign(lon=18.0, lat=59.3)[["lon", "lat", "name"]].head(1),
        mapview.view_state(frame),
        "{name}",
    )
    water = json.loads(mapview.build_deck(*args).to_json())["layers"][0]
    assert water["id"] == "vatten" and water["pickable"] is False
    # a picking buffer like the areas' (the same drawing layout in a software-rendered browser), nothing highlighted
    assert water["highlightedObjectIndex"] == -1
    assert water["data"]["features"], "the shipped water is drawn by default"
    assert water["getFillColor"] == "@@=properties.fill"  # read per feature, in the areas' own way
    assert {tuple(f["properties"]["fill"]) for f in water["data"]["features"]} == {tuple(mapview.WATER_RGBA)}
    r, g, b, _ = mapview.WATER_RGBA
    assert b > r and b > 200 and min(r, g, b) > 150  # light blue
    own = {"type": "FeatureCollection", "features": [{"type": "Feature", "properties": None, "geometry": None}]}
    drawn = json.loads(mapview.build_deck(*args, water=own).to_json())["layers"][0]["data"]
    assert drawn["features"][0]["properties"] == {"fill": mapview.WATER_RGBA}
    assert own["features"][0]["properties"] is None, "the caller's (cached) collection is not changed"
    assert [x["id"] for x in json.loads(mapview.build_deck(*args, water=False).to_json())["layers"]] == [
        "stadsdelar",
        "stadsdelsomraden",
        "namn",
    ]


def test_water_and_district_lines_are_encoded_once_per_collection_and_never_go_stale():
    """The water and the district lines are the same cached collections on every rerun: encoded once, and encoded
    again as soon as the collection or the drawn properties differ."""
    from lib.mapview import deck

    lake = {"type": "FeatureCollection", "features": [{"type": "Feature", "properties": None, "geometry": None}]}
    first = deck.kept_with_properties(lake, fill=mapview.WATER_RGBA)
    assert deck.kept_with_properties(lake, fill=mapview.WATER_RGBA) is first
    assert json.loads(first.text)["features"][0]["properties"] == {"fill": mapview.WATER_RGBA}
    assert lake["features"][0]["properties"] is None, "the caller's (cached) collection is not changed"
    other = deck.kept_with_properties(lake, fill=[1, 2, 3, 4])
    assert json.loads(other.text)["features"][0]["properties"] == {"fill": [1, 2, 3, 4]}
    copy = {**lake, "features": [{**lake["features"][0], "geometry": {"type": "Point", "coordinates": [18, 59]}}]}
    assert json.loads(deck.kept_with_properties(copy, fill=mapview.WATER_RGBA).text)["features"][0]["geometry"]


def test_first_view_labels_follow_their_inputs_every_call(frame):
    """The label choice is kept per set of labels and view; a new priority or zoom gives the new choice."""
    labels = frame.assign(lon=18.0, lat=59.3, priority=range(len(frame)))[["lon", "lat", "name", "priority"]]
    zoom = mapview.view_state(frame).zoom
    top = mapview.first_view_labels(labels, zoom)
    assert list(top["name"]) == [labels["name"].iloc[-1]]
    flipped = mapview.first_view_labels(labels.assign(priority=-labels["priority"]), zoom)
    assert list(flipped["name"]) == [labels["name"].iloc[0]]
    shuffled = labels.iloc[::-1]
    assert list(mapview.first_view_labels(shuffled, zoom)["name"]) == [labels["name"].iloc[-1]]
    apart = labels.assign(lon=[17.8 + 0.02 * i for i in range(len(labels))])
    assert len(mapview.first_view_labels(apart, zoom)) > 1


def test_labels_collide_by_priority(frame):
    labels = frame.assign(lon=18.0, lat=59.3, priority=range(len(frame)))[["lon", "lat", "name", "priority"]]
    deck = mapview.build_deck(
        mapview.feature_collection(frame, mapview.MapData({}, 0, {}, set(), {})),
        {"type": "FeatureCollection", "features": []},
        labels,
        mapview.view_state(frame),
        "{name}",
    )
    text = json.loads(deck.to_json())["layers"][-1]
    # Only the first view's labels are sent, drawn without deck.gl's collision pass (seconds in a software-rendered
    # browser): all labels at one point leave the one of highest priority, whose outlines are as wide as its name.
    assert "extensions" not in text and "getCollisionPriority" not in text
    winner = labels.sort_values("priority")["name"].iloc[-1]
    assert labels_px(text)[0][0] == pytest.approx(mapview.glyphs.text_width_px(winner, 13), abs=3)


def labels_px(layer: dict) -> list[tuple[float, float]]:
    """(width, height) in pixels of each name (one per word: the white edge's polygons, less the edge) in a label
    layer's data, whether sent in the spec or published at an address (`lib.static_files`)."""
    from lib import static_files
    from lib.config import Paths
    from lib.mapview import glyphs

    data = layer["data"]
    if isinstance(data, str):
        data = json.loads(static_files.read(data, Paths().static_dir))
    halos = data["features"][0]
    assert halos["properties"]["fill"] == glyphs.HALO_RGBA
    boxes = []
    for polygon in halos["geometry"]["coordinates"]:
        xs, ys = zip(*polygon[0], strict=True)
        unit = glyphs.COORD_DIVISOR / glyphs.UNITS_PER_PX
        boxes.append(((max(xs) - min(xs)) * unit - 2 * glyphs.HALO_PX, (max(ys) - min(ys)) * unit - 2 * glyphs.HALO_PX))
    return sorted(boxes, reverse=True)


def test_map_payload_per_rerun_is_small(frame, areas, capsys):
    """What the browser receives on every rerun (water included): within 150 KB on the shipped stadsdel map and
    on boundaries imported from the city's full-size file, and on the DeSO map."""
    from bench.bench_map import deso_payload, payload
    from conftest import SHARED
    from lib import geo

    shipped = payload(frame)
    assert shipped <= 150 * 1024
    deso = deso_payload()
    assert deso <= 150 * 1024
    with capsys.disabled():
        print(f"\ndeck JSON per rerun: stadsdelar {shipped / 1024:.1f} KB, DeSO {deso / 1024:.1f} KB")
    assert deso <= 400 * 1024  # 544 areas with tooltips: a DeSO map sends more; see bench/bench_map.py
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


def test_first_view_labels_never_overlap_and_larger_areas_win(frame):
    """At the first view no two labels sent overlap (estimated text boxes), and the largest area keeps its name."""
    from lib import geo

    labels = geo.label_points(frame).merge(frame[["code", "name"]], on="code")
    labels["priority"] = geo.geodesic_area_km2(frame).rank(method="first").to_numpy()
    view = mapview.view_state(frame, height_px=440, width_px=640)
    placed = mapview.first_view_labels(labels, view.zoom)
    x, y = mapview._pixels(placed["lon"], placed["lat"], view.zoom)
    width = [mapview.label_width_px(n) for n in placed["name"]]
    assert 5 <= len(placed) < len(labels)
    for a in range(len(placed)):
        for b in range(a + 1, len(placed)):
            apart_x = abs(x[a] - x[b]) >= (width[a] + width[b]) / 2
            apart_y = abs(y[a] - y[b]) >= mapview.LABEL_SIZE_PX
            assert apart_x or apart_y, (placed["name"].iloc[a], placed["name"].iloc[b])
    assert labels.sort_values("priority").iloc[-1]["name"] in set(placed["name"])


@pytest.fixture(scope="module")
def deso() -> gpd.GeoDataFrame:
    return gpd.read_file(ROOT / "geo" / "deso.geojson")


def test_deso_polygons_are_whole_metres_around_an_origin(deso):
    import numpy as np

    polygons = mapview.local_polygons(deso)
    assert len(set(polygons.codes)) == 544 and len(polygons.codes) >= 544  # islands: a row per part
    flat = [p for p in polygons.polygons if not isinstance(p[0], list)]
    assert flat and all(isinstance(v, int) for p in flat for v in p) and all(len(p) % 2 == 0 for p in flat)
    # Back to lon/lat: every vertex within a metre or two of the original (deck.gl reads them as METER_OFFSETS).
    code = "0180C6070"
    ring = np.array(next(p for c, p in zip(polygons.codes, polygons.polygons, strict=True) if c == code)).reshape(-1, 2)
    lon0, lat0 = polygons.origin
    lat = lat0 + np.degrees(ring[:, 1] / mapview.EARTH_RADIUS_M)
    lon = lon0 + np.degrees(ring[:, 0] / (mapview.EARTH_RADIUS_M * np.cos(np.radians(lat))))
    original = np.array(deso.loc[deso["code"] == code].geometry.iloc[0].exterior.coords)[:-1]
    x, y = mapview.local_xy(original[:, 0], original[:, 1], polygons.origin)
    assert np.allclose(np.column_stack([x, y]), ring, atol=1.0)
    assert np.allclose(np.column_stack([lon, lat]), original, atol=3e-5)


def test_deso_rows_escape_their_texts_and_grey_the_units_outside_the_view(deso):
    polygons = mapview.local_polygons(deso)
    data = mapview.MapData({"0180C6070": 4}, 5, {"0180C6070": "50,0"}, {"0180C6070", "0180C1010"}, {})
    rows = mapview.deso_rows(polygons, data, {"0180C6070": "<b>Rinkeby</b>"}, {"0180C6070": "Rinkeby"}, {})
    by_code = {r["code"]: r for r in rows}
    assert by_code["0180C6070"]["n"] == "&lt;b&gt;Rinkeby&lt;/b&gt;"
    assert tuple(by_code["0180C6070"]["fill"]) == classify.hex_to_rgba(classify.palette(5)[4])[:3]
    assert tuple(by_code["0180C1010"]["fill"]) == classify.NO_DATA_RGBA[:3]  # in view, no value
    assert tuple(by_code["0180C1020"]["fill"]) == classify.OUTSIDE_RGBA[:3]
    assert set(by_code["0180C6070"]) == {"code", "n", "s", "v", "pol", "fill", "polygon"}  # no rank, no note
    tooltip = mapview.deso_tooltip(rows, "{v} % av befolkningen", "verkligt värde (SCB 2024)")
    assert tooltip == (
        "<b>{n}</b> ({code})<br/>Stadsdel: {s}<br/>{v} % av befolkningen<br/><i>verkligt värde (SCB 2024)</i><br/>{pol}"
    )


def test_deso_deck_paints_the_water_over_the_deso_and_police_areas_as_deso(deso, frame):
    polygons = mapview.local_polygons(deso)
    data = mapview.MapData({}, 0, {}, set(), {})
    rows = mapview.deso_rows(polygons, data, {}, {})
    police = mapview.police_layers(mapview.police_rows(polygons, {"0180C6070": 61.0}, {"0180C6070"}), polygons.origin)
    deck = mapview.build_deck(
        None,
        {"type": "FeatureCollection", "features": []},
        frame.assign(lon=18.0, lat=59.3)[["lon", "lat", "name"]].head(1),
        mapview.view_state(frame),
        "{n}",
        water={"type": "FeatureCollection", "features": []},
        area_layer=mapview.deso_layer(rows, polygons.origin),
        overlays=(*police, mapview.selected_layer(polygons, ["0180C6070"])),
        water_on_top=True,
    )
    layers = json.loads(deck.to_json())["layers"]
    assert [x["id"] for x in layers] == ["deso", "vatten", "stadsdelsomraden", "polisen", "vald", "namn"]
    assert layers[0]["coordinateSystem"] == "meter-offsets"
    assert layers[0]["_subLayerProps"]["stroke"]["pickable"] is False  # a click picks the fill: fast
    assert [x["pickable"] for x in layers[:5]] == [True, False, False, False, False]
    assert len(layers[3]["data"]) == 1 and layers[3]["data"][0]["w"] == 2  # särskilt utsatt: the thicker edge
    assert layers[3]["extensions"] == [{"@@type": "FillStyleExtension", "pattern": True}]


def test_geometries_serialised_once_are_spliced_into_the_spec_unchanged(frame):
    data = mapview.MapData(dict.fromkeys(frame["code"], 1), 3, {}, set(frame["code"]), {})
    plain = [f["geometry"] for f in frame.__geo_interface__["features"]]
    # a name that looks like the splice marker stays a name
    named = frame.assign(name=["\x00abc:0\x00"] + list(frame["name"].iloc[1:]))
    labels = frame.assign(lon=18.0, lat=59.3)[["lon", "lat", "name"]].head(2)
    view = mapview.view_state(frame)
    outlines = {"type": "FeatureCollection", "features": []}

    def spec(shapes):
        collection = mapview.feature_collection(named, data, shapes=shapes)
        return json.loads(mapview.build_deck(collection, outlines, labels, view, "{name}").to_json())

    spliced = spec(mapview.geometries(frame))
    assert spliced == spec(plain)
    areas = next(layer for layer in spliced["layers"] if layer["id"] == mapview.AREA_LAYER_ID)
    assert areas["data"]["features"][0]["geometry"] == json.loads(json.dumps(plain[0]))  # tuples become lists
    assert areas["data"]["features"][0]["properties"]["name"] == "\x00abc:0\x00"
