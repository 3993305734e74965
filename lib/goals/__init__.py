"""The programme's goal tree and how its goals are judged (helt / delvis / ej uppfyllt by rules in the style of the
city's ILS – the tool's own rules, not the city's).

A package by concept, so each question has one file to open:

- `model`: the tree as tables (`GoalTree`), `TreeError`, the levels and illustrative parts, and the walks over
  the tree (descendants, ancestors, a body's nodes);
- `parsing`: `parse_tree`, which reads a tree as read from YAML and lists every fault in Swedish;
- `checks`: the checks that need the whole tree (placement, cycles, the stadsdelsnämnd rule);
- `status`: the rules – årsmål, trend, `assess`, `roll_up`, `indicator_assessment`, `evaluate`;
- `ils`: the ILS underlag of one body;
- `dot`: the tree as Graphviz text;
- `followup`: the tables the follow-up page shows.

Everything here is pure. A goal file's text is read (bounded) and checked by one function,
`lib.db.goaltrees.check_goal_text`, which every way a tree arrives goes through. Callers keep using
`from lib import goals` and `goals.name(...)`: the public names are re-exported here.
"""

from __future__ import annotations

from lib.goals import checks, dot, followup, ils, model, parsing, status
from lib.goals.checks import SDN_DELMAL_INDICATOR, SDN_DELMAL_PHRASE
from lib.goals.dot import dot_string, to_dot
from lib.goals.ils import ils_underlag
from lib.goals.model import (
    ACTIVITY_STATUSES,
    BODY_KINDS,
    DIRECTIONS,
    DOT_PARTS,
    LEVELS,
    PART_ALIASES,
    PARTS,
    GoalTree,
    TreeError,
    ancestors,
    bodies_of,
    descendants,
    illustrative_parts,
    nodes_for_body,
    parts_label,
)
from lib.goals.parsing import ID_PATTERN, ID_RULE, MAX_ACTIVITIES, MAX_BODIES, MAX_NODES, parse_tree
from lib.goals.status import (
    DELVIS,
    EJ,
    EJ_BEDOMD,
    FINAL_YEAR,
    HELT,
    STATUS_COLOUR,
    STATUS_ICON,
    STATUSES,
    Rules,
    annual_targets,
    assess,
    evaluate,
    indicator_assessment,
    roll_up,
    trend,
)

__all__ = [
    "ACTIVITY_STATUSES",
    "BODY_KINDS",
    "DELVIS",
    "DIRECTIONS",
    "DOT_PARTS",
    "EJ",
    "EJ_BEDOMD",
    "FINAL_YEAR",
    "HELT",
    "ID_PATTERN",
    "ID_RULE",
    "LEVELS",
    "MAX_ACTIVITIES",
    "MAX_BODIES",
    "MAX_NODES",
    "PARTS",
    "PART_ALIASES",
    "SDN_DELMAL_INDICATOR",
    "SDN_DELMAL_PHRASE",
    "STATUSES",
    "STATUS_COLOUR",
    "STATUS_ICON",
    "GoalTree",
    "Rules",
    "TreeError",
    "ancestors",
    "annual_targets",
    "assess",
    "bodies_of",
    "checks",
    "descendants",
    "dot",
    "dot_string",
    "evaluate",
    "followup",
    "illustrative_parts",
    "ils",
    "ils_underlag",
    "indicator_assessment",
    "model",
    "nodes_for_body",
    "parse_tree",
    "parsing",
    "parts_label",
    "roll_up",
    "status",
    "to_dot",
    "trend",
]
