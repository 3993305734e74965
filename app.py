"""Sammanhållen stad – entry point: page setup, navigation and the notes every page shares."""

import streamlit as st

from ui.layout import ATTRIBUTION_NOTE, NAVIGATION, PAGE_CSS, PAGE_FILES, SYNTHETIC_NOTE, log_run, run_clock, run_page
from ui.sign_in import sign_in_panel

st.set_page_config(page_title="Sammanhållen stad", page_icon="🏙️", layout="wide")

pages = {
    section: [st.Page(path, title=title, icon=icon, default=path == PAGE_FILES[0]) for path, title, icon in items]
    for section, items in NAVIGATION.items()
}

# ?present=1 (or the Presentera page) hides the navigation and chrome for a projector.
presenting = st.query_params.get("present") == "1"
page = st.navigation(pages, position="hidden" if presenting else "sidebar")
st.html(PAGE_CSS)
if presenting and page.title != "Presentera":
    st.switch_page("pages/present.py", query_params={"present": "1"})
with st.sidebar:
    st.caption(SYNTHETIC_NOTE)
    st.caption(ATTRIBUTION_NOTE)
    sign_in_panel()
started = run_clock()
run_page(page)
log_run(page.url_path or "overview", started)
