"""Unit levels and real data: aggregation by population, DeSO → stadsdel/RegSO, the derivation from the sources."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import ROOT, SHARED
from lib import index as ix
from lib import levels, real
from lib.aggregate import aggregate_units

DATA = ROOT / "data"


def long(rows: list[tuple[str, str, int, float]]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["area_code", "indicator_code", "year", "value"])


def test_aggregation_by_hand():
    """Two DeSO in one stadsdel: 100 people at 10 % and 300 at 30 % → 25 %; population is summed (400); a DeSO
    without a value counts in neither numerator nor weights; a DeSO without a parent is left out."""
    values = long(
        [
            ("d1", "lag", 2024, 10.0),
            ("d2", "lag", 2024, 30.0),
            ("d3", "lag", 2024, np.nan),
            ("d4", "lag", 2024, 99.0),
            ("d1", "befolkning", 2025, 100.0),
            ("d2", "befolkning", 2025, 300.0),
            ("d3", "befolkning", 2025, 600.0),
        ]
    )
    parent = pd.Series({"d1": "s", "d2": "s", "d3": "s"})
    weights = pd.Series({"d1": 100.0, "d2": 300.0, "d3": 600.0, "d4": 50.0})
    out = aggregate_units(values, parent, weights).set_index(["area_code", "indicator_code"])
    assert out.loc[("s", "lag"), "value"] == pytest.approx(25.0)
    assert out.loc[("s", "lag"), "units"] == 2
    assert out.loc[("s", "befolkning"), "value"] == 1000.0
    assert "d4" not in out.index.get_level_values(0)


@settings(max_examples=50, deadline=None)
@given(st.lists(st.tuples(st.floats(0, 100), st.floats(1, 5000)), min_size=1, max_size=12))
def test_aggregate_lies_between_its_parts(parts):
    values = long([(f"d{i}", "x", 2024, v) for i, (v, _) in enumerate(parts)])
    weights = pd.Series({f"d{i}": w for i, (_, w) in enumerate(parts)})
    parent = pd.Series("s", index=weights.index)
    got = aggregate_units(values, parent, weights)["value"].iloc[0]
    lo, hi = min(v for v, _ in parts), max(v for v, _ in parts)
    assert lo - 1e-9 <= got <= hi + 1e-9


def test_derived_files_are_what_the_sources_give(tmp_path):
    """`python -m lib.cli derive-real` reproduces the committed data files byte for byte."""
    if not (SHARED / "reference" / "real").is_dir():
        pytest.skip("../shared saknas")
    (tmp_path / "area.csv").write_bytes((DATA / "area.csv").read_bytes())
    rows = real.derive_all(SHARED, tmp_path)
    assert rows["deso.csv"] == 544
    for name in rows:
        assert (tmp_path / name).read_bytes() == (DATA / name).read_bytes(), name


def test_split_deso_2025_are_folded_into_their_2018_parent():
    """0180C1100 was split into 0180C1101 and 0180C1102 in 2025: its population is their sum and its shares lie
    between theirs."""
    raw = pd.read_csv(SHARED / "reference" / "real" / "deso2025_indikatorer_2024_2025.csv")
    parts = raw[raw["deso_2018_match"] == "0180C1100"]
    assert len(parts) == 2
    deso = pd.read_csv(DATA / "deso_value.csv").set_index(["unit_code", "indicator_code"])
    assert deso.loc[("0180C1100", "befolkning"), "value"] == parts["pop_2025"].sum()
    expected = np.average(parts["low_econ_standard_pct_2024"], weights=parts["pop_2025"])
    assert deso.loc[("0180C1100", "lag_ekonomisk_standard"), "value"] == pytest.approx(expected, abs=1e-3)
    assert "sammanslagna" in deso.loc[("0180C1100", "lag_ekonomisk_standard"), "source"]


def test_units_of_each_level(con):
    stadsdel, deso, regso = (levels.units(con, code) for code in ("stadsdel", "deso", "regso"))
    assert (len(stadsdel), len(deso), len(regso)) == (117, 544, 127)
    assert set(deso["area_code"]) <= set(stadsdel["code"])
    assert deso["regso"].notna().all() and deso["district"].notna().all()
    rinkeby = deso[deso["stadsdel"] == "Rinkeby"]
    assert len(rinkeby) >= 5 and rinkeby["in_programme"].all()
    with pytest.raises(ValueError, match="Okänd nivå"):
        levels.get("kommun")


def test_stadsdel_values_are_the_deso_values_aggregated(con):
    """Rinkeby's real låg ekonomisk standard 2024 is the population-weighted mean of the DeSO assigned to it."""
    deso_units = levels.units(con, "deso")
    deso = levels.values(con, "deso")
    codes = set(deso_units.loc[deso_units["area_code"] == "rinkeby", "code"])
    low = deso[(deso["indicator_code"] == "lag_ekonomisk_standard") & deso["area_code"].isin(codes)]
    pop = deso[(deso["indicator_code"] == "befolkning") & deso["area_code"].isin(codes)].set_index("area_code")
    expected = np.average(low["value"], weights=pop.loc[low["area_code"], "value"])
    stadsdel = levels.values(con, "stadsdel", real_only=True).set_index(["area_code", "indicator_code", "year"])
    row = stadsdel.loc[("rinkeby", "lag_ekonomisk_standard", 2024)]
    assert row["value"] == pytest.approx(expected, abs=1e-3)
    assert not row["synthetic"] and row["licence"] == "CC0 1.0"


def test_real_only_values_have_no_synthetic_row_and_real_shadows_model(con):
    from lib import db

    real_only = levels.values(con, "stadsdel", real_only=True)
    assert not real_only["synthetic"].any()
    assert {"befolkning", "forvarvsfrekvens", "lag_ekonomisk_standard"} <= set(real_only["indicator_code"])
    both = db.query(
        con,
        "SELECT v.value AS real, m.value AS model FROM value v JOIN model_value m USING (area_code, indicator_code, "
        "year) WHERE NOT v.synthetic AND v.indicator_code = 'forvarvsfrekvens' AND v.year = 2024",
    )
    assert len(both) >= 100  # the model's value for the same cell is kept next to the real one


def test_index_at_deso_and_real_only_uses_only_what_exists(con):
    """At DeSO (all real) health and safety have no indicators: they weigh nothing, and the index still ranks all
    544 areas on försörjning and sociala risker instead of failing the 65 % coverage rule."""
    from lib import db

    full = ix.Framework.from_meta(db.indicators(con), list(db.domains(con)["code"]))
    data, used = ix.build_index_data(levels.values(con, "deso"), levels.units(con, "deso"), full, 2025)
    assert set(used.indicator_domains) == {"forsorjning", "sociala_risker"}
    result = ix.compute_index(data, used, ix.IndexParams(year=2025, level="deso"))
    assert result.scores["rank"].notna().sum() == 544
    assert result.domain_weights[["halsa", "sakerhet_trygghet"]].sum() == 0
    assert result.scores["coverage"].between(0.2, 0.3).all()  # 5 of the catalogue's 20 index indicators
    assert levels.missing_domains(levels.values(con, "deso"), db.indicators(con), 2025) == [
        "halsa",
        "sakerhet_trygghet",
    ]
    top = result.scores.sort_values("rank").head(20)["area_code"]
    rinkeby_tensta = levels.units(con, "deso").set_index("code").loc[top, "stadsdel"]
    assert rinkeby_tensta.isin(["Rinkeby", "Tensta", "Husby", "Hjulsta", "Akalla", "Skärholmen"]).sum() >= 10


def test_2020_index_is_unchanged_by_indicators_that_start_in_2024(con):
    """The SCB indicators that exist only from 2024 do not reach a 2020 index (no coverage penalty either)."""
    from lib import db

    full = ix.Framework.from_meta(db.indicators(con), list(db.domains(con)["code"]))
    data, used = ix.build_index_data(db.values_long(con), db.areas(con), full, 2020)
    assert "lag_ekonomisk_standard" not in used.indicators and len(used.indicators) == 16
    scores = ix.compute_index(data, used, ix.IndexParams(year=2020)).scores
    assert scores["rank"].notna().sum() >= 100


def test_population_weights_come_from_the_nearest_year():
    values = long([("a", "befolkning", 2016, 10.0), ("a", "befolkning", 2025, 30.0), ("b", "befolkning", 2025, 5.0)])
    assert ix.nearest_population(values, 2024, ["a", "b", "c"]).tolist()[:2] == [30.0, 5.0]
    assert ix.nearest_population(values, 2017, ["a"]).tolist() == [10.0]
    assert np.isnan(ix.nearest_population(values, 2024, ["c"])[0])


def test_police_shares_are_named_by_regso_and_stadsdel(con):
    police = levels.police_shares(con)
    assert len(police) == 59
    assert police["regso"].notna().all() and police["stadsdel"].notna().all()
    assert {"Rinkeby", "Tensta", "Husby"} <= set(police["stadsdel"])
    assert set(police["klass"]) == {"utsatt område", "särskilt utsatt område"}
