"""Översikt: the programme in three sentences, its goal areas, its stadsdelar and the state of the data."""

import streamlit as st

from lib import data_status
from lib.config import YEARS
from lib.fmt import number
from ui import briefs, layout, readers, urlstate

layout.page_setup()

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
    "stadsdelsområden, och arbetets omfattning och intensitet bör stå i proportion till graden av social risk. "
    "Sju mål och tretton delmål i fyra målområden ska följas upp i stadens styrsystem ILS; kommunstyrelsen har det "
    "samlade uppföljningsansvaret för programmet. Varje stadsdelsnämnd analyserar sitt sociala index och tar fram "
    "lokala mål och aktiviteter, och 150 miljoner kronor föreslås för stadsdelsnämndernas lokala arbete med social "
    "hållbarhet under programperioden."
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
areas = readers.areas()
selected = areas[areas["in_programme"]]
committees = selected.groupby("committee", sort=True)
committee_cols = st.columns(3)
for i, (committee, group) in enumerate(committees):
    with committee_cols[i % 3].container(border=True):
        st.markdown(f"**{committee}**")
        st.markdown("\n".join(f"- {name}" for name in group["name"].sort_values()))

st.subheader("Dataläge")
status = readers.data_status()
c1, c2, c3, c4 = st.columns(4)
c1.metric("Värden i databasen", number(status["values"], 0))
c2.metric("Syntetiska", number(status["synthetic_values"], 0), help="Modellerade värden, markerade som syntetiska.")
c3.metric(
    "Verkliga",
    number(status["real_values"], 0),
    help="Publicerad statistik med källa, licens och år: SCB 2024/2025 och stadens folkmängd 2014–2016.",
)
c4.metric(
    "Saknas",
    number(status["missing_values"], 0),
    help="Stadsdelar med färre än 1 000 invånare får inga indikatorvärden, som i officiell statistik.",
)
refs = readers.reference_figures()
calibration = data_status.calibration_sentence(refs, YEARS)
if status["real_values"] == 0:
    st.warning(
        f"Alla indikatorvärden är **syntetiska**. {calibration} De enskilda stadsdelarnas värden är påhittade. "
        "Se *Data och källor*.",
        icon=":material/science:",
    )
elif status["synthetic_values"]:
    deso_real = int(readers.real_sources().set_index("dataset")["rows"].get("deso_value", 0))
    st.info(
        data_status.mix_sentence(status, deso_real),
        icon=":material/science:",
    )
    st.caption(f"{calibration} Se *Data och källor*.")
c1, c2, c3 = st.columns(3)
c1.page_link("pages/map.py", label="Till kartan", icon=":material/map:", query_params=urlstate.link_params("map"))
c2.page_link(
    "pages/present.py",
    label="Presentera",
    icon=":material/slideshow:",
    query_params=urlstate.link_params("present", present="1"),
)
year = max(readers.indicator_years("ekonomiskt_bistand"))
# Read now (the user's level too): the callable runs where the session cannot be read.
brief_params = urlstate.current_index_params(year, level=None)
c3.download_button(
    "Lägesbild som PDF",
    lambda: briefs.programme_brief_pdf(year, brief_params),
    file_name=f"sammanhallen_stad_lagesbild_{year}.pdf",
    mime="application/pdf",
    icon=":material/picture_as_pdf:",
    on_click="ignore",
    help="Karta, rangordning med osäkerhet, måluppfyllelse och fördelning – att dela ut på ett möte.",
)
