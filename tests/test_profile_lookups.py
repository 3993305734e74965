"""The Stadsdel page's tables look group and DeSO values up in one pass; these pin what the lookups return: the
value of the indicator's own year, the first row when a cell repeats, and a blank when there is none."""

from __future__ import annotations

import math

import pandas as pd

from lib import profile, provenance


def _indicators() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "code": ["a", "b", "befolkning"],
            "name": ["A", "B", "Folkmängd"],
            "domain": ["halsa", "halsa", "kontext"],
            "unit": ["%", "%", "personer"],
            "decimals": [1, 1, 0],
            "source": ["SCB", "SCB", "SCB"],
            "higher_is_worse": [True, False, False],
        }
    )


def test_indicator_table_takes_the_groups_values_of_each_indicators_own_year():
    own = pd.DataFrame(
        {
            "indicator_code": ["a", "b"],
            "year": [2024, 2022],
            "value": [10.0, 4.0],
            "synthetic": [False, True],
            "source": ["SCB", "modell"],
            "licence": ["CC0", None],
        }
    )
    groups = pd.DataFrame(
        {
            "group": ["Staden", "Staden", "Staden", "Programområdet", "Staden"],
            "indicator_code": ["a", "a", "a", "a", "b"],
            "year": [2024, 2024, 2023, 2024, 2024],
            "value": [5.0, 99.0, 7.0, 8.0, 2.0],
        }
    )
    table = profile.indicator_table(own, groups, _indicators(), 2025).set_index("indicator_code")
    assert table.loc["a", "city"] == 5.0  # the first row of a repeated cell, as a filter would read it
    assert table.loc["a", "programme"] == 8.0
    assert table.loc["a", "risk"] == 200.0
    assert math.isnan(table.loc["b", "city"])  # the city has b only for 2024, the unit's value is from 2022
    assert math.isnan(table.loc["b", "programme"])
    assert "befolkning" not in table.index


def test_deso_table_shows_the_first_value_of_a_cell_and_a_dash_for_none():
    units = pd.DataFrame({"code": ["D2", "D1"], "regso": ["R", "R"], "overlap_share": [1.0, 0.5]})
    values = pd.DataFrame(
        {
            "area_code": ["D1", "D1", "D1", "D2"],
            "indicator_code": ["lag_ekonomisk_standard", "lag_ekonomisk_standard", "befolkning", "arbetsloshet_scb"],
            "year": [2024, 2024, 2025, 2023],
            "value": [12.34, 50.0, 1500.0, 9.0],
        }
    )
    meta = pd.DataFrame({"code": ["lag_ekonomisk_standard", "arbetsloshet_scb", "befolkning"], "decimals": [1, 1, 0]})
    shares = pd.DataFrame(
        {"deso_2018": ["D1"], "deso_2025": ["D1"], "share_pct": [40.0], "utsatt_pct": [40.0], "sarskilt_pct": [0.0]}
    )
    table = provenance.deso_table(units, values, shares, meta).set_index("DeSO")
    assert list(table.index) == ["D1", "D2"]
    assert table.loc["D1", "Låg ek. standard 2024, %"] == "12,3"
    assert table.loc["D1", "Arbetslöshet 2024, %"] == "–"
    assert table.loc["D2", "Arbetslöshet 2024, %"] == "–"  # only a 2023 value
    assert table.loc["D1", "Polisen 2025"] == "40 % utsatt"
    assert table.loc["D2", "Polisen 2025"] == "–"
    assert table.loc["D1", provenance.OVERLAP_COLUMN].startswith("50 %")
