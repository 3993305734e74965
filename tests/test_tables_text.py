"""The screen tables drawn as Swedish text (`ui.tables.*_text`) read exactly as the Styler versions they replace."""

import numpy as np
import pandas as pd

from ui import tables


def shown(styler) -> pd.DataFrame:
    """The text a Styler shows in each cell."""
    styler._compute()
    data = styler.data
    cells = [
        [str(styler._display_funcs[(i, j)](data.iat[i, j])) for j in range(data.shape[1])] for i in range(len(data))
    ]
    return pd.DataFrame(cells, columns=data.columns)


def as_text(table: pd.DataFrame) -> pd.DataFrame:
    return table.map(str).reset_index(drop=True)


def test_numeric_text_reads_as_numeric_and_by_row():
    table = pd.DataFrame(
        {
            "Indikator": ["a", "b", None, "d"],
            "År": [2024, 2025, 2024, 2025],
            "Värde": [1234.5678, np.nan, 0.5, 12.25],
            "Andel": [0.12345, 1.0, np.nan, 0.0],
            "Antal": [1, 2000, 3, 40000],
        }
    )
    styled = tables.by_row(tables.numeric(table, {"Andel": 3}), ["Värde"], [0, 1, 2, 1])
    text = tables.numeric_text(table, {"Andel": 3}, rows=(["Värde"], [0, 1, 2, 1]))
    pd.testing.assert_frame_equal(as_text(text), shown(styled))
    assert text.loc[2, "Värde"] == "0,50"  # the decimal comma


def test_goal_indicator_and_activity_text_read_as_their_stylers():
    view = pd.DataFrame(
        {
            "Delmål": ["D1", "D2", "D3"],
            "Indikator": ["x", "y", "z"],
            "Basvärde 2015": [12.345, 3.0, np.nan],
            "Årsmål": [11.0, 2.5, 7.0],
            "Utfall": [10.123, np.nan, 6.5],
            "Mål 2020": [9.0, 2.0, 5.0],
            "Målvärdet": ["ur källan", "illustrativt", "ur källan"],
            "Trend per år": [-5.6, 0.8, np.nan],
        }
    )
    decimals = [1, 0, 2]
    pd.testing.assert_frame_equal(
        as_text(tables.goal_indicators_text(view, decimals)), shown(tables.goal_indicators(view, decimals))
    )
    acts = pd.DataFrame({"Aktivitet": ["a", "b"], "Budget (mnkr)": [1.25, np.nan], "Illustrativ": [True, False]})
    pd.testing.assert_frame_equal(
        as_text(tables.swedish_text(acts, {"Budget (mnkr)": 1})), shown(tables.swedish(acts, {"Budget (mnkr)": 1}))
    )
