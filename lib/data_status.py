"""The state of the data in words: how many values are real or modelled and what the modelled ones are calibrated
to, as the Översikt page says it.

Why apart from the page: the sentence counts published figures and second-hand sources; those counts are tested
here, not read off a screen."""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from lib import reference
from lib.fmt import number


def calibration_sentence(refs: pd.DataFrame, years: tuple[int, ...]) -> str:
    """How many of the published figures the synthetic values are calibrated to (those measuring an indicator for a
    stadsdel, a stadsdelsområde or the city in `years`), and how many of those are second-hand."""
    targets = reference.is_calibration_target(refs, years)
    second_hand = refs.loc[targets, "source_url"].map(reference.is_second_hand)
    return (
        f"Av de {number(len(refs), 0)} publicerade siffrorna mäter {number(int(targets.sum()), 0)} samma sak som en "
        f"indikator, för en stadsdel, ett stadsdelsområde eller staden {years[0]}–{years[-1]}: bara mot dem är de "
        "syntetiska värdena kalibrerade, så att de befolkningsvägda medelvärdena stämmer "
        f"({number(int(second_hand.sum()), 0)} av dem kommer från en andrahandskälla). Övriga siffror visas bara som "
        "jämförelse."
    )


def mix_sentence(status: Mapping[str, int], deso_real: int) -> str:
    """Real against modelled values per stadsdel (`status`: values, real_values, synthetic_values), and how many
    real values exist per DeSO."""
    return (
        f"Av {number(status['values'], 0)} värden per stadsdel är **{number(status['real_values'], 0)} verkliga** "
        f"och **{number(status['synthetic_values'], 0)} syntetiska** (modellerade). Stadsdelsstatistiken för "
        "programperioden 2015–2020 är fortfarande modellerad; verkliga är SCB:s statistik 2024/2025 (per DeSO, "
        "summerad till stadsdel) och stadens folkmängd per stadsdel 2014–2016, var och en med källa, licens och år. "
        f"Dessutom finns {number(deso_real, 0)} verkliga värden per DeSO."
    )
