"""The one check-a-file service (`importer.read_upload`) the page and the CLI share, and the tables of the Data
och källor page (`lib.source_tables`), tested without Streamlit."""

from __future__ import annotations

import pandas as pd
import pytest

from conftest import ROOT
from lib import db, importer, source_tables

CORPUS = ROOT / "tests" / "import_corpus"
GOOD = "stadsdel;indikator;år;värde;källa\nHusby;Ohälsotal;2016;21,5;FK\n"


def test_read_upload_parses_a_clean_file(con):
    parsed = importer.read_upload(GOOD.encode(), "f.csv", (db.areas(con), db.indicators(con)))
    assert parsed.ok and parsed.layout == "lång" and len(parsed.values) == 1
    assert parsed.values.iloc[0]["value"] == pytest.approx(21.5)


def test_read_upload_returns_problems_instead_of_raising(con, tmp_path):
    model = (db.areas(con), db.indicators(con))
    for source, name in ((b"", "f.csv"), (tmp_path, "mapp.csv"), (b"x", "f.pdf")):
        parsed = importer.read_upload(source, name, model)
        assert parsed.problems and parsed.values.empty
    unknown = importer.read_upload(CORPUS / "unknown_area.csv", "unknown_area.csv", model)
    assert any("Okänd stadsdel ”Atlantis”" in str(p) for p in unknown.problems)


def test_read_upload_refuses_by_declared_size_before_the_model_is_asked_for():
    def model():
        raise AssertionError("the model must not be read for a refused file")

    parsed = importer.read_upload(GOOD.encode(), "f.csv", model, size=importer.MAX_BYTES + 1)
    assert "för stor" in str(parsed.problems[0])
    assert importer.read_upload(b"", "f.csv", model).problems  # refused by check_file, model never asked


def test_read_upload_asks_a_lazy_model_once_the_file_passed(con):
    asked = []

    def model():
        asked.append(1)
        return db.areas(con), db.indicators(con)

    assert importer.read_upload(GOOD.encode(), "f.csv", model, default_source="x").ok
    assert asked == [1]


def test_catalogue_counts_real_and_synthetic_values_per_indicator():
    inds = pd.DataFrame(
        {
            "code": ["a", "b"],
            "name": ["A", "B"],
            "domain": ["d", "kontext"],
            "domain_name": ["D", "K"],
            "unit": ["%", "antal"],
            "higher_is_worse": [True, False],
            "definition": ["", ""],
            "source": ["SCB", "SCB"],
            "measured_years": ["2012-2020", "2024"],
        }
    )
    values = pd.DataFrame({"indicator_code": ["a", "a", "a"], "synthetic": [True, True, False], "year": [1, 2, 3]})
    table = source_tables.catalogue(inds, values, pd.Series({"a": 4}), "kontext")
    assert table["Verkliga värden, stadsdel"].tolist() == [1, 0]
    assert table["Syntetiska värden, stadsdel"].tolist() == [2, 0]
    assert table["Verkliga värden, DeSO"].tolist() == [4, 0]
    assert table["Ingår i index"].tolist() == ["ja", "nej (sammanhang)"]
    assert table["Mätår"].tolist() == ["2012–2020", "2024"]


def test_real_sources_list_imports_only_when_there_are_any():
    counts = pd.DataFrame({"rows": [10], "years": [[2024]]}, index=["deso_value"])
    table = source_tables.real_sources(counts, stadsdel_geo=5, deso_geo=7)
    assert list(table.columns) == ["Källa", "År", "Licens", "Rader", "Innehåll"]
    assert "Inlästa värden (Data och källor)" not in set(table["Källa"])
    assert table.set_index("Källa").loc["SCB, DeSO-gränser", "Rader"] == 7
    imported = pd.concat([counts, pd.DataFrame({"rows": [3], "years": [[2016]]}, index=["imported"])])
    assert "Inlästa värden (Data och källor)" in set(source_tables.real_sources(imported, 5, 7)["Källa"])


def test_problem_table_keeps_row_column_and_message():
    table = source_tables.problem_table([importer.Problem(3, "år", "Året saknas.")])
    assert table.to_dict("records") == [{"Rad": 3, "Kolumn": "år", "Problem": "Året saknas."}]
