"""The allocation as the Fördelning page shows it."""

from __future__ import annotations

import pandas as pd

from lib import allocation_tables


def result() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "unit": ["Rinkeby-Kista stadsdelsnämnd", "Spånga-Tensta stadsdelsnämnd"],
            "stadsdelar": ["Rinkeby, Kista", "Tensta"],
            "population": [1000.4, 500.6],
            "risk": [1.234, 0.987],
            "amount": [100.123, 49.877],
            "amount_kr": [100_123_456, 49_876_544],
            "equal_kr": [75_000_000, 75_000_000],
            "population_only_kr": [99_900_000, 50_100_000],
            "share": [0.667, 0.333],
            "per_capita_kr": [100123.4, 99642.6],
            "equal": [75.0, 75.0],
            "population_only": [99.9, 50.1],
        }
    )


def test_short_name_drops_the_committee_word_and_the_genitive():
    assert allocation_tables.short_name("Rinkeby-Kista stadsdelsnämnd") == "Rinkeby-Kista"
    assert allocation_tables.short_name("Skärholmens stadsdelsnämnd") == "Skärholmen"


def test_by_method_has_a_row_per_unit_and_method():
    long = allocation_tables.by_method(result())
    assert len(long) == 6
    assert list(dict.fromkeys(long["metod"])) == ["Efter behov", "Lika delar", "Efter folkmängd"]
    assert long.set_index(["unit", "metod"]).loc[("Spånga-Tensta stadsdelsnämnd", "Lika delar"), "mnkr"] == 75.0


def test_table_names_and_rounds_the_columns():
    table = allocation_tables.table(result())
    assert table.columns.tolist()[:3] == ["Enhet", "Stadsdelar", "Invånare"]
    assert table["Invånare"].tolist() == [1000.0, 501.0]
    assert table["Risk (1 = staden)"].tolist() == [1.23, 0.99]
    assert table["Andel"].tolist() == [0.667, 0.333]


def test_money_on_screen_sums_to_the_total_and_exports_carry_whole_kronor():
    table = allocation_tables.table(result())
    assert table["Efter behov (mnkr)"].tolist() == [100.12, 49.88]
    assert table["Efter behov (mnkr)"].sum() == 150.0
    out = allocation_tables.export(result())
    assert out["Efter behov (kr)"].tolist() == [100_123_456, 49_876_544]
    assert out["Efter behov (kr)"].sum() == 150_000_000 and out["Efter behov (kr)"].dtype.kind == "i"
    assert out.columns.tolist()[4] == "Efter behov (kr)"
