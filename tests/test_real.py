"""The real data: every real row has a source, a licence and a year; real and modelled values side by side; the
sentences the pages and briefs use for them."""

from __future__ import annotations

import pandas as pd
import pytest

from conftest import ROOT
from lib import db, levels, provenance
from lib.config import YEARS


@pytest.fixture(scope="module")
def shipped() -> dict[str, pd.DataFrame]:
    """The database tables exactly as built from the shipped data/ (no user imports)."""
    return db.prepare_tables(db.read_seed(ROOT / "data"))


def _assert_provenance(frame: pd.DataFrame, name: str, years: set[int]) -> None:
    assert len(frame), name
    for column in ("source", "licence"):
        text = frame[column].astype("string").str.strip()
        assert text.notna().all() and text.ne("").all(), f"{name}: {column} saknas"
    assert frame["year"].notna().all(), f"{name}: år saknas"
    assert set(frame["year"].astype(int)) <= years, f"{name}: år {sorted(set(frame['year']) - years)}"


def test_every_shipped_real_row_has_source_licence_and_year(shipped):
    value = shipped["value"]
    _assert_provenance(value[~value["synthetic"].astype(bool)], "value", set(YEARS))
    unit_value = shipped["unit_value"]
    assert not unit_value["synthetic"].any()
    _assert_provenance(unit_value, "unit_value", {2024, 2025})
    _assert_provenance(shipped["regso_type"], "regso_type", {2022, 2023})
    _assert_provenance(shipped["police_area"], "police_area", {2025})
    # synthetic values carry no licence: they are the model's, not a publisher's
    assert value.loc[value["synthetic"].astype(bool), "licence"].isna().all()


def test_every_real_row_in_the_database_has_source_licence_and_year(con):
    imported = "(area_code, indicator_code, year) IN (SELECT area_code, indicator_code, year FROM imported_value)"
    value = db.query(con, f"SELECT * FROM value WHERE NOT synthetic AND NOT {imported}")  # noqa: S608
    _assert_provenance(value, "value", set(YEARS))
    _assert_provenance(db.query(con, "SELECT * FROM unit_value WHERE NOT synthetic"), "unit_value", {2024, 2025})
    _assert_provenance(db.query(con, "SELECT * FROM regso_type"), "regso_type", {2022, 2023})
    _assert_provenance(db.query(con, "SELECT * FROM police_area"), "police_area", {2025})


def test_real_and_model_of_rinkeby(con):
    pairs = db.real_and_model(con, "rinkeby")
    cells = set(zip(pairs["indicator_code"], pairs["year"], strict=True))
    assert cells == {
        ("forvarvsfrekvens", 2024),
        ("befolkning", 2014),
        ("befolkning", 2015),
        ("befolkning", 2016),
        ("befolkning", 2025),
    }
    work = pairs.set_index(["indicator_code", "year"]).loc[("forvarvsfrekvens", 2024)]
    assert work["real"] == pytest.approx(60.234)
    assert work["real_source"].startswith("SCB") and work["licence"] == "CC0 1.0"
    assert work["model_source"].startswith("syntetisk modell")
    assert work["model"] != work["real"]
    # the effective value is the real one; the model's stays in model_value
    shown = db.query(
        con,
        "SELECT value, synthetic FROM value WHERE area_code = 'rinkeby' AND indicator_code = 'forvarvsfrekvens' "
        "AND year = 2024",
    ).iloc[0]
    assert shown["value"] == pytest.approx(60.234) and not shown["synthetic"]
    assert pairs["licence"].notna().all()


def test_real_and_model_without_deso_has_only_the_city_population(con):
    pairs = db.real_and_model(con, "skeppsholmen")  # no DeSO of its own, so no SCB values; the city counts it
    assert set(pairs["indicator_code"]) == {"befolkning"} and list(pairs["year"]) == [2014, 2015, 2016]
    assert db.real_and_model(con, "no-such-area").empty


def test_side_by_side_formats_in_swedish(con):
    table = provenance.side_by_side(db.real_and_model(con, "rinkeby"), db.indicators(con))
    first = table.iloc[0]
    assert first["Indikator"] == "Förvärvsfrekvens 20–64 år"
    assert first["Verkligt"] == "60,2 (SCB 2024)" and first["Modell (syntetisk)"] == "56,8"
    assert first["Skillnad"] == "+3,5 procentenheter" and first["Licens"] == "CC0 1.0"
    population = table[table["År"] == 2014].iloc[0]
    assert population["Verkligt"] == "16\u202f066 (Stockholms stad 2014)"
    assert population["Skillnad"] == "\u2212381 invånare (\u22122,3 %)"


def test_year_span_and_differences():
    assert provenance.year_span([2016, 2014, 2015, 2025]) == "2014–2016, 2025"
    assert provenance.year_span([]) == "–"
    assert provenance.difference_text(50.0, 50.0, "% av befolkningen", 1) == "±0,0 procentenheter"
    assert provenance.status(True) == "syntetiskt" and provenance.status(False) == "verkligt"
    assert provenance.publisher("SCB, statistik per DeSO (TAB6680)") == "SCB"
    assert provenance.short_source("x", None, False) == "x (licens ej angiven)"


def test_police_lines_and_deso_table_of_rinkeby(con):
    shares = levels.police_shares(con)
    mine = shares[shares["area_code"] == "rinkeby"]
    lines = provenance.police_lines(mine)
    assert len(lines) == len(mine) == 9
    assert all(line.startswith("Polisen 2025: ") for line in lines)
    assert "Polisen 2025: 61 % av DeSO 0180C6070 (RegSO Rinkeby) ligger i ett särskilt utsatt område." in lines
    assert provenance.police_lines(shares.iloc[0:0]) == []
    summary = provenance.police_summary(mine)
    assert summary.startswith("Polisen 2025: 9 DeSO i stadsdelen") and "särskilt utsatt område" in summary
    units = levels.units(con, "deso")
    table = provenance.deso_table(
        units[units["area_code"] == "rinkeby"], levels.values(con, "deso", True), mine, db.indicators(con)
    )
    assert list(table["DeSO"])[:2] == ["0180C6070", "0180C6090"]
    assert table.loc[table["DeSO"] == "0180C6150", "Polisen 2025"].iloc[0] == "57 / 100 % särskilt utsatt"  # split


def test_low_overlap_deso_are_flagged(con):
    units = levels.units(con, "deso")
    low = units[units["overlap_share"] < provenance.OVERLAP_WARNING]
    assert len(low) == 9
    one = low.iloc[[0]]
    table = provenance.deso_table(one, levels.values(con, "deso", True), levels.police_shares(con), db.indicators(con))
    assert "under 80 %" in table[provenance.OVERLAP_COLUMN].iloc[0]


def test_split_deso_are_counted_from_their_sources(con):
    deso = levels.values(con, "deso", True)
    assert provenance.folded_deso(deso["source"], deso["area_code"]) == (18, 43)


def test_real_sources_count_every_real_table(con):
    counts = db.real_sources(con).set_index("dataset")
    assert counts.loc["deso_value", "rows"] == len(db.query(con, "SELECT * FROM unit_value"))
    assert list(counts.loc["city_population", "years"]) == [2014, 2015, 2016]
    assert counts.loc["deso_link", "rows"] == 544 and counts.loc["regso_link", "rows"] == 127
    assert counts.loc["police", "licence"].startswith("ingen licens")


def test_group_status_is_real_only_when_every_member_is():
    values = pd.DataFrame(
        {
            "area_code": ["a", "b", "a", "b"],
            "indicator_code": ["x"] * 4,
            "year": [2024, 2024, 2025, 2025],
            "value": [1.0, 2.0, 1.0, 2.0],
            "synthetic": [False, False, False, True],
        }
    )
    out = provenance.group_status(values, {"Alla": {"a", "b"}}).set_index("year")["synthetic"]
    assert not out[2024] and out[2025]


def test_importer_accepts_2012_to_2025_and_says_so(con):
    from lib import importer

    frame = pd.DataFrame(
        {
            "stadsdel": ["Rinkeby", "Rinkeby", "Rinkeby"],
            "indikator": ["Ohälsotal"] * 3,
            "år": ["2011", "2025", "2026"],
            "värde": ["30", "25,5", "20"],
            "källa": ["Försäkringskassan"] * 3,
        }
    )
    parsed = importer.parse_values(frame, db.areas(con), db.indicators(con), (YEARS[0], YEARS[-1]))
    messages = [p.message for p in parsed.problems]
    assert messages == ["Året 2011 ligger utanför 2012–2025.", "Året 2026 ligger utanför 2012–2025."]
    template = importer.template("long", db.areas(con), db.indicators(con), YEARS[-1])
    assert set(template["år"]) == {2025}


def test_area_brief_marks_real_points_and_the_years():
    import io

    from pypdf import PdfReader

    from lib import brief_pages

    indicators = pd.DataFrame(
        {"Indikator": ["Förvärvsfrekvens"], "År": [2024], "Värde": ["60,2"], "Status": ["verkligt"], "Källa": ["SCB"]}
    )
    trends = pd.DataFrame(
        {
            "name": ["Förvärvsfrekvens"] * 3,
            "serie": ["Rinkeby"] * 3,
            "year": [2012, 2024, 2025],
            "value": [48.9, 60.2, 56.9],
            "status": ["syntetiskt", "verkligt", "syntetiskt"],
        }
    )
    pdf = brief_pages.area_brief("Rinkeby", ["Polisen 2025: …"], indicators, trends, ["Plan."])
    pages = [p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages]
    assert "verkligt" in pages[0] and "SCB" in pages[0]
    text = " ".join(pages)  # the trend chart is an image; its years and point legend are printed beside it
    assert "2012" in text and "2025" in text and "verkligt värde" in text and "syntetiskt värde" in text
