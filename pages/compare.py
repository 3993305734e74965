"""Jämför: two stadsdelar side by side, or one stadsdel against its stadsdelsområde, the programme area and the city."""

import altair as alt
import numpy as np
import pandas as pd
import streamlit as st

from lib.aggregate import relative_risk
from lib.fmt import number
from pages import common

common.page_setup()

MODES = ("Två stadsdelar", "Stadsdel mot område och stad")
PALETTE = ["#b30000", "#1f4e8c", "#e08214", "#5b6470"]

areas = common.areas().set_index("code")
name_of = common.area_names()
code_of = {n: c for c, n in name_of.items()}
names = sorted(name_of.values())
inds = common.index_indicators()
years = common.data_years()

st.title("Jämför")
st.markdown(
    "Ställ två stadsdelar bredvid varandra – eller en stadsdel mot sitt stadsdelsområde, programområdet och staden."
)
mode = st.segmented_control("Jämförelse", MODES, default=MODES[0], required=True, key="jamfor", bind="query-params")
c1, c2, c3 = st.columns([2, 2, 1])
a = c1.selectbox("Stadsdel", names, index=names.index("Rinkeby"), key="stadsdel", bind="query-params")
if mode == MODES[0]:
    b = c2.selectbox("Jämför med", names, index=names.index("Skärholmen"), key="stadsdel_b", bind="query-params")
year = int(c3.selectbox("År", years[::-1], key="ar", bind="query-params"))

values = common.values_long()
groups = common.group_values()
districts = common.district_values()


def latest(frame: pd.DataFrame, key: str, at: int) -> pd.Series:
    """Each indicator's latest value at or before `at` in a long frame filtered to one series."""
    sub = frame[frame["year"] <= at].sort_values("year").drop_duplicates(key, keep="last")
    return sub.set_index(key)["value"]


city = latest(groups[groups["group"] == "Staden"], "indicator_code", year)
series: dict[str, pd.Series] = {a: latest(values[values["area_code"] == code_of[a]], "indicator_code", year)}
if mode == MODES[0]:
    series[b] = latest(values[values["area_code"] == code_of[b]], "indicator_code", year)
else:
    district = areas.loc[code_of[a], "district"]
    series[district] = latest(districts[districts["group"] == district], "indicator_code", year)
    series["Programområdet"] = latest(groups[groups["group"] == "Programområdet"], "indicator_code", year)
    series["Staden"] = city

rows = []
for ind in inds.itertuples():
    row = {"Område": ind.domain_name, "Indikator": ind.name, "Enhet": ind.unit}
    for label, s in series.items():
        row[label] = round(float(s.get(ind.code, np.nan)), int(ind.decimals))
    rows.append(row)
table = pd.DataFrame(rows)

dots = pd.DataFrame(
    [
        {
            "indikator": ind.name,
            "serie": label,
            "risk": relative_risk(
                float(s.get(ind.code, np.nan)), float(city.get(ind.code, np.nan)), ind.higher_is_worse
            ),
        }
        for ind in inds.itertuples()
        for label, s in series.items()
    ]
)
labels = list(series)
chart = alt.layer(
    alt.Chart(pd.DataFrame({"x": [100]})).mark_rule(color="#111", strokeDash=[5, 3]).encode(x="x:Q"),
    alt.Chart(dots)
    .mark_point(filled=True, size=110)
    .encode(
        y=alt.Y("indikator:N", sort=list(inds["name"]), title=None, axis=alt.Axis(labelFontSize=13, labelLimit=260)),
        x=alt.X("risk:Q", title="Risk mot staden (100 = stadens nivå; högre = mer risk)", scale=alt.Scale(zero=False)),
        color=alt.Color(
            "serie:N",
            scale=alt.Scale(domain=labels, range=PALETTE[: len(labels)]),
            legend=alt.Legend(orient="top", title=None, labelFontSize=14),
        ),
        shape=alt.Shape("serie:N", scale=alt.Scale(domain=labels), legend=None),
        tooltip=["serie", "indikator", alt.Tooltip("risk:Q", format=".0f")],
    ),
).properties(height=28 * len(inds) + 40)

left, right = st.columns([1.2, 1], gap="large")
with left:
    st.altair_chart(chart, width="stretch")
    st.caption("Varje punkt är ett mått jämfört med staden som helhet. Form och färg skiljer serierna åt.")
with right:
    params = common.current_index_params(year)
    scores = common.index_result(params).scores.set_index("area_code")
    for label in series:
        if label in code_of:
            r = scores.loc[code_of[label]]
            rank = f"plats {int(r['rank'])}" if pd.notna(r["rank"]) else "ej rangordnad"
            st.metric(f"Index {label}", number(r["composite"], 1), help=rank)
    if mode == MODES[0]:
        worse = [
            ind.name
            for ind in inds.itertuples()
            if relative_risk(series[a].get(ind.code, np.nan), series[b].get(ind.code, np.nan), ind.higher_is_worse)
            > 110
        ]
        st.markdown(
            f"**{a} har minst 10 % högre risk än {b} i:** "
            + (", ".join(worse).lower() if worse else "inget mått")
            + "."
        )
st.dataframe(table, hide_index=True, width="stretch", column_config=common.number_columns(table))
common.download_buttons(table, f"jamforelse_{year}", "jamfor_tabell")
st.caption("Område och stad är befolkningsvägda medel av stadsdelarna. :orange[Syntetiska värden.]")
