"""Local action plans: validation, editing with an audit trail, refusal without an editor, follow-up."""

from __future__ import annotations

import datetime as dt
import json

import pandas as pd
import pytest

from lib import auth, db, plans
from lib.config import YEARS

COMMITTEE = "Farsta stadsdelsnämnd"
INDS = {"ekonomiskt_bistand": "Ekonomiskt bistånd", "ohalsotal": "Ohälsotal"}


@pytest.fixture
def plan_db(data_copy, tmp_path):
    target = tmp_path / "p.duckdb"
    db.build_database(data_copy, target)
    with db.connect(target) as con:
        yield con


def activity(**extra) -> dict:
    base = {
        "title": "Läxhjälp i Hökarängen",
        "owner": "Fritidsenheten",
        "partners": "Stockholmshem",
        "start": "2016-01-10",
        "end": "2017-06-30",
        "budget": "1,5",
        "status": "pågår",
    }
    return {**base, **extra}


def test_activity_validation_cleans_and_lists_every_problem():
    clean = plans.validate_activity(activity())
    assert clean["budget"] == 1.5 and clean["start"] == dt.date(2016, 1, 10)
    with pytest.raises(plans.PlanError) as err:
        plans.validate_activity(activity(title=" ", status="snart", end="2015-01-01", budget="mycket"), "Rad 3")
    text = " ".join(err.value.problems)
    for expected in ("Rad 3: ange en rubrik", "status måste vara", "slutdatum före", "inte ett tal"):
        assert expected in text


def test_goal_validation_accepts_indicator_names():
    clean = plans.validate_goal({"indicator_code": "ohälsotal", "target": "24,5", "target_year": 2020}, INDS, YEARS)
    assert clean == {"indicator_code": "ohalsotal", "target": 24.5, "target_year": 2020, "text": ""}
    with pytest.raises(plans.PlanError, match="välj en indikator"):
        plans.validate_goal({"indicator_code": "lycka", "target": 1, "target_year": 2020}, INDS, YEARS)


def test_editing_round_trip_with_audit(plan_db):
    row = plans.validate_activity(activity())
    [key] = db.apply_plan_changes(plan_db, "anna", COMMITTEE, "plan_activity", [row])
    stored = db.plan(plan_db, COMMITTEE)["activities"]
    assert stored["title"].tolist() == ["Läxhjälp i Hökarängen"] and stored["updated_by"].iloc[0] == "anna"

    changed = {**row, "id": key, "status": "klar"}
    assert db.apply_plan_changes(plan_db, "bertil", COMMITTEE, "plan_activity", [changed]) == [key]
    assert db.apply_plan_changes(plan_db, "bertil", COMMITTEE, "plan_activity", [changed]) == []  # no change
    db.apply_plan_changes(plan_db, "cecilia", COMMITTEE, "plan_activity", [], deletes=[key])
    assert db.plan(plan_db, COMMITTEE)["activities"].empty

    log = db.audit_log(plan_db, COMMITTEE).sort_values("id")
    assert log["action"].tolist() == ["ny", "ändrad", "borttagen"]
    assert log["editor"].tolist() == ["anna", "bertil", "cecilia"]
    update = log.iloc[1]
    assert json.loads(update["before"])["status"] == "pågår" and json.loads(update["after"])["status"] == "klar"
    assert log.iloc[2]["after"] is None or pd.isna(log.iloc[2]["after"])


def test_anonymous_writes_are_refused_and_change_nothing(plan_db):
    with pytest.raises(auth.NotAuthorised, match="inloggad som redigerare"):
        db.apply_plan_changes(plan_db, None, COMMITTEE, "plan_activity", [plans.validate_activity(activity())])
    with pytest.raises(auth.NotAuthorised):
        db.save_plan_text(plan_db, "", COMMITTEE, "prioriteringar", "x")
    with pytest.raises(auth.NotAuthorised):
        db.save_scenario(plan_db, "Mitt scenario", "{}", None)
    assert db.plan(plan_db, COMMITTEE)["activities"].empty
    assert db.audit_log(plan_db).empty


def test_another_namnds_row_cannot_be_changed(plan_db):
    [key] = db.apply_plan_changes(plan_db, "anna", COMMITTEE, "plan_activity", [plans.validate_activity(activity())])
    with pytest.raises(db.DataError, match="annan nämnds"):
        db.apply_plan_changes(
            plan_db,
            "anna",
            "Skärholmens stadsdelsnämnd",
            "plan_activity",
            [{**plans.validate_activity(activity()), "id": key}],
        )
    assert len(db.plan(plan_db, COMMITTEE)["activities"]) == 1


def test_plans_survive_a_rebuild(data_copy, tmp_path):
    target = tmp_path / "r.duckdb"
    db.build_database(data_copy, target)
    with db.connect(target) as con:
        db.save_plan_text(con, "anna", COMMITTEE, "prioriteringar", "Trygghet först")
        db.apply_plan_changes(con, "anna", COMMITTEE, "plan_activity", [plans.validate_activity(activity())])
    (data_copy / "district.csv").write_text(
        (data_copy / "district.csv").read_text(encoding="utf-8") + "\n", encoding="utf-8"
    )
    assert db.ensure_database(data_copy, target)
    with db.connect(target) as con:
        p = db.plan(con, COMMITTEE)
        assert p["text"]["text"].tolist() == ["Trygghet först"] and len(p["activities"]) == 1
        assert len(db.audit_log(con)) == 2


def test_followup_and_situation(con):
    from lib import aggregate

    values, areas = db.values_long(con), db.areas(con)
    members = set(areas.loc[(areas["district"] == "Farsta") & areas["in_programme"], "code"])
    outcomes = aggregate.group_values(values, {"Farsta": members})
    goals_df = pd.DataFrame(
        [
            {"id": "g1", "indicator_code": "ekonomiskt_bistand", "target": 1.0, "target_year": 2020},
            {"id": "g2", "indicator_code": "ekonomiskt_bistand", "target": 99.0, "target_year": 2020},
        ]
    )
    follow = plans.followup(goals_df, outcomes, 2018, 2014).set_index("id")
    assert follow.loc["g1", "direction"] == "lower" and follow.loc["g2", "direction"] == "higher"
    assert follow.loc["g2", "status"] == "ej uppfyllt"  # the share falls while the goal asks it to rise
    weakest = plans.weakest_indicators(
        outcomes, aggregate.group_values(values, {"Staden": set(areas["code"])}), db.indicators(con), 2020
    )
    assert len(weakest) == 5 and (weakest["risk"].diff().dropna() <= 0).all() and weakest["risk"].iloc[0] > 100


def test_concurrent_editors_lose_and_duplicate_nothing(plan_db):
    """Eight editors save scenarios and plan rows at once through the app's one connection: every save
    succeeds, lands once, and has exactly one audit row with its own id."""
    from concurrent.futures import ThreadPoolExecutor

    def work(n: int) -> list[str]:
        editor = f"redaktor{n}"
        keys = []
        for i in range(6):
            db.save_scenario(plan_db, f"{editor} scenario {i}", json.dumps({"i": i}), editor=editor)
            row = plans.validate_activity(activity(title=f"{editor} aktivitet {i}"))
            keys += db.apply_plan_changes(plan_db, editor, COMMITTEE, "plan_activity", [row])
        return keys

    with ThreadPoolExecutor(8) as pool:
        keys = [k for ks in pool.map(work, range(8)) for k in ks]
    assert len(keys) == len(set(keys)) == 48
    names = db.query(plan_db, "SELECT name FROM weight_scenario WHERE name LIKE 'redaktor%'")["name"]
    assert len(names) == names.nunique() == 48
    titles = db.query(plan_db, "SELECT title FROM plan_activity WHERE title LIKE 'redaktor%'")["title"]
    assert len(titles) == titles.nunique() == 48
    audit = db.query(plan_db, "SELECT id, record_id FROM audit WHERE editor LIKE 'redaktor%'")
    assert len(audit) == 96 and audit["id"].is_unique


def test_a_conflicting_write_is_retried_as_a_whole(plan_db, monkeypatch):
    """A transaction conflict makes the whole write run again in a fresh transaction, once; nothing is doubled."""
    import duckdb

    real, calls = db._audit, []

    def conflict_once(*args, **kwargs):
        calls.append(1)
        if len(calls) == 1:
            raise duckdb.TransactionException("Conflict on tuple deletion")
        return real(*args, **kwargs)

    monkeypatch.setattr(db, "_audit", conflict_once)
    db.save_scenario(plan_db, "Omförsök", json.dumps({"a": 1}), editor="anna")
    assert len(calls) == 2
    assert len(db.query(plan_db, "SELECT * FROM weight_scenario WHERE name = 'Omförsök'")) == 1
    assert len(db.query(plan_db, "SELECT * FROM audit WHERE record_id = 'Omförsök'")) == 1
