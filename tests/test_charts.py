"""The charts as Vega-Lite data: what the slider-path specs encode, and that every chart speaks Swedish."""

from __future__ import annotations

import json
import re

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from lib import charts
from lib.charts import locale

AREAS = ["Sociala risker", "Hälsa", "Säkerhet och trygghet", "Försörjning"]
COLOURS = ["#1f4e8c", "#2a9d8f", "#e9a03b", "#b5179e"]


def test_share_bar_is_a_picture_of_the_shares_in_slider_order():
    svg = charts.share_bar_svg([0.5, 0.0, 0.25, 0.25], COLOURS, width=200)
    rects = re.findall(r'<rect x="([\d.]+)" y="0" width="([\d.]+)" height="22" fill="([^"]+)"', svg)
    # a share of zero draws nothing; the rest lie side by side, left to right, and fill the width
    assert [(float(x), float(w), c) for x, w, c in rects] == [
        (0.0, 100.0, COLOURS[0]),
        (100.0, 50.0, COLOURS[2]),
        (150.0, 50.0, COLOURS[3]),
    ]
    assert 'viewBox="0 0 200 22"' in svg
    assert "&lt;b&gt;" in charts.share_bar_svg([1.0], ["<b>"]), "a colour is text, never markup"
    assert "<rect" not in charts.share_bar_svg([0.0, 0.0], COLOURS[:2]), "nothing to draw, no error"
    with pytest.raises(ValueError):
        charts.share_bar_svg([1.0], COLOURS)


@given(st.lists(st.floats(0, 1e6), min_size=1, max_size=8))
def test_share_bar_segments_never_overlap_and_fill_the_bar(shares):
    svg = charts.share_bar_svg(shares, ["#000"] * len(shares), width=300)
    rects = [(float(x), float(w)) for x, w in re.findall(r'<rect x="([\d.]+)" y="0" width="([\d.]+)"', svg)]
    for (x0, w0), (x1, _) in zip(rects, rects[1:], strict=False):
        assert x1 == pytest.approx(x0 + w0, abs=0.02)
    if sum(shares) > 0:
        assert sum(w for _, w in rects) == pytest.approx(300, abs=0.1)


def test_rank_bands_keep_the_ranking_order_and_a_shared_scale():
    order = ["Sätra", "Akalla", "Husby"]
    spec = charts.rank_bands(order, x_max=12)
    layers = spec["layer"]
    assert [layer["mark"]["type"] for layer in layers] == ["rule", "rule", "tick", "point"]
    assert all(layer["encoding"]["y"]["sort"] == order for layer in layers)
    assert layers[0]["encoding"]["x"]["scale"] == layers[1]["encoding"]["x"]["scale"] == {"domain": [0, 12]}
    assert spec["height"] == 24 * 3 + 40


def test_effective_weights_sorted_by_weight_and_sized_by_rows():
    spec = charts.effective_weights(16, AREAS, COLOURS)
    assert spec["encoding"]["y"]["sort"] == "-x"
    assert spec["encoding"]["x"]["axis"]["format"] == "%"
    assert spec["height"] == 24 * 16 + 20


# --- every chart: the Swedish locale, formats from the indicator's decimals, Swedish tooltips -------------------


def _spec(chart) -> dict:
    return chart.to_dict() if hasattr(chart, "to_dict") else chart


def _walk(node):
    """Every dict inside a spec (layers, facets, encodings)."""
    if isinstance(node, dict):
        yield node
        for value in node.values():
            yield from _walk(value)
    elif isinstance(node, list):
        for value in node:
            yield from _walk(value)


def _tooltips(spec: dict) -> list[dict]:
    found = []
    for node in _walk(spec):
        tips = node.get("tooltip")
        if isinstance(tips, list):
            found += [t for t in tips if isinstance(t, dict)]
    return found


TREND = pd.DataFrame(
    {
        "serie": ["Rinkeby", "Rinkeby", "Staden", "Staden"],
        "year": [2014, 2025, 2014, 2025],
        "value": [12.04, 20.0, 8.5, 9.25],
        "status": ["syntetiskt", "verkligt", "syntetiskt", "verkligt"],
        "source": ["a", "b", "a", "b"],
    }
)
MARKS = pd.DataFrame({"year": [2014, 2015], "vad": ["Basår", "Programstart"]})


def all_charts() -> dict[str, object]:
    dots = pd.DataFrame(
        {
            "indikator": ["A", "B"],
            "serie": ["X", "X"],
            "risk": [110.0, 90.0],
            "status": ["verkligt"] * 2,
            "år": [2025] * 2,
        }
    )
    summary = pd.DataFrame(
        {
            "nivå": ["Målområden", "Mål"],
            "status": ["✔ helt uppfyllt", "◐ delvis uppfyllt"],
            "antal": [1, 3],
            "ordning": ["a", "b"],
        }
    )
    area = pd.DataFrame({"område": ["Hälsa"], "poäng": [120.0], "programområdet": [110.0]})
    top = pd.DataFrame({"name": ["A"], "område": ["Hälsa"], "andel": [0.3]})
    profile_trend = TREND.assign(name="A", unit="%", värde=locale.value_text(TREND["value"], 1))
    return {
        "rank_bands": charts.rank_bands(["A"], 3),
        "effective_weights": charts.effective_weights(2, AREAS, COLOURS),
        "compare_risk": charts.compare_risk(dots, ["A", "B"], ["X"], ["#000"]),
        "trend_lines": charts.trend_lines(
            TREND, ["Rinkeby", "Staden"], ["#b00", "#222"], ["Staden"], "% av x", 2, MARKS
        ),
        "allocation_bars": charts.allocation_bars(
            pd.DataFrame({"unit": ["U"], "metod": ["Efter behov"], "mnkr": [12.5]}), ["U"], ["Efter behov"], "Nämnd"
        ),
        "goal_status_bar": charts.goal_status_bar(
            summary, ["Målområden", "Mål", "Delmål"], ["✔ helt uppfyllt"], ["#0a0"]
        ),
        "goal_outcome": charts.goal_outcome(
            pd.DataFrame({"serie": ["Utfall"], "year": [2020], "value": [1.0]}), "%", "T", 2, ["Utfall", "Årsmål"]
        ),
        "profile_domains": charts.profile_domains(area, ["Hälsa"], ["#000"], True),
        "profile_contributions": charts.profile_contributions(top, ["Hälsa"], ["#000"]),
        "profile_trends": charts.profile_trends(
            profile_trend, {"Rinkeby": "#b00", "Staden": "#222"}, ["A"], [2014, 2025], MARKS
        ),
        "slide_domains": charts.slide_domains(area),
        "slide_allocation": charts.slide_allocation(pd.DataFrame({"unit": ["U"], "amount": [40.8]})),
    }


@pytest.mark.parametrize("name", list(all_charts()))
def test_every_chart_carries_the_swedish_locale(name):
    spec = _spec(all_charts()[name])
    number = spec["config"]["locale"]["number"]
    assert number["decimal"] == "," and number["thousands"] == "\u202f" and number["grouping"] == [3]
    assert number["currency"] == ["", "\u00a0kr"] and number["minus"] == "\u2212"
    time = spec["config"]["locale"]["time"]
    assert time["months"][0] == "januari" and time["shortDays"][1] == "mån"
    json.dumps(spec)  # plain data all the way down: what Streamlit sends


@pytest.mark.parametrize("name", list(all_charts()))
def test_every_tooltip_has_a_swedish_title(name):
    tips = _tooltips(_spec(all_charts()[name]))
    assert tips, name
    for tip in tips:
        title = tip.get("title")
        assert title and title[0].isupper(), (name, tip)  # no raw column names such as "unit", "mnkr", "count"


def test_formats_follow_the_indicator_decimals():
    assert locale.number_format(0) == ",.0f" and locale.number_format(2) == ",.2f"
    assert locale.percent_format(1) == ".1%"
    spec = _spec(charts.trend_lines(TREND, ["Rinkeby", "Staden"], ["#b00", "#222"], ["Staden"], "% av x", 2, MARKS))
    value = next(t for t in _tooltips(spec) if t["field"] == "value")
    assert value["format"] == ",.2f" and value["title"] == "Värde (% av x)"
    outcome = charts.goal_outcome(
        pd.DataFrame({"serie": ["Utfall"], "year": [2020], "value": [1.0]}), "dagar", "T", 0, ["Utfall", "Årsmål"]
    )
    assert next(t for t in _tooltips(_spec(outcome)) if t["field"] == "value")["format"] == ",.0f"


def test_value_text_uses_each_rows_own_decimals():
    assert locale.value_text([12.04, 1500.0, None], [1, 0, 2]) == ["12,0", "1\u202f500", "–"]
    assert locale.value_text(pd.Series([0.5]), 2) == ["0,50"]


def test_a_change_of_a_share_is_counted_in_procentenheter():
    assert locale.change_unit("% av befolkningen") == "procentenheter"
    assert locale.change_unit("dagar per person 16–64 år") == "dagar per person 16–64 år"


def test_goal_status_bar_gives_each_level_a_row_of_its_own():
    summary = pd.DataFrame(
        {"nivå": ["Målområden", "Mål", "Delmål"], "status": ["s"] * 3, "antal": [1, 2, 3], "ordning": ["a"] * 3}
    )
    spec = _spec(charts.goal_status_bar(summary, ["Målområden", "Mål", "Delmål"], ["s"], ["#000"]))
    assert spec["height"] == {"step": 40}
    y = spec["layer"][0]["encoding"]["y"]
    assert y["axis"]["labelLimit"] >= len("Målområden") * 10 and y["scale"]["paddingInner"] > 0


def test_long_names_have_room_before_vega_cuts_them():
    spec = _spec(all_charts()["compare_risk"])
    y = next(n["y"] for n in _walk(spec) if isinstance(n.get("y"), dict) and n["y"].get("field") == "indikator")
    assert y["axis"]["labelLimit"] >= 300
