"""The build: the `.duckdb` file made from `data/`, atomically, with what users saved carried across.

The `.duckdb` file is a build product. `ensure_database` rebuilds it when it is missing or when the
fingerprint of the source files differs from the one stored in its `meta` table, so editing a CSV
is enough to change what the app shows. A build writes a temporary file in one transaction and
renames it into place, so a failed build never leaves a half-written database behind.

Except for its user tables (what planners saved): those are carried into every rebuild, copied to a backup first
(`lib/backup.py`), and a file that exists but cannot be read is never rebuilt, replaced or written
(`DatabaseUnreadable`), since it may hold the only copy of them.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable
from pathlib import Path

import duckdb
import pandas as pd

from lib.db.connection import connect
from lib.db.errors import DatabaseUnreadable, DataError, _shown_path
from lib.db.goaltrees import _installed_goal_tables
from lib.db.schema import (
    SCHEMA,
    SCHEMA_VERSION,
    SOURCE_FILES,
    UPSERT_IMPORTED,
    USER_SCHEMA,
    USER_SCHEMA_VERSION,
    USER_TABLES,
)
from lib.db.seed import prepare_tables, read_seed


def fingerprint(data_dir: Path) -> str:
    """SHA-256 over the source files (names and bytes) and the schema, so either change triggers a rebuild."""
    digest = hashlib.sha256((SCHEMA_VERSION + SCHEMA + USER_SCHEMA).encode())
    for name in SOURCE_FILES:
        path = data_dir / name
        digest.update(name.encode())
        digest.update(path.read_bytes() if path.exists() else b"<missing>")
    return digest.hexdigest()


def build_database(
    data_dir: Path,
    db_path: Path,
    *,
    user_tables: dict[str, pd.DataFrame] | None = None,
    finish: Callable[[duckdb.DuckDBPyConnection], None] | None = None,
) -> Path:
    """Build the database from `data_dir` into `db_path` atomically (temp file, one transaction, rename).

    The user tables come from the database being replaced, which is first copied to a backup (`lib.backup`); an
    existing file that cannot be read raises `DatabaseUnreadable` and is left as it is. `user_tables` (a restore)
    replaces what the old file holds, and `finish` runs inside the build transaction (the restore's audit row)."""
    tables = prepare_tables(read_seed(data_dir))
    if user_tables is None:
        saved = _read_user_tables(db_path)
        if saved:
            from lib import backup

            backup.write_backup(db_path, "ombyggnad")
    else:
        saved = user_tables
    tables.update(_installed_goal_tables(saved, set(tables["indicator"]["code"])) or {})
    db_path.parent.mkdir(parents=True, exist_ok=True)
    tmp = db_path.with_name(db_path.name + f".tmp{os.getpid()}")
    tmp.unlink(missing_ok=True)
    con = duckdb.connect(str(tmp))
    try:
        con.execute("BEGIN TRANSACTION")
        con.execute(SCHEMA)
        for name in (
            "district",
            "area",
            "domain",
            "indicator",
            "value",
            "model_value",
            "unit",
            "unit_value",
            "regso_type",
            "police_area",
            "reference_figure",
            "body",
            "goal_node",
            "responsibility",
            "goal_indicator",
            "goal_target",
            "activity",
        ):
            frame = tables[name]
            con.register("frame", frame)
            cols = ", ".join(f'"{c}"' for c in frame.columns)
            con.execute(f"INSERT INTO {name} ({cols}) SELECT {cols} FROM frame")  # noqa: S608 - fixed names
            con.unregister("frame")
        con.execute(USER_SCHEMA)
        for name, frame in saved.items():
            _restore_user_table(con, name, frame)
        con.execute("INSERT INTO user_schema VALUES (?)", [USER_SCHEMA_VERSION])
        _reapply_imports(con)
        if finish is not None:
            finish(con)
        con.executemany(
            "INSERT INTO meta VALUES (?, ?)",
            [["fingerprint", fingerprint(data_dir)], ["schema_version", SCHEMA_VERSION]],
        )
        con.execute("COMMIT")
    except Exception:
        con.close()
        tmp.unlink(missing_ok=True)
        raise
    con.close()
    os.replace(tmp, db_path)
    return db_path


def _restore_user_table(con: duckdb.DuckDBPyConnection, name: str, frame: pd.DataFrame) -> None:
    """Copy a saved user table into the new schema by named columns: a column the new schema added takes its
    default, a column it dropped is left behind (never `SELECT *`)."""
    if name == "user_schema":
        return
    target = [
        r[0]
        for r in con.execute(
            "SELECT column_name FROM duckdb_columns() WHERE table_name = ? ORDER BY column_index", [name]
        ).fetchall()
    ]
    shared = [c for c in frame.columns if c in target]
    if not shared:
        return
    con.register("saved", frame[shared])
    cols = ", ".join(f'"{c}"' for c in shared)
    con.execute(f"INSERT INTO {name} ({cols}) SELECT {cols} FROM saved")  # noqa: S608 - fixed names
    con.unregister("saved")


def _reapply_imports(con: duckdb.DuckDBPyConnection) -> None:
    """Real values imported by users sit on top of the seed values, in import order, across rebuilds."""
    active = con.execute("SELECT id FROM import_log WHERE undone_at IS NULL ORDER BY id").fetchall()
    for (import_id,) in active:
        con.execute(
            "CREATE OR REPLACE TEMP TABLE one_import AS SELECT * FROM imported_value WHERE import_id = ?", [import_id]
        )
        con.execute(UPSERT_IMPORTED.format(source="one_import"))
    con.execute("DROP TABLE IF EXISTS one_import")


def _read_user_tables(old_path: Path) -> dict[str, pd.DataFrame]:
    """What users saved (scenarios, later plans) in the database about to be replaced."""
    if not old_path.exists():
        return {}
    try:
        with connect(old_path, read_only=True) as old:
            present = {r[0] for r in old.execute("SELECT table_name FROM duckdb_tables()").fetchall()}
            return {t: old.execute(f"SELECT * FROM {t}").df() for t in USER_TABLES if t in present}  # noqa: S608
    except duckdb.Error as exc:
        # Never "nothing to carry over": the file may hold the only copy of the planners' work.
        raise DatabaseUnreadable(old_path) from exc


def stored_fingerprint(db_path: Path) -> str | None:
    if not db_path.exists():
        return None
    try:
        with connect(db_path, read_only=True) as con:
            tables = {r[0] for r in con.execute("SELECT table_name FROM duckdb_tables()").fetchall()}
            row = None
            if "meta" in tables:
                row = con.execute("SELECT value FROM meta WHERE key = ?", ["fingerprint"]).fetchone()
    except duckdb.Error as exc:
        raise DatabaseUnreadable(db_path) from exc
    if "meta" not in tables and tables:
        # Every build writes `meta`: without it the file is some other database, which a rebuild would replace.
        raise DataError(
            f"{_shown_path(db_path)} är en DuckDB-databas men inte verktygets (tabellen meta saknas). Inget ändrades; "
            "ange en annan fil med SAMMANHALLEN_DB eller flytta undan den här."
        )
    return row[0] if row else None


def ensure_database(data_dir: Path, db_path: Path) -> bool:
    """Build the database if it is missing or older than the source files; True if it was built."""
    if stored_fingerprint(db_path) == fingerprint(data_dir):
        return False
    build_database(data_dir, db_path)
    return True
