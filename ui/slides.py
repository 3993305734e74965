"""The Presentera page's frame: the slide row with its step buttons and keys, the projector CSS and the markings.

Why apart from the page: a presenter steps with a clicker (PageDown/PageUp), the arrow keys or space, and the tab
row must fit a 1280×720 projector; that frame is one concept, and the page keeps to what each slide says."""

from __future__ import annotations

import streamlit as st

from ui import urlstate

SLIDES = ("Programmet", "Kartan", "Rangordningen", "En stadsdel", "Målen", "Pengarna")
LABELS = [f"{i} {name}" for i, name in enumerate(SLIDES, 1)]

#: The step buttons: key, label, step, keyboard shortcut, tooltip. The first two are shown; the others are the
#: same steps on other keys (a clicker sends PageDown/PageUp), hidden by PRESENT_CSS but still listening.
STEPS = (
    ("foregaende", "◀ Föregående", -1, "Left", "Föregående bild (←, PageUp)"),
    ("nasta", "Nästa ▶", 1, "Right", "Nästa bild (→, PageDown, mellanslag)"),
    ("foregaende_pageup", "PageUp", -1, "PageUp", None),
    ("nasta_pagedown", "PageDown", 1, "PageDown", None),
    ("nasta_mellanslag", "Mellanslag", 1, "Space", None),
)
HIDDEN_KEYS = tuple(key for key, *_ in STEPS[2:])

PRESENT_CSS = (
    """<style>
[data-testid="stSidebar"], [data-testid="stSidebarCollapsedControl"], header[data-testid="stHeader"] {display: none;}
[data-testid="stMainBlockContainer"] {padding: 1.2rem 2.5rem 0.5rem 2.5rem; max-width: 100%;}
[data-testid="stMarkdownContainer"] p, [data-testid="stMarkdownContainer"] li {font-size: 1.45rem; line-height: 1.45;}
h1 {font-size: 2.6rem !important; padding-top: 0 !important;}
h3 {font-size: 1.7rem !important;}
[data-testid="stMetricValue"] * {font-size: 2.8rem !important;}
[data-testid="stMetricLabel"] * {font-size: 1.3rem !important;}
[data-testid="stMarkdownContainer"] td,
[data-testid="stMarkdownContainer"] th {font-size: 1.3rem; padding: 0.2rem 0.9rem;}
[data-testid="stButton"] [data-testid="stMarkdownContainer"] p,
[data-testid="stButtonGroup"] [data-testid="stMarkdownContainer"] p,
[data-testid="stPageLink"] [data-testid="stMarkdownContainer"] p {font-size: 1rem; line-height: 1.3;}
[data-testid="stCaptionContainer"], [data-testid="stCaptionContainer"] p {font-size: 1.1rem !important;}
"""
    + ", ".join(f".st-key-{key}" for key in HIDDEN_KEYS)
    + """ {display: none;}
</style>"""
)


def _step(delta: int) -> None:
    """Move `delta` slides on, round the end (after the last slide comes the first)."""
    current = LABELS.index(st.session_state.get(urlstate.SLIDE, LABELS[0]))
    st.session_state[urlstate.SLIDE] = LABELS[(current + delta) % len(LABELS)]


def slide_row() -> int:
    """The projector CSS and the top row (step back, the six slides, step on, leave); returns the slide's number
    (1–6). The slide is in the URL (`bild`), so a reload or a shared link shows the same one."""
    st.html(PRESENT_CSS)
    back, tabs, forward, leave = st.columns([1.5, 6.4, 1.5, 1.1], vertical_alignment="center")
    for (key, label, delta, shortcut, tip), col in zip(STEPS, (back, forward, tabs, tabs, tabs), strict=True):
        col.button(label, key=key, on_click=_step, args=(delta,), shortcut=shortcut, help=tip, width="stretch")
    slide = tabs.segmented_control(
        "Bild",
        LABELS,
        default=LABELS[0],
        required=True,
        key=urlstate.SLIDE,
        bind="query-params",
        label_visibility="collapsed",
    )
    leave.page_link(
        "pages/overview.py", label="Avsluta", icon=":material/close:", query_params=urlstate.link_params("overview")
    )
    return LABELS.index(slide) + 1


def marking(text: str | None) -> None:
    """A slide's marking of synthetic or illustrative data, next to the numbers (nothing when all are real)."""
    if text:
        st.caption(f":orange[{text}]")
