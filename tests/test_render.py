"""Static pictures: the map PNG shows the colours and says "syntetisk" next to the map when its values are modelled."""

from __future__ import annotations

import io

import geopandas as gpd
from PIL import Image

from conftest import ROOT
from lib import render


def test_map_png_is_an_image_with_the_colours():
    frame = gpd.read_file(ROOT / "geo" / "stadsdelar.geojson")
    fig = render.MapFigure(
        {"rinkeby": "#bd0026", "husby": "#ffffb2"},
        [("över 150", "#bd0026"), ("högst 90", "#ffffb2")],
        "Sammanvägt index 2020",
        "Schematisk karta – syntetiska värden",
    )
    image = Image.open(io.BytesIO(render.map_png(frame, fig))).convert("RGB")
    assert image.width > 600 and image.height > 500
    pixels = set(image.getdata())
    assert any(abs(r - 0xBD) < 6 and g < 10 and abs(b - 0x26) < 6 for r, g, b in pixels)


def test_map_png_says_synthetic_next_to_the_map_and_which_units():
    frame = gpd.read_file(ROOT / "geo" / "stadsdelar.geojson")
    names = {"rinkeby": "Rinkeby", "husby": "Husby", "tensta": "Tensta"}
    assert render.map_marking({"rinkeby": False, "husby": False}, names) == ""
    every = render.map_marking({"rinkeby": True, "husby": True}, names)
    assert every.startswith("Syntetiska värden: alla 2 stadsdelar")
    some = render.map_marking({"rinkeby": True, "husby": False, "tensta": True}, names)
    assert "2 av 3 stadsdelar" in some and "Rinkeby, Tensta" in some and "Husby" not in some
    fig = render.MapFigure({"rinkeby": "#bd0026"}, [("över 150", "#bd0026")], "Index 2025", "Källa: SCB (CC0)")
    plain = Image.open(io.BytesIO(render.map_png(frame, fig))).convert("RGB")
    marked = render.map_png(frame, render.MapFigure(**{**fig.__dict__, "marking": every}))
    pixels = set(Image.open(io.BytesIO(marked)).convert("RGB").getdata())
    assert (0xFF, 0xF1, 0xE0) in pixels and (0xFF, 0xF1, 0xE0) not in set(plain.getdata())  # the marking's box
