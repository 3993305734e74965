"""AppTest smoke tests: every page renders without an exception, and the URL state drives the map page."""

from __future__ import annotations

import base64
import json
import re

import pytest
from streamlit.testing.v1 import AppTest

from conftest import ROOT
from ui.layout import PAGE_FILES


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


def test_overview_lists_the_22_preliminary_stadsdelar(con):
    from lib import db
    from lib.fmt import number

    at = open_page("pages/overview.py")
    text = " ".join(m.value for m in at.markdown)
    for name in ("Rinkeby", "Tensta", "Hökarängen", "Östberga", "Hässelby strand"):
        assert name in text
    assert "preliminärt" in " ".join(s.value for s in at.subheader)
    labels = {m.label: m.value for m in at.metric}
    status = db.data_status(con)
    assert status["real_values"] > 0  # SCB 2024/2025 and the city's population 2014–2016 ship with the app
    assert labels["Verkliga"] == number(status["real_values"], 0)
    assert labels["Syntetiska"] == number(status["synthetic_values"], 0)
    info = " ".join(i.value for i in at.info)
    assert f"**{number(status['real_values'], 0)} verkliga**" in info
    assert f"**{number(status['synthetic_values'], 0)} syntetiska**" in info
    assert "2015–2020 är fortfarande modellerad" in info and "SCB:s statistik 2024/2025" in info
    assert "folkmängd per stadsdel 2014–2016" in info


def test_overview_counts_what_the_synthetic_values_are_calibrated_to(con):
    from lib import db, reference
    from lib.config import YEARS

    targets = int(reference.is_calibration_target(db.reference_figures(con), YEARS).sum())
    at = open_page("pages/overview.py")
    shown = " ".join(w.value for w in [*at.warning, *at.caption])
    assert f"Av de 302 publicerade siffrorna mäter {targets} samma sak" in shown
    assert "andrahandskälla" in shown
    text = " ".join(m.value for m in at.markdown)
    assert "150 miljoner kronor föreslås" in text and "samlade uppföljningsansvaret" in text
    assert "bör stå i proportion" in text


def test_map_page_reads_layer_and_year_from_the_url():
    at = open_page("pages/map.py", lager="Ohälsotal", ar="2016")
    assert at.selectbox(key="lager").value == "Ohälsotal"
    assert at.selectbox(key="ar").value == 2016
    assert any("Ohälsotal 2016" in m.value for m in at.markdown)
    assert any("Kartdata: Stockholms stad, CC0" in c.value for c in at.caption)


def test_map_page_ignores_an_unknown_layer_in_the_url():
    at = open_page("pages/map.py", lager="<script>")
    assert not at.exception
    assert at.selectbox(key="lager").value == at.selectbox(key="lager").options[0]


def test_map_page_year_choices_follow_the_indicator():
    at = open_page("pages/map.py", lager="Valdeltagande i kommunval")
    assert at.selectbox(key="ar").options == ["2022", "2018", "2014"]  # election years, newest first


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
    assert set(refs["Källtyp"]) == {"förstahandskälla", "andrahandskälla"}
    assert (refs.loc[refs["Källa"].str.contains("wikipedia"), "Källtyp"] == "andrahandskälla").all()
    labels = {m.label: m.value for m in at.metric}
    assert int(labels["Varav kalibreringsmål"]) == (refs["Kalibrering"] == "ja").sum() < 302


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
    assert any("Säkerhet och trygghet **50\u00a0%**" in c.value for c in at.caption)


def test_index_page_url_reproduces_the_view():
    at = open_page("pages/index_weights.py", vikt_forsorjning="10", jamforelse="Programmet (22)", ar="2016")
    assert not at.exception
    assert at.slider(key="vikt_forsorjning").value == 10
    assert len(ranking(at)) == 22
    assert any("Rangordning 2016 – programmet (22)" in s.value for s in at.subheader)


def test_index_page_reset_restores_the_standard_weights():
    at = open_page("pages/index_weights.py", vikt_halsa="0")
    assert at.slider(key="vikt_halsa").value == 0
    next(b for b in at.button if b.label == "Återställ standardvikter").click()
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
    assert any(m.value == "**Samma som urvalet**" for m in at.markdown)
    picks = {m.label: m.value for m in at.metric}  # the number of the 22 the index picks, for both value switches
    assert set(picks) == {"Alla värden 2025", "Endast verkliga värden 2025"}
    assert all(v.endswith(" av 22") and 0 <= int(v.split()[0]) <= 22 for v in picks.values())
    text = " ".join(m.value for m in at.markdown)
    assert "**preliminära urval**" in text and "bör arbetets omfattning" in text
    assert "läser inte längre programmets lista" in text and "SCB:s siffror för 2024/2025" in text


def test_index_page_real_only_values():
    """?verkliga=Endast verkliga värden: only SCB's values, the missing areas said plainly and their sliders off."""
    from lib import index as ix
    from ui import urlstate, wording

    at = open_page("pages/index_weights.py", verkliga="Endast verkliga värden")
    assert not at.exception, [e.value for e in at.exception]
    assert at.segmented_control(key="verkliga").value == wording.REAL_ONLY
    assert any(
        i.value == "Hälsa och säkerhet och trygghet saknar verkliga data på stadsdelsnivå – indexet bygger här på "
        "försörjning och sociala risker."
        for i in at.info
    )
    assert at.slider(key="vikt_halsa").disabled and at.slider(key="vikt_sakerhet_trygghet").disabled
    assert not at.slider(key="vikt_forsorjning").disabled
    at.toggle(key="visa_alla").set_value(True)
    at.run()
    table = ranking(at)
    assert len(table) == 111  # six small stadsdelar have no DeSO of their own, so no SCB value
    assert set(table["Syntetiska"]) == {"0 av 5"}  # every ranked value is real
    assert set(table["Täckning"]) == {"25,0 %"}  # 5 of the 20 index indicators, decimal comma
    params = at.session_state[urlstate.LAST_INDEX_PARAMS]
    assert isinstance(params, ix.IndexParams) and params.real_only and params.level == "stadsdel"
    assert params.year == 2025 and at.selectbox(key="ar").options == ["2025", "2024"]


def test_index_page_params_are_what_the_url_says():
    """The index the page computes is the one its link describes (urlstate.index_params_from)."""
    from ui import urlstate

    query = {"niva": "DeSO", "vikt_forsorjning": "8", "ind_arbetsloshet_scb": "3", "metod": "z-poäng"}
    at = open_page("pages/index_weights.py", **query)
    assert not at.exception, [e.value for e in at.exception]
    params = at.session_state[urlstate.LAST_INDEX_PARAMS]
    assert params == urlstate.index_params_from(query, params.year)
    assert urlstate.index_query(params) == query


def test_index_page_year_follows_the_level_in_view_and_url():
    at = open_page("pages/index_weights.py", ar="2016")
    assert at.selectbox(key="ar").value == 2016
    at.segmented_control(key="niva").set_value("DeSO")
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    assert at.selectbox(key="ar").options == ["2025", "2024"] and at.selectbox(key="ar").value == 2025
    assert "ar" not in at.query_params  # the URL says what is shown: the latest year, the default
    assert at.session_state["_senaste_index"].year == 2025


def test_index_page_ranks_the_544_deso():
    at = open_page("pages/index_weights.py", niva="DeSO")
    assert not at.exception, [e.value for e in at.exception]
    assert at.segmented_control(key="niva").value == "DeSO"
    assert at.segmented_control(key="verkliga").disabled  # every value at DeSO level is real
    assert any("saknar verkliga data på DeSO-nivå" in i.value for i in at.info)
    assert at.slider(key="vikt_halsa").disabled
    at.toggle(key="visa_alla").set_value(True)
    at.run()
    table = ranking(at)
    assert len(table) == 544
    assert table["DeSO"].str.fullmatch(r".+ \(0180C\d{4}\)").all()  # RegSO name and DeSO code
    assert "Rinkeby (0180C6070)" in set(table["DeSO"])
    assert table["Stadsdel"].notna().all() and set(table["Syntetiska"]) == {"0 av 5"}
    assert any(s.value == "Rangordning 2025 – DeSO i hela staden" for s in at.subheader)


def test_index_page_deso_map():
    at = open_page("pages/index_weights.py", niva="DeSO", visa="Karta")
    assert not at.exception, [e.value for e in at.exception]
    chart = at.get("deck_gl_json_chart")[0].proto
    assert len(chart.json.encode()) <= 150_000  # what a weight change sends at DeSO level
    deck = json.loads(chart.json)
    rows = next(layer for layer in deck["layers"] if layer["id"] == "deso")["data"]
    assert len({r["code"] for r in rows}) == 544
    rinkeby = next(r for r in rows if r["code"] == "0180C6070")
    assert rinkeby["n"] == "Rinkeby" and rinkeby["s"] == "Rinkeby" and "r" not in rinkeby  # rank: in the table
    assert "verkliga värden" in json.loads(chart.tooltip)["html"]


def test_index_page_validation_against_scb():
    at = open_page("pages/index_weights.py", visa="Validering")
    assert not at.exception, [e.value for e in at.exception]
    labels = {m.label: m.value for m in at.metric}
    rho = labels["Rangkorrelation (Spearman)"]
    assert re.fullmatch(r"0,\d\d|1,00", rho)
    assert 0.5 <= float(rho.replace(",", ".")) <= 1
    assert labels["Samma klass"].endswith(" %")
    cross, gaps = at.dataframe[0].value, at.dataframe[1].value
    assert list(cross.columns) == ["Indexklass", "Typ 1", "Typ 2", "Typ 3", "Typ 4", "Typ 5"]
    assert cross["Indexklass"].iloc[0].startswith("1 (") and len(cross) == 5
    assert any("Typ 1 = stora socioekonomiska utmaningar" in c.value for c in at.caption)
    assert list(gaps.columns[:5]) == ["RegSO", "Stadsdel", "Plats i indexet", "Indexklass", "SCB:s typ"]
    assert len(gaps) >= 1 and gaps["RegSO"].str.len().gt(0).all()
    assert any("SCB, socioekonomisk områdestyp per RegSO (CC0)" in c.value for c in at.caption)
    at.segmented_control(key="omradestyp_ar").set_value(2022)
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    assert any("SCB:s indelning 2022" in m.value for m in at.markdown)


def test_programme_brief_at_deso_level_has_the_validation():
    """The PDF brief follows the link's level and value switch, marks real values and carries the validation."""
    import io

    from pypdf import PdfReader

    def script():
        import streamlit as st

        from ui import briefs

        st.session_state["pdf"] = briefs.programme_brief_pdf(2025)

    for query, expected in (
        ({"niva": "DeSO"}, ("Nivå: DeSO", "alla verkliga", "Rinkeby (0180C")),
        ({"verkliga": "Endast verkliga värden"}, ("endast verkliga", "saknar verkliga data på stadsdelsnivå")),
    ):
        at = AppTest.from_function(script, default_timeout=120)
        for key, value in query.items():
            at.query_params[key] = value
        at.run()
        assert not at.exception, [e.value for e in at.exception]
        text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(at.session_state["pdf"])).pages)
        for part in (*expected, "Validering", "Spearman", "Indexklass", "Typ 1 = stora", "preliminärt"):
            assert part in text, part


def map_features(at: AppTest) -> list[dict]:
    """The features of the map's unit layer (the water is drawn under it, in a layer of its own)."""
    from lib.mapview import AREA_LAYER_ID

    deck = json.loads(at.get("deck_gl_json_chart")[0].proto.json)
    return next(layer for layer in deck["layers"] if layer["id"] == AREA_LAYER_ID)["data"]["features"]


def test_index_page_views_map_and_uncertainty():
    """The ranking can be shown as a map (redrawn with the weights) or as the uncertainty of each place."""
    at = open_page("pages/index_weights.py", visa="Karta")
    assert not at.exception, [e.value for e in at.exception]
    features = map_features(at)
    assert len(features) == 117
    before = {f["properties"]["code"]: f["properties"]["fill"] for f in features}
    at.slider(key="vikt_forsorjning").set_value(10)
    at.slider(key="vikt_halsa").set_value(0)
    at.run()
    after = {f["properties"]["code"]: f["properties"]["fill"] for f in map_features(at)}
    assert before != after
    assert any("plats 1 av" in f["properties"]["rank_text"] for f in features)

    at = open_page("pages/index_weights.py", visa="Osäkerhet")
    assert not at.exception, [e.value for e in at.exception]
    assert len(at.get("vega_lite_chart")) == 2  # rank bands, effective weights (the share bar is a picture)
    pictures = [
        base64.b64decode(img.url.split(",", 1)[1]).decode()
        for el in at.get("image")
        for img in el.proto.imgs
        if img.url.startswith("data:image/svg+xml;base64,")
    ]
    from ui.weights import DOMAIN_COLOURS

    assert any(all(f'fill="{c}"' in svg for c in DOMAIN_COLOURS) for svg in pictures), "the share bar, four areas"
    assert any("flyttar stadsdelarna i snitt" in m.value for m in at.markdown)


def test_profile_page_for_a_programme_stadsdel_from_the_url(con):
    from lib import db, levels
    from lib import index as ix
    from ui.urlstate import index_params_from

    at = open_page("pages/profile.py", stadsdel="Husby", ar="2018")
    assert not at.exception, [e.value for e in at.exception]
    assert any(s.value == "Husby · Rinkeby-Kista" for s in at.subheader)
    labels = {m.label: m.value for m in at.metric}
    fw = ix.Framework.from_meta(db.indicators(con), list(db.domains(con)["code"]))
    data, used = ix.build_index_data(levels.values(con, "stadsdel"), levels.units(con, "stadsdel"), fw, 2018)
    ranked = int(ix.compute_index(data, used, index_params_from({}, 2018)).scores["rank"].notna().sum())
    assert labels["Plats"].endswith(f"av {ranked}")
    assert "Folkmängd 2018" in labels
    indicators = at.dataframe[0].value
    assert len(indicators) == 17  # the indicators measured by 2018; SCB's new measures start in 2024
    assert set(indicators["Status"]) == {"syntetiskt"}  # real stadsdel data for 2018 do not exist
    assert indicators["År"].max() == 2018
    refs = at.dataframe[-1].value
    assert (refs["Område"] == "Rinkeby-Kista").any()
    assert refs["Källa"].str.startswith("http").all()
    assert set(refs["Källtyp"]) == {"förstahandskälla", "andrahandskälla"}  # e.g. a copy on studylibsv.com


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
    assert any("Område: Hälsa 2025" in m.value for m in at.markdown)  # the newest year by default
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
    assert list(wide.columns) == [str(y) for y in range(2012, 2026)]
    assert any(m.value.startswith("Förändring 2014–2025") for m in at.markdown)


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
    assert list(table["Målvärdet"]) == ["illustrativt"]
    roles = next(m.value for m in at.markdown if "**Ansvarig:** Stadsdelsnämnderna i programmet" in m.value)
    assert "**Ansvarig:** Stadsdelsnämnderna i programmet  \n" in roles  # known from the referral answer
    assert "**Berörda:**" in roles and roles.endswith(":orange[(illustrativt)]")
    assert any("illustrativt: placeringen under målet, berörda, målvärdet" in m.value for m in at.markdown)


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


def click(at: AppTest, label: str) -> AppTest:
    next(b for b in at.button if b.label == label).click()
    return at.run()


def test_plans_page_a_save_against_a_row_someone_changed_is_refused_and_keeps_the_edit(con):
    """Two editors open the same activity; the first saves; the second's change of the same row is refused with
    the first editor's change shown (not "Inget att spara"), stays in the table, and is saved after a reload."""
    from lib import db, plans

    committee = "Rinkeby-Kista stadsdelsnämnd"
    row = plans.validate_activity({"title": "Läxhjälp i Husby", "owner": "Fritid", "status": "pågår", "budget": 1})
    db.apply_plan_changes(con, "anna", committee, "plan_activity", [row])
    anna = open_page("pages/plans.py", editor="anna", namnd=committee)
    bertil = open_page("pages/plans.py", editor="bertil", namnd=committee)
    key = f"akt_{committee}"

    anna.session_state[key] = {"edited_rows": {0: {"status": "klar"}}, "added_rows": [], "deleted_rows": []}
    click(anna.run(), "Spara ändringar i tabellen")
    assert [s.value for s in anna.success] == ["Sparat (1 ändring)."]

    bertil_edit = {"edited_rows": {0: {"owner": "Bertils enhet"}}, "added_rows": [], "deleted_rows": []}
    bertil.session_state[key] = bertil_edit
    bertil.run()
    assert any("anna har sparat ändringar i tabellen medan du redigerar" in w.value for w in bertil.warning)
    click(bertil, "Spara ändringar i tabellen")
    assert not bertil.exception, [e.value for e in bertil.exception]
    [error] = bertil.error
    assert "Ändringen sparades inte: **anna** har ändrat planen efter att du öppnade den" in error.value
    assert not any("Inget att spara" in m.value for m in [*bertil.info, *bertil.success])
    assert bertil.session_state[key] == bertil_edit  # the edit is still in the table, not reset
    conflict = next(d.value for d in bertil.dataframe if "Ändrad av" in d.value.columns)
    assert conflict.iloc[0].to_dict() | {"Tid": ""} == {
        "Rad": "Läxhjälp i Husby",
        "Ändrad av": "anna",
        "Tid": "",
        "Ändring": "status: pågår → klar",
    }
    assert "ändrad;Läxhjälp i Husby;Bertils enhet" in bertil.code[-1].value  # the unsaved change, to copy
    [stored] = db.plan(con, committee)["activities"].to_dict("records")
    assert (stored["owner"], stored["status"], stored["version"]) == ("Fritid", "klar", 2)

    click(bertil, "Ladda om planen")  # an explicit reload shows anna's row; then bertil's change saves
    assert not bertil.error
    table = next(d for d in bertil.data_editor if d.key.startswith("akt_"))
    assert table.value["status"].tolist() == ["klar"] and table.key != key
    bertil.session_state[table.key] = bertil_edit
    click(bertil.run(), "Spara ändringar i tabellen")
    assert [s.value for s in bertil.success] == ["Sparat (1 ändring)."]
    [stored] = db.plan(con, committee)["activities"].to_dict("records")
    assert (stored["owner"], stored["status"], stored["version"], stored["updated_by"]) == (
        "Bertils enhet",
        "klar",
        3,
        "bertil",
    )
    log = db.audit_log(con, committee)
    assert log["editor"].tolist() == ["bertil", "anna", "anna"]  # newest first: one row per saved change


def test_plans_page_a_stale_text_save_is_refused_and_keeps_the_text(con):
    from lib import db

    committee = "Spånga-Tensta stadsdelsnämnd"
    anna = open_page("pages/plans.py", editor="anna", namnd=committee)
    bertil = open_page("pages/plans.py", editor="bertil", namnd=committee)
    anna.text_area[0].input("Trygghet i Tensta centrum")
    click(anna, "Spara prioriteringar")
    assert [s.value for s in anna.success] == ["Sparat."]

    bertil.text_area[0].input("Arbete och försörjning")
    click(bertil, "Spara prioriteringar")
    [error] = bertil.error
    assert error.value.startswith("Texten sparades inte: **anna** sparade en annan version")
    assert bertil.text_area[0].value == "Arbete och försörjning"  # bertil's text stays where he wrote it
    assert bertil.code[0].value == "Trygghet i Tensta centrum"  # the other editor's text, shown
    assert db.plan(con, committee)["text"]["text"].tolist() == ["Trygghet i Tensta centrum"]

    click(bertil, "Spara min text ändå")  # having seen anna's text, bertil may replace it on purpose
    assert [s.value for s in bertil.success] == ["Sparat."] and not bertil.error
    assert db.plan(con, committee)["text"][["text", "version"]].values.tolist() == [["Arbete och försörjning", 2]]

    anna.text_area[0].input("Trygghet och arbete")
    click(anna, "Spara prioriteringar")
    assert "**bertil** sparade en annan version" in anna.error[0].value
    click(anna, "Ladda om texten")  # reload on request: the stored text replaces anna's
    assert not anna.error and anna.text_area[0].value == "Arbete och försörjning"


def test_allocation_page_from_the_url():
    at = open_page("pages/allocation.py", enhet="Stadsdelar", exponent="2,0", golv="1.0", troskel="0,50")
    assert not at.exception, [e.value for e in at.exception]
    assert at.select_slider(key="exponent").value == 2.0 and at.select_slider(key="troskel").value == 0.5
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


def test_profile_of_rinkeby_shows_real_and_model_side_by_side_and_polisen():
    at = open_page("pages/profile.py", stadsdel="Rinkeby")
    assert not at.exception, [e.value for e in at.exception]
    pairs = next(d.value for d in at.dataframe if "Modell (syntetisk)" in d.value.columns)
    row = pairs[(pairs["Indikator"] == "Förvärvsfrekvens 20–64 år") & (pairs["År"] == 2024)].iloc[0]
    assert row["Verkligt"] == "60,2 (SCB 2024)"  # SCB's employment rate 20–64, DeSO summed to the stadsdel
    assert row["Modell (syntetisk)"] == "56,8"
    assert row["Skillnad"] == "+3,5 procentenheter"
    assert row["Licens"] == "CC0 1.0"
    assert set(pairs.loc[pairs["Indikator"] == "Folkmängd", "År"]) == {2014, 2015, 2016, 2025}
    indicators = at.dataframe[0].value
    real = indicators[indicators["Status"] == "verkligt"]
    assert {"Låg ekonomisk standard", "Arbetslöshet 20–64 år (SCB)"} <= set(real["Indikator"])
    assert real["Källa och licens"].str.startswith("SCB (").all()
    assert real["Källa och licens"].str.endswith(" · CC0 1.0").all()
    assert (indicators.loc[indicators["Indikator"] == "Låg ekonomisk standard", "År"] == 2024).all()
    assert (indicators.loc[indicators["Status"] == "syntetiskt", "Källa och licens"].str.startswith("Syntetisk")).all()
    police = " ".join(m.value for m in at.markdown)
    assert "Polisen 2025: 100 % av DeSO 0180C6100 (RegSO Rinkeby) ligger i ett särskilt utsatt område." in police
    assert "DeSO 0180C6151 (del av DeSO 2018 0180C6150, RegSO Rinkeby)" in police
    assert any("ingen licens angiven av Polisen" in c.value for c in at.caption)
    deso = next(d.value for d in at.dataframe if "Andel i stadsdelen" in d.value.columns)
    assert len(deso) == 8 and deso["Låg ek. standard 2024, %"].str.contains(",").all()
    links = at.get("page_link")
    assert any(link.proto.query_string == "niva=DeSO&deso=0180C6070" for link in links)
    assert all(link.proto.page == "map" for link in links)


def test_profile_flags_low_overlap_deso_and_stadsdelar_without_deso():
    at = open_page("pages/profile.py", stadsdel="Olovslund")
    assert not at.exception, [e.value for e in at.exception]
    assert any("innehåller inget eget DeSO" in i.value for i in at.info)
    assert not at.get("page_link")


def test_trends_offers_the_real_only_and_context_indicators():
    at = open_page("pages/trends.py", indikator="Utländsk bakgrund")
    assert not at.exception, [e.value for e in at.exception]
    assert any("sammanhang, ingår inte i indexet" in c.value for c in at.caption)
    assert list(at.dataframe[0].value.columns) == ["2025"]
    at = open_page("pages/trends.py", indikator="Förvärvsfrekvens 20–64 år", stadsdelar=["Rinkeby"])
    assert not at.exception, [e.value for e in at.exception]
    shown = " ".join(c.value for c in at.caption)
    assert "verkliga värden: 2024" in shown and "syntetiska värden: 2012–2025" in shown
    assert "Fyllda punkter:" in shown


def test_compare_marks_each_value_with_its_year_and_status():
    at = open_page("pages/compare.py", stadsdel="Rinkeby", stadsdel_b="Bromma kyrka", ar="2025")
    assert not at.exception, [e.value for e in at.exception]
    table = at.dataframe[0].value.set_index("Indikator")
    assert table.loc["Låg ekonomisk standard", "Rinkeby: år, status"] == "2024 · verkligt"
    assert table.loc["Ohälsotal", "Rinkeby: år, status"] == "2025 · syntetiskt"
    assert table.loc["Utländsk bakgrund", "Område"] == "Sammanhang, ingår inte i indexet"


def test_data_page_lists_the_real_sources_with_licence_year_and_rows():
    from ui.layout import ATTRIBUTION_NOTE

    at = open_page("pages/data_sources.py")
    assert not at.exception, [e.value for e in at.exception]
    sources = at.table[0].value.reset_index()
    assert sources["Licens"].str.len().gt(0).all() and sources["År"].str.len().gt(0).all()
    assert sources["Rader"].ne("0").all()
    text = " ".join(sources["Innehåll"])
    for table in ("TAB6680", "TAB6683", "TAB6684", "TAB6685", "TAB6534"):
        assert table in text
    assert {"Stockholms stad, befolkning per basområde", "Polisen, utsatta och särskilt utsatta områden"} <= set(
        sources["Källa"]
    )
    assert sources.set_index("Källa").loc["Stockholms stad, befolkning per basområde", "År"] == "2014–2016"
    prose = " ".join(m.value for m in at.markdown)
    assert "9 av 544 DeSO överlappar" in prose
    assert "Farstanäset, Flaten, Olovslund, Riddarholmen, Skeppsholmen, Åkeshov" in prose
    assert "43 DeSO från 2025 ligger i 18 delade DeSO från 2018" in prose
    assert ATTRIBUTION_NOTE in " ".join([*(c.value for c in at.caption), prose])
    catalogue = at.dataframe[0].value.set_index("Indikator")
    assert catalogue.loc["Förvärvsfrekvens 20–64 år", "År, verkliga"] == "2024"
    assert catalogue.loc["Folkmängd", "År, verkliga"] == "2014–2016, 2025"
    assert catalogue.loc["Ohälsotal", "Verkliga värden, stadsdel"] == 0
    real = next(d.value for d in at.dataframe if "DeSO" in d.value.columns and "Licens" in d.value.columns)
    assert {"Källa", "Licens", "År"} <= set(real.columns) and real["Licens"].eq("CC0 1.0").all()


def map_deck(at: AppTest) -> tuple[str, dict]:
    """The map's deck JSON as sent on this rerun, and parsed."""
    spec = at.get("deck_gl_json_chart")[0].proto.json
    return spec, json.loads(spec)


def deso_rows(deck: dict) -> list[dict]:
    from lib.mapview import DESO_LAYER_ID

    return next(layer for layer in deck["layers"] if layer["id"] == DESO_LAYER_ID)["data"]


def test_map_level_switch_binds_niva_and_draws_the_544_deso():
    at = open_page("pages/map.py")
    level = at.segmented_control(key="niva")
    assert level.options == ["Stadsdel", "DeSO"] and level.proto.query_param_key == "niva"  # ?niva=… holds it
    level.set_value("DeSO")
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    assert at.segmented_control(key="niva").value == "DeSO"
    spec, deck = map_deck(at)
    rows = deso_rows(deck)
    assert len({r["code"] for r in rows}) == 544  # a DeSO of several islands has a row per part
    assert len(spec) <= 150 * 1024, len(spec)
    layers = at.selectbox(key="lager").options
    assert {"Område: Försörjning", "Område: Sociala risker", "Låg ekonomisk standard"} <= set(layers)
    assert "Sammanhang: Utländsk bakgrund" in layers and "Område: Hälsa" not in layers
    assert at.selectbox(key="ar").options == ["2025", "2024"]
    assert any("alla värden **verkliga**" in i.value for i in at.info)
    assert any("DeSO: SCB, CC0" in c.value and "Statistik: SCB (CC0)" in c.value for c in at.caption)
    # The URL alone reproduces the view: the same deck from ?niva=DeSO.
    assert map_deck(open_page("pages/map.py", niva="DeSO"))[0] == spec


def test_map_deso_context_indicator_is_coloured_neutrally_not_as_risk():
    from lib import classify

    at = open_page("pages/map.py", niva="DeSO", lager="Sammanhang: Utländsk bakgrund")
    assert not at.exception, [e.value for e in at.exception]
    _, deck = map_deck(at)
    risk = {tuple(classify.hex_to_rgba(c)[:3]) for c in classify.palette(5)}
    neutral = {tuple(classify.hex_to_rgba(c)[:3]) for c in classify.neutral_palette(5)}
    fills = {tuple(r["fill"]) for r in deso_rows(deck)}
    assert fills & neutral and not fills & risk
    tooltip = json.loads(at.get("deck_gl_json_chart")[0].proto.tooltip)["html"]
    assert "{v} % av befolkningen" in tooltip and "verkligt värde (SCB 2025)" in tooltip
    assert any(c.value.startswith("Sammanhang, inte en risk") for c in at.caption)
    assert any(m.value.startswith("**Högst värde 2025:**") for m in at.markdown)


def test_map_real_values_only_names_the_missing_areas_and_shows_coverage():
    at = open_page("pages/map.py", verkliga="Endast verkliga värden", tabell="true")  # the table panel open
    assert not at.exception, [e.value for e in at.exception]
    assert at.segmented_control(key="verkliga").proto.query_param_key == "verkliga"
    text = " ".join(m.value for m in at.markdown)
    assert "Hälsa och säkerhet och trygghet saknar verkliga data på stadsdelsnivå" in text
    assert "indexet bygger här på försörjning och sociala risker" in text
    props = [f["properties"] for f in map_features(at)]
    assert not any("syntetisk" in p["note"] for p in props)
    assert any(p["note"].startswith("verkliga värden (SCB 2024") for p in props)
    assert any("täckning 25\u00a0%" in p["value_text"] or "täckning 25 %" in p["value_text"] for p in props)
    table = at.dataframe[0].value
    assert {"Status", "År", "Täckning"} <= set(table.columns)
    assert not table["Status"].str.contains("syntetisk").any() and (table["År"] == 2025).all()
    assert not any("Syntetiska värden" in c.value for c in at.caption)

    at = open_page("pages/map.py", verkliga="Endast verkliga värden", lager="Förvärvsfrekvens 20–64 år")
    props = {f["properties"]["code"]: f["properties"] for f in map_features(at)}
    assert props["rinkeby"]["note"] == "verkligt värde (SCB 2024)"
    assert props["akeshov"]["value_text"] == "inget värde" and props["akeshov"]["note"] == "inget verkligt värde"


def test_map_deso_from_the_url_shows_its_real_values(con):
    from lib import db
    from lib.fmt import number

    value = db.query(
        con,
        "SELECT value FROM unit_value WHERE level = 'deso' AND unit_code = '0180C6070' "
        "AND indicator_code = 'lag_ekonomisk_standard' AND year = 2024",
    )["value"].iloc[0]
    at = open_page("pages/map.py", niva="DeSO", deso="0180C6070", polisen="true", urval="Hela staden")
    assert not at.exception, [e.value for e in at.exception]
    assert at.selectbox(key="deso").value == "0180C6070"
    text = "\n".join(m.value for m in at.markdown)
    assert "**Rinkeby (0180C6070)**  \nRinkeby · Rinkeby-Kista · RegSO Rinkeby" in text
    shown = number(value, 1)
    assert "," in shown and f"| Låg ekonomisk standard | {shown} | % av befolkningen | SCB\u00a02024 |" in text
    assert "Polisen 2025: särskilt utsatt område, 61 % av DeSO." in text
    assert any("90 % av DeSO-området ligger i Rinkeby" in c.value for c in at.caption)
    assert any("Polisen 2025 (andelar av DeSO; ingen licens angiven)" in c.value for c in at.caption)
    link = next(link for link in at.get("page_link") if link.proto.page == "profile")
    assert link.proto.query_string == "stadsdel=Rinkeby"
    spec, deck = map_deck(at)
    assert len(spec) <= 150 * 1024, len(spec)  # the heaviest view: every DeSO coloured, Polisen and a selection
    ids = [layer["id"] for layer in deck["layers"]]
    assert ids.index("deso") < ids.index("vatten") < ids.index("polisen") < ids.index("vald") < ids.index("namn")
    assert len(next(layer for layer in deck["layers"] if layer["id"] == "polisen")["data"]) >= 57
    rinkeby = next(r for r in deso_rows(deck) if r["code"] == "0180C6070")
    assert rinkeby["n"] == "Rinkeby" and rinkeby["s"] == "Rinkeby" and rinkeby["pol"].startswith("Polisen 2025: ")


def test_map_deso_low_overlap_is_flagged():
    at = open_page("pages/map.py", niva="DeSO", deso="0180C1030")
    assert not at.exception, [e.value for e in at.exception]
    assert any(m.value.startswith(":orange[Bara 60 % av DeSO-området ligger i ") for m in at.markdown)


@pytest.mark.parametrize("path", [p for p in PAGE_FILES if p not in ("pages/index_weights.py", "pages/map.py")])
def test_a_deso_index_set_on_the_index_page_does_not_break_the_stadsdel_pages(path):
    """The weights chosen at DeSO level carry over to the other pages, which rank stadsdelar all the same."""
    at = open_page("pages/index_weights.py", niva="DeSO", verkliga="Endast verkliga värden")
    assert not at.exception
    for key in list(at.query_params):
        del at.query_params[key]
    at.switch_page(path)
    at.run()
    assert not at.exception, [e.value for e in at.exception]


def test_weights_set_on_the_index_page_survive_a_level_in_the_url():
    """?niva=DeSO changes the level, not the weights the user set on the Index page in this session."""

    def script():
        import streamlit as st

        from lib import index as ix
        from ui import urlstate

        st.session_state[urlstate.LAST_INDEX_PARAMS] = ix.IndexParams(domain_weights=(("forsorjning", 9.0),))
        params = urlstate.current_index_params(2025, level=None)
        st.session_state["seen"] = (params.level, params.real_only, dict(params.domain_weights), params.year)

    at = AppTest.from_function(script, default_timeout=60)
    at.query_params["niva"] = "DeSO"
    at.run()
    assert not at.exception
    assert at.session_state["seen"] == ("deso", False, {"forsorjning": 9.0}, 2025)


def test_a_page_error_becomes_a_swedish_message_without_a_traceback(monkeypatch):
    """Visitors get a Swedish message, the server log the traceback; nothing of the error reaches the page."""

    def script():
        from ui import layout

        class Broken:
            url_path = "trasig"

            def run(self):
                raise RuntimeError("hemlig detalj")

        layout.run_page(Broken())

    monkeypatch.delenv("SAMMANHALLEN_RAISE_ERRORS")
    at = AppTest.from_function(script, default_timeout=60)
    at.run()
    assert not at.exception
    assert at.error[0].value.startswith("Något gick fel när sidan skulle visas")
    assert "hemlig detalj" not in str([e.value for e in at.error])


@pytest.fixture
def own_page_database(tmp_path, monkeypatch):
    """Pages on a database of their own, for a test that installs what every other page test would see; the cached
    connection and data are dropped before and after, so the other tests go on with the shared database."""
    import streamlit as st

    from lib import db
    from lib.config import Paths

    path = tmp_path / "pages.duckdb"
    db.build_database(Paths().data_dir, path)
    monkeypatch.setenv("SAMMANHALLEN_DB", str(path))
    st.cache_resource.clear()
    st.cache_data.clear()
    yield path
    st.cache_resource.clear()
    st.cache_data.clear()


def _goal_uploaders(at: AppTest) -> list:
    return [u for u in at.get("file_uploader") if "målträd" in u.proto.label]


def test_data_page_goal_tree_upload_is_for_editors_and_installs_in_the_database(own_page_database):
    from lib import db

    anonymous = open_page("pages/data_sources.py")
    assert not anonymous.exception, [e.value for e in anonymous.exception]
    assert _goal_uploaders(anonymous) == []  # nothing an anonymous visitor sends is parsed
    assert any("Logga in som redigerare för att läsa in ett nytt målträd" in c.value for c in anonymous.caption)
    assert any("det medföljande målträdet (data/goals.yaml)" in c.value for c in anonymous.caption)

    at = open_page("pages/data_sources.py", editor="testare")
    _goal_uploaders(at)[0].set_value(("djup.yaml", ("nodes:\n" + "- " * 100_000 + "x\n").encode(), "text/yaml"))
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    assert any("nästlad djupare" in e.value and "Inget har ändrats" in e.value for e in at.error)
    shipped = (ROOT / "data" / "goals.yaml").read_text(encoding="utf-8")
    changed = shipped.replace("Trångboddheten ska minska genom fler och mer varierade bostäder", "Fler bostäder")
    _goal_uploaders(at)[0].set_value(("nytt.yaml", changed.encode("utf-8"), "text/yaml"))
    at.run()
    assert any("Målträdet är giltigt: 4 målområden, 7 mål, 13 delmål" in s.value for s in at.success)
    with db.connect(own_page_database) as con:
        assert db.goal_tree_installs(con).empty  # checked, not yet installed
    next(b for b in at.button if b.key == "installera_mal").click()
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    assert any("Målträdet är installerat" in s.value for s in at.success)
    with db.connect(own_page_database) as con:
        installs = db.goal_tree_installs(con)
        assert installs[["editor", "filename"]].values.tolist() == [["testare", "nytt.yaml"]]
        assert "Fler bostäder" in set(db.goal_tree(con).nodes["text"])
    history = next(d.value for d in at.dataframe if "Redigerare" in d.value.columns and "Fil" in d.value.columns)
    assert history[["Redigerare", "Fil"]].values.tolist() == [["testare", "nytt.yaml"]]
    at.run()
    assert any("installerat målträd nr 1" in c.value and "testare" in c.value for c in at.caption)
