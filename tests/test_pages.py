"""AppTest smoke tests: every page renders without an exception, and the URL state drives the map page."""

from __future__ import annotations

import json

import pytest
from streamlit.testing.v1 import AppTest

from conftest import ROOT
from pages.common import PAGE_FILES


def open_page(path: str, editor: str | None = None, **query) -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    for key, value in query.items():
        at.query_params[key] = value
    if editor:
        at.session_state["_redigerare"] = editor
    at.run()
    if path != PAGE_FILES[0]:
        at.switch_page(path)
        at.run()
    return at


@pytest.mark.parametrize("path", PAGE_FILES)
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


def test_map_page_reads_layer_and_year_from_the_url():
    at = open_page("pages/map.py", lager="Ohälsotal", ar="2016")
    assert at.selectbox(key="lager").value == "Ohälsotal"
    assert at.selectbox(key="ar").value == 2016
    assert any("Ohälsotal 2016" in m.value for m in at.markdown)
    assert any("Schematisk karta" in c.value for c in at.caption)


def test_map_page_ignores_an_unknown_layer_in_the_url():
    at = open_page("pages/map.py", lager="<script>")
    assert not at.exception
    assert at.selectbox(key="lager").value == at.selectbox(key="lager").options[0]


def test_map_page_year_choices_follow_the_indicator():
    at = open_page("pages/map.py", lager="Valdeltagande i kommunval")
    assert at.selectbox(key="ar").options == ["2018", "2014"]


def test_map_whole_city_view_names_the_highest_risk():
    at = open_page("pages/map.py", lager="Ekonomiskt bistånd", urval="Hela staden")
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


def test_index_page_refuses_anonymous_scenario_saving():
    at = open_page("pages/index_weights.py")
    button = next(b for b in at.button if b.label == "Spara nuvarande vikter")
    assert button.disabled
    assert any("inloggad som redigerare" in c.value for c in at.caption)


def test_index_page_saves_and_loads_a_scenario():
    at = open_page("pages/index_weights.py", editor="testare", vikt_forsorjning="9")
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
    at = open_page("pages/index_weights.py", visa="Urval")
    assert not at.exception, [e.value for e in at.exception]
    assert any(m.value == "**Vilka 22 skulle indexet välja?**" for m in at.markdown)
    assert any(m.label == "Samma som urvalet" for m in at.metric)


def test_index_page_views_map_and_uncertainty():
    """The ranking can be shown as a map (redrawn with the weights) or as the uncertainty of each place."""
    at = open_page("pages/index_weights.py", visa="Karta")
    assert not at.exception, [e.value for e in at.exception]
    deck = json.loads(at.get("deck_gl_json_chart")[0].proto.json)
    features = deck["layers"][0]["data"]["features"]
    assert len(features) == 117
    before = {f["properties"]["code"]: f["properties"]["fill"] for f in features}
    at.slider(key="vikt_forsorjning").set_value(10)
    at.slider(key="vikt_halsa").set_value(0)
    at.run()
    after = {
        f["properties"]["code"]: f["properties"]["fill"]
        for f in json.loads(at.get("deck_gl_json_chart")[0].proto.json)["layers"][0]["data"]["features"]
    }
    assert before != after
    assert any("plats 1 av" in f["properties"]["rank_text"] for f in features)

    at = open_page("pages/index_weights.py", visa="Osäkerhet")
    assert not at.exception, [e.value for e in at.exception]
    assert len(at.get("vega_lite_chart")) == 3  # share bar, rank bands, effective weights
    assert any("flyttar stadsdelarna i snitt" in m.value for m in at.markdown)


def test_profile_page_for_a_programme_stadsdel_from_the_url():
    at = open_page("pages/profile.py", stadsdel="Husby", ar="2018")
    assert not at.exception, [e.value for e in at.exception]
    assert any(s.value == "Husby · Rinkeby-Kista" for s in at.subheader)
    labels = {m.label: m.value for m in at.metric}
    assert labels["Plats"].endswith("av 106")
    assert "Folkmängd 2018" in labels
    indicators = at.dataframe[0].value
    assert len(indicators) == 17
    assert set(indicators["Status"]) == {"syntetisk"}
    refs = at.dataframe[-1].value
    assert (refs["Område"] == "Rinkeby-Kista").any()
    assert refs["Källa"].str.startswith("http").all()


def test_profile_page_for_a_stadsdel_without_statistics():
    at = open_page("pages/profile.py", stadsdel="Hansta")
    assert not at.exception
    assert any("färre än 1 000 invånare" in w.value for w in at.warning)


def test_profile_uses_the_weights_in_the_link():
    default = {m.label: m.value for m in open_page("pages/profile.py", stadsdel="Bredäng").metric}
    weighted = {
        m.label: m.value
        for m in open_page("pages/profile.py", stadsdel="Bredäng", vikt_sakerhet_trygghet="10", vikt_halsa="0").metric
    }
    assert default["Index"] != weighted["Index"]


def test_map_selection_via_the_selectbox_offers_the_profile():
    at = open_page("pages/map.py")
    at.selectbox(key="stadsdel").select("Tensta")
    at.run()
    assert not at.exception
    assert any(m.value.startswith("**Tensta** · Spånga-Tensta") for m in at.markdown)


def test_map_layers_and_fixed_classes():
    at = open_page("pages/map.py", lager="Område: Hälsa", klassning="Fasta gränser kring staden")
    assert not at.exception
    assert any("Område: Hälsa 2020" in m.value for m in at.markdown)
    at = open_page("pages/map.py", lager="Sammanvägt index", urvalsskifte="true")
    assert not at.exception
    assert any(m.value.startswith("**Skulle komma in:**") for m in at.markdown)


def test_map_fixed_classes_need_the_ratio_method():
    at = open_page("pages/map.py", klassning="Fasta gränser kring staden", metod="z-poäng")
    assert not at.exception
    assert any("kräver normaliseringen" in i.value for i in at.info)


def test_compare_two_stadsdelar_and_against_the_district():
    at = open_page("pages/compare.py", stadsdel="Rinkeby", stadsdel_b="Bromma kyrka")
    assert not at.exception
    table = at.dataframe[0].value
    assert {"Rinkeby", "Bromma kyrka"} <= set(table.columns)
    assert any(m.value.startswith("**Rinkeby har minst 10 % högre risk än Bromma kyrka i:**") for m in at.markdown)
    at = open_page("pages/compare.py", stadsdel="Rinkeby", jamfor="Stadsdel mot område och stad")
    assert not at.exception
    assert {"Rinkeby", "Rinkeby-Kista", "Programområdet", "Staden"} <= set(at.dataframe[0].value.columns)


def test_trends_page_from_the_url():
    at = open_page("pages/trends.py", indikator="Ohälsotal", stadsdelar=["Husby", "Skärholmen"])
    assert not at.exception, [e.value for e in at.exception]
    wide = at.dataframe[0].value
    assert list(wide.index) == ["Husby", "Skärholmen", "Programområdet", "Staden"]
    assert list(wide.columns) == [str(y) for y in range(2012, 2021)]
    assert any(m.value.startswith("Förändring 2014–2020") for m in at.markdown)


def test_goals_page_filters_by_body_and_place():
    at = open_page("pages/goals.py", ansvar="Farsta stadsdelsnämnd", utfall="Farsta")
    assert not at.exception, [e.value for e in at.exception]
    assert any(m.value.startswith("**Programmet") for m in at.markdown)
    assert any(s.value == "ILS-underlag för Farsta stadsdelsnämnd" for s in at.subheader)
    labels = at.selectbox(key="mal").options
    assert any("Ekonomiskt bistånd" in label for label in labels)
    assert not any("eftergymnasial utbildning" in label for label in labels)  # no stadsdelsnämnd involved


def test_goals_page_shows_a_delmal_with_its_indicator():
    at = open_page("pages/goals.py")
    target = next(o for o in at.selectbox(key="mal").options if o.startswith("D9"))
    at.selectbox(key="mal").select(target)
    at.run()
    assert not at.exception
    assert any("Ekonomiskt bistånd" in s.value or "ekonomiskt bistånd" in s.value for s in at.subheader)
    table = at.dataframe[0].value
    assert list(table["Indikator"]) == ["Ekonomiskt bistånd"]
    assert any("Stadsdelsnämnderna i programmet" in m.value for m in at.markdown)


def test_plans_page_is_read_only_without_an_editor():
    at = open_page("pages/plans.py", namnd="Farsta stadsdelsnämnd")
    assert not at.exception
    assert any("Logga in som redigerare" in i.value for i in at.info)
    assert next(b for b in at.button if b.label == "Spara prioriteringar").disabled
    assert any(m.value.startswith("**Farsta** har 10 stadsdelar") for m in at.markdown)


def test_plans_page_editor_saves_priorities_and_adds_an_activity(con):
    from lib import db

    at = open_page("pages/plans.py", editor="testare", namnd="Skärholmens stadsdelsnämnd")
    at.text_area[0].input("Arbete och försörjning; trygghet i Skärholmens centrum")
    next(b for b in at.button if b.label == "Spara prioriteringar").click()
    at.run()
    assert any(s.value == "Sparat." for s in at.success)
    form_inputs = [t for t in at.text_input if t.label == "Aktivitet"]
    form_inputs[0].input("Sommarlovsaktiviteter i Vårberg")
    next(b for b in at.button if b.label == "Lägg till").click()
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    plan = db.plan(con, "Skärholmens stadsdelsnämnd")
    assert "Sommarlovsaktiviteter i Vårberg" in set(plan["activities"]["title"])
    assert plan["text"]["text"].iloc[0].startswith("Arbete och försörjning")
    log = db.audit_log(con, "Skärholmens stadsdelsnämnd")
    assert set(log["editor"]) == {"testare"} and len(log) >= 2


def test_allocation_page_from_the_url():
    at = open_page("pages/allocation.py", enhet="Stadsdelar", exponent="2.0", golv="1.0")
    assert not at.exception, [e.value for e in at.exception]
    table = at.dataframe[0].value
    assert len(table) == 22
    assert table["Efter behov (mnkr)"].sum() == pytest.approx(150, abs=0.1)
    assert (table["Efter behov (mnkr)"] >= 1.0 - 1e-6).all()


def test_allocation_page_refuses_an_impossible_floor():
    at = open_page("pages/allocation.py", golv="40")
    assert any("Sänk golvet" in e.value for e in at.error)


@pytest.mark.parametrize(
    "slide", ["1 Programmet", "2 Kartan", "3 Rangordningen", "4 En stadsdel", "5 Målen", "6 Pengarna"]
)
def test_presentation_slides_render(slide):
    at = open_page("pages/present.py", present="1", bild=slide)
    assert not at.exception, [e.value for e in at.exception]
    assert at.title


def test_presentation_next_button_moves_on():
    at = open_page("pages/present.py", present="1")
    next(b for b in at.button if b.label == "Nästa ▶").click()
    at.run()
    assert at.segmented_control(key="bild").value == "2 Kartan"


def test_data_page_rejects_a_malformed_upload_and_changes_nothing(con):
    from lib import db

    before = db.data_status(con)
    at = open_page("pages/data_sources.py", editor="testare")
    raw = (ROOT / "tests" / "import_corpus" / "unknown_area.csv").read_bytes()
    at.get("file_uploader")[0].set_value(("unknown_area.csv", raw, "text/csv"))
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    assert any("kan inte läsas in" in e.value for e in at.error)
    problems = at.dataframe[-1].value
    assert any("Okänd stadsdel ”Atlantis”" in p for p in problems["Problem"])
    assert db.data_status(con) == before
