"""The one URL codec: its registry and links (`lib/urlcodec.py`), and a reading of pages/ and ui/ that fails when a
widget bound to the URL, a read of the URL or an internal link goes round it."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from conftest import ROOT
from lib import urlcodec

#: ui/ modules whose widgets are bound to the URL, and the page they are drawn on.
UI_PAGES = {"mappanels": "map", "weights": "index_weights", "weight_views": "index_weights", "slides": "present"}
CODEC_MODULES = {"urlstate", "urlcodec"}
SOURCES = sorted([*(ROOT / "pages").glob("*.py"), *(ROOT / "ui").glob("*.py"), ROOT / "app.py"])


def test_a_link_carries_the_weights_only_into_pages_that_show_the_index():
    carried = {"vikt_halsa": "8", "metod": "z-poäng", "niva": "DeSO", "ar": "2016"}
    assert urlcodec.link_query("pages/profile.py", {"stadsdel": "Sätra"}, carried) == {
        "stadsdel": "Sätra",
        "vikt_halsa": "8",
        "metod": "z-poäng",
    }
    assert urlcodec.link_query("trends", {"indikator": None}, carried) == {}
    # The link's own value wins over a carried one.
    assert urlcodec.link_query("map", {"metod": "Min–max, 0–100"}, carried)["metod"] == "Min–max, 0–100"


def test_a_link_with_a_parameter_the_page_does_not_read_is_refused():
    with pytest.raises(ValueError, match="profile reads no query parameter deso"):
        urlcodec.link_query("profile", {"deso": "0180C6070"}, {})


def test_registry_and_keys():
    assert urlcodec.page_name("pages/index_weights.py") == "index_weights"
    assert {p.stem for p in (ROOT / "pages").glob("*.py")} == set(urlcodec.PAGES)
    assert urlcodec.is_registered("map", "vikt_forsorjning") and urlcodec.is_registered("goals", "present")
    assert not urlcodec.is_registered("goals", "vikt_forsorjning")  # the goals page does not show the index
    assert urlcodec.domain_key("halsa") == "vikt_halsa" and urlcodec.indicator_key("x") == "ind_x"
    assert urlcodec.weights_only({"ar": "1", "kapa": "true", "ind_x": "2"}) == {"kapa": "true", "ind_x": "2"}
    assert urlcodec.choose("Sätra", ["Sätra"]) == "Sätra" and urlcodec.choose("x", ["Sätra"]) is None
    fixed = [getattr(urlcodec, n) for n in urlcodec.__all__ if n.isupper() and isinstance(getattr(urlcodec, n), str)]
    assert len(fixed) == len(set(fixed)), "two constants name the same parameter"


def _key_of(node: ast.expr) -> str | None:
    """ "ar" for urlstate.YEAR, "vikt_x" (a weight key) for urlstate.domain_key(...); None otherwise."""
    if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id in CODEC_MODULES:
        return getattr(urlcodec, node.attr)
    if (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr in ("domain_key", "indicator_key")
        and isinstance(node.func.value, ast.Name)
        and node.func.value.id in CODEC_MODULES
    ):
        return urlcodec.domain_key("x") if node.func.attr == "domain_key" else urlcodec.indicator_key("x")
    return None


def _keyword(call: ast.Call, name: str) -> ast.expr | None:
    return next((k.value for k in call.keywords if k.arg == name), None)


def _page_of(path: Path) -> str | None:
    if path.parent.name == "pages":
        return path.stem
    return UI_PAGES.get(path.stem)


def _bound_widget_faults(path: Path, tree: ast.AST) -> list[str]:
    """Every widget bound to the URL names its key with the codec, and its page reads that key."""
    faults = []
    where = path.relative_to(ROOT)
    for call in (n for n in ast.walk(tree) if isinstance(n, ast.Call)):
        bind = _keyword(call, "bind")
        amount = isinstance(call.func, ast.Attribute) and call.func.attr == "amount_input"  # bound inside
        if not amount and not (isinstance(bind, ast.Constant) and bind.value == "query-params"):
            continue
        key = _keyword(call, "key")
        if path.stem == "numbers" and isinstance(key, ast.Name):
            continue  # ui/numbers.amount_input binds the key its caller names (checked at the caller)
        found = _key_of(key) if key is not None else None
        page = _page_of(path)
        if found is None:
            faults.append(f"{where}:{call.lineno}: key not taken from ui/urlstate")
        elif page is None:
            faults.append(f"{where}:{call.lineno}: add {path.stem} to UI_PAGES (which page draws it?)")
        elif not urlcodec.is_registered(page, found):
            faults.append(f"{where}:{call.lineno}: {found} is not registered for {page} in lib/urlcodec.PAGES")
    return faults


def _link_faults(path: Path, tree: ast.AST) -> list[str]:
    """Every st.page_link / st.switch_page into a page builds its query with urlstate.link_params for that page,
    naming only what the page reads."""
    faults = []
    where = path.relative_to(ROOT)
    for call in (n for n in ast.walk(tree) if isinstance(n, ast.Call)):
        name = call.func.attr if isinstance(call.func, ast.Attribute) else getattr(call.func, "id", "")
        if name not in ("page_link", "switch_page") or not call.args or not isinstance(call.args[0], ast.Constant):
            continue
        target = urlcodec.page_name(str(call.args[0].value))
        query = _keyword(call, "query_params")
        builder = isinstance(query, ast.Call) and (
            getattr(query.func, "attr", None) == "link_params" or getattr(query.func, "id", None) == "link_params"
        )
        if not builder:
            faults.append(f"{where}:{call.lineno}: link to {target} without urlstate.link_params")
            continue
        assert isinstance(query, ast.Call)
        first = query.args[0] if query.args else None
        if not (isinstance(first, ast.Constant) and first.value == target):
            faults.append(f"{where}:{call.lineno}: link_params names another page than the link's {target}")
        faults += [
            f"{where}:{call.lineno}: {target} reads no {k.arg}"
            for k in query.keywords
            if k.arg is None or not urlcodec.is_registered(target, k.arg)
        ]
    return faults


def _query_param_faults(path: Path, tree: ast.AST) -> list[str]:
    """Only ui/urlstate.py reads or writes st.query_params."""
    if path == ROOT / "ui" / "urlstate.py":
        return []
    return [
        f"{path.relative_to(ROOT)}:{n.lineno}: st.query_params outside ui/urlstate.py"
        for n in ast.walk(tree)
        if isinstance(n, ast.Attribute) and n.attr == "query_params" and getattr(n.value, "id", None) == "st"
    ]


def test_every_url_parameter_of_pages_and_ui_goes_through_the_codec():
    faults: list[str] = []
    for path in SOURCES:
        tree = ast.parse(path.read_text(encoding="utf-8"))
        faults += _bound_widget_faults(path, tree) + _link_faults(path, tree) + _query_param_faults(path, tree)
    assert not faults, "\n".join(faults)


def test_the_scan_finds_what_it_must_refuse():
    """The scan itself: a literal key, an unregistered key, a hand-built link and a raw URL read are all found."""
    text = (
        'st.selectbox("x", [], key="ar", bind="query-params")\n'
        'st.slider("x", key=urlstate.LAYER, bind="query-params")\n'
        'st.page_link("pages/profile.py", query_params={"stadsdel": "Sätra"})\n'
        'st.page_link("pages/map.py", query_params=urlstate.link_params("map", mal="x"))\n'
        'st.query_params.get("ar")\n'
    )
    tree = ast.parse(text)
    fake = ROOT / "pages" / "goals.py"  # judged as the goals page
    faults = _bound_widget_faults(fake, tree) + _link_faults(fake, tree) + _query_param_faults(fake, tree)
    assert len(faults) == 5, faults


@pytest.mark.parametrize("path", ["pages/map.py", "pages/profile.py", "pages/overview.py"])
def test_weights_set_on_the_index_page_are_written_into_the_next_pages_url(path):
    """Opened from the sidebar (no query), a page showing the session's weights says them in its URL and links."""
    from test_pages import open_page

    at = open_page("pages/index_weights.py", vikt_forsorjning="10", metod="z-poäng")
    for key in list(at.query_params):
        del at.query_params[key]
    at.switch_page(path)
    at.run()
    at.run()  # AppTest's page switch keeps the Index page's bindings for one run (a browser's does not)
    assert not at.exception, [e.value for e in at.exception]
    query = {k: v[0] if isinstance(v, list) else v for k, v in at.query_params.items()}
    assert urlcodec.weights_only(query) == {"vikt_forsorjning": "10", "metod": "z-poäng"}
    for link in at.get("page_link"):
        assert "vikt_forsorjning=10" in link.proto.query_string, link.proto.page
