"""Utveckling: one indicator over its own years (2012–2025) for chosen stadsdelar, the programme area and the city;
real values marked apart from modelled ones."""

import altair as alt
import pandas as pd
import streamlit as st

from lib import trends
from lib.config import BASELINE_YEAR, PROGRAMME_START, YEARS
from ui import downloads, layout, maps, readers, tables

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
c1, c2, c3 = st.columns([1.4, 1.9, 2.1])
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
real_years, model_years = trends.year_spans(readers.stadsdel_values(), code)
st.caption(
    (f"**{name}: sammanhang, ingår inte i indexet.** " if meta["domain"] == readers.CONTEXT else f"**{name}** ")
    + f"({meta['unit']}) · verkliga värden: {real_years} · syntetiska värden: {model_years}."
)

groups = readers.group_values().merge(readers.group_status(), on=["group", "indicator_code", "year"], how="left")
data = trends.series(readers.stadsdel_values(), groups, code, chosen, name_of, refs)
present_years = sorted(int(y) for y in data["year"].unique())

if data.empty:
    st.info("Välj minst en stadsdel eller jämförelse.")
else:
    order = list(chosen) + [g for g in GROUPS if g in refs]
    colours = DOMAIN_COLOURS[: len(chosen)] + [GROUP_COLOURS[g] for g in GROUPS if g in refs]
    series_scale = alt.Scale(domain=order, range=colours)
    dash = alt.StrokeDash("typ:N", legend=None, scale=alt.Scale(domain=["stadsdel", "grupp"], range=[[1, 0], [6, 4]]))
    data["typ"] = data["serie"].map(lambda s: "grupp" if s in GROUPS else "stadsdel")
    x = alt.X(
        "year:O", title=None, scale=alt.Scale(domain=present_years), axis=alt.Axis(labelAngle=0, labelFontSize=14)
    )
    y = alt.Y("value:Q", title=meta["unit"], scale=alt.Scale(zero=False), axis=alt.Axis(labelFontSize=13))
    lines = (
        alt.Chart(data)
        .mark_line(strokeWidth=3)
        .encode(
            x=x,
            y=y,
            color=alt.Color(
                "serie:N",
                scale=series_scale,
                legend=alt.Legend(orient="top", title=None, labelFontSize=14),
            ),
            strokeDash=dash,
        )
    )
    points = (
        alt.Chart(data)
        .mark_point(filled=True, size=110, strokeWidth=0, opacity=1)
        .encode(
            x=x,
            y=y,
            fill=alt.Fill("serie:N", scale=series_scale, legend=None),
            **maps.status_channels(),
            tooltip=[
                alt.Tooltip("serie:N", title="Serie"),
                alt.Tooltip("year:O", title="År"),
                alt.Tooltip("value:Q", title="Värde", format=",.1f"),
                alt.Tooltip("status:N", title="Status"),
                alt.Tooltip("source:N", title="Källa"),
            ],
        )
    )
    layers = [lines, points]
    marks = pd.DataFrame({"year": [BASELINE_YEAR, PROGRAMME_START], "vad": ["Basår", "Programstart"]})
    marks = marks[marks["year"].isin(present_years)]
    if not marks.empty:
        layers.append(alt.Chart(marks).mark_rule(color="#888", strokeDash=[4, 3]).encode(x="year:O"))
        layers.append(
            alt.Chart(marks)
            .mark_text(align="left", dx=4, dy=-6, fontSize=13, color="#555")
            .encode(x="year:O", y=alt.value(8), text="vad:N")
        )
    st.altair_chart(
        alt.layer(*layers).properties(height=380),
        width="stretch",
    )
    st.caption(trends.explanation(data, meta["definition"], bool(meta["higher_is_worse"]), meta["source"]))
    change = trends.change_text(data, order, BASELINE_YEAR, int(meta["decimals"]))
    if change:
        st.markdown(change)
    wide, synthetic = trends.wide(data, order, int(meta["decimals"]))
    st.dataframe(tables.wide_with_real_marked(wide, synthetic, int(meta["decimals"])), width="stretch")
    st.caption("Fetstil på ljusorange botten: verkligt värde; övriga är syntetiska.")
    downloads.download_buttons(trends.download(data), f"utveckling_{code}", "utveckling_tabell")
