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


def ranking(at: AppTest):
    return at.dataframe[0].value


def test_index_page_moving_a_slider_changes_the_ranking():
    at = open_page("pages/index_weights.py")
    assert not at.exception, [e.value for e in at.exception]
    before = ranking(at)
    assert set(before["Ändring"]) == {"–"}
    at.slider(key="vikt_sakerhet_trygghet").set_value(10)
    at.slider(key="vikt_halsa").set_value(0)
    at.run()
    after = ranking(at)
    assert not before["Index"].equals(after["Index"])
    assert (after["Ändring"] != "–").any()
    assert any("Säkerhet och trygghet **50 %**" in c.value for c in at.caption)


def test_index_page_url_reproduces_the_view():
    at = open_page("pages/index_weights.py", vikt_forsorjning="10", jamforelse="Programmet (22)", ar="2016")
    assert not at.exception
    assert at.slider(key="vikt_forsorjning").value == 10
    assert len(ranking(at)) == 22
    assert any("Rangordning 2016 – programmet (22)" in s.value for s in at.subheader)


def test_index_page_reset_restores_the_decided_weights():
    at = open_page("pages/index_weights.py", vikt_halsa="0")
    assert at.slider(key="vikt_halsa").value == 0
    next(b for b in at.button if b.label == "Återställ beslutade vikter").click()
    at.run()
    assert at.slider(key="vikt_halsa").value == 5
    assert set(ranking(at)["Ändring"]) == {"–"}


def test_index_page_saves_and_loads_a_scenario():
    at = open_page("pages/index_weights.py", vikt_forsorjning="9")
    at.text_input[0].input("Försörjning först")
    next(b for b in at.button if b.label == "Spara nuvarande vikter").click()
    at.run()
    assert any("Sparade ”Försörjning först”" in s.value for s in at.success)
    at.slider(key="vikt_forsorjning").set_value(2)
    at.run()
    at.selectbox(key="scenario_val").select("Försörjning först")
    at.run()
    next(b for b in at.button if b.label == "Läs in").click()
    at.run()
    assert at.slider(key="vikt_forsorjning").value == 9


def test_index_page_shows_the_urval_comparison():
    at = open_page("pages/index_weights.py")
    assert any(s.value == "Vilka 22 skulle indexet välja?" for s in at.subheader)
    assert any(m.label == "Samma som urvalet" for m in at.metric)
