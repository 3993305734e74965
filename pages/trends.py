"""Utveckling: one indicator over its own years (2012–2025) for chosen stadsdelar, the programme area and the city;
real values marked apart from modelled ones."""

import pandas as pd
import streamlit as st

from lib.config import BASELINE_YEAR, PROGRAMME_START, YEARS
from ui import cached_views, downloads, layout, readers, tables, urlstate

layout.page_setup()

GROUPS = ("Programområdet", "Ytterstaden", "Staden")
DOMAIN_COLOURS = ["#b30000", "#1f4e8c", "#2a9d8f", "#6a3d9a", "#8c510a", "#d6336c"]
GROUP_COLOURS = {"Programområdet": "#e08214", "Ytterstaden": "#8a8f98", "Staden": "#2b2b2b"}

name_of = readers.area_names()
code_of = {n: c for c, n in name_of.items()}
inds = readers.indicators()
inds = pd.concat([inds[inds["domain"] != readers.CONTEXT], inds[inds["domain"] == readers.CONTEXT]])  # context last
ind_code = dict(zip(inds["name"], inds["code"], strict=True))

st.title("Utveckling")
st.markdown(
    f"Hur har ett mått utvecklats sedan basåret {BASELINE_YEAR} och programstarten {PROGRAMME_START}, fram till "
    f"{YEARS[-1]}? Välj mått och stadsdelar. Varje mått visas för sina egna år; verkliga värden är fyllda punkter, "
    "syntetiska ringar."
)
c1, c3 = st.columns([2, 1.6])  # room for the longest measure name at 1280 px
name = c1.selectbox("Mått", list(ind_code), key=urlstate.INDICATOR, bind="query-params")
chosen = st.multiselect(  # a row of its own: up to six names stay readable
    "Stadsdelar",
    sorted(name_of.values()),
    default=["Rinkeby", "Tensta"],
    key=urlstate.STADSDELAR,
    bind="query-params",
    max_selections=6,
)
refs = c3.multiselect(
    "Jämför med", GROUPS, default=["Programområdet", "Staden"], key=urlstate.REFERENCES, bind="query-params"
)
code = ind_code[name]
meta = inds.set_index("code").loc[code]
order = list(chosen) + [g for g in GROUPS if g in refs]
colours = DOMAIN_COLOURS[: len(chosen)] + [GROUP_COLOURS[g] for g in GROUPS if g in refs]
view = cached_views.trend(code, tuple(chosen), tuple(refs), GROUPS, tuple(order), tuple(colours))
st.caption(
    (f"**{name}: sammanhang, ingår inte i indexet.** " if meta["domain"] == readers.CONTEXT else f"**{name}** ")
    + f"({meta['unit']}) · verkliga värden: {view.real_years} · syntetiska värden: {view.model_years}."
)

if view.empty:
    st.info("Välj minst en stadsdel eller jämförelse.")
else:
    cached_views.chart(view.spec, width="stretch")
    st.caption(view.explanation)
    if view.change:
        st.markdown(view.change)
    st.dataframe(tables.wide_with_real_marked(view.wide, view.synthetic, int(meta["decimals"])), width="stretch")
    st.caption("Fetstil på ljusorange botten: verkligt värde; övriga är syntetiska.")
    downloads.download_buttons(view.sheet, f"utveckling_{code}", "utveckling_tabell")
