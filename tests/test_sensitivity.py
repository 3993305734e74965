"""The uncertainty and sensitivity analysis: SALib's estimators through our wrapper on a function with known
indices, each run equal to the index with that run's setting, reproducibility, bands, and assumptions that
cannot matter getting a total index of 0."""

from __future__ import annotations

import json
from dataclasses import replace

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from SALib.test_functions import Ishigami

from lib import index as ix
from lib.index import sampling, sensitivity
from lib.index.robustness import _draw_domain_weights

# Ishigami (a = 7, b = 0.1): the analytic first-order and total indices.
ISHIGAMI_S1 = (0.3139, 0.4424, 0.0)
ISHIGAMI_ST = (0.5576, 0.4424, 0.2437)
ISHIGAMI = {"num_vars": 3, "names": ["x1", "x2", "x3"], "bounds": [[-np.pi, np.pi]] * 3}


@pytest.fixture(scope="module")
def ishigami_y():
    return Ishigami.evaluate(sampling.sample(ISHIGAMI, 4096, seed=11))


def test_sobol_indices_recover_ishigami(ishigami_y):
    found = sampling.sobol_indices(ISHIGAMI, ishigami_y, seed=3)
    assert list(found.index) == ["x1", "x2", "x3"]
    np.testing.assert_allclose(found["S1"], ISHIGAMI_S1, atol=0.04)
    np.testing.assert_allclose(found["ST"], ISHIGAMI_ST, atol=0.04)
    assert (found[["S1_conf", "ST_conf"]] > 0).all().all()
    # the 95 % intervals are about the estimator's own noise: the truth lies within a few half-widths
    assert (np.abs(found["ST"] - ISHIGAMI_ST) <= 3 * found["ST_conf"] + 0.01).all()


def test_sobol_columns_recover_ishigami_for_every_output(ishigami_y):
    """The per-unit path: many outputs at once, each centred and scaled, so an affine copy has the same indices."""
    y = np.column_stack([ishigami_y, 3 * ishigami_y + 40, np.full(len(ishigami_y), 5.0)])
    s1, st = sampling.sobol_columns(ISHIGAMI, y)
    for col in (0, 1):
        np.testing.assert_allclose(s1[:, col], ISHIGAMI_S1, atol=0.04)
        np.testing.assert_allclose(st[:, col], ISHIGAMI_ST, atol=0.04)
    np.testing.assert_allclose(s1[:, 0], s1[:, 1], atol=1e-9)
    assert (s1[:, 2] == 0).all() and (st[:, 2] == 0).all()  # a constant output: nothing to share out


def test_a_constant_output_has_indices_of_zero():
    problem = sampling.sensitivity_problem(2)
    found = sampling.sobol_indices(problem, np.full(256 * 7, 3.0), seed=0)
    assert list(found.index) == list(ix.ASSUMPTIONS)
    assert (found.to_numpy() == 0).all()


# --- settings ------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kwargs", "words"),
    [
        ({"samples": 1000}, "stickprov"),
        ({"samples": 0}, "stickprov"),
        ({"samples": 1024.0}, "stickprov"),
        ({"seed": -1}, "Fröet"),
        ({"seed": 2**31}, "Fröet"),
        ({"seed": 1.5}, "Fröet"),
        ({"seed": True}, "Fröet"),
        ({"seed": "7"}, "Fröet"),
    ],
)
def test_settings_refuse_bad_values_in_swedish(kwargs, words):
    with pytest.raises(ValueError, match=words):
        ix.SensitivitySettings(**kwargs)


def test_settings_round_trip_and_run_count():
    s = ix.SensitivitySettings(samples=2048, seed=0)
    assert ix.SensitivitySettings.from_dict(s.to_dict()) == s
    assert ix.SensitivitySettings.from_dict({}) == ix.SensitivitySettings()
    assert ix.SensitivitySettings().runs == 1024 * 7 == 7168
    with pytest.raises(ValueError, match="stickprov"):
        ix.SensitivitySettings.from_dict({"samples": "många"})


# --- small fixtures ------------------------------------------------------------------------------------------------


def fixture_data(n: int, domains: tuple[str, ...], per_domain: int, seed: int = 5, gaps: float = 0.0):
    """n units with lognormal values, `per_domain` indicators in each of `domains`, some high-is-worse."""
    rng = np.random.default_rng(seed)
    inds = tuple(f"i{k}_{j}" for k in range(len(domains)) for j in range(per_domain))
    fw = ix.Framework(
        inds,
        tuple(d for d in domains for _ in range(per_domain)),
        tuple(j % 3 != 2 for j in range(len(inds))),
        domains,
    )
    x = np.exp(1 + 0.5 * rng.normal(size=(n, 1)) + 0.4 * rng.normal(size=(n, len(inds))))
    x[rng.random(x.shape) < gaps] = np.nan
    data = ix.IndexData(tuple(f"u{i:02d}" for i in range(n)), x, rng.integers(500, 3000, n).astype(float))
    return data, fw


SMALL = ix.SensitivitySettings(samples=256, seed=7)


@pytest.mark.parametrize(
    ("domains", "per_domain", "silent"),
    [
        (("a", "b"), 1, "coverage"),  # no gaps: every unit meets any coverage threshold
        (("a",), 2, "area_weights"),  # one area: its weight is always the whole
    ],
)
def test_an_assumption_that_cannot_matter_has_indices_of_zero(domains, per_domain, silent):
    data, fw = fixture_data(40, domains, per_domain)
    result = ix.run_sensitivity(data, fw, ix.IndexParams(), SMALL)
    row = result.overall.set_index("assumption").loc[silent]
    assert abs(row["S1"]) < 1e-9 and abs(row["ST"]) < 1e-9
    assert result.overall.set_index("assumption")["ST"].max() > 0.05  # something else does move the ranks
    per_unit = result.per_unit[result.per_unit["assumption"] == silent]
    assert np.allclose(per_unit[["S1", "ST"]], 0, atol=1e-9)


def test_seed_reproduces_and_another_seed_draws_another_sample():
    data, fw = fixture_data(30, ("a", "b", "c"), 2, gaps=0.05)
    params = ix.IndexParams()
    one = ix.run_sensitivity(data, fw, params, SMALL)
    again = ix.run_sensitivity(data, fw, params, SMALL)
    np.testing.assert_array_equal(one.ranks, again.ranks)
    pd.testing.assert_frame_equal(one.overall, again.overall)
    pd.testing.assert_frame_equal(one.bands, again.bands)
    pd.testing.assert_frame_equal(one.per_unit, again.per_unit)
    other = ix.run_sensitivity(data, fw, params, ix.SensitivitySettings(samples=256, seed=8))
    problem = sampling.sensitivity_problem(3)
    assert not np.array_equal(sampling.sample(problem, 256, 7), sampling.sample(problem, 256, 8))
    assert not np.array_equal(one.ranks, other.ranks, equal_nan=True)
    assert one.runs == len(one.ranks) == 256 * 7


def test_all_zero_weights_raise_before_any_work(monkeypatch):
    data, fw = fixture_data(10, ("a", "b"), 1)
    called = []
    monkeypatch.setattr(sensitivity, "sample", lambda *a, **k: called.append("sample"))
    zero = ix.IndexParams().with_weights({"a": 0.0, "b": 0.0})
    with pytest.raises(ix.WeightsError, match="större än noll"):
        ix.run_sensitivity(data, fw, zero, SMALL, progress=lambda f, t: called.append(t))
    assert called == []


def test_progress_goes_from_zero_to_one_in_swedish():
    data, fw = fixture_data(20, ("a", "b"), 2)
    seen: list[tuple[float, str]] = []
    ix.run_sensitivity(data, fw, ix.IndexParams(), SMALL, progress=lambda f, t: seen.append((f, t)))
    fractions = [f for f, _ in seen]
    assert fractions[0] == 0.0 and fractions[-1] == 1.0 and fractions == sorted(fractions)
    assert seen[-1][1] == "Klart" and any("körningar" in t for _, t in seen)


def test_decode_maps_each_factor_as_agreed():
    fw = ix.Framework(("x", "y", "z"), ("a", "a", "b"), (True, True, True), ("a", "b", "c"))
    v, w = np.ones(3), np.array([0.5, 0.5, 0.0])
    x = np.array(
        [
            [0.0, 0.2, 0.0, 1.0, 0.5, 0.0, 0.0],  # ref100, arithmetic, weights ×0,5 and ×1,5, all in, 50 %
            [0.99, 0.7, 0.5, 0.5, 0.5, 0.9, 1.0],  # percentile, geometric, equal, third weighted left out, 80 %
            [0.3, 0.5, 0.5, 0.5, 0.5, 0.3, 0.5],  # zscore, geometric, x left out
        ]
    )
    plan = sampling.decode(x, fw, v, w)
    assert [sampling.SA_METHODS[m] for m in plan.method] == ["ref100", "percentile", "zscore"]
    assert plan.geometric.tolist() == [False, True, True]
    np.testing.assert_allclose(plan.w[0], [0.25, 0.75, 0.0])  # 0,5·0,5 and 0,5·1,5, rescaled; c stays 0
    assert plan.w[1, 2] == 0 and plan.w[1, 1] == 0  # z left out: area b has nothing left and drops out
    np.testing.assert_allclose(plan.v, [[1, 1, 1], [1, 1, 0], [0, 1, 1]])
    np.testing.assert_allclose(plan.coverage, [0.5, 0.8, 0.65])


def test_a_single_weighted_indicator_is_never_left_out():
    fw = ix.Framework(("x", "y"), ("a", "b"), (True, True), ("a", "b"))
    x = np.tile([0.5, 0.5, 0.5, 0.5, 0.99, 0.5], (2, 1))
    plan = sampling.decode(x, fw, np.array([1.0, 0.0]), np.array([1.0, 0.0]))
    assert (plan.v[:, 0] == 1).all()


# --- the real data -------------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def city(con):
    from lib import db

    meta, domains, areas = db.indicators(con), db.domains(con), db.areas(con)
    fw = ix.Framework.from_meta(meta, list(domains["code"]), domains)
    data, used = ix.build_index_data(db.values_long(con), areas, fw, 2020)
    return data, used


@pytest.mark.parametrize("universe", ["all", "outer"])
@pytest.mark.parametrize("aggregation", ix.AGGREGATIONS)
@pytest.mark.parametrize("method", sampling.SA_METHODS)
def test_each_run_is_the_index_with_that_runs_setting(city, method, aggregation, universe):
    """Closed form for units without gaps, the general path for the others: both rank as `compute_index` does."""
    data, fw = city
    params = ix.IndexParams(method=method, aggregation=aggregation, universe=universe)
    v, w = ix.weight_vectors(fw, params)
    v2 = v.copy()
    v2[1] = 0.0
    vd = np.vstack([v, v2])
    plan = sampling.RunPlan(
        method=np.full(2, sampling.SA_METHODS.index(method)),
        geometric=np.full(2, aggregation == "geometric"),
        v=vd,
        w=_draw_domain_weights(vd, np.vstack([w, w]), fw.membership),
        coverage=np.array([params.coverage, 0.5]),
    )
    got = sensitivity._run_ranks(data, fw, params, plan, lambda f, t: None)
    inside = data.universe(universe)
    left_out = replace(params.with_weights(indicator={fw.indicators[1]: 0.0}), coverage=0.5)
    for run, p in ((0, params), (1, left_out)):
        expected = ix.compute_index(data, fw, p).scores["rank"].to_numpy()[inside]
        np.testing.assert_array_equal(np.where(got[run] > 0, got[run], np.nan), expected)


@pytest.fixture(scope="module")
def city_result(city):
    data, fw = city
    return ix.run_sensitivity(data, fw, ix.IndexParams(), ix.SensitivitySettings(samples=256, seed=3))


def test_bands_and_indices_are_sane_on_the_real_data(city, city_result):
    r = city_result
    nominal = ix.compute_index(city[0], city[1], ix.IndexParams()).scores
    ranked = nominal.dropna(subset=["rank"])
    assert r.unit_codes == tuple(ranked["area_code"]) and np.array_equal(r.nominal_rank, ranked["rank"])
    b = r.bands
    assert list(b.columns) == [
        "area_code", "nominal_rank", "median_rank", "p05", "p95", "best", "worst", "unranked_share"
    ]  # fmt: skip
    seen = b.dropna(subset=["median_rank"])
    assert (seen["best"] <= seen["p05"]).all() and (seen["p05"] <= seen["median_rank"]).all()
    assert (seen["median_rank"] <= seen["p95"]).all() and (seen["p95"] <= seen["worst"]).all()
    assert b["unranked_share"].between(0, 1).all()
    o = r.overall
    assert list(o.columns) == ["assumption", "name", "S1", "S1_conf", "ST", "ST_conf"]
    assert list(o["assumption"]) == list(ix.ASSUMPTIONS) and list(o["name"]) == list(ix.ASSUMPTION_NAMES.values())
    assert (o["S1"] <= o["ST"] + o["S1_conf"] + o["ST_conf"] + 0.02).all()
    assert r.mean_shift > 0 and r.runs == 256 * 7
    always = set(r.per_unit["area_code"])
    assert always == {c for c, s in zip(b["area_code"], b["unranked_share"], strict=True) if s == 0}
    assert list(r.per_unit.columns) == ["area_code", "assumption", "name", "S1", "ST"]
    assert r.per_unit["ST"].between(-0.05, 2).all()


def test_one_units_indices_and_main_driver(city_result):
    code = city_result.per_unit["area_code"].iloc[0]
    found = ix.unit_indices(city_result, code)
    assert list(found.columns) == ["assumption", "name", "S1", "S1_conf", "ST", "ST_conf"]
    assert list(found["assumption"]) == list(ix.ASSUMPTIONS) and (found["ST_conf"] >= 0).all()
    again = ix.unit_indices(city_result, code)
    pd.testing.assert_frame_equal(found, again)  # the bootstrap is seeded
    mine = city_result.per_unit[city_result.per_unit["area_code"] == code]
    np.testing.assert_allclose(found["ST"], mine["ST"], atol=1e-9)  # the same SALib estimator, one unit or all
    driver = ix.main_driver(city_result, code)
    assert driver == mine.loc[mine["ST"].idxmax(), "assumption"]
    with pytest.raises(KeyError):
        ix.unit_indices(city_result, "ingen-sadan")
    assert ix.main_driver(city_result, "ingen-sadan") is None


# --- properties ----------------------------------------------------------------------------------------------------


@settings(max_examples=25, deadline=None)
@given(seed=st.integers(0, 10_000), b=st.integers(1, 6), level=st.floats(0.3, 1.0))
def test_per_run_coverage_equals_a_scalar_threshold_run_by_run(seed, b, level):
    rng = np.random.default_rng(seed)
    scores = rng.random((7, 5)) * 100
    scores[rng.random(scores.shape) < 0.3] = np.nan
    membership = np.eye(3)[[0, 0, 1, 1, 2]]
    v = rng.random((b, 5)) * (rng.random((b, 5)) > 0.2)
    dom, ok = ix._domain_scores(scores, membership, v, np.full(b, level))
    dom_s, ok_s = ix._domain_scores(scores, membership, v, level)
    np.testing.assert_array_equal(dom, dom_s)
    np.testing.assert_array_equal(ok, ok_s)
    levels = rng.uniform(0.3, 1.0, b)
    dom_b, ok_b = ix._domain_scores(scores, membership, v, levels)
    for i in range(b):
        one, one_ok = ix._domain_scores(scores, membership, v[i : i + 1], float(levels[i]))
        np.testing.assert_array_equal(dom_b[i], one[0])
        np.testing.assert_array_equal(ok_b[i], one_ok[0])


@settings(max_examples=12, deadline=None)
@given(seed=st.integers(0, 1000), n=st.integers(3, 12), scale=st.floats(0.1, 50.0))
def test_runs_rank_distinct_places_and_weights_are_ratings(seed, n, scale):
    """Each run gives distinct places 1…n; area weights are ratings, so multiplying them all changes nothing."""
    data, fw = fixture_data(n, ("a", "b"), 2, seed=seed, gaps=0.1)
    base = ix.IndexParams().with_weights({"a": 1.0, "b": 3.0})
    scaled = ix.IndexParams().with_weights({"a": scale, "b": 3.0 * scale})
    try:
        one = ix.run_sensitivity(data, fw, base, SMALL)
    except ix.WeightsError:
        return
    other = ix.run_sensitivity(data, fw, scaled, SMALL)
    np.testing.assert_array_equal(one.ranks, other.ranks)
    for row in one.ranks:
        placed = row[np.isfinite(row)]
        assert len(set(placed)) == len(placed) and (placed >= 1).all() and (placed <= n).all()
    assert (one.overall[["S1_conf", "ST_conf"]] >= 0).all().all()


def test_a_summary_for_a_scenario_reproduces_the_settings_and_keeps_the_findings():
    areas = ("a", "b")
    fw = ix.Framework(("i1", "i2", "i3"), ("a", "a", "b"), (True, False, True), areas)
    rng = np.random.default_rng(3)
    data = ix.IndexData(tuple(f"u{k}" for k in range(12)), rng.uniform(1, 50, (12, 3)), rng.uniform(1, 9, 12), {})
    result = ix.run_sensitivity(data, fw, ix.IndexParams(), ix.SensitivitySettings(samples=256, seed=5))
    stored = json.loads(json.dumps(ix.sensitivity_summary(result)))
    assert ix.SensitivitySettings.from_dict(stored) == result.settings and stored["runs"] == result.runs
    assert [r["assumption"] for r in stored["overall"]] == list(ix.ASSUMPTIONS)
    assert stored["mean_shift"] == pytest.approx(result.mean_shift, abs=1e-4)
