"""The one place the app touches Streamlit internals; everything else uses the public API.

Why it exists: the customer's layout keeps the page scripts in `pages/` next to the entry script `app.py`, which
builds the navigation with `st.navigation`. Streamlit (checked on 1.67, pinned in requirements.txt) decides once
per server process, when the first session starts, whether the app is a legacy `pages/`-folder app:
`PagesManager.uses_pages_directory` is set from "is there a `pages/` folder beside the entry script", and only a
call to `st.navigation` sets it back to False. While it is True the script runner does not run `app.py` at all but
builds its own navigation from the folder and runs the requested page script directly. So the first visitor of a
fresh server who opens a bookmarked deep link (`/plans?…`) gets that page without `app.py`'s sections, sidebar
notes, sign-in panel or error handling. No configuration option turns the legacy mode off
(`client.showSidebarNavigation` only hides the legacy menu), and the folder cannot be renamed. Each page therefore
leaves the mode when it finds itself in it (`leave_legacy_pages_mode`), and the launcher (`ui/server.py`) never
enters it (`start_in_navigation_mode`).

tests/test_streamlit_compat.py fails when an upgrade changes any of this (the attribute goes away, or a deep link
on a fresh server no longer shows `app.py`'s navigation), which is the signal to delete this module.

`page_not_found_in_swedish` is the second: when an address names no page (a mistyped `/karta`), `st.navigation`
tells the browser "page not found" and Streamlit's frontend opens an English dialogue ("Page not found … Running
the app's main page"). The app records that instead and says it in Swedish (`page_was_not_found`); the start page
opens as before. (On a server started with `streamlit run app.py` rather than the launcher, the first visitor with such
an address still gets the English dialogue once: that message comes from the legacy-mode run described above,
before `app.py` runs.)

`altair_spec` is the third use: Streamlit's own conversion of an Altair chart into the Vega-Lite spec it sends,
so a page can cache that spec (Altair validates every chart against the Vega-Lite schema on each conversion, a
large part of a rerun) and draw it with the public `st.vega_lite_chart` – the same element, byte for byte
(tests/test_chart_specs.py).

`skip_repl_check` is the fourth: the first element a server process sends makes Streamlit ask whether it runs in
a Python REPL (to warn "use `streamlit run`"), which it answers with `inspect.stack()` – every frame with its source
lines read from disk, 0,1–0,2 s of a fresh server's first visitor's wait (py-spy, bench/RESULTS.md). Under a server
the answer is always no, so the app marks the warning as given before its first element.
"""

from __future__ import annotations

from typing import Any

import streamlit as st
from streamlit.runtime.pages_manager import PagesManager

#: Session-state key: this session has already run once through `app.py`.
_NAVIGATION_READY = "_navigation_ready"


def start_in_navigation_mode() -> None:
    """Decide for this process, before Streamlit starts, that the app is an `st.navigation` app: the launcher
    (`ui/server.py`, what `make run` starts) calls it, so a fresh server's first session runs `app.py` at once
    instead of first running its page in the legacy mode and then again (a second run, and a second navigation
    for the first visitor's browser to draw)."""
    PagesManager.uses_pages_directory = False


def skip_repl_check() -> None:
    """Mark Streamlit's once-per-process "run me with `streamlit run`" warning as given (see the module docstring):
    the app always runs under its server, and the check behind the warning walks the whole call stack."""
    import streamlit.delta_generator

    streamlit.delta_generator._use_warning_has_been_displayed = True


def leave_legacy_pages_mode() -> None:
    """Called first on every page. If Streamlit runs this page in its legacy `pages/` mode (see the module
    docstring), leave that mode for the whole process and run again through `app.py`. Only a session's first run
    is repeated, so a later run (AppTest puts every run in that mode) keeps its button presses."""
    if PagesManager.uses_pages_directory:
        PagesManager.uses_pages_directory = False
        if not st.session_state.get(_NAVIGATION_READY):
            st.session_state[_NAVIGATION_READY] = True
            st.rerun()
    st.session_state[_NAVIGATION_READY] = True


_PAGE_NOT_FOUND = "_page_not_found"


def page_not_found_in_swedish() -> None:
    """Make `st.navigation` record an address without a page in this session's state instead of sending Streamlit's
    English "Page not found" dialogue to the browser (see the module docstring). Idempotent."""
    from streamlit.commands import navigation

    if getattr(navigation.send_page_not_found, "_records_in_session", False):
        return

    def record(ctx) -> None:
        ctx.session_state[_PAGE_NOT_FOUND] = True

    record._records_in_session = True  # type: ignore[attr-defined]
    navigation.send_page_not_found = record


def page_was_not_found() -> bool:
    """Whether this run's address named no page (and the start page is shown instead); read once."""
    return bool(st.session_state.pop(_PAGE_NOT_FOUND, False))


def altair_spec(chart: Any) -> dict[str, Any]:
    """The Vega-Lite spec `st.altair_chart(chart)` would send, its data as Arrow datasets (cacheable)."""
    from streamlit.elements.vega_charts import _convert_altair_to_vega_lite_spec

    return dict(_convert_altair_to_vega_lite_spec(chart))
