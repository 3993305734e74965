"""Importing real values and undoing an import: a bulk write that keeps what it replaced.

Each import is backed up first, written in one transaction with its audit row, and remembered value by value in
`imported_value`, so the latest one can be undone exactly and the build can lay every active import over the
seed values again after a rebuild.
"""

from __future__ import annotations

import os
import time

import duckdb
import pandas as pd

from lib.db import pg
from lib.db.connection import _audit, data_cursor, query, retry_on_conflict, transaction, users
from lib.db.errors import DataError
from lib.db.schema import PUT_BACK_ADDED, PUT_BACK_REPLACED, UPSERT_IMPORTED
from lib.db.shared import catch_up


def _backup_before(con: duckdb.DuckDBPyConnection, reason: str) -> None:
    """A backup of the user tables before a bulk write (a database in memory has nothing to lose on disk)."""
    from lib import backup

    if backup.database_file(con) is not None:
        backup.write_backup(con, reason)


COLUMNS = ["area_code", "indicator_code", "year", "value", "source"]


@retry_on_conflict
def import_values(con: duckdb.DuckDBPyConnection, editor: str | None, values: pd.DataFrame, filename: str) -> int:
    """Write checked values (area_code, indicator_code, year, value, source) as real (`synthetic = false`) in one
    transaction, keeping what they replace so the import can be undone. Returns the import id.

    With PostgreSQL the import is kept there (log, values with what they replace, audit row) in one transaction
    behind the shared write lock, and every process lays it over its DuckDB copy (`shared.catch_up`)."""
    from lib.auth import require_editor

    editor = require_editor(editor)
    if values.empty:
        raise DataError("Inga värden att läsa in.")
    _backup_before(con, "inlasning")
    incoming = values[COLUMNS]
    store = users(con)
    shared = store is not con
    with transaction(store) as cur:
        if shared:
            catch_up(con)  # under the shared lock: the values every earlier import left
        import_id = cur.execute("SELECT coalesce(max(id), 0) + 1 FROM import_log").fetchall()[0][0]
        with data_cursor(con, cur) as data:
            rows = _with_before(data, incoming, int(import_id))
        insert_frame(cur, "imported_value", rows)
        added, replaced = int(rows["before_value"].isna().sum()), int(rows["before_value"].notna().sum())
        if not shared:
            cur.execute(UPSERT_IMPORTED.format(source="incoming"))
        cur.execute(
            "INSERT INTO import_log VALUES (?, now(), ?, ?, ?, ?, ?, NULL, NULL)",
            [import_id, editor, filename, len(values), added, replaced],
        )
        _audit(
            cur, editor, "value", f"import {import_id}", None, "import", None, {"fil": filename, "värden": len(values)}
        )
        pause = float(os.environ.get("SAMMANHALLEN_IMPORT_PAUSE", "0") or 0)  # lets the crash test kill us here
        if pause:
            print("IMPORT_PAUSED", flush=True)
            time.sleep(pause)
    if shared:
        catch_up(con)
    return int(import_id)


def _with_before(cur, incoming: pd.DataFrame, import_id: int) -> pd.DataFrame:
    """The `imported_value` rows of an import: each value with the one it replaces (none for a new value)."""
    cur.register("incoming", incoming)
    return cur.execute(
        """
        SELECT ?::INTEGER AS import_id, n.area_code, n.indicator_code, n.year, n.value, n.source,
            v.value AS before_value, v.source AS before_source, v.synthetic AS before_synthetic
        FROM incoming n LEFT JOIN value v USING (area_code, indicator_code, year)
        """,
        [import_id],
    ).df()


def insert_frame(cur, table: str, frame: pd.DataFrame) -> None:
    """Rows into a user table by named columns: DuckDB reads the frame, PostgreSQL takes it through COPY."""
    if isinstance(cur, pg.Cursor):
        cur.insert_frame(table, frame)
        return
    cur.register("new_rows", frame)
    cols = ", ".join(f'"{c}"' for c in frame.columns)
    cur.execute(f"INSERT INTO {table} ({cols}) SELECT {cols} FROM new_rows")  # noqa: S608 - fixed table names
    cur.unregister("new_rows")


@retry_on_conflict
def undo_import(con: duckdb.DuckDBPyConnection, editor: str | None, import_id: int) -> None:
    """Put back what the latest active import replaced (later imports must be undone first)."""
    from lib.auth import require_editor

    editor = require_editor(editor)
    _backup_before(con, "angra-inlasning")
    store = users(con)
    with transaction(store) as cur:
        latest = cur.execute("SELECT max(id) FROM import_log WHERE undone_at IS NULL").fetchall()[0][0]
        if latest is None or int(latest) != int(import_id):
            raise DataError("Bara den senaste inläsningen som inte redan ångrats kan ångras.")
        if store is con:
            cur.execute(PUT_BACK_REPLACED.format(source="imported_value"), [import_id])
            cur.execute(PUT_BACK_ADDED.format(source="imported_value"), [import_id])
        cur.execute("UPDATE import_log SET undone_at = now(), undone_by = ? WHERE id = ?", [editor, import_id])
        _audit(cur, editor, "value", f"import {import_id}", None, "ångrad", None, None)
    if store is not con:
        catch_up(con)


def imports(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    return query(users(con), "SELECT * FROM import_log ORDER BY id DESC")
