"""Jämför: two stadsdelar side by side, or one stadsdel against its stadsdelsområde, the programme area and the city;
each value with its own year and whether it is real or modelled."""

import pandas as pd
import streamlit as st

from lib import charts, comparison, export_tables
from lib.fmt import number
from ui import downloads, layout, readers, results, tables, urlstate

layout.page_setup()

MODES = ("Två stadsdelar", "Stadsdel mot område och stad")
PALETTE = ["#b30000", "#1f4e8c", "#e08214", "#5b6470"]

areas = readers.areas().set_index("code")
name_of = readers.area_names()
code_of = {n: c for c, n in name_of.items()}
names = sorted(name_of.values())
inds = readers.index_indicators()
table_inds = pd.concat([inds, readers.indicators().query("domain == @readers.CONTEXT")])  # context last, in the table
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

values = readers.stadsdel_values()
groups = readers.group_values().merge(readers.group_status(), on=["group", "indicator_code", "year"], how="left")
districts = readers.district_values().merge(readers.group_status(), on=["group", "indicator_code", "year"], how="left")


city = comparison.latest(groups[groups["group"] == "Staden"], year)
series: dict[str, pd.DataFrame] = {a: comparison.latest(values[values["area_code"] == code_of[a]], year)}
if mode == MODES[0]:
    series[b] = comparison.latest(values[values["area_code"] == code_of[b]], year)
else:
    district = areas.loc[code_of[a], "district"]
    series[district] = comparison.latest(districts[districts["group"] == district], year)
    series["Programområdet"] = comparison.latest(groups[groups["group"] == "Programområdet"], year)
    series["Staden"] = city


table, real_mask, decimals = comparison.table(table_inds, series, readers.CONTEXT)
dots = comparison.risk_dots(inds, series, city)
labels = list(series)
chart = charts.compare_risk(dots, list(inds["name"]), labels, PALETTE)

left, right = st.columns([1.2, 1], gap="large")
with left:
    st.altair_chart(chart, width="stretch")
    st.caption(
        "Varje punkt är ett mått jämfört med staden som helhet: 100 = stadens nivå, högre = mer risk. Färgen skiljer "
        "serierna åt; fylld punkt = verkligt värde, ring = syntetiskt (modellerat)."
    )
with right:
    params = urlstate.current_index_params(year)
    scores = results.index_result(params).scores.set_index("area_code")
    for label in series:
        if label in code_of:
            r = scores.loc[code_of[label]]
            rank = f"plats {int(r['rank'])}" if pd.notna(r["rank"]) else "ej rangordnad"
            st.metric(f"Index {label}", number(r["composite"], 1), help=rank)
    if mode == MODES[0]:
        st.markdown(comparison.worse_sentence(inds, a, series[a], b, series[b]))

order, columns = tables.comparison_columns(labels)
st.dataframe(
    tables.rows_with_real_marked(table, real_mask, decimals, labels),
    hide_index=True,
    width="stretch",
    column_order=order,
    column_config=columns,
)
downloads.download_buttons(
    export_tables.comparison(table, real_mask, decimals, table_inds), f"jamforelse_{year}", "jamfor_tabell"
)
st.caption(
    f"Varje mått visar sitt senaste värde till och med {year}, med sitt eget år. Fetstil på ljusorange botten: "
    "verkligt värde (SCB 2024/2025, stadens folkmängd 2014–2016); övriga är syntetiska (modellerade). Område och stad "
    "är befolkningsvägda medel av stadsdelarna och räknas som verkliga bara när alla stadsdelars värden är det."
)
