"""The goal tree: attainment rules as tables, roll-up, validation of a broken tree, and the shipped tree."""

from __future__ import annotations

import copy
import hashlib
import re

import pandas as pd
import pytest
import yaml

from conftest import ROOT
from lib import goals
from lib.config import YEARS
from lib.problems import ProblemsError

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


SHIPPED = ROOT / "data" / "goals.yaml"
CHANGED_TEXT = "Trångboddheten ska minska genom fler och mer varierade bostäder"


@pytest.fixture(scope="module")
def goal_db(tmp_path_factory):
    """A database of its own, built from data/, that these tests install goal trees into."""
    from lib import db
    from lib.config import Paths

    path = tmp_path_factory.mktemp("goal_db") / "goals.duckdb"
    db.build_database(Paths().data_dir, path)
    with db.connect(path) as connection:
        yield connection


def goal_state(con) -> tuple:
    """What a goal-tree install may change: installs, the stored tree and the audit trail."""
    from lib import db

    return (
        db.query(con, "SELECT count(*) AS n FROM goal_tree_install")["n"].iloc[0],
        db.query(con, 'SELECT * FROM goal_node ORDER BY "order"').to_csv(),
        db.query(con, "SELECT * FROM activity ORDER BY id").to_csv(),
        db.query(con, "SELECT count(*) AS n FROM audit")["n"].iloc[0],
    )


def test_installing_a_goal_tree_is_one_transaction_with_its_text_editor_and_audit_row(data_copy, tmp_path):
    import json

    from lib import auth, db

    target = tmp_path / "g.duckdb"
    db.build_database(data_copy, target)
    shipped = (data_copy / "goals.yaml").read_bytes()
    changed = shipped.decode("utf-8").replace(CHANGED_TEXT, "Fler bostäder")
    with db.connect(target) as con:
        with pytest.raises(auth.NotAuthorised):
            db.install_goal_tree(con, None, changed, "ny.yaml")
        assert db.goal_tree_installs(con).empty
        db.install_goal_tree(con, "anna", changed, "ny.yaml")
        assert "Fler bostäder" in set(db.goal_tree(con).nodes["text"])  # at once, without a rebuild
        installs = db.query(con, "SELECT * FROM goal_tree_install")
        assert len(installs) == 1
        row = installs.iloc[0]
        assert (row["editor"], row["filename"], row["yaml_text"]) == ("anna", "ny.yaml", changed)
        assert row["sha256"] == hashlib.sha256(changed.encode("utf-8")).hexdigest()
        audit = db.query(con, "SELECT * FROM audit WHERE table_name = 'goal_tree'")
        assert len(audit) == 1 and audit["action"].iloc[0] == "installerat" and audit["editor"].iloc[0] == "anna"
        before, after = json.loads(audit["before"].iloc[0]), json.loads(audit["after"].iloc[0])
        assert before["sha256"] is None and before["källa"] == "data/goals.yaml" and before["delmål"] == 13
        assert after["sha256"] == row["sha256"] and after["delmål"] == 13 and after["fil"] == "ny.yaml"
        # a second install records the first as what it replaced
        db.install_goal_tree(con, "bo", shipped.decode("utf-8"), "tillbaka.yaml")
        last = db.query(con, "SELECT before FROM audit WHERE table_name = 'goal_tree' ORDER BY id DESC LIMIT 1")
        assert json.loads(last["before"].iloc[0])["sha256"] == row["sha256"]
        assert list(db.goal_tree_installs(con)["editor"]) == ["bo", "anna"]
    assert (data_copy / "goals.yaml").read_bytes() == shipped  # a goal tree is data: no file is written


def _deep_flow() -> str:
    return "nodes: " + "[" * 100_000 + "]" * 100_000


def _deep_block() -> str:
    return "nodes:\n" + "- " * 100_000 + "x\n"


def _oversized() -> str:
    return SHIPPED.read_text(encoding="utf-8") + "# " + "x" * 1_100_000 + "\n"


def _orphan() -> str:
    return SHIPPED.read_text(encoding="utf-8").replace(
        "nodes:\n", "nodes:\n  - {id: X, level: delmål, parent: NOPE, text: x}\n", 1
    )


def _bad_id() -> str:
    return SHIPPED.read_text(encoding="utf-8").replace("id: D13", 'id: "D13\\"]; evil [label=x"', 1)


def _alias() -> str:
    return "a: &a [x, x, x, x]\nb: &b [*a, *a, *a, *a]\nnodes: [*b, *b]\n"


def _invalid_yaml() -> str:
    return "nodes: [unclosed\n"


def _infinite_target() -> str:
    return SHIPPED.read_text(encoding="utf-8").replace("target_2020_change: -0.20}", "target_2020_change: 1e400}", 1)


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (_orphan, "föräldralös"),
        (_bad_id, "reglerna för id"),
        (_deep_flow, "inte giltig YAML|nästlad djupare"),
        (_deep_block, "nästlad djupare än 20 nivåer"),
        (_oversized, "högst 1 MB"),
        (_alias, "YAML-alias"),
        (_invalid_yaml, "inte giltig YAML"),
        (_infinite_target, "oändligt"),
        (lambda: "activities: [1, 2]\nnodes: [{id: P, level: program, text: P}]\n", "Aktivitet nr 1"),
        (lambda: "- bara\n- en lista\n", "inget målträd"),
    ],
)
def test_a_refused_goal_tree_changes_nothing(goal_db, make, message):
    import time

    from lib import db

    text = make()
    before = goal_state(goal_db)
    started = time.perf_counter()
    with pytest.raises(db.DataError, match=message):
        db.install_goal_tree(goal_db, "anna", text, "fel.yaml")
    assert time.perf_counter() - started < 5
    assert goal_state(goal_db) == before


def test_an_installed_goal_tree_survives_a_rebuild(data_copy, tmp_path):
    from lib import db

    target = tmp_path / "g.duckdb"
    db.build_database(data_copy, target)
    shipped = (data_copy / "goals.yaml").read_bytes()
    with db.connect(target) as con:
        db.install_goal_tree(con, "anna", shipped.decode().replace(CHANGED_TEXT, "Först"), "ett.yaml")
        db.install_goal_tree(con, "anna", shipped.decode().replace(CHANGED_TEXT, "Sedan"), "två.yaml")
    db.build_database(data_copy, target)  # e.g. after a CSV in data/ changed
    with db.connect(target, read_only=True) as con:
        texts = set(db.goal_tree(con).nodes["text"])
        assert "Sedan" in texts and "Först" not in texts and CHANGED_TEXT not in texts
        assert len(db.goal_tree_installs(con)) == 2
    assert (data_copy / "goals.yaml").read_bytes() == shipped


@pytest.mark.parametrize(
    "bad",
    ["D 1", 'D1"', "D1];", "Ö1", "_D1", "x" * 41, "D1\nx", "a/b", "<b>", "{D1}"],
)
def test_node_and_body_ids_must_follow_the_pattern(raw, known, bad):
    node = broken(raw, lambda r: node_by_id(r, "D13").update(id=bad))
    with pytest.raises(goals.TreeError) as err:
        goals.parse_tree(node, known, YEARS)
    assert any("reglerna för id" in p for p in err.value.problems), err.value.problems
    body = broken(raw, lambda r: r["bodies"].append({"id": bad, "name": "X", "kind": "facknämnd"}))
    with pytest.raises(goals.TreeError) as err:
        goals.parse_tree(body, known, YEARS)
    assert any("Organisationen" in p and "reglerna för id" in p for p in err.value.problems)


@pytest.mark.parametrize("good", ["Mal-7", "d-1.b_2", "A" * 40, "9"])
def test_plain_ids_are_accepted(raw, known, good):
    node = broken(raw, lambda r: [n.update(parent=good) for n in r["nodes"] if n.get("parent") == "M7"])
    node_by_id(node, "M7")["id"] = good
    nodes = goals.parse_tree(node, known, YEARS).nodes
    assert good in set(nodes["id"])


DOT_STRING = re.compile(r'"((?:[^"\\]|\\.)*)"')


def dot_statements(dot: str) -> list[list[str]]:
    """The DOT text as statements of tokens (quoted strings unescaped), as Graphviz's lexer would split it."""
    tokens, pos = [], 0
    token = re.compile(r'\s+|"(?:[^"\\]|\\.)*"|->|[\[\]{};,=]|[^\s"\[\]{};,=]+', re.S)
    while pos < len(dot):
        m = token.match(dot, pos)
        assert m, dot[pos : pos + 40]
        pos = m.end()
        if not m.group().isspace():
            tokens.append(m.group())
    statements, current, depth = [], [], 0
    for t in tokens:
        depth += t == "["
        depth -= t == "]"
        if t == ";" and depth == 0:
            statements.append(current)
            current = []
        else:
            current.append(t)
    return statements


def test_dot_keeps_every_goal_text_a_label(raw, known):
    evil = 'Bättre "]; evil [label="x" ]; \\N \\" <b>{fet}</b> | slut \\'
    hostile = broken(raw, lambda r: node_by_id(r, "D13").update(text=evil, short=None))
    node_by_id(hostile, "M7")["short"] = "rad ett\r\nrad två"
    tree = goals.parse_tree(hostile, known, YEARS)
    ev = pd.DataFrame({"id": tree.nodes["id"], "status": goals.EJ_BEDOMD})
    dot = goals.to_dot(tree, ev)
    statements = dot_statements(dot)
    node_statements = [s for s in statements if len(s) > 1 and s[0].startswith('"') and s[1] == "["]
    edges = [s for s in statements if "->" in s]
    assert len(node_statements) == len(tree.nodes)  # no node was added by a text
    assert len(edges) == tree.nodes["parent"].notna().sum()
    assert not any("evil" in t for s in statements for t in s if not t.startswith('"'))  # only inside strings
    d13 = next(s for s in node_statements if s[0] == '"D13"')
    label = d13[d13.index("label") + 2]
    raw_label = DOT_STRING.fullmatch(label).group(1)
    unescaped = re.sub(r"\\(.)", lambda m: "\n" if m.group(1) == "n" else m.group(1), raw_label)
    assert " ".join(unescaped.split()).startswith(" ".join(evil.split()))
    assert not any("\n" in t or "\r" in t for s in statements for t in s)  # line breaks only as DOT's \n


def test_dot_escapes_an_id_even_when_the_tree_did_not_come_through_parse_tree(raw, known):
    tree = goals.parse_tree(raw, known, YEARS)
    hostile = 'D13" [label="evil"]; "Y'
    nodes = tree.nodes.assign(id=tree.nodes["id"].replace("D13", hostile))
    tree = goals.GoalTree(nodes, tree.bodies, tree.responsibility, tree.indicators, tree.targets, tree.activities)
    ev = pd.DataFrame({"id": nodes["id"], "status": goals.EJ_BEDOMD})
    statements = dot_statements(goals.to_dot(tree, ev))
    node_statements = [s for s in statements if len(s) > 1 and s[0].startswith('"') and s[1] == "["]
    assert len(node_statements) == len(nodes)
    assert '"Y' not in {s[0] for s in node_statements}
    assert any(s[0] == goals.dot_string(hostile) for s in node_statements)


@pytest.mark.parametrize("flag", ["nej", "ja", 0, "false"])
def test_illustrative_must_be_true_or_false(raw, known, flag):
    """`illustrative: "nej"` once counted as true (bool of a text) and marked a known goal as made up."""
    tree = broken(raw, lambda r: node_by_id(r, "D13").update(illustrative=flag))
    with pytest.raises(goals.TreeError) as err:
        goals.parse_tree(tree, known, YEARS)
    assert any("D13" in p and "true eller false" in p for p in err.value.problems), err.value.problems


def test_one_check_of_a_goal_text_returns_the_tree_or_lists_its_faults(known):
    """The upload, the CLI and a rebuild all check a goal file's text with `check_goal_text`."""
    from lib import db

    text = SHIPPED.read_text(encoding="utf-8")
    tree = db.goaltrees.check_goal_text(text, "goals.yaml", known)
    assert db.goal_tree_summary(tree) == "4 målområden, 7 mål, 13 delmål, 20 aktiviteter"
    with pytest.raises(goals.TreeError) as err:
        db.goaltrees.check_goal_text(text.replace("level: delmål", "level: delmal", 1), "goals.yaml", known)
    assert isinstance(err.value, ProblemsError) and any("okänd nivå 'delmal'" in p for p in err.value.problems)
    with pytest.raises(db.DataError, match="inte giltig YAML"):
        db.goaltrees.check_goal_text("nodes: [", "trasig.yaml", known)


def test_the_follow_up_view_keeps_an_area_or_a_body_with_the_goals_above(evaluated):
    from lib.goals import followup

    tree, rows, ev = evaluated
    assert followup.focus(tree) == set(tree.nodes["id"])
    area = followup.focus(tree, "A4")
    assert {"P", "A4"} <= area and area - {"P", "A4"} == goals.descendants(tree, "A4")
    mine = goals.nodes_for_body(tree, "sdn_farsta")
    farsta = followup.focus(tree, None, mine)
    assert "D9" in farsta and set(goals.ancestors(tree, "D9")) <= farsta
    delmal = set(tree.nodes.loc[tree.nodes["level"] == "delmål", "id"])
    assert farsta & delmal == mine & delmal != delmal  # the delmål Farsta has no part in are left out
    assert set(tree.only(farsta).nodes["id"]) == farsta and tree.only(farsta).activities is tree.activities
    counts = followup.status_counts(tree, ev, followup.focus(tree))
    assert counts.groupby("nivå")["antal"].sum().to_dict() == {"Målområden": 4, "Mål": 7, "Delmål": 13}
    assert set(counts["ordning"]) <= set(goals.STATUSES)


def test_the_follow_up_tables_of_one_delmal(evaluated):
    from lib.goals import followup

    tree, rows, _ = evaluated
    nodes = tree.nodes.set_index("id")
    assert followup.node_label(nodes, "D9").startswith("D9 – ")
    ansvarig, berorda = followup.roles(tree, "D9")
    assert ansvarig == "Stadsdelsnämnderna i programmet" and berorda != "–"
    assert followup.roles(tree, "A1") is None  # a målområde names no body
    d9 = rows[rows["node_id"] == "D9"]
    table = followup.indicator_table(d9, nodes, {"ekonomiskt_bistand": "Ekonomiskt bistånd"}, 2014)
    assert list(table["Indikator"]) == ["Ekonomiskt bistånd"] and list(table["Målvärdet"]) == ["illustrativt"]
    assert table["Bedömning"].iloc[0].split(" ", 1)[1] == d9["status"].iloc[0]
    outcomes = pd.DataFrame({"indicator_code": "ekonomiskt_bistand", "year": [2014, 2016], "value": [10.0, 9.0]})
    row = d9.iloc[0].copy()
    row["baseline"], row["baseline_year"], row["target_2020"] = 10.0, 2014, 7.0
    both = followup.outcome_and_targets(outcomes, row, range(2014, 2021))
    path = both[both["serie"] == "Årsmål"].set_index("year")["value"]
    assert path.loc[2014] == 10.0 and path.loc[2020] == pytest.approx(7.0)
    assert len(both[both["serie"] == "Utfall"]) == 2
    acts = followup.activity_table(tree, goals.descendants(tree, "P"), "sdn_farsta")
    assert not acts.empty and "Budget (mnkr)" in acts.columns
    assert followup.activity_table(tree, set(), None).empty


# --- the final year of the period: only a met target is helt ---------------------------------------------------


def test_a_good_trend_that_misses_the_final_year_target_is_not_helt():
    falling = series((2018, 5.0), (2019, 4.6), (2020, 4.2))  # about −9 % a year, but 4.2 > 4.0
    assert goals.assess(falling, "lower", 4.0, 2020, RULES, final=True) == D
    assert goals.assess(falling, "lower", 4.0, 2020, RULES) == H  # before the final year the trend rule applies
    met = series((2018, 5.0), (2019, 4.5), (2020, 4.0))
    assert goals.assess(met, "lower", 4.0, 2020, RULES, final=True) == H
    rising = series((2018, 70.0), (2019, 74.0), (2020, 79.0))
    assert goals.assess(rising, "higher", 80.0, 2020, RULES, final=True) == D
    assert goals.assess(rising, "higher", 80.0, 2019, RULES, final=False) == H


def test_in_the_final_year_every_helt_delmal_met_its_target(evaluated, con):
    from lib import aggregate, db

    tree = evaluated[0]
    outcomes = aggregate.group_values(db.values_long(con), aggregate.standard_groups(db.areas(con)))
    for place in ("Programområdet", "Staden", "Farsta"):
        mine = outcomes[outcomes["group"] == place]
        for year in (goals.FINAL_YEAR, 2025):
            rows = goals.indicator_assessment(tree, mine, year, YEARS)
            helt = rows[rows["status"] == H]
            for r in helt.itertuples():
                assert (r.outcome - r.target) * (1 if r.direction == "higher" else -1) >= 0, (place, year, r.node_id)
    by_trend = [
        r.node_id
        for year in range(2016, goals.FINAL_YEAR)
        for r in goals.indicator_assessment(
            tree, outcomes[outcomes["group"] == "Programområdet"], year, YEARS
        ).itertuples()
        if r.status == H and (r.outcome - r.target) * (1 if r.direction == "higher" else -1) < 0
    ]
    assert by_trend, "before the final year a strong trend still gives helt"


def test_after_the_final_year_the_annual_target_is_the_2020_target():
    t = goals.annual_targets(10.0, 2014, 7.0, range(2015, 2026))
    assert t[2019] == pytest.approx(7.5) and t[2020] == 7.0 and t[2025] == 7.0


def test_the_rules_text_and_the_underlag_say_the_final_year_rule(evaluated):
    from lib.goals import ils
    from ui import goalview

    text = goalview.rules_text(2, 2, 3)
    assert "slutåret 2020 och senare krävs att målvärdet nås" in text
    assert "Före slutåret 2020" in text
    tree, rows, _ = evaluated
    underlag = goals.ils_underlag(tree, rows, "sdn_farsta", {}, 2018)
    assert set(underlag["Bedömningsregel"]) == {ils.rule_used(2018)} and "trenden" in ils.rule_used(2018)
    assert "kräver att målvärdet nås" in ils.rule_used(2020)


# --- follow-up texts ----------------------------------------------------------------------------------------------


def test_follow_up_bodies_expand_a_group_into_its_members(evaluated):
    from lib.goals import texts

    tree = evaluated[0]
    bodies = texts.followup_bodies(tree, "D9")
    assert "sdn_farsta" in bodies and "stadsdelsnamnderna" not in bodies
    assert bodies["sdn_farsta"] == "Farsta stadsdelsnämnd"


def test_follow_up_text_problems_are_swedish_and_all_at_once(evaluated):
    from lib.goals import texts

    tree = evaluated[0]
    assert texts.text_problems(tree, "D9", "sdn_farsta", 2020, "T1", "Analys", "") == []
    problems = texts.text_problems(tree, "D9", "sdn_farsta", 2020, "T9", "x" * 4001, "y" * 4001)
    assert any("Okänd period" in p for p in problems)
    assert sum("högst 4000 tecken" in p for p in problems) == 2
    assert texts.text_problems(tree, "M1", "sdn_farsta", 2020, "T1", "a", "b") == ["M1 är inget delmål i målträdet."]
    assert texts.text_problems(tree, "D9", "sdn_farsta", 2020, "VB", " ", "") == [
        "Skriv en analys eller åtgärder innan du sparar."
    ]


@pytest.fixture(scope="module")
def followup_db(tmp_path_factory):
    from lib import db
    from lib.config import Paths

    path = tmp_path_factory.mktemp("followup_db") / "f.duckdb"
    db.build_database(Paths().data_dir, path)
    with db.connect(path) as connection:
        yield connection


def test_a_follow_up_text_is_saved_with_its_audit_row_and_versioned(followup_db):
    from lib import auth, db

    con = followup_db
    with pytest.raises(auth.NotAuthorised):
        db.save_goal_followup(con, None, "D9", "sdn_farsta", 2020, "T1", "a", "b", expected_version=0)
    with pytest.raises(db.DataError, match="högst 4000 tecken"):
        db.save_goal_followup(con, "anna", "D9", "sdn_farsta", 2020, "T1", "x" * 4001, "", expected_version=0)
    assert db.goal_followups(con, "D9").empty
    assert db.save_goal_followup(con, "anna", "D9", "sdn_farsta", 2020, "T1", "Det går bra", "Fler", 0)
    assert not db.save_goal_followup(con, "anna", "D9", "sdn_farsta", 2020, "T1", "Det går bra", "Fler", 1)
    assert db.save_goal_followup(con, "bertil", "D9", "sdn_farsta", 2020, "T1", "Bättre", "Fler", 1)
    stored = db.goal_followups(con, "D9", 2020)
    assert stored[["analysis", "editor", "version"]].values.tolist() == [["Bättre", "bertil", 2]]
    log = db.query(con, "SELECT * FROM audit WHERE table_name = 'goal_followup' ORDER BY id")
    assert log["editor"].tolist() == ["anna", "bertil"] and log["record_id"].iloc[0] == "D9/sdn_farsta/2020/T1"


def test_a_stale_follow_up_save_is_refused_with_the_other_text(followup_db):
    from lib import db

    con = followup_db
    db.save_goal_followup(con, "anna", "D10", "sdn_farsta", 2021, "VB", "Annas analys", "", 0)
    with pytest.raises(db.StaleFollowup) as refused:  # bertil loaded the page before anna saved
        db.save_goal_followup(con, "bertil", "D10", "sdn_farsta", 2021, "VB", "Bertils analys", "", 0)
    conflict = refused.value.conflicts[0]
    assert conflict["updated_by"] == "anna" and conflict["current"]["analysis"] == "Annas analys"
    assert "anna sparade en annan version" in str(refused.value)
    assert isinstance(refused.value, db.StaleEdit)
    assert db.goal_followups(con, "D10", 2021)["analysis"].tolist() == ["Annas analys"]


def test_the_underlag_carries_the_latest_follow_up_text(followup_db, evaluated):
    from lib import db

    con = followup_db
    db.save_goal_followup(con, "anna", "D9", "sdn_skarholmen", 2018, "T1", "Tidig analys", "Tidiga åtgärder", 0)
    db.save_goal_followup(con, "anna", "D9", "sdn_skarholmen", 2018, "T2", "Senare analys", "Senare åtgärder", 0)
    db.save_goal_followup(con, "anna", "D9", "sdn_farsta", 2018, "VB", "Farstas", "", 0)
    tree, rows, _ = evaluated
    nodes = tree.nodes.set_index("id")
    texts = db.goal_followups(con, year=2018)
    underlag = goals.ils_underlag(tree, rows, "sdn_skarholmen", {}, 2018, texts).set_index("Delmål")
    d9 = underlag.loc[nodes.loc["D9", "text"]]
    assert (d9["Period"], d9["Analys"], d9["Åtgärder"]) == ("Tertial 2", "Senare analys", "Senare åtgärder")
    assert (underlag.drop(index=nodes.loc["D9", "text"])["Analys"] == "").all()


def test_a_version_3_database_and_backup_still_open_and_restore(data_copy, tmp_path):
    """A database (and its backup) written before follow-up texts existed: no goal_followup table, user schema 3."""
    from lib import backup, db

    path = tmp_path / "db" / "old.duckdb"
    path.parent.mkdir()
    db.build_database(data_copy, path)
    with db.connect(path) as con:
        db.save_scenario(con, "Gammalt", '{"a": 1}', "anna")
        con.execute("DROP TABLE goal_followup")
        con.execute("UPDATE user_schema SET version = 3")
        con.execute("UPDATE meta SET value = 'old' WHERE key = 'fingerprint'")
    old_backup = backup.write_backup(path, "manuell")
    assert backup.read_backup(old_backup).user_schema_version == 3
    assert db.ensure_database(data_copy, path)  # rebuilt: the user tables carried across
    with db.connect(path) as con:
        assert db.scenarios(con)["name"].tolist() == ["Gammalt"]
        assert db.goal_followups(con).empty
        db.save_goal_followup(con, "anna", "D9", "sdn_farsta", 2020, "T1", "Ny", "", 0)
    new_backup = backup.write_backup(path, "manuell")
    assert backup.read_backup(new_backup).tables["goal_followup"]["analysis"].tolist() == ["Ny"]
    backup.restore(data_copy, path, old_backup, "anna")
    with db.connect(path) as con:
        assert db.scenarios(con)["name"].tolist() == ["Gammalt"] and db.goal_followups(con).empty
    backup.restore(data_copy, path, new_backup, "anna")
    with db.connect(path) as con:
        assert db.goal_followups(con)["analysis"].tolist() == ["Ny"]
        assert db.query(con, "SELECT max(version) AS v FROM user_schema")["v"].iloc[0] == db.USER_SCHEMA_VERSION == 4


# --- the page: editors write, visitors read ------------------------------------------------------------------------


def _open_delmal(editor: str | None, year: int, delmal: str = "D9"):
    from test_pages import open_page

    at = open_page("pages/goals.py", editor=editor, ar=str(year))
    at.selectbox(key="mal").select(next(o for o in at.selectbox(key="mal").options if o.startswith(f"{delmal} ")))
    return at.run()


def _save(at, analysis: str, actions: str):
    next(t for t in at.text_area if t.label == "Analys").input(analysis)
    next(t for t in at.text_area if t.label == "Åtgärder").input(actions)
    next(b for b in at.button if b.label == "Spara analys och åtgärder").click()
    return at.run()


def test_goals_page_editor_saves_a_follow_up_text_and_a_visitor_reads_it(con):
    from lib import db

    at = _open_delmal("testare", 2023)
    assert not at.exception, [e.value for e in at.exception]
    _save(at, "Biståndet minskar *snabbt*", "Fler jobbspår")
    assert not at.exception and [s.value for s in at.success] == ["Sparat."]
    shown = " ".join(m.value for m in at.markdown)
    assert "Biståndet minskar \\*snabbt\\*" in shown and "Fler jobbspår" in shown  # typed text shown as itself
    at.run()  # and still there on the next run, from the database
    assert "Fler jobbspår" in " ".join(m.value for m in at.markdown)
    stored = db.goal_followups(con, "D9", 2023)
    assert stored[["analysis", "editor"]].values.tolist() == [["Biståndet minskar *snabbt*", "testare"]]

    visitor = _open_delmal(None, 2023)
    assert not visitor.exception
    assert "Fler jobbspår" in " ".join(m.value for m in visitor.markdown)
    assert not visitor.text_area and not any(b.label == "Spara analys och åtgärder" for b in visitor.button)
    assert any("Logga in som redigerare" in c.value for c in visitor.caption)


def test_goals_page_a_stale_follow_up_save_is_refused_and_keeps_the_text(con):
    from lib import db

    anna, bertil = _open_delmal("anna", 2022), _open_delmal("bertil", 2022)
    _save(anna, "Annas analys", "")
    assert [s.value for s in anna.success] == ["Sparat."]
    _save(bertil, "Bertils analys", "")
    assert bertil.error and "**anna** sparade en annan version" in bertil.error[0].value
    assert next(t for t in bertil.text_area if t.label == "Analys").value == "Bertils analys"
    assert "Annas analys" in bertil.code[0].value
    assert db.goal_followups(con, "D9", 2022)["analysis"].tolist() == ["Annas analys"]
    next(b for b in bertil.button if b.label == "Ladda om texten").click()
    bertil.run()
    assert not bertil.error and next(t for t in bertil.text_area if t.label == "Analys").value == "Annas analys"
