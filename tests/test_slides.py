"""The Presentera slides' figures and sentences."""

from __future__ import annotations

import pandas as pd

from lib import goals, slides

NAMES = {"a": "Alby", "b": "Bredäng", "c": "Circus", "d": "Dal", "e": "Ek", "f": "Fors"}


def scores() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "area_code": list("abcdef"),
            "composite": [150.0, 140.0, 90.0, 130.0, 120.0, 110.0],
            "rank": [1.0, 2.0, None, 3.0, 4.0, 5.0],
            "domain_h": [160.0, 0, 0, 0, 0, 0],
            "domain_s": [140.0, 0, 0, 0, 0, 0],
        }
    )


def test_programme_scores_and_the_top_list():
    shown = slides.programme_scores(scores(), ["d", "a", "c"])
    assert shown.index.tolist() == ["a", "c", "d"]
    assert slides.top_list(shown, NAMES, n=2) == "1. Alby\n2. Dal"


def test_weight_line_and_domain_scores_follow_the_weights_order():
    weights = pd.Series({"s": 0.6, "h": 0.4})
    names = {"h": "Hälsa", "s": "Sociala risker"}
    assert slides.weight_line(names, weights) == "Vikter: Sociala risker 60 % · Hälsa 40 %"
    row = scores().set_index("area_code").loc["a"]
    frame = slides.domain_scores(row, weights, names)
    assert frame.to_dict("list") == {"område": ["Sociala risker", "Hälsa"], "poäng": [140.0, 160.0]}


def test_ranking_slide_leaves_out_the_unranked():
    robust = pd.DataFrame(
        {
            "area_code": list("abcdef"),
            "rank_p05": [1, 1, 3, 2, 3, 4],
            "rank_p95": [2, 3, 6, 4, 5, 6],
            "share_top_5": [1.0, 0.95, 0.1, 0.9, 0.855, 0.7],
        }
    )
    table, stays = slides.ranking_slide(scores(), robust, NAMES, n=3)
    lines = table.split("\n")
    assert len(lines) == 5 and lines[2] == "| 1 | Alby | 150 | 1–2 |" and lines[4] == "| 3 | Dal | 130 | 2–4 |"
    assert stays == "De fem högsta ligger kvar bland de fem i minst **90 %** av dragningarna."


def test_goal_lines_count_each_status():
    s = goals.STATUSES
    evaluation = pd.DataFrame(
        {
            "level": ["program", "delmål", "delmål", "delmål"],
            "status": [s[0], s[0], s[0], s[1]],
            "activities": [7, 0, 0, 0],
            "activities_done": [3, 0, 0, 0],
        },
        index=["P", "1.1", "1.2", "1.3"],
    )
    counts, activities = slides.goal_lines(evaluation)
    assert counts.startswith(
        f"Delmålen: {goals.STATUS_ICON[s[0]]} {s[0]}: **2** · {goals.STATUS_ICON[s[1]]} {s[1]}: **1**"
    )
    assert counts.count("**0**") == len(s) - 2
    assert activities.startswith("Aktiviteter: **3 av 7** klara.")
