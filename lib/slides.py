"""The Presentera slides' figures and sentences: the programme's highest risks, the ranking with its uncertainty,
one stadsdel's domain scores and the goals at a glance.

Why apart from the page: the slides say in large type what other pages show in detail, and what they say (which
five, which ten, which counts) is tested here rather than read off a screen."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import pandas as pd

from lib import goals
from lib.fmt import number


def programme_scores(scores: pd.DataFrame, programme_codes: Iterable[str]) -> pd.Series:
    """The composite of the programme's stadsdelar, indexed by code in code order."""
    return scores.set_index("area_code")["composite"].loc[sorted(set(programme_codes))]


def top_list(shown: pd.Series, names: Mapping[str, str], n: int = 5) -> str:
    """A numbered Markdown list of the `n` highest scores by name."""
    top = shown.sort_values(ascending=False).head(n)
    return "\n".join(f"{i}. {names[c]}" for i, c in enumerate(top.index, 1))


def weight_line(domain_names: Mapping[str, str], domain_weights: pd.Series) -> str:
    """ "Vikter: Sociala risker 25 % · …" in the order of `domain_weights` (domain code → share)."""
    shares = " · ".join(f"{domain_names[d]} {number(100 * w, 0)} %" for d, w in domain_weights.items())
    return f"Vikter: {shares}"


def ranking_slide(scores: pd.DataFrame, robust: pd.DataFrame, names: Mapping[str, str], n: int = 10) -> tuple[str, str]:
    """The top `n` as a Markdown table (rank, name, index, the rank in 90 % of the weightings) and the sentence on
    how often the five highest stay among the five."""
    table = scores.merge(robust, on="area_code").dropna(subset=["rank"]).sort_values("rank").head(n)
    rows = ["| Plats | Stadsdel | Index | Plats i 90 % av 1 000 viktningar |", "|---:|:---|---:|:---|"]
    rows += [
        f"| {int(r.rank)} | {names[r.area_code]} | {number(r.composite, 0)} | {int(r.rank_p05)}–{int(r.rank_p95)} |"
        for r in table.itertuples()
    ]
    stays = (
        f"De fem högsta ligger kvar bland de fem i minst **{number(100 * table.head(5)['share_top_5'].min(), 0)} %** "
        "av dragningarna."
    )
    return "\n".join(rows), stays


def domain_scores(row: pd.Series, domain_weights: pd.Series, domain_names: Mapping[str, str]) -> pd.DataFrame:
    """One unit's domain scores (område, poäng) in the order of the index's domains."""
    return pd.DataFrame(
        {
            "område": [domain_names[d] for d in domain_weights.index],
            "poäng": [row[f"domain_{d}"] for d in domain_weights.index],
        }
    )


def goal_lines(evaluation: pd.DataFrame) -> tuple[str, str]:
    """Two sentences on an evaluated goal tree (indexed by id, with the programme as "P"): how many delmål have
    each status, and how many activities are done."""
    delmal = evaluation[evaluation["level"] == "delmål"]["status"].value_counts()
    counts = "Delmålen: " + " · ".join(
        f"{goals.STATUS_ICON[s]} {s}: **{int(delmal.get(s, 0))}**" for s in goals.STATUSES
    )
    prog = evaluation.loc["P"]
    activities = (
        f"Aktiviteter: **{prog['activities_done']} av {prog['activities']}** klara. Målvärdena är "
        "illustrativa tills programmets egna läses in."
    )
    return counts, activities
