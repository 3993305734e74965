"""The Handlingsplaner page's editing flows: the priorities text, the goal and activity tables with their saves,
conflicts and reloads, and the form for a new activity.

Why the session keys: an editor's unsaved edits must survive a rerun and someone else's save. The rows (or text)
an editor loaded are held with their versions while they edit, a refused save is shown until they save again or
reload, and a bumped generation gives a table editor a fresh, empty edit state.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, cast

import pandas as pd
import streamlit as st

from lib import auth, db, export, fmt, goals, plans
from ui import numbers, readers, writes

ADDED = "_plan_tillagd"  # session key: confirmation of an added activity, shown after the rerun that lists it
BASE = "_plan_inlast"  # session key prefix: the rows (or text) with versions an editor loaded, held while they edit
CONFLICT = "_plan_krock"  # session key prefix: a refused save, shown until the editor saves again or reloads
SAVED = "_plan_sparat"  # session key prefix: confirmation of a save, shown after the rerun that reloads the rows
GENERATION = "_plan_omgang"  # session key prefix: bumped to give a table editor a fresh, empty edit state

GOAL_LABELS = {"indicator_code": "Indikator", "target": "Målvärde", "target_year": "Målår", "text": "Beskrivning"}
ACTIVITY_LABELS = {
    "title": "Aktivitet",
    "owner": "Ansvarig",
    "partners": "Samarbetspartner",
    "start": "Start",
    "end": "Slut",
    "budget": "Budget (mnkr)",
    "status": "Status",
}


@dataclass(frozen=True)
class PlanView:
    """Who edits which nämnd's plan: the committee, the signed-in editor (None: read only), indicator names."""

    committee: str
    editor: str | None
    ind_name: Mapping[str, str]


def escape_md(text: str) -> str:
    """Text from the database (names, titles) shown inside Markdown as itself."""
    return "".join("\\" + ch if ch in "\\`*_[]<>$#|~" else ch for ch in str(text))


# --- the priorities text ---------------------------------------------------------------------------------------


def reload_text(namnd: str) -> None:
    """Button callback: show the stored text, dropping this editor's unsaved text (on request only)."""
    for prefix in (BASE, CONFLICT):
        st.session_state.pop(f"{prefix}_text_{namnd}", None)


def save_priorities(pv: PlanView, text: str, expected_version: int) -> bool:
    """Save the text against the version this editor loaded; a newer one is shown, never overwritten unseen."""
    committee = pv.committee
    try:
        changed = writes.save_plan_text(
            cast(str, pv.editor),
            committee,
            "prioriteringar",
            text,
            expected_version=expected_version,
        )
    except db.StaleEdit as exc:
        st.session_state[f"{CONFLICT}_text_{committee}"] = exc.conflicts[0]
        return False
    except auth.NotAuthorised as exc:
        st.error(str(exc))
        return False
    st.session_state.pop(f"{CONFLICT}_text_{committee}", None)
    stored = db.plan(readers.connection(), committee)["text"]
    stored = stored[stored["section"] == "prioriteringar"]
    if len(stored) and stored["text"].iloc[0] == text:  # adopt the new version only if it is this text
        st.session_state[f"{BASE}_text_{committee}"] = {"text": text, "version": int(stored["version"].iloc[0])}
    st.session_state[f"{SAVED}_text_{committee}"] = "Sparat." if changed else "Inget att spara – texten är oförändrad."
    return True


def _text_conflict(pv: PlanView, conflict: dict, priorities: str) -> None:
    """A refused text save: whose text, when, the stored text, and the ways forward."""
    who = conflict["updated_by"] or "En annan redigerare"
    st.error(
        f"Texten sparades inte: **{escape_md(who)}** sparade en annan version {plans.when(conflict['updated_at'])}, "
        "efter att du öppnade sidan. Din text finns kvar i rutan ovan. Jämför med den sparade texten nedan: "
        "ladda om den, eller spara din text ändå (den sparade finns kvar i historiken).",
        icon=":material/sync_problem:",
    )
    st.caption(f"Sparad text ({who}, {plans.when(conflict['updated_at'])}):")
    st.code((conflict["current"] or {}).get("text") or "(tom)", language=None, wrap_lines=True)
    b1, b2 = st.columns(2)
    b1.button(
        "Ladda om texten",
        key="ladda_om_prio",
        on_click=reload_text,
        args=(pv.committee,),
        icon=":material/refresh:",
        help="Visar den sparade texten. Din text i rutan försvinner – kopiera den först om du vill ha kvar den.",
    )
    overwrite = b2.button(
        "Spara min text ändå", key="spara_prio_anda", disabled=not pv.editor, icon=":material/save_as:"
    )
    if overwrite and save_priorities(pv, priorities.strip(), conflict["version"]):
        st.rerun()


def priorities_tab(pv: PlanView, current: Mapping[str, pd.DataFrame]) -> None:
    """The nämnd's priorities as text; an editor's unsaved text is kept while someone else saves."""
    committee = pv.committee
    prio_key, loaded_key = f"prio_{committee}", f"{BASE}_text_{committee}"
    fresh_text: dict[str, Any] = {"text": "", "version": 0}
    if len(current["text"]):
        stored_text = current["text"][current["text"]["section"] == "prioriteringar"]
        if len(stored_text):
            fresh_text = {"text": str(stored_text["text"].iloc[0]), "version": int(stored_text["version"].iloc[0])}
    loaded_text = st.session_state.get(loaded_key)
    typed = st.session_state.get(prio_key)
    if loaded_text is None or typed is None or str(typed).strip() == loaded_text["text"].strip():
        # no unsaved text: show what is stored now (the text area keeps its own state, so set it here)
        st.session_state[loaded_key] = loaded_text = fresh_text
        st.session_state[prio_key] = fresh_text["text"]
    priorities = st.text_area(
        "Prioriteringar",
        height=180,
        disabled=not pv.editor,
        key=prio_key,
        placeholder="T.ex. arbete och försörjning; trygghet i centrummiljöer; barn och unga.",
    )
    if st.button("Spara prioriteringar", disabled=not pv.editor, key="spara_prio", icon=":material/save:"):
        save_priorities(pv, priorities.strip(), loaded_text["version"])
    if saved := st.session_state.pop(f"{SAVED}_text_{committee}", None):
        st.success(saved)
    if conflict := st.session_state.get(f"{CONFLICT}_text_{committee}"):
        _text_conflict(pv, conflict, priorities)


# --- the goal and activity tables ------------------------------------------------------------------------------


def editor_key(pv: PlanView, prefix: str, table: str) -> str:
    """The table editor's key; a new generation starts with no edits (after a save or an explicit reload)."""
    generation = st.session_state.get(f"{GENERATION}_{table}_{pv.committee}", 0)
    return f"{prefix}_{pv.committee}" + (f"_{generation}" if generation else "")


def has_edits(key: str) -> bool:
    state = st.session_state.get(key)
    return isinstance(state, dict) and any(state.get(k) for k in ("edited_rows", "added_rows", "deleted_rows"))


def loaded_rows(pv: PlanView, table: str, fresh: pd.DataFrame, key: str) -> pd.DataFrame:
    """The rows the table editor shows: the stored ones, but held as they were loaded while this editor has
    unsaved edits. The editor widget is identified by its data, so handing it rows someone else has just saved
    would silently drop this editor's edits, and the save would then find nothing to save."""
    name = f"{BASE}_{table}_{pv.committee}"
    if name not in st.session_state or not has_edits(key):
        st.session_state[name] = fresh
    return st.session_state[name]


def reload_plan(table: str, namnd: str) -> None:
    """Drop this editor's unsaved edits of one table (after a save, or on request) and show the stored rows."""
    for prefix in (BASE, CONFLICT):
        st.session_state.pop(f"{prefix}_{table}_{namnd}", None)
    name = f"{GENERATION}_{table}_{namnd}"
    st.session_state[name] = st.session_state.get(name, 0) + 1


def reload_button(where: Any, pv: PlanView, table: str, key: str) -> None:
    """The way out of a conflict or a stale table: show the stored rows (the editor's unsaved edits go)."""
    where.button(
        "Ladda om planen",
        key=key,
        on_click=reload_plan,
        args=(table, pv.committee),
        icon=":material/refresh:",
        help="Visar de sparade raderna. Dina osparade ändringar i tabellen försvinner.",
    )


def plan_editor(pv: PlanView, frame: pd.DataFrame, key: str, columns: dict) -> pd.DataFrame:
    """A plan table: editors add, change and remove rows; everyone else reads it. Id and version stay hidden."""
    return st.data_editor(
        frame,
        key=key,
        num_rows="dynamic" if pv.editor else "fixed",
        disabled=not pv.editor,
        hide_index=True,
        width="stretch",
        column_config={"id": None, "version": None, **columns},
    )


def warn_if_changed_meanwhile(
    pv: PlanView, table: str, loaded: pd.DataFrame, fresh: pd.DataFrame, key: str, save: str
) -> None:
    """Tell an editor with unsaved edits that someone else has saved this table since they loaded it (unless they
    are saving right now or already see a refused save: then the outcome says it)."""
    if not has_edits(key) or st.session_state.get(save) or st.session_state.get(f"{CONFLICT}_{table}_{pv.committee}"):
        return
    seen = set(zip(loaded["id"], loaded["version"], strict=True)) if len(loaded) else set()
    newer = [r for r in fresh.to_dict("records") if (r["id"], r["version"]) not in seen]
    gone = set(loaded["id"]) - set(fresh["id"]) if len(loaded) else set()
    others = sorted({r["updated_by"] for r in newer if r["updated_by"] != pv.editor})
    if others or gone:
        names = ", ".join(escape_md(n) for n in others) or "En annan redigerare"
        st.warning(
            f"{names} har sparat ändringar i tabellen medan du redigerar. Tabellen visar raderna som när du "
            "började; när du sparar prövas dina ändringar mot de sparade, och inget skrivs över utan att du ser det.",
            icon=":material/group:",
        )
        reload_button(st, pv, table, f"ladda_om_nu_{table}")
    elif newer:  # only this editor's own additions (the form below): they appear once the table is saved
        st.caption("Det du har lagt till syns i tabellen när du har sparat eller laddat om dina ändringar.")


def show_conflict(pv: PlanView, table: str, labels: dict[str, str]) -> None:
    """A refused save, until the editor saves or reloads: whose change, what it was, and the way forward."""
    conflict = st.session_state.get(f"{CONFLICT}_{table}_{pv.committee}")
    if not conflict:
        return
    names = ", ".join(sorted({escape_md(c["updated_by"] or "en annan redigerare") for c in conflict["conflicts"]}))
    st.error(
        f"Ändringen sparades inte: **{names}** har ändrat planen efter att du öppnade den. Inget av det du "
        "ändrade är sparat, men allt finns kvar i tabellen ovan. Ladda om planen för att se de sparade raderna och "
        "gör om dina ändringar – kopiera dem först här nedanför, de försvinner ur tabellen när du laddar om.",
        icon=":material/sync_problem:",
    )
    st.dataframe(
        plans.conflict_table(conflict["conflicts"], pv.ind_name, db.PLAN_FIELD_LABELS), hide_index=True, width="stretch"
    )
    unsaved = export.prepare(conflict["unsaved"].rename(columns=labels), names=pv.ind_name, values=False)
    csv = export.csv_bytes(unsaved).decode("utf-8-sig")
    st.caption("Dina osparade ändringar:")
    st.code(csv, language=None)
    c1, c2 = st.columns(2)
    c1.download_button(
        "Ladda ned dina ändringar (CSV)",
        csv.encode("utf-8-sig"),
        file_name=f"osparade_andringar_{table}.csv",
        mime="text/csv",
        key=f"ladda_ned_{table}",
        icon=":material/download:",
    )
    reload_button(c2, pv, table, f"ladda_om_{table}")


def save_rows(pv: PlanView, table: str, edited: pd.DataFrame, loaded: pd.DataFrame, validate: Callable) -> None:
    """Write what this editor changed against the rows they loaded (new, changed, removed rows) in one
    transaction; a row someone else changed meanwhile refuses the whole save and keeps the edits."""
    committee = pv.committee
    upserts, deletes, problems, unsaved = plans.table_changes(edited, loaded, validate)
    if problems:
        st.error("Ändringen sparades inte:\n\n" + "\n".join(f"- {p}" for p in problems))
        return
    if not upserts and not deletes:
        st.info("Inget att spara – tabellen är som när du öppnade den.")
        return
    try:
        written = writes.apply_plan_changes(cast(str, pv.editor), committee, table, upserts, deletes)
    except db.StaleEdit as exc:
        st.session_state[f"{CONFLICT}_{table}_{committee}"] = {"conflicts": exc.conflicts, "unsaved": unsaved}
        return
    except (auth.NotAuthorised, db.DataError) as exc:
        st.error(str(exc))
        return
    n = len(written)
    st.session_state[f"{SAVED}_{table}_{committee}"] = (
        f"Sparat ({n} {'ändring' if n == 1 else 'ändringar'})." if n else "Planen innehöll redan dina ändringar."
    )
    reload_plan(table, committee)
    st.rerun()


def goals_tab(pv: PlanView, current: Mapping[str, pd.DataFrame], years: list[int]) -> None:
    """The nämnd's local goals as an editable table."""
    stored = current["goals"]
    key = editor_key(pv, "mal", "plan_goal")
    frame = loaded_rows(pv, "plan_goal", plans.goal_rows(stored, pv.ind_name), key)
    warn_if_changed_meanwhile(pv, "plan_goal", frame, stored, key, "spara_mal")
    edited = plan_editor(
        pv,
        frame,
        key,
        {
            "indicator_code": st.column_config.SelectboxColumn(
                "Indikator", options=list(pv.ind_name.values()), required=True
            ),
            "target": st.column_config.NumberColumn("Målvärde", format="localized"),
            "target_year": st.column_config.NumberColumn("Målår", min_value=2015, max_value=2030, step=1, format="%d"),
            "text": st.column_config.TextColumn("Beskrivning", width="large"),
        },
    )
    if st.button("Spara lokala mål", disabled=not pv.editor, key="spara_mal", icon=":material/save:"):
        save_rows(pv, "plan_goal", edited, frame, lambda r, w: plans.validate_goal(r, pv.ind_name, tuple(years), w))
    if saved := st.session_state.pop(f"{SAVED}_plan_goal_{pv.committee}", None):
        st.success(saved)
    show_conflict(pv, "plan_goal", {"ändring": "Ändring", **GOAL_LABELS})


def activities_tab(pv: PlanView, current: Mapping[str, pd.DataFrame], year: int) -> None:
    """The nämnd's activities as an editable table, and a form to add one."""
    stored = current["activities"]
    key = editor_key(pv, "akt", "plan_activity")
    activity_columns = ["id", "version", *plans.ACTIVITY_FIELDS]
    fresh = stored[activity_columns] if not stored.empty else pd.DataFrame(columns=activity_columns)
    frame = loaded_rows(pv, "plan_activity", fresh, key)
    warn_if_changed_meanwhile(pv, "plan_activity", frame, stored, key, "spara_akt")
    edited = plan_editor(
        pv,
        frame,
        key,
        {
            "title": st.column_config.TextColumn("Aktivitet", width="large", required=True),
            "owner": st.column_config.TextColumn("Ansvarig"),
            "partners": st.column_config.TextColumn("Samarbetspartner", help="T.ex. bostadsbolag, föreningar"),
            "start": st.column_config.DateColumn("Start", format="YYYY-MM-DD"),
            "end": st.column_config.DateColumn("Slut", format="YYYY-MM-DD"),
            "budget": st.column_config.NumberColumn("Budget (mnkr)", min_value=0.0, format="localized"),
            "status": st.column_config.SelectboxColumn("Status", options=list(goals.ACTIVITY_STATUSES), required=True),
        },
    )
    if st.button("Spara ändringar i tabellen", disabled=not pv.editor, key="spara_akt", icon=":material/save:"):
        save_rows(pv, "plan_activity", edited, frame, plans.validate_activity)
    if saved := st.session_state.pop(f"{SAVED}_plan_activity_{pv.committee}", None):
        st.success(saved)
    show_conflict(pv, "plan_activity", {"ändring": "Ändring", **ACTIVITY_LABELS})
    if added := st.session_state.pop(ADDED, None):
        st.success(added, icon=":material/check_circle:")  # set before the rerun that shows the new row
    new_activity_form(pv, year)


def new_activity_form(pv: PlanView, year: int) -> None:
    """A form that adds one activity, checked like a table row."""
    locked = not pv.editor
    with st.form("ny_aktivitet", clear_on_submit=True):
        st.markdown("**Ny aktivitet**")
        f1, f2 = st.columns(2)
        title = f1.text_input("Aktivitet", disabled=locked)
        owner = f2.text_input("Ansvarig", disabled=locked)
        partners = f1.text_input("Samarbetspartner", disabled=locked, placeholder="T.ex. Svenska Bostäder")
        status = f2.selectbox("Status", goals.ACTIVITY_STATUSES, disabled=locked)
        start = f1.date_input("Start", value=dt.date(year, 1, 1), disabled=locked)
        end = f2.date_input("Slut", value=dt.date(year, 12, 31), disabled=locked)
        budget_text = f1.text_input(
            "Budget (mnkr)", disabled=locked, placeholder="t.ex. 1,5", help=numbers.HELP + " Tomt = 0."
        )
        if st.form_submit_button("Lägg till", disabled=locked, icon=":material/add:"):
            try:  # a browser's number field reads "1,5" as 15; the text is read as Swedish
                budget = fmt.parse_amount(budget_text, 0.0, 1e6, "mnkr") if budget_text.strip() else 0.0
            except ValueError as exc:
                st.error(f"Aktiviteten lades inte till: {exc}")
                return
            fields = {
                "title": title,
                "owner": owner,
                "partners": partners,
                "start": start,
                "end": end,
                "budget": budget,
                "status": status,
            }
            try:
                row = plans.validate_activity(fields)
                writes.apply_plan_changes(cast(str, pv.editor), pv.committee, "plan_activity", [row])
                amount = fmt.understood(row["budget"], "mnkr")
                st.session_state[ADDED] = f"Lade till ”{row['title']}” med budget {amount}."
                st.rerun()
            except plans.PlanError as exc:
                st.error("\n".join(exc.problems))
            except auth.NotAuthorised as exc:
                st.error(str(exc))


# --- the history ----------------------------------------------------------------------------------------------


def history_tab(pv: PlanView) -> None:
    """Every saved change of the nämnd's plan, newest first, each field as "fält: före → efter"."""
    log = db.audit_log(readers.connection(), pv.committee)
    if log.empty:
        st.caption("Inga ändringar ännu.")
        return
    st.dataframe(
        plans.history_table(log, pv.ind_name, db.PLAN_FIELD_LABELS),
        hide_index=True,
        width="stretch",
        column_config={"Ändring": st.column_config.TextColumn(width="large")},
    )
    st.caption("Tid till minuten. ”–” = tomt fält; en ny rad visas som – → värde, en borttagen som värde → –.")
