"""What the follow-up page (Mål och uppföljning) shows, as plain tables: which nodes a filter keeps, the status
counts per level, a node's bodies and the tables of its indicators and activities.

They live here rather than in the page so the page only composes them, and so they can be tested without
Streamlit; Swedish column names are part of what they return because the page shows them as they are.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping

import pandas as pd

from lib.goals.model import GoalTree, ancestors, bodies_of, descendants, illustrative_parts
from lib.goals.status import STATUS_ICON, STATUSES, annual_targets

#: The id of the programme node the shipped tree and every installed one hang on; always kept in a view.
PROGRAMME_ID = "P"
#: The levels the summary counts, with the Swedish labels of its rows, in display order.
LEVEL_LABELS = {"målområde": "Målområden", "mål": "Mål", "delmål": "Delmål"}
DIRECTION_WORDS = {"lower": "lägre", "higher": "högre"}


def focus(tree: GoalTree, area_id: str | None = None, body_nodes: set[str] | None = None) -> set[str]:
    """The nodes a view keeps: one målområde and what lies below it, and/or a body's nodes with the goals above
    them, always with the programme node so the graph keeps its root."""
    keep = set(tree.nodes["id"])
    if area_id is not None:
        keep = descendants(tree, area_id) | {area_id, PROGRAMME_ID}
    if body_nodes is not None:
        keep &= set(body_nodes) | {a for d in body_nodes for a in ancestors(tree, d)} | {PROGRAMME_ID}
    return keep


def status_counts(tree: GoalTree, evaluation: pd.DataFrame, keep: Iterable[str]) -> pd.DataFrame:
    """How many kept målområden, mål and delmål have each status (nivå, status with its icon, antal, ordning), one
    row per level and status that occurs: the data of the page's stacked bar."""
    level_of = dict(zip(tree.nodes["id"], tree.nodes["level"], strict=True))
    status = dict(zip(evaluation["id"], evaluation["status"], strict=True))
    kept = list(keep)
    rows = []
    for level, label in LEVEL_LABELS.items():
        counts = Counter(status[n] for n in kept if level_of[n] == level)
        for s in STATUSES:
            if counts[s]:
                rows.append({"nivå": label, "status": f"{STATUS_ICON[s]} {s}", "antal": counts[s], "ordning": s})
    return pd.DataFrame(rows)


def node_label(nodes: pd.DataFrame, node_id: str) -> str:
    """ "D9 – Ekonomiskt bistånd": a node's id and its short text (its text when it has none), for a choice list.
    `nodes` is `GoalTree.nodes` indexed by id."""
    short = nodes.loc[node_id, "short"]
    return f"{node_id} – {short if pd.notna(short) else nodes.loc[node_id, 'text']}"


def roles(tree: GoalTree, node_id: str) -> tuple[str, str] | None:
    """The names of the node's ansvariga and berörda ("–" when none), or None when no body is named at all."""
    resp = tree.responsibility[tree.responsibility["node_id"] == node_id]
    if resp.empty:
        return None
    names = resp.assign(name=resp["body_id"].map(tree.bodies.set_index("id")["name"]))
    ansvarig = ", ".join(names.loc[names["role"] == "ansvarig", "name"]) or "–"
    berorda = ", ".join(names.loc[names["role"] == "berörd", "name"]) or "–"
    return ansvarig, berorda


def target_invented(nodes: pd.DataFrame, node_id: str) -> bool:
    """Whether the node's target is an example (its own or because the whole node is); `nodes` indexed by id."""
    return "target" in illustrative_parts(nodes.loc[node_id])


def indicator_table(
    rows: pd.DataFrame, nodes: pd.DataFrame, indicator_names: pd.Series | Mapping[str, str], baseline_year: int
) -> pd.DataFrame:
    """The assessed indicators (rows of `indicator_assessment`) as the page's table: Swedish columns, the values
    unrounded (the screen shows each in its own indicator's decimals), the trend in per cent a year, the status
    with its icon."""
    return pd.DataFrame(
        {
            "Delmål": rows["node_id"],
            "Indikator": rows["indicator_code"].map(indicator_names),
            "Bättre när": rows["direction"].map(DIRECTION_WORDS),
            f"Basvärde {baseline_year}": rows["baseline"],
            "Årsmål": rows["target"],
            "Utfall": rows["outcome"],
            "Mål 2020": rows["target_2020"],
            "Målvärdet": ["illustrativt" if target_invented(nodes, n) else "ur källan" for n in rows["node_id"]],
            "Trend per år": (100 * rows["trend"]).round(1),
            "Bedömning": [f"{STATUS_ICON[x]} {x}" for x in rows["status"]],
        }
    )


def outcome_and_targets(outcomes: pd.DataFrame, row: pd.Series, years: Iterable[int]) -> pd.DataFrame:
    """One indicator's outcomes and its årsmål path from the baseline (year, value, serie = Utfall | Årsmål), the
    data of the page's line chart; `row` is one row of `indicator_assessment`."""
    series = outcomes[outcomes["indicator_code"] == row["indicator_code"]][["year", "value"]].assign(serie="Utfall")
    goal_years = [y for y in years if y >= row["baseline_year"]]
    path = annual_targets(row["baseline"], int(row["baseline_year"]), row["target_2020"], goal_years)
    targets = pd.DataFrame({"year": [row["baseline_year"], *path], "value": [row["baseline"], *path.values()]}).assign(
        serie="Årsmål"
    )
    return pd.concat([series, targets], ignore_index=True)


def activity_table(tree: GoalTree, node_ids: Iterable[str], body_id: str | None = None) -> pd.DataFrame:
    """The activities under the given nodes (only the body's, and its groups', when a body is chosen) with
    Swedish columns; empty when there are none."""
    acts = tree.activities[tree.activities["node_id"].isin(set(node_ids))]
    if body_id:
        acts = acts[acts["body_id"].isin(bodies_of(tree, body_id))]
    if acts.empty:
        return pd.DataFrame()
    return pd.DataFrame(
        {
            "Aktivitet": acts["title"],
            "Ansvarig": acts["body_id"].map(tree.bodies.set_index("id")["name"]),
            "Start": acts["start"],
            "Slut": acts["end"],
            "Status": acts["status"],
            "Budget (mnkr)": acts["budget"],
            "Illustrativ": acts["illustrative"],
        }
    )
