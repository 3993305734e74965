"""Stadsdel: one stadsdel's place in the index, what drives it, its trends and where every number comes from."""

import altair as alt
import numpy as np
import pandas as pd
import streamlit as st

from lib.config import BASELINE_YEAR, PROGRAMME_START
from lib.fmt import number
from pages import common

common.page_setup()

AREA_COLOURS = ["#1f4e8c", "#2a9d8f", "#e9a03b", "#b5179e"]
LINE_COLOURS = {"stadsdel": "#b30000", "Programområdet": "#e08214", "Staden": "#5b6470"}

areas = common.areas().set_index("code")
name_of = common.area_names()
code_of = {n: c for c, n in name_of.items()}
names = sorted(name_of.values())
domains = common.index_domains()
domain_name = dict(zip(domains["code"], domains["name"], strict=True))
inds = common.indicators()
index_inds = common.index_indicators()
years = common.data_years()

st.title("Stadsdel")
st.markdown(
    "Var stadsdelen står i indexet, vad som driver det, hur det har utvecklats och varifrån varje siffra kommer."
)
c1, c2 = st.columns([3, 1])
choice = c1.selectbox("Stadsdel", names, index=names.index("Rinkeby"), key="stadsdel", bind="query-params")
year = int(c2.selectbox("År", years[::-1], key="ar", bind="query-params"))
code = code_of[choice]
info = areas.loc[code]

params = common.current_index_params(year)
result = common.index_result(params)
row = result.scores.set_index("area_code").loc[code]
robust = common.robustness(params).set_index("area_code").loc[code]
ranked = int(result.scores["rank"].notna().sum())
values = common.values_long()
pop = values[(values["area_code"] == code) & (values["indicator_code"] == "befolkning") & (values["year"] == year)]

st.subheader(f"{choice} · {info['district']}")
status = (
    "Ingår i programmets **preliminära urval** av 22 stadsdelar."
    if info["in_programme"]
    else "Ingår inte i programmets preliminära urval."
)
st.markdown(f"{status} Stadsdelsnämnd: {info['committee']}.")
st.download_button(
    "Stadsdelsprofil som PDF",
    lambda: common.area_brief_pdf(code, year),
    file_name=f"stadsdelsprofil_{code}_{year}.pdf",
    mime="application/pdf",
    icon=":material/picture_as_pdf:",
    on_click="ignore",
)
m1, m2, m3, m4 = st.columns(4)
m1.metric(f"Folkmängd {year}", number(pop["value"].iloc[0], 0) if len(pop) else "–", help="Syntetisk uppgift.")
if pd.isna(row["composite"]):
    m2.metric("Index", "–")
    st.warning("Stadsdelen har färre än 1 000 invånare och därför inga indikatorvärden, som i officiell statistik.")
else:
    m2.metric(
        "Index", number(row["composite"], 1), help=f"{common.METHODS[params.method]}; vikter från Index och vikter."
    )
    if pd.notna(row["rank"]):
        m3.metric(
            "Plats",
            f"{int(row['rank'])} av {ranked}",
            help="1 = högst social risk i jämförelsegruppen.",
        )
        st.info(
            f"I 90 % av 1 000 slumpade viktningar (varje vikt ±25 %) hamnar {choice} mellan plats "
            f"**{int(robust['rank_p05'])}** och **{int(robust['rank_p95'])}**; bland de 22 högsta i "
            f"**{number(100 * robust['share_top_22'], 0)} %** av dragningarna. Med varje område på 10–40 % av vikten "
            f"kan den hamna mellan plats {int(robust['rank_best'])} och {int(robust['rank_worst'])}.",
            icon=":material/balance:",
        )
    m4.metric(
        "Flaggor",
        int(row["flag_count"]),
        help="Indikatorer där stadsdelen ligger över 90:e percentilen eller minst 1,2 × jämförelsegruppens nivå.",
    )

if pd.notna(row["composite"]):
    st.subheader("De fyra områdena")
    prog = result.scores[result.scores["area_code"].isin(areas.index[areas["in_programme"]])]
    popw = (
        values[(values["indicator_code"] == "befolkning") & (values["year"] == year)]
        .set_index("area_code")["value"]
        .reindex(prog["area_code"])
        .to_numpy()
    )
    area_rows = []
    for k, (dcode, dname) in enumerate(domain_name.items()):
        col = prog[f"area_{dcode}"].to_numpy()
        ok = np.isfinite(col)
        area_rows.append(
            {
                "område": dname,
                "poäng": row[f"area_{dcode}"],
                "programområdet": float(np.average(col[ok], weights=popw[ok])) if ok.any() else np.nan,
                "ordning": k,
            }
        )
    area_df = pd.DataFrame(area_rows)
    y = alt.Y("område:N", sort=list(domain_name.values()), title=None, axis=alt.Axis(labelFontSize=14, labelLimit=220))
    bars = (
        alt.Chart(area_df)
        .mark_bar(height=26)
        .encode(
            y=y,
            x=alt.X("poäng:Q", title="Områdespoäng"),
            color=alt.Color(
                "område:N", scale=alt.Scale(domain=list(domain_name.values()), range=AREA_COLOURS), legend=None
            ),
            tooltip=["område", alt.Tooltip("poäng:Q", format=".1f"), alt.Tooltip("programområdet:Q", format=".1f")],
        )
    )
    ticks = alt.Chart(area_df).mark_tick(color="#e08214", thickness=4, size=34).encode(y=y, x="programområdet:Q")
    layers = [bars, ticks]
    if params.method == "ref100":
        layers.append(alt.Chart(pd.DataFrame({"x": [100]})).mark_rule(color="#111", strokeDash=[5, 3]).encode(x="x:Q"))
    c1, c2 = st.columns([1.3, 1], gap="large")
    with c1:
        st.altair_chart(alt.layer(*layers).properties(height=190), width="stretch")
        reference = "streckad linje: jämförelsegruppen = 100 · " if params.method == "ref100" else ""
        st.caption(f"Stapel: {choice} · {reference}orange streck: programområdets befolkningsvägda medel.")
    with c2:
        shares = result.contributions.loc[code].rename("andel").rename_axis("code").reset_index()
        shares = shares.merge(index_inds[["code", "name", "domain"]], on="code")
        shares["område"] = shares["domain"].map(domain_name)
        top = shares.nlargest(8, "andel")
        chart = (
            alt.Chart(top)
            .mark_bar()
            .encode(
                y=alt.Y("name:N", sort="-x", title=None, axis=alt.Axis(labelLimit=230, labelFontSize=13)),
                x=alt.X("andel:Q", title="Andel av indexet", axis=alt.Axis(format="%")),
                color=alt.Color(
                    "område:N", scale=alt.Scale(domain=list(domain_name.values()), range=AREA_COLOURS), legend=None
                ),
                tooltip=["name", "område", alt.Tooltip("andel:Q", format=".1%")],
            )
            .properties(height=230, title="Vad bidrar mest till indexet?")
        )
        st.altair_chart(chart, width="stretch")
    if row["dominance"]:
        st.warning(
            f"En enda indikator – {inds.set_index('code').loc[row['dominant_indicator'], 'name'].lower()} – står för "
            f"{number(100 * row['dominant_share'], 0)} % av indexet. Rangordningen vilar då mycket på ett enda mått.",
            icon=":material/warning:",
        )
    flagged = [inds.set_index("code").loc[c, "name"] for c, f in result.flags.loc[code].items() if f]
    if flagged:
        st.markdown(
            "**Flaggade indikatorer** (över 90:e percentilen eller minst 1,2 × nivån): " + ", ".join(flagged) + "."
        )

st.subheader(f"Alla indikatorer {year}")
groups = common.group_values()
own = values[values["area_code"] == code]
latest = (
    own[own["year"] <= year]
    .sort_values("year")
    .drop_duplicates("indicator_code", keep="last")
    .set_index("indicator_code")
)


def group_value(group: str, indicator: str, at: int) -> float:
    sub = groups[(groups["group"] == group) & (groups["indicator_code"] == indicator) & (groups["year"] == at)]
    return float(sub["value"].iloc[0]) if len(sub) else np.nan


rows = []
for ind in inds.itertuples():
    if ind.code not in latest.index:
        continue
    v = latest.loc[ind.code]
    city = group_value("Staden", ind.code, int(v["year"]))
    rel = 100 * v["value"] / city if ind.higher_is_worse else 100 * city / v["value"] if v["value"] else np.nan
    rows.append(
        {
            "Indikator": ind.name,
            "År": int(v["year"]),
            "Värde": round(v["value"], int(ind.decimals)),
            "Enhet": ind.unit,
            "Staden": round(city, int(ind.decimals)),
            "Programområdet": round(group_value("Programområdet", ind.code, int(v["year"])), int(ind.decimals)),
            "Risk mot staden (100)": round(rel, 0) if ind.domain != common.CONTEXT else None,
            "Flagga": bool(result.flags.loc[code].get(ind.code, False)) if ind.domain != common.CONTEXT else False,
            "Status": "syntetisk" if v["synthetic"] else "verklig",
            "Källa": ind.source,
        }
    )
indicator_table = pd.DataFrame(rows)
st.dataframe(
    indicator_table,
    hide_index=True,
    width="stretch",
    column_config=common.number_columns(indicator_table)
    | {
        "År": st.column_config.NumberColumn(format="%d"),
        "Risk mot staden (100)": st.column_config.NumberColumn(
            help="Över 100 = högre risk än staden som helhet, oavsett om måttet är bra eller dåligt."
        ),
        "Källa": st.column_config.TextColumn(
            help="Organisationen som publicerar måttet; syntetiska värden är modellerade."
        ),
    },
)
common.download_buttons(indicator_table, f"indikatorer_{code}_{year}", "profil_tabell")
st.caption(
    "Stadens och programområdets värden är befolkningsvägda medel av stadsdelarna. Mått som inte mäts varje år "
    "(valdeltagande, trygghetsmätningen) visar senaste mätningen."
)

st.subheader("Utveckling 2012–2020")
trend_own = own.assign(serie=choice)
trend_groups = groups[groups["group"].isin(["Programområdet", "Staden"])].rename(columns={"group": "serie"})
trend = pd.concat([trend_own, trend_groups], ignore_index=True).merge(
    inds[["code", "name", "unit", "domain"]], left_on="indicator_code", right_on="code"
)
trend = trend[trend["domain"] != common.CONTEXT]
colour = alt.Color(
    "serie:N",
    scale=alt.Scale(domain=[choice, "Programområdet", "Staden"], range=list(LINE_COLOURS.values())),
    legend=alt.Legend(orient="top", title=None, labelFontSize=14),
)
lines = (
    alt.Chart()
    .mark_line(point=alt.OverlayMarkDef(size=22))
    .encode(
        x=alt.X("year:O", title=None, axis=alt.Axis(labelAngle=0, values=[2012, 2014, 2016, 2018, 2020])),
        y=alt.Y("value:Q", title=None, scale=alt.Scale(zero=False)),
        color=colour,
        tooltip=["serie", "name", "year", alt.Tooltip("value:Q", format=".1f"), "unit"],
    )
)
marks = pd.DataFrame({"year": [BASELINE_YEAR, PROGRAMME_START], "vad": ["basår", "programstart"]})
rules = alt.Chart(marks).mark_rule(strokeDash=[4, 3], color="#888").encode(x="year:O", tooltip=["vad"])
small = (
    alt.layer(lines, rules, data=trend)
    .properties(width=205, height=120)
    .facet(
        facet=alt.Facet(
            "name:N", title=None, sort=list(index_inds["name"]), header=alt.Header(labelFontSize=13, labelLimit=220)
        ),
        columns=3,
    )
    .resolve_scale(y="independent")
)
st.altair_chart(small, width="content")
st.caption(f"Streckade linjer: basår {BASELINE_YEAR} och programstart {PROGRAMME_START}. Alla värden är syntetiska.")

st.subheader(f"Publicerad statistik för {info['district']}")
refs = common.reference_figures()
ind_names = dict(zip(inds["code"], inds["name"], strict=True))
mine = refs[
    ((refs["area_level"] == "stadsdelsomrade") & (refs["area"] == info["district"]))
    | ((refs["area_level"] == "stadsdel") & (refs["area"] == choice))
]
if mine.empty:
    st.caption("Inga publicerade siffror hittades för området.")
else:
    st.caption(
        "Verkliga siffror ur Statistisk årsbok för Stockholm m.fl. – de syntetiska värdena ovan är kalibrerade mot "
        "dem där måttet är detsamma."
    )
    st.dataframe(
        pd.DataFrame(
            {
                "Mått": mine["indicator_code"].map(ind_names).fillna(mine["figure_indicator"]),
                "Område": mine["area"],
                "År": mine["year"],
                "Värde": mine["value"],
                "Enhet": mine["unit"],
                "Samma mått som indikatorn": mine["comparable"].map({True: "ja", False: "nej"}),
                "Källa": mine["source_url"],
            }
        ),
        hide_index=True,
        width="stretch",
        column_config={
            "Källa": st.column_config.LinkColumn(display_text="öppna källan"),
            "År": st.column_config.NumberColumn(format="%d"),
        },
    )
