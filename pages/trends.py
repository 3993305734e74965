"""Utveckling: one indicator over its own years (2012–2025) for chosen stadsdelar, the programme area and the city;
real values marked apart from modelled ones."""

import altair as alt
import pandas as pd
import streamlit as st

from lib import provenance
from lib.aggregate import change_since
from lib.config import BASELINE_YEAR, PROGRAMME_START, YEARS
from lib.fmt import number
from ui import downloads, layout, maps, readers

layout.page_setup()

GROUPS = ("Programområdet", "Ytterstaden", "Staden")
AREA_COLOURS = ["#b30000", "#1f4e8c", "#2a9d8f", "#6a3d9a", "#8c510a", "#d6336c"]
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
years_of = readers.stadsdel_values()
years_of = years_of[years_of["indicator_code"] == code]
real_years = provenance.year_span(years_of.loc[~years_of["synthetic"].astype(bool), "year"])
model_years = provenance.year_span(years_of.loc[years_of["synthetic"].astype(bool), "year"])
st.caption(
    (f"**{name}: sammanhang, ingår inte i indexet.** " if meta["domain"] == readers.CONTEXT else f"**{name}** ")
    + f"({meta['unit']}) · verkliga värden: {real_years} · syntetiska värden: {model_years}."
)

values = readers.stadsdel_values()
groups = readers.group_values().merge(readers.group_status(), on=["group", "indicator_code", "year"], how="left")
own = values[(values["indicator_code"] == code) & values["area_code"].isin([code_of[c] for c in chosen])].assign(
    serie=lambda d: d["area_code"].map(name_of)
)
ref = groups[(groups["indicator_code"] == code) & groups["group"].isin(refs)].rename(columns={"group": "serie"})
ref = ref.assign(source="befolkningsvägt medel av stadsdelarnas värden", licence=None)
columns = ["serie", "year", "value", "synthetic", "source", "licence"]
data = pd.concat([own[columns], ref[columns]], ignore_index=True)
data["synthetic"] = data["synthetic"].fillna(True).astype(bool)
data["status"] = data["synthetic"].map(provenance.status)
present_years = sorted(int(y) for y in data["year"].unique())

if data.empty:
    st.info("Välj minst en stadsdel eller jämförelse.")
else:
    order = list(chosen) + [g for g in GROUPS if g in refs]
    colours = AREA_COLOURS[: len(chosen)] + [GROUP_COLOURS[g] for g in GROUPS if g in refs]
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
    better = "lägre" if meta["higher_is_worse"] else "högre"
    real = data[~data["synthetic"]]
    real_sources = sorted(
        {provenance.source_text(s, lic, False) for s, lic in zip(real["source"], real["licence"], strict=True)}
        - {provenance.source_text("befolkningsvägt medel av stadsdelarnas värden", None, False)}
    )
    n_model = int(data["synthetic"].sum())
    status_text = (
        (f"Fyllda punkter: {len(real)} verkliga värden ({provenance.year_span(real['year'])}). " if len(real) else "")
        + (f"Ringar: {n_model} syntetiska (modellerade) värden. " if n_model else "Alla värden här är verkliga. ")
        + "Staden och programområdet räknas som verkliga bara när alla stadsdelars värden är det."
    )
    st.caption(
        f"{meta['definition']} Här är {better} värden bättre. {status_text}"
        + (f" Verkliga värden: {'; '.join(real_sources)}." if real_sources else "")
        + (f" Syntetiska värden: modellerade efter måttet från {meta['source']}." if data["synthetic"].any() else "")
    )

    sentences = []
    last = int(data["year"].max())
    start = BASELINE_YEAR if BASELINE_YEAR in set(data["year"]) else int(data["year"].min())
    for serie in order:
        change = change_since(data[data["serie"] == serie].set_index("year")["value"], start, last)
        if change and start != last:
            a, b, rel = change
            sentences.append(
                f"**{serie}**: {number(a, int(meta['decimals']))} → {number(b, int(meta['decimals']))} "
                f"({'+' if rel >= 0 else '−'}{number(abs(rel) * 100, 0)} %)"
            )
    if sentences:
        st.markdown(f"Förändring {start}–{last}: " + " · ".join(sentences))
    elif len(present_years) == 1:
        st.markdown(
            f"Måttet finns bara för **{present_years[0]}** – som verklig statistik, utan modellerad tidsserie – så "
            "här går ingen förändring att visa."
        )
    wide = data.pivot_table(index="serie", columns="year", values="value").reindex(order)
    wide = wide.round(int(meta["decimals"]))
    wide.columns = [str(c) for c in wide.columns]
    real_cells = data.pivot_table(index="serie", columns="year", values="synthetic", aggfunc="first").reindex(order)
    real_cells.columns = [str(c) for c in real_cells.columns]
    wide.index.name = real_cells.index.name = "Serie"
    styles = real_cells.reindex_like(wide).map(
        lambda s: "font-weight: bold; background-color: #fde9c9" if s is False or s == 0 else ""
    )
    st.dataframe(
        wide.style.format(precision=int(meta["decimals"]), decimal=",", thousands="\u202f", na_rep="–").apply(
            lambda _: styles, axis=None
        ),
        width="stretch",
    )
    st.caption("Fetstil på ljusorange botten: verkligt värde; övriga är syntetiska.")
    download = data[columns + ["status"]].rename(
        columns={
            "serie": "Serie",
            "year": "År",
            "value": "Värde",
            "synthetic": "Syntetiskt",
            "source": "Källa",
            "licence": "Licens",
            "status": "Status",
        }
    )
    downloads.download_buttons(download.drop(columns="Syntetiskt"), f"utveckling_{code}", "utveckling_tabell")
