"""Backups of what planners saved, and restoring one.

Everything in the database except the user tables is rebuilt from `data/`, so a backup holds only the user tables
(`db.USER_TABLES`: scenarios, plans, audit, imports, goal-tree installs, sign-in failures) and one row of
`backup_info` (time, reason, user schema version, fingerprint). That keeps a backup small (about 140 kB with 1 600
imported values) and fast (about 0.2 s), cheap enough to write before every rebuild and every import: the moments
a planner's work could be lost. Backups sit next to the database in `backups/`, newest `keep()` kept; a database
that could not be read is moved aside there under another name and never pruned.

A restore rebuilds the database from `data/` with the backup's user tables, carried by named columns (an older
backup's missing columns take their defaults), and writes its audit row in the same build transaction.
"""

from __future__ import annotations

import os
import re
import threading
import uuid
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import duckdb
import pandas as pd

from lib import db

KEEP_DEFAULT = 10
INFO_TABLE = "backup_info"
APP_MARK = "sammanhallen"
#: Why a backup was written; the slug is part of the file name.
REASONS = {
    "ombyggnad": "före ombyggnad från data/",
    "inlasning": "före inläsning av värden",
    "angra-inlasning": "före ångrad inläsning",
    "manuell": "manuell säkerhetskopia",
    "fore-aterstallning": "före återställning",
}
_STAMP = "%Y%m%d-%H%M%S"
_LOCK = threading.Lock()  # one backup at a time per process: names and pruning stay consistent


@dataclass(frozen=True)
class Backup:
    """A checked backup file: its info row and the user tables it holds."""

    path: Path
    created_at: datetime
    reason: str
    user_schema_version: int
    fingerprint: str | None
    tables: dict[str, pd.DataFrame]


@dataclass(frozen=True)
class Restored:
    """What `restore` did: the backup it used, the backup it took of the current database first (if readable),
    and where an unreadable current database was moved (if it was)."""

    backup_file: Path
    previous_backup: Path | None
    moved_aside: Path | None


def backup_dir(db_path: Path) -> Path:
    return Path(db_path).parent / "backups"


def keep() -> int:
    """How many backups to keep (SAMMANHALLEN_BACKUP_KEEP, at least 1; default 10)."""
    try:
        return max(1, int(os.environ.get("SAMMANHALLEN_BACKUP_KEEP", KEEP_DEFAULT)))
    except ValueError:
        return KEEP_DEFAULT


def _pattern(db_path: Path) -> re.Pattern:
    """Backup file names: `<stem>-<yyyymmdd-hhmmss>[-n]-<reason>.duckdb`. A database moved aside is named
    `<stem>-olasbar-…` and so never matches: it is never pruned."""
    return re.compile(rf"^{re.escape(Path(db_path).stem)}-(\d{{8}}-\d{{6}})(?:-(\d+))?-([a-z-]+)\.duckdb$")


def backups(db_path: Path) -> list[Path]:
    """The backups of `db_path`, oldest first (by the time and sequence number in their names)."""
    folder = backup_dir(db_path)
    if not folder.is_dir():
        return []
    pattern = _pattern(db_path)
    found = []
    for path in folder.iterdir():
        match = pattern.match(path.name)
        if match and path.is_file():
            found.append(((match.group(1), int(match.group(2) or 1)), path))
    return [path for _, path in sorted(found)]


def latest_backup(db_path: Path) -> Path | None:
    found = backups(db_path)
    return found[-1] if found else None


def _new_name(db_path: Path, reason: str, created: datetime) -> Path:
    """A fresh name; later backups in the same second get a higher sequence number, so name order is time order."""
    stamp = created.strftime(_STAMP)
    stem = Path(db_path).stem
    pattern = _pattern(db_path)
    same_second = [m for p in backups(db_path) if (m := pattern.match(p.name)) and m.group(1) == stamp]
    n = max((int(m.group(2) or 1) for m in same_second), default=0) + 1
    name = f"{stem}-{stamp}-{reason}.duckdb" if n == 1 else f"{stem}-{stamp}-{n}-{reason}.duckdb"
    return backup_dir(db_path) / name


def database_file(con: duckdb.DuckDBPyConnection) -> Path | None:
    """The file an open connection reads (None in memory); on a cursor of its own, as every query on the app's
    shared connection."""
    cur = con.cursor()
    try:
        rows = cur.execute("SELECT path FROM duckdb_databases() WHERE database_name = current_database()").fetchall()
    finally:
        cur.close()
    return Path(rows[0][0]) if rows and rows[0][0] else None


def _columns(cur, database: str, table: str) -> list[str]:
    return [
        r[0]
        for r in cur.execute(
            "SELECT column_name FROM duckdb_columns() WHERE database_name = ? AND schema_name = 'main' "
            "AND table_name = ? ORDER BY column_index",
            [database, table],
        ).fetchall()
    ]


def write_backup(source: duckdb.DuckDBPyConnection | Path, reason: str, protect: Path | None = None) -> Path:
    """Copy the user tables of a database (an open connection, or a file) to a new backup file; returns its path.

    Written to a temporary name and renamed, so an interrupted backup never looks like a backup. Prunes the
    oldest beyond `keep()`, except `protect` (the backup a restore is using)."""
    if reason not in REASONS:
        raise ValueError(f"unknown backup reason {reason!r}")
    with _LOCK:
        if isinstance(source, duckdb.DuckDBPyConnection):
            return _write_from(source, reason, protect)
        with db.connect(Path(source), read_only=True) as con:
            try:
                return _write_from(con, reason, protect)
            except duckdb.Error as exc:
                if db.is_corruption(exc):
                    raise db.DatabaseUnreadable(Path(source)) from exc
                raise


def _write_from(con: duckdb.DuckDBPyConnection, reason: str, protect: Path | None) -> Path:
    db_path = database_file(con)
    if db_path is None:
        raise db.DataError("En databas i minnet kan inte säkerhetskopieras.")
    created = datetime.now()
    target = _new_name(db_path, reason, created)
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(target.name + ".tmp")
    tmp.unlink(missing_ok=True)
    alias = f"backup_{uuid.uuid4().hex[:12]}"
    cur = con.cursor()
    try:
        source_db = cur.execute("SELECT current_database()").fetchall()[0][0]
        present = {
            r[0]
            for r in cur.execute(
                "SELECT table_name FROM duckdb_tables() WHERE database_name = ? AND schema_name = 'main'", [source_db]
            ).fetchall()
        }
        found = cur.execute("SELECT value FROM meta WHERE key = 'fingerprint'").fetchall() if "meta" in present else []
        version = cur.execute("SELECT max(version) FROM user_schema").fetchall() if "user_schema" in present else []
        # Small blocks: DuckDB's default 256 kB block per table would make a backup of a few rows ~1.5 MB.
        cur.execute(f"ATTACH '{_sql_string(tmp)}' AS {alias} (READ_WRITE, BLOCK_SIZE 16384)")
        try:
            for table in db.USER_TABLES:
                if table not in present:
                    continue
                cols = ", ".join(f'"{c}"' for c in _columns(cur, source_db, table))
                # Names come from db.USER_TABLES and the catalogue, never from a user.
                cur.execute(f'CREATE TABLE {alias}."{table}" AS SELECT {cols} FROM "{source_db}".main."{table}"')  # noqa: S608
            cur.execute(
                f"CREATE TABLE {alias}.{INFO_TABLE} (app VARCHAR NOT NULL, created_at TIMESTAMP NOT NULL, "
                "reason VARCHAR NOT NULL, user_schema_version INTEGER NOT NULL, fingerprint VARCHAR, "
                "source_file VARCHAR NOT NULL)"
            )
            cur.execute(
                f"INSERT INTO {alias}.{INFO_TABLE} VALUES (?, ?, ?, ?, ?, ?)",  # noqa: S608 - fixed names; values bound
                [
                    APP_MARK,
                    created,
                    reason,
                    int(version[0][0]) if version and version[0][0] is not None else 0,  # 0: before versions
                    found[0][0] if found else None,
                    db_path.name,
                ],
            )
        finally:
            cur.execute(f"DETACH {alias}")
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    finally:
        cur.close()
    Path(str(tmp) + ".wal").unlink(missing_ok=True)
    os.replace(tmp, target)
    prune(db_path, protect=protect)
    return target


def _sql_string(path: Path) -> str:
    return str(path).replace("'", "''")


def prune(db_path: Path, keep_n: int | None = None, protect: Path | None = None) -> list[Path]:
    """Delete the oldest backups beyond `keep_n` (default `keep()`), never `protect`; returns what was deleted."""
    found = backups(db_path)
    if protect is not None:
        found = [p for p in found if p.resolve() != Path(protect).resolve()]
    excess = found[: max(0, len(found) - (keep_n or keep()))]
    for path in excess:
        path.unlink(missing_ok=True)
    return excess


def read_backup(path: Path, db_path: Path | None = None) -> Backup:
    """Open and check a backup file; anything that is not one of ours is refused with a Swedish `DataError`."""
    path = Path(path)
    refused = f"Filen {path.name} är ingen säkerhetskopia från Sammanhållen stad"
    if path.is_dir():
        raise db.DataError(f"{path} är en mapp, inte en säkerhetskopia. Inget ändrades.")
    if not path.is_file():
        raise db.DataError(f"Filen {path} finns inte. Inget ändrades.")
    if db_path is not None and Path(db_path).exists() and path.resolve() == Path(db_path).resolve():
        raise db.DataError(f"{path.name} är själva databasen, inte en säkerhetskopia. Inget ändrades.")
    with path.open("rb") as handle:
        header = handle.read(16)
    if header[8:12] != b"DUCK":
        raise db.DataError(f"{refused} (inte en DuckDB-fil). Inget ändrades.")
    try:
        con = duckdb.connect(str(path), read_only=True)
    except duckdb.Error as exc:
        raise db.DataError(f"{refused}, eller så är den skadad. Inget ändrades.") from exc
    try:
        present = {r[0] for r in con.execute("SELECT table_name FROM duckdb_tables()").fetchall()}
        if INFO_TABLE not in present:
            raise db.DataError(f"{refused} (tabellen {INFO_TABLE} saknas). Inget ändrades.")
        info_cols = _columns(con, con.execute("SELECT current_database()").fetchall()[0][0], INFO_TABLE)
        wanted = ["app", "created_at", "reason", "user_schema_version", "fingerprint"]
        if not set(wanted) <= set(info_cols):
            raise db.DataError(f"{refused} (okänt format). Inget ändrades.")
        rows = con.execute(f"SELECT {', '.join(wanted)} FROM {INFO_TABLE}").fetchall()  # noqa: S608 - fixed
        if len(rows) != 1 or rows[0][0] != APP_MARK:
            raise db.DataError(f"{refused} (okänt format). Inget ändrades.")
        _, created_at, reason, version, fingerprint = rows[0]
        if version is None or int(version) > db.USER_SCHEMA_VERSION:
            raise db.DataError(
                f"Säkerhetskopian {path.name} kommer från en nyare version av verktyget (användartabeller version "
                f"{version}, den här versionen läser till och med {db.USER_SCHEMA_VERSION}). Inget ändrades."
            )
        database = con.execute("SELECT current_database()").fetchall()[0][0]
        tables = {}
        for table in db.USER_TABLES:
            if table in present:
                cols = ", ".join(f'"{c}"' for c in _columns(con, database, table))
                tables[table] = con.execute(f'SELECT {cols} FROM "{table}"').df()  # noqa: S608 - fixed names
    except duckdb.Error as exc:
        raise db.DataError(f"{refused}, eller så är den skadad. Inget ändrades.") from exc
    finally:
        con.close()
    return Backup(path, created_at, str(reason), int(version), fingerprint, tables)


def restore(data_dir: Path, db_path: Path, backup_file: Path, editor: str | None) -> Restored:
    """Make the database what `data/` and the backup's user tables say, with an audit row ("återställd").

    Editors only. The current database is never deleted: a readable one is backed up first, an unreadable one is
    moved aside into `backups/` (and moved back if the rebuild fails)."""
    from lib.auth import require_editor

    editor = require_editor(editor)
    db_path = Path(db_path)
    chosen = read_backup(Path(backup_file), db_path)
    previous = aside = None
    if db_path.exists():
        try:
            previous = write_backup(db_path, "fore-aterstallning", protect=chosen.path)
        except db.DatabaseUnreadable:
            aside = backup_dir(db_path) / f"{db_path.stem}-olasbar-{datetime.now().strftime(_STAMP)}.duckdb"
            n = 2
            while aside.exists():
                aside = aside.with_name(f"{db_path.stem}-olasbar-{datetime.now().strftime(_STAMP)}-{n}.duckdb")
                n += 1
            aside.parent.mkdir(parents=True, exist_ok=True)
            os.replace(db_path, aside)
            wal = Path(str(db_path) + ".wal")
            if wal.exists():
                os.replace(wal, Path(str(aside) + ".wal"))

    def audit(con: duckdb.DuckDBPyConnection) -> None:
        _audit_restored(
            con,
            editor,
            chosen,
            {
                "anledning": REASONS.get(chosen.reason, chosen.reason),
                "föregående": previous.name if previous else None,
                "undanflyttad": aside.name if aside else None,
            },
        )

    try:
        db.build_database(data_dir, db_path, user_tables=chosen.tables, finish=audit)
    except BaseException:
        if aside is not None and not db_path.exists():
            os.replace(aside, db_path)
        raise
    return Restored(chosen.path, previous, aside)


def restore_to_postgres(backup_file: Path, editor: str | None) -> Backup:
    """Move what one server saved into PostgreSQL: a backup's user tables copied into the empty user tables of
    the database `SAMMANHALLEN_DATABASE_URL` names, in one transaction with an audit row ("återställd").

    Only into an empty database: one that holds anything is left as it is (PostgreSQL's own tools back it up and
    restore it), so nothing there can be lost. Every app process lays the imports and goal tree over its data at
    its next rerun."""
    from lib.auth import require_editor
    from lib.db import pg
    from lib.db.importing import insert_frame

    editor = require_editor(editor)
    chosen = read_backup(Path(backup_file))
    store = pg.store()
    with db.transaction(store) as cur:
        filled = [t for t in db.USER_TABLES if cur.execute(f"SELECT count(*) FROM {t}").fetchall()[0][0]]  # noqa: S608
        if filled:
            raise db.DataError(
                f"PostgreSQL-databasen {pg.shown_url(store.url)} har redan innehåll ({', '.join(filled)}). En "
                "säkerhetskopia läses bara in i en tom databas. Inget ändrades."
            )
        for table, frame in chosen.tables.items():
            found = cur.execute(
                "SELECT column_name FROM information_schema.columns WHERE table_schema = current_schema() "
                "AND table_name = ?",
                [table],
            ).fetchall()
            columns = [c for c in frame.columns if c in {r[0] for r in found}]
            if columns and not frame.empty:
                insert_frame(cur, table, frame[columns])
        _audit_restored(cur, editor, chosen, {"till": "PostgreSQL"})
    return chosen


def _audit_restored(con, editor: str, chosen: Backup, details: dict) -> None:
    """The audit row of a restore ("återställd"), written inside the restore's own transaction: which backup and
    when it was made, plus what this kind of restore adds (`details`)."""
    db._audit(
        con,
        editor,
        "backup",
        chosen.path.name,
        None,
        "återställd",
        None,
        {"fil": chosen.path.name, "skapad": chosen.created_at, **details},
    )
