"""The goal tree: attainment rules as tables, roll-up, validation of a broken tree, and the shipped tree."""

from __future__ import annotations

import copy

import pandas as pd
import pytest
import yaml

from conftest import ROOT
from lib import goals
from lib.config import YEARS

H, D, E, N = goals.HELT, goals.DELVIS, goals.EJ, goals.EJ_BEDOMD
RULES = goals.Rules(tolerance=0.02, strong_trend=0.02, window=3)


def series(*pairs: tuple[int, float]) -> pd.Series:
    return pd.Series(dict(pairs), dtype=float)


@pytest.mark.parametrize(
    ("values", "direction", "target", "expected", "why"),
    [
        (series((2016, 5.0), (2017, 4.0), (2018, 3.0)), "lower", 3.0, H, "exactly on target"),
        (series((2016, 5.0), (2017, 4.0), (2018, 3.5)), "lower", 3.0, H, "right way, strong trend"),
        (series((2016, 5.0), (2017, 4.98), (2018, 4.96)), "lower", 3.0, D, "right way, weak trend"),
        (series((2016, 5.0), (2017, 5.0), (2018, 3.05)), "lower", 3.0, H, "strong fall over the window"),
        (series((2016, 3.0), (2017, 3.06), (2018, 3.05)), "lower", 3.0, D, "within 2 % of the target"),
        (series((2016, 3.0), (2017, 3.2), (2018, 3.4)), "lower", 3.0, E, "wrong way, outside tolerance"),
        (series((2016, 70.0), (2017, 74.0), (2018, 79.0)), "higher", 80.0, H, "rising strongly"),
        (series((2016, 80.0), (2017, 79.0), (2018, 78.0)), "higher", 80.0, E, "falling when it should rise"),
        (series((2016, 80.0), (2017, 79.0), (2018, 78.5)), "higher", 80.0, D, "within tolerance (1.9 %)"),
        (series((2019, 2.0)), "lower", 3.0, N, "no outcome up to the year"),
        (series((2017, 4.0)), "lower", None, N, "no target"),
        (series((2014, 60.0), (2018, 66.0)), "higher", 70.0, H, "sparse years: 2.4 % a year between elections"),
        (series((2014, 60.0), (2018, 62.0)), "higher", 70.0, D, "sparse years: 0.8 % a year is weak"),
        (series((2018, 4.0)), "lower", 3.0, E, "one measurement, no trend, off target"),
    ],
)
def test_assess_rule_table(values, direction, target, expected, why):
    assert goals.assess(values, direction, target, 2018, RULES) == expected, why


def test_every_status_is_reachable():
    reached = {
        goals.assess(series((2017, 4.0), (2018, 3.0)), "lower", 3.0, 2018),
        goals.assess(series((2017, 4.0), (2018, 3.99)), "lower", 3.0, 2018),
        goals.assess(series((2017, 3.0), (2018, 4.0)), "lower", 3.0, 2018),
        goals.assess(series(), "lower", 3.0, 2018),
    }
    assert reached == set(goals.STATUSES)


def test_threshold_edges():
    on_edge = series((2017, 3.06), (2018, 3.06))  # 2 % above a target of 3, flat
    assert goals.assess(on_edge, "lower", 3.0, 2018, RULES) == D
    assert goals.assess(on_edge, "lower", 3.0, 2018, goals.Rules(tolerance=0.019)) == E
    strong = series((2016, 100.0), (2017, 98.0), (2018, 96.0))  # −2 % a year on a level of 98
    assert goals.assess(strong, "lower", 90.0, 2018, goals.Rules(strong_trend=0.02)) == H
    assert goals.assess(strong, "lower", 90.0, 2018, goals.Rules(strong_trend=0.03)) == D


@pytest.mark.parametrize(
    ("parts", "expected"),
    [([H, H], H), ([E, E], E), ([H, E], D), ([H, D], D), ([D], D), ([H, N], H), ([N, N], N), ([], N), ([E, N], E)],
)
def test_roll_up(parts, expected):
    assert goals.roll_up(parts) == expected


def test_annual_targets_are_linear_with_explicit_overrides():
    t = goals.annual_targets(10.0, 2014, 7.0, range(2014, 2021), {2016: 9.5})
    assert t[2015] == pytest.approx(9.5) and t[2016] == 9.5 and t[2020] == pytest.approx(7.0)
    assert 2014 not in t


@pytest.fixture(scope="module")
def raw() -> dict:
    return yaml.safe_load((ROOT / "data" / "goals.yaml").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def known() -> set[str]:
    return set(pd.read_csv(ROOT / "data" / "indicator.csv")["code"])


def test_shipped_tree_is_4_7_13_with_the_known_delmal(raw, known):
    tree = goals.parse_tree(raw, known, YEARS)
    counts = tree.nodes["level"].value_counts()
    assert (counts["målområde"], counts["mål"], counts["delmål"]) == (4, 7, 13)
    nodes = tree.nodes.set_index("id")
    known_delmal = nodes[nodes["text"].str.contains("ekonomiskt bistånd inom programmets område")]
    assert len(known_delmal) == 1 and not known_delmal["illustrative"].iloc[0]
    resp = tree.responsibility
    assert set(resp.loc[resp["node_id"] == known_delmal.index[0], "body_id"]) >= {"stadsdelsnamnderna"}
    assert set(resp.loc[resp["node_id"] == "P", "body_id"]) == {"kommunstyrelsen"}
    assert nodes.loc[nodes["level"] == "mål", "illustrative"].all()
    assert (
        tree.responsibility.groupby("node_id")["role"]
        .apply(set)
        .loc[nodes.index[nodes["level"] == "delmål"]]
        .map(lambda r: "ansvarig" in r)
    ).all()


def broken(raw: dict, change) -> dict:
    copy_ = copy.deepcopy(raw)
    change(copy_)
    return copy_


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda r: r["nodes"].append({"id": "X", "level": "delmål", "parent": "NOPE", "text": "x"}), "föräldralös"),
        (lambda r: r["nodes"].append({"id": "X", "level": "delmål", "text": "x"}), "saknar förälder"),
        (lambda r: r["nodes"][5].update(parent="D1"), "kan inte ligga under"),
        (
            lambda r: r["nodes"].extend(
                [
                    {"id": "C1", "level": "mål", "parent": "C2", "text": "a"},
                    {"id": "C2", "level": "mål", "parent": "C1", "text": "b"},
                ]
            ),
            "cirkel",
        ),
        (lambda r: r["nodes"][12].update(ansvarig=["okand_namnd"]), "okänd ansvarig 'okand_namnd'"),
        (lambda r: r["nodes"][12].update(indicators=[{"indicator": "lycka"}]), "okänd indikator 'lycka'"),
        (lambda r: r["nodes"].append({"id": "D1", "level": "delmål", "parent": "M1", "text": "dubbel"}), "flera noder"),
        (lambda r: r["activities"][0].update(status="klar-ish"), "status 'klar-ish'"),
        (lambda r: r["activities"][0].update(end="2010-01-01"), "slutar före"),
        (lambda r: r["activities"][0].update(start="första maj"), "ÅÅÅÅ-MM-DD"),
        (lambda r: r["nodes"][12]["indicators"][0].update(baseline_year=2009), "Basåret 2009"),
        (lambda r: r["nodes"][12]["indicators"][0].update(target_2020="mycket"), "inte ett tal"),
        (lambda r: r.update(nodes=[]), "saknar noder"),
    ],
)
def test_broken_trees_get_clear_swedish_errors(raw, known, change, message):
    with pytest.raises(goals.TreeError) as err:
        goals.parse_tree(broken(raw, change), known, YEARS)
    assert any(message in p for p in err.value.problems), err.value.problems


def test_not_a_tree_at_all(known):
    with pytest.raises(goals.TreeError, match="inget målträd"):
        goals.parse_tree(["a", "list"], known, YEARS)


@pytest.fixture(scope="module")
def evaluated(con):
    from lib import aggregate, db

    tree = db.goal_tree(con)
    outcomes = aggregate.group_values(db.values_long(con), aggregate.standard_groups(db.areas(con)))
    rows = goals.indicator_assessment(tree, outcomes[outcomes["group"] == "Programområdet"], 2018, YEARS)
    return tree, rows, goals.evaluate(tree, rows)


def test_evaluation_rolls_up_consistently(evaluated):
    tree, rows, ev = evaluated
    ev = ev.set_index("id")
    assert len(rows) == 13 and set(rows["status"]) <= set(goals.STATUSES)
    for node in tree.nodes.itertuples():
        kids = tree.children(node.id)
        if kids:
            assert ev.loc[node.id, "status"] == goals.roll_up(ev.loc[kids, "status"])
    assert ev.loc["P", "delmal"] == 13
    assert ev.loc["P", "activities"] == 19  # one of 20 is cancelled
    assert 0 <= ev.loc["P", "activities_done_share"] <= 1


def test_a_stadsdelsnamnd_sees_what_the_group_answers_for(evaluated):
    tree, rows, _ = evaluated
    mine = goals.nodes_for_body(tree, "sdn_farsta", role="ansvarig")
    assert "D9" in mine  # stadsdelsnämnderna answer for ekonomiskt bistånd
    assert "D4" not in mine
    underlag = goals.ils_underlag(tree, rows, "sdn_farsta", {}, 2018)
    assert "D4" not in set(underlag["Delmål"]) and len(underlag) >= 5
    assert {"Årsmål 2018", "Utfall 2018", "Bedömning", "Aktiviteter"} <= set(underlag.columns)


def test_dot_shows_status_by_word_and_icon(evaluated):
    tree, _, ev = evaluated
    dot = goals.to_dot(tree, ev, highlight={"D9"}, selected="D9")
    assert dot.startswith("digraph") and '"M5" -> "D9"' in dot
    assert "uppfyllt" in dot and "(illustrativt)" in dot
    assert "nan" not in dot


def test_installing_a_goal_file_validates_first_and_keeps_the_old_one_on_error(data_copy, tmp_path):
    from lib import auth, db

    target = tmp_path / "g.duckdb"
    db.build_database(data_copy, target)
    original = (data_copy / "goals.yaml").read_text(encoding="utf-8")
    with pytest.raises(db.DataError, match="föräldralös"):
        broken_text = original.replace("nodes:\n", "nodes:\n  - {id: X, level: delmål, parent: NOPE, text: x}\n", 1)
        db.install_goal_file(data_copy, target, broken_text, "anna")
    assert (data_copy / "goals.yaml").read_text(encoding="utf-8") == original
    with pytest.raises(auth.NotAuthorised):
        db.install_goal_file(data_copy, target, original, None)
    changed = original.replace("Trångboddheten ska minska genom fler och mer varierade bostäder", "Fler bostäder")
    db.install_goal_file(data_copy, target, changed, "anna")
    with db.connect(target, read_only=True) as con:
        assert "Fler bostäder" in set(db.goal_tree(con).nodes["text"])


def node_by_id(raw: dict, nid: str) -> dict:
    return next(n for n in raw["nodes"] if n.get("id") == nid)


def test_the_known_delmal_marks_its_invented_parts(raw, known):
    tree = goals.parse_tree(raw, known, YEARS)
    nodes = tree.nodes.set_index("id")
    assert goals.illustrative_parts(nodes.loc["D9"]) == ("parent", "berörda", "target")  # text and ansvarig are known
    assert goals.illustrative_parts(nodes.loc["D10"]) == tuple(goals.PARTS)  # an illustrative delmål: all of it
    assert goals.illustrative_parts(nodes.loc["A4"]) == ()
    assert nodes.loc["A4", "note"] == "Tidigare Trygghet i vardagen"
    assert pd.isna(nodes.loc["D9", "note"])


def test_only_the_ekonomiskt_bistand_delmal_is_known_to_belong_to_stadsdelsnamnderna(raw, known):
    tree = goals.parse_tree(raw, known, YEARS)
    nodes = tree.nodes.set_index("id")
    bodies = tree.bodies.set_index("id")
    sdn = set(bodies.index[bodies["kind"] == "stadsdelsnämnd"]) | {"stadsdelsnamnderna"}
    resp = tree.responsibility
    owned = set(resp.loc[(resp["role"] == "ansvarig") & resp["body_id"].isin(sdn), "node_id"])
    known_owned = {n for n in owned if "ansvarig" not in goals.illustrative_parts(nodes.loc[n])}
    assert known_owned == {"D9"}


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda r: node_by_id(r, "D11").update(illustrative=False), "har en stadsdelsnämnd som ansvarig"),
        (lambda r: node_by_id(r, "D4").update(illustrative=False, ansvarig=["sdn_farsta"]), "enda delmål"),
        (lambda r: node_by_id(r, "D10").update(illustrative=False), "ansvariga för 2 delmål"),
        (lambda r: node_by_id(r, "D9").update(illustrative_parts=["budget"]), "okänd illustrativ del 'budget'"),
    ],
)
def test_stadsdelsnamnderna_may_own_no_other_known_delmal(raw, known, change, message):
    with pytest.raises(goals.TreeError) as err:
        goals.parse_tree(broken(raw, change), known, YEARS)
    assert any(message in p for p in err.value.problems), err.value.problems


def test_a_known_delmal_with_an_illustrative_ansvarig_is_accepted(raw, known):
    changed = broken(raw, lambda r: node_by_id(r, "D11").update(illustrative=False, illustrative_parts=["ansvarig"]))
    nodes = goals.parse_tree(changed, known, YEARS).nodes.set_index("id")
    assert goals.illustrative_parts(nodes.loc["D11"]) == ("parent", "ansvarig")  # under an invented mål, too


def test_the_stored_tree_keeps_the_parts_and_the_underlag_shows_them(evaluated):
    tree, rows, ev = evaluated
    nodes = tree.nodes.set_index("id")
    assert goals.illustrative_parts(nodes.loc["D9"]) == ("parent", "berörda", "target")
    farsta = goals.ils_underlag(tree, rows, "sdn_farsta", {}, 2018).set_index("Delmål")
    d9 = farsta.loc[nodes.loc["D9", "text"]]
    assert d9["Illustrativt"] == "placeringen under målet, berörda, målvärdet"
    assert d9["Roll"] == "ansvarig" and d9["Mål"].endswith("(illustrativt)")
    assert (farsta.drop(index=nodes.loc["D9", "text"])["Illustrativt"] == "ja").all()
    arbetsmarknad = goals.ils_underlag(tree, rows, "arbetsmarknadsnamnden", {}, 2018).set_index("Delmål")
    assert arbetsmarknad.loc[nodes.loc["D9", "text"], "Roll"] == "berörd (illustrativt)"
    dot = goals.to_dot(tree, ev)
    assert "(illustrativt: placering, berörda, målvärde)" in dot and '"M5" -> "D9" [style=dashed];' in dot
