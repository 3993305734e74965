"""Local action plans: validation, editing with an audit trail, refusal without an editor, follow-up."""

from __future__ import annotations

import datetime as dt
import json

import pandas as pd
import pytest

from lib import auth, db, plans
from lib.config import YEARS
from tests.conftest import BACKENDS, open_backend

COMMITTEE = "Farsta stadsdelsnämnd"
INDS = {"ekonomiskt_bistand": "Ekonomiskt bistånd", "ohalsotal": "Ohälsotal"}


@pytest.fixture(params=BACKENDS)
def plan_db(request, data_copy, tmp_path, monkeypatch):
    """A fresh database, with the user tables in the DuckDB file and (again) in PostgreSQL: the same rules on both."""
    target = tmp_path / "p.duckdb"
    db.build_database(data_copy, target)
    yield from open_backend(request, target, monkeypatch)


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

    assert stored["version"].tolist() == [1]
    changed = {**row, "id": key, "status": "klar", "version": 1}
    assert db.apply_plan_changes(plan_db, "bertil", COMMITTEE, "plan_activity", [changed]) == [key]
    assert db.apply_plan_changes(plan_db, "bertil", COMMITTEE, "plan_activity", [changed]) == []  # no change
    assert db.plan(plan_db, COMMITTEE)["activities"]["version"].tolist() == [2]  # the no-change save bumped nothing
    db.apply_plan_changes(plan_db, "cecilia", COMMITTEE, "plan_activity", [], deletes={key: 2})
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
            [{**plans.validate_activity(activity(status="klar")), "id": key, "version": 1}],
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
    names = db.query(db.users(plan_db), "SELECT name FROM weight_scenario WHERE name LIKE 'redaktor%'")["name"]
    assert len(names) == names.nunique() == 48
    titles = db.query(db.users(plan_db), "SELECT title FROM plan_activity WHERE title LIKE 'redaktor%'")["title"]
    assert len(titles) == titles.nunique() == 48
    audit = db.query(db.users(plan_db), "SELECT id, record_id FROM audit WHERE editor LIKE 'redaktor%'")
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

    monkeypatch.setattr(db.writes, "_audit", conflict_once)  # where `save_scenario` looks it up
    db.save_scenario(plan_db, "Omförsök", json.dumps({"a": 1}), editor="anna")
    assert len(calls) == 2
    assert len(db.query(db.users(plan_db), "SELECT * FROM weight_scenario WHERE name = 'Omförsök'")) == 1
    assert len(db.query(db.users(plan_db), "SELECT * FROM audit WHERE record_id = 'Omförsök'")) == 1


def two_editors_load_one_row(con) -> tuple[str, dict]:
    """Anna adds an activity; the row as both editors then load it (with its version)."""
    db.apply_plan_changes(con, "anna", COMMITTEE, "plan_activity", [plans.validate_activity(activity())])
    [loaded] = db.plan(con, COMMITTEE)["activities"].to_dict("records")
    return loaded["id"], {**plans.validate_activity(loaded), "id": loaded["id"], "version": loaded["version"]}


def test_a_save_against_a_changed_row_is_refused_whole_and_shows_the_other_change(plan_db):
    key, loaded = two_editors_load_one_row(plan_db)
    assert loaded["version"] == 1
    assert db.apply_plan_changes(plan_db, "anna", COMMITTEE, "plan_activity", [{**loaded, "status": "klar"}]) == [key]

    new_row = plans.validate_activity(activity(title="Ny aktivitet från Bertil"))
    with pytest.raises(db.StaleEdit) as err:
        db.apply_plan_changes(
            plan_db, "bertil", COMMITTEE, "plan_activity", [new_row, {**loaded, "owner": "Bertils enhet"}]
        )
    [conflict] = err.value.conflicts
    assert conflict["id"] == key and conflict["updated_by"] == "anna" and not conflict["deleted"]
    assert conflict["changes"] == {"status": ("pågår", "klar")}
    assert conflict["mine"]["owner"] == "Bertils enhet" and conflict["current"]["status"] == "klar"
    message = str(err.value)
    assert "någon annan har sparat planen" in message and "ändrades av anna" in message
    assert "status ”pågår” → ”klar”" in message

    stored = db.plan(plan_db, COMMITTEE)["activities"]  # anna's row as she saved it, and no half of bertil's save
    assert stored["title"].tolist() == ["Läxhjälp i Hökarängen"]
    assert stored.iloc[0]["status"] == "klar" and stored.iloc[0]["owner"] == "Fritidsenheten"
    assert stored.iloc[0]["version"] == 2 and stored.iloc[0]["updated_by"] == "anna"
    log = db.audit_log(plan_db, COMMITTEE)
    assert log["action"].value_counts().to_dict() == {"ny": 1, "ändrad": 1} and set(log["editor"]) == {"anna"}

    [reloaded] = db.plan(plan_db, COMMITTEE)["activities"].to_dict("records")  # bertil reloads, then saves
    again = {**plans.validate_activity(reloaded), "id": key, "version": reloaded["version"], "owner": "Bertils enhet"}
    assert db.apply_plan_changes(plan_db, "bertil", COMMITTEE, "plan_activity", [again]) == [key]
    [final] = db.plan(plan_db, COMMITTEE)["activities"].to_dict("records")
    assert (final["status"], final["owner"], final["version"], final["updated_by"]) == (
        "klar",
        "Bertils enhet",
        3,
        "bertil",
    )
    update = db.audit_log(plan_db, COMMITTEE).iloc[0]  # newest first
    assert json.loads(update["before"])["version"] == 2 and json.loads(update["after"])["version"] == 3


def test_the_same_change_by_both_editors_is_no_conflict(plan_db):
    key, loaded = two_editors_load_one_row(plan_db)
    db.apply_plan_changes(plan_db, "anna", COMMITTEE, "plan_activity", [{**loaded, "status": "klar"}])
    assert db.apply_plan_changes(plan_db, "bertil", COMMITTEE, "plan_activity", [{**loaded, "status": "klar"}]) == []
    assert db.plan(plan_db, COMMITTEE)["activities"]["updated_by"].tolist() == ["anna"]


def test_a_row_someone_else_changed_or_removed_is_not_removed_or_revived_unseen(plan_db):
    key, loaded = two_editors_load_one_row(plan_db)
    db.apply_plan_changes(plan_db, "anna", COMMITTEE, "plan_activity", [{**loaded, "budget": 2.5}])
    with pytest.raises(db.StaleEdit, match="ändrades av anna.*budget 1,5 → 2,5"):
        db.apply_plan_changes(plan_db, "bertil", COMMITTEE, "plan_activity", [], deletes={key: 1})
    assert db.plan(plan_db, COMMITTEE)["activities"]["budget"].tolist() == [2.5]
    with pytest.raises(db.DataError, match="version"):  # a delete must say which version it saw
        db.apply_plan_changes(plan_db, "bertil", COMMITTEE, "plan_activity", [], deletes=[key])

    db.apply_plan_changes(plan_db, "anna", COMMITTEE, "plan_activity", [], deletes=[(key, 2)])
    with pytest.raises(db.StaleEdit, match="togs bort av anna") as err:
        db.apply_plan_changes(plan_db, "bertil", COMMITTEE, "plan_activity", [{**loaded, "owner": "Bertils enhet"}])
    assert err.value.conflicts[0]["deleted"] and err.value.conflicts[0]["mine"]["owner"] == "Bertils enhet"
    assert db.plan(plan_db, COMMITTEE)["activities"].empty
    assert db.apply_plan_changes(plan_db, "bertil", COMMITTEE, "plan_activity", [], deletes={key: 1}) == []


def test_a_text_save_against_a_stale_version_is_refused_with_the_other_text(plan_db):
    assert db.save_plan_text(plan_db, "anna", COMMITTEE, "prioriteringar", "Trygghet först", expected_version=0)
    with pytest.raises(db.StaleEdit) as err:  # bertil opened the page before anna's text existed
        db.save_plan_text(plan_db, "bertil", COMMITTEE, "prioriteringar", "Arbete först", expected_version=0)
    [conflict] = err.value.conflicts
    assert conflict["updated_by"] == "anna" and conflict["current"]["text"] == "Trygghet först"
    assert conflict["changes"] == {"text": ("", "Trygghet först")} and conflict["mine"] == {"text": "Arbete först"}
    assert "ändrades av anna" in str(err.value) and "”Trygghet först”" in str(err.value)
    texts = db.plan(plan_db, COMMITTEE)["text"]
    assert texts["text"].tolist() == ["Trygghet först"] and texts["version"].tolist() == [1]

    assert db.save_plan_text(plan_db, "bertil", COMMITTEE, "prioriteringar", "Arbete först", expected_version=1)
    assert db.save_plan_text(plan_db, "anna", COMMITTEE, "prioriteringar", "Trygghet", expected_version=2)
    with pytest.raises(db.StaleEdit, match="”Arbete först” → ”Trygghet”"):
        db.save_plan_text(plan_db, "bertil", COMMITTEE, "prioriteringar", "Arbete", expected_version=2)
    texts = db.plan(plan_db, COMMITTEE)["text"]
    assert texts["text"].tolist() == ["Trygghet"] and texts["version"].tolist() == [3]
    log = db.audit_log(plan_db, COMMITTEE)
    assert len(log) == 3 and json.loads(log.iloc[0]["after"]) == {"text": "Trygghet", "version": 3}


def test_rows_from_a_database_without_row_versions_start_at_version_1(data_copy, tmp_path):
    """Plan rows written before rows had versions are carried across a rebuild as version 1, and a stale save
    against them is refused like any other."""
    target = tmp_path / "gammal.duckdb"
    db.build_database(data_copy, target)
    with db.connect(target) as con:
        db.apply_plan_changes(con, "anna", COMMITTEE, "plan_activity", [plans.validate_activity(activity())])
        con.execute("ALTER TABLE plan_activity DROP COLUMN version")  # the table as an older version wrote it
        con.execute("UPDATE audit SET after = json_remove(after, '$.version')")
    (data_copy / "district.csv").write_text(
        (data_copy / "district.csv").read_text(encoding="utf-8") + "\n", encoding="utf-8"
    )
    assert db.ensure_database(data_copy, target)
    with db.connect(target) as con:
        [row] = db.plan(con, COMMITTEE)["activities"].to_dict("records")
        assert row["version"] == 1
        loaded = {**plans.validate_activity(row), "id": row["id"], "version": 1}
        db.apply_plan_changes(con, "anna", COMMITTEE, "plan_activity", [{**loaded, "status": "klar"}])
        with pytest.raises(db.StaleEdit, match="status ”pågår” → ”klar”"):
            db.apply_plan_changes(con, "bertil", COMMITTEE, "plan_activity", [{**loaded, "owner": "Bertil"}])
        assert db.plan(con, COMMITTEE)["activities"]["version"].tolist() == [2]


def test_only_what_the_editor_changed_is_sent_with_the_version_it_was_loaded_with():
    loaded = pd.DataFrame(
        [
            {"id": "AKT-1", "version": 4, **activity(title="Oförändrad", budget=1.5, start=pd.Timestamp("2016-01-10"))},
            {"id": "AKT-2", "version": 2, **activity(title="Ändras")},
            {"id": "AKT-3", "version": 7, **activity(title="Tas bort")},
        ]
    )
    edited = pd.concat(
        [loaded.iloc[:2], pd.DataFrame([{"id": None, "version": float("nan"), **activity(title="Ny")}])],
        ignore_index=True,
    )
    edited.loc[1, "owner"] = "Ny ansvarig"
    upserts, deletes, problems, unsaved = plans.table_changes(edited, loaded, plans.validate_activity)
    assert problems == [] and deletes == {"AKT-3": 7}
    assert [(u["id"], u["version"], u["title"]) for u in upserts] == [("AKT-2", 2, "Ändras"), (None, None, "Ny")]
    assert unsaved[["ändring", "title"]].values.tolist() == [
        ["ändrad", "Ändras"],
        ["ny", "Ny"],
        ["borttagen", "Tas bort"],
    ]
