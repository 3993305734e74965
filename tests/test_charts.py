"""The Vega-Lite specs drawn on each slider move: what they encode, checked as data."""

from __future__ import annotations

from lib import charts

AREAS = ["Sociala risker", "Hälsa", "Säkerhet och trygghet", "Försörjning"]
COLOURS = ["#1f4e8c", "#2a9d8f", "#e9a03b", "#b5179e"]


def test_share_bar_colours_each_area_in_order():
    spec = charts.share_bar(AREAS, COLOURS)
    colour = spec["encoding"]["color"]
    assert colour["scale"] == {"domain": AREAS, "range": COLOURS}
    assert spec["encoding"]["x"]["stack"] == "normalize"
    assert spec["encoding"]["tooltip"][1]["format"] == ".0%"


def test_rank_bands_keep_the_ranking_order_and_a_shared_scale():
    order = ["Sätra", "Akalla", "Husby"]
    spec = charts.rank_bands(order, x_max=12)
    layers = spec["layer"]
    assert [layer["mark"]["type"] for layer in layers] == ["rule", "rule", "tick", "point"]
    assert all(layer["encoding"]["y"]["sort"] == order for layer in layers)
    assert layers[0]["encoding"]["x"]["scale"] == layers[1]["encoding"]["x"]["scale"] == {"domain": [0, 12]}
    assert spec["height"] == 24 * 3 + 40


def test_effective_weights_sorted_by_weight_and_sized_by_rows():
    spec = charts.effective_weights(16, AREAS, COLOURS)
    assert spec["encoding"]["y"]["sort"] == "-x"
    assert spec["encoding"]["x"]["axis"]["format"] == "%"
    assert spec["height"] == 24 * 16 + 20


def test_map_legend_puts_the_riskiest_class_on_top():
    spec = charts.map_legend(5)
    swatch, text = spec["layer"]
    assert swatch["encoding"]["y"]["sort"] == {"field": "step", "order": "descending"}
    assert swatch["encoding"]["color"]["scale"] is None  # the table's own hex colours
    assert text["encoding"]["text"]["field"] == "label"
    assert spec["height"] == 150
