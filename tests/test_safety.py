"""Data is never discarded and every failure is a message: an unreadable database is left alone, rebuilds and
imports write backups, a backup restores, the CLI turns every failure into Swedish (exit 2, 3 for authorisation),
and the launcher takes the database's write lock before the server answers."""

from __future__ import annotations

import errno
import os
import shutil
import subprocess
import sys

import duckdb
import pandas as pd
import pytest

from conftest import EDITOR, EDITOR_PASSWORD, ROOT, _free_port, start_server, stop_server, wait_healthy
from lib import auth, db

UNREADABLE = "kan inte läsas"


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """One freshly built database (with a saved scenario) that tests copy; building takes a second or two."""
    path = tmp_path_factory.mktemp("built") / "sammanhallen.duckdb"
    db.build_database(ROOT / "data", path)
    with db.connect(path) as con:
        db.save_scenario(con, "Jobb först", '{"a": 1}', EDITOR)
    return path


@pytest.fixture
def fresh(built, tmp_path):
    """A private copy of the built database, in a folder of its own (its backups go to ./backups)."""
    target = tmp_path / "db" / "sammanhallen.duckdb"
    target.parent.mkdir()
    shutil.copyfile(built, target)
    return target


@pytest.fixture
def cli_env(monkeypatch, tmp_path):
    """In-process CLI runs against the test's own database, with one editor whose password is in the env."""
    secrets = tmp_path / "secrets.toml"
    secrets.write_text(auth.toml_dumps({"editors": {EDITOR: auth.hash_password(EDITOR_PASSWORD)}}), encoding="utf-8")
    monkeypatch.setenv("SAMMANHALLEN_SECRETS", str(secrets))
    monkeypatch.setenv("SAMMANHALLEN_PASSWORD", EDITOR_PASSWORD)
    return secrets


def corrupt(source, target, kind: str) -> None:
    """The corrupted-database cases of the malformed-file corpus, generated (no binaries committed): random bytes,
    a damaged file header, and a few garbage bytes in a data block (DuckDB's checksum catches them)."""
    raw = source.read_bytes()
    if kind == "random":
        data = os.urandom(64 * 1024)
    elif kind == "header":
        data = raw[:8] + b"GARBAGE!" * 4 + raw[40:]
    else:
        data = raw[:4096] + os.urandom(64) + raw[4096 + 64 :]
    target.write_bytes(data)


def cli(*args: str) -> tuple[int, str, str]:
    """`lib.cli.main` in this process, with its stdout and stderr."""
    import contextlib
    import io

    from lib.cli import main

    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(list(args))
    return code, out.getvalue(), err.getvalue()


def run_cli(*args: str, env: dict | None = None, timeout: float = 120) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "lib.cli", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=timeout,
        env={**os.environ, **(env or {})},
    )


@pytest.mark.parametrize("kind", ["random", "header", "block"])
def test_an_unreadable_database_is_never_rebuilt(built, tmp_path, kind):
    target = tmp_path / "sammanhallen.duckdb"
    corrupt(built, target, kind)
    before = target.read_bytes()
    for attempt in (
        lambda: db.ensure_database(ROOT / "data", target),
        lambda: db.build_database(ROOT / "data", target),
        lambda: db.connect(target),
    ):
        with pytest.raises(db.DatabaseUnreadable, match=UNREADABLE):
            attempt()
    assert target.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["sammanhallen.duckdb"]  # no temp file, no new database


def test_another_duckdb_database_is_not_replaced(tmp_path):
    """A readable DuckDB file that the tool did not build (no `meta` table) is some other database: refused too."""
    target = tmp_path / "annan.duckdb"
    with duckdb.connect(str(target)) as c:
        c.execute("CREATE TABLE budget (post VARCHAR, belopp DOUBLE)")
        c.execute("INSERT INTO budget VALUES ('hyra', 1.0)")
    before = target.read_bytes()
    with pytest.raises(db.DataError, match="inte verktygets"):
        db.ensure_database(ROOT / "data", target)
    assert target.read_bytes() == before


def test_info_on_a_corrupted_database_exits_2_and_changes_nothing(built, tmp_path):
    """The reported defect: `lib.cli info` rebuilt over a corrupted file (exit 0) and every saved plan was gone."""
    target = tmp_path / "sammanhallen.duckdb"
    corrupt(built, target, "block")
    before = target.read_bytes()
    result = run_cli("info", env={"SAMMANHALLEN_DB": str(target)})
    assert result.returncode == 2, result.stdout + result.stderr
    assert UNREADABLE in result.stderr and "Inget ändrades" in result.stderr and str(target) in result.stderr
    assert "ingen säkerhetskopia" in result.stderr
    assert "Traceback" not in result.stderr and result.stdout == ""
    assert target.read_bytes() == before


def test_the_message_points_to_the_newest_backup(fresh, monkeypatch):
    from lib import backup

    backup.write_backup(fresh, "manuell")
    newest = backup.write_backup(fresh, "manuell")
    corrupt(fresh, fresh, "block")
    monkeypatch.setenv("SAMMANHALLEN_DB", str(fresh))
    code, _, err = cli("build-db", "--force")
    assert code == 2
    assert UNREADABLE in err and newest.name in err and "python -m lib.cli restore" in err


def test_a_locked_database_is_not_called_unreadable(fresh):
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            f"import duckdb, time; c = duckdb.connect({str(fresh)!r}); print('ok', flush=True); time.sleep(30)",
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout.readline().strip() == "ok"
        with pytest.raises(db.DatabaseLocked, match="används av en annan process"):
            db.ensure_database(ROOT / "data", fresh)
    finally:
        holder.kill()
        holder.wait()


def scenario_names(path) -> list[str]:
    with db.connect(path, read_only=True) as con:
        return db.scenarios(con)["name"].tolist()


def test_rebuilds_and_imports_write_backups_and_keep_the_newest(fresh, monkeypatch, data_copy):
    from lib import backup

    monkeypatch.setenv("SAMMANHALLEN_BACKUP_KEEP", "3")
    district = data_copy / "district.csv"
    district.write_text(district.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    assert db.ensure_database(data_copy, fresh)  # a rebuild: backup first
    (first,) = backup.backups(fresh)
    assert first.name.endswith("-ombyggnad.duckdb") and first.parent == fresh.parent / "backups"
    saved = backup.read_backup(first)
    assert saved.tables["weight_scenario"]["name"].tolist() == ["Jobb först"]
    assert saved.user_schema_version == db.USER_SCHEMA_VERSION and saved.fingerprint
    values = pd.DataFrame(
        {"area_code": ["Rinkeby"], "indicator_code": ["ohalsotal"], "year": [2016], "value": [40.0], "source": ["x"]}
    )
    with db.connect(fresh) as con:
        values["area_code"] = db.areas(con)["code"].iloc[0]
        ids = [db.import_values(con, EDITOR, values.assign(value=40.0 + i), f"f{i}.csv") for i in range(4)]
        db.undo_import(con, EDITOR, ids[-1])
    found = backup.backups(fresh)
    assert len(found) == 3  # pruned to SAMMANHALLEN_BACKUP_KEEP
    assert found[-1].name.endswith("-angra-inlasning.duckdb") and found[-2].name.endswith("-inlasning.duckdb")
    assert backup.latest_backup(fresh) == found[-1]
    assert not first.exists()
    last = backup.read_backup(found[-1]).tables["import_log"]
    assert len(last) == 4 and last["undone_at"].isna().all()  # taken before the undo


def test_backup_and_restore_round_trip_through_the_cli(fresh, monkeypatch, cli_env):
    from lib import backup

    monkeypatch.setenv("SAMMANHALLEN_DB", str(fresh))
    committee = "Rinkeby-Kista stadsdelsnämnd"
    with db.connect(fresh) as con:
        db.save_plan_text(con, EDITOR, committee, "prioriteringar", "Läxhjälp först")
    code, out, err = cli("backup", "--editor", EDITOR)
    assert code == 0, err
    (made,) = backup.backups(fresh)
    assert str(made) in out
    with db.connect(fresh) as con:  # work lost after the backup
        assert db.delete_scenario(con, "Jobb först", EDITOR)
        assert db.scenarios(con).empty
        con.execute("DELETE FROM plan_text")
    code, out, err = cli("restore", str(made), "--editor", EDITOR)
    assert code == 0, err
    assert scenario_names(fresh) == ["Jobb först"]
    with db.connect(fresh, read_only=True) as con:
        assert db.plan(con, committee)["text"]["text"].tolist() == ["Läxhjälp först"]
        log = db.audit_log(con)
    restored = log[log["action"] == "återställd"]
    assert len(restored) == 1 and restored["editor"].iloc[0] == EDITOR and restored["record_id"].iloc[0] == made.name
    assert (log["action"] == "säkerhetskopierad").sum() == 0  # that row was written after the backup was taken
    before_restore = [p for p in backup.backups(fresh) if p.name.endswith("-fore-aterstallning.duckdb")]
    assert len(before_restore) == 1  # the state it replaced is kept too
    kept = backup.read_backup(before_restore[0]).tables
    assert kept["weight_scenario"].empty and kept["plan_text"].empty


def test_restore_moves_an_unreadable_database_aside(fresh, cli_env, monkeypatch):
    from lib import backup

    made = backup.write_backup(fresh, "manuell")
    corrupt(fresh, fresh, "header")
    broken = fresh.read_bytes()
    monkeypatch.setenv("SAMMANHALLEN_DB", str(fresh))
    code, out, err = cli("restore", made.name, "--editor", EDITOR)  # a bare name from backups/
    assert code == 0, err
    assert scenario_names(fresh) == ["Jobb först"]
    (aside,) = fresh.parent.joinpath("backups").glob("sammanhallen-olasbar-*.duckdb")
    assert aside.read_bytes() == broken and str(aside) in out  # moved, never deleted
    assert aside not in backup.backups(fresh)  # and never pruned as a backup


def test_restore_refuses_what_is_not_a_backup(fresh, built, tmp_path, cli_env, monkeypatch):
    from lib import backup

    monkeypatch.setenv("SAMMANHALLEN_DB", str(fresh))
    text = tmp_path / "values.csv"
    text.write_text("stadsdel;indikator;år;värde\n", encoding="utf-8")
    other = tmp_path / "other.duckdb"
    shutil.copyfile(built, other)  # a DuckDB file, but a database, not a backup
    plain = tmp_path / "plain.duckdb"
    duckdb.connect(str(plain)).close()
    newer = backup.write_backup(built, "manuell")
    with duckdb.connect(str(newer)) as c:
        c.execute("UPDATE backup_info SET user_schema_version = 99")
    code, _, err = cli("restore", str(text), "--editor", EDITOR)  # through the CLI once: exit 2, no traceback
    assert code == 2 and "ingen säkerhetskopia" in err and "Inget ändrades" in err and "Traceback" not in err
    for candidate, words in (
        (other, "ingen säkerhetskopia"),
        (plain, "ingen säkerhetskopia"),
        (newer, "nyare version"),
        (fresh, "själva databasen"),
        (tmp_path, "är en mapp"),
        (tmp_path / "saknas.duckdb", "finns inte"),
    ):
        with pytest.raises(db.DataError, match=words) as refused:
            backup.restore(ROOT / "data", fresh, candidate, EDITOR)
        assert "Inget ändrades" in str(refused.value)
    assert scenario_names(fresh) == ["Jobb först"]
    assert not (fresh.parent / "backups").exists()  # refused before anything was copied or rebuilt
    with db.connect(fresh, read_only=True) as con:
        assert db.audit_log(con).query("action == 'återställd'").empty


def test_backup_and_restore_need_an_editor(fresh, cli_env, monkeypatch):
    from lib import backup

    monkeypatch.setenv("SAMMANHALLEN_DB", str(fresh))
    made = backup.write_backup(fresh, "manuell")
    for args in (("restore", str(made)), ("backup",)):
        code, _, err = cli(*args)
        assert code == 3 and "inloggad som redigerare" in err
    monkeypatch.setenv("SAMMANHALLEN_PASSWORD", "fel-losenord-1")
    code, _, err = cli("restore", str(made), "--editor", EDITOR)
    assert code == 3 and "Fel användarnamn eller lösenord" in err
    assert backup.backups(fresh) == [made]  # neither a new backup nor a restore's "före återställning" copy
    with db.connect(fresh, read_only=True) as con:
        assert db.audit_log(con).query("action == 'återställd'").empty


@pytest.mark.parametrize(
    ("error", "words"),
    [
        (OSError(errno.ENOSPC, "No space left on device", "/data/sammanhallen.duckdb"), "disken är full"),
        (PermissionError(errno.EACCES, "Permission denied", "/data"), "saknar skrivrätt"),
        (OSError(errno.EROFS, "Read-only file system", "/data"), "skrivskyddat"),
        (IsADirectoryError(errno.EISDIR, "Is a directory", "/data/x.csv"), "är en mapp"),
        (FileNotFoundError(errno.ENOENT, "No such file or directory", "/data/x.csv"), "finns inte"),
        (RecursionError("maximum recursion depth exceeded"), "för djupt nästlad"),
        (duckdb.IOException("IO Error: Could not write file: No space left on device"), "disken är full"),
        (duckdb.Error("Corrupt database file: computed checksum 1 does not match"), UNREADABLE),
        (KeyError("boom"), "Oväntat fel: KeyError. Inget ändrades."),
    ],
)
def test_every_cli_failure_is_a_swedish_message_with_exit_2(error, words, monkeypatch, fresh):
    monkeypatch.setenv("SAMMANHALLEN_DB", str(fresh))

    def fail(*args, **kwargs):
        raise error

    monkeypatch.setattr(db, "ensure_database", fail)
    code, out, err = cli("info")
    assert code == 2, err
    assert words in err and "Traceback" not in err and out == ""


def test_yaml_errors_and_debug_tracebacks(monkeypatch, fresh):
    import yaml

    monkeypatch.setenv("SAMMANHALLEN_DB", str(fresh))

    def fail(*args, **kwargs):
        raise yaml.YAMLError("while parsing a flow sequence")

    monkeypatch.setattr(db, "ensure_database", fail)
    code, _, err = cli("info")
    assert code == 2 and "inte giltig YAML" in err and "Traceback" not in err
    monkeypatch.setenv("SAMMANHALLEN_DEBUG", "1")
    code, _, err = cli("info")
    assert code == 2 and "Traceback" in err  # for developers only


@pytest.mark.skipif(os.geteuid() == 0, reason="root ignores file permissions")
def test_a_read_only_folder_is_exit_2_not_authorisation(tmp_path):
    folder = tmp_path / "ro"
    folder.mkdir()
    folder.chmod(0o555)
    try:
        result = run_cli("build-db", env={"SAMMANHALLEN_DB": str(folder / "x.duckdb")})
    finally:
        folder.chmod(0o755)
    assert result.returncode == 2 and "saknar skrivrätt" in result.stderr and "Traceback" not in result.stderr


def test_a_directory_as_input_is_exit_2_without_traceback(tmp_path, cli_env, fresh, monkeypatch):
    env = {"SAMMANHALLEN_DB": str(tmp_path / "none.duckdb"), "SAMMANHALLEN_SECRETS": str(cli_env)}
    restore = run_cli(
        "restore", str(tmp_path), "--editor", EDITOR, env={**env, "SAMMANHALLEN_PASSWORD": EDITOR_PASSWORD}
    )
    assert restore.returncode == 2 and "är en mapp" in restore.stderr and "Traceback" not in restore.stderr
    assert not (tmp_path / "none.duckdb").exists()
    monkeypatch.setenv("SAMMANHALLEN_DB", str(fresh))
    folder = tmp_path / "värden.csv"
    folder.mkdir()
    code, _, err = cli("import-values", str(folder), "--dry-run")
    assert code == 2 and "är en mapp" in err and "Traceback" not in err


def _start_launcher(db_path, port: int) -> subprocess.Popen:
    return start_server(port, {"SAMMANHALLEN_DB": str(db_path)}, module="ui.server", stdout=subprocess.PIPE)


def test_the_launcher_holds_the_database_before_the_first_page_view(fresh, tmp_path, cli_env):
    """With plain `streamlit run`, a CLI import between server start and the first page view succeeded and the
    first visitor got a traceback. The launcher opens the database first: the CLI is refused."""
    port = _free_port()
    server = _start_launcher(fresh, port)
    try:
        if not wait_healthy(f"http://127.0.0.1:{port}", server):
            pytest.fail("the launcher did not serve: " + server.stdout.read().decode(errors="replace")[-2000:])
        values = tmp_path / "values.csv"
        values.write_text("stadsdel;indikator;år;värde;källa\nRinkeby;Ohälsotal;2016;40,1;SCB\n", encoding="utf-8")
        env = {
            "SAMMANHALLEN_DB": str(fresh),
            "SAMMANHALLEN_SECRETS": str(cli_env),
            "SAMMANHALLEN_PASSWORD": EDITOR_PASSWORD,
        }
        for args in (("import-values", str(values), "--editor", EDITOR), ("backup", "--editor", EDITOR)):
            result = run_cli(*args, env=env)
            assert result.returncode == 2, (args, result.stdout, result.stderr)
            assert "används av en annan process" in result.stderr and "Traceback" not in result.stderr
    finally:
        stop_server(server)
    with db.connect(fresh, read_only=True) as con:
        assert db.imports(con).empty


def test_the_launcher_refuses_an_unreadable_database(built, tmp_path):
    target = tmp_path / "sammanhallen.duckdb"
    corrupt(built, target, "block")
    before = target.read_bytes()
    server = _start_launcher(target, _free_port())
    try:
        output = server.communicate(timeout=60)[0].decode(errors="replace")
    finally:
        if server.poll() is None:
            server.kill()
    assert server.returncode == 2
    assert UNREADABLE in output and "Servern startades inte" in output and "Traceback" not in output
    assert "You can now view" not in output
    assert target.read_bytes() == before


def test_the_page_shows_the_message_for_an_unreadable_database(built, tmp_path, monkeypatch):
    """Under plain `streamlit run` (and AppTest) the app opens lazily; an unreadable file gives the Swedish message
    on the page, not a traceback and not the generic error."""
    import streamlit as st
    from streamlit.testing.v1 import AppTest

    from ui import layout, readers

    target = tmp_path / "sammanhallen.duckdb"
    corrupt(built, target, "block")
    monkeypatch.setenv("SAMMANHALLEN_DB", str(target))
    st.cache_data.clear()
    readers.connection.clear()
    try:
        at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
        at.run()
        assert not at.exception, [e.value for e in at.exception]
        errors = " ".join(e.value for e in at.error)
        assert UNREADABLE in errors and "Inget ändrades" in errors and layout.PAGE_ERROR not in errors
    finally:
        monkeypatch.undo()
        st.cache_data.clear()
        readers.connection.clear()
