"""Mål: what the programme promised, who answers for it, and how it is going (helt / delvis / ej uppfyllt)."""

import streamlit as st

from lib import export_tables, goals
from lib.config import BASELINE_YEAR, YEARS
from lib.fmt import number
from lib.goals import followup
from ui import cached_views, downloads, followup_panel, goalview, layout, readers, tables, urlstate

layout.page_setup()

ALL = "Alla"
PROGRAMME = "Programområdet"

tree = readers.goal_tree()
nodes = tree.nodes.set_index("id")
bodies = tree.bodies.set_index("id")
inds = readers.indicators().set_index("code")
areas = readers.areas()
years = list(YEARS)

st.title("Mål och uppföljning")
st.markdown(
    "Programmets mål i fyra målområden, vem som ansvarar för dem och hur det går – bedömt enligt regler i ILS-stil "
    "(verktygets egna): **helt**, **delvis** eller **ej uppfyllt**."
)

body_label = {b.name: b.Index for b in bodies.itertuples() if b.kind != "grupp"}
area_nodes = nodes[nodes["level"] == "målområde"]
outer_districts = sorted(areas.loc[areas["outer_city"], "district"].unique())
programme_areas = sorted(areas.loc[areas["in_programme"], "name"])
c1, c2, c3, c4 = st.columns([1, 2.2, 2, 2])
year = int(c1.selectbox("År", years[::-1], key=urlstate.YEAR, bind="query-params"))
body_name = c2.selectbox(
    "Vad ansvarar vi för?", [ALL, *sorted(body_label)], key=urlstate.RESPONSIBLE, bind="query-params"
)
area_name = c3.selectbox("Målområde", [ALL, *area_nodes["text"]], key=urlstate.GOAL_AREA, bind="query-params")
place = c4.selectbox(
    "Utfall för",
    [PROGRAMME, "Staden", *outer_districts, *programme_areas],
    key=urlstate.OUTCOME_FOR,
    bind="query-params",
    help="Programmets mål följs upp över programområdet; välj ett stadsdelsområde eller en stadsdel för att se "
    "utfallet där (relativa mål räknas då från områdets eget basvärde).",
)

with st.expander("Bedömningsregler"):
    r1, r2, r3 = st.columns(3)
    tolerance = r1.slider("Tolerans mot årsmålet (%)", 0, 10, 2, key=urlstate.TOLERANCE, bind="query-params")
    strong = r2.slider("Stark trend (% per år)", 1, 10, 2, key=urlstate.STRONG_TREND, bind="query-params")
    window = r3.slider("Trend över antal mätningar", 2, 5, 3, key=urlstate.TREND_WINDOW, bind="query-params")
    st.markdown(goalview.rules_text(tolerance, strong, window))

outcomes = readers.goal_outcomes(place)
rows, evaluation = goalview.assessment(place, year, tolerance, strong, window)
status = evaluation.set_index("id")

body_id = body_label.get(body_name) if body_name != ALL else None
mine = goals.nodes_for_body(tree, body_id) if body_id else None
area_id = area_nodes.index[area_nodes["text"] == area_name][0] if area_name != ALL else None
keep = followup.focus(tree, area_id, mine)
shown = tree.only(keep)

summary = followup.status_counts(tree, evaluation, keep)
if not summary.empty:
    cached_views.chart(goalview.status_bar_spec(summary))

prog = status.loc[followup.PROGRAMME_ID]
activity_text = (
    f"{prog['activities_done']} av {prog['activities']} aktiviteter klara "
    f"({number(100 * prog['activities_done_share'], 0)} %)"
    if prog["activities"]
    else "inga aktiviteter"
)
st.markdown(
    f"**Programmet {year}, utfall för {place.lower() if place in (PROGRAMME, 'Staden') else place}:** "
    f"{goals.STATUS_ICON[prog['status']]} {prog['status']} · {activity_text} · "
    f"kommunstyrelsen har det samlade uppföljningsansvaret för programmet."
)
if body_id:
    st.caption(
        f"Visar det {body_name} ansvarar för eller berörs av (även via ”stadsdelsnämnderna i programmet”). "
        "Övriga delmål är dolda."
    )

st.graphviz_chart(goals.to_dot(shown, evaluation, highlight=mine), width="stretch")
st.caption(
    "Symbol och ord visar bedömningen, färgen upprepar den: ✔ helt · ◐ delvis · ✖ ej · ? ej bedömd. "
    "(illustrativt) = målet är ett exempel tills programmets riktiga mål läses in; (illustrativt: …) = målet är känt "
    "men de uppräknade delarna är exempel; streckad linje = placeringen under målet är ett exempel."
)

choices = [n for n in shown.nodes["id"] if n != followup.PROGRAMME_ID]
label_of = {n: followup.node_label(nodes, n) for n in choices}
chosen_label = (
    st.selectbox("Välj ett mål eller delmål", [label_of[n] for n in choices], key=urlstate.GOAL, bind="query-params")
    if choices
    else None
)
if chosen_label:
    node_id = next(n for n, lbl in label_of.items() if lbl == chosen_label)
    goalview.node_heading(tree, node_id, status.loc[node_id, "status"])

    subtree = goals.descendants(tree, node_id) | {node_id}
    my_rows = rows[rows["node_id"].isin(subtree)]
    if not my_rows.empty:
        places = my_rows["indicator_code"].map(inds["decimals"]).astype(int).tolist()
        goalview.indicator_table(followup.indicator_table(my_rows, nodes, inds["name"], BASELINE_YEAR), places)
        first = my_rows.iloc[0]
        code = first["indicator_code"]
        both = followup.outcome_and_targets(outcomes, first, years)
        title = f"{inds.loc[code, 'name']} – {place}"
        cached_views.chart(
            goalview.outcome_chart_spec(both, inds.loc[code, "unit"], title, int(inds.loc[code, "decimals"]))
        )
        st.caption(
            ":orange[Utfallen är syntetiska]"
            + (
                "; målvärdena är illustrativa tills programmets egna läses in."
                if followup.target_invented(nodes, first["node_id"])
                else "."
            )
        )
    if nodes.loc[node_id, "level"] == "delmål":
        followup_panel.followup_panel(tree, node_id, year)
    acts = followup.activity_table(tree, subtree, body_id)
    if not acts.empty:
        st.markdown("**Aktiviteter och åtaganden**")
        goalview.activity_table(acts)

if body_id:
    st.subheader(f"ILS-underlag för {body_name}")
    texts = followup_panel.year_texts(year)
    underlag = goals.ils_underlag(tree, rows, body_id, inds["name"].to_dict(), year, texts)
    if underlag.empty:
        st.caption("Inga delmål med indikatorer för den här organisationen.")
    else:
        st.caption(
            "Delmål, indikatorer, utfall, årsmål, bedömning med dess regel, aktiviteter och den senaste analysen "
            "och åtgärderna – att klistra in i "
            "verksamhetsplan eller tertialrapport. Kolumnen Illustrativt säger om hela delmålet är ett exempel "
            "(ja) eller vilka delar som är det; påhittade mål, roller och aktiviteter är märkta (illustrativt)."
        )
        slug = "".join(ch if ch.isalnum() else "_" for ch in body_name.lower())
        sheet = export_tables.ils(underlag, inds.reset_index(), downloads.outcome_synthetic(place))
        downloads.download_buttons(sheet, f"ils_underlag_{slug}_{year}", "ils_underlag")
        places = underlag["Indikator"].map(dict(zip(inds["name"], inds["decimals"], strict=True))).fillna(1)
        st.dataframe(tables.ils_underlag(underlag, places.astype(int).tolist()), hide_index=True, width="stretch")
