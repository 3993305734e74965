"""Page frame shared by every page: navigation, CSS, the notes under the sidebar, page setup and run timing."""

from __future__ import annotations

import functools
import os
import time

import streamlit as st

from lib import db
from ui import readers
from ui.streamlit_compat import leave_legacy_pages_mode, skip_repl_check


def page_setup() -> None:
    """Called first on every page, so a page opened by a deep link on a fresh server still runs inside app.py's
    navigation, without Streamlit's stack-walking REPL check (the why, and the Streamlit internals the app touches,
    are in ui/streamlit_compat.py)."""
    skip_repl_check()
    leave_legacy_pages_mode()


#: The app's pages by section: file, title, icon. The first is the start page.
NAVIGATION = {
    "Programmet": (
        ("pages/overview.py", "Översikt", ":material/home:"),
        ("pages/present.py", "Presentera", ":material/slideshow:"),
    ),
    "Analys": (
        ("pages/map.py", "Karta", ":material/map:"),
        ("pages/index_weights.py", "Index och vikter", ":material/tune:"),
        ("pages/audit.py", "Statistisk granskning", ":material/query_stats:"),
        ("pages/sensitivity.py", "Känslighetsanalys", ":material/stacked_line_chart:"),
        ("pages/profile.py", "Stadsdel", ":material/person_pin_circle:"),
        ("pages/compare.py", "Jämför", ":material/compare_arrows:"),
        ("pages/trends.py", "Utveckling", ":material/show_chart:"),
    ),
    "Styrning": (
        ("pages/goals.py", "Mål och uppföljning", ":material/flag:"),
        ("pages/plans.py", "Lokala handlingsplaner", ":material/assignment:"),
        ("pages/allocation.py", "Fördelning av medel", ":material/payments:"),
    ),
    "Data": (("pages/data_sources.py", "Data och källor", ":material/database:"),),
}
PAGE_FILES = tuple(path for items in NAVIGATION.values() for path, _, _ in items)

PAGE_CSS = """<style>
[data-testid="stMainBlockContainer"] {padding-top: 2.2rem; padding-bottom: 2rem;}
h1 {padding-top: 0.2rem;}
</style>"""
SECTION_TIMES = "_sektion_ms"  # session key: server time of timed page sections, newest last

SYNTHETIC_NOTE = (
    "Stadsdelarnas värden 2012–2025 är mest **syntetiska**: modellerade och kalibrerade mot publicerad statistik. "
    "**Verkliga** är SCB:s statistik 2024/2025 och stadens folkmängd 2014–2016, markerade med källa och år. "
    "Urvalet av 22 stadsdelar är **preliminärt**."
)


def run_clock() -> tuple[float, float]:
    """Wall and this thread's CPU time, to pass to `log_run` when the run ends."""
    return time.perf_counter(), time.thread_time()


PAGE_ERROR = (
    "Något gick fel när sidan skulle visas. Felet är loggat på servern; ladda om sidan eller välj en annan vy. "
    "Inget du sparat har påverkats."
)


DATABASE_BUSY = (
    "Databasen används just nu av ett annat program (till exempel en inläsning från kommandoraden). Ladda om sidan "
    "om en stund. Inget du sparat har påverkats."
)


def run_page(page) -> None:
    """Run a page; an unexpected error is logged with its traceback on the server and the visitor gets a Swedish
    message instead of a stack trace. SAMMANHALLEN_RAISE_ERRORS=1 (the tests) lets the error through, so a test
    sees it. Streamlit's own reruns and stops are BaseExceptions and pass untouched."""
    import logging

    try:
        readers.connection()  # first, so a database that cannot be opened is the page's one message, at the top
        page.run()
    except db.DatabaseUnreadable as exc:  # not a bug: the operator's message (the file is left untouched)
        logging.getLogger("sammanhallen").error("%s", exc)
        st.title("Databasen kan inte läsas")
        st.error(str(exc), icon=":material/error:")
    except db.DatabaseLocked:
        logging.getLogger("sammanhallen").warning("Databasen hålls av en annan process")
        st.title("Databasen är upptagen")
        st.error(DATABASE_BUSY, icon=":material/error:")
    except Exception:
        logging.getLogger("sammanhallen").exception("Sidan %s kunde inte visas", getattr(page, "url_path", page))
        if os.environ.get("SAMMANHALLEN_RAISE_ERRORS") == "1":
            raise
        st.error(PAGE_ERROR, icon=":material/error:")


def log_run(name: str, started: tuple[float, float]) -> None:
    """Append one line per finished run — epoch time, page, server wall ms, CPU ms of the script thread — to the
    file named by SAMMANHALLEN_TIMING_LOG, if set: for load tests, and for operations watching a busy server.
    CPU time is the run's own cost; wall time also counts waiting for the processor under load."""
    path = os.environ.get("SAMMANHALLEN_TIMING_LOG")
    if path:
        wall = (time.perf_counter() - started[0]) * 1000
        cpu = (time.thread_time() - started[1]) * 1000
        with open(path, "a", encoding="utf-8") as log:
            log.write(f"{time.time():.3f}\t{name}\t{wall:.1f}\t{cpu:.1f}\n")


def timed(fn):
    """Keep how long the last runs of a page section took on the server (session key `_sektion_ms`), so the
    benchmarks can report a fragment's own rerun time."""

    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        start = run_clock()
        try:
            return fn(*args, **kwargs)
        finally:
            runs = st.session_state.setdefault(SECTION_TIMES, {}).setdefault(fn.__name__, [])
            runs.append((time.perf_counter() - start[0]) * 1000)
            del runs[:-200]
            log_run(f"{fn.__name__} (fragment)", start)

    return wrapper


#: The attribution of the real data, on the data page and under the sidebar note.
ATTRIBUTION_NOTE = "Statistik: SCB (CC0) · Kartdata: Stockholms stad (CC0) · Polisen 2025"


# --- The map at DeSO level (pages/map.py; reusable by the Index page) ---------------------------------------------

#: The attributions under a map, by what it shows.
DESO_ATTRIBUTION = "DeSO: SCB, CC0"
STATISTICS_ATTRIBUTION = "Statistik: SCB (CC0)"
