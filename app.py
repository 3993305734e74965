"""Sammanhållen stad – entry point: page setup, navigation and the notes every page shares."""

from pathlib import Path

import streamlit as st

from ui.layout import ATTRIBUTION_NOTE, NAVIGATION, PAGE_CSS, PAGE_FILES, SYNTHETIC_NOTE, log_run, run_clock, run_page
from ui.results import follow_shared_writes
from ui.sign_in import sign_in_panel
from ui.streamlit_compat import page_not_found_in_swedish, page_was_not_found, skip_repl_check
from ui.urlstate import link_params, presenting

# The icon is a file of the app's own: an emoji made Streamlit load its emoji table (≈ 0,15 s of a cold start's first
# page) and a Material icon is fetched from Google's font server, which a city network may not reach.
ICON = Path(__file__).parent / "ui" / "favicon.svg"
skip_repl_check()  # before the first element: Streamlit's check walks the whole call stack (ui/streamlit_compat.py)
st.set_page_config(page_title="Sammanhållen stad", page_icon=str(ICON), layout="wide")

pages = {
    section: [st.Page(path, title=title, icon=icon, default=path == PAGE_FILES[0]) for path, title, icon in items]
    for section, items in NAVIGATION.items()
}

# ?present=1 (or the Presentera page) hides the navigation and chrome for a projector.
in_present_mode = presenting()
# expanded: every page listed (collapsed, Streamlit would add an English "View 3 more" button).
page_not_found_in_swedish()
page = st.navigation(pages, position="hidden" if in_present_mode else "sidebar", expanded=True)
st.html(PAGE_CSS)
if page_was_not_found():
    st.toast("Adressen pekar inte på någon sida i verktyget – här är startsidan.", icon=":material/info:")
if in_present_mode and page.title != "Presentera":
    st.switch_page("pages/present.py", query_params=link_params("present", present="1"))
with st.sidebar:
    st.caption(SYNTHETIC_NOTE)
    st.caption(ATTRIBUTION_NOTE)
    sign_in_panel()
started = run_clock()
follow_shared_writes()
run_page(page)
log_run(page.url_path or "overview", started)
