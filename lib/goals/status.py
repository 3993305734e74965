"""How the programme's goals are judged: helt / delvis / ej uppfyllt by rules in the style of the city's ILS (the
tool's own rules, not the city's).

Årsmål between the baseline year and the 2020 target are interpolated linearly unless given; from the period's
final year (`FINAL_YEAR`, 2020) on, the årsmål is the 2020 target itself, never a line drawn past it. Rules
(thresholds in `Rules`, shown on the page):

* **ej bedömd** – no outcome for the year (nor an earlier one) or no target;
* **helt uppfyllt** – the outcome meets the årsmål; before the final year also when it moves the right way with a
  strong trend (at least `strong_trend` relative change a year over the last `window` measurements). In the final
  year (and after) only a met target is *helt*: a good trend that ends short of the goal is not the goal reached;
* **delvis uppfyllt** – moves the right way with a weaker trend, or lies within `tolerance` of the årsmål;
* **ej uppfyllt** – otherwise.

Roll-up (like the city's annual report): a goal whose parts are all *helt* is *helt*; all *ej* gives *ej*;
any other mix gives *delvis*, so a single *ej* holds the goal at most at *delvis*. Parts that are *ej bedömd*
do not count; if no part can be judged, neither can the goal.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd

from lib.goals.model import LEVELS, GoalTree, descendants

HELT, DELVIS, EJ, EJ_BEDOMD = "helt uppfyllt", "delvis uppfyllt", "ej uppfyllt", "ej bedömd"
STATUSES = (HELT, DELVIS, EJ, EJ_BEDOMD)
STATUS_ICON = {HELT: "✔", DELVIS: "◐", EJ: "✖", EJ_BEDOMD: "?"}
STATUS_COLOUR = {HELT: "#1a7f37", DELVIS: "#d4a017", EJ: "#c0392b", EJ_BEDOMD: "#9aa0a6"}
#: The last year of the programme's period: the year of its targets (`target_2020`).
FINAL_YEAR = 2020


@dataclass(frozen=True)
class Rules:
    """Thresholds of the attainment rules."""

    tolerance: float = 0.02  # within 2 % of the årsmål counts as delvis
    strong_trend: float = 0.02  # ≥ 2 % a year in the right direction counts as helt
    window: int = 3  # measurements the trend is taken over


def annual_targets(
    baseline: float,
    baseline_year: int,
    target_2020: float,
    years: Iterable[int],
    explicit: Mapping[int, float] | None = None,
) -> dict[int, float]:
    """Årsmål: explicit values where given, else linear from the baseline to the 2020 target, and the 2020 target
    itself after 2020 (the goal is to reach it and stay there; a line drawn on would invent a stricter goal)."""
    out = {}
    for year in years:
        if explicit and year in explicit:
            out[year] = float(explicit[year])
        elif year >= FINAL_YEAR:
            out[year] = float(target_2020)
        elif year > baseline_year:
            share = (year - baseline_year) / (2020 - baseline_year)
            out[year] = baseline + share * (target_2020 - baseline)
    return out


def trend(series: pd.Series, year: int, window: int) -> float:
    """Relative change a year over the last `window` measurements up to `year` (least squares), or NaN."""
    past = series[(series.index <= year) & series.notna()].sort_index().tail(window)
    if len(past) < 2:
        return float("nan")
    x = past.index.to_numpy(dtype=float)
    y = past.to_numpy(dtype=float)
    slope = np.polyfit(x, y, 1)[0]
    level = np.mean(y)
    return float(slope / level) if level else float("nan")


def assess(
    series: pd.Series,
    direction: str,
    target: float | None,
    year: int,
    rules: Rules = Rules(),
    final: bool = False,
) -> str:
    """The status of one indicator in `year` (series: year → outcome). See the module doc for the rules.

    `final`: `year` is the period's final year (or later), when only a met target is *helt*: the trend rule then
    gives at most *delvis*, since a goal that was due and is missed is not fulfilled however fast it moves."""
    known = series[(series.index <= year) & series.notna()]
    if known.empty or target is None or not np.isfinite(target):
        return EJ_BEDOMD
    outcome = float(known.sort_index().iloc[-1])
    sign = 1.0 if direction == "higher" else -1.0
    if sign * (outcome - target) >= 0:
        return HELT
    change = trend(series, year, rules.window)
    if np.isfinite(change) and sign * change >= rules.strong_trend and not final:
        return HELT
    if np.isfinite(change) and sign * change > 0:
        return DELVIS
    if target and abs(outcome - target) / abs(target) <= rules.tolerance + 1e-12:  # on the edge counts as within
        return DELVIS
    return EJ


def roll_up(statuses: Iterable[str]) -> str:
    """A goal's status from its parts' (see the module doc)."""
    judged = [s for s in statuses if s != EJ_BEDOMD]
    if not judged:
        return EJ_BEDOMD
    if all(s == HELT for s in judged):
        return HELT
    if all(s == EJ for s in judged):
        return EJ
    return DELVIS


def indicator_assessment(
    tree: GoalTree, outcomes: pd.DataFrame, year: int, years: Iterable[int], rules: Rules = Rules()
) -> pd.DataFrame:
    """Per delmål indicator: baseline, årsmål and outcome for `year`, trend and status.

    `outcomes` (indicator_code, year, value) are for the area being followed up: the programme area,
    a stadsdelsområde or one stadsdel. Relative 2020 targets apply to that area's own baseline."""
    years = list(years)
    rows = []
    for spec in tree.indicators.itertuples():
        series = outcomes[outcomes["indicator_code"] == spec.indicator_code].set_index("year")["value"].sort_index()
        baseline = series.get(spec.baseline_year, np.nan)
        if spec.target_2020 is not None and np.isfinite(spec.target_2020):
            goal_2020 = float(spec.target_2020)
        elif spec.target_2020_change is not None and np.isfinite(spec.target_2020_change):
            goal_2020 = baseline * (1 + spec.target_2020_change)
        else:
            goal_2020 = np.nan
        explicit = tree.targets[
            (tree.targets["node_id"] == spec.node_id) & (tree.targets["indicator_code"] == spec.indicator_code)
        ].set_index("year")["target"]
        goals = (
            annual_targets(baseline, spec.baseline_year, goal_2020, years, explicit.to_dict())
            if np.isfinite(baseline)
            else {}
        )
        known = series[series.index <= year]
        outcome_year = int(known.index.max()) if len(known) else None
        target = goals.get(outcome_year) if outcome_year else None
        rows.append(
            {
                "node_id": spec.node_id,
                "indicator_code": spec.indicator_code,
                "direction": spec.direction,
                "baseline_year": spec.baseline_year,
                "baseline": baseline,
                "target_year": outcome_year,
                "target": target,
                "target_2020": goal_2020,
                "outcome_year": outcome_year,
                "outcome": float(known.iloc[-1]) if len(known) else np.nan,
                "trend": trend(series, year, rules.window),
                "status": assess(series, spec.direction, target, year, rules, final=year >= FINAL_YEAR),
            }
        )
    return pd.DataFrame(rows)


def evaluate(tree: GoalTree, indicator_rows: pd.DataFrame, today: dt.date | None = None) -> pd.DataFrame:
    """Status of every node, rolled up from its delmål's indicators, with status counts and the share of
    activities done (klar of those not cancelled) below it.

    Lookups by dictionary (the tree's children map, levels, activity counts per node): filtering the node and
    activity tables per node made it quadratic."""
    status: dict[str, str] = {}
    by_node = indicator_rows.groupby("node_id")["status"].apply(list).to_dict()
    levels = list(LEVELS)
    level_of = dict(zip(tree.nodes["id"], tree.nodes["level"], strict=True))
    order = tree.nodes.assign(depth=tree.nodes["level"].map(levels.index)).sort_values("depth", ascending=False)
    for node_id, level in zip(order["id"], order["level"], strict=True):
        kids = tree.children(node_id)
        parts = by_node.get(node_id, []) if level == "delmål" else [status[k] for k in kids if k in status]
        status[node_id] = roll_up(parts)
    live = tree.activities[tree.activities["status"] != "avbruten"]
    n_live = live.groupby("node_id").size().to_dict()
    n_done = live[live["status"] == "klar"].groupby("node_id").size().to_dict()
    rows = []
    for node_id, level in zip(tree.nodes["id"], tree.nodes["level"], strict=True):
        below = descendants(tree, node_id) | {node_id}
        delmal = [d for d in below if level_of[d] == "delmål"]
        counts = Counter(status[d] for d in delmal)
        mine = sum(int(n_live.get(b, 0)) for b in below)
        done = sum(int(n_done.get(b, 0)) for b in below)
        rows.append(
            {
                "id": node_id,
                "level": level,
                "status": status[node_id],
                "delmal": len(delmal),
                **{f"n_{s}": int(counts.get(s, 0)) for s in STATUSES},
                "activities": mine,
                "activities_done": done,
                "activities_done_share": done / mine if mine else np.nan,
            }
        )
    return pd.DataFrame(rows)
