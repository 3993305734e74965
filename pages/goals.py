"""Mål: what the programme promised, who answers for it, and how it is going (helt / delvis / ej uppfyllt)."""

import altair as alt
import pandas as pd
import streamlit as st

from lib import goals
from lib.config import BASELINE_YEAR, YEARS
from lib.fmt import number
from ui import downloads, layout, readers, wording

layout.page_setup()

ALL = "Alla"
PROGRAMME = "Programområdet"
LEVEL_LABELS = {"målområde": "Målområden", "mål": "Mål", "delmål": "Delmål"}

tree = readers.goal_tree()
nodes = tree.nodes.set_index("id")
bodies = tree.bodies.set_index("id")
inds = readers.indicators().set_index("code")
areas = readers.areas()
years = list(YEARS)

st.title("Mål och uppföljning")
st.markdown(
    "Programmets mål i fyra målområden, vem som ansvarar för dem och hur det går – bedömt enligt regler i ILS-stil "
    "(verktygets egna): **helt**, **delvis** eller **ej uppfyllt**."
)

body_label = {b.name: b.Index for b in bodies.itertuples() if b.kind != "grupp"}
area_nodes = nodes[nodes["level"] == "målområde"]
outer_districts = sorted(areas.loc[areas["outer_city"], "district"].unique())
programme_areas = sorted(areas.loc[areas["in_programme"], "name"])
c1, c2, c3, c4 = st.columns([1, 2.2, 2, 2])
year = int(c1.selectbox("År", years[::-1], key="ar", bind="query-params"))
body_name = c2.selectbox("Vad ansvarar vi för?", [ALL, *sorted(body_label)], key="ansvar", bind="query-params")
area_name = c3.selectbox("Målområde", [ALL, *area_nodes["text"]], key="malomrade", bind="query-params")
place = c4.selectbox(
    "Utfall för",
    [PROGRAMME, "Staden", *outer_districts, *programme_areas],
    key="utfall",
    bind="query-params",
    help="Programmets mål följs upp över programområdet; välj ett stadsdelsområde eller en stadsdel för att se "
    "utfallet där (relativa mål räknas då från områdets eget basvärde).",
)

with st.expander("Bedömningsregler"):
    r1, r2, r3 = st.columns(3)
    tolerance = r1.slider("Tolerans mot årsmålet (%)", 0, 10, 2, key="tolerans", bind="query-params")
    strong = r2.slider("Stark trend (% per år)", 1, 10, 2, key="trend", bind="query-params")
    window = r3.slider("Trend över antal mätningar", 2, 5, 3, key="fonster", bind="query-params")
    st.markdown(
        f"""
* **{goals.STATUS_ICON[goals.HELT]} Helt uppfyllt** – utfallet når årsmålet, eller går åt rätt håll med minst
  {strong} % per år (över de senaste {window} mätningarna).
* **{goals.STATUS_ICON[goals.DELVIS]} Delvis uppfyllt** – går åt rätt håll men långsammare, eller ligger inom
  {tolerance} % från årsmålet.
* **{goals.STATUS_ICON[goals.EJ]} Ej uppfyllt** – annars. **{goals.STATUS_ICON[goals.EJ_BEDOMD]} Ej bedömd** – utfall
  eller mål saknas.
* Mål, målområden och programmet: alla delar helt → helt; alla ej → ej; annars delvis (ett enda *ej* håller alltså
  målet på högst *delvis*). Delar som inte kan bedömas räknas inte.
* Årsmålen går linjärt från basåret {BASELINE_YEAR} till målvärdet 2020.
"""
    )
rules = goals.Rules(tolerance=tolerance / 100, strong_trend=strong / 100, window=window)

outcomes = readers.goal_outcomes(place)
rows = goals.indicator_assessment(tree, outcomes, year, years, rules)
evaluation = goals.evaluate(tree, rows)
status = evaluation.set_index("id")

body_id = body_label.get(body_name) if body_name != ALL else None
mine = goals.nodes_for_body(tree, body_id) if body_id else None
keep = set(nodes.index)
if area_name != ALL:
    area_id = area_nodes.index[area_nodes["text"] == area_name][0]
    keep = goals.descendants(tree, area_id) | {area_id, "P"}
if mine is not None:
    keep &= set(mine) | {a for d in mine for a in goals.ancestors(tree, d)} | {"P"}
shown = goals.GoalTree(
    nodes=tree.nodes[tree.nodes["id"].isin(keep)],
    bodies=tree.bodies,
    responsibility=tree.responsibility,
    indicators=tree.indicators,
    targets=tree.targets,
    activities=tree.activities,
)

summary = []
for level, label in LEVEL_LABELS.items():
    ids = [n for n in keep if nodes.loc[n, "level"] == level]
    for s in goals.STATUSES:
        count = int((status.loc[ids, "status"] == s).sum()) if ids else 0
        if count:
            summary.append({"nivå": label, "status": f"{goals.STATUS_ICON[s]} {s}", "antal": count, "ordning": s})
summary = pd.DataFrame(summary)
if not summary.empty:
    domain = [f"{goals.STATUS_ICON[s]} {s}" for s in goals.STATUSES]
    bar = (
        alt.Chart(summary)
        .mark_bar(height=24)
        .encode(
            y=alt.Y(
                "nivå:N",
                sort=list(LEVEL_LABELS.values()),
                title=None,
                axis=alt.Axis(labelFontSize=14, labelOverlap=False),
            ),
            x=alt.X("antal:Q", stack="normalize", axis=None),
            color=alt.Color(
                "status:N",
                scale=alt.Scale(domain=domain, range=[goals.STATUS_COLOUR[s] for s in goals.STATUSES]),
                legend=alt.Legend(orient="top", title=None, labelFontSize=14),
            ),
            order=alt.Order("ordning:N"),
            tooltip=["nivå", "status", "antal"],
        )
    )
    labels = (
        alt.Chart(summary)
        .mark_text(color="white", fontSize=14, fontWeight="bold")
        .encode(
            y=alt.Y("nivå:N", sort=list(LEVEL_LABELS.values())),
            x=alt.X("antal:Q", stack="normalize", bandPosition=0.5),
            detail="status:N",
            order=alt.Order("ordning:N"),
            text="antal:Q",
        )
    )
    st.altair_chart((bar + labels).properties(height=130), width="stretch")

prog = status.loc["P"]
activity_text = (
    f"{prog['activities_done']} av {prog['activities']} aktiviteter klara "
    f"({number(100 * prog['activities_done_share'], 0)} %)"
    if prog["activities"]
    else "inga aktiviteter"
)
st.markdown(
    f"**Programmet {year}, utfall för {place.lower() if place in (PROGRAMME, 'Staden') else place}:** "
    f"{goals.STATUS_ICON[prog['status']]} {prog['status']} · {activity_text} · "
    f"kommunstyrelsen har det samlade uppföljningsansvaret för programmet."
)
if body_id:
    st.caption(
        f"Visar det {body_name} ansvarar för eller berörs av (även via ”stadsdelsnämnderna i programmet”). "
        "Övriga delmål är dolda."
    )

st.graphviz_chart(goals.to_dot(shown, evaluation, highlight=mine), width="stretch")
st.caption(
    "Symbol och ord visar bedömningen, färgen upprepar den: ✔ helt · ◐ delvis · ✖ ej · ? ej bedömd. "
    "(illustrativt) = målet är ett exempel tills programmets riktiga mål läses in; (illustrativt: …) = målet är känt "
    "men de uppräknade delarna är exempel; streckad linje = placeringen under målet är ett exempel."
)

choices = [n for n in shown.nodes["id"] if n != "P"]
label_of = {
    n: f"{n} – {nodes.loc[n, 'short'] if pd.notna(nodes.loc[n, 'short']) else nodes.loc[n, 'text']}" for n in choices
}
chosen_label = (
    st.selectbox("Välj ett mål eller delmål", [label_of[n] for n in choices], key="mal", bind="query-params")
    if choices
    else None
)
if chosen_label:
    node_id = next(n for n, lbl in label_of.items() if lbl == chosen_label)
    node = nodes.loc[node_id]
    parts = goals.illustrative_parts(node)  # every part of an illustrative node
    s = status.loc[node_id, "status"]
    st.subheader(f"{goals.STATUS_ICON[s]} {node['text']}")
    badges = [f"**{node['level'].capitalize()}** · {s}"]
    if node["illustrative"]:
        badges.append(":orange[**illustrativt exempel**]")
    elif parts:
        badges.append(f":orange[**illustrativt: {goals.parts_label(parts)}**]")
    if pd.notna(node["source"]):
        badges.append(f"källa: {node['source']}")
    st.markdown(" · ".join(badges))
    if isinstance(node["note"], str) and node["note"].strip():
        st.caption(node["note"])
    marker = " :orange[(illustrativt)]"
    lines = []
    if isinstance(node["parent"], str) and node["parent"] in nodes.index and node["level"] != "målområde":
        above = nodes.loc[node["parent"]]
        lines.append(
            f"**Under:** {node['parent']} – {above['text']}"
            + (marker if "parent" in parts or above["illustrative"] else "")
        )
    resp = tree.responsibility[tree.responsibility["node_id"] == node_id]
    if not resp.empty:
        names = resp.assign(name=resp["body_id"].map(bodies["name"]))
        ansvarig = ", ".join(names.loc[names["role"] == "ansvarig", "name"]) or "–"
        berorda = ", ".join(names.loc[names["role"] == "berörd", "name"]) or "–"
        lines.append(f"**Ansvarig:** {ansvarig}" + (marker if "ansvarig" in parts else ""))
        lines.append(f"**Berörda:** {berorda}" + (marker if "berörda" in parts else ""))
    if lines:
        st.markdown("  \n".join(lines))

    subtree = goals.descendants(tree, node_id) | {node_id}
    my_rows = rows[rows["node_id"].isin(subtree)]
    if not my_rows.empty:
        view = pd.DataFrame(
            {
                "Delmål": my_rows["node_id"],
                "Indikator": my_rows["indicator_code"].map(inds["name"]),
                "Bättre när": my_rows["direction"].map({"lower": "lägre", "higher": "högre"}),
                f"Basvärde {BASELINE_YEAR}": my_rows["baseline"].round(1),
                "Årsmål": my_rows["target"].round(1),
                "Utfall": my_rows["outcome"].round(1),
                "Mål 2020": my_rows["target_2020"].round(1),
                "Målvärdet": [
                    "illustrativt" if "target" in goals.illustrative_parts(nodes.loc[n]) else "ur källan"
                    for n in my_rows["node_id"]
                ],
                "Trend per år": (100 * my_rows["trend"]).round(1),
                "Bedömning": [f"{goals.STATUS_ICON[x]} {x}" for x in my_rows["status"]],
            }
        )
        st.dataframe(
            view,
            hide_index=True,
            width="stretch",
            column_config=wording.number_columns(view)
            | {"Trend per år": st.column_config.NumberColumn(format="%.1f %%", help="Relativ förändring per år")},
        )
        first = my_rows.iloc[0]
        series = outcomes[outcomes["indicator_code"] == first["indicator_code"]][["year", "value"]].assign(
            serie="Utfall"
        )
        goal_years = [y for y in years if y >= first["baseline_year"]]
        target_path = goals.annual_targets(
            first["baseline"], int(first["baseline_year"]), first["target_2020"], goal_years
        )
        target_df = pd.DataFrame(
            {"year": [first["baseline_year"], *target_path], "value": [first["baseline"], *target_path.values()]}
        ).assign(serie="Årsmål")
        both = pd.concat([series, target_df], ignore_index=True)
        chart = (
            alt.Chart(both)
            .mark_line(point=True, strokeWidth=3)
            .encode(
                x=alt.X("year:O", title=None, axis=alt.Axis(labelAngle=0, labelFontSize=13)),
                y=alt.Y("value:Q", title=inds.loc[first["indicator_code"], "unit"], scale=alt.Scale(zero=False)),
                color=alt.Color(
                    "serie:N",
                    scale=alt.Scale(domain=["Utfall", "Årsmål"], range=["#1f4e8c", "#e08214"]),
                    legend=alt.Legend(orient="top", title=None, labelFontSize=14),
                ),
                strokeDash=alt.StrokeDash(
                    "serie:N", scale=alt.Scale(domain=["Utfall", "Årsmål"], range=[[1, 0], [6, 4]]), legend=None
                ),
                tooltip=["serie", "year", alt.Tooltip("value:Q", format=".1f")],
            )
            .properties(height=260, title=f"{inds.loc[first['indicator_code'], 'name']} – {place}")
        )
        st.altair_chart(chart, width="stretch")
        first_target_invented = "target" in goals.illustrative_parts(nodes.loc[first["node_id"]])
        st.caption(
            ":orange[Utfallen är syntetiska]"
            + ("; målvärdena är illustrativa tills programmets egna läses in." if first_target_invented else ".")
        )
    acts = tree.activities[tree.activities["node_id"].isin(subtree)]
    if body_id:
        acts = acts[acts["body_id"].isin(goals.bodies_of(tree, body_id))]
    if not acts.empty:
        st.markdown("**Aktiviteter och åtaganden**")
        st.dataframe(
            pd.DataFrame(
                {
                    "Aktivitet": acts["title"],
                    "Ansvarig": acts["body_id"].map(bodies["name"]),
                    "Start": acts["start"],
                    "Slut": acts["end"],
                    "Status": acts["status"],
                    "Budget (mnkr)": acts["budget"],
                    "Illustrativ": acts["illustrative"],
                }
            ),
            hide_index=True,
            width="stretch",
        )

if body_id:
    st.subheader(f"ILS-underlag för {body_name}")
    underlag = goals.ils_underlag(tree, rows, body_id, inds["name"].to_dict(), year)
    if underlag.empty:
        st.caption("Inga delmål med indikatorer för den här organisationen.")
    else:
        st.caption(
            "Delmål, indikatorer, utfall, årsmål, bedömning och aktiviteter – att klistra in i "
            "verksamhetsplan eller tertialrapport. Kolumnen Illustrativt säger om hela delmålet är ett exempel "
            "(ja) eller vilka delar som är det; påhittade mål, roller och aktiviteter är märkta (illustrativt)."
        )
        slug = "".join(ch if ch.isalnum() else "_" for ch in body_name.lower())
        downloads.download_buttons(underlag, f"ils_underlag_{slug}_{year}", "ils_underlag")
        st.dataframe(underlag, hide_index=True, width="stretch", column_config=wording.number_columns(underlag))
