"""Presentera: six slides for a dialogue meeting, large type, no chrome, the slide in the URL."""

import pandas as pd
import streamlit as st

from lib import allocation, charts, goals, slides
from lib.config import YEARS
from lib.fmt import number
from ui import geometry, layout, maps, readers, results, urlstate
from ui import slides as slides_ui

layout.page_setup()

year = YEARS[-1]
MAP_HEIGHT = 565  # the map slide: as high as 720 pixels allow under the slide row and the title
LABEL_PX = 18  # its labels read across a room (the other maps use 13)
number_of = slides_ui.slide_row()

params = urlstate.current_index_params(year)
result = results.index_result(params)
names = readers.area_names()
areas = readers.areas()
domain_names = dict(zip(readers.domains()["code"], readers.domains()["name"], strict=True))
programme = sorted(areas.loc[areas["in_programme"], "code"])


def marking(codes: list[str], *more: pd.DataFrame) -> None:
    """The synthetic marking of the index values (and `more` origins) behind what a slide shows for `codes`."""
    origin = results.value_origin(params.level, params.year, params.real_only)
    slides_ui.marking(slides.synthetic_marking([origin, *more], codes))


if number_of == 1:
    st.title("Program för en sammanhållen stad 2015–2020")
    st.markdown(
        "- Ett **socialt riskindex** per stadsdel: sociala risker, hälsa, säkerhet och trygghet, försörjning.\n"
        "- Indexet pekade ut **22 stadsdelar** i sex stadsdelsområden – insatserna bör stå i proportion "
        "till graden av social risk.\n"
        "- **7 mål och 13 delmål** i fyra målområden ska följas upp i stadens ILS; kommunstyrelsen har det samlade "
        "uppföljningsansvaret.\n"
        "- **150 miljoner kronor** föreslås för stadsdelsnämndernas lokala arbete med social hållbarhet."
    )
    cols = st.columns(4)
    for col, name in zip(
        cols,
        (
            "Stadsmiljö och boende",
            "Skola och utbildning",
            "Jobb och företagande",
            "Lokalt arbete med social hållbarhet",
        ),
        strict=True,
    ):
        col.info(f"**{name}**")
    st.caption("Värdena i verktyget är syntetiska och urvalet av 22 stadsdelar är preliminärt.")

elif number_of == 2:
    st.title(f"Var är riskerna störst? ({year})")
    shown = slides.programme_scores(result.scores, programme)
    deck, _ = maps.composite_deck(
        shown, geometry.programme_labels(), (MAP_HEIGHT, 960), decimals=0, tooltip="<b>{name}</b>", label_size=LABEL_PX
    )
    left, right = st.columns([4, 1])
    with left:
        st.pydeck_chart(deck, height=MAP_HEIGHT, key="present_karta")
    with right:
        st.markdown("**Mörkare = högre social risk.**")
        st.markdown(slides.top_list(shown, names))
        marking(programme)
        st.caption(geometry.geometry_caption())

elif number_of == 3:
    st.title("Rangordningen – och hur säker den är")
    st.markdown(slides.weight_line(domain_names, result.domain_weights))
    ranking, stays = slides.ranking_slide(result.scores, results.robustness(params), names)
    table, notes = st.columns([3, 2])
    table.markdown(ranking)
    with notes:
        st.markdown(stays)
        marking(slides.top_ranked(result.scores, 10))

elif number_of == 4:
    options = sorted(areas.loc[areas["in_programme"], "name"])
    chosen = st.selectbox(
        "Stadsdel",
        options,
        index=options.index("Rinkeby"),
        key=urlstate.STADSDEL,
        bind="query-params",
        label_visibility="collapsed",
    )
    code = {n: c for c, n in names.items()}[chosen]
    row = result.scores.set_index("area_code").loc[code]
    robust = results.robustness(params).set_index("area_code").loc[code]
    st.title(f"{chosen} · {areas.set_index('code').loc[code, 'district']}")
    m1, m2, m3 = st.columns(3)
    m1.metric("Index (100 = staden)", number(row["composite"], 0))
    m2.metric("Plats", f"{int(row['rank'])} av {int(result.scores['rank'].notna().sum())}")
    m3.metric("Plats i 90 % av viktningarna", f"{int(robust['rank_p05'])}–{int(robust['rank_p95'])}")
    area_df = slides.domain_scores(row, result.domain_weights, domain_names)
    st.altair_chart(charts.slide_domains(area_df), width="stretch")
    marking([code])

elif number_of == 5:
    st.title(f"Hur går det med målen? ({year})")
    tree = readers.goal_tree()
    rows = goals.indicator_assessment(tree, readers.goal_outcomes("Programområdet"), year, YEARS)
    evaluation = goals.evaluate(tree, rows).set_index("id")
    area_nodes = tree.nodes[tree.nodes["level"] == "målområde"]
    cols = st.columns(4)
    for col, node in zip(cols, area_nodes.itertuples(), strict=True):
        status = evaluation.loc[node.id, "status"]
        col.markdown(f"**{node.text}**")
        col.markdown(f"### {goals.STATUS_ICON[status]} {status}")
    counts, activities = slides.goal_lines(evaluation)
    st.markdown(counts)
    st.markdown(activities)
    slides_ui.marking(slides.goals_marking(tree.nodes))
    outcome_origin = slides.series_origin(readers.values_long(), programme, tree.indicators["indicator_code"], YEARS)
    slides_ui.marking(slides.synthetic_marking([outcome_origin], programme))

else:
    st.title("De föreslagna 150 mnkr – efter behov")
    out = allocation.allocate(results.allocation_units(params, year, "district"), allocation.AllocationParams())
    st.altair_chart(charts.slide_allocation(out), width="stretch")
    st.markdown("Behov = folkmängd × social risk. Lika delar hade gett **25 mnkr** var.")
    marking(programme, slides.series_origin(readers.values_long(), programme, ["befolkning"], [year]))
