"""PostgreSQL for what users write, when `SAMMANHALLEN_DATABASE_URL` is set.

A city's IT wants plans, follow-up texts, scenarios, goal trees, imports, the audit trail and the sign-in counts in
the database it already backs up and monitors, and more than one app process in front of them. So with the URL set
the user tables (`schema.USER_SCHEMA`) live in PostgreSQL, reached through psycopg and its pool, while DuckDB stays
the engine for the indicator tables and the analysis (`lib.db.shared` lays the imports and goal trees kept here
over each process's DuckDB copy).

`Store` quacks like the part of a DuckDB connection the writing code uses: `cursor()` gives a cursor whose
`execute` takes the same `?` placeholders and returns itself, with `fetchall`, `description` and `df`. Writes run
through `connection.transaction`, which for a store is one PostgreSQL transaction that first takes an advisory
lock: every writer (each replica, the CLI) queues behind it as the app's writes queue behind `WRITE_LOCK` with
DuckDB, so the same rules hold on both — the next audit id is the maximum plus one, optimistic versions are
checked and bumped inside the write, and a change and its audit row commit or roll back together.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

import pandas as pd

from lib.db.errors import DataError
from lib.db.schema import USER_SCHEMA, USER_SCHEMA_VERSION

if TYPE_CHECKING:
    from psycopg_pool import ConnectionPool

URL_ENV = "SAMMANHALLEN_DATABASE_URL"
#: The advisory lock every write takes first (any fixed number; "sammanhållen" as digits of a date).
WRITE_LOCK_KEY = 20150528
CONNECT_TIMEOUT = 5  # seconds before an unreachable server is reported
#: Every session in UTC: the TIMESTAMP columns hold UTC without a zone, as DuckDB's `now()` and `signin.now()` do.
SESSION: dict[str, str | int] = {"connect_timeout": CONNECT_TIMEOUT, "options": "-c TimeZone=UTC"}
POOL_MAX = 8
POOL_WAIT = 30  # seconds a request waits for a free connection

#: Migrations by user-schema version: the SQL that takes a database from the version before to this one. Version
#: 4 is the whole schema (the first that PostgreSQL held); a later version adds its ALTER statements here and
#: raises `USER_SCHEMA_VERSION`, so every replica and the CLI bring an older database up to date on connect.
MIGRATIONS: tuple[tuple[int, str], ...] = ((4, re.sub(r"\bDOUBLE\b", "DOUBLE PRECISION", USER_SCHEMA)),)

_DATE_TYPES = {"date", "timestamp", "timestamptz"}


def database_url() -> str | None:
    """The PostgreSQL URL from the environment, or None for the embedded DuckDB default."""
    import os

    url = os.environ.get(URL_ENV, "").strip()
    return url or None


def shown_url(url: str) -> str:
    """The server and database of a URL without user or password, for messages."""
    from psycopg.conninfo import conninfo_to_dict

    try:
        parts = conninfo_to_dict(url)
    except Exception:  # noqa: BLE001 - a malformed URL is reported as such, never echoed with a password
        return "(adressen i SAMMANHALLEN_DATABASE_URL)"
    host = parts.get("host") or "localhost"
    port = f":{parts['port']}" if parts.get("port") else ""
    return f"{host}{port}/{parts.get('dbname') or ''}"


def _pg_sql(sql: str) -> str:
    """DuckDB's `?` placeholders as psycopg's `%s` (a literal % doubled); the code's SQL has no `?` in text."""
    return sql.replace("%", "%%").replace("?", "%s")


class Cursor:
    """A psycopg cursor with the DuckDB cursor's manners (execute returns the cursor, `df()`)."""

    def __init__(self, cur, release=None):
        self._cur = cur
        self._release = release

    def execute(self, sql: str, params: list | tuple | None = None) -> Cursor:
        if params:
            self._cur.execute(_pg_sql(sql), [_param(p) for p in params])
        else:  # no parameters: psycopg reads the text as it is, so `%` stays single
            self._cur.execute(sql)
        return self

    @property
    def description(self):
        return self._cur.description

    def fetchall(self) -> list[tuple]:
        """The rows; for INSERT, UPDATE and DELETE the count of rows changed, as DuckDB answers them."""
        if self._cur.description:
            return self._cur.fetchall()
        return [(self._cur.rowcount,)] if self._cur.rowcount >= 0 else []

    def fetchone(self) -> tuple | None:
        return self._cur.fetchone() if self._cur.description else None

    def df(self) -> pd.DataFrame:
        """The result as DuckDB's `.df()` gives it: dates and times as datetime64 columns."""
        description = self._cur.description or []
        frame = pd.DataFrame(self.fetchall(), columns=[d.name for d in description])
        for d in description:
            if _type_name(self._cur, d.type_code) in _DATE_TYPES:
                frame[d.name] = pd.to_datetime(frame[d.name])
        return frame

    def insert_frame(self, table: str, frame: pd.DataFrame) -> None:
        """Rows of `frame` into `table` by named columns, through COPY (an import may have many)."""
        cols = ", ".join(f'"{c}"' for c in frame.columns)
        with self._cur.copy(f"COPY {table} ({cols}) FROM STDIN") as copy:  # fixed table names from the code
            for row in frame.astype(object).where(frame.notna(), None).itertuples(index=False, name=None):
                copy.write_row([_param(v) for v in row])

    def script(self, sql: str) -> None:
        """Several statements without parameters (DDL) in one call."""
        self._cur.execute(sql)

    def close(self) -> None:
        self._cur.close()
        if self._release is not None:
            self._release()
            self._release = None


def _param(value):
    """A parameter as psycopg adapts it: NumPy scalars as Python ones, pandas' missing time as NULL."""
    if value is pd.NaT:
        return None
    item = getattr(value, "item", None)
    if item is not None and type(value).__module__ == "numpy":
        return item()
    return value


def _type_name(cur, oid: int) -> str:
    info = cur.connection.adapters.types.get(oid)
    return info.name if info is not None else ""


class Store:
    """The user tables in one PostgreSQL database: a pool of connections, migrated on open."""

    def __init__(self, url: str):
        self.url = url
        self._pool: ConnectionPool | None = None

    def open(self) -> Store:
        """Connect (a Swedish `DataError` when the server cannot be reached), migrate, then keep a pool."""
        import psycopg
        from psycopg_pool import ConnectionPool

        try:
            with psycopg.connect(self.url, autocommit=True, **SESSION) as check:  # type: ignore[arg-type]
                check.execute("SELECT 1")
        except psycopg.Error as exc:
            reason = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
            raise DataError(
                f"PostgreSQL-databasen {shown_url(self.url)} kan inte nås ({reason}). Inget ändrades; kontrollera "
                "SAMMANHALLEN_DATABASE_URL och att servern körs."
            ) from exc
        self._pool = ConnectionPool(
            self.url,
            min_size=1,
            max_size=POOL_MAX,
            kwargs={"autocommit": True, **SESSION},
            open=True,
            name="sammanhallen",
        )
        migrate(self)
        return self

    @property
    def pool(self):
        if self._pool is None:
            raise DataError("PostgreSQL-databasen är inte öppnad.")
        return self._pool

    def cursor(self) -> Cursor:
        """A cursor on a pooled connection, given back when the cursor is closed."""
        with self._reported():
            conn = self.pool.getconn(timeout=POOL_WAIT)
        return Cursor(conn.cursor(), release=lambda: self.pool.putconn(conn))

    @contextmanager
    def transaction(self) -> Iterator[Cursor]:
        """One write transaction behind the advisory lock (see the module docstring)."""
        with self._reported(), self.pool.connection(timeout=POOL_WAIT) as conn, conn.transaction():
            cur = conn.cursor()
            cur.execute("SELECT pg_advisory_xact_lock(%s)", [WRITE_LOCK_KEY])
            try:
                yield Cursor(cur)
            finally:
                cur.close()

    @contextmanager
    def _reported(self) -> Iterator[None]:
        """A lost server or a pool that cannot hand out a connection as the Swedish `DataError` pages show."""
        import psycopg
        from psycopg_pool import PoolTimeout

        try:
            yield
        except (PoolTimeout, psycopg.OperationalError) as exc:
            raise DataError(
                f"PostgreSQL-databasen {shown_url(self.url)} svarar inte just nu. Inget ändrades; försök igen om en "
                "stund."
            ) from exc

    def close(self) -> None:
        if self._pool is not None:
            self._pool.close()
            self._pool = None


def migrate(store: Store) -> int:
    """Bring the user tables up to `USER_SCHEMA_VERSION` in one transaction; returns the version found. A database
    written by a newer version of the app is left as it is (a Swedish `DataError`)."""
    with store.transaction() as cur:
        cur.execute("CREATE TABLE IF NOT EXISTS user_schema (version INTEGER NOT NULL)")
        found = cur.execute("SELECT max(version) FROM user_schema").fetchall()[0][0] or 0
        if found > USER_SCHEMA_VERSION:
            raise DataError(
                f"PostgreSQL-databasen {shown_url(store.url)} har användartabeller av version {found}, nyare än "
                f"appens ({USER_SCHEMA_VERSION}). Inget ändrades; uppdatera appen."
            )
        for version, sql in MIGRATIONS:
            if version > found:
                cur.script(sql)
                cur.execute("INSERT INTO user_schema VALUES (?)", [version])
    return int(found)


_STORES: dict[str, Store] = {}
_STORES_LOCK = threading.Lock()


def store(url: str | None = None) -> Store:
    """The process's store for `url` (default: the environment's), opened and migrated on first use."""
    url = url or database_url()
    if url is None:
        raise DataError("SAMMANHALLEN_DATABASE_URL är inte satt.")
    with _STORES_LOCK:
        found = _STORES.get(url)
        if found is None:
            found = Store(url).open()
            _STORES[url] = found
        return found


def close_all() -> None:
    """Close every pool (tests, and a process that is about to end)."""
    with _STORES_LOCK:
        for kept in _STORES.values():
            kept.close()
        _STORES.clear()


def is_conflict(exc: BaseException) -> bool:
    """A PostgreSQL error that a fresh attempt of the whole write may not meet again."""
    try:
        from psycopg import errors
    except ImportError:  # pragma: no cover - psycopg is a requirement
        return False
    return isinstance(exc, errors.SerializationFailure | errors.DeadlockDetected)
