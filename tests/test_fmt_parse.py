"""Reading numbers as a Swedish reader types them (`lib.fmt.parse_number`)."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lib import fmt


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("1,5", 1.5),
        ("1 500,5", 1500.5),
        ("1\u00a0500,5", 1500.5),
        ("1\u202f500,5", 1500.5),
        ("1\u2009500,5", 1500.5),
        ("1500.5", 1500.5),
        ("150", 150.0),
        ("150.0", 150.0),
        ("-2", -2.0),
        ("\u22122,25", -2.25),
        (" 12 345 678 ", 12_345_678.0),
        (2.5, 2.5),
    ],
)
def test_accepts_what_a_swedish_reader_writes(text, value):
    assert fmt.parse_number(text) == value


@pytest.mark.parametrize(
    "text", ["1,5,5", "abc", "1e400", "1e3", "nan", "NaN", "inf", "-inf", "", "  ", None, "1 5", "1.500,5", "-", ","]
)
def test_refuses_anything_else_in_swedish(text):
    with pytest.raises(ValueError, match="tal"):
        fmt.parse_number(text)


def test_refuses_huge_and_non_finite_values():
    with pytest.raises(ValueError):
        fmt.parse_number("9" * 400)
    with pytest.raises(ValueError):
        fmt.parse_number(float("nan"))


def test_bounds_and_the_read_back():
    assert fmt.parse_amount("1,5", 0, 10, "mnkr") == 1.5
    with pytest.raises(ValueError, match="0,5 mnkr ligger utanför det tillåtna 1–10\u202f000 mnkr"):
        fmt.parse_amount("0,5", 1, 10_000, "mnkr")
    assert fmt.understood(1.5, "mnkr") == "1,5 mnkr"
    assert fmt.understood(1500.5) == "1\u202f500,5"
    assert fmt.understood(150.0, "mnkr") == "150 mnkr"


@settings(max_examples=300, deadline=None)
@given(st.floats(-1e12, 1e12, allow_nan=False), st.integers(0, 4))
def test_format_then_parse_round_trips(value, decimals):
    text = fmt.number(value, decimals)
    assert fmt.parse_number(text) == float(f"{value:.{decimals}f}")


@settings(max_examples=200, deadline=None)
@given(st.floats(-1e9, 1e9, allow_nan=False))
def test_the_read_back_parses_to_the_same_value(value):
    value = round(value, 6)
    assert fmt.parse_number(fmt.understood(value)) == pytest.approx(value, abs=1e-6)
