"""A chart drawn from its cached spec (`ui.cached_views.chart` of `streamlit_compat.altair_spec`) must be the very
element `st.altair_chart` draws: the pages cache specs instead of charts, and nothing on screen may change."""

from __future__ import annotations

from streamlit.testing.v1 import AppTest


def _script() -> None:
    import altair as alt
    import pandas as pd
    import streamlit as st

    from ui import cached_views
    from ui.streamlit_compat import altair_spec

    data = pd.DataFrame({"year": [2015, 2020, 2025], "value": [1.5, None, 2.25], "serie": ["Rinkeby"] * 3})
    line = alt.Chart().mark_line().encode(x="year:O", y="value:Q", color="serie:N")
    rule = alt.Chart(pd.DataFrame({"year": [2015]})).mark_rule().encode(x="year:O")
    chart = alt.layer(line, rule, data=data).properties(width=200).facet(facet="serie:N", columns=3)
    st.altair_chart(chart, width="content")
    cached_views.chart(altair_spec(chart), width="content")
    simple = alt.Chart(data).mark_point().encode(x="year:O", y="value:Q")
    st.altair_chart(simple, width="stretch")
    cached_views.chart(altair_spec(simple), width="stretch")


def test_a_cached_spec_draws_the_same_element_as_altair_chart():
    at = AppTest.from_function(_script)
    at.run()
    assert not at.exception
    charts = at.get("vega_lite_chart")
    assert len(charts) == 4
    for first, second in ((charts[0], charts[1]), (charts[2], charts[3])):
        assert first.proto == second.proto
        assert first.proto.spec and first.proto.datasets
