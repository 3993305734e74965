"""Allocation of the programme's money: properties that must hold for any data."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from lib import allocation as al

units_strategy = st.lists(st.tuples(st.floats(100, 50_000), st.floats(0.3, 3.0)), min_size=2, max_size=12).map(
    lambda rows: pd.DataFrame(
        {"unit": [f"u{i}" for i in range(len(rows))], "population": [r[0] for r in rows], "risk": [r[1] for r in rows]}
    )
)


@settings(max_examples=80, deadline=None)
@given(units_strategy, st.floats(1, 1000), st.sampled_from([0.0, 0.5, 1.0, 2.0]), st.floats(0, 1.2), st.data())
def test_shares_sum_to_the_total_and_the_floor_is_honoured(units, total, exponent, threshold, data):
    floor = data.draw(st.floats(0, total / len(units)))
    out = al.allocate(units, al.AllocationParams(total=total, exponent=exponent, threshold=threshold, floor=floor))
    assert out["amount"].sum() == pytest.approx(total)
    assert (out["amount"] >= floor - 1e-6).all()  # the floor in whole kronor
    assert out["equal"].sum() == pytest.approx(total) and out["population_only"].sum() == pytest.approx(total)


@settings(max_examples=80, deadline=None)
@given(units_strategy, st.sampled_from([0.5, 1.0, 2.0]), st.floats(0, 1.0), st.data())
def test_more_risk_never_gets_less_money(units, exponent, threshold, data):
    i = data.draw(st.integers(0, len(units) - 1))
    more = units.copy()
    more.loc[i, "risk"] = more.loc[i, "risk"] * data.draw(st.floats(1.01, 3.0))
    params = al.AllocationParams(total=150, exponent=exponent, threshold=threshold)
    before = al.allocate(units, params).set_index("unit")["amount"]
    after = al.allocate(more, params).set_index("unit")["amount"]
    assert after[f"u{i}"] >= before[f"u{i}"] - 1e-9


@settings(max_examples=50, deadline=None)
@given(units_strategy)
def test_exponent_zero_is_proportional_to_population(units):
    out = al.allocate(units, al.AllocationParams(total=150, exponent=0.0, threshold=0.0)).set_index("unit")
    expected = 150 * units.set_index("unit")["population"] / units["population"].sum()
    np.testing.assert_allclose(out.loc[expected.index, "amount"], expected, rtol=0, atol=1e-6)  # whole kronor
    np.testing.assert_allclose(out["amount"], out["population_only"])


def test_grouping_by_namnd_adds_up_need():
    units = pd.DataFrame({"unit": ["A", "A", "B"], "population": [1000, 1000, 2000], "risk": [2.0, 1.0, 1.5]})
    out = al.allocate(units, al.AllocationParams(total=100)).set_index("unit")
    # need A = 1000·2 + 1000·1 = 3000, B = 2000·1.5 = 3000 → equal halves
    assert out.loc["A", "amount"] == pytest.approx(50) and out.loc["B", "stadsdelar"] == 1
    assert out.loc["A", "risk"] == pytest.approx(1.5)


def test_threshold_removes_need_below_the_city_level():
    units = pd.DataFrame({"unit": ["low", "high"], "population": [1000, 1000], "risk": [0.9, 1.5]})
    out = al.allocate(units, al.AllocationParams(total=100, threshold=1.0)).set_index("unit")
    assert out.loc["low", "amount"] == pytest.approx(0) and out.loc["high", "amount"] == pytest.approx(100)


def test_a_floor_larger_than_the_total_is_refused_in_swedish():
    units = pd.DataFrame({"unit": ["a", "b"], "population": [1, 1], "risk": [1, 1]})
    with pytest.raises(ValueError, match="Sänk golvet"):
        al.allocate(units, al.AllocationParams(total=10, floor=6))
    with pytest.raises(ValueError, match="större än noll"):
        al.AllocationParams(total=0)


weights_strategy = st.lists(st.floats(0, 1e6, allow_nan=False), min_size=1, max_size=30)


@settings(max_examples=200, deadline=None)
@given(weights_strategy, st.integers(0, 10**12))
def test_largest_remainder_sums_exactly_and_stays_within_one_unit(weights, total):
    parts = al.largest_remainder(np.array(weights), total)
    assert parts.dtype.kind == "i" and int(parts.sum()) == total and (parts >= 0).all()
    w = np.array(weights)
    exact = total * (w / w.sum() if w.sum() > 0 else np.full(len(w), 1 / len(w)))
    assert (np.abs(parts - exact) <= 1 + 1e-9 * total).all()


@settings(max_examples=80, deadline=None)
@given(units_strategy, st.integers(1, 10**10), st.sampled_from([0.0, 0.5, 1.0, 2.0]), st.floats(0, 1.2), st.data())
def test_every_split_is_in_whole_kronor_and_sums_exactly(units, total_kr, exponent, threshold, data):
    floor_kr = data.draw(st.integers(0, total_kr // len(units)))
    params = al.AllocationParams(total=total_kr / 1e6, exponent=exponent, threshold=threshold, floor=floor_kr / 1e6)
    out = al.allocate(units, params)
    for method in al.METHODS:
        kr = out[f"{method}_kr"]
        assert kr.dtype.kind == "i" and int(kr.sum()) == params.total_kr == total_kr
        assert (out[method] * 1e6 - kr).abs().max() < 1e-3
    assert (out["amount_kr"] >= floor_kr).all()
    need = al.need(units["population"], units["risk"], exponent, threshold)
    rest = total_kr - floor_kr * len(units)
    exact = floor_kr + rest * (need / need.sum() if need.sum() > 0 else np.full(len(units), 1 / len(units)))
    got = out.set_index("unit").loc[units["unit"], "amount_kr"].to_numpy()
    assert (np.abs(got - exact) <= 1 + 1e-9 * total_kr).all()


@settings(max_examples=100, deadline=None)
@given(st.lists(st.integers(0, 10**9), min_size=1, max_size=25), st.integers(0, 4))
@example(parts=[2972, 51540, 51640, 898499], decimals=4)  # a share of the rounded total moved 0,898499 to 0,8986
def test_mnkr_for_a_table_sum_to_the_rounded_total(parts, decimals):
    shown = al.in_mnkr(np.array(parts), decimals)
    assert abs(float(shown.sum()) - sum(parts) / 1e6) <= 0.5 * 10.0**-decimals + 1e-9  # the total, rounded
    assert float(shown.sum()) == pytest.approx(round(sum(parts) / 10 ** (6 - decimals)) * 10.0**-decimals)
    assert (np.abs(shown - np.array(parts) / 1e6) <= 10.0**-decimals + 1e-9).all()


def test_the_150_mnkr_table_sums_to_150_in_kronor_and_in_mnkr():
    units = pd.DataFrame({"unit": list("abc"), "population": [1, 1, 1], "risk": [1.0, 1.0, 1.0]})
    out = al.allocate(units, al.AllocationParams(total=150))
    assert out["amount_kr"].tolist() == [50_000_000] * 3
    units = pd.DataFrame({"unit": list("abcdefg"), "population": [3, 5, 7, 11, 13, 17, 19], "risk": [1.0] * 7})
    out = al.allocate(units, al.AllocationParams(total=150))
    assert int(out["amount_kr"].sum()) == 150_000_000
    assert al.in_mnkr(out["amount_kr"].to_numpy(), 1).sum().round(1) == 150.0
