"""Lokala handlingsplaner: each stadsdelsnämnd's situation, priorities, local goals, activities and follow-up."""

import streamlit as st

from lib import plans
from lib.config import BASELINE_YEAR
from lib.fmt import number
from ui import layout, readers, results, sign_in, tables, urlstate
from ui import plans as plan_ui

layout.page_setup()

districts = readers.districts()
outer = districts[districts["outer_city"]]
committee_of = dict(zip(outer["committee"], outer["name"], strict=True))
index_inds = readers.index_indicators()
ind_name = dict(zip(index_inds["code"], index_inds["name"], strict=True))
years = readers.data_years()

st.title("Lokala handlingsplaner")
st.markdown(
    "Varje stadsdelsnämnd analyserar sitt sociala index tillsammans med bostadsbolagen och sätter lokala mål och "
    "aktiviteter. Här finns planen, från nulägesanalys till uppföljning."
)
c1, c2 = st.columns([3, 1])
committee = c1.selectbox("Stadsdelsnämnd", list(committee_of), key=urlstate.COMMITTEE, bind="query-params")
year = int(c2.selectbox("År", years[::-1], key=urlstate.YEAR, bind="query-params"))
district = committee_of[committee]
editor = sign_in.current_editor()
if not editor:
    st.info("Du kan läsa planen. Logga in som redigerare (i sidomenyn) för att ändra den.", icon=":material/lock:")
current = readers.plan(committee)
pv = plan_ui.PlanView(committee, editor, ind_name)

tabs = st.tabs(["Nulägesanalys", "Prioriteringar", "Lokala mål", "Aktiviteter", "Uppföljning", "Historik"])

with tabs[0]:
    situation = results.plan_situation(urlstate.current_index_params(year), district)
    st.markdown(
        f"**{district}** har {len(situation)} stadsdelar, varav {int(situation['in_programme'].sum())} i programmets "
        "preliminära urval. Områdespoäng: 100 = staden, högre = mer risk."
    )
    view = situation.rename(
        columns={"name": "Stadsdel", "in_programme": "I programmet", "composite": "Index", "rank": "Plats i staden"}
    ).drop(columns="code")
    empty = view[view["Index"].isna()]
    view = view[view["Index"].notna()].round(1)
    st.dataframe(tables.numeric(view, {"Plats i staden": 0}), hide_index=True, width="stretch")
    if len(empty):
        st.caption(f"Utan värden (färre än 1 000 invånare): {', '.join(empty['Stadsdel'])}.")
    weakest = results.weakest_indicators(district, year)
    st.markdown("**Svagast mot staden** (programstadsdelarna sammantaget; 100 = stadens nivå):")
    st.markdown(
        "\n".join(
            f"- {r.name}: {number(r.value, 1)} mot stadens {number(r.city, 1)} – risk {number(r.risk, 0)}"
            for r in weakest.itertuples()
        )
    )
    st.caption(":orange[Syntetiska värden.] Nulägesanalysen räknas fram ur indexet och uppdateras med data och vikter.")

with tabs[1]:
    plan_ui.priorities_tab(pv, current)

with tabs[2]:
    plan_ui.goals_tab(pv, current, years)

with tabs[3]:
    plan_ui.activities_tab(pv, current, year)

with tabs[4]:
    if current["goals"].empty:
        st.caption("Inga lokala mål ännu. De följs upp med samma regler som programmets delmål.")
    else:
        follow = plans.followup(current["goals"], readers.committee_outcomes(district), year, BASELINE_YEAR)
        st.dataframe(
            plans.followup_table(current["goals"], follow, ind_name, year, BASELINE_YEAR),
            hide_index=True,
            width="stretch",
        )
        st.caption(
            "Utfallen gäller nämndens programstadsdelar sammantaget (befolkningsvägt). :orange[Syntetiska värden.]"
        )

with tabs[5]:
    plan_ui.history_tab(pv)
