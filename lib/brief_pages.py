"""The briefs' pages: which blocks (title, lines, map, tables, charts, follow-up texts) go where, with the marks
that put "Syntetiska värden" or "Illustrativa mål" in the footer of every page that shows such data. Laid out by
typst (`lib/brief_layout.py`): A4, paginated, tables that wrap, every text from JSON and never read as markup.

Why apart from `lib/render.py`: that module draws pictures (map, trends); this one composes a document.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import geopandas as gpd

from lib import brief_layout
from lib.brief_layout import Brief
from lib.brief_tables import (
    OVERALL_WIDTHS,
    SENSITIVITY_HEADING,
    SENSITIVITY_UNIT_WIDTHS,
    SensitivityBlock,
    sensitivity_missing,
)
from lib.render import MapFigure, ValidationPage, literal_text, map_png, trend_png

FOOTER = "Sammanhållen stad · källor: SCB (CC0), Stockholms stad (CC0), Polisen – se Data och källor i verktyget"
#: A follow-up text as printed (`lib.brief_tables.followup_entries`): the line naming delmål, nämnd and period,
#: the analys, the åtgärder and whether the delmål is illustrative.
Followup = tuple[str, str, str, bool]
#: Said under the map, next to it, when the index it colours rests (partly) on modelled values.
MAP_SYNTHETIC = "Syntetiska värden: indexet på kartan bygger helt eller delvis på modellerade värden. "


#: Indicators per trend chart in a brief: four rows of three, so one chart fits an A4 page.
TRENDS_PER_IMAGE = 12


def _has(frame, text: str) -> bool:
    """Whether any cell of `frame` mentions `text` (say "syntetisk" or "illustrativt"), to mark its page."""
    return bool(len(frame)) and frame.astype(str).apply(lambda c: c.str.contains(text, case=False)).any().any()


def add_followups(doc: Brief, entries: Sequence[Followup], heading: str) -> None:
    """The follow-up texts (analys and åtgärder per delmål, nämnd and period) as paragraphs, wrapped by the
    layout and printed exactly as typed; nothing when none are written."""
    if not entries:
        return
    doc.add_heading(heading)
    for head, analysis, actions, illustrative in entries:
        doc.add_text(head, ["illustrative"] if illustrative else [], keep_with_next=True)
        if analysis:
            doc.add_text(f"Analys: {analysis}")
        if actions:
            doc.add_text(f"Åtgärder: {actions}")


def add_sensitivity(doc: Brief, block: SensitivityBlock | None, marks: Sequence[str]) -> None:
    """Which modelling choices move the ranking: what was varied, the overall sentence, the assumptions' indices and
    the ranked units' bands with their main driver; without an analysis the one line saying where to run it, so the
    section is never silently missing. `marks` go on what shows the analysis's values. With an analysis the section
    starts a page, so its two tables are read together rather than split after the ranking."""
    if block is None or block.overall is None or block.units is None:
        doc.add_heading(SENSITIVITY_HEADING)
        doc.add_lines(block.lines if block is not None else [sensitivity_missing("stadsdel")])
        return
    doc.add_page_break()
    doc.add_heading(SENSITIVITY_HEADING)
    doc.add_lines(block.lines, marks)
    doc.add_table(block.overall, OVERALL_WIDTHS, marks)
    doc.add_text(block.overall_note)
    doc.add_text(block.units_note, marks, keep_with_next=True)
    doc.add_table(block.units, SENSITIVITY_UNIT_WIDTHS, marks)


def programme_layout(
    year: int,
    intro: Sequence[str],
    frame: gpd.GeoDataFrame,
    map_fig: MapFigure,
    ranking,
    stability: str,
    goals_table,
    allocation,
    outlines: gpd.GeoDataFrame | None = None,
    *,
    ranking_widths: Sequence[float] | None = None,
    ranking_fills: Sequence[tuple[str, str] | None] | None = None,
    map_labels: Sequence[tuple[str, float, float]] = (),
    synthetic: bool = True,
    validation: ValidationPage | None = None,
    followups: Sequence[Followup] = (),
    sensitivity: SensitivityBlock | None = None,
) -> Brief:
    """The programme brief as blocks: map, ranking with robustness, which modelling choices move the ranking
    (`sensitivity`; None: the line saying it has not been run), goal status, allocation, and – when given – the
    index validated against SCB's socioekonomisk områdestyp. `synthetic`: whether its index values are (partly)
    synthetic, so the pages showing them say so in the footer."""
    syn = ["synthetic"] if synthetic else []
    doc = Brief(f"Sammanhållen stad – lägesbild {year}", FOOTER)
    doc.add_title(f"Program för en sammanhållen stad – lägesbild {year}")
    doc.add_lines(intro, syn)
    doc.add_heading(map_fig.title)
    legend = ", ".join(label for label, _ in map_fig.legend)
    doc.add_image(
        map_png(frame, map_fig, outlines, labels=map_labels, texts=False),
        (MAP_SYNTHETIC if synthetic else "") + f"{map_fig.caption} Klasser (mörkare = högre risk): {legend}.",
        syn,
    )
    doc.add_page_break()
    doc.add_heading("Rangordning och hur säker den är")
    doc.add_text(stability, keep_with_next=True)
    doc.add_table(ranking, ranking_widths, syn, ranking_fills, fill_column=list(ranking.columns).index("Index"))
    add_sensitivity(doc, sensitivity, syn)
    doc.add_heading("Måluppfyllelse")
    doc.add_text(
        "Bedömt enligt regler i ILS-stil (verktygets egna): helt, delvis eller ej uppfyllt. Delar markerade "
        "(illustrativt) är exempel, inte programmets text.",
        keep_with_next=True,
    )
    doc.add_table(goals_table, [0.12, 0.62, 0.26], syn + (["illustrative"] if _has(goals_table, "illustrativ") else []))
    add_followups(doc, followups, "Uppföljning: analys och åtgärder")
    doc.add_heading("Fördelning av de föreslagna 150 mnkr efter behov")
    doc.add_text(
        "150 mnkr föreslås för stadsdelsnämndernas lokala arbete med social hållbarhet under programperioden. "
        "Räkneexempel: behov = folkmängd × social risk (indexet mot staden), jämfört med lika delar och fördelning "
        "efter folkmängd.",
        keep_with_next=True,
    )
    doc.add_table(allocation, [0.4, 0.2, 0.2, 0.2], syn)
    if validation is not None:
        doc.add_heading("Validering mot SCB:s socioekonomiska områdestyp")
        doc.add_lines(validation.lines)
        doc.add_text("Indexklass (rader) mot SCB:s typ (kolumner), antal RegSO", keep_with_next=True)
        doc.add_table(validation.crosstab, [0.3] + [0.14] * (len(validation.crosstab.columns) - 1))  # type: ignore[attr-defined]
        doc.add_text("Där indexet och SCB skiljer sig mest", keep_with_next=True)
        doc.add_table(validation.disagreements)
    return doc


@literal_text
def programme_brief(*args: Any, **kwargs: Any) -> bytes:
    """The programme brief as PDF (arguments as `programme_layout`)."""
    return brief_layout.pdf(programme_layout(*args, **kwargs))


def area_layout(
    name: str,
    lines: Sequence[str],
    indicators,
    trends,
    plan_lines: Sequence[str],
    figures=None,
    figure_lines: Sequence[str] = (),
    indicator_widths: Sequence[float] | None = None,
    followups: Sequence[Followup] = (),
) -> Brief:
    """The brief for one stadsdel as blocks: key figures, every indicator, trends, the published figures for its
    area (when `figures` has rows; its source column says which are second hand) and its nämnd's action plan."""
    doc = Brief(f"Sammanhållen stad – {name}", FOOTER)
    syn = ["synthetic"] if _has(indicators, "syntetisk") else []
    doc.add_title(f"{name} – stadsdelsprofil")
    doc.add_lines(lines, syn)
    doc.add_table(indicators, indicator_widths, syn)
    if len(trends):
        span = f"{int(trends['year'].min())}–{int(trends['year'].max())}"
        doc.add_heading(f"{name} – utveckling {span}")
        marked = "status" in trends.columns and (trends["status"] != "verkligt").any()
        names = list(dict.fromkeys(trends["name"]))
        caption = "Streckat: basår 2014, prickat: programstart 2015." + (
            " Fylld punkt: verkligt värde; ofylld punkt: syntetiskt värde." if "status" in trends.columns else ""
        )
        for start in range(0, len(names), TRENDS_PER_IMAGE):  # a chart of at most four rows fits a page
            part = trends[trends["name"].isin(names[start : start + TRENDS_PER_IMAGE])]
            doc.add_image(trend_png(name, part), caption, ["synthetic"] if marked else [])
    if figures is not None and len(figures):
        doc.add_heading("Publicerad statistik")
        doc.add_lines(figure_lines)
        doc.add_table(figures, [0.34, 0.16, 0.07, 0.1, 0.33])
    doc.add_heading("Stadsdelsnämndens handlingsplan")
    doc.add_lines(plan_lines)
    add_followups(doc, followups, "Nämndens uppföljning av delmålen: analys och åtgärder")
    return doc


@literal_text
def area_brief(*args: Any, **kwargs: Any) -> bytes:
    """The stadsdel brief as PDF (arguments as `area_layout`)."""
    return brief_layout.pdf(area_layout(*args, **kwargs))
