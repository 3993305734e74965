"""Stadsdel: one stadsdel's place in the index, what drives it, its trends and where every number comes from."""

import altair as alt
import numpy as np
import pandas as pd
import streamlit as st

from lib import provenance
from lib.config import BASELINE_YEAR, PROGRAMME_START, YEARS
from lib.fmt import number
from lib.reference import source_kind
from ui import briefs, downloads, layout, maps, readers, results, urlstate, wording

layout.page_setup()

AREA_COLOURS = ["#1f4e8c", "#2a9d8f", "#e9a03b", "#b5179e"]
LINE_COLOURS = {"stadsdel": "#b30000", "Programområdet": "#e08214", "Staden": "#5b6470"}

areas = readers.areas().set_index("code")
name_of = readers.area_names()
code_of = {n: c for c, n in name_of.items()}
names = sorted(name_of.values())
domains = readers.index_domains()
domain_name = dict(zip(domains["code"], domains["name"], strict=True))
inds = readers.indicators()
index_inds = readers.index_indicators()
years = readers.data_years()

st.title("Stadsdel")
st.markdown(
    "Var stadsdelen står i indexet, vad som driver det, hur det har utvecklats och varifrån varje siffra kommer."
)
c1, c2 = st.columns([3, 1])
choice = c1.selectbox("Stadsdel", names, index=names.index("Rinkeby"), key="stadsdel", bind="query-params")
year = int(c2.selectbox("År", years[::-1], key="ar", bind="query-params"))
code = code_of[choice]
info = areas.loc[code]

params = urlstate.current_index_params(year)
result = results.index_result(params)
row = result.scores.set_index("area_code").loc[code]
robust = results.robustness(params).set_index("area_code").loc[code]
ranked = int(result.scores["rank"].notna().sum())
values = readers.values_long()
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
    lambda: briefs.area_brief_pdf(code, year),
    file_name=f"stadsdelsprofil_{code}_{year}.pdf",
    mime="application/pdf",
    icon=":material/picture_as_pdf:",
    on_click="ignore",
)
m1, m2, m3, m4 = st.columns(4)
pop_help = "Ingen uppgift."
if len(pop):
    pop_row = readers.stadsdel_values()
    pop_row = pop_row[
        (pop_row["area_code"] == code) & (pop_row["indicator_code"] == "befolkning") & (pop_row["year"] == year)
    ]
    pop_help = (
        f"{provenance.status(pop_row['synthetic'].iloc[0]).capitalize()} värde, {year}. "
        + provenance.source_text(pop_row["source"].iloc[0], pop_row["licence"].iloc[0], pop_row["synthetic"].iloc[0])
        if len(pop_row)
        else "Syntetiskt värde."
    )
m1.metric(f"Folkmängd {year}", number(pop["value"].iloc[0], 0) if len(pop) else "–", help=pop_help)
if pd.isna(row["composite"]):
    m2.metric("Index", "–")
    st.warning("Stadsdelen har färre än 1 000 invånare och därför inga indikatorvärden, som i officiell statistik.")
else:
    m2.metric(
        "Index", number(row["composite"], 1), help=f"{wording.METHODS[params.method]}; vikter från Index och vikter."
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
st.caption(
    "Varje indikators senaste värde till och med valt år, med sitt eget år. **Verkligt** = publicerad statistik med "
    "källa och licens; **syntetiskt** = modellerat värde."
)
groups = readers.group_values()
statuses = readers.group_status()
own = readers.stadsdel_values()
own = own[own["area_code"] == code]
latest = (
    own[own["year"] <= year]
    .sort_values("year")
    .drop_duplicates("indicator_code", keep="last")
    .set_index("indicator_code")
)


def group_value(group: str, indicator: str, at: int) -> float:
    sub = groups[(groups["group"] == group) & (groups["indicator_code"] == indicator) & (groups["year"] == at)]
    return float(sub["value"].iloc[0]) if len(sub) else np.nan


rows, numeric = [], []
for ind in inds.itertuples():
    if ind.code not in latest.index:
        continue
    v = latest.loc[ind.code]
    at = int(v["year"])
    decimals = int(ind.decimals)
    city = group_value("Staden", ind.code, at)
    programme = group_value("Programområdet", ind.code, at)
    rel = 100 * v["value"] / city if ind.higher_is_worse else 100 * city / v["value"] if v["value"] else np.nan
    context = ind.domain == readers.CONTEXT
    row = {
        "Indikator": ind.name + (" (sammanhang)" if context else ""),
        "År": at,
        "Värde": number(v["value"], decimals),
        "Status": provenance.status(v["synthetic"]),
        "Källa och licens": provenance.compact_source(v["source"], v["licence"], v["synthetic"]),
        "Staden": number(city, decimals),
        "Programområdet": number(programme, decimals),
        "Risk mot staden (100)": None if context or not np.isfinite(rel) else int(round(rel)),
        "Flagga": bool(result.flags.loc[code].get(ind.code, False)) if not context else False,
        "Enhet": ind.unit,
    }
    rows.append(row)
    numeric.append(
        row
        | {
            "Värde": round(float(v["value"]), decimals),
            "Staden": round(city, decimals),
            "Programområdet": round(programme, decimals),
            "Källa och licens": provenance.source_text(v["source"], v["licence"], v["synthetic"], ind.source),
        }
    )
indicator_table = pd.DataFrame(rows)
st.dataframe(
    indicator_table,
    hide_index=True,
    width="stretch",
    column_config={
        "År": st.column_config.NumberColumn(format="%d"),
        "Status": st.column_config.TextColumn(help="verkligt = publicerad statistik; syntetiskt = modellerat värde."),
        "Risk mot staden (100)": st.column_config.NumberColumn(
            help="Över 100 = högre risk än staden som helhet, oavsett om måttet är bra eller dåligt."
        ),
        "Källa och licens": st.column_config.TextColumn(
            help="Verkliga värden: utgivare, tabell och licens (hela källan i nedladdningen och under Data och "
            "källor). Syntetiska: modellens värde.",
        ),
    },
)
downloads.download_buttons(pd.DataFrame(numeric), f"indikatorer_{code}_{year}", "profil_tabell")
st.caption(
    "Stadens och programområdets värden är befolkningsvägda medel av stadsdelarna. Mått som inte mäts varje år "
    "(valdeltagande, trygghetsmätningen) visar senaste mätningen. Sammanhang (folkmängd, nettoinkomst, utländsk "
    "bakgrund) ingår inte i indexet."
)

st.subheader("Verkligt och modellerat sida vid sida")
pairs = readers.real_and_model(code)
if pairs.empty:
    st.caption(f"{choice} har inga celler där både ett verkligt och ett modellerat värde finns.")
else:
    pair_table = provenance.side_by_side(pairs, inds)
    st.dataframe(
        pair_table, hide_index=True, width="stretch", column_config={"År": st.column_config.NumberColumn(format="%d")}
    )
    st.caption(
        "Där verklig statistik finns för samma indikator och år visas den i hela verktyget; modellens syntetiska "
        "värde står bredvid som jämförelse. Skillnad = verkligt − modell; andelar skiljer sig i procentenheter. "
        "Utgivaren står inom parentes; hela källan i tabellen ovan och under Data och källor."
    )

st.subheader("Polisens utsatta områden 2025")
police = readers.police_shares()
police = police[police["area_code"] == code]
deso_units = readers.units("deso")
deso_units = deso_units[deso_units["area_code"] == code]
if deso_units.empty:
    st.markdown(f"{choice} innehåller inget eget DeSO, så Polisens lista (per DeSO) säger inget om stadsdelen.")
elif police.empty:
    st.markdown(provenance.NO_POLICE_AREA)
else:
    st.markdown("\n".join(f"- {line}" for line in provenance.police_lines(police)))
st.caption(
    "Källa: Polisen, utsatta och särskilt utsatta områden 2025, som andel av varje DeSO (beräknad överlappning; "
    "ingen licens angiven av Polisen – andelar och namn återges med källa)."
)

st.subheader(f"DeSO i {choice}")
if deso_units.empty:
    st.info(
        f"{choice} innehåller inget eget DeSO: varje DeSO räknas helt till den stadsdel det överlappar mest, och inget "
        "gör det här (så är det för sex små stadsdelar). Stadsdelen har därför inga DeSO-baserade verkliga värden.",
        icon=":material/info:",
    )
else:
    deso_real = readers.level_values("deso", True)
    deso_table = provenance.deso_table(deso_units, deso_real, police, inds)
    one_regso = deso_units["regso"].nunique() == 1
    if one_regso:
        deso_table = deso_table.drop(columns="RegSO")  # said once in the caption, leaving room for Polisen's column
    st.dataframe(
        deso_table,
        hide_index=True,
        width="stretch",
        column_config={
            "Låg ek. standard 2024, %": st.column_config.TextColumn(help="Låg ekonomisk standard 2024 (SCB, TAB6685)."),
            "Arbetslöshet 2024, %": st.column_config.TextColumn(help="Arbetslöshet 20–64 år 2024 (SCB, TAB6680)."),
            "Polisen 2025": st.column_config.TextColumn(
                help="Andel av DeSO som ligger i ett utsatt eller särskilt utsatt område enligt Polisen 2025."
            ),
            provenance.OVERLAP_COLUMN: st.column_config.TextColumn(
                help="Hur stor del av DeSO-området som ligger i stadsdelen; under 80 % beskriver det delvis en "
                "grannstadsdel."
            ),
        },
    )
    low = int((deso_units["overlap_share"] < provenance.OVERLAP_WARNING).sum())
    st.caption(
        (f"Alla ligger i RegSO {deso_units['regso'].iloc[0]}. " if one_regso else "")
        + "Verkliga värden från SCB (CC0), 2024 och folkmängd 2025. Polisen 2025: andel av DeSO i ett utsatt eller "
        "särskilt utsatt område (ett DeSO som delats 2025 visar varje del). Varje DeSO räknas helt till den stadsdel "
        "det överlappar mest"
        + (f"; {low} av dem ligger till under 80 % i {choice} och beskriver delvis en grannstadsdel." if low else ".")
        + " Stadsdelens egna värden är befolkningsvägda medel av dess DeSO."
    )
    links = st.container(horizontal=True, gap="small")
    for deso in deso_units["code"].sort_values():
        links.page_link(
            "pages/map.py",
            label=f"{deso} på kartan",
            icon=":material/map:",
            query_params={"niva": wording.LEVEL_LABELS["deso"], "deso": deso},
        )

st.subheader(f"Utveckling {YEARS[0]}–{YEARS[-1]}")
trend_own = own.assign(serie=choice)
trend_groups = groups[groups["group"].isin(["Programområdet", "Staden"])].rename(columns={"group": "serie"})
trend_groups = trend_groups.merge(
    statuses.rename(columns={"group": "serie"}), on=["serie", "indicator_code", "year"], how="left"
)
trend = pd.concat(
    [trend_own[["serie", "indicator_code", "year", "value", "synthetic"]], trend_groups], ignore_index=True
).merge(inds[["code", "name", "unit", "domain"]], left_on="indicator_code", right_on="code")
trend = trend[trend["domain"] != readers.CONTEXT]
trend["status"] = trend["synthetic"].fillna(True).map(provenance.status)
series_scale = alt.Scale(domain=[choice, "Programområdet", "Staden"], range=list(LINE_COLOURS.values()))
x = alt.X(
    "year:O",
    title=None,
    scale=alt.Scale(domain=list(YEARS)),
    axis=alt.Axis(labelAngle=0, values=[2012, 2015, 2020, 2025]),
)
y_value = alt.Y("value:Q", title=None, scale=alt.Scale(zero=False))
lines = (
    alt.Chart()
    .mark_line(strokeWidth=1.6)
    .encode(
        x=x,
        y=y_value,
        color=alt.Color("serie:N", scale=series_scale, legend=alt.Legend(orient="top", title=None, labelFontSize=14)),
    )
)
points = (
    alt.Chart()
    .mark_point(filled=True, size=48, strokeWidth=0, opacity=1)
    .encode(
        x=x,
        y=y_value,
        fill=alt.Fill("serie:N", scale=series_scale, legend=None),
        **maps.status_channels(),
        tooltip=[
            alt.Tooltip("serie:N", title="Serie"),
            alt.Tooltip("name:N", title="Indikator"),
            alt.Tooltip("year:O", title="År"),
            alt.Tooltip("value:Q", title="Värde", format=",.1f"),
            alt.Tooltip("unit:N", title="Enhet"),
            alt.Tooltip("status:N", title="Status"),
        ],
    )
)
marks = pd.DataFrame({"year": [BASELINE_YEAR, PROGRAMME_START], "vad": ["basår", "programstart"]})
rules = alt.Chart(marks).mark_rule(strokeDash=[4, 3], color="#888").encode(x="year:O", tooltip=["vad"])
small = (
    alt.layer(lines, points, rules, data=trend)
    .properties(width=205, height=120)
    .facet(
        facet=alt.Facet(
            "name:N", title=None, sort=list(index_inds["name"]), header=alt.Header(labelFontSize=13, labelLimit=220)
        ),
        columns=3,
    )
    .resolve_scale(y="independent")
    .configure_legend(labelLimit=260)
)
st.altair_chart(small, width="content")
st.caption(
    f"Fyllda punkter: verkliga värden (t.ex. SCB 2024/2025, stadens folkmängd 2014–2016); ringar: syntetiska "
    f"(modellerade). Staden och programområdet räknas som verkliga bara när alla stadsdelars värden är det. "
    f"Streckade linjer: basår {BASELINE_YEAR} och programstart {PROGRAMME_START}. Mått som bara finns som verklig "
    "statistik (2024 eller 2025) har en enda punkt."
)

st.subheader(f"Publicerad statistik för {info['district']}")
refs = readers.reference_figures()
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
        f"dem där måttet är detsamma och året ligger inom {YEARS[0]}–{YEARS[-1]}. ”Andrahandskälla”: länken går inte "
        "till utgivaren själv utan till t.ex. ett uppslagsverk, en nyhetsartikel eller en kopia på en dokumentsajt."
    )
    st.dataframe(
        pd.DataFrame(
            {
                "Mått": [
                    ind_names[c] if same and c in ind_names else provenance.reference_measure(f)
                    for c, f, same in zip(
                        mine["indicator_code"], mine["figure_indicator"], mine["comparable"], strict=True
                    )
                ],
                "Område": mine["area"],
                "År": mine["year"],
                "Värde": mine["value"].map(provenance.figure_number),
                "Enhet": mine["unit"].map(provenance.reference_unit),
                "Samma mått som indikatorn": mine["comparable"].map({True: "ja", False: "nej"}),
                "Källtyp": mine["source_url"].map(source_kind),
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
