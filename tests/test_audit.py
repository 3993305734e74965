"""The statistical audit against numpy on a small fixture, and its properties."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lib import index as ix
from lib.index import audit as au

FW = ix.Framework(("a1", "a2", "b1", "b2"), ("s", "s", "h", "h"), (True, True, True, False), ("s", "h"))
X = np.array(
    [
        [10.0, 11.0, 5.0, 60.0],
        [20.0, 19.0, 7.0, 80.0],
        [30.0, 32.0, 4.0, 70.0],
        [15.0, 14.0, 9.0, 65.0],
        [25.0, 27.0, 6.0, 90.0],
        [12.0, 13.0, 8.0, 75.0],
    ]
)
DATA = ix.IndexData(tuple("uvwxyz"), X, np.array([1.0, 2.0, 1.0, 3.0, 1.0, 2.0]))


@pytest.fixture(params=["ref100", "zscore", "minmax"])
def params(request) -> ix.IndexParams:
    return ix.IndexParams(method=request.param).with_weights({"s": 2.0, "h": 1.0}, {"a1": 1.0, "a2": 3.0})


def _scores(params: ix.IndexParams) -> tuple[np.ndarray, ix.IndexResult]:
    result = ix.compute_index(DATA, FW, params)
    return result.normalised.to_numpy(), result


def test_correlations_and_flags_match_numpy(params):
    scores, _ = _scores(params)
    audit = ix.audit_index(DATA, FW, params)
    np.testing.assert_allclose(audit.matrix.to_numpy(), np.corrcoef(scores.T), atol=1e-12)
    expected = {
        (FW.indicators[i], FW.indicators[j])
        for i in range(4)
        for j in range(i + 1, 4)
        if abs(np.corrcoef(scores.T)[i, j]) >= 0.9
    }
    assert set(zip(audit.flagged["indicator_a"], audit.flagged["indicator_b"], strict=True)) == expected
    assert ("a1", "a2") in expected  # the fixture's near-duplicate pair
    assert len(audit.correlations) == 6 and audit.n_units == 6


def test_first_component_and_alpha_match_numpy(params):
    scores, _ = _scores(params)
    audit = ix.audit_index(DATA, FW, params).domains.set_index("domain")
    for area, cols in (("s", [0, 1]), ("h", [2, 3])):
        items = scores[:, cols]
        eig = np.linalg.eigh(np.corrcoef(items.T))[0]
        assert audit.loc[area, "pc1_share"] == pytest.approx(eig[-1] / eig.sum())
        k = 2
        item_var = items[:, 0].var(ddof=1) + items[:, 1].var(ddof=1)
        by_hand = k / (k - 1) * (1 - item_var / items.sum(axis=1).var(ddof=1))
        assert audit.loc[area, "alpha"] == pytest.approx(by_hand)


def test_indicator_table_matches_numpy(params):
    scores, result = _scores(params)
    table = ix.audit_index(DATA, FW, params).indicators.set_index("indicator")
    comp = result.scores["composite"].to_numpy()
    for j, code in enumerate(FW.indicators):
        area = result.scores[f"domain_{FW.indicator_domains[j]}"].to_numpy()
        assert table.loc[code, "r_domain"] == pytest.approx(np.corrcoef(scores[:, j], area)[0, 1])
        assert table.loc[code, "r_composite"] == pytest.approx(np.corrcoef(scores[:, j], comp)[0, 1])
        assert table.loc[code, "importance"] == pytest.approx(np.corrcoef(scores[:, j], comp)[0, 1] ** 2)
    # nominal: area weight × share within the area (2/3 · 1/4 for a1, 2/3 · 3/4 for a2, 1/3 · 1/2 for b1, b2)
    np.testing.assert_allclose(table["nominal_weight"].to_numpy(), [1 / 6, 1 / 2, 1 / 6, 1 / 6])
    terms = scores * table["nominal_weight"].to_numpy()
    by_hand = [np.cov(terms[:, j], comp)[0, 1] / comp.var(ddof=1) for j in range(4)]
    np.testing.assert_allclose(table["effective_weight"].to_numpy(), by_hand, atol=1e-12)


def test_missing_values_are_pairwise_and_alpha_listwise():
    x = X.copy()
    x[0, 0] = np.nan
    data = ix.IndexData(DATA.unit_codes, x, DATA.population)
    params = ix.IndexParams(method="zscore", coverage=0.5)  # the unit keeps its area score and its rank
    audit = ix.audit_index(data, FW, params)
    scores = ix.compute_index(data, FW, params).normalised.to_numpy()
    ok = np.isfinite(scores[:, 0])
    assert audit.matrix.loc["a1", "a2"] == pytest.approx(np.corrcoef(scores[ok, 0], scores[ok, 1])[0, 1])
    assert audit.matrix.loc["b1", "b2"] == pytest.approx(np.corrcoef(scores[:, 2], scores[:, 3])[0, 1])
    pair = audit.correlations.set_index(["indicator_a", "indicator_b"])
    assert pair.loc[("a1", "a2"), "n"] == 5 and pair.loc[("b1", "b2"), "n"] == 6
    assert au.cronbach_alpha(scores[:, :2]) == pytest.approx(au.cronbach_alpha(scores[ok, :2]))


def test_degenerate_inputs_give_missing_not_errors():
    assert np.isnan(au.pairwise_corr(np.ones(5), np.arange(5.0))[0])
    assert np.isnan(au.cronbach_alpha(np.ones((4, 1))))
    assert au.first_component_share(np.eye(1)) == 1.0
    assert np.isnan(au.variance_shares(np.ones((3, 2)), np.ones(3))).all()


rows = st.lists(
    st.lists(st.floats(1.0, 100.0, allow_nan=False), min_size=4, max_size=4), min_size=4, max_size=12
).filter(lambda r: np.ptp(np.asarray(r), axis=0).min() > 1e-3)


@settings(max_examples=40, deadline=None)
@given(rows, st.lists(st.floats(0.1, 5.0), min_size=2, max_size=2), st.sampled_from(["ref100", "zscore", "minmax"]))
def test_effective_weights_sum_to_one_and_alpha_is_at_most_one(r, w, method):
    data = ix.IndexData(tuple(f"u{i}" for i in range(len(r))), np.asarray(r), np.ones(len(r)))
    params = ix.IndexParams(method=method).with_weights({"s": w[0], "h": w[1]})
    audit = ix.audit_index(data, FW, params)
    if np.isfinite(audit.indicators["effective_weight"]).all():
        assert audit.indicators["effective_weight"].sum() == pytest.approx(1.0)
    assert audit.indicators["nominal_weight"].sum() == pytest.approx(1.0)
    alphas = audit.domains["alpha"].dropna()
    assert (alphas <= 1 + 1e-9).all()
    shares = audit.domains["pc1_share"].dropna()
    assert ((shares >= 0.5 - 1e-9) & (shares <= 1 + 1e-9)).all()  # two indicators: between 1/2 and 1


def test_swedish_sentences_tables_and_downloads():
    from lib import audit_texts as texts
    from lib import export
    from lib.charts import LOCALE
    from lib.charts import audit as audit_charts

    names = {"a1": "Ekonomiskt bistånd", "a2": "Barn i ekonomiskt bistånd", "b1": "B1", "b2": "B2"}
    audit = ix.audit_index(DATA, FW, ix.IndexParams(method="zscore"))
    sentence = texts.pair_sentence(audit, names)
    assert sentence.startswith("**Ekonomiskt bistånd** och **Barn i ekonomiskt bistånd** (r = 0,9")
    assert "." not in sentence.split("(r = ")[1].split(")")[0]  # decimal comma
    assert texts.marking(pd.Series([0, 0])) == export.REAL
    assert texts.marking(pd.Series([0, 3])) == texts.marking(pd.Series([0, None])) == export.SYNTHETIC
    tables = texts.downloads(audit, names, {"s": "Sociala risker", "h": "Hälsa"}, export.SYNTHETIC)
    assert all(export.is_prepared(t) and set(t[export.MARK]) == {export.SYNTHETIC} for t in tables.values())
    assert list(tables["omraden"]["Område"]) == ["Sociala risker", "Hälsa"]
    rows = texts.heatmap_rows(audit, names)
    assert len(rows) == 16 and rows["flaggad"].sum() == 2 * len(audit.flagged)
    spec = audit_charts.correlation_heatmap(list(names.values()))
    assert spec["config"]["locale"] == LOCALE
    bars = texts.weight_bar_rows(audit, names)
    assert set(bars["vikt"]) == {"Nominell vikt", "Effektiv vikt"} and len(bars) == 8
    heavy, light = texts.far_from_nominal(audit)
    assert set(heavy).isdisjoint(light)
