"""Password sign-in that holds: failed attempts are counted per account and per client in the database.

A count kept in the browser session is reset by a reload, so guessing would cost nothing. Here the counts live
in the user table `sign_in_failure` (kind 'konto' or 'klient', key, failures, first and last failure), shared by
every session and by the CLI, and they survive a restart. The first `FREE_FAILURES` mistakes cost nothing but a
short fixed pause; after that each new attempt must wait 2^(n - FREE_FAILURES) seconds from the last failure
(1, 2, 4 … up to `MAX_WAIT`). A count is forgotten once the wait has passed and `QUIET` more has gone by without
a failure, so a planner who mistyped yesterday starts afresh. Every failure and every sign-in is an audit row;
the password never is.

The client key is a hash of the IP address (the raw address is not stored). When the server sees no address
(localhost, or a proxy that hides it) the client is not counted at all, so a guesser cannot lock out everyone;
the account count still holds per account.
"""

from __future__ import annotations

import hashlib
import math
import os
import time
import unicodedata
from datetime import UTC, datetime, timedelta

import duckdb

from lib import db

ACCOUNT, CLIENT = "konto", "klient"
FREE_FAILURES = 3
MAX_WAIT = 15 * 60  # seconds
QUIET = timedelta(minutes=15)
KEY_MAX = 100  # characters of a typed user name kept as the account key (and in the audit)
UNKNOWN_CLIENT = "okänd"
#: Seconds every failed attempt takes, on the server, before the answer (tests set it to 0).
DELAY_ENV = "SAMMANHALLEN_SIGNIN_DELAY"
DEFAULT_DELAY = 0.75


def now() -> datetime:
    """UTC without a zone, as the TIMESTAMP columns store it."""
    return datetime.now(UTC).replace(tzinfo=None)


def account_key(name: str | None) -> str:
    """The account a typed name counts against: NFC, lower case, no surrounding space, at most `KEY_MAX`
    characters. Lower case so 'Anna' and 'anna' share one count (a guesser gains nothing by varying case)."""
    text = unicodedata.normalize("NFC", unicodedata.normalize("NFC", str(name or "")).lower()).strip()
    return text[:KEY_MAX]


def client_key(ip: str | None) -> str:
    """A stable, non-reversible key for the client's IP address; 'okänd' when the server cannot see one
    (Streamlit reports none for connections from localhost)."""
    if not ip or not str(ip).strip():
        return UNKNOWN_CLIENT
    return "ip:" + hashlib.sha256(str(ip).strip().encode()).hexdigest()[:16]


def wait_after(failures: int) -> float:
    """Seconds the next attempt must wait after `failures` failures in a row."""
    if failures < FREE_FAILURES:
        return 0.0
    return float(min(2 ** min(failures - FREE_FAILURES, 32), MAX_WAIT))


def _lock_end(failures: int, last_failure: datetime) -> datetime:
    return last_failure + timedelta(seconds=wait_after(failures))


def _current_failures(failures: int, last_failure: datetime, at: datetime) -> int:
    """The count still in force at `at`: zero once the wait and a quiet period after it have passed."""
    return 0 if at >= _lock_end(failures, last_failure) + QUIET else failures


def _counted(account: str, client: str) -> list[tuple[str, str]]:
    """The counts a failure adds to. An unknown client (every visitor behind a proxy or on localhost looks the
    same) is not counted: one guesser would otherwise lock every planner's sign-in, not only one account."""
    keys = [(ACCOUNT, account)]
    if client != UNKNOWN_CLIENT:
        keys.append((CLIENT, client))
    return keys


def _rows(cur, account: str, client: str) -> list[tuple[str, str, int, datetime, datetime]]:
    return cur.execute(
        "SELECT kind, key, failures, first_failure, last_failure FROM sign_in_failure "
        "WHERE (kind = ? AND key = ?) OR (kind = ? AND key = ?)",
        [ACCOUNT, account, CLIENT, client],
    ).fetchall()


def check_allowed(
    con: duckdb.DuckDBPyConnection, account: str, client: str, at: datetime | None = None
) -> float | None:
    """None if an attempt may be made now, else the seconds left to wait (the longer of the account's and the
    client's wait). A refused attempt is not checked, counted or delayed: it costs the server nothing."""
    at = at or now()
    cur = db.users(con).cursor()
    try:
        rows = _rows(cur, account_key(account), client)
    finally:
        cur.close()
    waits = [
        (_lock_end(failures, last) - at).total_seconds()
        for _, _, failures, _, last in rows
        if _current_failures(failures, last, at)
    ]
    wait = max(waits, default=0.0)
    return wait if wait > 0 else None


@db.retry_on_conflict
def _write_failure(con: duckdb.DuckDBPyConnection, account: str, client: str, at: datetime) -> float:
    with db.transaction(db.users(con)) as cur:
        current = {
            (kind, key): (failures, first, last) for kind, key, failures, first, last in _rows(cur, account, client)
        }
        waits = []
        for kind, key in _counted(account, client):
            failures, first, last = current.get((kind, key), (0, at, at))
            if not _current_failures(failures, last, at):
                failures, first = 0, at
            failures += 1
            cur.execute(
                "INSERT INTO sign_in_failure (kind, key, failures, first_failure, last_failure) VALUES (?, ?, ?, ?, ?) "
                "ON CONFLICT (kind, key) DO UPDATE SET failures = excluded.failures, "
                "first_failure = excluded.first_failure, last_failure = excluded.last_failure",
                [kind, key, failures, first, at],
            )
            waits.append(wait_after(failures))
        db._audit(cur, "anonym", "sign_in", account, None, "misslyckad inloggning", None, {"klient": client})
    return max(waits)


def record_failure(con: duckdb.DuckDBPyConnection, account: str, client: str, at: datetime | None = None) -> float:
    """Count a failed attempt against the account and the client, with an audit row (name and client, never
    the password), in one transaction; then pause. Returns the seconds the next attempt must wait."""
    wait = _write_failure(con, account_key(account), client, at or now())
    pause()
    return wait


@db.retry_on_conflict
def record_success(con: duckdb.DuckDBPyConnection, account: str, client: str, editor: str | None = None) -> None:
    """A correct password: forget the account's and the client's failures and audit the sign-in."""
    key = account_key(account)
    with db.transaction(db.users(con)) as cur:
        cur.execute(
            "DELETE FROM sign_in_failure WHERE (kind = ? AND key = ?) OR (kind = ? AND key = ?)",
            [ACCOUNT, key, CLIENT, client],
        )
        db._audit(cur, editor or key, "sign_in", key, None, "inloggad", None, {"klient": client})


def pause() -> None:
    """The fixed server-side delay of every failed attempt, so even the free attempts are slow to script.
    Taken outside the write lock: other users' saves never wait for it."""
    try:
        seconds = float(os.environ.get(DELAY_ENV, DEFAULT_DELAY))
    except ValueError:
        seconds = DEFAULT_DELAY
    if seconds > 0:
        time.sleep(min(seconds, 10.0))


def wait_message(seconds: float) -> str:
    """The Swedish refusal while a wait is in force, in whole minutes (seconds when under one)."""
    n = max(1, math.ceil(seconds))
    if n < 60:
        unit = "sekund" if n == 1 else "sekunder"
    else:
        n = math.ceil(n / 60)
        unit = "minut" if n == 1 else "minuter"
    return f"För många misslyckade försök. Försök igen om {n} {unit}."
