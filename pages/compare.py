"""Jämför: two stadsdelar side by side, or one stadsdel against its stadsdelsområde, the programme area and the city;
each value with its own year and whether it is real or modelled."""

import streamlit as st

from ui import cached_views, downloads, layout, readers, tables, urlstate

layout.page_setup()

MODES = ("Två stadsdelar", "Stadsdel mot område och stad")
PALETTE = ["#b30000", "#1f4e8c", "#e08214", "#5b6470"]

name_of = readers.area_names()
code_of = {n: c for c, n in name_of.items()}
names = sorted(name_of.values())
years = readers.data_years()

st.title("Jämför")
st.markdown(
    "Ställ två stadsdelar bredvid varandra – eller en stadsdel mot sitt stadsdelsområde, programområdet och staden."
)
mode = st.segmented_control(
    "Jämförelse", MODES, default=MODES[0], required=True, key=urlstate.COMPARE_MODE, bind="query-params"
)
c1, c2, c3 = st.columns([2, 2, 1])
a = c1.selectbox("Stadsdel", names, index=names.index("Rinkeby"), key=urlstate.STADSDEL, bind="query-params")
if mode == MODES[0]:
    b = c2.selectbox("Jämför med", names, index=names.index("Skärholmen"), key=urlstate.STADSDEL_B, bind="query-params")
year = int(c3.selectbox("År", years[::-1], key=urlstate.YEAR, bind="query-params"))

view = cached_views.compare(a, b if mode == MODES[0] else None, year, tuple(PALETTE))
labels = view.labels

left, right = st.columns([1.2, 1], gap="large")
with left:
    cached_views.chart(view.spec, width="stretch")
    st.caption(
        "Varje punkt är ett mått jämfört med staden som helhet: 100 = stadens nivå, högre = mer risk. Färgen skiljer "
        "serierna åt; fylld punkt = verkligt värde, ring = syntetiskt (modellerat)."
    )
with right:
    params = urlstate.current_index_params(year)
    for label, value, rank in cached_views.index_metrics(tuple(labels), cached_views.params_key(params), params):
        st.metric(label, value, help=rank)
    if mode == MODES[0]:
        st.markdown(view.sentence)

order, columns = tables.comparison_columns(labels)
st.dataframe(
    tables.rows_with_real_marked(view.table, view.real_mask, view.decimals, labels),
    hide_index=True,
    width="stretch",
    column_order=order,
    column_config=columns,
)
downloads.download_buttons(view.sheet, f"jamforelse_{year}", "jamfor_tabell")
st.caption(
    f"Varje mått visar sitt senaste värde till och med {year}, med sitt eget år. Fetstil på ljusorange botten: "
    "verkligt värde (SCB 2024/2025, stadens folkmängd 2014–2016); övriga är syntetiska (modellerade). Område och stad "
    "är befolkningsvägda medel av stadsdelarna och räknas som verkliga bara när alla stadsdelars värden är det."
)
