"""The printed tables and lines of the briefs: the ranking, the goals, the allocation, a stadsdel's indicators, its
published figures and its nämnd's plan, each as plain strings in Swedish form (numbers, dates without times) so
the layout (`lib/brief_pages.py`) only places them.

Why apart from `lib/briefs.py`: that module decides what a brief contains; this one how each table reads on paper.
"""

from __future__ import annotations

import textwrap
from collections.abc import Mapping
from urllib.parse import urlsplit

import pandas as pd

from lib import allocation, goals, levels, provenance, reference
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
