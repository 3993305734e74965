"""Classification and legend: fixed expected breaks, and properties that hold for any data."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from lib import classify
from lib.fmt import number

VALUES = np.array([1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 9.0, 10.0])


def test_quantile_breaks():
    cls = classify.classify(VALUES, "quantiles", k=5)
    np.testing.assert_allclose(cls.bounds, [2.8, 4.6, 6.4, 8.2, 10.0])
    assert cls.bins.tolist() == [0, 0, 1, 1, 2, 2, 3, 3, 4, 4]


def test_equal_interval_breaks():
    cls = classify.classify(VALUES, "equal_interval", k=3)
    np.testing.assert_allclose(cls.bounds, [4.0, 7.0, 10.0])
    assert cls.bins.tolist() == [0, 0, 0, 0, 1, 1, 1, 2, 2, 2]


def test_natural_breaks_find_the_gap():
    cls = classify.classify(np.array([1.0, 1.1, 1.2, 9.0, 9.1, 9.3]), "natural_breaks", k=2)
    assert cls.bins.tolist() == [0, 0, 0, 1, 1, 1]


def test_missing_values_get_no_class():
    cls = classify.classify(np.array([1.0, np.nan, 3.0, 4.0]), "quantiles", k=2)
    assert cls.bins[1] == -1
    assert (cls.bins[[0, 2, 3]] >= 0).all()


def test_few_distinct_values_reduce_the_class_count():
    cls = classify.classify(np.array([5.0, 5.0, 5.0]), "quantiles", k=5)
    assert cls.k == 1 and cls.bins.tolist() == [0, 0, 0]
    assert classify.classify(np.array([np.nan]), "quantiles").k == 0


def test_fixed_classes_around_the_city_level():
    cls = classify.classify_fixed(np.array([85.0, 90.0, 100.0, 125.0, 149.0, 151.0, np.nan]))
    assert cls.bins.tolist() == [0, 0, 1, 2, 3, 4, -1]
    assert classify.legend_labels(cls, 0) == ["högst 90", "90–110", "110–130", "130–150", "över 150"]
    assert classify.legend_table(cls, 0, True)["count"].tolist() == [2, 1, 1, 1, 1]


def test_unknown_scheme_is_rejected():
    with pytest.raises(ValueError, match="Okänd klassning"):
        classify.classify(VALUES, "astrology")


def test_legend_labels_are_swedish_ranges():
    cls = classify.classify(VALUES, "equal_interval", k=3)
    assert classify.legend_labels(cls, 1) == ["1,0–4,0", "4,0–7,0", "7,0–10,0"]


def test_risk_order_flips_when_low_is_bad():
    cls = classify.classify(VALUES, "equal_interval", k=3)
    assert classify.risk_order(cls, True).tolist() == cls.bins.tolist()
    assert classify.risk_order(cls, False).tolist() == [2, 2, 2, 2, 1, 1, 1, 0, 0, 0]


def test_legend_table_puts_the_darkest_colour_on_the_riskiest_class():
    cls = classify.classify(VALUES, "equal_interval", k=3)
    worse_high = classify.legend_table(cls, 1, True)
    worse_low = classify.legend_table(cls, 1, False)
    dark = classify.palette(3)[-1]
    assert worse_high.iloc[-1]["colour"] == dark
    assert worse_low.iloc[0]["colour"] == dark
    assert worse_high["count"].sum() == 10


@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.floats(-1e6, 1e6, allow_nan=False), min_size=1, max_size=60),
    st.sampled_from([s for s in classify.SCHEMES if s != "fixed"]),
    st.integers(1, 5),
)
def test_every_value_falls_inside_its_class(values, scheme, k):
    arr = np.asarray(values)
    cls = classify.classify(arr, scheme, k)
    assert 1 <= cls.k <= k
    assert (np.diff(cls.bounds) >= 0).all()
    edges = (cls.lower, *cls.bounds)
    for v, b in zip(arr, cls.bins, strict=True):
        assert 0 <= b < cls.k
        assert v <= edges[b + 1] + 1e-9 * max(1.0, abs(v))
        if b > 0:
            assert v > edges[b] - 1e-9 * max(1.0, abs(v))
    assert len(classify.legend_labels(cls)) == cls.k
    assert len(classify.palette(cls.k)) == cls.k


@pytest.mark.parametrize(
    ("value", "decimals", "text"),
    [(12345.678, 1, "12\u202f345,7"), (0.5, 2, "0,50"), (-3.0, 0, "-3"), (None, 1, "–"), (float("nan"), 1, "–")],
)
def test_swedish_number_format(value, decimals, text):
    assert number(value, decimals) == text


def _distinct(bounds) -> np.ndarray:
    """Class bounds with near-equal neighbours merged: mapclassify may give two bounds a few ulps apart where ours
    gives one (e.g. quantiles over 0, 5e-194, 5e-194, 5e-194, 1), which is the same classification."""
    values = np.unique(np.asarray(bounds, dtype=float))
    keep = np.ones(len(values), dtype=bool)
    keep[1:] = ~np.isclose(values[1:], values[:-1], rtol=1e-9, atol=1e-6)
    return values[keep]


@given(
    # No subnormal floats: the reference itself fails on them (mapclassify's equal interval calls np.arange with a
    # step of ~1e-324 and raises), while no indicator value comes near that.
    st.lists(st.floats(-1e6, 1e6, allow_nan=False, allow_subnormal=False), min_size=2, max_size=60),
    st.sampled_from(["quantiles", "equal_interval"]),
    st.integers(2, 7),
)
@settings(max_examples=150, deadline=None)
def test_numpy_breaks_match_mapclassify(values, scheme, k):
    """Quantiles and equal intervals are written out (fast start); they must give mapclassify's breaks."""
    import warnings

    import mapclassify

    assume(len(set(values)) >= k)  # classify() lowers k to the number of distinct values first
    arr = np.array(values)
    ours = classify.quantile_bounds(arr, k) if scheme == "quantiles" else classify.equal_interval_bounds(arr, k)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        theirs = (mapclassify.Quantiles if scheme == "quantiles" else mapclassify.EqualInterval)(arr, k=k).bins
    np.testing.assert_allclose(_distinct(ours), _distinct(theirs), rtol=1e-9, atol=1e-6)
