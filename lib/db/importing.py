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

from lib.db.connection import _audit, query, retry_on_conflict, transaction
from lib.db.errors import DataError
from lib.db.schema import UPSERT_IMPORTED


def _backup_before(con: duckdb.DuckDBPyConnection, reason: str) -> None:
    """A backup of the user tables before a bulk write (a database in memory has nothing to lose on disk)."""
    from lib import backup

    if backup.database_file(con) is not None:
        backup.write_backup(con, reason)


@retry_on_conflict
def import_values(con: duckdb.DuckDBPyConnection, editor: str | None, values: pd.DataFrame, filename: str) -> int:
    """Write checked values (area_code, indicator_code, year, value, source) as real (`synthetic = false`) in one
    transaction, keeping what they replace so the import can be undone. Returns the import id."""
    from lib.auth import require_editor

    editor = require_editor(editor)
    if values.empty:
        raise DataError("Inga värden att läsa in.")
    _backup_before(con, "inlasning")
    with transaction(con) as cur:
        import_id = cur.execute("SELECT coalesce(max(id), 0) + 1 FROM import_log").fetchall()[0][0]
        cur.register("incoming", values[["area_code", "indicator_code", "year", "value", "source"]])
        cur.execute(
            """
            INSERT INTO imported_value
            SELECT ?, n.area_code, n.indicator_code, n.year, n.value, n.source, v.value, v.source, v.synthetic
            FROM incoming n LEFT JOIN value v USING (area_code, indicator_code, year)
            """,
            [import_id],
        )
        counts = cur.execute(
            "SELECT count(*) FILTER (WHERE before_value IS NULL), count(*) FILTER (WHERE before_value IS NOT NULL) "
            "FROM imported_value WHERE import_id = ?",
            [import_id],
        ).fetchall()[0]
        cur.execute(UPSERT_IMPORTED.format(source="incoming"))
        cur.execute(
            "INSERT INTO import_log VALUES (?, now(), ?, ?, ?, ?, ?, NULL, NULL)",
            [import_id, editor, filename, len(values), counts[0], counts[1]],
        )
        _audit(
            cur, editor, "value", f"import {import_id}", None, "import", None, {"fil": filename, "värden": len(values)}
        )
        pause = float(os.environ.get("SAMMANHALLEN_IMPORT_PAUSE", "0") or 0)  # lets the crash test kill us here
        if pause:
            print("IMPORT_PAUSED", flush=True)
            time.sleep(pause)
    return int(import_id)


@retry_on_conflict
def undo_import(con: duckdb.DuckDBPyConnection, editor: str | None, import_id: int) -> None:
    """Put back what the latest active import replaced (later imports must be undone first)."""
    from lib.auth import require_editor

    editor = require_editor(editor)
    _backup_before(con, "angra-inlasning")
    with transaction(con) as cur:
        latest = cur.execute("SELECT max(id) FROM import_log WHERE undone_at IS NULL").fetchall()[0][0]
        if latest is None or int(latest) != int(import_id):
            raise DataError("Bara den senaste inläsningen som inte redan ångrats kan ångras.")
        cur.execute(
            """
            UPDATE value SET value = iv.before_value, source = iv.before_source, synthetic = iv.before_synthetic,
                licence = (SELECT max(m.licence) FROM value m WHERE m.source = iv.before_source)
            FROM imported_value iv
            WHERE iv.import_id = ? AND iv.before_value IS NOT NULL AND value.area_code = iv.area_code
              AND value.indicator_code = iv.indicator_code AND value.year = iv.year
            """,
            [import_id],
        )
        cur.execute(
            """
            DELETE FROM value WHERE (area_code, indicator_code, year) IN (
                SELECT (area_code, indicator_code, year) FROM imported_value
                WHERE import_id = ? AND before_value IS NULL)
            """,
            [import_id],
        )
        cur.execute("UPDATE import_log SET undone_at = now(), undone_by = ? WHERE id = ?", [editor, import_id])
        _audit(cur, editor, "value", f"import {import_id}", None, "ångrad", None, None)


def imports(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    return query(con, "SELECT * FROM import_log ORDER BY id DESC")
