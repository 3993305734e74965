"""PostgreSQL for what users write: several processes on one database, migrations, and a server that is missing.

The plan and import tests run on both homes of the user tables (their fixtures are parametrised); here is what
only PostgreSQL has: two working copies stand for two app processes (or a replica and the CLI), each with its own
DuckDB engine, sharing the user tables.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import EDITOR, EDITOR_PASSWORD, ROOT
from lib import auth, db, importer, signin
from lib.config import YEARS, Paths
from lib.db import pg

pytestmark = pytest.mark.postgres


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    """One built DuckDB file for the module: the working copies only read it."""
    target = tmp_path_factory.mktemp("pg") / "built.duckdb"
    db.build_database(Paths().data_dir, target)
    return target


@pytest.fixture
def shared_url(pg_db, monkeypatch) -> str:
    monkeypatch.setenv(pg.URL_ENV, pg_db)
    yield pg_db
    pg.close_all()


@pytest.fixture
def two(shared_url, built):
    """Two processes' copies of the data on one PostgreSQL database."""
    first, second = db.working_copy(built), db.working_copy(built)
    yield first, second
    first.close()
    second.close()


def value_of(con, area: str, indicator: str, year: int) -> tuple[float, bool]:
    row = db.query(
        con,
        "SELECT value, synthetic FROM value WHERE area_code = ? AND indicator_code = ? AND year = ?",
        [area, indicator, year],
    ).iloc[0]
    return float(row["value"]), bool(row["synthetic"])


def husby_rows(con, value: str) -> object:
    text = f"stadsdel;indikator;år;värde;källa\nHusby;Ohälsotal;2016;{value};Försäkringskassan\n"
    parsed = importer.parse_values(
        importer.read_table(text.encode("utf-8"), "f.csv"), db.areas(con), db.indicators(con), (YEARS[0], YEARS[-1])
    )
    assert parsed.ok
    return parsed.values


def test_an_import_through_one_process_reaches_the_other_and_so_does_its_undo(two):
    first, second = two
    seed = value_of(second, "husby", "ohalsotal", 2016)
    import_id = db.import_values(first, "anna", husby_rows(first, "21,5"), "f.csv")
    assert value_of(first, "husby", "ohalsotal", 2016) == (21.5, False)
    assert value_of(second, "husby", "ohalsotal", 2016) == seed  # not yet: the next rerun asks
    assert db.catch_up(second) and value_of(second, "husby", "ohalsotal", 2016) == (21.5, False)
    assert not db.catch_up(second)  # nothing new: one small query, no work

    db.undo_import(second, "bertil", import_id)  # undone through the other process
    assert value_of(second, "husby", "ohalsotal", 2016) == seed
    assert db.catch_up(first) and value_of(first, "husby", "ohalsotal", 2016) == seed
    assert db.imports(first)["undone_by"].tolist() == ["bertil"]
    actions = db.audit_log(first)["action"].tolist()
    assert actions == ["ångrad", "import"]


def test_a_process_started_later_starts_with_every_import(two, built):
    first, _ = two
    db.import_values(first, "anna", husby_rows(first, "19"), "a.csv")
    db.import_values(first, "anna", husby_rows(first, "23"), "b.csv")
    later = db.working_copy(built)
    try:
        assert value_of(later, "husby", "ohalsotal", 2016) == (23.0, False)
    finally:
        later.close()


def test_a_goal_tree_installed_through_one_process_reaches_the_other(two):
    first, second = two
    shipped = (ROOT / "data" / "goals.yaml").read_text(encoding="utf-8")
    text = next(t for t in db.goal_tree(second).nodes["text"] if shipped.count(f"text: {t}\n") == 1)
    changed = shipped.replace(f"text: {text}\n", "text: Ett nytt målområde för testet\n")
    db.install_goal_tree(first, "anna", changed, "ny.yaml")
    assert db.catch_up(second)
    assert "Ett nytt målområde för testet" in db.goal_tree(second).nodes["text"].tolist()
    assert db.goal_tree_installs(second)["filename"].tolist() == ["ny.yaml"]


def test_a_follow_up_text_saved_meanwhile_refuses_the_stale_save(two):
    first, second = two
    assert db.save_goal_followup(first, "anna", "D9", "sdn_farsta", 2020, "T1", "Annas analys", "", 0)
    with pytest.raises(db.StaleFollowup):
        db.save_goal_followup(second, "bertil", "D9", "sdn_farsta", 2020, "T1", "Bertils analys", "", 0)
    stored = db.goal_followups(second, "D9", 2020)
    assert stored["analysis"].tolist() == ["Annas analys"]


def test_failed_sign_ins_count_across_processes(two):
    first, second = two
    at = signin.now()
    for _ in range(signin.FREE_FAILURES + 1):
        signin.record_failure(first, "gissare", "k-gissare", at)
    assert signin.check_allowed(second, "gissare", "k-gissare", at) is not None
    signin.record_success(second, "gissare", "k-gissare")
    assert signin.check_allowed(first, "gissare", "k-gissare", at) is None


def test_a_new_database_is_migrated_once_and_a_newer_one_is_left_alone(shared_url):
    store = pg.store()
    assert pg.migrate(store) == db.USER_SCHEMA_VERSION  # already done on open
    cur = store.cursor()
    try:
        tables = {r[0] for r in cur.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public'").fetchall()}
        assert set(db.USER_TABLES) | {"user_schema"} <= tables
        assert cur.execute("SELECT count(*) FROM user_schema").fetchall() == [(1,)]
        cur.execute("INSERT INTO user_schema VALUES (?)", [db.USER_SCHEMA_VERSION + 1])
    finally:
        cur.close()
    with pytest.raises(db.DataError, match="nyare än appens"):
        pg.migrate(store)


def test_an_unreachable_server_is_reported_in_swedish_without_the_password(monkeypatch, built):
    from tests.pgserver import free_port

    url = f"postgresql://anna:hemligt-losen@127.0.0.1:{free_port()}/sammanhallen"
    monkeypatch.setenv(pg.URL_ENV, url)
    with pytest.raises(db.DataError) as err:
        db.working_copy(built)
    assert "kan inte nås" in str(err.value) and "Inget ändrades" in str(err.value)
    assert "hemligt" not in str(err.value)


def test_the_server_launcher_stops_with_the_message_when_postgresql_is_missing(tmp_path):
    from tests.pgserver import free_port

    done = subprocess.run(
        [sys.executable, "-m", "ui.server", "--server.port", str(free_port()), "--server.headless", "true"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        env={
            **os.environ,
            pg.URL_ENV: f"postgresql://sammanhallen@127.0.0.1:{free_port()}/sammanhallen",
            "SAMMANHALLEN_DB": str(tmp_path / "app.duckdb"),
        },
    )
    assert done.returncode == 2
    assert "kan inte nås" in done.stderr and "Servern startades inte" in done.stderr


def test_the_cli_writes_while_an_app_process_has_its_copy(two, shared_url, built, tmp_path):
    """DuckDB lets one process write its file; with PostgreSQL the CLI imports while the app runs."""
    first, _ = two
    secrets = tmp_path / "secrets.toml"
    secrets.write_text(auth.toml_dumps({"editors": {EDITOR: auth.hash_password(EDITOR_PASSWORD)}}), encoding="utf-8")
    source = tmp_path / "v.csv"
    source.write_text("stadsdel;indikator;år;värde;källa\nHusby;Ohälsotal;2016;24,5;Försäkringskassan\n", "utf-8")
    done = subprocess.run(
        [sys.executable, "-m", "lib.cli", "import-values", str(source), "--editor", EDITOR],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=180,
        env={
            **os.environ,
            pg.URL_ENV: shared_url,
            "SAMMANHALLEN_SECRETS": str(secrets),
            "SAMMANHALLEN_PASSWORD": EDITOR_PASSWORD,
            "SAMMANHALLEN_DB": str(built),  # the file the two processes copied: nobody holds it
        },
    )
    assert done.returncode == 0, done.stderr
    assert db.catch_up(first) and value_of(first, "husby", "ohalsotal", 2016) == (24.5, False)
    assert db.audit_log(first)["editor"].tolist()[0] == EDITOR


def test_what_one_server_saved_moves_into_an_empty_postgresql_once(pg_db, monkeypatch, tmp_path):
    """From one server to many: a backup of the DuckDB file's user tables is read into PostgreSQL, and every
    process then has the scenario, the plan and the imported value; a second read-in is refused."""
    from lib import backup, plans

    target = tmp_path / "one.duckdb"
    db.build_database(Paths().data_dir, target)
    with db.connect(target) as con:
        db.save_scenario(con, "Från en server", '{"a": 1}', editor="anna")
        db.apply_plan_changes(
            con,
            "anna",
            "Farsta stadsdelsnämnd",
            "plan_activity",
            [plans.validate_activity({"title": "Läxhjälp", "status": "pågår"})],
        )
        db.import_values(con, "anna", husby_rows(con, "22,5"), "f.csv")
        made = backup.write_backup(con, "manuell")
    monkeypatch.setenv(pg.URL_ENV, pg_db)
    try:
        backup.restore_to_postgres(made, "anna")
        copy = db.working_copy(target)
        assert db.scenarios(copy)["name"].tolist() == ["Från en server"]
        assert db.plan(copy, "Farsta stadsdelsnämnd")["activities"]["title"].tolist() == ["Läxhjälp"]
        assert value_of(copy, "husby", "ohalsotal", 2016) == (22.5, False)
        before = db.audit_log(copy)
        assert before["action"].iloc[0] == "återställd" and len(before) == 4
        with pytest.raises(db.DataError, match="har redan innehåll"):
            backup.restore_to_postgres(made, "anna")
        assert len(db.audit_log(copy)) == len(before)
        copy.close()
    finally:
        pg.close_all()


def test_a_page_shows_what_another_process_saved_at_the_next_page_view(two, built, monkeypatch):
    """The app on PostgreSQL: a plan text saved through another process is on the page, and an import made there
    reaches this process's data at the next page view (`app.py` asks at every run; the rerun in a browser session
    is checked with two replicas in test_replicas.py)."""
    import streamlit as st
    from streamlit.testing.v1 import AppTest
    from test_pages import open_page

    from ui import readers

    first, _ = two
    monkeypatch.setenv("SAMMANHALLEN_DB", str(built))
    readers.connection.clear()
    st.cache_data.clear()
    try:
        db.save_plan_text(first, "anna", "Farsta stadsdelsnämnd", "prioriteringar", "Trygghet från en annan process")
        plans_page = open_page("pages/plans.py", namnd="Farsta stadsdelsnämnd")
        assert not plans_page.exception, [e.value for e in plans_page.exception]
        assert plans_page.text_area[0].value == "Trygghet från en annan process"

        assert value_of(readers.connection(), "husby", "ohalsotal", 2016)[1]  # synthetic until the import
        db.import_values(first, "anna", husby_rows(first, "26,5"), "f.csv")
        app = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120).run()  # the next page view
        assert not app.exception and not app.warning, [w.value for w in app.warning]
        assert value_of(readers.connection(), "husby", "ohalsotal", 2016) == (26.5, False)
    finally:
        readers.connection.clear()
        st.cache_data.clear()
        db._APP_CONNECTIONS.pop(built.resolve(), None)
