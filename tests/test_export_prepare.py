"""The one way out of the app (`lib.export.prepare`): it rounds, speaks Swedish and refuses an unmarked table."""

from __future__ import annotations

import io

import pandas as pd
import pytest

from lib import export, export_tables


def values() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "Indikator": ["ohalsotal", "befolkning"],
            "Värde": [12.039511116865821, 1234.4],
            "Flagga": [True, False],
            "Datum": pd.to_datetime(["2026-11-30 14:05", "2026-01-02 00:00"]),
            "Not": [None, float("nan")],
        }
    )


def test_a_table_of_values_without_marking_or_source_is_refused():
    with pytest.raises(export.UnmarkedExport):
        export.prepare(values(), source="SCB", decimals={"Värde": 1})
    with pytest.raises(export.UnmarkedExport):
        export.prepare(values(), marking="syntetisk", decimals={"Värde": 1})
    with pytest.raises(export.UnmarkedExport):
        export.prepare(values(), marking="kanske", source="SCB", decimals={"Värde": 1})


def test_a_number_without_stated_decimals_is_refused():
    with pytest.raises(export.UnmarkedExport, match="Värde"):
        export.prepare(values(), marking="syntetisk", source="modell")


def test_rounded_swedish_and_marked():
    out = export.prepare(
        values(),
        marking=["syntetisk", "verklig"],
        source="modell",
        decimals={"Värde": [1, 0]},
        names={"ohalsotal": "Ohälsotal", "befolkning": "Folkmängd"},
    )
    assert out.columns[-2:].tolist() == [export.MARK, export.SOURCE]
    assert out["Indikator"].tolist() == ["Ohälsotal", "Folkmängd"]
    assert out["Värde"].tolist() == [12.0, 1234.0]
    assert out["Flagga"].tolist() == ["ja", "nej"]
    assert out["Datum"].tolist() == ["2026-11-30", "2026-01-02"]
    assert out["Not"].isna().all()  # an empty cell in the CSV and the sheet
    text = export.csv_bytes(out).decode("utf-8-sig")
    assert "12,0;" in text and "True" not in text and "None" not in text and "nan" not in text


def test_a_time_is_kept_where_it_is_the_point():
    out = export.prepare(values(), marking="verklig", source="x", decimals={"Värde": 2}, times=("Datum",))
    assert out["Datum"].iloc[0] == "2026-11-30 14:05"


def test_a_form_needs_no_marking_and_keeps_its_columns():
    form = pd.DataFrame({"stadsdel": ["Akalla"], "år": [2025], "värde": [float("nan")], "källa": [None]})
    out = export_tables.form(form)
    assert out.columns.tolist() == ["stadsdel", "år", "värde", "källa"] and export.is_prepared(out)


def test_the_download_buttons_refuse_an_unprepared_table():
    from ui import downloads

    with pytest.raises(export.UnmarkedExport):
        downloads.download_buttons(values(), "x", "x")


def test_ils_underlag_marks_a_synthetic_outcome_and_rounds_it():
    """The ILS underlag said Illustrativt = nej on a modelled outcome and carried 12,039511116865821."""
    underlag = pd.DataFrame(
        {
            "Indikator": ["Ohälsotal", "Ohälsotal"],
            "Basvärde (2015)": [30.123456, 30.0],
            "Årsmål 2025": [28.0, 28.0],
            "Utfall 2025": [12.039511116865821, 27.0],
            "Utfallsår": [2025, 2024],
            "Illustrativt": ["nej", "ja"],
        }
    )
    inds = pd.DataFrame({"code": ["ohalsotal"], "name": ["Ohälsotal"], "decimals": [1], "source": ["FK"]})
    out = export_tables.ils(underlag, inds, {("ohalsotal", 2025): True, ("ohalsotal", 2024): False})
    assert out[export.MARK].tolist() == ["syntetisk", "illustrativ"]
    assert out["Utfall 2025"].tolist() == [12.0, 27.0]
    table = pd.read_csv(io.BytesIO(export.csv_bytes(out)), sep=";", decimal=",", encoding="utf-8-sig")
    assert table["Basvärde (2015)"].tolist() == [30.1, 30.0]


def test_an_outcome_is_verklig_only_when_no_value_behind_it_is_modelled():
    values = pd.DataFrame(
        {
            "area_code": ["a", "b", "a", "b", "c"],
            "indicator_code": ["x"] * 5,
            "year": [2024, 2024, 2025, 2025, 2025],
            "synthetic": [False, False, False, True, True],
        }
    )
    flags = export_tables.outcome_synthetic(values, {"a", "b"})
    assert flags == {("x", 2024): False, ("x", 2025): True}
