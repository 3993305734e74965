"""The goal tree as tables, and the questions every view asks of it.

The tree is program → målområde → mål → delmål. Delmål carry responsible (`ansvarig`) and affected
(`berörda`) bodies and indicators with a baseline year and a 2020 target. A tree is only ever built by
`lib.goals.parsing.parse_tree` (or read back from the database, which stored a parsed tree), so the code here
trusts its tables.

What is invented is said so. `illustrative: true` marks a whole node as an example; a node known from the sources
can still have invented parts, listed in `illustrative_parts` (`PARTS`: its placement under a parent, ansvarig,
berörda, its target). The parts are stored in the goal_node column `illustrative_parts` (comma-separated keys);
read them with `illustrative_parts`.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from functools import cached_property
from typing import Any

import pandas as pd

from lib.problems import ProblemsError

LEVELS = ("program", "målområde", "mål", "delmål")
ACTIVITY_STATUSES = ("planerad", "pågår", "klar", "försenad", "avbruten")
BODY_KINDS = ("kommunstyrelsen", "stadsdelsnämnd", "facknämnd", "bolag", "grupp")
DIRECTIONS = ("lower", "higher")

#: Parts of a node that can be illustrative on their own, with the Swedish words the app shows for them.
PARTS = {
    "text": "texten",
    "parent": "placeringen under målet",
    "ansvarig": "ansvarig",
    "berörda": "berörda",
    "target": "målvärdet",
}
PART_ALIASES = {"berorda": "berörda", "berörd": "berörda", "malvarde": "target", "målvärde": "target"}
DOT_PARTS = {"text": "text", "parent": "placering", "ansvarig": "ansvarig", "berörda": "berörda", "target": "målvärde"}


class TreeError(ProblemsError):
    """A goal tree that cannot be used; `problems` lists every fault in Swedish."""

    heading = "Målträdet kan inte läsas in"


@dataclass(frozen=True)
class GoalTree:
    """The tree as tables: nodes, bodies, responsibility, indicators (with targets) and activities."""

    nodes: pd.DataFrame  # id, level, parent, text, short, illustrative, source, note, order
    bodies: pd.DataFrame  # id, name, kind, district, members (comma-separated)
    responsibility: pd.DataFrame  # node_id, body_id, role (ansvarig | berörd)
    indicators: pd.DataFrame  # node_id, indicator_code, direction, baseline_year, target_2020, target_2020_change
    targets: pd.DataFrame  # node_id, indicator_code, year, target (explicit årsmål)
    activities: pd.DataFrame  # id, node_id, body_id, district, title, start, end, status, budget, illustrative

    def children(self, node_id: str) -> list[str]:
        return list(self._children.get(node_id, ()))

    @cached_property
    def _children(self) -> dict[str, list[str]]:
        """Each node's children in the tree's order, built once per tree: the pages walk the tree on every rerun,
        and filtering the node table per call made each walk quadratic. A tree is never changed in place
        (`only` and the loaders make new ones), so the map cannot go stale."""
        out: dict[str, list[str]] = {}
        for node_id, parent in zip(self.nodes["id"], self.nodes["parent"], strict=True):
            out.setdefault(parent, []).append(node_id)
        return out

    def only(self, keep: Iterable[str]) -> GoalTree:
        """The same tree with only the nodes in `keep`: a view narrowed to one målområde or one body's goals keeps
        every body, indicator and activity, so what is shown still resolves its references."""
        return replace(self, nodes=self.nodes[self.nodes["id"].isin(set(keep))])


def _get(node: Any, key: str) -> Any:
    return node.get(key) if hasattr(node, "get") else getattr(node, key, None)


def illustrative_parts(node: Any) -> tuple[str, ...]:
    """The illustrative parts (`PARTS` keys, in order) of a node – a row of `GoalTree.nodes` as a Series or a
    named tuple: all of them for an illustrative node, else those its goal file lists (plus its placement when its
    parent is illustrative)."""
    if bool(_get(node, "illustrative")):
        return tuple(PARTS)
    listed = _get(node, "illustrative_parts")
    if not isinstance(listed, str):
        return ()
    keys = {p.strip() for p in listed.split(",")}
    return tuple(p for p in PARTS if p in keys)


def parts_label(parts: Iterable[str]) -> str:
    """Swedish words for illustrative parts: "placeringen under målet, berörda, målvärdet"."""
    return ", ".join(PARTS[p] for p in parts)


def descendants(tree: GoalTree, node_id: str) -> set[str]:
    """Every node below `node_id`."""
    out, todo = set(), [node_id]
    while todo:
        for child in tree.children(todo.pop()):
            if child not in out:
                out.add(child)
                todo.append(child)
    return out


def bodies_of(tree: GoalTree, body_id: str) -> set[str]:
    """The body and every group it belongs to (a stadsdelsnämnd answers for what 'stadsdelsnämnderna' do)."""
    groups = {b.id for b in tree.bodies.itertuples() if body_id in str(b.members or "").split(",")}
    return {body_id} | groups


def ancestors(tree: GoalTree, node_id: str) -> list[str]:
    """The chain of parents above `node_id`, nearest first."""
    parent_of = {i: p for i, p in zip(tree.nodes["id"], tree.nodes["parent"], strict=True) if isinstance(p, str)}
    out, node = [], parent_of.get(node_id)
    while node:
        out.append(node)
        node = parent_of.get(node)
    return out


def nodes_for_body(tree: GoalTree, body_id: str, role: str | None = None) -> set[str]:
    """Delmål (and other nodes) where the body, or a group it is part of, is responsible or affected."""
    resp = tree.responsibility[tree.responsibility["body_id"].isin(bodies_of(tree, body_id))]
    if role:
        resp = resp[resp["role"] == role]
    return set(resp["node_id"])
