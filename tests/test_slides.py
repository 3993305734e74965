"""The Presentera slides' figures and sentences."""

from __future__ import annotations

import pandas as pd
import pytest

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


def test_goal_lines_no_longer_claim_what_the_data_must_say():
    evaluation = pd.DataFrame(
        {"level": ["program"], "status": [goals.STATUSES[0]], "activities": [2], "activities_done": [1]}, index=["P"]
    )
    assert slides.goal_lines(evaluation)[1] == "Aktiviteter: **1 av 2** klara."


def long_values() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "area_code": ["a", "a", "a", "b", "b", "c"],
            "indicator_code": ["x", "y", "x", "x", "y", "x"],
            "year": [2020, 2020, 2019, 2020, 2020, 2020],
            "value": [1.0, 2.0, 3.0, None, 5.0, 6.0],
            "synthetic": [True, False, True, True, True, False],
        }
    )


def test_series_origin_counts_the_values_of_the_chosen_units_and_years():
    origin = slides.series_origin(long_values(), ["a", "b"], ["x", "y"], [2020])
    assert origin.to_dict("list") == {"area_code": ["a", "b"], "used": [2, 1], "synthetic": [1, 1]}


def test_synthetic_marking_adds_up_the_origins_of_the_shown_units():
    index_origin = pd.DataFrame({"area_code": ["a", "b", "c"], "used": [10, 10, 10], "synthetic": [8, 0, 10]})
    population = slides.series_origin(long_values(), ["a", "b"], ["y"], [2020])
    marking = slides.synthetic_marking([index_origin, population], ["a", "b"])
    assert marking == f"{slides.SYNTHETIC}: 9 av 22 värden bakom siffrorna är modellerade."
    assert slides.synthetic_marking([index_origin], ["b"]) is None  # only real values: no marking
    assert slides.synthetic_marking([index_origin.iloc[:0]], ["a"]) is None


def test_goals_marking_counts_the_invented_targets():
    nodes = pd.DataFrame(
        {
            "level": ["målområde", "delmål", "delmål", "delmål"],
            "illustrative": [True, False, True, False],
            "illustrative_parts": [None, "target", None, "ansvarig"],
        }
    )
    assert slides.goals_marking(nodes) == (
        f"{slides.ILLUSTRATIVE_GOALS}: 2 av 3 delmåls målvärden är exempel tills programmets egna läses in."
    )
    assert slides.goals_marking(nodes.assign(illustrative=False, illustrative_parts=None)) is None


def test_top_ranked_are_the_codes_of_the_ranking_table():
    assert slides.top_ranked(scores(), 3) == ["a", "b", "d"]


# --- The page (AppTest) ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize("number", [2, 3, 4, 5, 6])
def test_every_slide_with_synthetic_values_says_so(number):
    from test_pages import open_page

    from ui.slides import LABELS

    at = open_page("pages/present.py", present="1")
    at.segmented_control(key="bild").set_value(LABELS[number - 1]).run()
    assert not at.exception, [e.value for e in at.exception]
    captions = [c.value for c in at.caption]
    assert any(slides.SYNTHETIC in c for c in captions), captions
    assert any(slides.ILLUSTRATIVE_GOALS in c for c in captions) == (number == 5)


def test_the_step_keys_are_bound_and_step_round_the_ends():
    from test_pages import open_page

    from ui.slides import LABELS, STEPS

    at = open_page("pages/present.py", present="1")
    keys = {b.key: b.proto.shortcut for b in at.button}
    assert {keys[key] for key, *_ in STEPS} == {"left", "right", "pageup", "pagedown", "space"}
    at.button(key="nasta_pagedown").click().run()
    assert at.segmented_control(key="bild").value == LABELS[1]
    at.button(key="nasta_mellanslag").click().run()
    assert at.segmented_control(key="bild").value == LABELS[2]
    at.button(key="foregaende").click().run()
    at.button(key="foregaende_pageup").click().run()
    at.button(key="foregaende_pageup").click().run()
    assert at.segmented_control(key="bild").value == LABELS[-1]


def test_the_map_slide_labels_read_across_a_room():
    """The deck the map slide sends: its name labels are at least 16 px (the other maps keep 13 px)."""
    import json

    from test_mapview import labels_px
    from test_pages import open_page

    from lib.mapview import LABEL_LAYER_ID
    from ui.slides import LABELS

    at = open_page("pages/present.py", present="1")
    at.segmented_control(key="bild").set_value(LABELS[1]).run()
    deck = json.loads(at.get("deck_gl_json_chart")[0].proto.json)
    text = next(layer for layer in deck["layers"] if layer["id"] == LABEL_LAYER_ID)
    sizes = labels_px(text)  # (width, height) of each name, in pixels
    assert len(sizes) >= 10
    # the tallest name (capitals, an Å or a descender) stands over 16 px × 0,73 (the capitals' height)
    assert max(h for _, h in sizes) >= 16 * 0.73
