"""The Utveckling page's figures: one indicator's series, the change since the baseline and its explanation."""

from __future__ import annotations

import numpy as np
import pandas as pd

from lib import trends

NAMES = {"rinkeby": "Rinkeby", "tensta": "Tensta"}


def values() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "area_code": ["rinkeby"] * 3 + ["tensta"] * 2 + ["rinkeby"],
            "indicator_code": ["x"] * 5 + ["y"],
            "year": [2015, 2016, 2025, 2015, 2025, 2015],
            "value": [10.0, 11.0, 15.0, 20.0, 18.0, 1.0],
            "synthetic": [True, True, False, True, True, True],
            "source": ["modell", "modell", "SCB", "modell", "modell", "modell"],
            "licence": [None, None, "CC0 1.0", None, None, None],
        }
    )


def groups() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "group": ["Staden", "Staden", "Programområdet"],
            "indicator_code": ["x", "x", "x"],
            "year": [2015, 2025, 2015],
            "value": [5.0, 6.0, 9.0],
            "synthetic": [True, None, True],
        }
    )


def test_year_spans_split_real_from_synthetic():
    assert trends.year_spans(values(), "x") == ("2025", "2015–2016, 2025")


def test_series_joins_stadsdelar_and_groups_with_a_status():
    data = trends.series(values(), groups(), "x", ["Rinkeby"], NAMES, ["Staden"])
    assert data.columns.tolist() == trends.COLUMNS + ["status"]
    assert data["serie"].tolist() == ["Rinkeby"] * 3 + ["Staden"] * 2
    assert data["synthetic"].tolist() == [True, True, False, True, True]  # no group status: synthetic
    assert data["status"].iloc[2] == "verkligt"
    assert (data.loc[data["serie"] == "Staden", "source"] == trends.GROUP_SOURCE).all()


def test_explanation_names_real_sources_and_the_model():
    data = trends.series(values(), groups(), "x", ["Rinkeby"], NAMES, ["Staden"])
    text = trends.explanation(data, "Andel.", True, "Socialstyrelsen")
    assert text.startswith("Andel. Här är lägre värden bättre. Fyllda punkter: 1 verkliga värden (2025). ")
    assert "Ringar: 4 syntetiska (modellerade) värden." in text
    assert text.endswith(" Verkliga värden: SCB · licens: CC0 1.0. Syntetiska värden: modellerade efter måttet från "
                         "Socialstyrelsen.")  # fmt: skip
    real = data[~data["synthetic"]]
    assert "Alla värden här är verkliga." in trends.explanation(real, "D.", False, "S")


def test_change_text_from_the_baseline_or_the_first_year():
    data = trends.series(values(), groups(), "x", ["Rinkeby", "Tensta"], NAMES, [])
    text = trends.change_text(data, ["Rinkeby", "Tensta"], 2015, 1)
    assert text == "Förändring 2015–2025: **Rinkeby**: 10,0 → 15,0 (+50 %) · **Tensta**: 20,0 → 18,0 (−10 %)"
    assert trends.change_text(data, ["Rinkeby"], 2012, 0).startswith("Förändring 2015–2025: **Rinkeby**: 10 → 15")
    one = data[data["year"] == 2025]
    assert trends.change_text(one, ["Rinkeby"], 2015, 1).startswith("Måttet finns bara för **2025**")
    two_years_no_pair = data[(data["serie"] == "Rinkeby") & (data["year"] != 2025)].assign(serie="Annan")
    assert trends.change_text(two_years_no_pair, ["Rinkeby"], 2015, 1) is None


def test_change_of_a_share_is_in_procentenheter():
    data = trends.series(values(), groups(), "x", ["Rinkeby", "Tensta"], NAMES, [])
    text = trends.change_text(data, ["Rinkeby", "Tensta"], 2015, 1, "% av befolkningen")
    assert text == (
        "Förändring 2015–2025: **Rinkeby**: 10,0 → 15,0 (+5,0 procentenheter) · "
        "**Tensta**: 20,0 → 18,0 (−2,0 procentenheter)"
    )


def test_wide_and_download():
    data = trends.series(values(), groups(), "x", ["Rinkeby"], NAMES, ["Staden"])
    wide, synthetic = trends.wide(data, ["Rinkeby", "Staden", "Programområdet"], 0)
    assert wide.columns.tolist() == ["2015", "2016", "2025"] and wide.index.name == "Serie"
    assert wide.loc["Rinkeby"].tolist() == [10.0, 11.0, 15.0]
    assert np.isnan(wide.loc["Programområdet", "2015"])
    assert not synthetic.loc["Rinkeby", "2025"]
    assert trends.download(data).columns.tolist() == ["Serie", "År", "Värde", "Källa", "Licens", "Status"]
