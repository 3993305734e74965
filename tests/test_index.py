"""The composite index: a hand-computed example for every method, properties, robustness and urval."""

from __future__ import annotations

import json
from dataclasses import replace

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lib import index as ix

AREAS = ("sociala_risker", "halsa", "sakerhet_trygghet", "forsorjning")
FW = ix.Framework(("i1", "i2", "i3", "i4"), AREAS, (True, True, True, False), AREAS)
X = np.array([[10.0, 20.0, 5.0, 60.0], [20.0, 10.0, 5.0, 80.0], [30.0, 30.0, 10.0, 70.0]])
POP = np.array([100.0, 200.0, 100.0])
DATA = ix.IndexData(("a", "b", "c"), X, POP, {"outer": np.array([True, True, False])})

# By hand: one indicator per area, so area score = indicator score; equal weights.
# ref100: references (population-weighted) 20, 17.5, 6.25, 72.5; i4 is "low is bad" → 200 − 100 · x / ref.
REF100 = np.array(
    [
        [50.0, 2000 / 17.5, 80.0, 200 - 6000 / 72.5],
        [100.0, 1000 / 17.5, 80.0, 200 - 8000 / 72.5],
        [150.0, 3000 / 17.5, 160.0, 200 - 7000 / 72.5],
    ]
)
# ratio (the earlier method): i4 → 100 · ref / x.
RATIO = np.array(
    [
        [50.0, 2000 / 17.5, 80.0, 7250 / 60],
        [100.0, 1000 / 17.5, 80.0, 7250 / 80],
        [150.0, 3000 / 17.5, 160.0, 7250 / 70],
    ]
)
Z = np.sqrt(1.5)  # (x − mean) / sd for −1, 0, 1 steps with population sd
ZSCORE = np.array([[-Z, 0.0, -1 / np.sqrt(2), Z], [0.0, -Z, -1 / np.sqrt(2), -Z], [Z, Z, np.sqrt(2), 0.0]])
MINMAX = np.array([[0.0, 50.0, 0.0, 100.0], [50.0, 0.0, 0.0, 0.0], [100.0, 100.0, 100.0, 50.0]])
PERCENTILE = np.array([[0.0, 50.0, 25.0, 100.0], [50.0, 0.0, 25.0, 0.0], [100.0, 100.0, 100.0, 50.0]])
HAND = {"ref100": REF100, "zscore": ZSCORE, "minmax": MINMAX, "percentile": PERCENTILE, "ratio": RATIO}


def geometric(scores: np.ndarray, method: str) -> np.ndarray:
    if method in ("minmax", "percentile"):
        scores = 1 + 0.99 * scores
    elif method in ("zscore", "ref100"):
        scores = scores - np.minimum(scores.min(axis=0), 0) + 1
    return np.exp(np.log(scores).mean(axis=1))


@pytest.mark.parametrize("method", ix.METHODS)
def test_normalisation_by_hand(method):
    got = ix.normalise(DATA, FW, ix.IndexParams(method=method))
    np.testing.assert_allclose(got, HAND[method], atol=1e-9)


@pytest.mark.parametrize("method", ix.METHODS)
@pytest.mark.parametrize("aggregation", ix.AGGREGATIONS)
def test_composite_and_rank_by_hand(method, aggregation):
    result = ix.compute_index(DATA, FW, ix.IndexParams(method=method, aggregation=aggregation))
    expected = HAND[method].mean(axis=1) if aggregation == "arithmetic" else geometric(HAND[method], method)
    np.testing.assert_allclose(result.scores["composite"], expected, rtol=1e-9)
    order = np.argsort(-expected)
    assert result.scores["rank"].to_numpy()[order].tolist() == [1.0, 2.0, 3.0]


def test_area_weights_and_effective_weights():
    params = ix.IndexParams(
        domain_weights=(("forsorjning", 3.0), ("halsa", 1.0), ("sakerhet_trygghet", 0.0), ("sociala_risker", 0.0))
    )
    result = ix.compute_index(DATA, FW, params)
    np.testing.assert_allclose(result.scores["composite"], 0.75 * REF100[:, 3] + 0.25 * REF100[:, 1])
    assert result.effective_weights.to_dict() == pytest.approx({"i1": 0, "i2": 0.25, "i3": 0, "i4": 0.75})
    assert result.domain_weights.sum() == pytest.approx(1.0)


def test_indicator_weights_within_an_area():
    fw = ix.Framework(("i1", "i2"), ("halsa", "halsa"), (True, True), ("halsa",))
    data = ix.IndexData(("a", "b"), np.array([[1.0, 4.0], [3.0, 4.0]]), np.array([1.0, 1.0]))
    result = ix.compute_index(data, fw, ix.IndexParams(method="minmax", indicator_weights=(("i1", 3.0), ("i2", 1.0))))
    np.testing.assert_allclose(result.scores["composite"], [0.0, 75.0])
    assert result.effective_weights.to_dict() == pytest.approx({"i1": 0.75, "i2": 0.25})


def test_universe_sets_the_reference_and_the_ranking():
    result = ix.compute_index(DATA, FW, ix.IndexParams(universe="outer"))
    # Reference for i1 over a and b only: (10·100 + 20·200) / 300.
    assert result.normalised.loc["a", "i1"] == pytest.approx(100 * 10 / (5000 / 300))
    assert np.isnan(result.scores.set_index("area_code").loc["c", "rank"])
    assert sorted(result.scores["rank"].dropna()) == [1.0, 2.0]


def test_winsorisation_clips_extremes():
    x = np.array([[1.0], [2.0], [3.0], [4.0], [100.0]])
    fw = ix.Framework(("i1",), ("halsa",), (True,), ("halsa",))
    data = ix.IndexData(tuple("abcde"), x, np.ones(5))
    plain = ix.normalise(data, fw, ix.IndexParams(method="minmax"))
    clipped = ix.normalise(data, fw, ix.IndexParams(method="minmax", winsor=0.2))
    assert plain[3, 0] < 5 and clipped[3, 0] == pytest.approx(100.0)


def test_coverage_rule_and_incomplete_composite():
    fw = ix.Framework(("a1", "a2", "a3", "h1"), ("s", "s", "s", "h"), (True,) * 4, ("s", "h"))
    x = np.array([[1.0, np.nan, np.nan, 2.0], [1.0, 2.0, np.nan, 2.0], [1.0, 2.0, 3.0, 2.0]])
    data = ix.IndexData(("x", "y", "z"), x, np.ones(3))
    scores = ix.compute_index(data, fw, ix.IndexParams(method="minmax")).scores.set_index("area_code")
    assert scores.loc["x", "incomplete"] and np.isnan(scores.loc["x", "domain_s"])  # 1 of 3 < 65 %
    assert scores.loc["x", "missing_domains"] == "s"
    assert not scores.loc["y", "incomplete"]  # 2 of 3 ≥ 65 %
    assert np.isnan(scores.loc["x", "rank"]) and scores["rank"].notna().sum() == 2


def test_flags_and_dominance():
    fw = ix.Framework(("i1", "i2"), ("halsa", "forsorjning"), (True, True), ("halsa", "forsorjning"))
    x = np.array([[1.0, 1.0]] * 9 + [[1.0, 50.0]])
    data = ix.IndexData(tuple(f"a{i}" for i in range(10)), x, np.ones(10))
    result = ix.compute_index(data, fw, ix.IndexParams())
    last = result.scores.iloc[-1]
    assert last["flag_count"] == 1 and bool(result.flags.iloc[-1]["i2"])
    assert last["dominance"] and last["dominant_indicator"] == "i2"
    assert result.scores.iloc[0]["dominant_indicator"] == "i1"  # the others are far below the city on i2


def test_indicator_matrix_uses_the_latest_measurement():
    values = pd.DataFrame(
        {
            "area_code": ["a", "a", "a"],
            "indicator_code": ["v", "v", "v"],
            "year": [2014, 2018, 2012],
            "value": [60.0, 70.0, 50.0],
        }
    )
    assert ix.indicator_matrix(values, 2016, ["a"], ["v"])[0, 0] == 60.0
    assert ix.indicator_matrix(values, 2020, ["a"], ["v"])[0, 0] == 70.0
    assert np.isnan(ix.indicator_matrix(values, 2011, ["a"], ["v"])[0, 0])


def test_invalid_params_are_rejected_in_swedish():
    with pytest.raises(ValueError, match="Okänd normalisering"):
        ix.IndexParams(method="magic")
    with pytest.raises(ValueError, match="negativa"):
        ix.IndexParams(domain_weights=(("halsa", -1.0),))
    with pytest.raises(ValueError, match="större än noll"):
        ix.compute_index(DATA, FW, ix.IndexParams(domain_weights=tuple((a, 0.0) for a in AREAS)))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("försörjning=4, Hälsa=2", {"forsorjning": 4.0, "halsa": 2.0}),
        ("säkerhet och trygghet=1,5", None),
        ("sociala_risker=0", {"sociala_risker": 0.0}),
    ],
)
def test_parse_weights(text, expected):
    names = {
        "forsorjning": "Försörjning",
        "halsa": "Hälsa",
        "sakerhet_trygghet": "Säkerhet och trygghet",
        "sociala_risker": "Sociala risker",
    }
    if expected is None:
        with pytest.raises(ValueError):
            ix.parse_weights(text, names)  # "1,5" splits into two parts; the second has no "="
    else:
        assert ix.parse_weights(text, names) == expected


def test_parse_weights_messages():
    names = {"halsa": "Hälsa"}
    with pytest.raises(ValueError, match="Okänt område 'lycka'"):
        ix.parse_weights("lycka=3", names)
    with pytest.raises(ValueError, match="inte ett tal"):
        ix.parse_weights("hälsa=mycket", names)


def test_params_round_trip_through_json():
    params = ix.IndexParams(
        year=2016,
        method="zscore",
        aggregation="geometric",
        universe="outer",
        winsor=0.05,
        domain_weights=(("halsa", 3.0),),
        indicator_weights=(("i1", 0.0),),
    )
    assert ix.params_from_json(ix.params_to_json(params)) == params


# --- properties -------------------------------------------------------------------------------------------

matrices = st.integers(3, 8).flatmap(
    lambda n: st.lists(st.lists(st.floats(1.0, 100.0), min_size=4, max_size=4), min_size=n, max_size=n)
)
weights = st.lists(st.floats(0.1, 10.0), min_size=4, max_size=4)


def make(rows) -> ix.IndexData:
    x = np.asarray(rows)
    return ix.IndexData(tuple(f"a{i}" for i in range(len(x))), x, np.linspace(1, 2, len(x)))


@settings(max_examples=50, deadline=None)
@given(matrices, weights, st.floats(0.1, 50.0), st.sampled_from(ix.METHODS), st.sampled_from(ix.AGGREGATIONS))
def test_scaling_all_weights_changes_nothing(rows, w, factor, method, aggregation):
    data = make(rows)
    base = ix.IndexParams(
        method=method,
        aggregation=aggregation,
        domain_weights=tuple(zip(AREAS, w, strict=True)),
        indicator_weights=tuple(zip(FW.indicators, w, strict=True)),
    )
    scaled = base.with_weights(
        {a: v * factor for a, v in base.domain_weights}, {i: v * factor for i, v in base.indicator_weights}
    )
    a = ix.compute_index(data, FW, base).scores
    b = ix.compute_index(data, FW, scaled).scores
    np.testing.assert_allclose(a["composite"], b["composite"], rtol=1e-9)
    assert a["rank"].tolist() == b["rank"].tolist()


@settings(max_examples=60, deadline=None)
@given(matrices, st.data())
def test_worsening_an_indicator_never_lowers_the_composite(rows, data):
    d = make(rows)
    i = data.draw(st.integers(0, len(rows) - 1))
    j = data.draw(st.integers(0, 3))
    step = data.draw(st.floats(0.01, 0.9))
    worse = d.values.copy()
    worse[i, j] = worse[i, j] * (1 + step) if FW.higher_is_worse[j] else worse[i, j] * (1 - step)
    before = ix.compute_index(d, FW, ix.IndexParams()).scores["composite"].iloc[i]
    after = (
        ix.compute_index(ix.IndexData(d.unit_codes, worse, d.population), FW, ix.IndexParams())
        .scores["composite"]
        .iloc[i]
    )
    assert after >= before - 1e-9


@settings(max_examples=40, deadline=None)
@given(matrices, st.randoms(use_true_random=False), st.sampled_from(ix.METHODS))
def test_relabelling_districts_permutes_the_output(rows, rnd, method):
    d = make(rows)
    perm = list(range(len(rows)))
    rnd.shuffle(perm)
    shuffled = ix.IndexData(tuple(d.unit_codes[p] for p in perm), d.values[perm], d.population[perm])
    a = ix.compute_index(d, FW, ix.IndexParams(method=method)).scores.set_index("area_code")
    b = ix.compute_index(shuffled, FW, ix.IndexParams(method=method)).scores.set_index("area_code")
    np.testing.assert_allclose(a["composite"], b.loc[a.index, "composite"], rtol=1e-9)


@settings(max_examples=25, deadline=None)
@given(matrices, st.sampled_from(["uniform", "dirichlet"]))
def test_zero_noise_reproduces_the_nominal_ranks(rows, mode):
    d = make(rows)
    mc = ix.monte_carlo(d, FW, ix.IndexParams(), draws=20, noise=0.0, mode=mode)
    nominal = ix.compute_index(d, FW, ix.IndexParams()).scores["rank"]
    assert mc["rank_median"].tolist() == nominal.tolist()
    assert mc["rank_p05"].tolist() == mc["rank_p95"].tolist() == nominal.tolist()
    assert (mc["mean_abs_shift"] == 0).all()


# --- robustness on the real data set ----------------------------------------------------------------------


@pytest.fixture(scope="module")
def city(con):
    from lib import db

    meta, domains, areas = db.indicators(con), db.domains(con), db.areas(con)
    fw = ix.Framework.from_meta(meta, list(domains["code"]))
    data, used = ix.build_index_data(db.values_long(con), areas, fw, 2020)
    return data, used, areas


def test_monte_carlo_is_seedable_and_brackets_the_nominal_rank(city):
    data, fw, _ = city
    a = ix.monte_carlo(data, fw, ix.IndexParams(), draws=200, seed=1)
    b = ix.monte_carlo(data, fw, ix.IndexParams(), draws=200, seed=1)
    pd.testing.assert_frame_equal(a, b)
    ranked = a.dropna(subset=["rank_nominal"])
    assert (ranked["rank_p05"] <= ranked["rank_median"]).all() and (ranked["rank_median"] <= ranked["rank_p95"]).all()
    assert ranked["share_top_22"].between(0, 1).all()
    assert (ranked["rank_p05"] <= ranked["rank_nominal"] + 2).all()


def test_rank_range_contains_the_nominal_rank(city):
    data, fw, _ = city
    rr = ix.rank_range(data, fw, ix.IndexParams(), band=(0.1, 0.4), samples=500)
    nominal = ix.compute_index(data, fw, ix.IndexParams()).scores["rank"]
    ok = nominal.notna()
    assert (rr.loc[ok, "rank_best"] <= nominal[ok]).all() and (nominal[ok] <= rr.loc[ok, "rank_worst"]).all()


def test_leave_one_out_shifts(city):
    data, fw, _ = city
    loo = ix.leave_one_out(data, fw, ix.IndexParams())
    assert list(loo.columns) == list(fw.indicators)
    assert loo.abs().to_numpy()[np.isfinite(loo.to_numpy())].max() > 0


def test_selection_of_22_outer_city_stadsdelar(city):
    data, fw, areas = city
    result = ix.compute_index(data, fw, ix.IndexParams())
    pick = ix.selection(result.scores, areas["outer_city"].to_numpy(bool), areas["in_programme"].to_numpy(bool))
    assert len(pick["picked"]) == 22
    assert len(pick["entering"]) == len(pick["leaving"])
    assert set(pick["picked"]) <= set(areas.loc[areas["outer_city"], "code"])
    assert len(pick["kept"]) + len(pick["entering"]) == 22


def test_column_quantiles_match_numpy():
    rng = np.random.default_rng(3)
    x = np.sort(rng.integers(1, 50, size=(101, 7)), axis=0)
    np.testing.assert_allclose(ix._column_quantiles(x, (0.05, 0.5, 0.95)), np.percentile(x, [5, 50, 95], axis=0))


def test_rank_positions_break_ties_by_order_and_skip_ineligible():
    comp = np.array([[3.0, 5.0, 5.0, np.nan, 1.0]])
    elig = np.array([[True, True, True, True, False]])
    assert ix.rank_positions(comp, elig).tolist() == [[3, 1, 2, 0, 0]]


# --- default weights from the metadata and one normalisation per index ----------------------------------------


def _heavier_defaults(con) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Copies of the indicator and domain tables where hälsa weighs 3 and ekonomiskt bistånd 4 by default."""
    from lib import db

    meta, domains = db.indicators(con).copy(), db.domains(con).copy()
    domains.loc[domains["code"] == "halsa", "default_weight"] = 3.0
    meta.loc[meta["code"] == "ekonomiskt_bistand", "default_weight"] = 4.0
    return meta, domains


def test_framework_carries_the_metadata_default_weights(con):
    meta, domains = _heavier_defaults(con)
    fw = ix.Framework.from_meta(meta, list(domains["code"]), domains)
    weights = dict(zip(fw.domains, fw.domain_weights, strict=True))
    assert weights == {"sociala_risker": 1.0, "halsa": 3.0, "sakerhet_trygghet": 1.0, "forsorjning": 1.0}
    assert dict(zip(fw.indicators, fw.indicator_weights, strict=True))["ekonomiskt_bistand"] == 4.0
    kept = fw.restrict({"ekonomiskt_bistand", "forvarvsfrekvens"})
    assert kept.indicator_weights == (4.0, 1.0) and kept.domain_weights == fw.domain_weights
    # Without the domain table (and for a framework built by hand) every default is 1.
    assert set(ix.Framework.from_meta(meta, list(domains["code"])).domain_weights) == {1.0}
    assert FW.indicator_weights == (1.0,) * 4 and FW.domain_weights == (1.0,) * 4


def test_cli_and_page_follow_a_changed_default_weight(con, monkeypatch, capsys):
    """IndexParams without weights means the metadata's default weights – in the CLI, in lib and on the page."""
    from lib import cli, db
    from ui import readers, urlstate

    meta, domains = _heavier_defaults(con)
    monkeypatch.setattr(db, "indicators", lambda _con: meta.copy())
    monkeypatch.setattr(db, "domains", lambda _con: domains.copy())
    assert cli.main(["index", "--year", "2020", "--format", "json"]) == 0
    printed = pd.DataFrame(json.loads(capsys.readouterr().out)).set_index("code")

    fw = ix.Framework.from_meta(meta, list(domains["code"]), domains)
    data, used = ix.build_index_data(db.values_long(con), db.areas(con), fw, 2020)
    default = ix.compute_index(data, used, ix.IndexParams()).scores.set_index("area_code")
    explicit = ix.compute_index(
        data,
        used,
        ix.IndexParams(
            domain_weights=(("halsa", 3.0),),
            indicator_weights=tuple(
                (c, 4.0 if c == "ekonomiskt_bistand" else min(w, 1.0))  # 0 stays 0: the default's left-out one
                for c, w in zip(used.indicators, used.indicator_weights, strict=True)
            ),
        ),
    ).scores.set_index("area_code")
    equal = ix.compute_index(data, used, ix.IndexParams(domain_weights=tuple((a, 1.0) for a in used.domains)))
    pd.testing.assert_series_equal(default["composite"], explicit["composite"])
    assert not np.allclose(default["composite"], equal.scores["composite"], equal_nan=True)
    np.testing.assert_allclose(printed["composite"], default["composite"].reindex(printed.index).round(3))
    np.testing.assert_array_equal(printed["rank"].astype(float), default["rank"].reindex(printed.index))

    # The Index page's standard sliders (5 × the default weight) come from the same metadata.
    monkeypatch.setattr(readers, "indicators", lambda: meta.copy())
    monkeypatch.setattr(readers, "domains", lambda: domains.copy())
    readers.framework.clear()
    try:
        area, ind = urlstate.default_ratings()
    finally:
        readers.framework.clear()
    assert area["halsa"] == 10 and area["forsorjning"] == 5
    assert ind["ekonomiskt_bistand"] == 10 and ind["forvarvsfrekvens"] == 5


def _fresh(data: ix.IndexData) -> ix.IndexData:
    """The same inputs in a new IndexData, so nothing normalised before is reused."""
    return ix.IndexData(
        data.unit_codes, data.values.copy(), data.population.copy(), dict(data.universes), data.coverage
    )


@pytest.mark.parametrize(("method", "aggregation"), [("ref100", "arithmetic"), ("percentile", "geometric")])
def test_shared_normalisation_gives_identical_robustness(city, method, aggregation):
    data, fw, _ = city
    data = _fresh(data)
    params = ix.IndexParams(method=method, aggregation=aggregation)
    # Fill the cache with other choices first: a stale entry for another method or universe must not be used.
    for other in ("zscore", "minmax", method):
        ix.compute_index(data, fw, ix.IndexParams(method=other, universe="outer", winsor=0.05))
    mc = ix.monte_carlo(data, fw, params, draws=200, seed=7)
    rr = ix.rank_range(data, fw, params, samples=300, seed=7)
    loo = ix.leave_one_out(data, fw, params)
    pd.testing.assert_frame_equal(mc, ix.monte_carlo(_fresh(data), fw, params, draws=200, seed=7))
    pd.testing.assert_frame_equal(rr, ix.rank_range(_fresh(data), fw, params, samples=300, seed=7))
    pd.testing.assert_frame_equal(loo, ix.leave_one_out(_fresh(data), fw, params))
    nominal = ix.compute_index(_fresh(data), fw, params).scores["rank"].to_numpy()
    np.testing.assert_array_equal(mc["rank_nominal"].to_numpy(), nominal)
    # Leaving an indicator out is the index with that indicator weighing zero.
    for code in fw.indicators[:4]:
        weights = tuple((c, 0.0 if c == code else w) for c, w in zip(fw.indicators, fw.indicator_weights, strict=True))
        without = ix.compute_index(_fresh(data), fw, replace(params, indicator_weights=weights)).scores["rank"]
        np.testing.assert_array_equal(loo[code].to_numpy(), without.to_numpy() - nominal)


def test_robustness_normalises_once(city, monkeypatch):
    """The composite, 1 000 Monte Carlo draws, the rank range and leave-one-out share one normalised matrix."""
    data, fw, _ = city
    data = _fresh(data)
    calls = []
    original = ix.normalisation._normalise_uncached  # patched where `normalised_scores` looks it up
    monkeypatch.setattr(ix.normalisation, "_normalise_uncached", lambda *a: calls.append(a[2:]) or original(*a))
    params = ix.IndexParams(method="percentile")
    result = ix.compute_index(data, fw, params)
    ix.monte_carlo(data, fw, params, draws=100)
    ix.rank_range(data, fw, params, samples=100)
    ix.leave_one_out(data, fw, replace(params, domain_weights=(("halsa", 4.0),)))  # other weights, same scores
    assert calls == [("percentile", "all", 0.0)]
    result.normalised.iloc[0, 0] = -1.0  # a caller's copy: changing it leaves the shared matrix alone
    assert ix.normalise(data, fw, params)[0, 0] != -1.0
    ix.compute_index(data, fw, ix.IndexParams(method="zscore"))
    assert len(calls) == 2


def test_a_scenario_saved_with_the_old_area_weights_key_reads_the_same():
    """Scenarios saved before the rename keep their weights (a planner's saved work is never silently reset)."""
    params = ix.IndexParams(domain_weights=(("halsa", 3.0), ("forsorjning", 1.0)), year=2019)
    text = ix.params_to_json(params)
    assert '"domain_weights"' in text
    legacy = text.replace('"domain_weights"', '"area_weights"')
    assert ix.params_from_json(legacy) == ix.params_from_json(text)
    assert dict(ix.params_from_json(legacy).domain_weights) == {"halsa": 3.0, "forsorjning": 1.0}


weight_pairs = st.lists(
    st.tuples(st.sampled_from(("s", "h", "t", "f", "i1", "i2")), st.floats(0.0, 100.0, allow_nan=False)),
    max_size=4,
    unique_by=lambda p: p[0],
)
params_strategy = st.builds(
    ix.IndexParams,
    year=st.integers(2015, 2025),
    method=st.sampled_from(ix.METHODS),
    aggregation=st.sampled_from(ix.AGGREGATIONS),
    winsor=st.sampled_from((0.0, 0.05, 0.1)),
    domain_weights=weight_pairs.map(lambda p: tuple(sorted(p))),
    indicator_weights=weight_pairs.map(lambda p: tuple(sorted(p))),
    coverage=st.sampled_from((0.5, 0.65, 1.0)),
    level=st.sampled_from(ix.LEVELS),
    real_only=st.booleans(),
)


@settings(max_examples=200, deadline=None)
@given(params_strategy, params_strategy)
def test_the_caches_key_index_settings_by_repr_which_tells_every_two_settings_apart(a, b):
    """The app's caches key an `IndexParams` by its repr (`ui.results.PARAMS_HASH`): two settings that differ in any
    field, a weight included, must never share a cached index."""
    from ui.results import PARAMS_HASH

    key = PARAMS_HASH[ix.IndexParams]
    assert (key(a) == key(b)) == (a == b)
    assert key(a) == key(replace(a, domain_weights=tuple(a.domain_weights)))
    if a.domain_weights:
        (code, weight), *rest = a.domain_weights
        nudged = replace(a, domain_weights=((code, weight + 0.5), *rest))
        assert key(nudged) != key(a)
