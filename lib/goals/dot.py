"""The goal tree as Graphviz DOT text, with each node's status as icon and word and its invented parts named."""

from __future__ import annotations

import textwrap

import pandas as pd

from lib.goals.model import DOT_PARTS, GoalTree, illustrative_parts
from lib.goals.status import EJ_BEDOMD, STATUS_COLOUR, STATUS_ICON


def dot_string(text: str) -> str:
    """`text` as a quoted DOT string that is only ever a label: backslashes and quotes are escaped (so neither
    Graphviz's own escapes such as \\N nor a quote can end the string early and add attributes or nodes), and
    line breaks become DOT's centred line break."""
    lines = str(text).replace("\r\n", "\n").replace("\r", "\n").split("\n")
    return '"' + "\\n".join(line.replace("\\", "\\\\").replace('"', '\\"') for line in lines) + '"'


def to_dot(
    tree: GoalTree,
    evaluation: pd.DataFrame,
    highlight: set[str] | None = None,
    selected: str | None = None,
    wrap: int = 26,
) -> str:
    """The tree as Graphviz DOT, left to right, each node with its status as icon and word (not colour alone).
    Nodes outside `highlight` (e.g. another body's delmål) are drawn faint. An illustrative node says
    "(illustrativt)"; a known node lists its illustrative parts, and a dashed edge leads to it when its placement
    is one of them."""
    status = evaluation.set_index("id")["status"].to_dict()
    lines = [
        "digraph G {",
        'rankdir=LR; nodesep=0.12; ranksep=0.35; bgcolor="transparent";',
        'node [shape=box, style="rounded,filled", fontname="Helvetica", fontsize=11, margin="0.08,0.04"];',
        'edge [color="#9aa0a6", arrowsize=0.5];',
    ]
    for n in tree.nodes.itertuples():
        s = status.get(n.id, EJ_BEDOMD)
        label = [textwrap.fill(str(n.short if isinstance(n.short, str) and n.short else n.text), wrap)]
        parts = () if n.illustrative else illustrative_parts(n)  # the parts of a node that is otherwise known
        if n.illustrative:
            label.append("(illustrativt)")
        elif parts:
            label.append("(illustrativt: " + ", ".join(DOT_PARTS[p] for p in parts) + ")")
        label.append(f"{STATUS_ICON[s]} {s}")
        faint = highlight is not None and n.level == "delmål" and n.id not in highlight
        fill = "#f4f5f7" if faint else "#ffffff"
        colour = "#c9ccd1" if faint else STATUS_COLOUR[s]
        width = 3 if n.id == selected else 1.6
        text = dot_string("\n".join(label))
        lines.append(
            f'{dot_string(n.id)} [label={text}, color="{colour}", fillcolor="{fill}", '
            f'penwidth={width}, fontcolor="{"#9aa0a6" if faint else "#111111"}"];'
        )
        if isinstance(n.parent, str) and n.parent:
            dashed = " [style=dashed]" if "parent" in parts else ""
            lines.append(f"{dot_string(n.parent)} -> {dot_string(n.id)}{dashed};")
    lines.append("}")
    return "\n".join(lines)
