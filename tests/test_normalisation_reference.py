""" "100 = jämförelsegruppen" holds for every indicator, whichever way it points; the earlier ratio method is kept to
compare against; saved scenarios keep the method they were computed with; the default index leaves one of the
overlapping ekonomiskt bistånd pair out."""

from __future__ import annotations

import json

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from lib import audit_texts, db
from lib import index as ix

values = arrays(np.float64, st.integers(3, 30), elements=st.floats(0.5, 1000, allow_nan=False))


@settings(max_examples=200, deadline=None)
@given(values, st.data(), st.booleans())
def test_population_weighted_mean_of_the_group_is_100_in_both_directions(x, data, worse_high):
    n = x.size
    population = data.draw(arrays(np.float64, n, elements=st.floats(1, 1e5, allow_nan=False)))
    universe = data.draw(arrays(np.bool_, n)) | (np.arange(n) == 0)  # at least one unit in the group
    scores = ix.reference_scores(x[:, None], np.array([worse_high]), population, universe)[:, 0]
    mean = np.average(scores[universe], weights=population[universe])
    assert mean == pytest.approx(100.0, abs=1e-9)


@settings(max_examples=100, deadline=None)
@given(values, st.floats(0.05, 0.95))
def test_twenty_percent_worse_is_120_in_both_directions(x, step):
    """Linear: equal relative distances score alike up and down, so no direction weighs more by its form."""
    population = np.ones(x.size)
    universe = np.ones(x.size, dtype=bool)
    ref = x.mean()
    probe = np.array([[ref * (1 + step)], [ref * (1 - step)]])
    up = ix.reference_scores(
        np.vstack([x[:, None], probe]), np.array([True]), np.r_[population, 0, 0], np.r_[universe, False, False]
    )
    down = ix.reference_scores(
        np.vstack([x[:, None], probe]), np.array([False]), np.r_[population, 0, 0], np.r_[universe, False, False]
    )
    assert up[-2, 0] == pytest.approx(100 * (1 + step)) and down[-1, 0] == pytest.approx(100 * (1 + step))


def test_the_earlier_ratio_method_breaks_the_promise_where_low_is_bad():
    x = np.array([[50.0], [100.0], [150.0]])
    population, universe = np.ones(3), np.ones(3, dtype=bool)
    ratio = ix.ratio_scores(x, np.array([False]), population, universe)[:, 0]
    linear = ix.reference_scores(x, np.array([False]), population, universe)[:, 0]
    assert ratio.mean() > 100.0  # 200, 100, 66,7: the convex form drifts above the group
    np.testing.assert_allclose(linear, [150.0, 100.0, 50.0])


def test_real_data_every_indicator_averages_100_over_the_city(con):
    fw = ix.Framework.from_meta(db.indicators(con), list(db.domains(con)["code"]), db.domains(con))
    data, used = ix.build_index_data(db.values_long(con), db.areas(con), fw, 2024)
    scores = ix.normalise(data, used, ix.IndexParams(year=2024))
    universe = data.universe("all") & np.isfinite(data.population)
    for j, code in enumerate(used.indicators):
        ok = universe & np.isfinite(scores[:, j])
        assert np.average(scores[ok, j], weights=data.population[ok]) == pytest.approx(100.0, abs=1e-6), code
    old = ix.normalise(data, used, ix.IndexParams(year=2024, method="ratio"))
    low_is_bad = [j for j, worse in enumerate(used.higher_is_worse) if not worse]
    drift = [
        np.average(
            old[universe & np.isfinite(old[:, j]), j], weights=data.population[universe & np.isfinite(old[:, j])]
        )
        for j in low_is_bad
    ]
    assert max(drift) > 105  # what the change mended


def test_geometric_aggregation_stays_finite_with_scores_below_zero():
    """A value over twice the group's scores below 0 where low is bad; the geometric mean still ranks everyone."""
    areas = ("a", "b")
    fw = ix.Framework(("i1", "i2"), areas, (True, False), areas)
    x = np.array([[10.0, 500.0], [20.0, 100.0], [30.0, 50.0], [40.0, 60.0]])
    data = ix.IndexData(("p", "q", "r", "s"), x, np.ones(4), {})
    result = ix.compute_index(data, fw, ix.IndexParams(aggregation="geometric"))
    assert ix.normalise(data, fw, ix.IndexParams()).min() < 0
    assert np.isfinite(result.scores["composite"]).all()
    assert sorted(result.scores["rank"].tolist()) == [1.0, 2.0, 3.0, 4.0]


def test_a_scenario_saved_before_the_change_keeps_its_method():
    old = json.dumps({"year": 2024, "method": "ref100", "aggregation": "arithmetic", "universe": "all"})
    assert ix.params_from_json(old).method == "ratio"
    params = ix.IndexParams(year=2024, method="ref100")
    assert ix.params_from_json(ix.params_to_json(params)) == params
    assert ix.params_from_json(ix.params_to_json(ix.IndexParams(method="ratio"))).method == "ratio"


def test_a_scenario_carries_its_sensitivity_analysis():
    params = ix.IndexParams(year=2024)
    stored = {"samples": 1024, "seed": 7, "overall": [{"assumption": "normalisation", "ST": 0.6}]}
    text = ix.params_to_json(params, sensitivity=stored)
    assert ix.scenario_sensitivity(text) == stored and ix.params_from_json(text) == params
    assert ix.scenario_sensitivity(ix.params_to_json(params)) is None


def test_the_default_index_counts_ekonomiskt_bistand_once(con):
    """Barn i ekonomiskt bistånd has the default weight 0 (it measures nearly what ekonomiskt bistånd does), and the
    page's note says so with the pair's r in the data."""
    meta = db.indicators(con).set_index("code")
    for left, kept in audit_texts.DEFAULT_LEFT_OUT.items():
        assert meta.loc[left, "default_weight"] == 0 and meta.loc[kept, "default_weight"] > 0
    fw = ix.Framework.from_meta(db.indicators(con), list(db.domains(con)["code"]), db.domains(con))
    data, used = ix.build_index_data(db.values_long(con), db.areas(con), fw, 2024)
    audit = ix.audit_index(data, used, ix.IndexParams(year=2024))
    t = audit.indicators.set_index("indicator")
    assert t.loc["barn_ekonomiskt_bistand", "nominal_weight"] == 0
    assert t.loc["barn_ekonomiskt_bistand", "effective_weight"] == pytest.approx(0.0, abs=1e-12)
    names = dict(zip(meta.index, meta["name"], strict=True))
    note = audit_texts.double_counting_note(names, audit)
    r = audit.matrix.loc["barn_ekonomiskt_bistand", "ekonomiskt_bistand"]
    assert "standardvikten 0" in note and audit_texts.r_text(r) in note and names["ekonomiskt_bistand"] in note


def test_the_granskning_says_what_the_normalisation_does_to_the_weights(con):
    fw = ix.Framework.from_meta(db.indicators(con), list(db.domains(con)["code"]), db.domains(con))
    data, used = ix.build_index_data(db.values_long(con), db.areas(con), fw, 2024)
    now = ix.audit_index(data, used, ix.IndexParams(year=2024))
    then = ix.audit_index(data, used, ix.IndexParams(year=2024, method="ratio"))
    names = dict(zip(db.indicators(con)["code"], db.indicators(con)["name"], strict=True))
    text = audit_texts.method_comparison(now, then, "Kvot", names)
    t = now.indicators
    expected = (t["effective_weight"] - t["nominal_weight"]).abs().sum()
    assert f"{audit_texts.number(expected, 2)} med vald normalisering" in text and "”Kvot”" in text
    assert 0 <= audit_texts.distortion(now) <= 2
    # The flagged pair names the indicator that weighs nothing by default.
    assert "barn i hushåll med ekonomiskt bistånd väger 0 i indexet" in audit_texts.pair_sentence(now, names)
