"""The PDF briefs built from data read through lib (no Streamlit): what they say, read back with pypdf."""

from __future__ import annotations

import io
import re

import pandas as pd
from pypdf import PdfReader

from lib import aggregate, allocation, briefs, db, geo, levels, profile, provenance, render
from lib import index as ix
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


def test_programme_brief_names_the_level_marks_synthetic_values_and_prints_the_ranking(con):
    params = ix.IndexParams(year=YEAR)
    result, robust = index_at(con, params)
    areas = db.areas(con)
    prog = areas[areas["in_programme"]]
    risk = result.scores.set_index("area_code")["composite"] / result.scores["composite"].mean()
    units = pd.DataFrame({"unit": prog["committee"], "population": 10_000.0, "risk": prog["code"].map(risk)})
    boundaries = geo.load_boundaries(Paths().stadsdel_geo, Paths().official_geo).frame
    g = groups(con)
    pdf = briefs.programme_brief_pdf(
        briefs.ProgrammeInputs(
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
        )
    )
    text = pdf_text(pdf)
    assert "Nivå: stadsdel" in text
    assert "syntetiska" in text  # the values line and the ranking's Värden column mark modelled values
    assert "Rinkeby" in text
    assert "Stadsdelsnämnd" in text and "Efter behov (mnkr)" in text
    top = result.scores.dropna(subset=["rank"]).sort_values("rank").iloc[0]
    assert str(levels.units(con, "stadsdel").set_index("code").loc[top["area_code"], "name"]) in text


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
    text = pdf_text(render.area_brief(*small_area_inputs(MARKUP)))
    for line in MARKUP:
        assert line in text, line


def test_a_long_plan_flows_onto_more_pages_with_numbered_footers_marked_where_synthetic():
    from lib import brief_layout

    plan = [f"Aktivitet {i}: läxhjälp, sommarjobb och föreningsliv i Husby under året." for i in range(160)]
    pdf = render.area_brief(*small_area_inputs(plan))
    pages = [p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages]
    assert len(pages) >= 2
    assert f"sida 1 av {len(pages)}" in pages[0] and f"sida {len(pages)} av {len(pages)}" in pages[-1]
    assert "Syntetiska värden" in pages[0]  # the indicator table's page
    assert "Syntetiska värden" not in pages[-1]  # only the plan there
    assert "Aktivitet 159:" in pages[-1]
    png = brief_layout.png_pages(render.area_layout(*small_area_inputs(plan)), ppi=30)
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
    area = tmp_path / "rinkeby.pdf"
    assert cli.main(["brief", "--stadsdel", "rinkeby", "--year", "2025", "--out", str(area)]) == 0
    text = pdf_text(area.read_bytes())
    assert "Rinkeby – stadsdelsprofil" in text and "Index 206,9" in text and "Syntetiska värden" in text


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
