"""The views of the Index och vikter page beside the weight sliders: the ranking as a table or a map, how
uncertain each place is, which 22 stadsdelar the index would pick, and the RegSO validation against SCB's
socioekonomisk områdestyp. The numbers and sentences come from `lib/ranking.py`; this module draws them."""

from __future__ import annotations

from dataclasses import replace

import pandas as pd
import streamlit as st

from lib import charts, export_tables, levels, ranking, validation
from lib import index as ix
from lib.fmt import number
from ui import downloads, geometry, maps, readers, results, urlstate, wording
from ui.weights import DOMAIN_COLOURS, domain_names, indicator_names

TABLE, MAP, UNCERTAINTY, SELECTION, VALIDATION = VIEWS = ("Tabell", "Karta", "Osäkerhet", "Urval", "Validering")
MAP_HEIGHT = 430


def view_choice() -> str:
    """Which view, bound to the URL (?visa=Karta)."""
    return st.segmented_control(
        "Visa",
        VIEWS,
        default=VIEWS[0],
        required=True,
        key=urlstate.INDEX_VIEW,
        bind="query-params",
        label_visibility="collapsed",
    )


def ranking_columns(deso: bool) -> dict:
    """Widths and help texts of the ranking's columns."""
    unit_word = "DeSO-området" if deso else "stadsdelen"
    return {
        "Plats": st.column_config.NumberColumn(width=46),
        "Stadsdel": st.column_config.TextColumn(width=150),  # the longest names whole at 1280 px
        "Index": st.column_config.NumberColumn(width=56),
        "Täckning": st.column_config.TextColumn(
            help="Andel av indexets 20 indikatorer som har ett värde för " + unit_word, width=74
        ),
        "Syntetiska": st.column_config.TextColumn(
            help="Hur många av indexets värden som är syntetiska (modellerade): ”0 av 5” = bara verkliga värden",
            width=84,
        ),
        "90 %-spann": st.column_config.TextColumn(
            "90 %",
            help=f"90 %-spann: mellan vilka platser {unit_word} hamnar i 90 % av 1 000 slumpade viktningar (±25 %)",
            width=56,
        ),
        "Topp 22": st.column_config.ProgressColumn(
            format="percent", min_value=0, max_value=1, help="Andel av dragningarna bland de 22 högsta"
        ),
        "Ändring": st.column_config.TextColumn(help="Jämfört med standardvikterna: ▲ = högre risk-placering", width=64),
        "Flaggor": st.column_config.NumberColumn(
            help=f"Antal indikatorer där {unit_word} ligger över 90:e percentilen eller minst 1,2 × referensen"
        ),
        "Urval": st.column_config.CheckboxColumn(
            help="Stadsdelen ingår i det preliminära urvalet av 22 stadsdelar"
            if deso
            else "Med i det preliminära urvalet av 22 stadsdelar",
            width=50,
        ),
    }


@st.cache_data(show_spinner=False, max_entries=64, hash_funcs=results.PARAMS_HASH)
def change_table(params: ix.IndexParams) -> pd.DataFrame:
    """The ranking of `params` with each unit's change against the standard weights (`ranking.ranking_with_change`),
    cached per settings: a rerun that changes nothing need not rank again."""
    result = results.index_result(params)
    standard = results.index_result(replace(params, domain_weights=(), indicator_weights=()))  # equal weights
    return ranking.ranking_with_change(result.scores, standard.scores)


@st.cache_data(show_spinner=False, max_entries=64, hash_funcs=results.PARAMS_HASH)
def _robust_table(params: ix.IndexParams) -> tuple[pd.DataFrame, str]:
    """`change_table` with the robustness draws, and the sentence on how firm the top places are."""
    robust = results.robustness(params)
    table = change_table(params).merge(robust, on="area_code")
    labels = results.unit_labels(params.level)
    return table, ranking.stability_sentence(table, int(robust["draws"].iloc[0]), labels)


@st.cache_data(show_spinner=False, max_entries=64, hash_funcs=results.PARAMS_HASH)
def _ranking_view(params: ix.IndexParams, show_all: bool) -> tuple[pd.DataFrame, pd.DataFrame, str]:
    """The ranking table as shown, its prepared download and the caption on the hidden columns, cached per settings
    (building and preparing them was most of a rerun)."""
    table = _robust_table(params)[0]
    rows = table if show_all else table.head(ranking.TABLE_ROWS)
    deso = params.level == "deso"
    units = readers.units(params.level).set_index("code")
    origin = results.value_origin(params.level, params.year, params.real_only)
    view = ranking.ranking_frame(rows, units, readers.area_names(), origin.set_index("area_code"), deso)
    sheet = export_tables.ranking(ranking.ranking_export(view, rows["coverage"]))
    return view, sheet, ranking.hidden_columns_caption(list(view.columns), ranking.shown_columns(deso))


def ranking_table(params: ix.IndexParams) -> None:
    """The ranking of `params` (with its robustness, `robustness_note`), the first rows or all; the columns that fit
    beside the sliders are shown, the rest (stadsdelsområde, top-22 share, flags …) are in the table's column menu
    and in the exports."""
    show_all = st.toggle(f"Visa alla {len(_robust_table(params)[0])}", key="visa_alla")
    view, sheet, caption = _ranking_view(params, show_all)
    deso = params.level == "deso"
    shown = ranking.shown_columns(deso)
    st.dataframe(
        view.style.format({"Index": lambda v: number(v, 1)}),  # Swedish form, one decimal, still sorts as a number
        hide_index=True,
        width="stretch",
        height=min(38 * (len(view) + 1), 560),
        column_order=shown,
        column_config=ranking_columns(deso),
    )
    downloads.download_buttons(sheet, "rangordning_deso" if deso else "rangordning", "rangordning")
    st.caption(caption)


def ranking_map(table: pd.DataFrame, params: ix.IndexParams) -> None:
    """The index with the chosen weights on the map, per stadsdel or per DeSO: the same classes the Karta page
    uses, redrawn per move."""
    origin = results.value_origin(params.level, params.year, params.real_only)
    level = levels.get(params.level)
    shown = table.set_index("area_code")["composite"]
    deso = params.level == "deso"
    labels = geometry.programme_labels() if params.universe == "programme" and not deso else geometry.district_labels()
    deck, legend = maps.composite_deck(
        shown,
        labels,
        (MAP_HEIGHT, 400),
        ranking.rank_texts(table),
        level=params.level,
        notes=ranking.map_notes(origin),
    )
    map_col, legend_col = st.columns([3, 1])
    with map_col:
        st.pydeck_chart(
            deck,
            height=MAP_HEIGHT,
            key="viktkarta",
            alt=f"Karta: det sammanvägda indexet med valda vikter per {level.label}. Samma siffror finns i tabellen.",
        )
    with legend_col:
        st.markdown("**Index**  \nmörkare = högre risk")
        maps.legend_chart(legend)
        if deso:
            st.caption(
                "Kartdata: SCB (DeSO 2018), CC0 · Stockholms stad, CC0 (stadsdelsområden och vatten, förenklade "
                "för webben). Statistik: SCB (CC0)."
            )
        else:
            st.caption(geometry.geometry_caption())


def uncertainty_view(
    table: pd.DataFrame, result: ix.IndexResult, params: ix.IndexParams, labels: dict[str, str]
) -> None:
    """Rank bands of the first rows, the indicator whose removal moves the ranking most, and effective weights."""
    st.markdown("**Hur säker är placeringen?**")
    regso = readers.units("deso").set_index("code")["regso"] if params.level == "deso" else None
    rows, x_max = ranking.band_rows(table, labels, regso)
    st.vega_lite_chart(rows, charts.rank_bands(list(rows["stadsdel"]), x_max), width="stretch")
    st.caption(
        "◆ plats med valda vikter · mörk stapel: plats i 90 % av 1 000 slumpade viktningar (±25 %) · "
        "streck: median · grå linje: bästa och sämsta plats när varje område får väga 10–40 %."
    )
    loo = results.leave_one_out(params)
    st.markdown(ranking.leave_one_out_sentence(loo, table["area_code"], indicator_names(), params.level))
    st.markdown("**Hur vikterna fördelas på indikatorerna**")
    names = domain_names()
    eff = ranking.effective_weight_frame(result.effective_weights, readers.index_indicators(), names)
    spec = charts.effective_weights(len(eff), list(names.values()), DOMAIN_COLOURS)
    st.vega_lite_chart(eff, spec, width="stretch")
    st.caption(
        "Vikt i indexet (nominell) = områdets andel × indikatorns andel inom området. Hur mycket varje indikator "
        "faktiskt påverkar skillnaderna mellan stadsdelarna (effektiv vikt) visar Statistisk granskning."
    )


def programme_pick(params: ix.IndexParams, real_only: bool) -> tuple[int, dict[str, list[str]]]:
    """The 22 outer-city stadsdelar the index picks at stadsdel level with these weights: (year, selection)."""
    year = results.level_year("stadsdel", real_only, params.year)
    p = replace(params, level="stadsdel", real_only=real_only, year=year)
    return year, ranking.programme_selection(results.index_result(p).scores, readers.areas())


def selection_view(params: ix.IndexParams) -> None:
    st.markdown("**Vilka 22 skulle indexet välja?**")
    st.markdown(
        "De 22 ytterstadsstadsdelar med högst index bland de 46 i de sex stadsdelsområdena, jämfört med programmets "
        "**preliminära urval**. Enligt programmet bör arbetets omfattning och intensitet stå i proportion till "
        "graden av social risk."
    )
    if params.level != "stadsdel":
        st.caption("Urvalet gäller stadsdelar, så jämförelsen görs på stadsdelsnivå med samma vikter och metod.")
    all_year, all_pick = programme_pick(params, real_only=False)
    real_year, real_pick = programme_pick(params, real_only=True)
    pick = real_pick if params.real_only else all_pick
    chosen = (wording.REAL_ONLY if params.real_only else wording.ALL_VALUES).lower()
    names = readers.area_names()
    c1, c2, c3 = st.columns(3)
    with c1:
        st.markdown("**Samma som urvalet**")
        st.metric(f"{wording.ALL_VALUES} {all_year}", f"{len(all_pick['kept'])} av 22")
        st.metric(f"{wording.REAL_ONLY} {real_year}", f"{len(real_pick['kept'])} av 22")
    with c2:
        st.markdown(f"**Skulle komma in**  \n{chosen}")
        st.markdown("\n".join(f"- {names[c]}" for c in pick["entering"]) or "Inga")
    with c3:
        st.markdown(f"**Skulle falla ut**  \n{chosen}")
        st.markdown("\n".join(f"- {names[c]}" for c in pick["leaving"]) or "Inga")
    st.markdown(ranking.selection_caveat(results.value_origin("stadsdel", all_year, False), all_year))


def validation_tables(val, types_year: int) -> None:
    """The agreement figures, the cross table with its diagonal, the largest disagreements and the export."""
    c1, c2, c3 = st.columns([1.4, 1, 1])
    c1.metric(
        "Rangkorrelation (Spearman)",
        number(val.spearman, 2),
        help="1 = samma ordning som SCB:s typer, 0 = inget samband",
    )
    c2.metric("Samma klass", ranking.percent(val.agree, 0))
    c3.metric("Högst en klass isär", ranking.percent(val.within_one, 0))
    cross, gaps = results.validation_tables(val)
    type_help = {
        f"Typ {t}": st.column_config.NumberColumn(help=f"SCB: {label}", width=64)
        for t, label in validation.TYPE_LABELS.items()
    }
    st.markdown("**Indexklass (rader) mot SCB:s typ (kolumner)**, antal RegSO")
    st.dataframe(
        cross.style.apply(ranking.diagonal_style, axis=1),
        hide_index=True,
        width="content",
        column_config={
            "Indexklass": st.column_config.TextColumn(help="Indexklass och hur många RegSO den har (= SCB:s antal)"),
            **type_help,
        },
    )
    st.caption(f"{results.type_legend()}. Grön diagonal: samma klass.")
    st.markdown("**Där indexet och SCB skiljer sig mest**")
    if gaps.empty:
        st.markdown("Inga: varje RegSO hamnar i samma klass som SCB:s typ.")
    else:
        st.dataframe(
            gaps,
            hide_index=True,
            width="stretch",
            column_config={
                "Plats i indexet": st.column_config.TextColumn(width=104),
                "Indexklass": st.column_config.NumberColumn(width=84),
                "SCB:s typ": st.column_config.TextColumn(width=80, help="Se typerna ovan"),
                "Indexet visar": st.column_config.TextColumn(width=96, help="Högre eller lägre risk än SCB:s typ"),
            },
        )
    stadsdel = readers.units("regso").set_index("code")["stadsdel"]
    downloads.download_buttons(
        export_tables.validation(ranking.validation_export(val.table, stadsdel), types_year),
        f"validering_regso_{types_year}",
        "validering",
    )


def validation_view(params: ix.IndexParams) -> None:
    """The index at RegSO level against SCB's socioekonomisk områdestyp: cross table, rank correlation and the
    RegSO where the two disagree most."""
    type_years = sorted(int(y) for y in readers.regso_types()["year"].unique())
    st.markdown("**Stämmer indexet med SCB:s socioekonomiska områdestyp?**")
    types_year = st.segmented_control(
        "SCB:s områdestyp, år",
        type_years,
        default=type_years[-1],
        required=True,
        key=urlstate.AREA_TYPE_YEAR,
        bind="query-params",
    )
    try:
        val = results.regso_validation(params, int(types_year))
    except ValueError:
        st.warning(
            "Jämförelsen kan inte göras med de här vikterna: på RegSO-nivå finns bara försörjning och sociala "
            "risker – ge minst ett av dem en vikt över noll.",
            icon=":material/warning:",
        )
        return
    index_year = results.validation_params(params).year
    st.markdown(ranking.validation_intro(index_year, len(val.table), types_year))
    validation_tables(val, types_year)
    st.markdown(ranking.validation_notes(val.agree))
    st.caption("Källa: SCB, socioekonomisk områdestyp per RegSO (CC0). Statistik: SCB (CC0).")


def robustness_note(params: ix.IndexParams) -> pd.DataFrame:
    """The ranking of `params` (`change_table`) with its robustness draws, and the sentence on how firm the top
    places are."""
    table, sentence = _robust_table(params)
    st.info(sentence, icon=":material/balance:")
    return table


@st.cache_data(show_spinner=False, max_entries=64, hash_funcs=results.PARAMS_HASH)
def _notes(params: ix.IndexParams, table_shown: bool) -> tuple[str | None, str]:
    """The caption on the units not ranked and the one on the values, cached per settings."""
    result = results.index_result(params)
    origin = results.value_origin(params.level, params.year, params.real_only)
    labels = results.unit_labels(params.level)
    unranked = ranking.unranked_caption(result.scores, params.level, params.real_only, labels)
    return unranked, ranking.values_caption(params.level, params.real_only, origin, table_shown)


def ranking_notes(table: pd.DataFrame, params: ix.IndexParams, table_shown: bool) -> None:
    """Under every ranking view: the units not ranked, where one indicator dominates, and what the values are."""
    unranked, values_caption = _notes(params, table_shown)
    if unranked:
        st.caption(unranked)
    dominance = ranking.dominance_text(table, results.unit_labels(params.level), indicator_names(), params.level)
    if dominance:
        st.warning(dominance, icon=":material/warning:")
    st.caption(values_caption)
