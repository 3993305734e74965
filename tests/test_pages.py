"""AppTest smoke tests: every page renders without an exception, and the URL state drives the map page."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from conftest import ROOT

PAGES = ["pages/overview.py", "pages/map.py", "pages/data_sources.py"]


def open_page(path: str, **query) -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    for key, value in query.items():
        at.query_params[key] = value
    at.run()
    if path != PAGES[0]:
        at.switch_page(path)
        at.run()
    return at


@pytest.mark.parametrize("path", PAGES)
def test_page_renders_without_exception(path):
    at = open_page(path)
    assert not at.exception, [e.value for e in at.exception]
    assert at.title


def test_overview_lists_the_22_preliminary_stadsdelar():
    at = open_page("pages/overview.py")
    text = " ".join(m.value for m in at.markdown)
    for name in ("Rinkeby", "Tensta", "Hökarängen", "Östberga", "Hässelby strand"):
        assert name in text
    assert "preliminärt" in " ".join(s.value for s in at.subheader)
    labels = {m.label: m.value for m in at.metric}
    assert labels["Verkliga"] == "0"


def test_map_page_reads_indicator_and_year_from_the_url():
    at = open_page("pages/map.py", indikator="Ohälsotal", ar="2016")
    assert at.selectbox(key="indikator").value == "Ohälsotal"
    assert at.selectbox(key="ar").value == 2016
    assert any("Ohälsotal 2016" in m.value for m in at.markdown)
    assert any("Schematisk karta" in c.value for c in at.caption)


def test_map_page_ignores_an_unknown_indicator_in_the_url():
    at = open_page("pages/map.py", indikator="<script>")
    assert not at.exception
    assert at.selectbox(key="indikator").value == at.selectbox(key="indikator").options[0]


def test_map_page_year_choices_follow_the_indicator():
    at = open_page("pages/map.py", indikator="Valdeltagande i kommunval")
    assert at.selectbox(key="ar").options == ["2018", "2014"]


def test_map_whole_city_view_names_the_highest_risk():
    at = open_page("pages/map.py", indikator="Ekonomiskt bistånd", urval="Hela staden")
    assert not at.exception
    assert any(m.value.startswith("**Högst risk") for m in at.markdown)


def test_data_page_lists_the_catalogue_and_sources():
    at = open_page("pages/data_sources.py")
    frames = [d.value for d in at.dataframe]
    catalogue = frames[0]
    assert len(catalogue) >= 14
    assert set(catalogue["Område"]) >= {"Sociala risker", "Hälsa", "Säkerhet och trygghet", "Försörjning"}
    assert catalogue["Källa (utgivare)"].str.len().gt(2).all()
    refs = frames[-1]
    assert len(refs) == 302
