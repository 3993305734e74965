"""Karta: one indicator for one year on a map of the stadsdelar, darker = more social risk."""

import html

import altair as alt
import numpy as np
import pandas as pd
import streamlit as st

from lib import classify, mapview
from lib.fmt import number
from pages import common

VIEWS = ("Programmet", "Hela staden")

st.title("Karta")
st.markdown(
    "Välj en indikator och ett år. **Mörkare färg betyder högre social risk** – oavsett om indikatorn "
    "mäter något bra eller dåligt."
)

inds = common.indicators()
inds = inds[inds["domain"] != "kontext"]
names = dict(zip(inds["code"], inds["name"], strict=True))
code_of = {name: code for code, name in names.items()}
# Bound widgets put the shown label in the URL, so options are the readable names (?indikator=Ohälsotal).
c1, c2, c3, c4 = st.columns([2.6, 1, 2.3, 1.8])
name = c1.selectbox("Indikator", list(code_of), key="indikator", bind="query-params")
code = code_of[name]
years = common.indicator_years(code)
year = c2.selectbox("År", years[::-1], key="ar", bind="query-params")
view = c3.segmented_control(
    "Visa",
    VIEWS,
    default=VIEWS[0],
    required=True,
    key="urval",
    bind="query-params",
    help="Programmet: de 22 stadsdelarna jämförs med varandra. Hela staden: alla 117.",
)
scheme_of = {label: key for key, label in classify.SCHEMES.items()}
scheme = scheme_of[c4.selectbox("Klassindelning", list(scheme_of), key="klassning", bind="query-params")]

meta = inds.set_index("code").loc[code]
decimals = int(meta["decimals"])
values = common.indicator_values(code, int(year))
in_view = values["in_programme"] if view == VIEWS[0] else pd.Series(True, index=values.index)
shown = values[in_view]
cls = classify.classify(shown["value"].to_numpy(), scheme, k=5)
steps = classify.risk_order(cls, bool(meta["higher_is_worse"]))
step_of = dict(zip(shown["area_code"], steps.tolist(), strict=True))
value_text = {
    r.area_code: html.escape(f"{number(r.value, decimals)} {meta['unit']}") if pd.notna(r.value) else "inget värde"
    for r in values.itertuples()
}
note = {r.area_code: "syntetiskt värde" for r in values.itertuples() if r.synthetic is True}
data = mapview.MapData(step_of, cls.k, value_text, set(shown["area_code"]), note)

bounds = common.boundaries()
collection = mapview.feature_collection(bounds.frame, data)
labels = common.programme_labels() if view == VIEWS[0] else common.district_labels()
deck = mapview.build_deck(
    collection,
    common.district_outlines(),
    labels,
    mapview.view_state(bounds.frame, height_px=440, width_px=640),
    "<b>{name}</b><br/>{district}<br/>{value_text}<br/><i>{note}</i>",
)

map_col, legend_col = st.columns([3, 1])
with map_col:
    st.pydeck_chart(
        deck,
        height=440,
        key="karta",
        alt=f"Karta över {names[code].lower()} {year} per stadsdel; samma siffror finns i tabellen nedan.",
    )
    st.caption(common.geometry_caption())

with legend_col:
    st.markdown(f"**{names[code]} {year}**  \n{meta['unit']}  \n*{meta['domain_name']}*")
    worse_high = bool(meta["higher_is_worse"])
    legend = classify.legend_table(cls, decimals, worse_high)
    if not legend.empty:
        base = alt.Chart(legend).encode(
            y=alt.Y("label:N", sort=alt.EncodingSortField("step", order="descending"), axis=None)
        )
        swatch = base.mark_rect(stroke="#333", strokeWidth=0.6).encode(
            x=alt.value(0),
            x2=alt.value(34),
            color=alt.Color("colour:N", scale=None, legend=None),
            tooltip=["label", "count"],
        )
        text = base.mark_text(align="left", dx=0, fontSize=15).encode(x=alt.value(44), text="label:N")
        st.altair_chart((swatch + text).properties(width=190, height=34 * len(legend)), width="content")
    risk_word = "Högre värde" if worse_high else "Lägre värde"
    st.caption(
        f"{risk_word} = högre risk = mörkare. Ljusgrått: utanför urvalet. Grått: inget värde "
        f"(färre än 1 000 invånare). {classify.SCHEMES[scheme]}: {classify.SCHEME_HELP[scheme]}."
    )
    if shown["synthetic"].fillna(False).any():
        st.caption(":orange[**Syntetiska värden**] – se Data och källor.")

ranked = shown.dropna(subset=["value"]).assign(step=lambda d: d["area_code"].map(step_of))
ranked = ranked.sort_values("value", ascending=not bool(meta["higher_is_worse"]))
if not ranked.empty:
    top = ", ".join(f"{r.name} ({number(r.value, decimals)})" for r in ranked.head(3).itertuples())
    st.markdown(f"**Högst risk {year}:** {top}.")

with st.expander("Tabell – samma siffror som kartan", expanded=False):
    table = pd.DataFrame(
        {
            "Stadsdel": ranked["name"],
            "Stadsdelsområde": ranked["district"],
            f"Värde ({meta['unit']})": ranked["value"].round(decimals),
            "Riskklass (1 = lägst)": ranked["step"] + 1,
            "Status": np.where(ranked["synthetic"], "syntetisk", "verklig"),
        }
    )
    st.dataframe(table, hide_index=True, width="stretch")
    st.caption(f"Källa: {meta['source']}. {meta['definition']}")
