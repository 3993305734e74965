"""Guards for ui/streamlit_compat.py, the app's one use of a Streamlit internal: these fail when a Streamlit
upgrade changes what it relies on, so the workaround is revisited (or deleted) rather than silently broken."""

from __future__ import annotations

import re

import pytest

from conftest import ROOT, _free_port, start_server, stop_server, wait_for_app, wait_healthy


def test_streamlit_is_pinned_to_the_version_the_workaround_was_checked_on():
    import streamlit

    pins = re.findall(r"^streamlit==(\S+)$", (ROOT / "requirements.txt").read_text(encoding="utf-8"), re.M)
    assert pins == [streamlit.__version__], "Streamlit måste vara låst i requirements.txt till installerad version"


def test_the_legacy_pages_switch_is_still_where_the_workaround_expects_it():
    from streamlit.runtime.pages_manager import PagesManager

    assert "uses_pages_directory" in vars(PagesManager), "ui/streamlit_compat.py behöver ses över"
    assert (ROOT / "pages").is_dir() and (ROOT / "app.py").is_file()


def test_the_launcher_decides_navigation_mode_before_the_first_session(monkeypatch):
    """`python -m ui.server` (what `make run` starts) settles the switch before Streamlit runs, so a fresh server's
    first session runs app.py at once; a plain `streamlit run app.py` starts in the legacy mode."""
    from streamlit.runtime.pages_manager import PagesManager

    from ui import server
    from ui.streamlit_compat import start_in_navigation_mode

    monkeypatch.setattr(PagesManager, "uses_pages_directory", None)
    PagesManager(str(ROOT / "app.py"))
    assert PagesManager.uses_pages_directory is True, "the legacy mode this works around"
    monkeypatch.setattr(PagesManager, "uses_pages_directory", None)
    start_in_navigation_mode()
    PagesManager(str(ROOT / "app.py"))
    assert PagesManager.uses_pages_directory is False

    started: list[list[str]] = []
    monkeypatch.setattr(PagesManager, "uses_pages_directory", None)
    monkeypatch.setattr(server, "open_database", lambda paths: None)
    monkeypatch.setattr("streamlit.web.cli.main", lambda args, **kw: started.append(args))
    assert server.main(["--server.port", "1"]) == 0
    assert started and started[0][0] == "run" and PagesManager.uses_pages_directory is False


def test_the_repl_check_is_still_behind_the_flag_the_app_sets(monkeypatch):
    """Streamlit's first element asks `env_util.is_repl()` (a walk of the whole call stack) unless its warning was
    already given; `skip_repl_check` marks it as given, so the first visitor of a fresh server does not wait for it."""
    import streamlit.delta_generator as dg
    from streamlit import env_util

    from ui.streamlit_compat import skip_repl_check

    asked: list[bool] = []
    monkeypatch.setattr(env_util, "is_repl", lambda: asked.append(True) or False)
    monkeypatch.setattr(dg, "_use_warning_has_been_displayed", False)
    dg._maybe_print_use_warning()
    assert asked == [True], "the check this skips; ui/streamlit_compat.py behöver ses över"
    asked.clear()
    monkeypatch.setattr(dg, "_use_warning_has_been_displayed", False)
    skip_repl_check()
    dg._maybe_print_use_warning()
    assert asked == []


def test_the_page_not_found_message_is_still_sent_where_the_workaround_replaces_it():
    import inspect

    from streamlit.commands import navigation

    assert "send_page_not_found(ctx)" in inspect.getsource(navigation._navigation), "ui/streamlit_compat.py"


@pytest.mark.browser
def test_a_deep_link_as_the_first_request_of_a_fresh_server_shows_the_app_navigation(browser, isolated_env):
    """The first visitor of a new server opens a bookmarked `/plans` link: the page must run inside app.py's
    navigation (its "Styrning" section), not in Streamlit's legacy `pages/` menu."""
    port = _free_port()
    proc = start_server(port, {"SAMMANHALLEN_DB": str(isolated_env / "compat.duckdb")})
    url = f"http://127.0.0.1:{port}"
    try:
        assert wait_healthy(url, proc), "Streamlit-servern startade inte"
        context = browser.new_context(viewport={"width": 1280, "height": 720}, locale="sv-SE")
        try:
            page = context.new_page()
            page.goto(f"{url}/plans")
            wait_for_app(page)
            nav = page.locator("[data-testid='stSidebarNav']")
            nav.get_by_text("Styrning").wait_for(timeout=20_000)
            nav.get_by_text("Lokala handlingsplaner").wait_for(timeout=5_000)
            page.get_by_role("heading", name="Lokala handlingsplaner").first.wait_for(timeout=20_000)
        finally:
            context.close()
    finally:
        stop_server(proc)
