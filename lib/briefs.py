"""The printable briefs (programme and stadsdel) assembled from plain inputs: tables, texts and a map figure in,
PDF bytes out (through `lib/render.py`).

Why here and not next to the download buttons: what a brief says (which rows, which sentences, which values are
marked synthetic) is a decision worth testing without a browser or a Streamlit session; `ui/briefs.py` only
gathers the cached inputs and hands them over.
"""

from __future__ import annotations

import textwrap
from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import urlsplit

import geopandas as gpd
import pandas as pd

from lib import allocation, goals, levels, profile, provenance, reference, render
from lib.config import YEARS
from lib.fmt import number
from lib.index import IndexParams

RANKING_WIDTHS_DESO = [0.06, 0.33, 0.16, 0.08, 0.1, 0.11, 0.16]
RANKING_WIDTHS = [0.05, 0.16, 0.2, 0.07, 0.09, 0.13, 0.09, 0.18]
INDICATOR_WIDTHS = [0.3, 0.07, 0.09, 0.09, 0.11, 0.12, 0.17]


def shorten(text: str, width: int) -> str:
    """`text` cut at a word to at most `width` characters, so a long name does not burst a printed cell."""
    return textwrap.shorten(str(text), width, placeholder=" …")


def print_goal(node: pd.Series, width: int) -> str:
    """A goal for a printed table, at most `width` characters, marked "(illustrativt)" when invented or
    "(illustrativt: placering, …)" when known but with invented parts (then under its short name, to leave room)."""
    if node["illustrative"]:
        text, mark = node["text"], " (illustrativt)"
    else:
        parts = goals.illustrative_parts(node)
        mark = f" (illustrativt: {', '.join(goals.DOT_PARTS[p] for p in parts)})" if parts else ""
        text = node["short"] if parts and isinstance(node["short"], str) and node["short"] else node["text"]
    return shorten(text, max(20, width - len(mark))) + mark


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


def ranking_table(
    table: pd.DataFrame, units: pd.DataFrame, origin: pd.DataFrame, level: str
) -> tuple[pd.DataFrame, list[float]]:
    """The printed ranking (the rows of `table`: scores merged with robustness, in rank order) and its column
    widths. A DeSO names its stadsdel; a stadsdel its stadsdelsområde and how often it is among the 22 highest."""
    u = units.set_index("code")
    texts = origin.set_index("area_code")["text"]
    columns = {"Plats": table["rank"].astype(int), levels.get(level).label: table["area_code"].map(u["name"])}
    if level == "deso":
        columns["Stadsdel"] = table["area_code"].map(u["stadsdel"])
    else:
        columns["Stadsdelsområde"] = table["area_code"].map(u["district"])
    columns |= {
        "Index": [number(v, 1) for v in table["composite"]],
        "Plats i 90 %": [f"{int(a)}–{int(b)}" for a, b in zip(table["rank_p05"], table["rank_p95"], strict=True)],
    }
    if level != "deso":
        columns["Bland 22 högsta"] = [f"{number(100 * s, 0)} %" for s in table["share_top_22"]]
    columns["Täckning"] = [f"{number(100 * c, 1)} %" for c in table["coverage"]]
    columns["Värden"] = table["area_code"].map(texts).fillna("–")
    return pd.DataFrame(columns), RANKING_WIDTHS_DESO if level == "deso" else RANKING_WIDTHS


def stability_line(table: pd.DataFrame, names: pd.Series) -> str:
    """How stable the five highest are under random weights, in one sentence."""
    top5 = table.head(5)
    return (
        f"De fem med högst risk ({', '.join(top5['area_code'].map(names))}) ligger kvar bland de fem högsta i minst "
        f"{number(100 * top5['share_top_5'].min(), 0)} % av 1 000 slumpade viktningar (varje vikt ±25 %). Täckning: "
        "andel av indexets 20 indikatorer som har ett värde."
    )


def goals_table(tree: goals.GoalTree, outcomes: pd.DataFrame, year: int) -> pd.DataFrame:
    """The programme's goals below the top with their assessment in `year` (outcomes of the programme area)."""
    rows = goals.indicator_assessment(tree, outcomes, year, YEARS)
    evaluation = goals.evaluate(tree, rows).set_index("id")
    nodes = tree.nodes[tree.nodes["level"] != "program"]
    return pd.DataFrame(
        {
            "Nivå": nodes["level"],
            "Mål": [print_goal(n, 400) for _, n in nodes.iterrows()],
            "Bedömning": [f"{evaluation.loc[i, 'status']}" for i in nodes["id"]],
        }
    )


def allocation_table(alloc: pd.DataFrame) -> pd.DataFrame:
    """The 150 mnkr per stadsdelsnämnd: by need, in equal parts and by population, each column rounded from the
    whole kronor so that it sums to the total as printed."""

    def column(kr: str) -> list[str]:
        return [number(v, 1) for v in allocation.in_mnkr(alloc[kr].to_numpy(), 1)]

    return pd.DataFrame(
        {
            "Stadsdelsnämnd": alloc["unit"],
            "Efter behov (mnkr)": column("amount_kr"),
            "Lika delar": column("equal_kr"),
            "Efter folkmängd": column("population_only_kr"),
        }
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
        f"Index: {inputs.method_label.lower()}, {inputs.aggregation_label.lower()}, vikter enligt "
        "verktygets vy när briefen skapades.",
    ]


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
    """The printable programme brief: the 22 highest units with their stability, the goals, the allocation and
    (when given) the validation against SCB's områdestyp."""
    table = inputs.scores.merge(inputs.robust, on="area_code").dropna(subset=["rank"]).sort_values("rank").head(22)
    ranking, widths = ranking_table(table, inputs.units, inputs.origin, inputs.params.level)
    units = inputs.units.set_index("code")
    label_names = units["stadsdel"] if "stadsdel" in units else units["name"]  # a DeSO is labelled by its stadsdel
    return render.programme_brief(
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


def print_indicators(table: pd.DataFrame) -> pd.DataFrame:
    """The indicator table (`lib.profile.indicator_table`) as printed: short names, Swedish numbers, short sources."""
    return pd.DataFrame(
        [
            {
                "Indikator": r.name,
                "År": int(r.year),
                "Värde": number(float(r.value), int(r.decimals)),
                "Staden": number(r.city, int(r.decimals)),
                "Risk (100 = staden)": "" if r.context or not pd.notna(r.risk) else number(r.risk, 0),
                "Status": provenance.status(r.synthetic),
                "Källa": provenance.short_source(r.source, r.licence, r.synthetic),
            }
            for r in table.itertuples()
        ]
    )


def trend_table(inputs: AreaInputs) -> pd.DataFrame:
    """The stadsdel's, the programme area's and the city's series of every index indicator, with their status."""
    trend = profile.trend_frame(
        inputs.own, inputs.groups, inputs.group_status, inputs.indicators, inputs.area["name"]
    ).sort_values(["name", "serie", "year"])
    return trend[["name", "serie", "year", "value", "status"]]


def plan_lines(committee: str, plan: Mapping[str, pd.DataFrame]) -> list[str]:
    """The nämnd's plan as printed lines: priorities, local goals and activities as stored."""
    lines = [f"{committee}."]
    texts = plan["text"].set_index("section")["text"] if not plan["text"].empty else pd.Series(dtype=str)
    lines.append("Prioriteringar: " + (texts.get("prioriteringar") or "inga registrerade ännu."))
    for g in plan["goals"].itertuples():
        lines.append(f"Lokalt mål: {g.text or g.indicator_code} – {_plain(g.target)} år {g.target_year}.")
    for act in plan["activities"].itertuples():
        lines.append(
            f"Aktivitet: {act.title} ({act.status}; {day(act.start)}–{day(act.end)}; {_plain(act.budget)} mnkr; "
            f"{act.owner or '–'}; {act.partners or '–'})."
        )
    if plan["goals"].empty and plan["activities"].empty:
        lines.append("Inga lokala mål eller aktiviteter registrerade ännu.")
    return lines


def day(value: object) -> str:
    """A date as printed: 2026-03-01, never with a time of day; missing → "–"."""
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return "–"
    try:
        return pd.Timestamp(value).date().isoformat()
    except (TypeError, ValueError):
        return str(value)


def _plain(v: object) -> str:
    """A typed number in Swedish form with the decimals it needs (1,5 – not 1.5; 150 – not 150,0)."""
    try:
        f = float(v)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return str(v)
    return _figure_value(f) if pd.notna(f) else "–"


def _figure_value(v: float) -> str:
    return number(v, 0 if float(v).is_integer() else 1 if round(v, 1) == v else 2)


def published_figures_table(
    references: pd.DataFrame, indicators: pd.DataFrame, district: str, name: str
) -> tuple[pd.DataFrame, list[str]]:
    """The published figures for a stadsdelsområde and one of its stadsdelar as a print table, each source marked
    first- or second-hand, with the lines that explain it."""
    refs = references
    mine = refs[
        ((refs["area_level"] == "stadsdelsomrade") & (refs["area"] == district))
        | ((refs["area_level"] == "stadsdel") & (refs["area"] == name))
    ]
    ind_names = dict(zip(indicators["code"], indicators["name"], strict=True))
    table = pd.DataFrame(
        {
            "Mått": [
                ind_names[c] if isinstance(c, str) and c in ind_names else provenance.reference_measure(f)
                for c, f in zip(mine["indicator_code"], mine["figure_indicator"], strict=True)
            ],
            "Område": mine["area"],
            "År": mine["year"].astype(int),
            "Värde": [_figure_value(v) for v in mine["value"]],
            "Källa": [
                f"{(urlsplit(str(u)).hostname or '–').removeprefix('www.')}"
                + (f" ({reference.SECOND_HAND})" if reference.is_second_hand(u) else "")
                for u in mine["source_url"]
            ],
        }
    )
    lines = [
        f"Verkliga siffror för {district} och {name} (fullständiga länkar under Data och källor i verktyget).",
        f"{reference.SECOND_HAND.capitalize()}: siffran kommer inte direkt från utgivaren utan från t.ex. ett "
        "uppslagsverk, en nyhetsartikel eller en kopia på en dokumentsajt.",
    ]
    return table.reset_index(drop=True), lines


def area_brief_pdf(inputs: AreaInputs) -> bytes:
    """The printable brief for one stadsdel: profile, every indicator, trends, published figures and its nämnd's
    plan."""
    a = inputs.area
    table = profile.indicator_table(inputs.own, inputs.groups, inputs.indicators, inputs.year)
    figures, figure_lines = published_figures_table(inputs.references, inputs.indicators, a["district"], a["name"])
    return render.area_brief(
        a["name"],
        area_lines(inputs, table),
        print_indicators(table),
        trend_table(inputs),
        plan_lines(a["committee"], inputs.plan),
        figures,
        figure_lines,
        indicator_widths=INDICATOR_WIDTHS,
    )
