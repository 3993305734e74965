"""Utveckling: one indicator over 2012–2020 for chosen stadsdelar, the programme area and the city."""

import altair as alt
import pandas as pd
import streamlit as st

from lib.aggregate import change_since
from lib.config import BASELINE_YEAR, PROGRAMME_START
from lib.fmt import number
from pages import common

common.page_setup()

GROUPS = ("Programområdet", "Ytterstaden", "Staden")
AREA_COLOURS = ["#b30000", "#1f4e8c", "#2a9d8f", "#6a3d9a", "#8c510a", "#d6336c"]
GROUP_COLOURS = {"Programområdet": "#e08214", "Ytterstaden": "#8a8f98", "Staden": "#2b2b2b"}

name_of = common.area_names()
code_of = {n: c for c, n in name_of.items()}
inds = common.indicators()
ind_code = dict(zip(inds["name"], inds["code"], strict=True))

st.title("Utveckling")
st.markdown(
    f"Hur har ett mått utvecklats sedan basåret {BASELINE_YEAR} och programstarten {PROGRAMME_START}? "
    "Välj mått och stadsdelar."
)
c1, c2, c3 = st.columns([1.4, 2.4, 1.6])
name = c1.selectbox("Mått", list(ind_code), key="indikator", bind="query-params")
chosen = c2.multiselect(
    "Stadsdelar",
    sorted(name_of.values()),
    default=["Rinkeby", "Tensta"],
    key="stadsdelar",
    bind="query-params",
    max_selections=6,
)
refs = c3.multiselect("Jämför med", GROUPS, default=["Programområdet", "Staden"], key="referens", bind="query-params")
code = ind_code[name]
meta = inds.set_index("code").loc[code]

values = common.values_long()
groups = common.group_values()
own = values[(values["indicator_code"] == code) & values["area_code"].isin([code_of[c] for c in chosen])].assign(
    serie=lambda d: d["area_code"].map(name_of)
)
ref = groups[(groups["indicator_code"] == code) & groups["group"].isin(refs)].rename(columns={"group": "serie"})
data = pd.concat([own[["serie", "year", "value"]], ref[["serie", "year", "value"]]], ignore_index=True)

if data.empty:
    st.info("Välj minst en stadsdel eller jämförelse.")
else:
    order = list(chosen) + [g for g in GROUPS if g in refs]
    colours = AREA_COLOURS[: len(chosen)] + [GROUP_COLOURS[g] for g in GROUPS if g in refs]
    dash = alt.StrokeDash("typ:N", legend=None, scale=alt.Scale(domain=["stadsdel", "grupp"], range=[[1, 0], [6, 4]]))
    data["typ"] = data["serie"].map(lambda s: "grupp" if s in GROUPS else "stadsdel")
    lines = (
        alt.Chart(data)
        .mark_line(point=True, strokeWidth=3)
        .encode(
            x=alt.X("year:O", title=None, axis=alt.Axis(labelAngle=0, labelFontSize=14)),
            y=alt.Y("value:Q", title=meta["unit"], scale=alt.Scale(zero=False), axis=alt.Axis(labelFontSize=13)),
            color=alt.Color(
                "serie:N",
                scale=alt.Scale(domain=order, range=colours),
                legend=alt.Legend(orient="top", title=None, labelFontSize=14),
            ),
            strokeDash=dash,
            tooltip=["serie", "year", alt.Tooltip("value:Q", format=".1f")],
        )
    )
    marks = pd.DataFrame({"year": [BASELINE_YEAR, PROGRAMME_START], "vad": ["Basår", "Programstart"]})
    rules = alt.Chart(marks).mark_rule(color="#888", strokeDash=[4, 3]).encode(x="year:O")
    text = (
        alt.Chart(marks)
        .mark_text(align="left", dx=4, dy=-6, fontSize=13, color="#555")
        .encode(x="year:O", y=alt.value(8), text="vad:N")
    )
    st.altair_chart((lines + rules + text).properties(height=380), width="stretch")
    better = "lägre" if meta["higher_is_worse"] else "högre"
    st.caption(
        f"{meta['definition']} Källa: {meta['source']}. Här är {better} värden bättre. :orange[Syntetiska värden.]"
    )

    sentences = []
    last = int(data["year"].max())
    start = BASELINE_YEAR if BASELINE_YEAR in set(data["year"]) else int(data["year"].min())
    for serie in order:
        change = change_since(data[data["serie"] == serie].set_index("year")["value"], start, last)
        if change:
            a, b, rel = change
            sentences.append(
                f"**{serie}**: {number(a, int(meta['decimals']))} → {number(b, int(meta['decimals']))} "
                f"({'+' if rel >= 0 else '−'}{number(abs(rel) * 100, 0)} %)"
            )
    if sentences:
        st.markdown(f"Förändring {start}–{last}: " + " · ".join(sentences))
    wide = data.pivot_table(index="serie", columns="year", values="value").reindex(order)
    wide = wide.round(int(meta["decimals"]))
    wide.columns = [str(c) for c in wide.columns]
    st.dataframe(wide, width="stretch", column_config=common.number_columns(wide))
    common.download_buttons(wide.reset_index(names="serie"), f"utveckling_{code}", "utveckling_tabell")
