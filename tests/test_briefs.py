"""The PDF briefs built from data read through lib (no Streamlit): what they say, read back with pypdf."""

from __future__ import annotations

import io
import re

import geopandas as gpd
import numpy as np
import pandas as pd
from pypdf import PdfReader

from conftest import ROOT
from lib import (
    aggregate,
    allocation,
    brief_pages,
    brief_tables,
    briefs,
    db,
    fmt,
    geo,
    levels,
    profile,
    provenance,
    render,
)
from lib import index as ix
from lib import sensitivity_texts as texts
from lib.config import Paths

YEAR = 2025


def pdf_text(pdf: bytes) -> str:
    """The text of every page, a cell's wrapped lines joined again (a narrow column wraps "Risk (100 = staden)")."""
    return re.sub(r" *\n *", " ", " ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages))


def framework(con) -> ix.Framework:
    return ix.Framework.from_meta(db.indicators(con), list(db.domains(con)["code"]), db.domains(con))


def index_at(con, params: ix.IndexParams) -> tuple[ix.IndexResult, pd.DataFrame]:
    data, fw = ix.build_index_data(
        levels.values(con, params.level, params.real_only), levels.units(con, params.level), framework(con), params.year
    )
    robust = ix.monte_carlo(data, fw, params, draws=50, noise=0.25).merge(
        ix.rank_range(data, fw, params, band=(0.10, 0.40)), on="area_code"
    )
    return ix.compute_index(data, fw, params), robust


def origin(con, params: ix.IndexParams) -> pd.DataFrame:
    """Per unit, how many of its index values behind the year are synthetic (as the app's `value_origin`)."""
    latest = aggregate.latest_at(
        levels.values(con, params.level, params.real_only), params.year, ("area_code", "indicator_code")
    )
    latest = latest[latest["indicator_code"].isin(framework(con).indicators) & latest["value"].notna()]
    out = latest.assign(synthetic=latest["synthetic"].astype(bool)).groupby("area_code")["synthetic"]
    out = out.agg(used="size", synthetic="sum").reset_index()
    out["text"] = [
        "verkliga" if s == 0 else f"{s} av {n} syntetiska" for s, n in zip(out["synthetic"], out["used"], strict=True)
    ]
    return out


def groups(con) -> pd.DataFrame:
    return aggregate.group_values(db.values_long(con), aggregate.standard_groups(db.areas(con)))


def programme_inputs(con, **extra) -> tuple[briefs.ProgrammeInputs, ix.IndexResult]:
    """The standard index's programme brief inputs for `YEAR` (`extra`: more fields, say `sensitivity`)."""
    params = ix.IndexParams(year=YEAR)
    result, robust = index_at(con, params)
    areas = db.areas(con)
    prog = areas[areas["in_programme"]]
    risk = result.scores.set_index("area_code")["composite"] / result.scores["composite"].mean()
    units = pd.DataFrame({"unit": prog["committee"], "population": 10_000.0, "risk": prog["code"].map(risk)})
    boundaries = geo.load_boundaries(Paths().stadsdel_geo, Paths().official_geo).frame
    g = groups(con)
    inputs = briefs.ProgrammeInputs(
        params=params,
        scores=result.scores,
        robust=robust,
        units=levels.units(con, "stadsdel"),
        origin=origin(con, params),
        goal_tree=db.goal_tree(con),
        goal_outcomes=g[g["group"] == "Programområdet"][["indicator_code", "year", "value"]],
        goal_year=YEAR,
        allocation=allocation.allocate(units, allocation.AllocationParams()),
        method_label="Referensvärde",
        aggregation_label="Aritmetiskt medel",
        frame=boundaries,
        map_figure=render.MapFigure({}, [("hög", "#b30000")], "Sammanvägt index 2025 – stadsdelar", "Karta"),
        outlines=geo.district_outlines(boundaries),
        **extra,
    )
    return inputs, result


def test_programme_brief_names_the_level_marks_synthetic_values_and_prints_the_ranking(con):
    inputs, result = programme_inputs(con)
    text = pdf_text(briefs.programme_brief_pdf(inputs))
    assert "Nivå: stadsdel" in text
    assert "syntetiska" in text  # the values line and the ranking's Värden column mark modelled values
    assert brief_pages.MAP_SYNTHETIC.strip() in text  # and the map says so under it
    assert "Rinkeby" in text
    assert "Stadsdelsnämnd" in text and "Efter behov (mnkr)" in text
    top = result.scores.dropna(subset=["rank"]).sort_values("rank").iloc[0]
    assert str(levels.units(con, "stadsdel").set_index("code").loc[top["area_code"], "name"]) in text
    # no sensitivity analysis given: the section says so and where to run it, never silently missing
    assert brief_tables.SENSITIVITY_HEADING in text
    assert "Känslighetsanalysen har inte körts för de här inställningarna. Kör den på sidan Känslighetsanalys." in text


def test_values_line_says_all_real_at_deso_level_and_counts_synthetic_stadsdelar():
    origin = pd.DataFrame({"area_code": ["a", "b", "c"], "synthetic": [0, 3, 20], "text": ["", "", ""]})
    assert "alla verkliga" in briefs.values_line(ix.IndexParams(level="deso", year=YEAR), origin)
    assert "endast verkliga" in briefs.values_line(ix.IndexParams(real_only=True, year=YEAR), origin)
    assert "2 av 3 stadsdelars index 2025" in briefs.values_line(ix.IndexParams(year=YEAR), origin)


def test_area_brief_names_the_stadsdel_and_prints_the_indicator_table_with_status(con):
    code = "rinkeby"
    params = ix.IndexParams(year=YEAR)
    result, robust = index_at(con, params)
    area = db.areas(con).set_index("code").loc[code]
    values = levels.values(con, "stadsdel")
    police = levels.police_shares(con)
    long = db.values_long(con)
    pdf = briefs.area_brief_pdf(
        briefs.AreaInputs(
            area=area,
            score=result.scores.set_index("area_code").loc[code],
            robust=robust.set_index("area_code").loc[code],
            own=values[values["area_code"] == code],
            groups=groups(con),
            group_status=provenance.group_status(long, aggregate.standard_groups(db.areas(con))),
            indicators=db.indicators(con),
            pairs=db.real_and_model(con, code),
            police=police[police["area_code"] == code],
            has_deso=True,
            plan=db.plan(con, area["committee"]),
            references=db.reference_figures(con),
            year=YEAR,
        )
    )
    text = pdf_text(pdf)
    assert "Rinkeby" in text
    assert "Indikator" in text and "Risk (100 = staden)" in text and "Källa" in text
    assert "syntetisk" in text  # modelled values are marked as such
    assert area["committee"] in text


def test_one_indicator_table_for_page_and_brief(con):
    """The page's and the brief's tables come from the same rows: same years, values and risks."""
    values = levels.values(con, "stadsdel")
    own = values[values["area_code"] == "husby"]
    table = profile.indicator_table(own, groups(con), db.indicators(con), 2016)
    assert (table["year"] <= 2016).all()
    shown, numeric = profile.page_tables(table, {})
    printed = briefs.print_indicators(table)
    assert list(shown["År"]) == list(printed["År"]) == list(numeric["År"])
    context = table["context"]
    assert shown.loc[context.to_numpy(), "Risk mot staden (100)"].isna().all()
    assert (printed.loc[context.to_numpy(), "Risk (100 = staden)"] == "").all()


def test_latest_at_takes_each_keys_last_value_up_to_the_year():
    frame = pd.DataFrame(
        {"indicator_code": ["a", "a", "a", "b"], "year": [2020, 2014, 2016, 2019], "value": [1, 2, 3, 4]}
    )
    got = aggregate.latest_at(frame, 2018).set_index("indicator_code")["value"].to_dict()
    assert got == {"a": 3}


# --- the layout: pagination, footer marks, text never read as markup, the command line ------------------------

MARKUP = [
    '#import "@preview/oops:0.1.0": *',
    "*fet* och _kursiv_ med $x^2$ och <etikett> och @ref",
    "]) #set page(width: 1cm) // slut",
    "#let x = 1 \\ #x [länk](https://example.org)",
]


def small_area_inputs(plan: list[str]) -> tuple:
    indicators = pd.DataFrame(
        {"Indikator": ["Ohälsotal"], "År": [2025], "Värde": ["24,8"], "Status": ["syntetiskt"], "Källa": ["modell"]}
    )
    trends = pd.DataFrame({"name": ["Ohälsotal"] * 2, "serie": ["Husby"] * 2, "year": [2024, 2025], "value": [1, 2]})
    return ("Husby", ["Index 206,9 – plats 1."], indicators, trends, plan)


def test_text_that_looks_like_markup_is_printed_as_typed():
    text = pdf_text(brief_pages.area_brief(*small_area_inputs(MARKUP)))
    for line in MARKUP:
        assert line in text, line


def test_a_long_plan_flows_onto_more_pages_with_numbered_footers_marked_where_synthetic():
    from lib import brief_layout

    plan = [f"Aktivitet {i}: läxhjälp, sommarjobb och föreningsliv i Husby under året." for i in range(160)]
    pdf = brief_pages.area_brief(*small_area_inputs(plan))
    pages = [p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages]
    assert len(pages) >= 2
    assert f"sida 1 av {len(pages)}" in pages[0] and f"sida {len(pages)} av {len(pages)}" in pages[-1]
    assert "Syntetiska värden" in pages[0]  # the indicator table's page
    assert "Syntetiska värden" not in pages[-1]  # only the plan there
    assert "Aktivitet 159:" in pages[-1]
    png = brief_layout.png_pages(brief_pages.area_layout(*small_area_inputs(plan)), ppi=30)
    assert len(png) == len(pages) and png[0].startswith(b"\x89PNG")


def test_goal_pages_say_illustrative_in_the_footer_and_tables_wrap_instead_of_cutting():
    long_name = "Behörighet till gymnasieskolans yrkesprogram bland elever som gått ut årskurs nio i stadsdelen"
    frame = pd.DataFrame({"Indikator": [long_name], "Värde": ["1\u202f234,5"]})
    from lib import brief_layout

    doc = brief_layout.Brief("t", "Källor: SCB")
    doc.add_table(frame, [0.2, 0.8], ["illustrative"])
    text = pdf_text(brief_layout.pdf(doc))
    assert long_name in text and "1\u202f234,5" in text
    assert "Illustrativa mål" in text and "sida 1 av 1" in text


def test_cli_writes_both_briefs_with_swedish_numbers(tmp_path, con):
    from lib import cli

    out = tmp_path / "program.pdf"
    assert cli.main(["brief", "--out", str(out)]) == 0
    text = pdf_text(out.read_bytes())
    assert "lägesbild 2025" in text and "Rinkeby" in text and "Syntetiska värden" in text and "sida 1 av" in text
    assert brief_tables.SENSITIVITY_HEADING in text and "7\u202f168 körningar, slumpfrö 2015" in text  # the defaults
    area = tmp_path / "rinkeby.pdf"
    assert cli.main(["brief", "--stadsdel", "rinkeby", "--year", "2025", "--out", str(area)]) == 0
    text = pdf_text(area.read_bytes())
    shown = f"Index {fmt.number(_standard_composite(con, 2025)['rinkeby'], 1)}"  # the standard index, as on the page
    assert "Rinkeby – stadsdelsprofil" in text and shown in text and "Syntetiska värden" in text


def _standard_composite(con, year: int) -> pd.Series:
    fw = ix.Framework.from_meta(db.indicators(con), list(db.domains(con)["code"]), db.domains(con))
    data, used = ix.build_index_data(db.values_long(con), db.areas(con), fw, year)
    return ix.compute_index(data, used, ix.IndexParams(year=year)).scores.set_index("area_code")["composite"]


def test_cli_brief_with_weights_says_them_and_refuses_bad_ones(tmp_path, capsys, con):
    from lib import cli

    out = tmp_path / "vikter.pdf"
    assert cli.main(["brief", "--weights", "Försörjning=3", "--out", str(out)]) == 0
    text = " ".join(pdf_text(out.read_bytes()).split())
    assert "försörjning 50 %" in text and "hälsa 17 %" in text
    standard = tmp_path / "standard.pdf"
    assert cli.main(["brief", "--out", str(standard)]) == 0
    assert "standardvikter" in " ".join(pdf_text(standard.read_bytes()).split())
    for bad in ("Hälsa=x", "Okänt=2", "Sociala risker=0,Hälsa=0,Säkerhet och trygghet=0,Försörjning=0"):
        assert cli.main(["brief", "--weights", bad, "--out", str(tmp_path / "fel.pdf")]) == 2
        assert capsys.readouterr().err.startswith("Fel:")
    assert not (tmp_path / "fel.pdf").exists()


def test_weights_in_words():
    names = {
        "sociala_risker": "Sociala risker",
        "halsa": "Hälsa",
        "trygghet": "Säkerhet och trygghet",
        "f": "Försörjning",
    }
    assert briefs.weights_text(ix.IndexParams(), names).startswith("standardvikter")
    text = briefs.weights_text(ix.IndexParams(domain_weights=(("f", 3.0),)), names)
    assert text == "områdenas vikter: sociala risker 17 %, hälsa 17 %, säkerhet och trygghet 17 %, försörjning 50 %."
    own = ix.IndexParams(indicator_weights=(("a", 5.0), ("b", 2.0)))
    assert "egna vikter för enskilda indikatorer" in briefs.weights_text(own, names)


def test_the_printed_index_has_decimal_commas(con):
    params = ix.IndexParams(year=YEAR)
    result, robust = index_at(con, params)
    table = result.scores.merge(robust, on="area_code").dropna(subset=["rank"]).sort_values("rank").head(22)
    ranking, _ = briefs.ranking_table(table, levels.units(con, "stadsdel"), origin(con, params), "stadsdel")
    assert all("," in v and "." not in v for v in ranking["Index"])
    assert all("." not in v for v in ranking["Täckning"])


def test_cli_refuses_an_unknown_stadsdel_and_an_unwritable_file(tmp_path, capsys):
    from lib import cli

    assert cli.main(["brief", "--stadsdel", "Rinkby", "--out", str(tmp_path / "x.pdf")]) == 2
    assert "Rinkeby" in capsys.readouterr().err  # suggested
    assert cli.main(["brief", "--out", str(tmp_path / "saknas" / "x.pdf")]) == 2
    assert "kan inte skriva" in capsys.readouterr().err
    assert not (tmp_path / "x.pdf").exists()


def test_plan_dates_print_without_a_time_and_numbers_with_a_comma():
    plan = {
        "text": pd.DataFrame(columns=["section", "text"]),
        "goals": pd.DataFrame([{"text": "Fler i arbete", "indicator_code": "x", "target": 62.5, "target_year": 2030}]),
        "activities": pd.DataFrame(
            [
                {
                    "title": "Läxhjälp",
                    "status": "pågår",
                    "start": pd.Timestamp("2026-01-15 00:00:00"),
                    "end": pd.Timestamp("2026-12-31"),
                    "budget": 1.5,
                    "owner": None,
                    "partners": "",
                }
            ]
        ),
    }
    text = " ".join(briefs.plan_lines("Rinkeby-Kista stadsdelsnämnd", plan))
    assert "2026-01-15–2026-12-31" in text and "00:00" not in text
    assert "62,5 år 2030" in text and "1,5 mnkr" in text


# --- the pages of the briefs (lib/brief_pages.py): contents, validation, text as typed ----------------------------


def test_area_brief_lists_the_stadsdel_its_indicators_and_plan():
    import pandas as pd

    indicators = pd.DataFrame({"Indikator": ["Ohälsotal"], "År": [2020], "Värde": [25.1], "Status": ["syntetisk"]})
    trends = pd.DataFrame(
        {"name": ["Ohälsotal"] * 2, "serie": ["Husby", "Staden"], "year": [2020, 2020], "value": [25.1, 15.0]}
    )
    pdf = brief_pages.area_brief(
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
    pdf = brief_pages.area_brief("Husby", [], indicators, trends, ["Plan."], figures, ["Verkliga siffror."])
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
    pdf = brief_pages.programme_brief(2025, ["Intro."], frame, fig, ranking, "Stabil.", goals, alloc, validation=page)
    reader = PdfReader(io.BytesIO(pdf))
    text = " ".join(p.extract_text() for p in reader.pages)
    for expected in ("Validering", "Spearman", "0,84", "1 (3 RegSO)", "Typ 5", "Vinsta", "20 av 127"):
        assert expected in text, expected
    without = brief_pages.programme_brief(2025, ["Intro."], frame, fig, ranking, "Stabil.", goals, alloc)
    assert "Validering" not in pdf_text(without)


PLAN_TEXTS = ["Budget $5$ mnkr och $x^2$", "Andel \\frac{1}{2} av 50 % i a_b", "Mål $x^$ och $\\nonexistent$"]


def test_plan_text_reaches_the_area_brief_as_typed():
    """`$…$`, backslashes, per cent and underscores in a nämnd's plan are printed as typed – not typeset as maths,
    and never a failed PDF – even when the process has maths switched on."""
    import matplotlib
    import pandas as pd

    indicators = pd.DataFrame({"Indikator": ["Ohälsotal $x_1$"], "År": [2020], "Värde": ["25,1"], "Status": ["s"]})
    trends = pd.DataFrame({"name": ["Ohälsotal $x_1$"], "serie": ["Husby"], "year": [2020], "value": [25.1]})
    with matplotlib.rc_context({"text.parse_math": True}):
        pdf = brief_pages.area_brief("Husby", ["Rad med $x^2$."], indicators, trends, PLAN_TEXTS)
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
    pdf = brief_pages.programme_brief(2025, ["Intro $x^2$ 5 %."], frame, fig, ranking, "Stabil.", goals, alloc)
    text = pdf_text(pdf)
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


# --- follow-up texts (analys and åtgärder per delmål, nämnd and period) in both briefs ----------------------------


def followup_texts(tree) -> tuple[pd.DataFrame, str, str]:
    """Two nämnder's texts on one delmål: one long with markup-looking text, one short."""
    from lib.goals.texts import COLUMNS, followup_bodies

    goal = next(g for g in tree.nodes.loc[tree.nodes["level"] == "delmål", "id"] if len(followup_bodies(tree, g)) > 1)
    (mine, my_name), (other, _) = list(followup_bodies(tree, goal).items())[:2]
    long = " ".join(f"Mening {i} om läget, *fet* och #set och $x$." for i in range(40))
    rows = [
        (goal, mine, YEAR, "T2", long, "Fler [coacher] till @ungdomar.", "anna", pd.Timestamp("2025-08-30 14:05"), 1),
        (goal, mine, YEAR, "T1", "Första tertialen.", "", "anna", pd.Timestamp("2025-04-30 09:00"), 1),
        (goal, other, YEAR, "VB", "Den andra nämndens analys.", "Åtgärd B.", "bo", pd.Timestamp("2025-12-01"), 1),
    ]
    return pd.DataFrame(rows, columns=COLUMNS), long, my_name


def test_followup_texts_are_printed_in_both_briefs_wrapped_and_as_typed(con):
    from types import SimpleNamespace

    from lib import brief_tables

    tree = db.goal_tree(con)
    texts, long, my_name = followup_texts(tree)
    entries = brief_tables.followup_entries(tree, texts)
    periods = [e[0].rsplit(", ", 1)[1] for e in entries if my_name in e[0]]
    assert periods == [f"Tertial 1 {YEAR}", f"Tertial 2 {YEAR}"]  # in the year's order
    frame = gpd.read_file(ROOT / "geo" / "stadsdelar.geojson")
    fig = render.MapFigure({"rinkeby": "#bd0026"}, [("över 150", "#bd0026")], "Index 2025", "Kartdata")
    ranking = pd.DataFrame({"Plats": [1], "Stadsdel": ["Rinkeby"], "Index": ["255,4"]})
    small = pd.DataFrame({"A": ["a"]})
    pdf = brief_pages.programme_brief(YEAR, ["Intro."], frame, fig, ranking, "Stabil.", small, small, followups=entries)
    text = pdf_text(pdf)
    assert "Uppföljning: analys och åtgärder" in text
    assert f"Analys: {long}" in text  # wrapped over lines, printed as typed
    assert "Åtgärder: Fler [coacher] till @ungdomar." in text and "Den andra nämndens analys." in text
    assert "2025-08-30" not in text and "14:05" not in text  # when it was saved is the audit's business

    area = SimpleNamespace(goal_tree=tree, followups=texts, area={"committee": my_name})
    own = briefs.committee_followups(area)  # type: ignore[arg-type]
    assert own and all(my_name in head for head, *_ in own)
    text = pdf_text(brief_pages.area_brief(*small_area_inputs(["Plan."]), followups=own))
    assert "Nämndens uppföljning av delmålen" in text and "Första tertialen." in text
    assert "Den andra nämndens analys." not in text
    assert brief_tables.followup_entries(tree, texts.iloc[0:0]) == []


# --- which modelling choices move the ranking (the sensitivity analysis) in the programme brief -------------------

ASSUMPTIONS = ("normalisation", "aggregation", "area_weights", "indicator_set", "coverage")
LABELS = ("Normalisering", "Aggregering", "Områdesvikter", "Indikatorurval", "Täckningskrav")


def small_result(per_unit_st: dict[str, list[float]]) -> ix.SensitivityResult:
    """A hand-made result: units a (always place 1), b (places 2–3), c (not ranked in every run)."""
    bands = pd.DataFrame(
        {
            "area_code": ["a", "b", "c"],
            "nominal_rank": [1.0, 2.0, 3.0],
            "median_rank": [1.0, 2.0, 3.0],
            "p05": [1.0, 1.6, 2.4],
            "p95": [1.0, 3.4, 3.0],
            "best": [1.0, 1.0, 2.0],
            "worst": [1.0, 3.0, 3.0],
            "unranked_share": [0.0, 0.0, 0.25],
        }
    )
    overall = pd.DataFrame(
        {
            "assumption": ASSUMPTIONS,
            "name": LABELS,
            "S1": [0.6213, -0.012, 0.2, 0.1, 0.0],
            "S1_conf": [0.0449, 0.01, 0.02, 0.03, float("nan")],
            "ST": [0.7, -0.001, 0.3, 0.15, 0.005],
            "ST_conf": [0.05, 0.01, 0.02, 0.03, 0.0],
        }
    )
    per_unit = pd.DataFrame(
        [
            (c, a, n, s / 2, s)
            for c, sts in per_unit_st.items()
            for a, n, s in zip(ASSUMPTIONS, LABELS, sts, strict=True)
        ],
        columns=["area_code", "assumption", "name", "S1", "ST"],
    )
    return ix.SensitivityResult(
        settings=ix.SensitivitySettings(samples=256, seed=42),
        runs=1792,
        unit_codes=("a", "b", "c"),
        nominal_rank=np.array([1.0, 2.0, 3.0]),
        ranks=np.ones((1792, 3), dtype=np.float32),
        bands=bands,
        overall=overall,
        per_unit=per_unit,
        mean_shift=0.4,
    )


def test_the_overall_indices_print_with_two_decimals_clipped_at_zero():
    table = brief_tables.overall_index_table(small_result({}).overall)
    assert list(table.columns) == ["Antagande", "Förstagradsindex", "Förstagradsindex ±", "Totalindex", "Totalindex ±"]
    rows = table.set_index("Antagande")
    assert list(rows.loc["Normalisering"]) == ["0,62", "0,04", "0,70", "0,05"]
    assert list(rows.loc["Aggregering"]) == ["0,00", "0,01", "0,00", "0,01"]  # estimates below 0 shown as 0
    assert rows.loc["Täckningskrav", "Förstagradsindex ±"] == "–"  # an interval not known


def test_the_ranked_units_print_their_band_and_main_driver():
    result = small_result({"a": [0.62, 0.1, 0.3, 0.2, 0.0], "b": [0.0, 0.0, 1.07, 0.0, 0.0]})
    names = {"a": "Rinkeby", "b": "Tensta", "c": "Husby"}
    table = brief_tables.sensitivity_unit_table(result, ["a", "b", "c", "x"], names)
    assert list(table.columns) == ["Stadsdel", "Plats", "Plats i 90 % av körningarna", "Beror främst på"]
    # The same place in 90 % of the runs: the indices divide a variance near 0, too unsure to name a driver.
    assert table.iloc[0].tolist() == ["Rinkeby", "1", "1", "platsen ändras sällan"]
    assert brief_tables.unit_driver(result.per_unit, "a") == "valet av normalisering (totalt 0,62)"
    assert table.iloc[1].tolist() == ["Tensta", "2", "2–3", "områdesvikterna (totalt 1,00)"]  # at most 1
    assert table.iloc[2].tolist() == ["Husby", "3", "2–3", "–"]  # not ranked in every run: no indices
    assert table.iloc[3].tolist() == ["x", "–", "–", "–"]  # not in the analysis at all
    still = small_result({"a": [0.0] * 5})
    assert brief_tables.unit_driver(still.per_unit, "a") == "inget (platsen ändras inte)"
    deso = brief_tables.sensitivity_unit_table(result, ["a"], names, "DeSO")
    assert list(deso.columns)[0] == "DeSO"


def test_the_section_says_what_was_varied_or_where_to_run_it():
    missing = brief_tables.sensitivity_block(None, ["a"], {})
    assert missing.lines == ("Känslighetsanalysen har inte körts för de här inställningarna. Kör den på sidan "
                             "Känslighetsanalys.",)  # fmt: skip
    assert missing.overall is None and missing.units is None
    assert "stadsdelar på sidan Känslighetsanalys" in brief_tables.sensitivity_block(None, [], {}, "deso").lines[0]
    result = small_result({"a": [0.62, 0.1, 0.3, 0.2, 0.0]})
    block = brief_tables.sensitivity_block(result, ["a", "c"], {"a": "Rinkeby", "c": "Husby"})
    assert block.lines[0] == (
        "Indexets modellval varierades samtidigt i 1\u202f792 körningar, slumpfrö 42: normalisering, aggregering, "
        "områdesvikter ±50 %, en indikator i taget utelämnad och täckningskrav 50–80 %."
    )
    assert block.lines[1] == texts.overall_sentence(result.overall, result.mean_shift)
    assert "– = saknar index i någon körning" in block.units_note  # Husby's "–" is explained
    whole = brief_tables.sensitivity_block(result, ["a"], {"a": "Rinkeby"})
    assert "– = saknar" not in whole.units_note


def test_the_programme_brief_prints_the_sensitivity_analysis_on_a_marked_page(con):
    params = ix.IndexParams(year=YEAR)
    data, fw = ix.build_index_data(levels.values(con, "stadsdel"), levels.units(con, "stadsdel"), framework(con), YEAR)
    result = ix.run_sensitivity(data, fw, params, ix.SensitivitySettings(samples=256))
    inputs, scores = programme_inputs(con, sensitivity=result)
    pdf = briefs.programme_brief_pdf(inputs)
    text = pdf_text(pdf)
    assert brief_tables.SENSITIVITY_HEADING in text
    assert "inte körts" not in text
    assert "varierades samtidigt i 1\u202f792 körningar, slumpfrö 2015: normalisering, aggregering" in text
    assert texts.overall_sentence(result.overall, result.mean_shift) in text
    assert "Antagande Förstagradsindex Förstagradsindex ± Totalindex Totalindex ±" in text
    bands = result.bands.set_index("area_code")
    ranked = scores.scores.dropna(subset=["rank"]).sort_values("rank")["area_code"]
    top = next(c for c in ranked if bands.loc[c, "p05"] != bands.loc[c, "p95"])  # the first whose place moves
    names = levels.units(con, "stadsdel").set_index("code")["name"].to_dict()
    row = brief_tables.sensitivity_unit_table(result, [top], names).iloc[0]
    assert " ".join(row) in text, list(row)  # e.g. "Tensta 2 2–3 valet av normalisering (totalt 0,78)"
    assert "," in row["Beror främst på"] and "." not in row["Beror främst på"]
    pages = [p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages]
    section = next(p for p in pages if brief_tables.SENSITIVITY_HEADING in p)
    assert "Syntetiska värden" in section  # the values rest on modelled ones, as the ranking's


def test_cli_brief_runs_the_analysis_with_its_samples_and_seed(tmp_path, capsys):
    from lib import cli

    out = tmp_path / "program.pdf"
    assert cli.main(["brief", "--samples", "256", "--seed", "7", "--out", str(out)]) == 0
    text = pdf_text(out.read_bytes())
    assert brief_tables.SENSITIVITY_HEADING in text and "1\u202f792 körningar, slumpfrö 7" in text
    assert "Beror främst på" in text and "inte körts" not in text
    for bad in (["--samples", "300"], ["--seed", "-1"]):
        assert cli.main(["brief", *bad, "--out", str(tmp_path / "fel.pdf")]) == 2
        assert capsys.readouterr().err.startswith("Fel:")
    assert not (tmp_path / "fel.pdf").exists()


def test_the_pages_brief_takes_a_stored_analysis_and_computes_only_the_standard_one():
    """In the download's thread (no script run): the standard index's analysis is computed once and stored for the
    page; other weights get one only when it is already stored, so a visitor cannot make the brief compute it."""
    from streamlit.testing.v1 import AppTest

    def script():
        import threading

        import streamlit as st

        from lib import index as ix
        from ui import briefs, results
        from ui import sensitivity as view

        standard = view.standard_params(2025)
        other = standard.with_weights(domain=dict(standard.domain_weights) | {"halsa": 3.0})
        found: dict = {}

        def download() -> None:
            found["standard"] = briefs.brief_sensitivity(standard)
            found["other"] = briefs.brief_sensitivity(other)
            data = results.index_inputs("stadsdel", 2025, False)[0]
            view.store().put((other, ix.SensitivitySettings(samples=256, seed=1)), data, found["standard"])
            found["other_stored"] = briefs.brief_sensitivity(other)  # any stored settings for these weights

        thread = threading.Thread(target=download)
        thread.start()
        thread.join()
        st.session_state["standard"] = found["standard"]
        st.session_state["other"] = found["other"]
        st.session_state["other_stored"] = found["other_stored"]
        st.session_state["stored"] = view.cached(standard, view.DEFAULT_SETTINGS)

    at = AppTest.from_function(script, default_timeout=120)
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    standard = at.session_state["standard"]
    assert standard is not None and standard.settings == ix.SensitivitySettings()
    assert at.session_state["stored"] is standard  # shared with the page
    assert at.session_state["other"] is None
    assert at.session_state["other_stored"] is standard
