"""Känslighetsanalys' words, tables, downloads and charts (`lib/sensitivity_texts.py`, `lib/charts/sensitivity.py`)
on small hand-made results: the sentences a planner reads, Swedish numbers, and marked downloads."""

from __future__ import annotations

import numpy as np
import pandas as pd

from lib import export
from lib import sensitivity_texts as texts
from lib.charts import locale
from lib.charts import sensitivity as charts

NAMES = {"a": "Rinkeby", "b": "Hägerstens", "c": "Husby"}
ASSUMPTIONS = ("normalisation", "aggregation", "area_weights", "indicator_set", "coverage")
LABELS = ("Normalisering", "Aggregering", "Områdesvikter", "Indikatorurval", "Täckningskrav")


def indices(st: list[float], s1: list[float] | None = None) -> pd.DataFrame:
    s1 = s1 if s1 is not None else [x / 2 for x in st]
    return pd.DataFrame(
        {"assumption": ASSUMPTIONS, "name": LABELS, "S1": s1, "S1_conf": 0.031, "ST": st, "ST_conf": 0.0449}
    )


def bands() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "area_code": ["b", "a", "c"],
            "nominal_rank": [2.0, 1.0, 3.0],
            "median_rank": [2.0, 1.0, 3.5],
            "p05": [1.0, 1.0, 2.0],
            "p95": [3.0, 1.0, 3.0],
            "best": [1.0, 1.0, 2.0],
            "worst": [3.0, 2.0, 3.0],
            "unranked_share": [0.0, 0.0, 0.125],
        }
    )


def per_unit() -> pd.DataFrame:
    rows = [(c, a, n, 0.1234, 0.5678) for c in ("a", "b") for a, n in zip(ASSUMPTIONS, LABELS, strict=True)]
    return pd.DataFrame(rows, columns=["area_code", "assumption", "name", "S1", "ST"])


def test_runs_and_settings_in_swedish():
    assert texts.run_count(1024, 5) == 7168
    assert texts.runs_label(1024, 5) == "7\u202f168 körningar"
    assert texts.runs_label(256, 5) == "1\u202f792 körningar"
    assert texts.settings_text(256, 42, 5) == "1\u202f792 körningar, slumpfrö 42"
    assert texts.index_text(0.6213) == "0,62"
    assert texts.genitive("Rinkeby") == "Rinkebys" and texts.genitive("Hägerstens") == "Hägerstens"


def test_overall_sentence_names_the_assumption_with_the_largest_total_index():
    sentence = texts.overall_sentence(indices([0.62, 0.1, 0.3, 0.2, 0.05]), 2.3456)
    assert sentence == (
        "I genomsnitt flyttar en stadsdel 2,3 platser; mest beror det på valet av normalisering (totalt index 0,62)."
    )
    assert "täckningskravet" in texts.overall_sentence(indices([0.1, 0.1, 0.1, 0.1, 0.7]), 1.0)
    assert "1,0 plats;" in texts.overall_sentence(indices([0.1, 0.1, 0.1, 0.1, 0.7]), 1.0)
    assert texts.overall_sentence(indices([0.0] * 5), 0.0).startswith("Ingen stadsdel byter plats")


def test_unit_sentence_says_what_the_rank_depends_on():
    sentence = texts.unit_sentence("Rinkeby", indices([0.62, 0.1, 0.3, 0.2, 0.05], [0.45, 0.0, 0.2, 0.1, 0.0]))
    assert sentence.startswith("Rinkebys plats beror främst på valet av normalisering (totalt index 0,62): ")
    assert "omkring 45 % av variationen" in sentence and "62 % när samspelet" in sentence
    alone = texts.unit_sentence("Husby", indices([0.1, 0.9, 0.1, 0.1, 0.1], [0.0, 0.01, 0.0, 0.0, 0.0]))
    assert alone.startswith("Husbys plats beror främst på valet av aggregering (totalt index 0,90)")
    assert "nästan inget av variationen" in alone
    assert texts.unit_sentence("Husby", indices([0.0] * 5)) == "Husbys plats ändras inte av något av antagandena."
    assert "inte ett index i alla körningar" in texts.unit_sentence("Husby", None)
    unsure = indices([0.91, 0.1, 0.84, 0.88, 0.0]).assign(ST_conf=0.65)
    assert texts.unit_sentence("Rinkeby", unsure).startswith(
        "Rinkebys plats ändras så sällan att indexen per antagande blir osäkra: mest pekar mot valet av "
        "normalisering (totalt index 0,91 ± 0,65)."
    )
    assert texts.unit_sentence("Husby", indices([np.nan] * 5)) == "Husbys plats ändras inte av något av antagandena."


def test_band_sentence():
    row = bands().set_index("area_code").loc["c"].to_dict()
    assert texts.band_sentence("Husby", row, 117) == (
        "Med indexets egna val har Husby plats 3 av 117. I 90 % av körningarna hamnar Husby mellan plats 2 och 3 "
        "(som högst plats 2, som lägst 3)."
    )
    still = bands().set_index("area_code").loc["a"].to_dict()
    assert "hamnar Rinkeby på plats 1 (som högst plats 1, som lägst 2)." in texts.band_sentence("Rinkeby", still, 3)


def test_band_table_and_chart_rows_follow_the_nominal_rank():
    frame = texts.band_frame(bands(), NAMES)
    assert list(frame.columns) == list(texts.BAND_COLUMNS.values())
    assert list(frame["Stadsdel"]) == ["Rinkeby", "Hägerstens", "Husby"]
    assert list(texts.band_frame(bands(), NAMES, ["c", "a"])["Stadsdel"]) == ["Rinkeby", "Husby"]
    rows = texts.band_rows(bands(), NAMES)
    assert list(rows.columns) == ["stadsdel", "plats", "median", "p05", "p95", "hogst", "lagst"]
    long = texts.index_rows(indices([0.62, 0.1, 0.3, 0.2, 0.05]))
    assert set(long["index"]) == set(texts.INDEX_KINDS) and len(long) == 10
    first = long.iloc[0]
    assert np.isclose(first["lag"], 0.31 - 0.031) and np.isclose(first["hog"], 0.31 + 0.031)


def test_downloads_are_prepared_rounded_and_marked_per_stadsdel():
    counts = {"a": 3, "b": 0, "c": 0}
    note = texts.settings_text(256, 42, 5)
    tables = texts.downloads(bands(), indices([0.62, 0.1, 0.3, 0.2, 0.05]), per_unit(), NAMES, counts, note)
    assert set(tables) == {"platser", "index", "index_per_stadsdel"}
    for frame in tables.values():
        assert export.is_prepared(frame)
        assert list(frame.columns[-2:]) == [export.MARK, export.SOURCE]
        assert frame[export.SOURCE].str.contains("SALib, 1\u202f792 körningar, slumpfrö 42").all()
    platser = tables["platser"].set_index("Stadsdel")
    assert platser.loc["Rinkeby", export.MARK] == export.SYNTHETIC and platser.loc["Husby", export.MARK] == export.REAL
    assert set(tables["index"][export.MARK]) == {export.SYNTHETIC}
    assert tables["index"]["Totalindex ±"].iloc[0] == 0.045
    unit = tables["index_per_stadsdel"]
    assert unit["Förstagradsindex"].iloc[0] == 0.123 and set(unit["Stadsdel"]) == {"Rinkeby", "Hägerstens"}
    real = texts.downloads(bands(), indices([0.1] * 5), per_unit(), NAMES, dict.fromkeys("abc", 0), note)
    assert set(real["index"][export.MARK]) == {export.REAL}
    assert texts.marking({"a": None}, ["a", "z"]) == [export.SYNTHETIC, export.SYNTHETIC]


def test_charts_carry_the_swedish_locale_and_formats():
    bands_spec = charts.rank_bands(["Rinkeby", "Hägerstens", "Husby"], 117)
    assert bands_spec["config"]["locale"] == locale.LOCALE
    assert bands_spec["config"]["locale"]["number"]["decimal"] == ","
    assert bands_spec["encoding"]["y"]["sort"] == ["Rinkeby", "Hägerstens", "Husby"]
    x = bands_spec["layer"][0]["encoding"]["x"]
    assert x["scale"]["domain"] == [1, 117] and x["title"] == "Plats (1 = högst risk)"
    assert [layer["mark"]["type"] for layer in bands_spec["layer"]] == ["rule", "bar", "point"]
    bars = charts.index_bars(list(LABELS))
    assert bars["config"]["locale"] == locale.LOCALE
    assert bars["encoding"]["y"]["sort"] == list(LABELS)
    assert bars["layer"][0]["encoding"]["color"]["scale"]["domain"] == ["Förstagradsindex", "Totalindex"]
    formats = {t["field"]: t.get("format") for t in bars["encoding"]["tooltip"]}
    assert formats["varde"] == ".2f" and formats["lag"] == ".2f"
    assert bars["layer"][1]["encoding"]["x2"] == {"field": "hog"}


def test_negative_estimates_are_shown_as_zero():
    shown = texts.clipped(indices([0.62, -0.01, 0.3, 0.2, 0.05], [-0.004, 0.0, 0.2, 0.1, 0.0]))
    assert shown["S1"].min() == 0 and shown["ST"].min() == 0 and shown["ST"].iloc[0] == 0.62


def test_a_stored_analysis_is_said_in_words_or_not_at_all():
    overall = indices([0.49, 0.03, 0.45, 0.31, 0.0])
    stored = {"samples": 1024, "seed": 2015, "mean_shift": 3.0, "overall": overall.to_dict("records")}
    said = texts.stored_sentence(stored)
    assert said is not None
    assert said.startswith("Sparad med en känslighetsanalys (7\u202f168 körningar, slumpfrö 2015): ")
    assert "I genomsnitt flyttar en stadsdel 3,0 platser; mest beror det på valet av normalisering" in said
    assert texts.stored_sentence({"samples": "x"}) is None and texts.stored_sentence({}) is None
