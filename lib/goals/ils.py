"""The ILS underlag: one body's delmål, indicators, outcomes and activities as a table to paste into a
verksamhetsplan or tertialrapport, with everything invented marked as such, the rule each status was judged by
and the body's latest follow-up text (analys, åtgärder) per delmål."""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from lib.goals.model import GoalTree, bodies_of, illustrative_parts, nodes_for_body, parts_label
from lib.goals.status import FINAL_YEAR
from lib.goals.texts import latest_texts


def rule_used(year: int) -> str:
    """The rule a status of `year` was judged by, in words: the trend counts before the final year, not in it."""
    if year >= FINAL_YEAR:
        return f"slutår {FINAL_YEAR} eller senare: helt uppfyllt kräver att målvärdet nås"
    return f"före slutåret {FINAL_YEAR}: helt uppfyllt när årsmålet nås eller trenden är stark"


def ils_underlag(
    tree: GoalTree,
    rows: pd.DataFrame,
    body_id: str,
    indicator_names: Mapping[str, str],
    year: int,
    texts: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """One row per delmål indicator the body answers for or is affected by, with its activities: ready to paste
    into a verksamhetsplan or tertialrapport. Whatever is invented says "illustrativt": the goal above, the body's
    role, the activities, and in the column Illustrativt the whole delmål ("ja") or the parts that are.

    `texts` are the year's follow-up texts (`lib.db.goal_followups`); the columns Period, Analys and Åtgärder hold
    the body's latest of them per delmål (empty when none is written)."""
    nodes = tree.nodes.set_index("id")
    involved = nodes_for_body(tree, body_id)
    roles = tree.responsibility[tree.responsibility["body_id"].isin(bodies_of(tree, body_id))]
    role_part = {"ansvarig": "ansvarig", "berörd": "berörda"}
    written = latest_texts(texts if texts is not None else pd.DataFrame(), {body_id}).set_index("goal_id")
    out = []
    for r in rows[rows["node_id"].isin(involved)].itertuples():
        node = nodes.loc[r.node_id]
        parts = illustrative_parts(node)
        acts = tree.activities[(tree.activities["node_id"] == r.node_id)]
        acts = acts[acts["body_id"].isin(bodies_of(tree, body_id))]
        parent = nodes.loc[node["parent"]] if node["parent"] in nodes.index else None
        mine = sorted(set(roles.loc[roles["node_id"] == r.node_id, "role"]))
        out.append(
            {
                "Mål": ""
                if parent is None
                else parent["text"] + (" (illustrativt)" if parent["illustrative"] or "parent" in parts else ""),
                "Delmål": node["text"],
                "Roll": ", ".join(
                    role + (" (illustrativt)" if role_part.get(role) in parts and not node["illustrative"] else "")
                    for role in mine
                ),
                "Indikator": indicator_names.get(r.indicator_code, r.indicator_code),
                f"Basvärde ({r.baseline_year})": r.baseline,
                f"Årsmål {year}": r.target,
                f"Utfall {year}": r.outcome,
                "Utfallsår": r.outcome_year,
                "Bedömning": r.status,
                "Bedömningsregel": rule_used(year),
                "Aktiviteter": "; ".join(
                    f"{a.title} ({a.status}{', illustrativ' if a.illustrative else ''})" for a in acts.itertuples()
                ),
                "Illustrativt": "ja" if node["illustrative"] else (parts_label(parts) if parts else "nej"),
                "Period": written["period_label"].get(r.node_id, ""),
                "Analys": written["analysis"].get(r.node_id, ""),
                "Åtgärder": written["actions"].get(r.node_id, ""),
            }
        )
    return pd.DataFrame(out)
