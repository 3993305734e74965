"""Static outputs: the map PNG and the PDF briefs contain what a reader needs."""

from __future__ import annotations

import io

import geopandas as gpd
from PIL import Image
from pypdf import PdfReader

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


def test_area_brief_lists_the_stadsdel_its_indicators_and_plan():
    import pandas as pd

    indicators = pd.DataFrame({"Indikator": ["Ohälsotal"], "År": [2020], "Värde": [25.1], "Status": ["syntetisk"]})
    trends = pd.DataFrame(
        {"name": ["Ohälsotal"] * 2, "serie": ["Husby", "Staden"], "year": [2020, 2020], "value": [25.1, 15.0]}
    )
    pdf = render.area_brief(
        "Husby",
        ["Ingår i programmets preliminära urval."],
        indicators,
        trends,
        ["Prioriteringar: arbete och försörjning."],
    )
    reader = PdfReader(io.BytesIO(pdf))
    text = " ".join(p.extract_text() for p in reader.pages)
    assert len(reader.pages) == 3
    for expected in ("Husby", "Ohälsotal", "preliminära", "Prioriteringar", "syntetisk"):
        assert expected in text
