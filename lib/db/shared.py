"""A process's DuckDB copy kept in step with what PostgreSQL holds for everyone: imports and the goal tree.

With `SAMMANHALLEN_DATABASE_URL` set, the indicator tables and the goal tables stay in DuckDB (the engine of the
analysis), one copy per process, while the imports and goal-tree installs that change them are kept in PostgreSQL
with the other user tables. `catch_up` lays them over the copy the way `build_database` lays a file's own imports
and newest goal tree over the seed data after a rebuild: every active import in order, an undone one put back from
the values it replaced, the newest installed tree in place of the shipped one. It compares two small facts (the
active import ids, the newest install id), so each rerun of a page can ask it for the price of one query, and an
import or install made through another replica or the CLI shows at the next rerun.
"""

from __future__ import annotations

import threading

import duckdb
import pandas as pd

from lib.db import pg
from lib.db.connection import query, transaction
from lib.db.schema import PUT_BACK_ADDED, PUT_BACK_REPLACED, UPSERT_IMPORTED

#: What the shared tables say, in one round trip: the active import ids in order and the newest goal tree.
STATE_SQL = """
SELECT (SELECT coalesce(string_agg(id::text, ',' ORDER BY id), '') FROM import_log WHERE undone_at IS NULL),
       (SELECT coalesce(max(id), 0) FROM goal_tree_install)
"""
IMPORTS_KEY, GOAL_TREE_KEY = "shared_imports", "shared_goal_tree"
_LOCK = threading.Lock()

State = tuple[tuple[int, ...], int]


def _ids(text: str | None) -> tuple[int, ...]:
    return tuple(int(part) for part in (text or "").split(",") if part)


def shared_state(store: pg.Store) -> State:
    """The active imports and the newest goal tree in PostgreSQL."""
    cur = store.cursor()
    try:
        imports, tree = cur.execute(STATE_SQL).fetchall()[0]
    finally:
        cur.close()
    return _ids(imports), int(tree)


def local_state(con: duckdb.DuckDBPyConnection) -> State:
    """What this copy has laid over its seed data so far (nothing, for a copy just made)."""
    cur = con.cursor()
    try:
        found = dict(
            cur.execute("SELECT key, value FROM meta WHERE key IN (?, ?)", [IMPORTS_KEY, GOAL_TREE_KEY]).fetchall()
        )
    finally:
        cur.close()
    return _ids(found.get(IMPORTS_KEY)), int(found.get(GOAL_TREE_KEY) or 0)


def catch_up(con: duckdb.DuckDBPyConnection) -> bool:
    """Bring `con` (a working copy) up to what PostgreSQL holds; True if anything changed (the caller then drops
    its cached views). Does nothing with the embedded default, where the file itself holds everything."""
    if not pg.database_url():
        return False
    store = pg.store()
    with _LOCK:
        wanted, have = shared_state(store), local_state(con)
        if wanted == have:
            return False
        with transaction(con) as cur:
            applied = list(have[0])
            while applied and tuple(applied) != wanted[0][: len(applied)]:
                _put_back(cur, _import_rows(store, applied.pop()))
            for import_id in wanted[0][len(applied) :]:
                _lay_over(cur, _import_rows(store, import_id))
            if wanted[1] and wanted[1] != have[1]:
                _install_tree(cur, store, wanted[1])
            cur.execute("DELETE FROM meta WHERE key IN (?, ?)", [IMPORTS_KEY, GOAL_TREE_KEY])
            cur.executemany(
                "INSERT INTO meta VALUES (?, ?)",
                [[IMPORTS_KEY, ",".join(map(str, wanted[0]))], [GOAL_TREE_KEY, str(wanted[1])]],
            )
        return True


def _import_rows(store: pg.Store, import_id: int) -> pd.DataFrame:
    return query(store, "SELECT * FROM imported_value WHERE import_id = ?", [import_id])


def _lay_over(cur, rows: pd.DataFrame) -> None:
    cur.register("one_import", rows)
    cur.execute(UPSERT_IMPORTED.format(source="one_import"))
    cur.unregister("one_import")


def _put_back(cur, rows: pd.DataFrame) -> None:
    if rows.empty:
        return
    import_id = int(rows["import_id"].iloc[0])
    cur.register("one_import", rows)
    cur.execute(PUT_BACK_REPLACED.format(source="one_import"), [import_id])
    cur.execute(PUT_BACK_ADDED.format(source="one_import"), [import_id])
    cur.unregister("one_import")


def _install_tree(cur, store: pg.Store, install_id: int) -> None:
    """The goal tables replaced by those of install `install_id`, checked as the build checks it."""
    from lib.db.goaltrees import installed_tree, replace_goal_tables

    rows = query(store, "SELECT id, yaml_text FROM goal_tree_install WHERE id = ?", [install_id])
    known = {r[0] for r in cur.execute("SELECT code FROM indicator").fetchall()}
    replace_goal_tables(cur, installed_tree(rows, known))
