"""The Stadsdel page's indicator download speaks Swedish: flags as ja/nej, never True/False."""

from __future__ import annotations

import pandas as pd

from lib import profile


def test_the_download_says_ja_or_nej_for_a_flag():
    row = {
        "indicator_code": "ohalsotal", "name": "Ohälsotal", "context": False, "unit": "dagar per person 16–64 år",
        "decimals": 1, "measure_source": "Försäkringskassan", "year": 2024, "value": 30.0, "synthetic": True,
        "source": "modell", "licence": None, "city": 20.0, "programme": 28.0, "risk": 150.0,
    }  # fmt: skip
    table = pd.DataFrame([row, {**row, "indicator_code": "befolkning", "name": "Folkmängd", "context": True}])
    shown, numeric = profile.page_tables(table, {"ohalsotal": True})
    assert numeric["Flagga"].tolist() == ["ja", "nej"]
    assert shown["Flagga"].tolist() == [True, False]  # a checkbox on the screen
    assert shown["Enhet"].iloc[0] == "dagar per person 16–64 år"
