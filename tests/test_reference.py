"""Published figures: which ones the synthetic values are calibrated to, and which sources are second hand."""

from __future__ import annotations

import pandas as pd
import pytest

from conftest import ROOT
from lib import reference
from lib.config import YEARS


@pytest.mark.parametrize(
    ("url", "second_hand"),
    [
        ("http://statistik.stockholm.se/images/stories/excel/b020-filer/sheet001.htm", False),
        ("https://start.stockholm/aktuellt/nyheter/2020/09/positiv-trend-i-arets-trygghetsmatning/", False),
        ("https://xn--vxer-loa.stockholm/omraden/farsta-stadsdelsomrade/", False),
        ("http://www.scb.se/sv_/Hitta-statistik/", False),
        ("http://www.sverigeisiffror.scb.se/en/finding-statistics/", False),
        ("https://sv.m.wikipedia.org/wiki/Rinkeby", True),
        ("https://sv.wikipedia.org./wiki/Sk%C3%A4rholmens_distrikt", True),  # trailing dot in the host
        ("https://www.dn.se/sthlm/stockholms-finansborgarrad/", True),
        ("https://mitti.se/nyheter/arbetslosheten-okade-skarholmen/", True),
        ("https://docplayer.se/amp/112302259-statistik-om-stockholm.html", True),  # a copy of the city's report
        ("https://studylibsv.com/doc/417513/11-bilaga-2.", True),
        ("https://notstockholm.se/statistik", True),  # only the host and its subdomains count
        ("https://stockholm.se.example.com/", True),
        ("inte en adress", True),
        ("", True),
    ],
)
def test_second_hand_sources_are_recognised(url, second_hand):
    assert reference.is_second_hand(url) is second_hand
    assert reference.source_kind(url) == ("andrahandskälla" if second_hand else "förstahandskälla")


@pytest.fixture(scope="module")
def mapped() -> pd.DataFrame:
    figures = pd.read_csv(ROOT / "data" / "reference_figure.csv")
    mapping = pd.read_csv(ROOT / "data" / "reference_mapping.csv")
    areas = pd.read_csv(ROOT / "data" / "area.csv")
    return reference.map_reference_figures(figures, mapping, areas)


def test_calibration_targets_are_the_comparable_figures_in_the_model_years(mapped):
    flags = reference.is_calibration_target(mapped, YEARS)
    assert int(flags.sum()) == len(reference.calibration_targets(mapped, YEARS))
    assert mapped.loc[flags, "comparable"].all() and mapped.loc[flags, "year"].isin(YEARS).all()
    # 101 of the 302 published figures measure an indicator for an area the model knows in 2012–2020.
    assert len(mapped) == 302
    assert int(reference.is_calibration_target(mapped, tuple(range(2012, 2021))).sum()) == 101


def test_every_published_source_is_classified(mapped):
    kinds = mapped["source_url"].map(reference.source_kind)
    assert set(kinds) == {"förstahandskälla", "andrahandskälla"}
    wiki = mapped["source_url"].str.contains("wikipedia")
    assert (kinds[wiki] == "andrahandskälla").all()
    assert (kinds[mapped["source_url"].str.contains("statistik.stockholm.se")] == "förstahandskälla").all()
