"""Sammanhållen stad – entry point: page setup, navigation and the notes every page shares."""

import streamlit as st

from pages.common import PAGE_CSS, SYNTHETIC_NOTE, log_run, run_clock, sign_in_panel

st.set_page_config(page_title="Sammanhållen stad", page_icon="🏙️", layout="wide")

pages = {
    "Programmet": [
        st.Page("pages/overview.py", title="Översikt", icon=":material/home:", default=True),
        st.Page("pages/present.py", title="Presentera", icon=":material/slideshow:"),
    ],
    "Analys": [
        st.Page("pages/map.py", title="Karta", icon=":material/map:"),
        st.Page("pages/index_weights.py", title="Index och vikter", icon=":material/tune:"),
        st.Page("pages/profile.py", title="Stadsdel", icon=":material/person_pin_circle:"),
        st.Page("pages/compare.py", title="Jämför", icon=":material/compare_arrows:"),
        st.Page("pages/trends.py", title="Utveckling", icon=":material/show_chart:"),
    ],
    "Styrning": [
        st.Page("pages/goals.py", title="Mål och uppföljning", icon=":material/flag:"),
        st.Page("pages/plans.py", title="Lokala handlingsplaner", icon=":material/assignment:"),
        st.Page("pages/allocation.py", title="Fördelning av medel", icon=":material/payments:"),
    ],
    "Data": [
        st.Page("pages/data_sources.py", title="Data och källor", icon=":material/database:"),
    ],
}

# ?present=1 (or the Presentera page) hides the navigation and chrome for a projector.
presenting = st.query_params.get("present") == "1"
page = st.navigation(pages, position="hidden" if presenting else "sidebar")
st.html(PAGE_CSS)
if presenting and page.title != "Presentera":
    st.switch_page("pages/present.py", query_params={"present": "1"})
with st.sidebar:
    st.caption(SYNTHETIC_NOTE)
    sign_in_panel()
started = run_clock()
page.run()
log_run(page.url_path or "overview", started)
