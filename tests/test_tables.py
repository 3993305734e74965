"""Screen tables: Swedish numbers in any browser, the same decimals down a column or along an indicator's row, and
headers short enough for 1280 pixels."""

from __future__ import annotations

import numpy as np
import pandas as pd
from pandas.io.formats.style import Styler

from ui import tables


def shown(styled: Styler) -> list[list[str]]:
    """The cells as `st.dataframe` shows them (the Styler's display text), row by row."""
    styled._compute()
    return [[styled._display_funcs[(i, j)](v) for j, v in enumerate(row)] for i, row in enumerate(styled.data.values)]


def test_swedish_forms_by_column():
    frame = pd.DataFrame(
        {
            "n": [73.0, 12345.678, np.nan],
            "andel": [0.2722, 0.1, 0.0],
            "ändring": [-5.61, 0.8, 0.0],
            "p": [12.0, 3.0, 1.0],
        }
    )
    cells = shown(tables.swedish(frame, {"n": 1}, shares={"andel": 1}, percents={"p": 0}, changes={"ändring": 1}))
    assert [r[0] for r in cells] == ["73,0", "12\u202f345,7", "–"]  # never "73" beside "73,0"
    assert [r[1] for r in cells] == ["27,2\u00a0%", "10,0\u00a0%", "0,0\u00a0%"]
    assert [r[2] for r in cells] == ["\u22125,6\u00a0%", "+0,8\u00a0%", "±0,0\u00a0%"]
    assert [r[3] for r in cells] == ["12\u00a0%", "3\u00a0%", "1\u00a0%"]


def test_each_row_in_its_indicators_decimals():
    frame = pd.DataFrame({"Indikator": ["a", "b"], "X": [1.434, 20.0], "Y": [1.0, 1500.0]})
    cells = shown(tables.by_row(frame, ["X", "Y"], [2, 0]))
    assert cells == [["a", "1,43", "1,00"], ["b", "20", "1\u202f500"]]


def test_goal_indicator_table_signs_the_trend():
    view = pd.DataFrame(
        {"Delmål": ["D1"], "Basvärde 2014": [14.3], "Årsmål": [12.2], "Utfall": [12.34], "Mål 2020": [12.2]}
    ).assign(**{"Trend per år": [-5.6]})
    cells = shown(tables.goal_indicators(view, [1]))
    assert cells == [["D1", "14,3", "12,2", "12,3", "12,2", "\u22125,6\u00a0%"]]


def test_allocation_table_fits_with_short_headers_and_names():
    table = pd.DataFrame(
        {
            "Enhet": ["Rinkeby-Kista stadsdelsnämnd"],
            "Stadsdelar": [4],
            "Invånare": [52557.0],
            "Risk (1 = staden)": [1.4],
            "Efter behov (mnkr)": [40.83],
            "Andel": [0.2722],
            "Kr per invånare": [777.0],
            "Lika delar (mnkr)": [25.0],
            "Efter folkmängd (mnkr)": [35.07],
        }
    )
    styled, config = tables.allocation(table, "Nämnd")
    assert shown(styled) == [
        ["Rinkeby-Kista", "4", "52\u202f557", "1,40", "40,83", "27,2\u00a0%", "777", "25,00", "35,07"]
    ]
    assert config["Risk (1 = staden)"]["label"] == "Risk" and "1 = stadens nivå" in config["Risk (1 = staden)"]["help"]
    assert all(len(c["label"]) <= 12 for c in config.values())
    stadsdel, _ = tables.allocation(table.assign(Enhet="Rinkeby"), "Stadsdel")
    assert shown(stadsdel)[0][0] == "Rinkeby"


def test_comparison_puts_names_and_values_first():
    order, config = tables.comparison_columns(["Rinkeby", "Skärholmen"])
    assert order[:4] == ["Indikator", "Rinkeby", "Skärholmen", "Enhet"] and order[-1] == "Område"
    assert config["Indikator"]["pinned"] is True
    assert config["Rinkeby: år, status"]["label"] == "År · Rinkeby"


def test_numeric_tables_keep_one_form_per_column_and_years_plain():
    frame = pd.DataFrame({"Stadsdel": ["A", "B"], "År": [2009, 2011], "Index": [73.0, 120.3], "Plats": [1, 12]})
    html = tables.numeric(frame, {"Plats": 0}).to_html()
    assert "73,0" in html and "120,3" in html
    assert "2009" in html and "2\u202f009" not in html
    assert tables.published(52.0) == "52" and tables.published(12.35) == "12,35"
