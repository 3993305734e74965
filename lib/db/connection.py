"""Connections, the write transaction and the audit row: how anything reaches the file.

One place owns DuckDB's rules here: one writing process (a lock held by another process is `DatabaseLocked`),
one kept connection for the app, writes serialised behind `WRITE_LOCK` in `transaction` and retried whole on a
conflict, and `_audit`, which every write calls inside that same transaction so a change and its audit row are
committed or rolled back together.

With `SAMMANHALLEN_DATABASE_URL` set, the user tables live in PostgreSQL (`lib.db.pg`): `users(con)` is where a
function that reads or writes them goes (the store, or `con` itself with the embedded default), `transaction`
takes either, and each process works on its own in-memory copy of the built DuckDB file
(`open_database`, `open_app_connection`), so any number of app processes and the CLI run side by side.
"""

from __future__ import annotations

import functools
import threading
import time
from collections.abc import Callable
from contextlib import contextmanager
from pathlib import Path
from typing import ParamSpec, TypeVar

import duckdb
import pandas as pd

from lib.db import pg
from lib.db.errors import DatabaseLocked, DatabaseUnreadable, DataError, _shown_path

P = ParamSpec("P")
T = TypeVar("T")


#: The server's one connection per database file. `python -m ui.server` opens it before Streamlit starts, so the
#: server holds DuckDB's single-writer lock from its first second (a CLI import cannot slip in before the first
#: page view); under plain `streamlit run` the first page opens it.
_APP_CONNECTIONS: dict[Path, duckdb.DuckDBPyConnection] = {}
_APP_LOCK = threading.Lock()


def open_app_connection(paths) -> duckdb.DuckDBPyConnection:
    """The process-wide connection the app uses (`paths`: a `lib.config.Paths`): the database is ensured, opened
    for writing and kept; later calls return the same one, reopened if it was closed. Raises `DatabaseUnreadable`
    or `DatabaseLocked` with their Swedish messages."""
    from lib.db.build import ensure_database

    key = Path(paths.db_path).resolve()
    with _APP_LOCK:
        con = _APP_CONNECTIONS.get(key)
        if con is not None and _is_open(con):
            return con
        ensure_database(paths.data_dir, paths.db_path)
        con = working_copy(paths.db_path) if pg.database_url() else connect(paths.db_path)
        _APP_CONNECTIONS[key] = con
        return con


def open_database(paths, read_only: bool = False) -> duckdb.DuckDBPyConnection:
    """The (ensured) database for one command (`paths`: a `lib.config.Paths`): the file itself, read-only when
    asked, or with PostgreSQL a working copy that follows the shared user tables."""
    if pg.database_url():
        return working_copy(paths.db_path)
    return connect(paths.db_path, read_only=read_only)


def working_copy(db_path: Path) -> duckdb.DuckDBPyConnection:
    """The built file copied into memory, with what the shared user tables say laid over it.

    With PostgreSQL nobody keeps the file open for writing: each app process and each CLI command reads it once
    (read-only, so they never wait for each other) into its own DuckDB in memory, which `shared.catch_up` keeps
    in step with the imports and the goal tree kept in PostgreSQL."""
    from lib.backup import _sql_string
    from lib.db.shared import catch_up

    pg.store()  # reachable and migrated, or the Swedish message before anything else happens
    con = duckdb.connect()
    try:
        con.execute(f"ATTACH '{_sql_string(Path(db_path))}' AS built (READ_ONLY)")
        con.execute("COPY FROM DATABASE built TO memory")
        con.execute("DETACH built")
    except duckdb.Error as exc:
        con.close()
        _raise_if_locked(exc, Path(db_path))
        raise DatabaseUnreadable(Path(db_path)) from exc
    catch_up(con)
    return con


def users(con):
    """Where the user tables are: the PostgreSQL store when `SAMMANHALLEN_DATABASE_URL` is set, else `con`."""
    return pg.store() if pg.database_url() else con


@contextmanager
def data_cursor(con: duckdb.DuckDBPyConnection, cur):
    """Where a write reads DuckDB's own tables (values, goal tables): the write's cursor `cur` when the user tables
    are in the same DuckDB, else a cursor of its own on `con` (the process's copy), closed when the block ends."""
    if users(con) is con:
        yield cur
        return
    own = con.cursor()
    try:
        yield own
    finally:
        own.close()


def app_connection(db_path: Path) -> duckdb.DuckDBPyConnection | None:
    """The kept connection to `db_path`, if one is open."""
    con = _APP_CONNECTIONS.get(Path(db_path).resolve())
    return con if con is not None and _is_open(con) else None


def _is_open(con: duckdb.DuckDBPyConnection) -> bool:
    try:
        con.cursor().close()  # a cursor, not a query: other threads may be using the connection
    except duckdb.Error:
        return False
    return True


def connect(db_path: Path, read_only: bool = False) -> duckdb.DuckDBPyConnection:
    """The app's one connection; callers take a `.cursor()` per query (DuckDB connections are not thread-safe).

    DuckDB lets one process write; while the app runs, other processes (the CLI) cannot open the file.
    """
    try:
        return duckdb.connect(str(db_path), read_only=read_only)
    except duckdb.Error as exc:
        _raise_if_locked(exc, db_path)
        if read_only and "different configuration" in str(exc):
            return duckdb.connect(str(db_path))  # this process already has it open for writing; share that
        path = Path(db_path)
        if path.is_dir():
            raise DataError(f"{_shown_path(path)} är en mapp, inte en databasfil. Inget ändrades.") from exc
        if "Permission denied" in str(exc) or "Read-only file system" in str(exc):
            raise DataError(
                f"Databasen {_shown_path(path)} kan inte öppnas: saknar läs- eller skrivrätt till filen eller mappen. "
                "Inget ändrades."
            ) from exc
        if path.is_file():
            raise DatabaseUnreadable(path) from exc
        raise


def _raise_if_locked(exc: Exception, path: Path) -> None:
    # DuckDB's words for its file lock ("Could not set lock on file …: Conflicting lock is held"); not just "lock",
    # which a corrupted block's message ("… in block at location …") also contains.
    text = str(exc).lower()
    if "could not set lock" in text or "conflicting lock" in text:
        raise DatabaseLocked(
            f"Databasen {path.name} används av en annan process (troligen appen). Stoppa den och försök igen."
        ) from exc


def query(con: duckdb.DuckDBPyConnection | pg.Store, sql: str, params: list | None = None) -> pd.DataFrame:
    """Run parameterised SQL on a fresh cursor and return a DataFrame (DuckDB, or the PostgreSQL store)."""
    cur = con.cursor()
    try:
        return cur.execute(sql, params or []).df()
    finally:
        cur.close()


#: Writes are serialised, one transaction at a time, in the one process that may write the file. DuckDB
#: allows a single writing process, and inside it concurrent transactions collide: two that take the next audit
#: id both see the same maximum (a duplicate key), two that change the same row conflict at commit. Queued
#: behind this lock they cannot, while readers never wait (each reader's cursor sees the last committed state).
#: Process-wide on purpose: it mirrors DuckDB's own per-process write lock.
WRITE_LOCK = threading.Lock()
WRITE_ATTEMPTS = 4


@contextmanager
def transaction(con: duckdb.DuckDBPyConnection | pg.Store):
    """A cursor inside one write transaction: committed when the block ends, rolled back if it raises. Holds the
    write lock throughout, so the app's writes run one after the other (with PostgreSQL: the advisory lock, which
    every process's writes queue behind)."""
    if isinstance(con, pg.Store):
        with con.transaction() as pg_cur:
            yield pg_cur
        return
    with WRITE_LOCK:
        cur = con.cursor()
        cur.execute("BEGIN TRANSACTION")
        try:
            yield cur
            cur.execute("COMMIT")
        except Exception:
            cur.execute("ROLLBACK")
            raise
        finally:
            cur.close()


def retry_on_conflict(write: Callable[P, T]) -> Callable[P, T]:
    """Run a whole write again (a fresh transaction) when DuckDB or PostgreSQL reports a transaction conflict,
    waiting 20, 40, 80 ms; the locks make conflicts within the app impossible, this covers any writer outside."""

    @functools.wraps(write)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> T:
        for attempt in range(WRITE_ATTEMPTS - 1):
            try:
                return write(*args, **kwargs)
            except Exception as exc:
                if not isinstance(exc, duckdb.TransactionException) and not pg.is_conflict(exc):
                    raise
                time.sleep(0.02 * 2**attempt)
        return write(*args, **kwargs)  # the last attempt's conflict reaches the caller

    return wrapper


def _audit(cur, editor: str, table: str, record_id: str, committee: str | None, action: str, before, after) -> None:
    import json

    next_id = cur.execute("SELECT coalesce(max(id), 0) + 1 FROM audit").fetchall()[0][0]
    cur.execute(
        "INSERT INTO audit VALUES (?, now(), ?, ?, ?, ?, ?, ?, ?)",
        [
            next_id,
            editor,
            table,
            record_id,
            committee,
            action,
            None if before is None else json.dumps(before, default=str, ensure_ascii=False),
            None if after is None else json.dumps(after, default=str, ensure_ascii=False),
        ],
    )
