"""Statistisk granskning's cached audit and its three sections (overlap, coherence, weights), each a heading's
content: a chart or table, a sentence and the downloads. The figures are `lib.index.audit`, the words
`lib.audit_texts`, the charts `lib.charts.audit`."""

from __future__ import annotations

from dataclasses import replace

import pandas as pd
import streamlit as st

from lib import audit_texts as texts
from lib import index as ix
from lib.charts import audit as audit_charts
from ui import downloads, results, tables, urlstate, wording
from ui.weights import domain_names, indicator_names


@st.cache_data(show_spinner=False, max_entries=32, hash_funcs=results.PARAMS_HASH)
def index_audit(params: ix.IndexParams) -> ix.IndexAudit:
    """The audit of the index `params` (normalised scores shared with the index through `results.index_inputs`)."""
    data, fw = results.index_inputs(params.level, params.year, params.real_only)
    return ix.audit_index(data, fw, params)


def audit_marking(audit: ix.IndexAudit, params: ix.IndexParams) -> str:
    """ "syntetisk" when any value behind an audited unit is synthetic, else "verklig"."""
    origin = results.value_origin(params.level, params.year, params.real_only).set_index("area_code")
    return texts.marking(origin["synthetic"].reindex(list(audit.unit_codes)))


def overlap_section(audit: ix.IndexAudit) -> None:
    """Överlappande indikatorer: the heatmap with the flagged pairs outlined, and the pairs in words."""
    names = indicator_names()
    st.markdown(texts.pair_sentence(audit, names))
    st.info(texts.double_counting_note(names, audit), icon=":material/join_inner:")
    rows = texts.heatmap_rows(audit, names)
    order = [names.get(c, c) for c in audit.matrix.index]
    st.vega_lite_chart(rows, audit_charts.correlation_heatmap(order), width="content")
    st.caption(
        "Färgen visar korrelationen r mellan två indikatorers normaliserade värden över enheterna: rött = de "
        "stiger tillsammans, blått = den ena stiger när den andra sjunker. Inramade rutor med siffra har |r| ≥ 0,9."
    )


def coherence_section(audit: ix.IndexAudit) -> None:
    """Områdenas samstämmighet: first component's share and Cronbach's α per area, with what they mean."""
    frame = texts.domain_frame(audit, domain_names())
    styled = tables.swedish(frame, decimals={"Cronbachs α": 2}, shares={"Första komponentens andel": 0})
    st.dataframe(
        styled,
        hide_index=True,
        width="content",
        column_config={
            "Första komponentens andel": st.column_config.Column(
                help="Hur stor del av indikatorernas gemensamma variation en enda dimension fångar."
            ),
            "Cronbachs α": st.column_config.Column(help="Hur väl indikatorerna mäter samma sak, högst 1."),
        },
    )
    st.markdown(
        "- **Första komponentens andel**: hur mycket av variationen i områdets indikatorer som en enda gemensam "
        "dimension förklarar (principalkomponentanalys). Över 60 % brukar räcka för att området ska mäta en sak.\n"
        "- **Cronbachs α**: hur samstämmiga indikatorerna är när de läggs ihop till områdets poäng. Omkring 0,7 "
        "eller mer räknas som tillräckligt; ett lågt värde betyder att området rymmer olika saker."
    )


#: The method each of the two distance-to-the-group methods is compared with on the weights.
COMPARED_METHOD = {"ref100": "ratio", "ratio": "ref100"}


def weights_section(audit: ix.IndexAudit, params: ix.IndexParams) -> None:
    """Nominell och effektiv vikt: the table, the sentence on weights far from nominal, the bars, and – for the two
    distance-to-the-group methods – what the other one would do to the effective weights."""
    names = indicator_names()
    aggregation = params.aggregation
    st.markdown(texts.weight_sentence(audit, names))
    other = COMPARED_METHOD.get(params.method)
    if other is not None:
        compared = index_audit(replace(params, method=other))
        st.markdown(texts.method_comparison(audit, compared, wording.METHODS[other], names))
    frame = texts.weight_frame(audit, names, domain_names())
    shares = dict.fromkeys(("Nominell vikt", "Effektiv vikt", "Betydelse"), 1)
    styled = tables.swedish(frame, decimals={"r mot området": 2, "r mot indexet": 2}, shares=shares)
    order = [c for c in frame.columns if c != "Område"]  # the area is in the download; 1 280 px fit the rest
    st.dataframe(styled, hide_index=True, width="stretch", height=35 * (len(frame) + 1) + 3, column_order=order)
    bars = texts.weight_bar_rows(audit, names)
    st.vega_lite_chart(bars, audit_charts.weight_bars(list(pd.unique(bars["indikator"]))), width="stretch")
    note = " Med geometriskt medel är den effektiva vikten en uppskattning." if aggregation == "geometric" else ""
    st.caption(
        "**Nominell vikt**: indikatorns andel av indexet enligt vikterna (områdets vikt × indikatorns andel inom "
        "området). **Effektiv vikt**: hur stor del av skillnaderna i index mellan enheterna indikatorn faktiskt "
        "står för – den blir större än den nominella när indikatorn sprider sig mycket eller följer andra "
        "indikatorer. **Betydelse**: hur mycket av indexets variation indikatorn ensam förklarar (r², "
        "förstagradskänslighet), som andel av summan för alla indikatorer. **r mot området/indexet**: "
        f"korrelationen mellan indikatorn och områdets poäng respektive indexet.{note}"
    )


def download_section(audit: ix.IndexAudit, params: ix.IndexParams) -> None:
    """The three tables as CSV and Excel, marked syntetisk/verklig with their source."""
    prepared = texts.downloads(audit, indicator_names(), domain_names(), audit_marking(audit, params))
    labels = {"korrelationer": "Alla indikatorpar", "omraden": "Områdena", "vikter": "Vikterna"}
    for col, (name, frame) in zip(st.columns(3), prepared.items(), strict=True):
        with col:
            st.markdown(f"**{labels[name]}**")
            downloads.download_buttons(frame, f"granskning_{name}_{params.year}", key=f"granskning_{name}")


def index_sentence(params: ix.IndexParams, audit: ix.IndexAudit) -> str:
    """Which index is audited, in words: year, units, comparison group, method, aggregation and whose weights."""
    weights = "egna vikter från Index och vikter" if urlstate.weights_in_effect() else "standardvikterna"
    values = " (endast verkliga värden)" if params.real_only else ""
    return (
        f"Granskat index: **{params.year}**, {wording.LEVEL_PHRASES[params.level]}{values}, jämförelsegrupp "
        f"{wording.UNIVERSES[params.universe].lower()}, normalisering ”{wording.METHODS[params.method]}”, "
        f"{wording.AGGREGATIONS[params.aggregation].lower()}, {weights}. Siffrorna bygger på de "
        f"**{audit.n_units}** enheter som får ett index."
    )
