"""The state of the data in words (the Översikt page)."""

from __future__ import annotations

import pandas as pd

from lib import data_status


def test_calibration_sentence_counts_targets_and_second_hand_sources():
    refs = pd.DataFrame(
        {
            "comparable": [True, True, False, True],
            "year": [2015, 2016, 2015, 2030],
            "area_level": ["stadsdel", "staden", "stadsdel", "staden"],
            "area_code": ["rinkeby", None, "rinkeby", None],
            "source_url": ["https://start.stockholm/x", "https://example.org/y", "https://scb.se", "https://scb.se"],
        }
    )
    text = data_status.calibration_sentence(refs, (2012, 2013, 2014, 2015, 2016))
    assert text.startswith("Av de 4 publicerade siffrorna mäter 2 samma sak som en indikator")
    assert "staden 2012–2016: bara mot dem" in text
    assert "(1 av dem kommer från en andrahandskälla)" in text


def test_mix_sentence_in_swedish_numbers():
    text = data_status.mix_sentence({"values": 12345, "real_values": 345, "synthetic_values": 12000}, 2500)
    assert text.startswith("Av 12\u202f345 värden per stadsdel är **345 verkliga** och **12\u202f000 syntetiska**")
    assert text.endswith("Dessutom finns 2\u202f500 verkliga värden per DeSO.")
