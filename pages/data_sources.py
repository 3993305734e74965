"""Data och källor: what every indicator means, where it comes from, and which values are synthetic."""

import pandas as pd
import streamlit as st

from lib.fmt import number
from pages import common

common.page_setup()

st.title("Data och källor")
st.markdown(
    "Varje värde i verktyget har en källa och ett år – eller är markerat som **syntetiskt**. "
    "Här finns indikatorkatalogen, hur de syntetiska värdena är gjorda och de verkliga siffror de kalibrerats mot."
)

status = common.data_status()
c1, c2, c3 = st.columns(3)
c1.metric("Syntetiska värden", number(status["synthetic_values"], 0))
c2.metric("Verkliga värden", number(status["real_values"], 0))
c3.metric("Publicerade jämförelsesiffror", number(status["reference_figures"], 0))

st.subheader("Indikatorkatalog")
st.caption("Efter Västra Götalandsmodellens fyra områden. Riktningen anger vad som räknas som högre risk.")
inds = common.indicators()
catalogue = pd.DataFrame(
    {
        "Område": inds["domain_name"],
        "Indikator": inds["name"],
        "Enhet": inds["unit"],
        "Högre risk när": inds["higher_is_worse"].map({True: "värdet är högt", False: "värdet är lågt"}),
        "Definition": inds["definition"],
        "Källa (utgivare)": inds["source"],
        "Mätår": inds["measured_years"].str.replace("-", "–"),
        "Ingår i index": inds["domain"].ne("kontext").map({True: "ja", False: "nej (kontext)"}),
    }
)
st.dataframe(
    catalogue,
    hide_index=True,
    width="stretch",
    column_config={"Definition": st.column_config.TextColumn(width="large")},
)
st.download_button(
    "Ladda ner katalogen (CSV)",
    catalogue.to_csv(index=False).encode("utf-8-sig"),
    file_name="indikatorkatalog.csv",
    mime="text/csv",
    icon=":material/download:",
)

st.subheader("Så är de syntetiska värdena gjorda")
st.markdown(
    """
Stadsdelsstatistik för 2012–2020 finns inte i det material verktyget får levereras med. Därför är alla
indikatorvärden **syntetiska** tills staden läser in sina egna:

1. **Folkmängd**: stadsdelsområdenas verkliga folkmängd 2011 fördelas på stadsdelarna efter yta och
   bebyggelsetyp och skrivs fram med en tillväxt kring 1,2 % per år.
2. **En gemensam underliggande utsatthet** per stadsdel (stadsdelsområdets verkliga andel med ekonomiskt
   bistånd 2015, högre för programmets stadsdelar, plus slump) gör att indikatorerna samvarierar som i
   verkligheten.
3. **Indikatorerna** får rimliga nivåer, trender och årlig variation – större variation där färre bor.
   Stadsdelar med färre än 1 000 invånare får inga värden, som i officiell statistik.
4. **Kalibrering**: där en jämförbar verklig siffra finns för en stadsdel, ett stadsdelsområde eller staden
   justeras värdena så att det befolkningsvägda medelvärdet stämmer med den.

Modellen är deterministisk (`python -m lib.cli generate-data`) och beskrivs i `lib/synthetic.py`.
"""
)

st.subheader("Preliminärt urval av stadsdelar")
areas = common.areas()
sel = areas[areas["in_programme"]][["name", "district", "selection_confidence", "selection_motivation"]]
st.dataframe(
    sel.rename(
        columns={
            "name": "Stadsdel",
            "district": "Stadsdelsområde",
            "selection_confidence": "Säkerhet",
            "selection_motivation": "Motivering",
        }
    ),
    hide_index=True,
    width="stretch",
)

st.subheader("Verkliga publicerade siffror")
st.caption(
    "Siffror ur Statistisk årsbok för Stockholm och andra källor, mest per stadsdelsområde. "
    "”Kalibrering” visar om siffran mäter samma sak som en indikator och därför styr de syntetiska värdena."
)
refs = common.reference_figures()
names = dict(zip(inds["code"], inds["name"], strict=True))
ref_table = pd.DataFrame(
    {
        "Område": refs["area"],
        "Nivå": refs["area_level"].map(
            {"kommun": "staden", "stadsdelsomrade": "stadsdelsområde", "stadsdel": "stadsdel"}
        ),
        "Mått": refs["figure_indicator"],
        "Indikator": refs["indicator_code"].map(names).fillna("–"),
        "År": refs["year"],
        "Värde": refs["value"],
        "Enhet": refs["unit"],
        "Kalibrering": refs["comparable"].map({True: "ja", False: "nej"}),
        "Kommentar": refs["mapping_comment"],
        "Källa": refs["source_url"],
    }
)
st.dataframe(
    ref_table,
    hide_index=True,
    width="stretch",
    column_config={
        "Källa": st.column_config.LinkColumn(display_text="öppna"),
        "År": st.column_config.NumberColumn(format="%d"),
    },
)
