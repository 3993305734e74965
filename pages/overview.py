"""Översikt: the programme in three sentences, its goal areas, its stadsdelar and the state of the data."""

import streamlit as st

from lib.fmt import number
from pages import common

common.page_setup()

GOAL_AREAS = (
    (":material/apartment:", "Stadsmiljö och boende", "Trygga, attraktiva och blandade stadsmiljöer och bostäder."),
    (":material/school:", "Skola och utbildning", "Fler elever som når målen och går vidare till studier och arbete."),
    (":material/work:", "Jobb och företagande", "Fler i arbete och färre beroende av ekonomiskt bistånd."),
    (
        ":material/diversity_3:",
        "Lokalt arbete med social hållbarhet",
        "Stadsdelsnämndernas lokala arbete utifrån sitt sociala index (tidigare Trygghet i vardagen).",
    ),
)

st.title("Sammanhållen stad")
st.caption("Program för en sammanhållen stad 2015–2020 · Stockholms stad · ytterstaden")
st.markdown(
    "Programmet är Stockholms stads satsning på ytterstaden: ett **socialt riskindex** per stadsdel – "
    "sociala risker, hälsa, säkerhet och trygghet samt försörjning – pekade ut **22 stadsdelar** i sex "
    "stadsdelsområden, och insatserna ska stå i proportion till riskerna. "
    "Sju mål och tretton delmål i fyra målområden följs upp i stadens ILS, med kommunstyrelsen som ansvarig "
    "för helheten. Varje stadsdelsnämnd gör en lokal handlingsplan utifrån sitt index, och 150 miljoner kronor "
    "finansierar det lokala arbetet."
)

st.subheader("Fyra målområden")
cols = st.columns(4)
for col, (icon, name, text) in zip(cols, GOAL_AREAS, strict=True):
    with col.container(border=True):
        st.markdown(f"##### {icon} {name}")
        st.write(text)

st.subheader("De 22 stadsdelarna – preliminärt urval")
st.caption(
    "Programmets egen lista är inte offentlig. Urvalet bygger på kända områdessatsningar (Järvalyftet, Fokus "
    "Skärholmen, Fokus Hagsätra–Rågsved, Fokus Farsta) och kan ersättas i `data/programme_selection.csv`."
)
areas = common.areas()
selected = areas[areas["in_programme"]]
committees = selected.groupby("committee", sort=True)
cols = st.columns(3)
for i, (committee, group) in enumerate(committees):
    with cols[i % 3].container(border=True):
        st.markdown(f"**{committee}**")
        st.markdown("\n".join(f"- {name}" for name in group["name"].sort_values()))

st.subheader("Dataläge")
status = common.data_status()
c1, c2, c3, c4 = st.columns(4)
c1.metric("Värden i databasen", number(status["values"], 0))
c2.metric("Syntetiska", number(status["synthetic_values"], 0), help="Modellerade värden, markerade som syntetiska.")
c3.metric("Verkliga", number(status["real_values"], 0), help="Inlästa värden med källa och år.")
c4.metric(
    "Saknas",
    number(status["missing_values"], 0),
    help="Stadsdelar med färre än 1 000 invånare får inga indikatorvärden, som i officiell statistik.",
)
if status["real_values"] == 0:
    st.warning(
        "Alla indikatorvärden är **syntetiska**. De är kalibrerade så att stadsdelsområdenas och stadens "
        f"medelvärden stämmer med {number(status['reference_figures'], 0)} publicerade siffror där sådana finns, "
        "men de enskilda stadsdelarnas värden är påhittade. Se *Data och källor*.",
        icon=":material/science:",
    )
c1, c2, c3 = st.columns(3)
c1.page_link("pages/map.py", label="Till kartan", icon=":material/map:")
c2.page_link("pages/present.py", label="Presentera", icon=":material/slideshow:", query_params={"present": "1"})
year = max(common.indicator_years("ekonomiskt_bistand"))
c3.download_button(
    "Lägesbild som PDF",
    lambda: common.programme_brief_pdf(year),
    file_name=f"sammanhallen_stad_lagesbild_{year}.pdf",
    mime="application/pdf",
    icon=":material/picture_as_pdf:",
    on_click="ignore",
    help="Karta, rangordning med osäkerhet, måluppfyllelse och fördelning – att dela ut på ett möte.",
)
