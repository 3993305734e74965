"""Lokala handlingsplaner: each stadsdelsnämnd's situation, priorities, local goals, activities and follow-up."""

import datetime as dt

import pandas as pd
import streamlit as st

from lib import auth, db, export, goals, plans
from lib.config import BASELINE_YEAR
from lib.fmt import number
from ui import layout, readers, results, sign_in, urlstate, wording

layout.page_setup()

ADDED = "_plan_tillagd"  # session key: confirmation of an added activity, shown after the rerun that lists it
BASE = "_plan_inlast"  # session key prefix: the rows (or text) with versions an editor loaded, held while they edit
CONFLICT = "_plan_krock"  # session key prefix: a refused save, shown until the editor saves again or reloads
SAVED = "_plan_sparat"  # session key prefix: confirmation of a save, shown after the rerun that reloads the rows
GENERATION = "_plan_omgang"  # session key prefix: bumped to give a table editor a fresh, empty edit state

districts = readers.districts()
outer = districts[districts["outer_city"]]
committee_of = dict(zip(outer["committee"], outer["name"], strict=True))
domains = readers.domains()
area_columns = {f"area_{c}": n for c, n in zip(domains["code"], domains["name"], strict=True) if c != readers.CONTEXT}
inds = readers.indicators()
index_inds = readers.index_indicators()
ind_name = dict(zip(index_inds["code"], index_inds["name"], strict=True))
years = readers.data_years()

st.title("Lokala handlingsplaner")
st.markdown(
    "Varje stadsdelsnämnd analyserar sitt sociala index tillsammans med bostadsbolagen och sätter lokala mål och "
    "aktiviteter. Här finns planen, från nulägesanalys till uppföljning."
)
c1, c2 = st.columns([3, 1])
committee = c1.selectbox("Stadsdelsnämnd", list(committee_of), key="namnd", bind="query-params")
year = int(c2.selectbox("År", years[::-1], key="ar", bind="query-params"))
district = committee_of[committee]
editor = sign_in.current_editor()
if not editor:
    st.info("Du kan läsa planen. Logga in som redigerare (i sidomenyn) för att ändra den.", icon=":material/lock:")
current = readers.plan(committee)

tabs = st.tabs(["Nulägesanalys", "Prioriteringar", "Lokala mål", "Aktiviteter", "Uppföljning", "Historik"])

with tabs[0]:
    result = results.index_result(urlstate.current_index_params(year))
    situation = plans.situation(result.scores, readers.areas(), district, area_columns)
    st.markdown(
        f"**{district}** har {len(situation)} stadsdelar, varav {int(situation['in_programme'].sum())} i programmets "
        "preliminära urval. Områdespoäng: 100 = staden, högre = mer risk."
    )
    view = situation.rename(
        columns={"name": "Stadsdel", "in_programme": "I programmet", "composite": "Index", "rank": "Plats i staden"}
    )
    view = view.drop(columns="code")
    empty = view[view["Index"].isna()]
    view = view[view["Index"].notna()].round(1)
    st.dataframe(view, hide_index=True, width="stretch", column_config=wording.number_columns(view))
    if len(empty):
        st.caption(f"Utan värden (färre än 1 000 invånare): {', '.join(empty['Stadsdel'])}.")
    weakest = plans.weakest_indicators(
        readers.committee_outcomes(district), readers.goal_outcomes("Staden"), inds, year
    )
    st.markdown("**Svagast mot staden** (programstadsdelarna sammantaget; 100 = stadens nivå):")
    st.markdown(
        "\n".join(
            f"- {r.name}: {number(r.value, 1)} mot stadens {number(r.city, 1)} – risk {number(r.risk, 0)}"
            for r in weakest.itertuples()
        )
    )
    st.caption(":orange[Syntetiska värden.] Nulägesanalysen räknas fram ur indexet och uppdateras med data och vikter.")


def escape_md(text: str) -> str:
    """Text from the database (names, titles) shown inside Markdown as itself."""
    return "".join("\\" + ch if ch in "\\`*_[]<>$#|~" else ch for ch in str(text))


def when(stamp) -> str:
    return "nyss" if stamp is None or pd.isna(stamp) else pd.Timestamp(stamp).strftime("%Y-%m-%d %H:%M")


def reload_text(namnd: str) -> None:
    """Button callback: show the stored text, dropping this editor's unsaved text (on request only)."""
    for prefix in (BASE, CONFLICT):
        st.session_state.pop(f"{prefix}_text_{namnd}", None)


def save_priorities(text: str, expected_version: int) -> bool:
    """Save the text against the version this editor loaded; a newer one is shown, never overwritten unseen."""
    try:
        changed = db.save_plan_text(
            readers.connection(), editor, committee, "prioriteringar", text, expected_version=expected_version
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


with tabs[1]:
    prio_key, loaded_key = f"prio_{committee}", f"{BASE}_text_{committee}"
    stored_text = current["text"][current["text"]["section"] == "prioriteringar"] if len(current["text"]) else None
    fresh_text = {
        "text": str(stored_text["text"].iloc[0]) if stored_text is not None and len(stored_text) else "",
        "version": int(stored_text["version"].iloc[0]) if stored_text is not None and len(stored_text) else 0,
    }
    loaded_text = st.session_state.get(loaded_key)
    typed = st.session_state.get(prio_key)
    if loaded_text is None or typed is None or str(typed).strip() == loaded_text["text"].strip():
        # no unsaved text: show what is stored now (the text area keeps its own state, so set it here)
        st.session_state[loaded_key] = loaded_text = fresh_text
        st.session_state[prio_key] = fresh_text["text"]
    priorities = st.text_area(
        "Prioriteringar",
        height=180,
        disabled=not editor,
        key=prio_key,
        placeholder="T.ex. arbete och försörjning; trygghet i centrummiljöer; barn och unga.",
    )
    if st.button("Spara prioriteringar", disabled=not editor, key="spara_prio", icon=":material/save:"):
        save_priorities(priorities.strip(), loaded_text["version"])
    if saved := st.session_state.pop(f"{SAVED}_text_{committee}", None):
        st.success(saved)
    if conflict := st.session_state.get(f"{CONFLICT}_text_{committee}"):
        who = conflict["updated_by"] or "En annan redigerare"
        st.error(
            f"Texten sparades inte: **{escape_md(who)}** sparade en annan version {when(conflict['updated_at'])}, "
            "efter att du öppnade sidan. Din text finns kvar i rutan ovan. Jämför med den sparade texten nedan: "
            "ladda om den, eller spara din text ändå (den sparade finns kvar i historiken).",
            icon=":material/sync_problem:",
        )
        st.caption(f"Sparad text ({who}, {when(conflict['updated_at'])}):")
        st.code((conflict["current"] or {}).get("text") or "(tom)", language=None, wrap_lines=True)
        b1, b2 = st.columns(2)
        b1.button(
            "Ladda om texten",
            key="ladda_om_prio",
            on_click=reload_text,
            args=(committee,),
            icon=":material/refresh:",
            help="Visar den sparade texten. Din text i rutan försvinner – kopiera den först om du vill ha kvar den.",
        )
        overwrite = b2.button(
            "Spara min text ändå", key="spara_prio_anda", disabled=not editor, icon=":material/save_as:"
        )
        if overwrite and save_priorities(priorities.strip(), conflict["version"]):
            st.rerun()


def editor_key(prefix: str, table: str) -> str:
    """The table editor's key; a new generation starts with no edits (after a save or an explicit reload)."""
    generation = st.session_state.get(f"{GENERATION}_{table}_{committee}", 0)
    return f"{prefix}_{committee}" + (f"_{generation}" if generation else "")


def has_edits(key: str) -> bool:
    state = st.session_state.get(key)
    return isinstance(state, dict) and any(state.get(k) for k in ("edited_rows", "added_rows", "deleted_rows"))


def loaded_rows(table: str, fresh: pd.DataFrame, key: str) -> pd.DataFrame:
    """The rows the table editor shows: the stored ones, but held as they were loaded while this editor has
    unsaved edits. The editor widget is identified by its data, so handing it rows someone else has just saved
    would silently drop this editor's edits, and the save would then find nothing to save."""
    name = f"{BASE}_{table}_{committee}"
    if name not in st.session_state or not has_edits(key):
        st.session_state[name] = fresh
    return st.session_state[name]


def reload_plan(table: str, namnd: str) -> None:
    """Drop this editor's unsaved edits of one table (after a save, or on request) and show the stored rows."""
    for prefix in (BASE, CONFLICT):
        st.session_state.pop(f"{prefix}_{table}_{namnd}", None)
    name = f"{GENERATION}_{table}_{namnd}"
    st.session_state[name] = st.session_state.get(name, 0) + 1


def reload_button(where, table: str, key: str) -> None:
    """The way out of a conflict or a stale table: show the stored rows (the editor's unsaved edits go)."""
    where.button(
        "Ladda om planen",
        key=key,
        on_click=reload_plan,
        args=(table, committee),
        icon=":material/refresh:",
        help="Visar de sparade raderna. Dina osparade ändringar i tabellen försvinner.",
    )


def plan_editor(frame: pd.DataFrame, key: str, columns: dict) -> pd.DataFrame:
    """A plan table: editors add, change and remove rows; everyone else reads it. Id and version stay hidden."""
    return st.data_editor(
        frame,
        key=key,
        num_rows="dynamic" if editor else "fixed",
        disabled=not editor,
        hide_index=True,
        width="stretch",
        column_config={"id": None, "version": None, **columns},
    )


def warn_if_changed_meanwhile(table: str, loaded: pd.DataFrame, fresh: pd.DataFrame, key: str, save: str) -> None:
    """Tell an editor with unsaved edits that someone else has saved this table since they loaded it (unless they
    are saving right now or already see a refused save: then the outcome says it)."""
    if not has_edits(key) or st.session_state.get(save) or st.session_state.get(f"{CONFLICT}_{table}_{committee}"):
        return
    seen = set(zip(loaded["id"], loaded["version"], strict=True)) if len(loaded) else set()
    newer = [r for r in fresh.to_dict("records") if (r["id"], r["version"]) not in seen]
    gone = set(loaded["id"]) - set(fresh["id"]) if len(loaded) else set()
    others = sorted({r["updated_by"] for r in newer if r["updated_by"] != editor})
    if others or gone:
        names = ", ".join(escape_md(n) for n in others) or "En annan redigerare"
        st.warning(
            f"{names} har sparat ändringar i tabellen medan du redigerar. Tabellen visar raderna som när du "
            "började; när du sparar prövas dina ändringar mot de sparade, och inget skrivs över utan att du ser det.",
            icon=":material/group:",
        )
        reload_button(st, table, f"ladda_om_nu_{table}")
    elif newer:  # only this editor's own additions (the form below): they appear once the table is saved
        st.caption("Det du har lagt till syns i tabellen när du har sparat eller laddat om dina ändringar.")


def change_text(field: str, value) -> str:
    if value is None or value == "":
        return "(tom)"
    if field == "indicator_code":
        return ind_name.get(value, str(value))
    if isinstance(value, float):
        return number(value, 3).rstrip("0").rstrip(",")
    return str(value)


def conflict_table(conflicts: list[dict]) -> pd.DataFrame:
    rows = []
    for c in conflicts:
        row = c["current"] or c["then"] or c["mine"] or {}
        label = row.get("title") or " ".join(
            change_text(f, row.get(f)) for f in ("indicator_code", "target_year") if row.get(f)
        )
        changes = "; ".join(
            f"{db.PLAN_FIELD_LABELS.get(f, f)}: {change_text(f, then)} → {change_text(f, now)}"
            for f, (then, now) in c["changes"].items()
        )
        rows.append(
            {
                "Rad": label or c["id"],
                "Ändrad av": c["updated_by"] or "okänd",
                "Tid": when(c["updated_at"]),
                "Ändring": "borttagen" if c["deleted"] else changes or "ändrad",
            }
        )
    return pd.DataFrame(rows)


def show_conflict(table: str, labels: dict[str, str]) -> None:
    """A refused save, until the editor saves or reloads: whose change, what it was, and the way forward."""
    conflict = st.session_state.get(f"{CONFLICT}_{table}_{committee}")
    if not conflict:
        return
    names = ", ".join(sorted({escape_md(c["updated_by"] or "en annan redigerare") for c in conflict["conflicts"]}))
    st.error(
        f"Ändringen sparades inte: **{names}** har ändrat planen efter att du öppnade den. Inget av det du "
        "ändrade är sparat, men allt finns kvar i tabellen ovan. Ladda om planen för att se de sparade raderna och "
        "gör om dina ändringar – kopiera dem först här nedanför, de försvinner ur tabellen när du laddar om.",
        icon=":material/sync_problem:",
    )
    st.dataframe(conflict_table(conflict["conflicts"]), hide_index=True, width="stretch")
    csv = export.inert(conflict["unsaved"].rename(columns=labels)).to_csv(index=False, sep=";", decimal=",")
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
    reload_button(c2, table, f"ladda_om_{table}")


def save_rows(table: str, edited: pd.DataFrame, loaded: pd.DataFrame, validate) -> None:
    """Write what this editor changed against the rows they loaded (new, changed, removed rows) in one
    transaction; a row someone else changed meanwhile refuses the whole save and keeps the edits."""
    upserts, deletes, problems, unsaved = plans.table_changes(edited, loaded, validate)
    if problems:
        st.error("Ändringen sparades inte:\n\n" + "\n".join(f"- {p}" for p in problems))
        return
    if not upserts and not deletes:
        st.info("Inget att spara – tabellen är som när du öppnade den.")
        return
    try:
        written = db.apply_plan_changes(readers.connection(), editor, committee, table, upserts, deletes)
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


with tabs[2]:
    stored = current["goals"]
    key = editor_key("mal", "plan_goal")
    fresh = pd.DataFrame(
        {
            "id": stored["id"] if not stored.empty else pd.Series(dtype=str),
            "version": stored["version"] if not stored.empty else pd.Series(dtype="int64"),
            "indicator_code": stored["indicator_code"].map(ind_name) if not stored.empty else pd.Series(dtype=str),
            "target": stored["target"] if not stored.empty else pd.Series(dtype=float),
            "target_year": stored["target_year"] if not stored.empty else pd.Series(dtype="Int64"),
            "text": stored["text"] if not stored.empty else pd.Series(dtype=str),
        }
    )
    frame = loaded_rows("plan_goal", fresh, key)
    warn_if_changed_meanwhile("plan_goal", frame, stored, key, "spara_mal")
    goal_labels = {"indicator_code": "Indikator", "target": "Målvärde", "target_year": "Målår", "text": "Beskrivning"}
    edited = plan_editor(
        frame,
        key,
        {
            "indicator_code": st.column_config.SelectboxColumn(
                "Indikator", options=list(ind_name.values()), required=True
            ),
            "target": st.column_config.NumberColumn("Målvärde", format="localized"),
            "target_year": st.column_config.NumberColumn("Målår", min_value=2015, max_value=2030, step=1, format="%d"),
            "text": st.column_config.TextColumn("Beskrivning", width="large"),
        },
    )
    if st.button("Spara lokala mål", disabled=not editor, key="spara_mal", icon=":material/save:"):
        save_rows("plan_goal", edited, frame, lambda r, w: plans.validate_goal(r, ind_name, tuple(years), w))
    if saved := st.session_state.pop(f"{SAVED}_plan_goal_{committee}", None):
        st.success(saved)
    show_conflict("plan_goal", {"ändring": "Ändring", **goal_labels})

with tabs[3]:
    stored = current["activities"]
    key = editor_key("akt", "plan_activity")
    activity_columns = ["id", "version", *plans.ACTIVITY_FIELDS]
    fresh = stored[activity_columns] if not stored.empty else pd.DataFrame(columns=activity_columns)
    frame = loaded_rows("plan_activity", fresh, key)
    warn_if_changed_meanwhile("plan_activity", frame, stored, key, "spara_akt")
    edited = plan_editor(
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
    if st.button("Spara ändringar i tabellen", disabled=not editor, key="spara_akt", icon=":material/save:"):
        save_rows("plan_activity", edited, frame, plans.validate_activity)
    if saved := st.session_state.pop(f"{SAVED}_plan_activity_{committee}", None):
        st.success(saved)
    show_conflict(
        "plan_activity",
        {
            "ändring": "Ändring",
            "title": "Aktivitet",
            "owner": "Ansvarig",
            "partners": "Samarbetspartner",
            "start": "Start",
            "end": "Slut",
            "budget": "Budget (mnkr)",
            "status": "Status",
        },
    )
    if added := st.session_state.pop(ADDED, None):
        st.success(added, icon=":material/check_circle:")  # set before the rerun that shows the new row
    with st.form("ny_aktivitet", clear_on_submit=True):
        st.markdown("**Ny aktivitet**")
        f1, f2 = st.columns(2)
        title = f1.text_input("Aktivitet", disabled=not editor)
        owner = f2.text_input("Ansvarig", disabled=not editor)
        partners = f1.text_input("Samarbetspartner", disabled=not editor, placeholder="T.ex. Svenska Bostäder")
        status = f2.selectbox("Status", goals.ACTIVITY_STATUSES, disabled=not editor)
        start = f1.date_input("Start", value=dt.date(year, 1, 1), disabled=not editor)
        end = f2.date_input("Slut", value=dt.date(year, 12, 31), disabled=not editor)
        budget = f1.number_input("Budget (mnkr)", min_value=0.0, step=0.5, disabled=not editor)
        if st.form_submit_button("Lägg till", disabled=not editor, icon=":material/add:"):
            try:
                row = plans.validate_activity(
                    {
                        "title": title,
                        "owner": owner,
                        "partners": partners,
                        "start": start,
                        "end": end,
                        "budget": budget,
                        "status": status,
                    }
                )
                db.apply_plan_changes(readers.connection(), editor, committee, "plan_activity", [row])
                st.session_state[ADDED] = f"Lade till ”{row['title']}”."
                st.rerun()
            except plans.PlanError as exc:
                st.error("\n".join(exc.problems))
            except auth.NotAuthorised as exc:
                st.error(str(exc))

with tabs[4]:
    stored = current["goals"]
    if stored.empty:
        st.caption("Inga lokala mål ännu. De följs upp med samma regler som programmets delmål.")
    else:
        follow = plans.followup(stored, readers.committee_outcomes(district), year, BASELINE_YEAR)
        merged = stored.merge(follow, on="id")
        st.dataframe(
            pd.DataFrame(
                {
                    "Mål": merged["text"].where(merged["text"].astype(bool), merged["indicator_code"].map(ind_name)),
                    "Indikator": merged["indicator_code"].map(ind_name),
                    f"Basvärde {BASELINE_YEAR}": merged["baseline"].round(1),
                    f"Årsmål {year}": merged["target_now"].round(1),
                    "Utfall": merged["outcome"].round(1),
                    "Målvärde": merged["target"],
                    "Målår": merged["target_year"],
                    "Bedömning": [f"{goals.STATUS_ICON[s]} {s}" for s in merged["status"]],
                }
            ),
            hide_index=True,
            width="stretch",
        )
        st.caption(
            "Utfallen gäller nämndens programstadsdelar sammantaget (befolkningsvägt). :orange[Syntetiska värden.]"
        )

with tabs[5]:
    log = db.audit_log(readers.connection(), committee)
    if log.empty:
        st.caption("Inga ändringar ännu.")
    else:
        st.dataframe(
            pd.DataFrame(
                {
                    "Tid": log["changed_at"],
                    "Redigerare": log["editor"],
                    "Del": log["table_name"].map(
                        {"plan_goal": "lokalt mål", "plan_activity": "aktivitet", "plan_text": "text"}
                    ),
                    "Ändring": log["action"],
                    "Post": log["record_id"],
                    "Före": log["before"],
                    "Efter": log["after"],
                }
            ),
            hide_index=True,
            width="stretch",
        )
