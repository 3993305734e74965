"""The printable briefs (programme and stadsdel) assembled from plain inputs: tables, texts and a map figure in,
PDF bytes out (composed by `lib/brief_pages.py`; the printed tables and lines come from `lib/brief_tables.py`).

Why here and not next to the download buttons: what a brief says (which rows, which sentences, which values are
marked synthetic) is a decision worth testing without a browser or a Streamlit session; `ui/briefs.py` only
gathers the cached inputs and hands them over.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import geopandas as gpd
import pandas as pd

from lib import brief_pages, goals, levels, profile, provenance, render
from lib.brief_tables import (
    allocation_table,
    followup_entries,
    goals_table,
    plan_lines,
    print_indicators,
    published_figures_table,
    ranking_table,
    sensitivity_block,
)
from lib.fmt import number
from lib.index import IndexParams, SensitivityResult

INDICATOR_WIDTHS = [0.3, 0.07, 0.09, 0.09, 0.11, 0.12, 0.17]


# --- the programme brief ---------------------------------------------------------------------------------------


def values_line(params: IndexParams, origin: pd.DataFrame) -> str:
    """Whether the brief's figures are real or synthetic, in one sentence. `origin`: per unit, how many of its
    index values are synthetic (columns synthetic, text)."""
    if params.level == "deso":
        return (
            "Värden: alla verkliga – SCB:s statistik per DeSO 2024/2025 (Statistik: SCB, CC0). Varje DeSO räknas "
            "till den stadsdel den överlappar mest."
        )
    if params.real_only:
        return "Värden: endast verkliga – SCB:s statistik 2024/2025 (Statistik: SCB, CC0); inga syntetiska värden."
    mixed = int((origin["synthetic"] > 0).sum())
    return (
        "Värden: verkliga där de finns (SCB 2024/2025, CC0), annars syntetiska – modellerade och kalibrerade mot "
        f"publicerade siffror tills staden läser in sina egna. {mixed} av {len(origin)} stadsdelars index "
        f"{params.year} bygger helt eller delvis på syntetiska värden; kolumnen Värden visar hur många per stadsdel."
    )


def stability_line(table: pd.DataFrame, names: pd.Series) -> str:
    """How stable the five highest are under random weights, in one sentence."""
    top5 = table.head(5)
    return (
        f"De fem med högst risk ({', '.join(top5['area_code'].map(names))}) ligger kvar bland de fem högsta i minst "
        f"{number(100 * top5['share_top_5'].min(), 0)} % av 1 000 slumpade viktningar (varje vikt ±25 %). Täckning: "
        "andel av indexets 20 indikatorer som har ett värde."
    )


@dataclass(frozen=True)
class ProgrammeInputs:
    """Everything the programme brief shows, computed by the caller (cached in the app, direct in tests).

    `scores`/`robust`: the index result's scores and its robustness per unit; `units`: the level's units;
    `origin`: per unit, how many index values are synthetic; `goal_tree`/`goal_outcomes`/`goal_year`: the goals
    and the programme area's outcomes; `allocation`: `lib.allocation.allocate` per stadsdelsnämnd;
    `method_label`/`aggregation_label`: the index choices in words; `missing_text`: the sentence naming index
    areas without data (or None); `frame`/`map_figure`/`outlines`: the map."""

    params: IndexParams
    scores: pd.DataFrame
    robust: pd.DataFrame
    units: pd.DataFrame
    origin: pd.DataFrame
    goal_tree: goals.GoalTree
    goal_outcomes: pd.DataFrame
    goal_year: int
    allocation: pd.DataFrame
    method_label: str
    aggregation_label: str
    frame: gpd.GeoDataFrame
    map_figure: render.MapFigure
    outlines: gpd.GeoDataFrame | None = None
    missing_text: str | None = None
    validation: render.ValidationPage | None = None
    #: The year's follow-up texts (`lib.db.goal_followups`): analys and åtgärder per delmål, nämnd and period.
    followups: pd.DataFrame | None = None
    #: The index areas' names by code, so the brief can say which weights it was made with.
    domain_names: Mapping[str, str] | None = None
    #: The uncertainty and sensitivity analysis of this index (`lib.index.run_sensitivity`), or None when it has not
    #: been run for these settings: the brief then says where to run it.
    sensitivity: SensitivityResult | None = None


def programme_intro(inputs: ProgrammeInputs) -> list[str]:
    """The brief's opening lines: the programme, the level shown, real or synthetic values, the index choices."""
    params = inputs.params
    level = levels.get(params.level)
    level_line = (
        f"Nivå: {level.label} – rangordningen visar de 22 {level.plural} med högst index {params.year}."
        if params.level == "deso"
        else f"Nivå: stadsdel – rangordningen visar de 22 stadsdelar med högst index {params.year}."
    )
    return [
        "Stockholms stads program för ytterstaden: ett socialt riskindex per stadsdel (sociala risker, hälsa, säkerhet "
        "och trygghet, försörjning) pekar ut 22 stadsdelar, och arbetets omfattning och intensitet bör stå i "
        "proportion till graden av social risk. Urvalet av 22 stadsdelar är preliminärt.",
        level_line,
        values_line(params, inputs.origin),
        *filter(None, [inputs.missing_text]),
        f"Index: {inputs.method_label.lower()}, {inputs.aggregation_label.lower()}, "
        + (
            weights_text(params, inputs.domain_names)
            if inputs.domain_names
            else "vikter enligt verktygets vy när briefen skapades."
        ),
    ]


def weights_text(params: IndexParams, names: Mapping[str, str]) -> str:
    """The weights a brief was made with, in words: each area's share of the weight, or "standardvikter".

    Why: a printed brief outlives the screen it came from, and the ranking depends on the weights."""
    ratings = {code: 1.0 for code in names if code != "kontext"} | {
        c: float(w) for c, w in params.domain_weights if c in names
    }
    total = sum(ratings.values())
    indicator = {float(w) for _, w in params.indicator_weights}
    own_indicators = "; egna vikter för enskilda indikatorer" if len(indicator) > 1 else ""
    if total > 0 and len(set(ratings.values())) == 1 and not own_indicators:
        return "standardvikter (lika vikt för de fyra områdena)."
    shares = ", ".join(f"{names[c].lower()} {number(100 * w / total, 0)} %" for c, w in ratings.items() if total > 0)
    return f"områdenas vikter: {shares}{own_indicators}."


def text_colour(background: str) -> str:
    """White on a dark class colour, near-black on a light one (relative luminance), so a coloured cell stays
    readable in print."""
    r, g, b = (int(background.lstrip("#")[i : i + 2], 16) / 255 for i in (0, 2, 4))
    return "#ffffff" if 0.2126 * r + 0.7152 * g + 0.0722 * b < 0.5 else "#111111"


def ranking_fills(codes: pd.Series, fig: render.MapFigure) -> list[tuple[str, str] | None]:
    """Each ranked unit's map colour for its Index cell, so the table and the map read alike."""
    return [(fig.colours[c], text_colour(fig.colours[c])) if c in fig.colours else None for c in codes]


def map_labels(frame: gpd.GeoDataFrame, codes: pd.Series, names: Mapping[str, str]) -> list[tuple[str, float, float]]:
    """A label per stadsdel named in `names` (unit code → stadsdel name) for the units in `codes`, at a point inside
    their shapes taken together, so a printed map says where the ranked places are."""
    shown = frame[frame["code"].isin(set(codes))].assign(label=lambda f: f["code"].map(names))
    shown = shown.dropna(subset=["label"])
    if shown.empty:
        return []
    merged = shown[["label", "geometry"]].dissolve(by="label")
    points = merged.geometry.representative_point()
    return [(str(label), float(p.x), float(p.y)) for label, p in points.items()]


def has_synthetic(params: IndexParams, origin: pd.DataFrame) -> bool:
    """Whether any index value behind the brief is synthetic (never at DeSO level or with real values only)."""
    return params.level != "deso" and not params.real_only and bool((origin["synthetic"] > 0).any())


def programme_brief_pdf(inputs: ProgrammeInputs) -> bytes:
    """The printable programme brief: the 22 highest units with their stability, which modelling choices move
    their ranks, the goals, the allocation and (when given) the validation against SCB's områdestyp."""
    table = inputs.scores.merge(inputs.robust, on="area_code").dropna(subset=["rank"]).sort_values("rank").head(22)
    level = inputs.params.level
    ranking, widths = ranking_table(table, inputs.units, inputs.origin, level)
    units = inputs.units.set_index("code")
    sensitivity = sensitivity_block(
        inputs.sensitivity,
        list(table["area_code"]),
        units["name"].dropna().astype(str).to_dict(),
        level,
        levels.get(level).label,
    )
    label_names = units["stadsdel"] if "stadsdel" in units else units["name"]  # a DeSO is labelled by its stadsdel
    return brief_pages.programme_brief(
        inputs.params.year,
        programme_intro(inputs),
        inputs.frame,
        inputs.map_figure,
        ranking,
        stability_line(table, inputs.units.set_index("code")["name"]),
        goals_table(inputs.goal_tree, inputs.goal_outcomes, inputs.goal_year),
        allocation_table(inputs.allocation),
        inputs.outlines,
        ranking_widths=widths,
        ranking_fills=ranking_fills(table["area_code"], inputs.map_figure),
        map_labels=map_labels(inputs.frame, table["area_code"], label_names.dropna().astype(str).to_dict()),
        synthetic=has_synthetic(inputs.params, inputs.origin),
        validation=inputs.validation,
        followups=followup_entries(inputs.goal_tree, inputs.followups),
        sensitivity=sensitivity,
    )


# --- the stadsdel brief ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class AreaInputs:
    """Everything one stadsdel's brief shows, read by the caller.

    `area`: its row of the areas table (name, district, committee, in_programme); `score`/`robust`: its rows of
    the index result and the robustness; `own`: its long values; `groups`/`group_status`: the city's and the
    programme area's values and statuses; `pairs`: real and modelled values side by side; `police`: its shares of
    Polisen's areas; `has_deso`: whether any DeSO counts to it; `plan`: its nämnd's plan (text, goals,
    activities); `references`: all published reference figures."""

    area: pd.Series
    score: pd.Series
    robust: pd.Series
    own: pd.DataFrame
    groups: pd.DataFrame
    group_status: pd.DataFrame
    indicators: pd.DataFrame
    pairs: pd.DataFrame
    police: pd.DataFrame
    has_deso: bool
    plan: Mapping[str, pd.DataFrame]
    references: pd.DataFrame
    year: int
    #: The goal tree and the year's follow-up texts: its nämnd's analys and åtgärder per delmål, when written.
    goal_tree: goals.GoalTree | None = None
    followups: pd.DataFrame | None = None


def area_lines(inputs: AreaInputs, table: pd.DataFrame) -> list[str]:
    """The brief's key figures: district, programme membership, index and rank, real share, real against model,
    Polisen's areas."""
    a, row, robust = inputs.area, inputs.score, inputs.robust
    lines = [
        f"Stadsdelsområde: {a['district']} · {a['committee']}.",
        "Ingår i programmets preliminära urval." if a["in_programme"] else "Ingår inte i det preliminära urvalet.",
    ]
    if pd.notna(row["rank"]):
        lines.append(
            f"Index {number(row['composite'], 1)} – plats {int(row['rank'])}; i 90 % av 1 000 slumpade viktningar "
            f"plats {int(robust['rank_p05'])}–{int(robust['rank_p95'])}."
        )
    n_real = int((~table["synthetic"].astype(bool)).sum())
    lines.append(
        f"{n_real} av {len(table)} indikatorvärden i tabellen är verkliga (SCB 2024/2025, CC0; stadens folkmängd "
        "2014–2016, CC0); övriga är syntetiska (modellerade). Varje värde står med sitt eget år."
    )
    meta = inputs.indicators.set_index("code")
    for pair in inputs.pairs.itertuples():
        m = meta.loc[pair.indicator_code]
        decimals = int(m["decimals"])
        lines.append(
            f"{m['name']} {int(pair.year)}: verkligt ({provenance.publisher(pair.real_source)}) "
            f"{number(pair.real, decimals)}, modell (syntetisk) {number(pair.model, decimals)}; skillnad "
            f"{provenance.difference_text(pair.real, pair.model, m['unit'], decimals)}."
        )
    if not inputs.has_deso:
        lines.append("Stadsdelen innehåller inget eget DeSO; Polisens lista (per DeSO) säger inget om den.")
    elif inputs.police.empty:
        lines.append(provenance.NO_POLICE_AREA)
    else:
        lines.append(f"{provenance.police_summary(inputs.police)} Källa: {provenance.POLICE_ATTRIBUTION}.")
    return lines


def trend_table(inputs: AreaInputs) -> pd.DataFrame:
    """The stadsdel's, the programme area's and the city's series of every index indicator, with their status."""
    trend = profile.trend_frame(
        inputs.own, inputs.groups, inputs.group_status, inputs.indicators, inputs.area["name"]
    ).sort_values(["name", "serie", "year"])
    return trend[["name", "serie", "year", "value", "status"]]


def committee_followups(inputs: AreaInputs) -> list[brief_pages.Followup]:
    """The stadsdel's nämnd's follow-up texts (its delmål, every period of the year)."""
    if inputs.goal_tree is None or inputs.followups is None:
        return []
    bodies = inputs.goal_tree.bodies
    own = set(bodies.loc[bodies["name"] == inputs.area["committee"], "id"])
    return followup_entries(inputs.goal_tree, inputs.followups, own) if own else []


def area_brief_pdf(inputs: AreaInputs) -> bytes:
    """The printable brief for one stadsdel: profile, every indicator, trends, published figures and its nämnd's
    plan."""
    a = inputs.area
    table = profile.indicator_table(inputs.own, inputs.groups, inputs.indicators, inputs.year)
    figures, figure_lines = published_figures_table(inputs.references, inputs.indicators, a["district"], a["name"])
    return brief_pages.area_brief(
        a["name"],
        area_lines(inputs, table),
        print_indicators(table),
        trend_table(inputs),
        plan_lines(a["committee"], inputs.plan),
        figures,
        figure_lines,
        indicator_widths=INDICATOR_WIDTHS,
        followups=committee_followups(inputs),
    )
