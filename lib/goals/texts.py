"""Follow-up texts in the style of Stratsys: per delmål and nämnd, per period (tertial 1, tertial 2,
verksamhetsberättelse) and year, an *analys* of how it is going and the *åtgärder* the nämnd takes.

The rules for what may be stored live here, pure, so the database write (`lib.db.followup`), the page and the
tests apply the same ones; the ILS underlag takes each delmål's latest text from `latest_texts`.
"""

from __future__ import annotations

import pandas as pd

from lib.goals.model import GoalTree

#: The periods of a year's follow-up, in order (the key stored, the Swedish label shown).
PERIODS = {"T1": "Tertial 1", "T2": "Tertial 2", "VB": "Verksamhetsberättelse"}
#: Longest analys or åtgärder text: room for a tertialrapport's paragraph, not a document.
TEXT_MAX = 4000
#: The columns of a stored text, as `lib.db.goal_followups` returns them.
COLUMNS = ["goal_id", "body", "year", "period", "analysis", "actions", "editor", "updated_at", "version"]


def text_problems(
    tree: GoalTree, goal_id: str, body: str, year: int, period: str, analysis: str, actions: str
) -> list[str]:
    """Every reason (in Swedish) the text cannot be stored; empty when it can. All faults at once, so the editor
    fixes them in one go."""
    problems = []
    nodes = tree.nodes.set_index("id")
    if goal_id not in nodes.index or nodes.loc[goal_id, "level"] != "delmål":
        problems.append(f"{goal_id} är inget delmål i målträdet.")
    elif body not in followup_bodies(tree, goal_id):
        problems.append("Nämnden är varken ansvarig för eller berörd av delmålet.")
    if period not in PERIODS:
        problems.append(f"Okänd period {period!r}: välj {', '.join(PERIODS.values())}.")
    if not 2000 <= int(year) <= 2100:
        problems.append(f"Året {year} är inte rimligt.")
    for label, text in (("Analysen", analysis), ("Åtgärderna", actions)):
        if len(text) > TEXT_MAX:
            problems.append(f"{label} är {len(text)} tecken; högst {TEXT_MAX} tecken får plats.")
    if not analysis.strip() and not actions.strip():
        problems.append("Skriv en analys eller åtgärder innan du sparar.")
    return problems


def followup_bodies(tree: GoalTree, goal_id: str) -> dict[str, str]:
    """The nämnder that write about a delmål (id → name, in the tree's order): every body that is ansvarig or
    berörd, with a group (e.g. "stadsdelsnämnderna i programmet") replaced by its members, since each nämnd
    writes its own follow-up."""
    names = tree.bodies.set_index("id")
    named = tree.responsibility.loc[tree.responsibility["node_id"] == goal_id, "body_id"]
    out: dict[str, str] = {}
    for body in named:
        if body not in names.index:
            continue
        members = [m for m in str(names.loc[body, "members"] or "").split(",") if m.strip()]
        members = [m.strip() for m in members if m.strip() in names.index]
        for one in members if names.loc[body, "kind"] == "grupp" and members else [body]:
            out.setdefault(one, str(names.loc[one, "name"]))
    return out


def latest_texts(texts: pd.DataFrame, body_ids: set[str]) -> pd.DataFrame:
    """Per delmål, the text of the latest period written by one of `body_ids` (verksamhetsberättelse before
    tertial 2 before tertial 1), with the period's label: what the ILS underlag of a year shows."""
    mine = texts[texts["body"].isin(body_ids)] if len(texts) else pd.DataFrame(columns=COLUMNS)
    if mine.empty:
        return pd.DataFrame(columns=["goal_id", "period_label", "analysis", "actions"])
    order = {p: i for i, p in enumerate(PERIODS)}
    mine = mine.assign(rank=mine["period"].map(order)).sort_values(["goal_id", "rank", "updated_at"])
    last = mine.groupby("goal_id", as_index=False).tail(1)
    return last.assign(period_label=last["period"].map(PERIODS))[["goal_id", "period_label", "analysis", "actions"]]
