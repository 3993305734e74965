"""The follow-up texts of one delmål on Mål och uppföljning: every nämnd's analys and åtgärder per period of the
chosen year, read-only for visitors, and for a signed-in editor a small form to write them.

Why here and not in the page: the form keeps the version each text was loaded at (so a save over another editor's
newer text is refused and shown, never lost) in the session, which is Streamlit-side state. The save itself goes
through `ui.writes`, which checks the editor again, so a visitor can never trigger a write.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from lib import auth, db
from lib.goals import texts
from lib.goals.model import GoalTree
from ui import readers, sign_in, writes

PREFIX = "fu"


def _escape(text: str) -> str:
    """Stored text shown as itself inside Markdown (no links, emphasis or HTML from what an editor typed), with its
    line breaks kept."""
    plain = "".join("\\" + ch if ch in "\\`*_[]<>$#|~:" else ch for ch in str(text))
    return plain.replace("\n", "  \n")


def _keys(goal_id: str, body: str, year: int, period: str) -> dict[str, str]:
    tail = f"{goal_id}_{body}_{year}_{period}"
    return {k: f"{PREFIX}_{k}_{tail}" for k in ("analys", "atgarder", "version", "conflict", "message")}


def _stored(frame: pd.DataFrame, body: str, period: str) -> dict | None:
    hit = frame[(frame["body"] == body) & (frame["period"] == period)]
    return None if hit.empty else hit.iloc[0].to_dict()


def show_texts(frame: pd.DataFrame, bodies: dict[str, str], year: int) -> None:
    """The stored texts, per nämnd and period, with who wrote them and when."""
    if frame.empty:
        st.caption(f"Ingen analys och inga åtgärder är skrivna för {year} ännu.")
        return
    for body, name in bodies.items():
        for period, label in texts.PERIODS.items():
            row = _stored(frame, body, period)
            if row is None:
                continue
            when = pd.Timestamp(row["updated_at"]).strftime("%Y-%m-%d")
            st.markdown(f"**{_escape(name)} · {label} {year}**")
            st.caption(f"Skriven av {_escape(row['editor'])}, {when}")
            st.markdown(f"*Analys:* {_escape(row['analysis']) or '–'}  \n*Åtgärder:* {_escape(row['actions']) or '–'}")


def _save(goal_id: str, body: str, year: int, period: str) -> None:
    """Button callback: save against the version this editor loaded, before the page is drawn again."""
    k = _keys(goal_id, body, year, period)
    state = st.session_state
    try:
        changed = writes.save_goal_followup(
            goal_id, body, year, period, state[k["analys"]], state[k["atgarder"]], int(state[k["version"]])
        )
    except db.StaleFollowup as exc:
        state[k["conflict"]] = exc.conflicts[0]
        return
    except (auth.NotAuthorised, db.DataError) as exc:
        state[k["message"]] = ("error", str(exc))
        return
    state.pop(k["conflict"], None)
    stored = db.goal_followups(readers.connection(), goal_id, year)
    row = _stored(stored, body, period)
    state[k["version"]] = 0 if row is None else int(row["version"])
    state[k["message"]] = ("success", "Sparat." if changed else "Inget att spara – texten är oförändrad.")


def _reload(goal_id: str, body: str, year: int, period: str) -> None:
    """Button callback: show the stored text, dropping this editor's unsaved one (on request only)."""
    for key in _keys(goal_id, body, year, period).values():
        st.session_state.pop(key, None)


def edit_form(frame: pd.DataFrame, goal_id: str, bodies: dict[str, str], year: int) -> None:
    """The editor's form: choose nämnd and period, write analys and åtgärder, save."""
    c1, c2 = st.columns(2)
    body = str(c1.selectbox("Nämnd", list(bodies), format_func=lambda b: bodies[b], key=f"{PREFIX}_namnd_{goal_id}"))
    period = str(
        c2.selectbox(
            "Period", list(texts.PERIODS), format_func=lambda p: texts.PERIODS[p], key=f"{PREFIX}_period_{goal_id}"
        )
    )
    k = _keys(goal_id, body, year, period)
    row = _stored(frame, body, period)
    if k["version"] not in st.session_state:  # first view of this text: remember the version it was loaded at
        st.session_state[k["version"]] = 0 if row is None else int(row["version"])
        st.session_state[k["analys"]] = "" if row is None else row["analysis"]
        st.session_state[k["atgarder"]] = "" if row is None else row["actions"]
    st.text_area("Analys", key=k["analys"], max_chars=texts.TEXT_MAX, height=110)
    st.text_area("Åtgärder", key=k["atgarder"], max_chars=texts.TEXT_MAX, height=110)
    st.button("Spara analys och åtgärder", key=f"{PREFIX}_spara", on_click=_save, args=(goal_id, body, year, period))
    kind, text = st.session_state.pop(k["message"], (None, None))
    if kind == "success":
        st.success(text)
    elif kind == "error":
        st.error(text)
    conflict = st.session_state.get(k["conflict"])
    if conflict:
        who = conflict.get("updated_by") or "En annan redigerare"
        st.error(
            f"Texten sparades inte: **{_escape(who)}** sparade en annan version efter att du öppnade den. Din text "
            "finns kvar i rutorna. Den sparade texten:",
            icon=":material/sync_problem:",
        )
        current = conflict.get("current") or {}
        st.code(f"Analys: {current.get('analysis', '')}\n\nÅtgärder: {current.get('actions', '')}", language=None)
        st.button(
            "Ladda om texten",
            key=f"{PREFIX}_ladda_om",
            on_click=_reload,
            args=(goal_id, body, year, period),
            help="Visar den sparade texten; din text i rutorna försvinner – kopiera den först om du vill ha kvar den.",
        )


def followup_panel(tree: GoalTree, goal_id: str, year: int) -> None:
    """The delmål's follow-up texts of `year`, and the form for a signed-in editor."""
    bodies = texts.followup_bodies(tree, goal_id)
    if not bodies:
        return
    st.markdown(f"**Analys och åtgärder {year}** (tertial 1, tertial 2, verksamhetsberättelse)")
    frame = db.goal_followups(readers.connection(), goal_id, year)
    show_texts(frame, bodies, year)
    if sign_in.current_editor() is None:
        st.caption("Logga in som redigerare för att skriva analys och åtgärder.")
        return
    with st.expander("Skriv analys och åtgärder", expanded=frame.empty):
        edit_form(frame, goal_id, bodies, year)


def year_texts(year: int) -> pd.DataFrame:
    """Every follow-up text of `year` (for the ILS underlag); read fresh, the table is small and edited here."""
    return db.goal_followups(readers.connection(), year=year)
