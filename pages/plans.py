"""Lokala handlingsplaner: each stadsdelsnämnd's situation, priorities, local goals, activities and follow-up."""

import datetime as dt

import pandas as pd
import streamlit as st

from lib import auth, db, goals, plans
from lib.config import BASELINE_YEAR
from lib.fmt import number
from pages import common

common.page_setup()

ADDED = "_plan_tillagd"  # session key: confirmation of an added activity, shown after the rerun that lists it

districts = common.districts()
outer = districts[districts["outer_city"]]
committee_of = dict(zip(outer["committee"], outer["name"], strict=True))
domains = common.domains()
area_columns = {f"area_{c}": n for c, n in zip(domains["code"], domains["name"], strict=True) if c != common.CONTEXT}
inds = common.indicators()
index_inds = common.index_indicators()
ind_name = dict(zip(index_inds["code"], index_inds["name"], strict=True))
years = common.data_years()

st.title("Lokala handlingsplaner")
st.markdown(
    "Varje stadsdelsnämnd analyserar sitt sociala index tillsammans med bostadsbolagen och sätter lokala mål och "
    "aktiviteter. Här finns planen, från nulägesanalys till uppföljning."
)
c1, c2 = st.columns([3, 1])
committee = c1.selectbox("Stadsdelsnämnd", list(committee_of), key="namnd", bind="query-params")
year = int(c2.selectbox("År", years[::-1], key="ar", bind="query-params"))
district = committee_of[committee]
editor = common.current_editor()
if not editor:
    st.info("Du kan läsa planen. Logga in som redigerare (i sidomenyn) för att ändra den.", icon=":material/lock:")
current = common.plan(committee)

tabs = st.tabs(["Nulägesanalys", "Prioriteringar", "Lokala mål", "Aktiviteter", "Uppföljning", "Historik"])

with tabs[0]:
    result = common.index_result(common.current_index_params(year))
    situation = plans.situation(result.scores, common.areas(), district, area_columns)
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
    st.dataframe(view, hide_index=True, width="stretch", column_config=common.number_columns(view))
    if len(empty):
        st.caption(f"Utan värden (färre än 1 000 invånare): {', '.join(empty['Stadsdel'])}.")
    weakest = plans.weakest_indicators(common.committee_outcomes(district), common.goal_outcomes("Staden"), inds, year)
    st.markdown("**Svagast mot staden** (programstadsdelarna sammantaget; 100 = stadens nivå):")
    st.markdown(
        "\n".join(
            f"- {r.name}: {number(r.value, 1)} mot stadens {number(r.city, 1)} – risk {number(r.risk, 0)}"
            for r in weakest.itertuples()
        )
    )
    st.caption(":orange[Syntetiska värden.] Nulägesanalysen räknas fram ur indexet och uppdateras med data och vikter.")

with tabs[1]:
    texts = current["text"].set_index("section")["text"] if not current["text"].empty else pd.Series(dtype=str)
    priorities = st.text_area(
        "Prioriteringar",
        value=texts.get("prioriteringar", ""),
        height=180,
        disabled=not editor,
        key=f"prio_{committee}",
        placeholder="T.ex. arbete och försörjning; trygghet i centrummiljöer; barn och unga.",
    )
    if st.button("Spara prioriteringar", disabled=not editor, key="spara_prio", icon=":material/save:"):
        try:
            changed = db.save_plan_text(common.connection(), editor, committee, "prioriteringar", priorities.strip())
            st.success("Sparat." if changed else "Inget att spara – texten är oförändrad.")
        except auth.NotAuthorised as exc:
            st.error(str(exc))


def plan_editor(frame: pd.DataFrame, key: str, columns: dict) -> pd.DataFrame:
    """A plan table: editors add, change and remove rows; everyone else reads it. The id column stays hidden."""
    return st.data_editor(
        frame,
        key=key,
        num_rows="dynamic" if editor else "fixed",
        disabled=not editor,
        hide_index=True,
        width="stretch",
        column_config={"id": None, **columns},
    )


def save_rows(table: str, edited: pd.DataFrame, stored: pd.DataFrame, validate) -> None:
    """Validate the edited table and write the changes (new, changed, removed rows) in one transaction."""
    upserts, problems = [], []
    for i, row in enumerate(edited.to_dict("records"), 1):
        try:
            clean = validate(row, f"Rad {i}")
        except plans.PlanError as exc:
            problems += exc.problems
            continue
        key = row.get("id")
        upserts.append({**clean, "id": key if isinstance(key, str) and key else None})
    kept = {r["id"] for r in upserts if r["id"]}
    deletes = [k for k in stored["id"] if k not in kept] if not stored.empty else []
    if problems:
        st.error("Ändringen sparades inte:\n\n" + "\n".join(f"- {p}" for p in problems))
        return
    try:
        written = db.apply_plan_changes(common.connection(), editor, committee, table, upserts, deletes)
        st.success(f"Sparat ({len(written)} ändringar)." if written else "Inget att spara.")
    except (auth.NotAuthorised, db.DataError) as exc:
        st.error(str(exc))


with tabs[2]:
    stored = current["goals"]
    frame = pd.DataFrame(
        {
            "id": stored["id"] if not stored.empty else pd.Series(dtype=str),
            "indicator_code": stored["indicator_code"].map(ind_name) if not stored.empty else pd.Series(dtype=str),
            "target": stored["target"] if not stored.empty else pd.Series(dtype=float),
            "target_year": stored["target_year"] if not stored.empty else pd.Series(dtype="Int64"),
            "text": stored["text"] if not stored.empty else pd.Series(dtype=str),
        }
    )
    edited = plan_editor(
        frame,
        f"mal_{committee}",
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
        save_rows("plan_goal", edited, stored, lambda r, w: plans.validate_goal(r, ind_name, tuple(years), w))

with tabs[3]:
    stored = current["activities"]
    activity_columns = ["id", *plans.ACTIVITY_FIELDS]
    frame = stored[activity_columns] if not stored.empty else pd.DataFrame(columns=activity_columns)
    edited = plan_editor(
        frame,
        f"akt_{committee}",
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
        save_rows("plan_activity", edited, stored, plans.validate_activity)
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
                db.apply_plan_changes(common.connection(), editor, committee, "plan_activity", [row])
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
        follow = plans.followup(stored, common.committee_outcomes(district), year, BASELINE_YEAR)
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
    log = db.audit_log(common.connection(), committee)
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
