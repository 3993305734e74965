"""What editors write: weight scenarios and the nämnders' plans (rows and texts), each in one transaction with its
audit row, editors only.

Plan rows carry a version, so a save against rows another editor changed since they were loaded is refused whole
(`StaleEdit`, with what the other editor changed, read back from the audit trail) instead of overwriting it.
"""

from __future__ import annotations

import duckdb
import pandas as pd

from lib.db.connection import _audit, retry_on_conflict, transaction, users
from lib.db.errors import DataError, StaleEdit
from lib.db.schema import PLAN_TABLES, SCENARIO_NAME_MAX


@retry_on_conflict
def save_scenario(con: duckdb.DuckDBPyConnection, name: str, params: str, editor: str | None = None) -> None:
    """Create or replace a named weight scenario (params as JSON) in one transaction; editors only."""
    from lib.auth import require_editor

    editor = require_editor(editor)
    clean = " ".join(str(name).split())
    if not clean:
        raise DataError("Ge scenariot ett namn.")
    if len(clean) > SCENARIO_NAME_MAX:
        raise DataError(f"Namnet får vara högst {SCENARIO_NAME_MAX} tecken.")
    with transaction(users(con)) as cur:
        cur.execute(
            """
            INSERT INTO weight_scenario (name, params, created_at, updated_at) VALUES (?, ?, now(), now())
            ON CONFLICT (name) DO UPDATE SET params = excluded.params, updated_at = now()
            """,
            [clean, params],
        )
        _audit(cur, editor, "weight_scenario", clean, None, "sparad", None, {"params": params})


def _row(cur, table: str, key: str) -> dict | None:
    result = cur.execute(f"SELECT * FROM {table} WHERE id = ?", [key])  # noqa: S608 - fixed table names
    rows = result.fetchall()  # fetch to the end: DuckDB keeps an unfinished result open otherwise
    if not rows:
        return None
    return dict(zip([d[0] for d in result.description], rows[0], strict=True))


def _plain(row: dict | None) -> dict | None:
    """A row as the audit trail stores it (JSON: dates as text), so stored and audited states compare."""
    import json

    return None if row is None else json.loads(json.dumps(row, default=str, ensure_ascii=False))


def _same_value(a, b) -> bool:
    """Stored and wanted plan values are equal, whatever their Python types (a blank is a blank)."""
    import numbers

    blank_a, blank_b = (v is None or v is pd.NaT or v == "" or (isinstance(v, float) and v != v) for v in (a, b))
    if blank_a or blank_b:
        return blank_a and blank_b
    if isinstance(a, numbers.Real) and isinstance(b, numbers.Real):
        return float(a) == float(b)
    return str(a) == str(b)


def _state_at(cur, table: str, committee: str, key: str, version: int) -> dict | None:
    """The row (or text) as it was at `version`, read from the audit trail, whose before and after carry the
    version. Rows carried from a database without versions are version 1 and their audit rows name none."""
    import json

    rows = cur.execute(
        "SELECT before, after FROM audit WHERE table_name = ? AND record_id = ? AND committee = ? ORDER BY id",
        [table, key, committee],
    ).fetchall()
    found = None
    for states in rows:
        for state in (json.loads(s) for s in states if s):
            if state.get("version", 1) == version:
                found = state
    return found


def _conflict(cur, table: str, committee: str, key: str, loaded: int, current: dict | None, wanted) -> dict:
    """What another editor did to a row since this editor loaded it at version `loaded`."""
    import json

    fields = PLAN_TABLES.get(table, ("text",))
    then = _state_at(cur, table, committee, key, loaded)
    if current is None:  # removed since: the audit row of the removal says who, when and what it held
        gone = cur.execute(
            "SELECT editor, changed_at, before FROM audit WHERE table_name = ? AND record_id = ? AND committee = ? "
            "AND action = 'borttagen' ORDER BY id DESC LIMIT 1",
            [table, key, committee],
        ).fetchall()
        who, when = gone[0][:2] if gone else (None, None)
        then = then or (json.loads(gone[0][2]) if gone and gone[0][2] else None)
        now = None
    else:
        who, when, now = current.get("updated_by"), current.get("updated_at"), _plain(current)
    changes = {}
    if then is not None and now is not None:
        changes = {f: (then.get(f), now.get(f)) for f in fields if not _same_value(then.get(f), now.get(f))}
    shown = now or then or {}
    label = shown.get("title") or shown.get("text") or shown.get("indicator_code") or key
    if table == "plan_text":
        label = key
    elif table == "plan_goal" and shown.get("indicator_code"):
        label = f"{shown['indicator_code']} {shown.get('target_year') or ''}".strip()
    return {
        "table": table,
        "id": key,
        "label": label,
        "loaded_version": loaded,
        "version": None if current is None else current.get("version"),
        "deleted": current is None,
        "updated_by": who,
        "updated_at": when,
        "changes": changes,
        "then": None if then is None else {f: then.get(f) for f in fields},
        "current": None if now is None else {f: now.get(f) for f in fields},
        "mine": None if wanted is None else _plain({f: wanted.get(f) for f in fields}),
    }


@retry_on_conflict
def apply_plan_changes(
    con: duckdb.DuckDBPyConnection,
    editor: str,
    committee: str,
    table: str,
    upserts: list[dict],
    deletes=(),
) -> list[str]:
    """Insert, update and delete rows of one nämnd's plan in one transaction, with an audit row (editor, time,
    before, after) per change. Returns the ids written.

    Every existing row comes with the `version` it was loaded with: upserts as `row["version"]`, deletes as a
    mapping id -> version or as (id, version) pairs. If another editor has changed or removed any of them since,
    the whole save is refused with `StaleEdit` before anything is written, because last-write-wins would drop
    that editor's change unseen. Each update bumps the version in the same UPDATE; an insert starts at 1. A row
    whose wanted values are already stored is skipped: no write, no new version, no audit row."""
    from lib.auth import require_editor

    editor = require_editor(editor)
    if table not in PLAN_TABLES:
        raise DataError(f"Okänd plantabell: {table}")
    pairs = list(deletes.items()) if hasattr(deletes, "items") else list(deletes)
    if any(isinstance(p, str) or len(p) != 2 for p in pairs):
        raise DataError("Ange vilken version varje borttagen rad hade när den lästes in.")
    written = []
    with transaction(users(con)) as cur:
        changes: list[tuple] = []
        conflicts: list[dict] = []
        _plan_upserts(cur, table, committee, upserts, changes, conflicts)
        _plan_deletes(cur, table, committee, pairs, changes, conflicts)
        if conflicts:
            raise StaleEdit(conflicts)
        for action, key, wanted, *loaded in changes:
            before = _row(cur, table, key)
            if action == "ny":
                _insert_plan_row(cur, editor, table, committee, key, wanted)
            elif action == "ändrad":
                _update_plan_row(cur, editor, table, committee, key, wanted, loaded[0])
            else:
                cur.execute(f"DELETE FROM {table} WHERE id = ? AND version = ?", [key, loaded[0]])  # noqa: S608
            _audit(cur, editor, table, key, committee, action, before, _row(cur, table, key))
            written.append(key)
    return written


def _plan_upserts(cur, table: str, committee: str, upserts: list[dict], changes: list, conflicts: list) -> None:
    """Sort each wanted row into a change to write or a conflict to report, writing nothing yet: the whole save
    is refused if any row is stale, so every row must be checked before the first write."""
    import uuid

    fields = PLAN_TABLES[table]
    for row in upserts:
        key = row.get("id") or None
        loaded = row.get("version")
        loaded = None if loaded is None or loaded != loaded else int(loaded)  # NaN: a row added in the editor
        before = _row(cur, table, key) if key else None
        if before is not None and before["committee"] != committee:
            raise DataError("Raden hör till en annan nämnds plan.")
        wanted = {f: row.get(f) for f in fields}
        if before is None and key and loaded is not None:  # loaded, then removed by someone else
            conflicts.append(_conflict(cur, table, committee, key, loaded, None, wanted))
        elif before is None:
            new_key = key or f"{'MAL' if table == 'plan_goal' else 'AKT'}-{uuid.uuid4().hex[:8]}"
            changes.append(("ny", new_key, wanted))
        elif all(_same_value(before[f], wanted[f]) for f in fields):
            continue  # already stored as wanted, by this editor or another: nothing to write or lose
        elif loaded is None:
            raise DataError(f"Raden {key} saknar version; ladda om planen och försök igen.")
        elif loaded != before["version"]:
            conflicts.append(_conflict(cur, table, committee, str(key), loaded, before, wanted))
        else:
            changes.append(("ändrad", key, wanted, loaded))


def _plan_deletes(cur, table: str, committee: str, pairs: list, changes: list, conflicts: list) -> None:
    """Sort each (id, loaded version) to delete into a change or a conflict, like `_plan_upserts`; a row that is
    already gone is what the editor wanted, so it is neither."""
    for key, loaded in pairs:
        before = _row(cur, table, key)
        if before is None or before["committee"] != committee:
            continue  # already gone, as wanted
        if loaded is None:
            raise DataError(f"Raden {key} saknar version; ladda om planen och försök igen.")
        if int(loaded) != before["version"]:
            conflicts.append(_conflict(cur, table, committee, key, int(loaded), before, None))
        else:
            changes.append(("borttagen", key, None, int(loaded)))


def _insert_plan_row(cur, editor: str, table: str, committee: str, key: str, wanted: dict) -> None:
    """Insert a new plan row at version 1; the table and column names come from `PLAN_TABLES`, never a user."""
    fields = PLAN_TABLES[table]
    cols = ", ".join(f'"{f}"' for f in fields)
    marks = ", ".join("?" for _ in fields)
    cur.execute(
        f"INSERT INTO {table} (id, committee, {cols}, updated_at, updated_by, version) "  # noqa: S608
        f"VALUES (?, ?, {marks}, now(), ?, 1)",
        [key, committee, *wanted.values(), editor],
    )


def _update_plan_row(cur, editor: str, table: str, committee: str, key: str, wanted: dict, loaded: int) -> None:
    """Update a plan row only if it still has the version the editor loaded, bumping it in the same statement so
    no other save can slip in between the check and the write."""
    fields = PLAN_TABLES[table]
    sets = ", ".join(f'"{f}" = ?' for f in fields)
    [(count,)] = cur.execute(
        f"UPDATE {table} SET {sets}, updated_at = now(), updated_by = ?, "  # noqa: S608
        "version = version + 1 WHERE id = ? AND version = ?",
        [*wanted.values(), editor, key, loaded],
    ).fetchall()
    if count != 1:  # cannot happen under the write lock; refuse rather than write half
        raise StaleEdit([_conflict(cur, table, committee, key, loaded, _row(cur, table, key), wanted)])


@retry_on_conflict
def save_plan_text(
    con: duckdb.DuckDBPyConnection,
    editor: str,
    committee: str,
    section: str,
    text: str,
    expected_version: int | None = None,
) -> bool:
    """Store a text section (e.g. prioriteringar) of a plan with an audit row; False if it is already stored.

    `expected_version` is the version the editor loaded (0: there was no text yet). A save against an older
    version is refused with `StaleEdit`, which carries the other editor's text, who and when: overwriting it
    would lose it unseen. None skips the check, for callers that never showed a stored text."""
    from lib.auth import require_editor

    editor = require_editor(editor)
    with transaction(users(con)) as cur:
        found = cur.execute(
            "SELECT text, version, updated_by, updated_at FROM plan_text WHERE committee = ? AND section = ?",
            [committee, section],
        ).fetchall()
        old = found[0] if found else None
        if old is not None and old[0] == text:
            return False
        if old is not None and expected_version is not None and int(expected_version) != old[1]:
            current = {"text": old[0], "version": old[1], "updated_by": old[2], "updated_at": old[3]}
            conflict = _conflict(cur, "plan_text", committee, section, int(expected_version), current, {"text": text})
            if int(expected_version) == 0:  # there was no text when this editor loaded the page
                conflict["changes"] = {"text": ("", old[0])}
            raise StaleEdit([conflict])
        cur.execute(
            """
            INSERT INTO plan_text (committee, section, text, updated_at, updated_by, version)
            VALUES (?, ?, ?, now(), ?, 1)
            ON CONFLICT (committee, section) DO UPDATE SET text = excluded.text, updated_at = now(),
                updated_by = excluded.updated_by, version = plan_text.version + 1
            """,
            [committee, section, text, editor],
        )
        _audit(
            cur,
            editor,
            "plan_text",
            section,
            committee,
            "ändrad" if old else "ny",
            None if old is None else {"text": old[0], "version": old[1]},
            {"text": text, "version": 1 if old is None else old[1] + 1},
        )
    return True


@retry_on_conflict
def delete_scenario(con: duckdb.DuckDBPyConnection, name: str, editor: str | None) -> bool:
    """Remove a saved scenario with its audit row (what it held, so it can be typed in again); editors only.
    False if there was no such scenario."""
    from lib.auth import require_editor

    editor = require_editor(editor)
    with transaction(users(con)) as cur:
        found = cur.execute("SELECT params FROM weight_scenario WHERE name = ?", [name]).fetchall()
        if not found:
            return False
        cur.execute("DELETE FROM weight_scenario WHERE name = ?", [name])
        _audit(cur, editor, "weight_scenario", name, None, "borttagen", {"params": found[0][0]}, None)
    return True
