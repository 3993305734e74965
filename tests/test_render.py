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


def test_area_brief_marks_second_hand_published_figures():
    import pandas as pd

    indicators = pd.DataFrame({"Indikator": ["Ohälsotal"], "År": [2020], "Värde": [25.1], "Status": ["syntetisk"]})
    trends = pd.DataFrame({"name": ["Ohälsotal"], "serie": ["Husby"], "year": [2020], "value": [25.1]})
    figures = pd.DataFrame(
        {
            "Mått": ["Ohälsotal", "Förvärvsfrekvens 20–64 år"],
            "Område": ["Rinkeby-Kista", "Rinkeby"],
            "År": [2016, 2012],
            "Värde": ["33,6", "51"],
            "Källa": ["statistik.stockholm.se", "sv.wikipedia.org (andrahandskälla)"],
        }
    )
    pdf = render.area_brief("Husby", [], indicators, trends, ["Plan."], figures, ["Verkliga siffror."])
    reader = PdfReader(io.BytesIO(pdf))
    assert len(reader.pages) == 4
    text = reader.pages[2].extract_text()
    assert "Publicerad statistik" in text and "andrahandskälla" in text and "statistik.stockholm.se" in text


def test_programme_brief_has_a_validation_page():
    import pandas as pd

    frame = gpd.read_file(ROOT / "geo" / "stadsdelar.geojson")
    fig = render.MapFigure({"rinkeby": "#bd0026"}, [("över 150", "#bd0026")], "Sammanvägt index 2025", "Kartdata")
    ranking = pd.DataFrame({"Plats": [1], "Stadsdel": ["Rinkeby"], "Index": ["255,4"], "Värden": ["verkliga"]})
    goals = pd.DataFrame({"Nivå": ["mål"], "Mål": ["Fler i arbete"], "Bedömning": ["delvis uppfyllt"]})
    alloc = pd.DataFrame({"Stadsdelsnämnd": ["Rinkeby-Kista stadsdelsnämnd"], "Efter behov (mnkr)": ["40,8"]})
    cross = pd.DataFrame({"Indexklass": ["1 (3 RegSO)"], **{f"Typ {t}": [3 if t == 1 else 0] for t in range(1, 6)}})
    gaps = pd.DataFrame(
        {
            "RegSO": ["Vinsta"],
            "Stadsdel": ["Vinsta"],
            "Plats i indexet": ["20 av 127"],
            "Indexklass": [3],
            "SCB:s typ": ["Typ 4"],
            "Indexet visar": ["högre risk än SCB:s typ"],
        }
    )
    page = render.ValidationPage(["Rangkorrelation (Spearman) 0,84; 84 % i samma klass."], cross, gaps)
    pdf = render.programme_brief(2025, ["Intro."], frame, fig, ranking, "Stabil.", goals, alloc, validation=page)
    reader = PdfReader(io.BytesIO(pdf))
    assert len(reader.pages) == 5
    text = reader.pages[4].extract_text()
    for expected in ("Validering", "Spearman", "0,84", "1 (3 RegSO)", "Typ 5", "Vinsta", "20 av 127"):
        assert expected in text, expected
    without = render.programme_brief(2025, ["Intro."], frame, fig, ranking, "Stabil.", goals, alloc)
    assert len(PdfReader(io.BytesIO(without)).pages) == 4
