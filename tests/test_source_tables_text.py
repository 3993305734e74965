"""Screen tables with their text as Python strings: the same cells, the numbers untouched."""

import numpy as np
import pandas as pd

from lib import source_tables


def test_python_text_keeps_every_cell_and_the_numbers():
    table = pd.DataFrame(
        {"DeSO": pd.array(["0180C1010", None], dtype="str"), "År": [2024, 2025], "Värde": [1.5, np.nan]}
    )
    out = source_tables.python_text(table)
    assert out["DeSO"].dtype == object
    assert out["År"].dtype == table["År"].dtype and out["Värde"].dtype == table["Värde"].dtype
    assert out["DeSO"].iloc[0] == "0180C1010" and pd.isna(out["DeSO"].iloc[1])
    pd.testing.assert_frame_equal(out.astype({"DeSO": table["DeSO"].dtype}), table)


def test_python_text_leaves_a_table_without_text_as_it_is():
    table = pd.DataFrame({"År": [2024], "Värde": [1.0]})
    assert source_tables.python_text(table) is table
