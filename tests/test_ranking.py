"""The Index page's tables and sentences (lib/ranking.py): shares of the area weights, the change against the
standard weights, the ranking table and its export, tooltips and the captions about the values."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from lib import ranking

NAMES = {
    "sociala": "Sociala risker",
    "halsa": "Hälsa",
    "trygghet": "Säkerhet och trygghet",
    "forsorjning": "Försörjning",
}
DEFAULTS = dict.fromkeys(NAMES, 5)


def test_change_label():
    assert ranking.change_label(3.0) == "▲ 3"
    assert ranking.change_label(-2.0) == "▼ 2"
    assert ranking.change_label(0.0) == "–"
    assert ranking.change_label(float("nan")) == "–"


def test_percent_has_a_decimal_comma():
    assert ranking.percent(0.25) == "25,0 %"
    assert ranking.percent(0.123, 0) == "12 %"


def test_area_shares_give_a_missing_area_no_weight():
    shares = ranking.domain_shares({"sociala": 10, "halsa": 5, "trygghet": 5, "forsorjning": 0}, DEFAULTS, ["halsa"])
    assert not shares.fell_back
    assert shares.used == {"sociala": 10, "halsa": 0, "trygghet": 5, "forsorjning": 0}
    assert shares.share("sociala") == pytest.approx(2 / 3)
    expected = (("forsorjning", 0.0), ("halsa", 5.0), ("sociala", 10.0), ("trygghet", 5.0))
    assert ranking.domain_weights(shares) == expected
    caption = ranking.share_caption(NAMES, shares, ["halsa"])
    assert caption == (
        "Sociala risker **67\u00a0%** · Hälsa (saknas) · Säkerhet och trygghet **33\u00a0%** · Försörjning **0\u00a0%**"
    )
    assert sum(shares.share(c) for c in NAMES) == pytest.approx(1)


def test_area_shares_fall_back_to_the_standard_weights_when_all_are_zero():
    ratings = {"sociala": 0, "halsa": 7, "trygghet": 0, "forsorjning": 0}
    shares = ranking.domain_shares(ratings, DEFAULTS, ["halsa"])  # the only weighted area has no data
    assert shares.fell_back
    assert shares.used == {"sociala": 5, "halsa": 0, "trygghet": 5, "forsorjning": 5}
    assert shares.ratings == {"sociala": 5, "halsa": 7, "trygghet": 5, "forsorjning": 5}  # a disabled slider keeps
    assert shares.total == 15


def scores(ranks: list[float], **extra) -> pd.DataFrame:
    codes = [f"u{i}" for i in range(len(ranks))]
    return pd.DataFrame({"area_code": codes, "rank": ranks, "composite": [100.0 - (r or 0) for r in ranks], **extra})


def test_ranking_with_change_drops_the_unranked_and_sorts():
    table = ranking.ranking_with_change(scores([2, 1, np.nan, 3]), scores([1, 2, np.nan, 3]))
    assert list(table["area_code"]) == ["u1", "u0", "u3"]
    assert list(table["delta"]) == [1, -1, 0]
    assert [ranking.change_label(d) for d in table["delta"]] == ["▲ 1", "▼ 1", "–"]


def test_ranking_heading():
    assert ranking.ranking_heading(2016, "stadsdel", "programme", "Programmet (22)") == (
        "Rangordning 2016 – programmet (22)"
    )
    assert ranking.ranking_heading(2025, "deso", "all", "Hela staden (117)") == "Rangordning 2025 – DeSO i hela staden"


def robust_table(n: int = 30) -> pd.DataFrame:
    ranks = np.arange(1, n + 1, dtype=float)
    return pd.DataFrame(
        {
            "area_code": [f"u{i}" for i in range(n)],
            "rank": ranks,
            "share_top_5": np.where(ranks <= 5, np.linspace(0.9, 0.5, n), 0.0),
            "rank_p05": ranks,
            "rank_p95": ranks + np.where(ranks == 7, 10, 1),
        }
    )


def test_stability_sentence_names_the_top_five_and_the_most_uncertain():
    table = robust_table()
    labels = {c: c.upper() for c in table["area_code"]}
    text = ranking.stability_sentence(table, 1000, labels)
    assert text.startswith("De fem med högst risk – U0, U1, U2, U3, U4 – ligger kvar")
    assert f"minst **{round(100 * table['share_top_5'].iloc[4])} %**" in text
    assert "1\u202f000 slumpade viktningar" in text
    assert "Mest osäker bland de 25 första är **U6**, som hamnar mellan plats 7 och 17" in text


def ranking_rows() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "area_code": ["a", "b"],
            "rank": [1.0, 2.0],
            "delta": [0.0, 2.0],
            "composite": [150.04, 120.0],
            "coverage": [1.0, 0.25],
            "rank_p05": [1.0, 2.0],
            "rank_p95": [2.0, 5.0],
            "share_top_22": [1.0, 0.5],
            "flag_count": [3.0, 0.0],
        }
    )


def test_ranking_frame_and_export():
    units = pd.DataFrame(
        {"name": ["A-DeSO", "B-DeSO"], "stadsdel": ["A", "B"], "district": ["X", "Y"], "in_programme": [1, 0]},
        index=["a", "b"],
    )
    origin = pd.DataFrame({"synthetic": [16], "used": [20]}, index=["a"])
    view = ranking.ranking_frame(ranking_rows(), units, {"a": "Alfa", "b": "Beta"}, origin, deso=False)
    assert list(view.columns) == [
        *["Plats", "Ändring", "Stadsdel", "Område", "Index", "Täckning", "Syntetiska", "90 %-spann"],
        *["Topp 22", "Flaggor", "Urval"],
    ]
    assert list(view["Stadsdel"]) == ["Alfa", "Beta"]
    assert list(view["Ändring"]) == ["–", "▲ 2"]
    assert list(view["Täckning"]) == ["100,0 %", "25,0 %"]
    assert list(view["Syntetiska"]) == ["16 av 20", "–"]
    assert list(view["90 %-spann"]) == ["1–2", "2–5"]
    assert list(view["Urval"]) == [True, False] and list(view["Index"]) == [150.0, 120.0]
    deso = ranking.ranking_frame(ranking_rows(), units, {}, origin, deso=True)
    assert list(deso["DeSO"]) == ["A-DeSO", "B-DeSO"] and list(deso["Stadsdel"]) == ["A", "B"]
    export = ranking.ranking_export(view, ranking_rows()["coverage"])
    assert "Täckning" not in export and list(export["Täckning (%)"]) == [100.0, 25.0]
    shown = ranking.shown_columns(False)
    assert ranking.hidden_columns_caption(list(view.columns), shown) == (
        "Fler kolumner (område, topp 22, flaggor) finns i tabellens kolumnmeny och i exporten."
    )
    assert "DeSO" in ranking.shown_columns(True) and "Urval" not in ranking.shown_columns(True)


def test_band_rows_label_a_deso_code_first():
    table = robust_table(30).assign(rank_best=1.0, rank_worst=40.0, rank_median=3.0)
    rows, x_max = ranking.band_rows(table, {c: c for c in table["area_code"]})
    assert len(rows) == ranking.TABLE_ROWS and x_max == 41.0
    regso = pd.Series({"u0": "Rinkeby"})
    rows, _ = ranking.band_rows(table, {}, regso)
    assert rows["stadsdel"].iloc[0] == "u0 Rinkeby" and rows["stadsdel"].iloc[1] == "u1"


def test_effective_weight_frame_names_indicator_and_area():
    eff = pd.Series([0.6, 0.4], index=["i1", "i2"], name="effective_weight")
    inds = pd.DataFrame({"code": ["i1", "i2"], "name": ["Ett", "Två"], "domain": ["halsa", "sociala"]})
    frame = ranking.effective_weight_frame(eff, inds, NAMES)
    assert frame.to_dict("list") == {
        "indikator": ["Ett", "Två"],
        "område": ["Hälsa", "Sociala risker"],
        "effective_weight": [0.6, 0.4],
    }


def test_leave_one_out_sentence_names_the_indicator_that_moves_most():
    loo = pd.DataFrame({"i1": [1.0, -1.0, 50.0], "i2": [3.0, -2.0, 0.0]}, index=["a", "b", "c"])
    text = ranking.leave_one_out_sentence(loo, pd.Series(["a", "b"]), {"i1": "Ett", "i2": "Ohälsotal"}, "stadsdel")
    assert text == "Tas **ohälsotal** bort flyttar stadsdelarna i snitt 2,5 platser – mer än någon annan indikator."


def test_map_notes_and_rank_texts():
    origin = pd.DataFrame({"area_code": ["a", "b", "c"], "synthetic": [0, 5, 2], "used": [5, 5, 5]})
    assert ranking.map_notes(origin) == {
        "a": "verkliga värden",
        "b": "syntetiska värden",
        "c": "2 av 5 värden syntetiska",
    }
    table = ranking_rows()
    assert ranking.rank_texts(table) == {"a": "plats 1 av 2", "b": "plats 2 av 2 · ▲ 2 mot standardvikterna"}


def test_values_caption_says_what_the_values_are():
    origin = pd.DataFrame({"area_code": ["a", "b", "c"], "synthetic": [0, 5, 2], "used": [5, 5, 5]})
    assert ranking.values_caption("deso", False, origin, True).startswith("Alla värden är verkliga")
    assert ranking.values_caption("stadsdel", True, origin, True).startswith("Endast verkliga värden")
    mixed = ranking.values_caption("stadsdel", False, origin, True)
    assert mixed.startswith(":orange[Syntetiska värden] – 2 av 3 stadsdelars index") and "*Syntetiska*" in mixed
    assert "*Syntetiska*" not in ranking.values_caption("stadsdel", False, origin, False)


def test_unranked_caption_lists_at_most_sixteen():
    codes = [f"u{i:02d}" for i in range(20)]
    frame = pd.DataFrame({"area_code": codes, "incomplete": True, "in_universe": [True] * 18 + [False] * 2})
    labels = {c: c.upper() for c in codes}
    text = ranking.unranked_caption(frame, "deso", False, labels)
    assert text.startswith("18 DeSO-områden saknar värden och rangordnas inte (SCB redovisar inte alla värden")
    assert text.endswith("U15 ….")
    assert "små stadsdelar utan eget DeSO-område" in ranking.unranked_caption(frame, "stadsdel", True, labels)
    assert "färre än 1 000 invånare" in ranking.unranked_caption(frame, "stadsdel", False, labels)
    assert ranking.unranked_caption(frame.assign(incomplete=False), "stadsdel", False, labels) is None


def test_dominance_text_names_few_and_counts_many():
    labels = {f"u{i}": f"U{i}" for i in range(12)}
    names = {"i1": "Ohälsotal", "i2": "Två"}
    table = pd.DataFrame(
        {"area_code": list(labels), "dominance": [True, True] + [False] * 10, "dominant_indicator": "i1"}
    )
    assert ranking.dominance_text(table, labels, names, "stadsdel") == (
        "En enda indikator står för mer än halva indexet i: U0 (Ohälsotal), U1 (Ohälsotal)"
    )
    many = table.assign(dominance=True, dominant_indicator=["i1"] * 7 + ["i2"] * 5)
    assert ranking.dominance_text(many, labels, names, "stadsdel") == (
        "En enda indikator står för mer än halva indexet i 12 av 12 stadsdelar – i 7 av dem ohälsotal. Med få "
        "indikatorer per område väger varje indikator tungt."
    )
    assert ranking.dominance_text(table.assign(dominance=False), labels, names, "stadsdel") is None


def test_programme_selection_compares_with_the_programmes_list():
    scores = pd.DataFrame({"area_code": ["a", "b", "c"], "composite": [3.0, 2.0, 1.0], "incomplete": False})
    areas = pd.DataFrame(
        {"code": ["a", "b", "c"], "outer_city": [True, False, True], "in_programme": [False, True, True]}
    )
    pick = ranking.programme_selection(scores, areas)
    assert pick["entering"] == ["a"] and pick["leaving"] == ["b"] and pick["kept"] == ["c"]


def test_selection_caveat_counts_a_typical_stadsdel():
    origin = pd.DataFrame({"synthetic": [14, 15, 16], "used": [20, 20, 19]})
    assert "(15 av 20 för en typisk stadsdel 2025)" in ranking.selection_caveat(origin, 2025)
    assert "(0 av 0 för en typisk stadsdel 2025)" in ranking.selection_caveat(origin.head(0), 2025)


def test_validation_texts_and_export():
    row = pd.Series({"Indexklass": "2 (10 RegSO)", "Typ 1": 1, "Typ 2": 8}, name=1)
    assert ranking.diagonal_style(row) == ["", "", ranking.DIAGONAL_STYLE]
    assert ranking.validation_intro(2025, 127, 2022).endswith("mot SCB:s indelning 2022.")
    assert "23 % av RegSO hamnar i en annan klass" in ranking.validation_notes(0.77)
    table = pd.DataFrame(
        {
            "regso_code": ["r1"],
            "regso": ["Rinkeby"],
            "composite": [123.456],
            "rank": [1],
            "index_class": [1],
            "omradestyp": [1],
            "difference": [0],
        }
    )
    export = ranking.validation_export(table, pd.Series({"r1": "Rinkeby"}))
    assert set(export.columns) == set(ranking.VALIDATION_EXPORT_COLUMNS.values())
    assert export["Index"].iloc[0] == 123.5 and export["Stadsdel"].iloc[0] == "Rinkeby"
