"""Relative risk: the one function the profile, the plans, Jämför and the PDF brief all use."""

import math

from hypothesis import given
from hypothesis import strategies as st

from lib.aggregate import relative_risk

positive = st.floats(min_value=1e-6, max_value=1e6, allow_nan=False)


@given(positive, positive)
def test_the_two_directions_are_reciprocal_around_100(value, reference):
    worse_high = relative_risk(value, reference, True)
    worse_low = relative_risk(value, reference, False)
    assert math.isclose(worse_high * worse_low, 100 * 100, rel_tol=1e-9)


def test_equal_to_the_reference_is_100_either_way():
    assert relative_risk(7.5, 7.5, True) == 100
    assert relative_risk(7.5, 7.5, False) == 100


def test_zero_is_no_risk_where_high_is_worse_and_blank_where_low_is_worse():
    assert relative_risk(0.0, 12.0, True) == 0
    assert math.isnan(relative_risk(0.0, 12.0, False))


def test_missing_negative_or_zero_reference_is_blank():
    for value, reference in ((float("nan"), 1.0), (1.0, float("nan")), (-1.0, 1.0), (1.0, 0.0), (float("inf"), 1.0)):
        assert math.isnan(relative_risk(value, reference, True))
