"""What every command shares: how a failure becomes an exit code and a Swedish message (`failure`), the editor
check before a write (`authenticate`, with the secrets file it reads and `add-editor` that writes it), and the
database opened for a write (`open_for_writing`)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd

from lib import db, geo
from lib.config import Paths


def area_names(domains: pd.DataFrame) -> dict[str, str]:
    """The index areas' names by code, without the context measures: what `--weights` may name."""
    return {c: n for c, n in zip(domains["code"], domains["name"], strict=True) if c != "kontext"}


def open_for_writing(paths: Paths, nothing_done: str) -> duckdb.DuckDBPyConnection | None:
    """The database opened for a write, before any password is asked for: when the app holds it (or it cannot be
    read) the user hears so at once, with `nothing_done`, and gets None (exit 2)."""
    try:
        db.ensure_database(paths.data_dir, paths.db_path)
        return db.open_database(paths)
    except db.DataError as exc:
        print(f"Fel: {exc}\n{nothing_done}", file=sys.stderr)
        return None


def read_secrets(path: Path) -> dict[str, Any]:
    """The secrets file as a dict ({} when there is none yet); a file that cannot be parsed is a DataError, so the
    user hears which file to fix instead of being told the password is wrong."""
    import tomllib

    if not path.exists():
        return {}
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise db.DataError(f"Hemlighetsfilen {path} kan inte läsas: {exc}") from exc


def authenticate(paths: Paths, editor: str | None) -> str:
    """A CLI write needs --editor and that editor's password (SAMMANHALLEN_PASSWORD or a prompt)."""
    import getpass
    import os

    from lib import auth, signin

    if not editor:
        raise auth.NotAuthorised(auth.REFUSED + " Ange --editor NAMN.")
    password = os.environ.get("SAMMANHALLEN_PASSWORD")
    if password is None:
        password = getpass.getpass(f"Lösenord för {editor}: ") if sys.stdin.isatty() else sys.stdin.readline().strip()
    editors = read_secrets(paths.secrets_file).get("editors", {})
    con, wait = _attempts_database(paths, editor)
    try:
        if wait is not None:
            raise auth.NotAuthorised(signin.wait_message(wait) + " Inget ändrades.")
        ok = auth.verify(editors, editor, password)
        if con is not None:
            try:
                if ok:
                    signin.record_success(con, editor, "cli", editor.strip())
                else:
                    signin.record_failure(con, editor, "cli")  # counts, audits and pauses
            except duckdb.Error:
                con.close()
                con = None
        if not ok:
            if con is None:
                signin.pause()
            raise auth.NotAuthorised("Fel användarnamn eller lösenord. Inget ändrades.")
    finally:
        if con is not None:
            con.close()
    return editor


def _attempts_database(paths: Paths, editor: str) -> tuple[duckdb.DuckDBPyConnection | None, float | None]:
    """The database where sign-in attempts are counted, and how long `editor` must still wait (None: no wait).

    Failed attempts count in the database like the app's (client 'cli'). A database that is missing, locked or
    unreadable must not stop an editor (a restore needs exactly that): then there is no connection and the
    password alone decides."""
    from lib import signin

    if not paths.db_path.is_file():
        return None, None
    con = None
    try:
        con = db.connect(paths.db_path)
        return con, signin.check_allowed(con, editor, "cli")
    except (duckdb.Error, db.DataError, OSError):
        if con is not None:
            con.close()
        return None, None


def cmd_add_editor(paths: Paths, args: argparse.Namespace) -> int:
    """Add or replace an editor: only the argon2 hash is stored, in the (git-ignored) secrets file."""
    import getpass

    from lib import auth

    if args.password_stdin:
        password = sys.stdin.readline().rstrip("\n")
    else:
        password = getpass.getpass("Lösenord: ")
        if getpass.getpass("Upprepa lösenordet: ") != password:
            print("Fel: lösenorden är olika. Inget ändrades.", file=sys.stderr)
            return 2
    try:
        hashed = auth.hash_password(password)
    except ValueError as exc:
        print(f"Fel: {exc}", file=sys.stderr)
        return 2
    secrets = read_secrets(paths.secrets_file)
    secrets.setdefault("editors", {})[args.name.strip()] = hashed
    paths.secrets_file.parent.mkdir(parents=True, exist_ok=True)
    paths.secrets_file.write_text(auth.toml_dumps(secrets), encoding="utf-8")
    paths.secrets_file.chmod(0o600)
    print(f"Redigeraren {args.name.strip()} är upplagd i {paths.secrets_file}.")
    return 0


def failure(exc: Exception, paths: Paths) -> tuple[int, str]:
    """The exit code and Swedish message for a failed command. Authorisation is 3; everything else, including
    an OS refusal to write (a read-only folder is not about who you are), is 2."""
    import yaml

    from lib import auth, importer

    first_line = (str(exc).splitlines() or [type(exc).__name__])[0][:300]
    if isinstance(exc, auth.NotAuthorised):
        return 3, f"Nekad: {exc}"
    if isinstance(exc, db.DataError | geo.GeoError | importer.ImportRejected):
        return 2, f"Fel: {exc}"
    if isinstance(exc, OSError):
        return 2, _os_failure(exc)
    # Checked in this order; the first matching type decides the message.
    table: tuple[tuple[type | tuple[type, ...], str | None], ...] = (
        (RecursionError, "Fel: filen är för djupt nästlad för att läsas. Inget ändrades."),
        (yaml.YAMLError, f"Fel: filen är inte giltig YAML ({first_line}). Inget ändrades."),
        (UnicodeError, "Fel: filen är inte text i UTF-8 och kan inte läsas. Inget ändrades."),
        (MemoryError, "Fel: minnet räckte inte till. Inget ändrades."),
        (duckdb.Error, None),
        (
            (pd.errors.ParserError, pd.errors.EmptyDataError),
            f"Fel: en CSV-fil kunde inte läsas ({first_line}). Inget ändrades.",
        ),
    )
    for kinds, message in table:
        if isinstance(exc, kinds):
            return 2, message if message is not None else _database_failure(exc, paths, first_line)
    return 2, f"Oväntat fel: {type(exc).__name__}. Inget ändrades."


def _os_failure(exc: OSError) -> str:
    """The message for an OS refusal. The subclasses come first because they say more than the errno does, and
    the file name is shown when the OS gave one so the user knows which path to fix."""
    import errno

    where = exc.filename
    name = f" {where}" if where else ""
    to = f" till {where}" if where else ""
    if isinstance(exc, IsADirectoryError):
        return f"Fel:{name or ' filen'} är en mapp, inte en fil. Inget ändrades."
    if isinstance(exc, NotADirectoryError):
        return f"Fel: en del av sökvägen{name} är inte en mapp. Inget ändrades."
    if isinstance(exc, FileNotFoundError):
        return f"Fel: filen{name} finns inte. Inget ändrades."
    if exc.errno == errno.ENOSPC:
        return f"Fel: disken är full{' (' + str(where) + ')' if where else ''}. Frigör utrymme; inget ändrades."
    if exc.errno == errno.EROFS:
        return f"Fel: saknar skrivrätt{to}: filsystemet är skrivskyddat. Inget ändrades."
    if isinstance(exc, PermissionError) or exc.errno in (errno.EACCES, errno.EPERM):
        return f"Fel: saknar skrivrätt eller läsrätt{to}. Inget ändrades."
    reason = exc.strerror or type(exc).__name__
    return f"Fel: filen{name} kunde inte läsas eller skrivas ({reason}). Inget ändrades."


def _database_failure(exc: Exception, paths: Paths, first_line: str) -> str:
    """The message for a DuckDB error. DuckDB reports disk and permission trouble only in its text, so the text
    is read to give the same advice as for an OS error; a damaged file names the database to restore."""
    text = str(exc)
    if db.is_corruption(exc):
        return f"Fel: {db.DatabaseUnreadable(paths.db_path)}"
    if "No space left" in text:
        return "Fel: disken är full. Inget ändrades; frigör utrymme."
    if "Permission denied" in text or "Read-only file system" in text:
        return "Fel: saknar skrivrätt till databasen eller dess mapp. Inget ändrades."
    return f"Fel i databasen: {first_line}. Inget ändrades."
