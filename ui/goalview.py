"""The follow-up page's Streamlit parts: its two charts, the text of the rules and the panel of one chosen goal.

The tables behind them come from `lib.goals.followup`; what is left here is how they are drawn.
"""

from __future__ import annotations

import altair as alt
import pandas as pd
import streamlit as st

from lib import goals
from lib.config import BASELINE_YEAR
from lib.goals.followup import LEVEL_LABELS
from ui import wording

OUTCOME_SERIES = ["Utfall", "Årsmål"]
#: Marks a line whose content is an example, as the page shows it.
MARKER = " :orange[(illustrativt)]"


def rules_text(tolerance: int, strong: int, window: int) -> str:
    """The attainment rules in Swedish with the thresholds chosen on the page (in per cent and measurements)."""
    icon = goals.STATUS_ICON
    return f"""
* **{icon[goals.HELT]} Helt uppfyllt** – utfallet når årsmålet. Före slutåret {goals.FINAL_YEAR} räcker det
  också att utfallet går åt rätt håll med minst {strong} % per år (över de senaste {window} mätningarna);
  **slutåret {goals.FINAL_YEAR} och senare krävs att målvärdet nås** – en god trend räcker då bara till delvis.
* **{icon[goals.DELVIS]} Delvis uppfyllt** – går åt rätt håll men långsammare (från {goals.FINAL_YEAR}: åt rätt
  håll men målvärdet är inte nått), eller ligger inom {tolerance} % från årsmålet.
* **{icon[goals.EJ]} Ej uppfyllt** – annars. **{icon[goals.EJ_BEDOMD]} Ej bedömd** – utfall
  eller mål saknas.
* Mål, målområden och programmet: alla delar helt → helt; alla ej → ej; annars delvis (ett enda *ej* håller alltså
  målet på högst *delvis*). Delar som inte kan bedömas räknas inte.
* Årsmålen går linjärt från basåret {BASELINE_YEAR} till målvärdet {goals.FINAL_YEAR}; därefter är årsmålet
  målvärdet.
"""


def status_bar(summary: pd.DataFrame) -> alt.LayerChart:
    """One normalised stacked bar per level (målområden, mål, delmål) with the count on each segment; the
    statuses keep their colours and order whichever occur. `summary` is `followup.status_counts`."""
    domain = [f"{goals.STATUS_ICON[s]} {s}" for s in goals.STATUSES]
    order = list(LEVEL_LABELS.values())
    bar = (
        alt.Chart(summary)
        .mark_bar(height=24)
        .encode(
            y=alt.Y("nivå:N", sort=order, title=None, axis=alt.Axis(labelFontSize=14, labelOverlap=False)),
            x=alt.X("antal:Q", stack="normalize", axis=None),
            color=alt.Color(
                "status:N",
                scale=alt.Scale(domain=domain, range=[goals.STATUS_COLOUR[s] for s in goals.STATUSES]),
                legend=alt.Legend(orient="top", title=None, labelFontSize=14),
            ),
            order=alt.Order("ordning:N"),
            tooltip=["nivå", "status", "antal"],
        )
    )
    labels = (
        alt.Chart(summary)
        .mark_text(color="white", fontSize=14, fontWeight="bold")
        .encode(
            y=alt.Y("nivå:N", sort=order),
            x=alt.X("antal:Q", stack="normalize", bandPosition=0.5),
            detail="status:N",
            order=alt.Order("ordning:N"),
            text="antal:Q",
        )
    )
    return (bar + labels).properties(height=130)


def outcome_chart(both: pd.DataFrame, unit: str, title: str) -> alt.Chart:
    """Outcomes as a solid line and the årsmål path as a dashed one (`followup.outcome_and_targets`)."""
    return (
        alt.Chart(both)
        .mark_line(point=True, strokeWidth=3)
        .encode(
            x=alt.X("year:O", title=None, axis=alt.Axis(labelAngle=0, labelFontSize=13)),
            y=alt.Y("value:Q", title=unit, scale=alt.Scale(zero=False)),
            color=alt.Color(
                "serie:N",
                scale=alt.Scale(domain=OUTCOME_SERIES, range=["#1f4e8c", "#e08214"]),
                legend=alt.Legend(orient="top", title=None, labelFontSize=14),
            ),
            strokeDash=alt.StrokeDash(
                "serie:N", scale=alt.Scale(domain=OUTCOME_SERIES, range=[[1, 0], [6, 4]]), legend=None
            ),
            tooltip=["serie", "year", alt.Tooltip("value:Q", format=".1f")],
        )
        .properties(height=260, title=title)
    )


def node_heading(tree: goals.GoalTree, node_id: str, status: str) -> None:
    """The chosen node's title, level, status, what of it is invented, its source and note, and the goal it
    hangs under with its bodies (each marked when it is an example)."""
    nodes = tree.nodes.set_index("id")
    node = nodes.loc[node_id]
    parts = goals.illustrative_parts(node)  # every part of an illustrative node
    st.subheader(f"{goals.STATUS_ICON[status]} {node['text']}")
    badges = [f"**{node['level'].capitalize()}** · {status}"]
    if node["illustrative"]:
        badges.append(":orange[**illustrativt exempel**]")
    elif parts:
        badges.append(f":orange[**illustrativt: {goals.parts_label(parts)}**]")
    if pd.notna(node["source"]):
        badges.append(f"källa: {node['source']}")
    st.markdown(" · ".join(badges))
    if isinstance(node["note"], str) and node["note"].strip():
        st.caption(node["note"])
    lines = []
    if isinstance(node["parent"], str) and node["parent"] in nodes.index and node["level"] != "målområde":
        above = nodes.loc[node["parent"]]
        lines.append(
            f"**Under:** {node['parent']} – {above['text']}"
            + (MARKER if "parent" in parts or above["illustrative"] else "")
        )
    named = goals.followup.roles(tree, node_id)
    if named is not None:
        lines.append(f"**Ansvarig:** {named[0]}" + (MARKER if "ansvarig" in parts else ""))
        lines.append(f"**Berörda:** {named[1]}" + (MARKER if "berörda" in parts else ""))
    if lines:
        st.markdown("  \n".join(lines))


def indicator_table(view: pd.DataFrame) -> None:
    """The assessed indicators (`followup.indicator_table`) with numbers in the reader's locale."""
    st.dataframe(
        view,
        hide_index=True,
        width="stretch",
        column_config=wording.number_columns(view)
        | {"Trend per år": st.column_config.NumberColumn(format="%.1f %%", help="Relativ förändring per år")},
    )
