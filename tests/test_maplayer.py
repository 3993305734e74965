"""The Karta page's numbers and texts (`lib.maplayer`), from small hand-made tables."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from lib import maplayer

CODES = pd.Index(["a", "b", "c", "d"], name="code")


def present() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "area_code": ["a", "b", "c", "a", "b"],
            "indicator_code": ["x", "x", "x", "y", "y"],
            "year": [2024, 2024, 2024, 2023, 2024],
            "value": [10.0, 20.0, 30.0, 1.0, 2.0],
            "synthetic": [False, True, False, False, True],
            "source": ["SCB, per DeSO", "syntetisk", "Stockholms stad", "SCB", "syntetisk"],
        }
    )


def meta(**over) -> pd.Series:
    row = {"unit": "%", "decimals": 1, "higher_is_worse": True, "source": "SCB", "definition": "Andel."} | over
    return pd.Series(row, name="x")


def indicator(context: bool = False, only_real: bool = False, **over) -> maplayer.LayerValues:
    return maplayer.indicator_layer(
        CODES, present(), meta(**over), 2024, context=context, only_real=only_real, weights=np.ones(4)
    )


def test_indicator_layer_says_real_synthetic_or_missing_per_unit():
    layer = indicator()
    assert layer.values.tolist()[:3] == [10.0, 20.0, 30.0] and np.isnan(layer.values["d"])
    assert layer.status.tolist() == [
        "verkligt värde (SCB 2024)",
        "syntetiskt värde",
        "verkligt värde (Stockholms stad 2024)",
        "inget värde",
    ]
    assert indicator(only_real=True).status["d"] == maplayer.NO_REAL
    assert layer.value_text(12.34) == "12,3 %" and layer.value_line == "{v} %"
    assert layer.source_line == "Källa: SCB. Andel."
    assert layer.synthetic.tolist() == [False, True, False, False]
    assert layer.ratio.notna().sum() == 3  # relative to the city, for fixed classes


def test_a_context_measure_is_ranked_by_value_whatever_its_direction():
    layer = indicator(context=True, higher_is_worse=False)
    assert layer.worse_high and layer.context
    assert list(maplayer.ranking(layer, layer.values, True).order.index) == ["c", "b", "a"]
    assert list(maplayer.ranking(indicator(higher_is_worse=False), layer.values, True).order.index) == ["a", "b", "c"]


def index_layer(method: str = "ref100", method_text: str = "Index, 100 = jämförelsegruppen") -> maplayer.LayerValues:
    scores = pd.DataFrame(
        {"composite": [150.0, 90.0, 110.0], "domain_h": [1.0, 2.0, 3.0], "coverage": [1.0, 0.5, 0.75]},
        index=["a", "b", "c"],
    )
    used = maplayer.latest_used(present(), ["x", "y"], 2024)
    how = maplayer.IndexMethod(method, method_text, "Aritmetiskt medel", "alla")
    return maplayer.index_layer(CODES, scores, "composite", used, how, only_real=False)


def test_index_layer_counts_synthetic_values_per_unit():
    layer = index_layer()
    assert layer.status.tolist() == [
        "verkliga värden (SCB 2023–2024, Stockholms stad 2024)",
        "syntetiska värden",
        "verkliga värden (SCB 2023–2024, Stockholms stad 2024)",
        "inget värde",
    ]
    assert layer.value_text(150) == "index 150,0" and layer.value_line == "index {v}"
    assert layer.ratio.equals(layer.values)
    assert "jämförelsegrupp alla" in layer.source_line
    z = index_layer("z", "Z-poäng")
    assert z.unit == "z-poäng" and z.value_line == "{v} (z-poäng)"
    assert z.ratio.isna().all() and z.value_text(1.5) == "1,5 (z-poäng)"


def test_partly_synthetic_index_values_are_counted():
    used = pd.DataFrame({"area_code": ["a", "a"], "synthetic": [True, False], "year": [2024, 2024], "source": "SCB"})
    status = maplayer.index_status(pd.Index(["a"]), pd.Series({"a": 1.0}), used, only_real=False)
    assert status["a"] == "1 av 2 värden syntetiska"


def test_fixed_classes_need_a_ratio():
    assert maplayer.usable_scheme("fixed", index_layer()) == "fixed"
    assert maplayer.usable_scheme("fixed", index_layer("z")) == "quantiles"
    assert maplayer.usable_scheme("quantiles", index_layer("z")) == "quantiles"


@pytest.mark.parametrize("scheme", ["quantiles", "fixed"])
def test_classes_give_every_shown_unit_a_step_and_a_legend(scheme):
    layer = index_layer()
    shown = layer.values.dropna()
    classes = maplayer.classes(layer, shown, scheme)
    assert set(classes.step_of) == set(shown.index)
    assert len(classes.legend) == classes.cls.k
    assert classes.legend_unit == ("i förhållande till staden (100)" if scheme == "fixed" else layer.unit)


def test_context_classes_use_the_neutral_palette_in_the_legend():
    from lib import classify

    layer = indicator(context=True)
    classes = maplayer.classes(layer, layer.values.dropna(), "quantiles")
    assert set(classes.legend["colour"]) <= set(classify.neutral_palette(classes.cls.k))


def test_ranking_texts_and_the_top_line():
    layer = index_layer()
    ranked = maplayer.ranking(layer, layer.values, in_programme=False)
    assert ranked.rank_text["a"] == "plats 1 av 3 i hela staden"  # the denominator named (lib.ranks)
    assert maplayer.ranking(layer, layer.values, in_programme=True).rank_text["a"] == "plats 1 av 3 i programmet"
    assert ranked.cover_text["b"] == "täckning 50 %"
    names = {"a": "Rinkeby", "b": "Bromma", "c": "Tensta", "d": "Östermalm"}
    assert maplayer.top_line(ranked, names, 1, 2025, at_deso=False, context=False) == (
        "**Högst risk 2025:** Rinkeby (150,0), Tensta (110,0), Bromma (90,0)."
    )
    assert maplayer.top_line(ranked, names, 0, 2025, at_deso=True, context=True).startswith(
        "**Högst värde 2025:** Rinkeby: 150; Tensta: 110"
    )
    empty = maplayer.ranking(layer, layer.values.iloc[3:], in_programme=True)
    assert maplayer.top_line(empty, names, 1, 2025, at_deso=False, context=False) == ""


def test_tooltip_texts_notes_and_outlines():
    from lib.mapview import ENTERING_RGBA, LEAVING_RGBA, SELECTED_RGBA

    layer = index_layer()
    ranked = maplayer.ranking(layer, layer.values, in_programme=True)
    texts = maplayer.stadsdel_value_texts(layer, ranked.cover_text)
    assert texts["a"] == "index 150,0 · täckning 100 %" and "d" not in texts
    police = pd.DataFrame({"area_code": ["a", "a"], "code": ["p1", "p2"], "severe": [False, True]})
    notes = maplayer.stadsdel_notes(layer.status, police)
    assert notes["a"].endswith("· Polisen 2025: 2 DeSO i särskilt utsatt område") and notes["b"] == "syntetiska värden"
    assert maplayer.deso_value_line(layer, {"a": "täckning 50 %"}) == "index {v} · täckning 50 %"
    assert maplayer.deso_value_line(layer, ranked.cover_text) == "index {v}"
    assert maplayer.deso_status(pd.Series(["x", "x"])) == "x"
    assert maplayer.deso_status(pd.Series(["x", "y"])) == "verkliga värden (SCB)"
    pick = {"entering": ["a"], "leaving": ["b"]}
    assert maplayer.outlines(pick, True, "c") == {"a": ENTERING_RGBA, "b": LEAVING_RGBA, "c": SELECTED_RGBA}
    assert maplayer.outlines(pick, False, None) == {}
    assert maplayer.shift_line({"entering": [], "leaving": ["b"]}, {"b": "Bromma"}) == (
        "**Skulle komma in:** inga · **skulle falla ut:** Bromma."
    )


def test_legend_caption_says_context_is_not_risk():
    assert maplayer.legend_caption(indicator(context=True), "quantiles", "DeSO", False).startswith(
        "Sammanhang, inte en risk"
    )
    risk = maplayer.legend_caption(indicator(higher_is_worse=False), "quantiles", "DeSO", True)
    assert risk.startswith("Lägre värde = högre risk") and maplayer.NO_REAL in risk


def test_layer_options_separate_domains_risks_and_context():
    inds = pd.DataFrame(
        {
            "code": ["x", "y", "z", "w"],
            "name": ["Ohälsa", "Bistånd", "Bakgrund", "Tom"],
            "domain": ["h", "f", "ctx", "h"],
        }
    )
    doms = pd.DataFrame({"code": ["h", "f", "s"], "name": ["Hälsa", "Försörjning", "Säkerhet"]})
    domain_label, ind_code, context = maplayer.layer_options(inds, doms, {"x", "y", "z"}, "ctx")
    assert domain_label == {"Område: Hälsa": "h", "Område: Försörjning": "f"}
    assert ind_code == {"Ohälsa": "x", "Bistånd": "y", "Sammanhang: Bakgrund": "z"}
    assert context == {"z"}


def test_table_has_the_maps_figures_riskiest_first():
    layer = index_layer()
    ranked = maplayer.ranking(layer, layer.values, in_programme=False)
    classes = maplayer.classes(layer, layer.values, "quantiles")
    units = pd.DataFrame(
        {"name": ["A", "B", "C", "D"], "district": ["d1", "d1", "d2", "d2"], "stadsdel": ["A", "B", "C", "D"]},
        index=CODES,
    )
    police = pd.DataFrame({"area_code": ["a"], "code": ["p1"], "severe": [True], "text": ["Polisen 2025: x"]})
    table = maplayer.table(layer, ranked, classes.step_of, units, "Stadsdel", 2025, police, at_deso=False)
    assert table["Stadsdel"].tolist() == ["A", "C", "B"] and table["Plats"].tolist() == [1, 2, 3]
    assert table["Täckning"].tolist() == ["100 %", "75 %", "50 %"]
    assert table["Polisen 2025"].tolist() == ["1 DeSO på listan", "–", "–"]
    assert (table["År"] == 2025).all() and "Riskklass (1 = lägst)" in table.columns


def test_real_values_markdown_lists_each_value_with_its_source():
    inds = pd.DataFrame({"code": ["x", "y"], "name": ["Ohälsa", "Bistånd"], "unit": ["dagar", "%"], "decimals": [1, 0]})
    own = pd.DataFrame({"indicator_code": ["y", "x"], "year": [2024, 2025], "value": [2.4, 3.31], "source": "SCB"})
    text = maplayer.real_values_markdown("Rinkeby (0180C6070)", own, inds)
    assert text.splitlines()[0] == "**Verkliga värden för Rinkeby (0180C6070)**"
    assert text.splitlines()[-2:] == ["| Ohälsa | 3,3 | dagar | SCB\u00a02025 |", "| Bistånd | 2 | % | SCB\u00a02024 |"]
