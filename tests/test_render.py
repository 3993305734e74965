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
    assert len(reader.pages) >= 1
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
    text = " ".join(p.extract_text() for p in reader.pages)
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
    text = " ".join(p.extract_text() for p in reader.pages)
    for expected in ("Validering", "Spearman", "0,84", "1 (3 RegSO)", "Typ 5", "Vinsta", "20 av 127"):
        assert expected in text, expected
    without = render.programme_brief(2025, ["Intro."], frame, fig, ranking, "Stabil.", goals, alloc)
    assert "Validering" not in pdf_text(without)


PLAN_TEXTS = ["Budget $5$ mnkr och $x^2$", "Andel \\frac{1}{2} av 50 % i a_b", "Mål $x^$ och $\\nonexistent$"]


def pdf_text(pdf: bytes) -> str:
    return " ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages)


def test_plan_text_reaches_the_area_brief_as_typed():
    """`$…$`, backslashes, per cent and underscores in a nämnd's plan are printed as typed – not typeset as maths,
    and never a failed PDF – even when the process has maths switched on."""
    import matplotlib
    import pandas as pd

    indicators = pd.DataFrame({"Indikator": ["Ohälsotal $x_1$"], "År": [2020], "Värde": ["25,1"], "Status": ["s"]})
    trends = pd.DataFrame({"name": ["Ohälsotal $x_1$"], "serie": ["Husby"], "year": [2020], "value": [25.1]})
    with matplotlib.rc_context({"text.parse_math": True}):
        pdf = render.area_brief("Husby", ["Rad med $x^2$."], indicators, trends, PLAN_TEXTS)
    text = pdf_text(pdf)
    for expected in (
        "$x^2$",
        "Rad med $x^2$.",
        "Budget $5$ mnkr",
        "\\frac{1}{2}",
        "50 %",
        "a_b",
        "$x^$",
        "$\\nonexistent$",
        "Ohälsotal $x_1$",
    ):
        assert expected in text, expected


def test_goal_text_reaches_the_programme_brief_as_typed():
    import pandas as pd

    frame = gpd.read_file(ROOT / "geo" / "stadsdelar.geojson")
    fig = render.MapFigure({"rinkeby": "#bd0026"}, [("över $100$", "#bd0026")], "Index $x^2$", "Kartdata_1 $x^$")
    ranking = pd.DataFrame({"Plats": [1], "Stadsdel": ["Rinkeby"], "Index": ["255,4"]})
    goals = pd.DataFrame({"Nivå": ["mål"], "Mål": PLAN_TEXTS[:1], "Bedömning": ["delvis uppfyllt"]})
    alloc = pd.DataFrame({"Stadsdelsnämnd": ["Rinkeby-Kista $\\frac$"], "Efter behov (mnkr)": ["40,8"]})
    text = pdf_text(render.programme_brief(2025, ["Intro $x^2$ 5 %."], frame, fig, ranking, "Stabil.", goals, alloc))
    for expected in (
        "Budget $5$ mnkr och $x^2$",
        "Intro $x^2$ 5 %.",
        "Index $x^2$",
        "Kartdata_1 $x^$",
        "Rinkeby-Kista $\\frac$",
        "över $100$",
    ):
        assert expected in text, expected
    image = render.map_png(frame, fig)  # the same texts on the printed map: drawn, not an error
    assert image.startswith(b"\x89PNG")


def test_a_nämnds_plan_reaches_its_profile_pdf_as_typed(monkeypatch):
    """The page's own brief: the plan as stored for the nämnd goes into the PDF text unchanged."""
    import pandas as pd
    from streamlit.testing.v1 import AppTest

    from lib import db

    def plan(con, committee):
        return {
            "text": pd.DataFrame({"section": ["prioriteringar"], "text": [PLAN_TEXTS[0]]}),
            "goals": pd.DataFrame(
                {"text": [PLAN_TEXTS[1]], "indicator_code": ["ohalsotal"], "target": [20.0], "target_year": [2027]}
            ),
            "activities": pd.DataFrame(
                {
                    "title": [PLAN_TEXTS[2]],
                    "status": ["pågår"],
                    "start": [2025],
                    "end": [2026],
                    "budget": [1.5],
                    "owner": ["a_b"],
                    "partners": ["$y$"],
                }
            ),
        }

    monkeypatch.setattr(db, "plan", plan)

    def script():
        import streamlit as st

        from ui import briefs

        st.session_state["pdf"] = briefs.area_brief_pdf("husby", 2025)

    at = AppTest.from_function(script, default_timeout=120)
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    text = pdf_text(at.session_state["pdf"])
    for expected in (
        "Prioriteringar: Budget $5$ mnkr och $x^2$",
        "Lokalt mål: Andel \\frac{1}{2} av 50 % i a_b",
        "Aktivitet: Mål $x^$ och $\\nonexistent$",
        "a_b; $y$",
    ):
        assert expected in text, expected
