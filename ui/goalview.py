"""The follow-up page's Streamlit parts: its two charts, the text of the rules and the panel of one chosen goal.

The tables behind them come from `lib.goals.followup`; what is left here is how they are drawn.
"""

from __future__ import annotations

from collections.abc import Sequence

import altair as alt
import pandas as pd
import streamlit as st

from lib import charts, goals
from lib.config import BASELINE_YEAR, YEARS
from lib.goals.followup import LEVEL_LABELS
from ui import readers, streamlit_compat, tables

OUTCOME_SERIES = ["Utfall", "Årsmål"]
#: Marks a line whose content is an example, as the page shows it.
MARKER = " :orange[(illustrativt)]"


@st.cache_data(show_spinner=False, max_entries=64)
def assessment(place: str, year: int, tolerance: int, strong: int, window: int) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Every delmål indicator's assessment and every node's status for the outcomes of `place` in `year` under the
    rules as the page's sliders give them (percent) – the same for every visitor with these choices, so computed
    once; `ui.results.data_changed` drops it when values or the goal tree are replaced."""
    tree = readers.goal_tree()
    rules = goals.Rules(tolerance=tolerance / 100, strong_trend=strong / 100, window=window)
    rows = goals.indicator_assessment(tree, readers.goal_outcomes(place), year, list(YEARS), rules)
    return rows, goals.evaluate(tree, rows)


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


@st.cache_data(show_spinner=False, max_entries=64)
def status_bar_spec(summary: pd.DataFrame) -> dict:
    """`status_bar` as the spec `st.altair_chart` would send, built once per set of counts: assembling and
    validating the Altair layers was a tenth of every rerun of Mål och uppföljning."""
    return streamlit_compat.altair_spec(status_bar(summary))


def status_bar(summary: pd.DataFrame) -> alt.LayerChart | alt.FacetChart:
    """One normalised stacked bar per level (målområden, mål, delmål) with the count on each segment; the
    statuses keep their colours and order whichever occur. `summary` is `followup.status_counts`."""
    domain = [f"{goals.STATUS_ICON[s]} {s}" for s in goals.STATUSES]
    colours = [goals.STATUS_COLOUR[s] for s in goals.STATUSES]
    return charts.goal_status_bar(summary, list(LEVEL_LABELS.values()), domain, colours)


def outcome_chart(both: pd.DataFrame, unit: str, title: str, decimals: int = 1) -> alt.Chart:
    """Outcomes as a solid line and the årsmål path as a dashed one (`followup.outcome_and_targets`), values in
    the indicator's own decimals."""
    return charts.goal_outcome(both, unit, title, decimals, OUTCOME_SERIES)


@st.cache_data(show_spinner=False, max_entries=64)
def outcome_chart_spec(both: pd.DataFrame, unit: str, title: str, decimals: int = 1) -> dict:
    """`outcome_chart` as the spec `st.altair_chart` would send, built once per indicator, place and rules:
    assembling and validating the Altair chart was a large share of every rerun."""
    return streamlit_compat.altair_spec(outcome_chart(both, unit, title, decimals))


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


def indicator_table(view: pd.DataFrame, decimals: Sequence[int]) -> None:
    """The assessed indicators (`followup.indicator_table`), each row's values in its indicator's decimals and the
    trend as a signed per cent a year, in Swedish form in any browser."""
    st.dataframe(
        tables.goal_indicators_text(view, decimals),
        hide_index=True,
        width="stretch",
        column_config={
            "Delmål": st.column_config.TextColumn(width=60),
            "Bättre när": st.column_config.TextColumn("Bättre", help="Bättre när värdet är lägre eller högre"),
            "Målvärdet": st.column_config.TextColumn("Mål", help="Målvärdet: ur källan eller illustrativt"),
            "Trend per år": st.column_config.Column(
                "Trend/år", help="Relativ förändring per år över de senaste mätningarna"
            ),
        },
    )


def activity_table(acts: pd.DataFrame) -> None:
    """The activities (`followup.activity_table`): dates without a time, the budget in Swedish form, whether the
    activity is an example next to its name, and widths that fit 1280 px."""
    st.dataframe(
        tables.swedish_text(acts, {"Budget (mnkr)": 1}),
        hide_index=True,
        width="stretch",
        column_order=["Aktivitet", "Illustrativ", "Ansvarig", "Start", "Slut", "Status", "Budget (mnkr)"],
        column_config={
            "Aktivitet": st.column_config.TextColumn(pinned=True, width=325),
            "Illustrativ": st.column_config.CheckboxColumn(help="Aktiviteten är ett exempel", width=76),
            "Ansvarig": st.column_config.TextColumn(width=130),
            "Start": st.column_config.DateColumn(format="YYYY-MM-DD", width=82),
            "Slut": st.column_config.DateColumn(format="YYYY-MM-DD", width=82),
            "Status": st.column_config.TextColumn(width=72),
            "Budget (mnkr)": st.column_config.Column("Mnkr", help="Budget, miljoner kronor", width=52),
        },
    )
