"""The printed tables and lines of the briefs: the ranking, the sensitivity analysis of the ranks, the goals, the
allocation, a stadsdel's indicators, its published figures and its nämnd's plan, each as plain strings in Swedish
form (numbers, dates without times) so the layout (`lib/brief_pages.py`) only places them.

Why apart from `lib/briefs.py`: that module decides what a brief contains; this one how each table reads on paper.
"""

from __future__ import annotations

import textwrap
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from urllib.parse import urlsplit

import pandas as pd

from lib import allocation, goals, levels, provenance, reference, sensitivity_texts
from lib import index as ix
from lib.config import YEARS
from lib.fmt import number
from lib.goals.texts import PERIODS

RANKING_WIDTHS_DESO = [0.06, 0.33, 0.16, 0.08, 0.1, 0.11, 0.16]
RANKING_WIDTHS = [0.05, 0.16, 0.2, 0.07, 0.09, 0.13, 0.09, 0.18]


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


def followup_entries(
    tree: goals.GoalTree, texts: pd.DataFrame, body_ids: set[str] | None = None
) -> list[tuple[str, str, str, bool]]:
    """The follow-up texts of a year as printed: per delmål (in the tree's order), nämnd and period (tertial 1,
    tertial 2, verksamhetsberättelse), the line that names them and the analys and åtgärder as typed. `body_ids`:
    only these nämnder (a stadsdel's brief); the last item says whether the delmål is illustrative."""
    if texts is None or texts.empty:
        return []
    mine = texts if body_ids is None else texts[texts["body"].isin(body_ids)]
    nodes = tree.nodes.set_index("id")
    body_names = tree.bodies.set_index("id")["name"]
    order = {g: i for i, g in enumerate(tree.nodes["id"])}
    periods = {p: i for i, p in enumerate(PERIODS)}
    mine = mine[mine["goal_id"].isin(nodes.index)]
    mine = mine.assign(
        goal_order=mine["goal_id"].map(order), body_name=mine["body"].map(body_names).fillna(mine["body"]),
        period_order=mine["period"].map(periods),
    ).sort_values(["goal_order", "body_name", "period_order"])  # fmt: skip
    entries = []
    for r in mine.itertuples():
        node = nodes.loc[r.goal_id]
        head = f"{r.goal_id} {print_goal(node, 160)} – {r.body_name}, {PERIODS.get(r.period, r.period)} {int(r.year)}"
        entries.append((head, str(r.analysis or "").strip(), str(r.actions or "").strip(), bool(node["illustrative"])))
    return entries


# --- the uncertainty and sensitivity analysis (`lib.index.sensitivity`) -------------------------------------------

SENSITIVITY_HEADING = "Vilka modellval som flyttar rangordningen"
OVERALL_WIDTHS = [0.32, 0.17, 0.17, 0.17, 0.17]
SENSITIVITY_UNIT_WIDTHS = [0.24, 0.08, 0.2, 0.48]
BAND_HEADER, DRIVER_HEADER = "Plats i 90 % av körningarna", "Beror främst på"
OVERALL_NOTE = (
    f"{sensitivity_texts.S1}: hur stor del av variationen antagandet förklarar ensamt; {sensitivity_texts.ST.lower()}: "
    "ensamt och i samspel med de andra (0 = ingen roll, 1 = allt). ± är halva bredden av 95 % konfidensintervall; en "
    "skattning strax under 0 är slumpbrus och visas som 0."
)


@dataclass(frozen=True)
class SensitivityBlock:
    """The section of the programme brief on which modelling choices move the ranking: its lines (what was varied and
    the overall sentence, or the one line saying the analysis has not been run), the assumptions' indices overall and
    the ranked units' bands and main drivers, with the sentences that introduce the two tables."""

    lines: tuple[str, ...]
    overall: pd.DataFrame | None = None
    overall_note: str = ""
    units: pd.DataFrame | None = None
    units_note: str = ""


def sensitivity_missing(level: str) -> str:
    """The section's one line when no analysis exists for the brief's index, saying where to run one."""
    if level != "stadsdel":
        return "Känslighetsanalysen är inte körd för den här nivån; den görs för stadsdelar på sidan Känslighetsanalys."
    return "Känslighetsanalysen har inte körts för de här inställningarna. Kör den på sidan Känslighetsanalys."


def varied_line(settings: ix.SensitivitySettings) -> str:
    """What was varied, together, and in how many runs with which seed."""
    done = sensitivity_texts.settings_text(settings.samples, settings.seed, len(ix.ASSUMPTIONS))
    return (
        f"Indexets modellval varierades samtidigt i {done}: normalisering, aggregering, områdesvikter ±50 %, en "
        "indikator i taget utelämnad och täckningskrav 50–80 %."
    )


def overall_index_table(overall: pd.DataFrame) -> pd.DataFrame:
    """The assumptions' first-order and total indices overall with their 95 % half-widths, two decimals, Swedish
    form, an estimate below 0 shown as 0 (as the page shows them)."""
    frame = sensitivity_texts.index_frame(sensitivity_texts.clipped(overall))
    for column in list(frame.columns)[1:]:
        frame[column] = [sensitivity_texts.index_text(v) for v in frame[column]]
    return frame


def _band_text(band: Mapping[str, float]) -> str:
    low, high = band["p05"], band["p95"]
    if not (pd.notna(low) and pd.notna(high)):
        return "–"
    low_place, high_place = int(round(float(low))), int(round(float(high)))
    return str(low_place) if low_place == high_place else f"{low_place}–{high_place}"


def unit_driver(per_unit: pd.DataFrame, code: str) -> str:
    """What a unit's rank depends on most (by its total index, at most 1), e.g. "valet av normalisering (totalt
    0,62)"; "–" for a unit not ranked in every run (no indices), "inget (platsen ändras inte)" when none moves it."""
    rows = per_unit[per_unit["area_code"] == code]
    if rows.empty:
        return "–"
    top = sensitivity_texts.driver(rows)
    if top is None or float(top["ST"]) <= 0:
        return "inget (platsen ändras inte)"
    total = sensitivity_texts.index_text(min(float(top["ST"]), 1.0))
    return f"{sensitivity_texts.DRIVER_PHRASES[top['assumption']]} (totalt {total})"


def _driver_cell(per_unit: pd.DataFrame, code: str, band: Mapping[str, float] | None) -> str:
    """`unit_driver`, except where the place is the same in 90 % of the runs: the indices then divide a variance
    near 0 and are too unsure to name a driver (the page says so with their intervals; the brief has none)."""
    said = unit_driver(per_unit, code)
    if band is not None and said != "–" and round(float(band["p05"])) == round(float(band["p95"])):
        return "platsen ändras sällan"
    return said


def sensitivity_unit_table(
    result: ix.SensitivityResult, codes: Sequence[str], names: Mapping[str, str], label: str = "Stadsdel"
) -> pd.DataFrame:
    """The units of the brief's ranking (`codes`, in its order): the place with the index's own choices, the places in
    90 % of the runs (5–95 %) and the assumption the place depends on most; "–" where the analysis has none."""
    bands = result.bands.set_index("area_code")
    rows = []
    for code in codes:
        band = bands.loc[code].to_dict() if code in bands.index else None
        rows.append(
            {
                label: names.get(code, code),
                "Plats": "–" if band is None else str(int(round(float(band["nominal_rank"])))),
                BAND_HEADER: "–" if band is None else _band_text(band),
                DRIVER_HEADER: _driver_cell(result.per_unit, code, band),
            }
        )
    return pd.DataFrame(rows, columns=[label, "Plats", BAND_HEADER, DRIVER_HEADER])


def sensitivity_block(
    result: ix.SensitivityResult | None,
    codes: Sequence[str],
    names: Mapping[str, str],
    level: str = "stadsdel",
    label: str = "Stadsdel",
) -> SensitivityBlock:
    """The section as printed: without a result, the one line saying where to run the analysis."""
    if result is None:
        return SensitivityBlock((sensitivity_missing(level),))
    units = sensitivity_unit_table(result, codes, names, label)
    units_note = (
        "För varje plats i rangordningen: platsen med indexets egna val (1 = högst risk), platserna i 90 % av "
        "körningarna och det modellval platsen främst beror på, med dess totalindex."
    )
    if (units[DRIVER_HEADER] == "–").any():
        units_note += " – = saknar index i någon körning (täckningskravet), så platsen kan inte delas upp."
    return SensitivityBlock(
        lines=(varied_line(result.settings), sensitivity_texts.overall_sentence(result.overall, result.mean_shift)),
        overall=overall_index_table(result.overall),
        overall_note=OVERALL_NOTE,
        units=units,
        units_note=units_note,
    )
