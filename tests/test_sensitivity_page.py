"""Känslighetsanalys in AppTest: an editor runs it (with 1 792 runs) and reads the sentences and tables, an anonymous
visitor gets only the standard analysis, and a URL that names the settings shows the stored result again."""

from __future__ import annotations

from test_pages import open_page

from lib import sensitivity_texts as texts

PAGE = "pages/sensitivity.py"
SMALL = texts.runs_label(256, 5)  # "1 792 körningar": the select's option, as the URL holds it


def _text(at) -> str:
    return " ".join(m.value for m in at.markdown)


def _run(at):
    next(b for b in at.button if b.label == "Kör analysen").click()
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def _query(at) -> dict[str, str]:
    return {k: v[0] if isinstance(v, list) else v for k, v in at.query_params.items()}


def test_an_editor_runs_the_analysis_and_reads_what_moves_the_ranks():
    at = open_page(PAGE, editor="testare", korningar=SMALL, slumpfro="11", stadsdel="Rinkeby")
    assert not at.exception, [e.value for e in at.exception]
    assert at.title[0].value == "Känslighetsanalys"
    assert "1\u202f792 körningar, slumpfrö 11" in _text(at)
    assert not at.subheader and not at.info  # nothing computed before the button
    at = _run(at)
    assert [s.value for s in at.subheader] == [
        "Platsernas spridning",
        "Vilket antagande flyttar platserna mest",
        "Rinkeby",
        "Ladda ner",
        "Spara med ett scenario",
    ]
    text = _text(at)
    assert "I genomsnitt flyttar en stadsdel " in text and "; mest beror det på " in text and "(totalt index 0," in text
    assert "Med indexets egna val har Rinkeby plats " in text
    assert any(f"Rinkebys plats {w}" in text for w in ("beror främst på ", "ändras inte", "ändras så sällan"))
    bands, overall, unit = (d.value for d in at.dataframe)
    assert list(bands.columns) == list(texts.BAND_COLUMNS.values()) and len(bands) == 22
    assert list(overall["Antagande"]) == [
        "Normalisering",
        "Aggregering",
        "Områdesvikter",
        "Indikatorurval",
        "Täckningskrav",
    ]
    assert list(unit.columns) == list(texts.INDEX_COLUMNS.values())
    assert len(at.get("download_button")) == 6
    assert _query(at)["analys"] == "true"


def test_the_whole_universe_and_another_stadsdel_from_the_url():
    at = _run(open_page(PAGE, editor="testare", korningar=SMALL, stadsdel="Husby", urval="Alla som rangordnas"))
    assert len(at.dataframe[0].value) > 22
    assert "Med indexets egna val har Husby plats " in _text(at)


def test_an_anonymous_visitor_gets_the_standard_analysis():
    at = open_page(PAGE, korningar=SMALL, slumpfro="11", vikt_forsorjning="10")
    assert not at.exception, [e.value for e in at.exception]
    assert at.info[0].value == (
        "Logga in som redigerare för att köra analysen med andra vikter eller inställningar; här visas standardindexet."
    )
    assert "standardvikterna; 7\u202f168 körningar, slumpfrö 2015." in _text(at)
    at = _run(at)
    assert "I genomsnitt flyttar en stadsdel " in _text(at)
    # The standard analysis is now stored for every visitor: a plain link with analys=true shows it at once.
    again = open_page(PAGE, analys="true")
    assert not again.info and "I genomsnitt flyttar en stadsdel " in _text(again)


def test_a_url_with_the_settings_shows_the_stored_result_and_otherwise_the_button():
    query = {"korningar": SMALL, "slumpfro": "23", "stadsdel": "Tensta", "ar": "2024"}
    first = _run(open_page(PAGE, editor="testare", **query))
    copied = _query(first)
    assert copied["analys"] == "true" and copied["slumpfro"] == "23" and copied["korningar"] == SMALL
    again = open_page(PAGE, editor="testare", **copied)
    assert not again.exception, [e.value for e in again.exception]
    assert [s.value for s in again.subheader] == [s.value for s in first.subheader]
    assert _text(again) == _text(first)
    assert again.dataframe[0].value.equals(first.dataframe[0].value)
    other = open_page(PAGE, editor="testare", **(copied | {"slumpfro": "24"}))
    assert not other.subheader
    assert "inte beräknad ännu" in " ".join(c.value for c in other.caption)
    hidden = open_page(PAGE, editor="testare", **{k: v for k, v in copied.items() if k != "analys"})
    assert not hidden.subheader and "Analysen är beräknad" in " ".join(c.value for c in hidden.caption)


def test_an_editor_saves_the_analysis_with_a_scenario_and_index_och_vikter_says_so():
    """The scenario keeps the weights, the runs and seed that reproduce the analysis, and what it found."""
    at = _run(open_page(PAGE, editor="testare", korningar=SMALL, slumpfro="11"))
    found = next(m.value for m in at.markdown if m.value.startswith("I genomsnitt flyttar"))
    at.text_input[0].input("Med analys")
    next(b for b in at.button if b.label == "Spara vikter och analys").click()
    at.run()
    assert not at.exception and "Sparade ”Med analys” med analysen." in [s.value for s in at.success]
    weights = open_page("pages/index_weights.py", editor="testare")
    weights.selectbox(key="scenario_val").select("Med analys")
    weights.run()
    captions = " ".join(c.value for c in weights.caption)
    assert f"Sparad med en känslighetsanalys (1\u202f792 körningar, slumpfrö 11): {found}" in captions


def test_an_anonymous_visitor_cannot_save_the_analysis():
    at = open_page(PAGE)
    if not any(s.value == "Spara med ett scenario" for s in at.subheader):
        at = _run(at)
    assert next(b for b in at.button if b.label == "Spara vikter och analys").disabled
