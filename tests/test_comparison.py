"""The Jämför page's figures: latest values with their year and status, the table and the risk against the city."""

from __future__ import annotations

import numpy as np
import pandas as pd

from lib import comparison


def long(rows: list[tuple]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["indicator_code", "year", "value", "synthetic"])


def inds() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "code": ["a", "b", "k"],
            "name": ["Ohälsotal", "Valdeltagande", "Folkmängd"],
            "domain": ["halsa", "sociala", "kontext"],
            "domain_name": ["Hälsa", "Sociala risker", "Kontext"],
            "unit": ["dagar", "%", "personer"],
            "decimals": [1, 0, 0],
            "higher_is_worse": [True, False, False],
        }
    )


def test_latest_takes_each_indicators_last_row_up_to_the_year_and_a_missing_status_as_synthetic():
    frame = long([("a", 2015, 1.0, False), ("a", 2018, 2.0, None), ("a", 2020, 3.0, False), ("b", 2019, np.nan, True)])
    got = comparison.latest(frame, 2019)
    assert got.loc["a", "value"] == 2.0 and got.loc["a", "year"] == 2018 and got.loc["a", "synthetic"]
    assert np.isnan(got.loc["b", "value"])  # a missing value is still the latest row, as before
    assert comparison.latest(frame, 2014).empty


def test_table_labels_each_cell_with_its_year_and_status_and_marks_the_real_ones():
    a = comparison.latest(long([("a", 2024, 20.04, False), ("b", 2022, 70.4, True)]), 2025)
    b = comparison.latest(long([("a", 2025, 10.0, True)]), 2025)
    table, real, decimals = comparison.table(inds(), {"A": a, "B": b}, "kontext")
    assert decimals == [1, 0, 0]
    assert table["Område"].tolist() == ["Hälsa", "Sociala risker", comparison.CONTEXT_LABEL]
    assert table["A"].tolist()[:2] == [20.0, 70.0]
    assert table["A: år, status"].tolist() == ["2024 · verkligt", "2022 · syntetiskt", "–"]
    assert table["B: år, status"].tolist()[1] == "–" and np.isnan(table["B"].iloc[1])
    assert real["A"].tolist() == [True, False, False] and real["B"].tolist() == [False, False, False]


def test_risk_dots_and_the_worse_sentence():
    city = comparison.latest(long([("a", 2025, 10.0, True), ("b", 2025, 50.0, True)]), 2025)
    a = comparison.latest(long([("a", 2025, 20.0, False), ("b", 2025, 50.0, True)]), 2025)
    b = comparison.latest(long([("a", 2025, 15.0, True), ("b", 2025, 60.0, True)]), 2025)
    dots = comparison.risk_dots(inds().head(2), {"A": a, "B": b}, city)
    assert dots.set_index(["indikator", "serie"])["risk"].to_dict() == {
        ("Ohälsotal", "A"): 200.0,
        ("Ohälsotal", "B"): 150.0,
        ("Valdeltagande", "A"): 100.0,
        ("Valdeltagande", "B"): 100 * 50 / 60,
    }
    assert comparison.worse_sentence(inds(), "A", a, "B", b) == (
        "**A har minst 10 % högre risk än B i:** ohälsotal, valdeltagande."
    )
    assert comparison.worse_sentence(inds(), "B", b, "A", a).endswith("i:** inget mått.")
