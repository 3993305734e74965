"""The Presentera slides' figures and sentences: the programme's highest risks, the ranking with its uncertainty,
one stadsdel's domain scores and the goals at a glance, each with the marking of what it rests on.

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


def top_ranked(scores: pd.DataFrame, n: int) -> list[str]:
    """The codes of the `n` highest ranked units, as the ranking slide's table lists them."""
    return scores.dropna(subset=["rank"]).sort_values("rank")["area_code"].head(n).tolist()


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
    activities = f"Aktiviteter: **{prog['activities_done']} av {prog['activities']}** klara."
    return counts, activities


# --- Markings: what a slide's numbers rest on, said next to them -------------------------------------------------

SYNTHETIC = "Syntetiska värden (modellerade) – inte statistik"
ILLUSTRATIVE_GOALS = "Illustrativa mål"


def series_origin(
    values: pd.DataFrame, codes: Iterable[str], indicators: Iterable[str], years: Iterable[int]
) -> pd.DataFrame:
    """How many of the stored values (long: area_code, indicator_code, year, value, synthetic) of `indicators` in
    `years` for the units `codes` are synthetic, per unit (area_code, used, synthetic) – the same shape as the
    index's value origin, so a slide that shows both can add them up."""
    sub = values[
        values["area_code"].isin(set(codes))
        & values["indicator_code"].isin(set(indicators))
        & values["year"].isin(set(years))
        & values["value"].notna()
    ]
    counts = sub.assign(synthetic=sub["synthetic"].astype(bool)).groupby("area_code")["synthetic"]
    out = counts.agg(used="size", synthetic="sum").reset_index()
    return out.astype({"used": int, "synthetic": int})


def synthetic_marking(origins: Iterable[pd.DataFrame], codes: Iterable[str]) -> str | None:
    """The caption a slide shows next to its numbers when any value behind them, for the units `codes`, is
    synthetic (`origins`: frames of area_code, used, synthetic); None when all of them are real. Why counted, not
    a fixed sentence: a database with real values for these units must not be called modelled."""
    wanted = set(codes)
    frames = [o[o["area_code"].isin(wanted)] for o in origins]
    used = sum(int(f["used"].sum()) for f in frames)
    synthetic = sum(int(f["synthetic"].sum()) for f in frames)
    if not synthetic:
        return None
    return f"{SYNTHETIC}: {number(synthetic, 0)} av {number(used, 0)} värden bakom siffrorna är modellerade."


def goals_marking(nodes: pd.DataFrame) -> str | None:
    """The caption of the goals slide when delmål targets are examples rather than the programme's (a node that
    is illustrative, or whose target is listed as an illustrative part); None when every target is known."""
    delmal = nodes[nodes["level"] == "delmål"]
    invented = sum("target" in goals.illustrative_parts(n) for _, n in delmal.iterrows())
    if not invented:
        return None
    return (
        f"{ILLUSTRATIVE_GOALS}: {invented} av {len(delmal)} delmåls målvärden är exempel tills programmets egna "
        "läses in."
    )
