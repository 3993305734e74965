"""Stadsdel: one stadsdel's place in the index, what drives it, its trends and where every number comes from."""

import pandas as pd
import streamlit as st

from lib.config import BASELINE_YEAR, PROGRAMME_START, YEARS
from ui import briefs, cached_views, layout, readers, urlstate
from ui import profile as view

layout.page_setup()

areas = readers.areas().set_index("code")
name_of = readers.area_names()
code_of = {n: c for c, n in name_of.items()}
names = sorted(name_of.values())
years = readers.data_years()

st.title("Stadsdel")
st.markdown(
    "Var stadsdelen står i indexet, vad som driver det, hur det har utvecklats och varifrån varje siffra kommer."
)
c1, c2 = st.columns([3, 1])
choice = c1.selectbox("Stadsdel", names, index=names.index("Rinkeby"), key=urlstate.STADSDEL, bind="query-params")
year = int(c2.selectbox("År", years[::-1], key=urlstate.YEAR, bind="query-params"))
code = code_of[choice]
info = areas.loc[code]
parts = view.unit(code, choice, info["district"])

params = urlstate.current_index_params(year)
scores = cached_views.unit_scores(code, cached_views.params_key(params), params)

st.subheader(f"{choice} · {info['district']}")
status = (
    "Ingår i programmets **preliminära urval** av 22 stadsdelar."
    if info["in_programme"]
    else "Ingår inte i programmets preliminära urval."
)
st.markdown(f"{status} Stadsdelsnämnd: {info['committee']}.")
st.download_button(
    "Stadsdelsprofil som PDF",
    lambda: briefs.area_brief_pdf(code, year, params),
    file_name=f"stadsdelsprofil_{code}_{year}.pdf",
    mime="application/pdf",
    icon=":material/picture_as_pdf:",
    on_click="ignore",
)
view.key_figures(code, choice, year, params, scores)

if pd.notna(scores.row["composite"]):  # under 1 000 inhabitants: no index
    st.subheader("De fyra områdena")
    view.domains_view(code, choice, year, params, scores)

st.subheader(f"Alla indikatorer {year}")
st.caption(
    "Varje indikators senaste värde till och med valt år, med sitt eget år. **Verkligt** = publicerad statistik med "
    "källa och licens; **syntetiskt** = modellerat värde."
)
view.indicator_view(code, year, scores.flags)
st.caption(
    "Stadens och programområdets värden är befolkningsvägda medel av stadsdelarna. Mått som inte mäts varje år "
    "(valdeltagande, trygghetsmätningen) visar senaste mätningen. Sammanhang (folkmängd, nettoinkomst, utländsk "
    "bakgrund) ingår inte i indexet."
)

st.subheader("Verkligt och modellerat sida vid sida")
view.real_and_model_view(choice, parts)

st.subheader("Polisens utsatta områden 2025")
view.police_view(choice, parts)

st.subheader(f"DeSO i {choice}")
view.deso_view(choice, parts)

st.subheader(f"Utveckling {YEARS[0]}–{YEARS[-1]}")
view.trend_view(parts)
st.caption(
    "Fyllda punkter: verkliga värden (t.ex. SCB 2024/2025, stadens folkmängd 2014–2016); ringar: syntetiska "
    "(modellerade). Staden och programområdet räknas som verkliga bara när alla stadsdelars värden är det. "
    f"Streckade linjer: basår {BASELINE_YEAR} och programstart {PROGRAMME_START}. Mått som bara finns som verklig "
    "statistik (2024 eller 2025) har en enda punkt."
)

st.subheader(f"Publicerad statistik för {info['district']}")
view.published_view(parts)
