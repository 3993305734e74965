"""Every table that leaves the app through a download button is rounded, in Swedish words and marked: each page is
opened as a user would, every download button's data is made (as a click would) and read back as CSV or XLSX."""

from __future__ import annotations

import csv
import io
import re

import openpyxl
import pandas as pd
import pytest
import streamlit as st
from streamlit.delta_generator import DeltaGenerator
from streamlit.testing.v1 import AppTest

from conftest import ROOT
from lib import export

#: Tables that carry no values: the import templates are empty forms (a marking column would be read back as an
#: unknown column), the catalogue describes the indicators.
NO_VALUES = ("mall_lang", "mall_bred", "indikatorkatalog")
RAW = {"True", "False", "None", "nan", "NaN", "NaT", "<NA>"}


@pytest.fixture
def downloads(monkeypatch):
    """Every download button's file name and bytes, made the way a click makes them."""
    made: dict[str, bytes] = {}
    original = DeltaGenerator.download_button

    def record(self, label, data, file_name=None, mime=None, **kwargs):
        if str(file_name).endswith((".csv", ".xlsx")):  # the PDF briefs and the PNG are tested on their own
            made[str(file_name)] = data() if callable(data) else data
        return original(self, label, data, file_name, mime, **kwargs)

    monkeypatch.setattr(DeltaGenerator, "download_button", record)
    monkeypatch.setattr(st, "download_button", lambda *a, **k: record(st._main, *a, **k))
    return made


def open_page(path: str, **query) -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    for key, value in query.items():
        at.query_params[key] = value
    at.run()
    at.switch_page(path)
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def rows_of(name: str, payload: bytes) -> list[list[object]]:
    if name.endswith(".csv"):
        assert payload.startswith(b"\xef\xbb\xbf")
        return list(csv.reader(io.StringIO(payload.decode("utf-8-sig"), newline=""), delimiter=";"))
    book = openpyxl.load_workbook(io.BytesIO(payload))
    cells = [list(row) for row in book.worksheets[0].iter_rows()]
    assert not any(c.data_type == "f" for row in cells for c in row), name  # no formulas
    return [["" if c.value is None else c.value for c in row] for row in cells]


def check_table(name: str, payload: bytes, codes: set[str]) -> None:
    rows = rows_of(name, payload)
    header, body = [str(h) for h in rows[0]], rows[1:]
    assert body, name
    assert not set(header) & codes, name  # no raw indicator keys as headers
    values = not name.startswith(NO_VALUES)
    if values:
        assert header[-2:] == [export.MARK, export.SOURCE], name
        assert {str(r[-2]) for r in body} <= set(export.MARKS), name
        assert all(str(r[-1]).strip() for r in body), name
    for row in body:
        for cell in row:
            text = str(cell)
            assert text not in RAW and text not in codes, (name, text)
            assert not re.fullmatch(r"\d{4}-\d\d-\d\d[ T]\d\d:\d\d(:\d\d)?", text), (name, text)  # dates only
            if isinstance(cell, float) or re.fullmatch(r"-?\d+,\d+", text):
                decimals = len(text.split(",")[1]) if "," in text else len(repr(cell).split(".")[1])
                assert decimals <= 6, (name, text)  # rounded (the allocation's share has six)


def check_all(made: dict[str, bytes], codes: set[str], expected: set[str]) -> None:
    tables = {n: p for n, p in made.items() if n.endswith((".csv", ".xlsx"))}
    assert expected <= {n.rsplit(".", 1)[0] for n in tables}, sorted(tables)
    for name, payload in tables.items():
        check_table(name, payload, codes)


@pytest.fixture(scope="module")
def codes(con) -> set[str]:
    from lib import db

    return set(db.indicators(con)["code"])


@pytest.mark.parametrize(
    ("path", "query", "expected"),
    [
        ("pages/map.py", {"tabell": "true"}, {"karta_stadsdel_Sammanvägt_index_2025"}),
        ("pages/map.py", {"lager": "Ohälsotal", "tabell": "true"}, {"karta_stadsdel_Ohälsotal_2025"}),
        ("pages/map.py", {"niva": "DeSO", "tabell": "true"}, set()),
        ("pages/index_weights.py", {}, {"rangordning"}),
        ("pages/index_weights.py", {"niva": "DeSO"}, {"rangordning_deso"}),
        ("pages/index_weights.py", {"verkliga": "Endast verkliga värden"}, {"rangordning"}),
        ("pages/index_weights.py", {"visa": "Validering"}, {"validering_regso_2023"}),
        ("pages/profile.py", {}, {"indikatorer_rinkeby_2025"}),
        ("pages/compare.py", {}, {"jamforelse_2025"}),
        ("pages/trends.py", {}, {"utveckling_behorighet_gymnasiet"}),
        (
            "pages/goals.py",
            {"ansvar": "Farsta stadsdelsnämnd", "utfall": "Farsta"},
            {"ils_underlag_farsta_stadsdelsnämnd_2025"},
        ),
        ("pages/allocation.py", {}, {"fordelning_2025"}),
        ("pages/data_sources.py", {}, {"indikatorkatalog", "mall_lang", "mall_bred", "verkliga_data_1"}),
    ],
)
def test_every_download_is_rounded_swedish_and_marked(downloads, codes, path, query, expected):
    open_page(path, **query)
    assert any(n.endswith(".csv") for n in downloads), sorted(downloads)
    check_all(downloads, codes, expected)


def test_every_real_data_table_is_marked_verklig(downloads, codes):
    from lib import source_tables

    for which in source_tables.REAL_TABLES:
        downloads.clear()
        open_page("pages/data_sources.py", verklig_tabell=which)
        name = f"verkliga_data_{source_tables.REAL_TABLES.index(which) + 1}.csv"
        check_table(name, downloads[name], codes)
        body = rows_of(name, downloads[name])[1:]
        assert {r[-2] for r in body} == {export.REAL}


def test_the_ils_underlag_is_rounded_and_marked(downloads, codes, con):
    from lib import db

    open_page("pages/goals.py", ansvar="Farsta stadsdelsnämnd", utfall="Farsta")
    name = next(n for n in downloads if n.startswith("ils_underlag") and n.endswith(".csv"))
    table = pd.read_csv(io.BytesIO(downloads[name]), sep=";", decimal=",", encoding="utf-8-sig")
    decimals = db.indicators(con).set_index("name")["decimals"]
    for col in [c for c in table.columns if c.startswith(("Basvärde", "Årsmål", "Utfall "))]:
        for ind, value in zip(table["Indikator"], table[col], strict=True):
            if pd.notna(value):
                assert round(value, int(decimals[ind])) == value, (col, ind, value)
    assert set(table[export.MARK]) <= set(export.MARKS)
    assert (table[export.MARK] == export.SYNTHETIC).any()  # the outcomes are modelled, and the sheet says so
    assert table[export.SOURCE].str.contains("Utfall: ").all()


def test_the_sensitivity_analysis_downloads_are_rounded_and_marked(downloads, codes):
    """Känslighetsanalys shows its downloads once the analysis has run (the standard one, as anyone may)."""
    at = open_page("pages/sensitivity.py")
    next(b for b in at.button if b.label == "Kör analysen").click()
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    names = {f"kanslighet_{n}_2025" for n in ("platser", "index", "index_per_stadsdel")}
    check_all(downloads, codes, names)
