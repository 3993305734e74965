"""Follow-up texts (analys and åtgärder per delmål, nämnd, period and year): read, and written by editors, each
save one transaction with its audit row.

A text carries a version, like the plans' texts: a save against a version another editor has replaced since this
editor loaded it is refused (`StaleFollowup`, with the other editor's text) instead of overwriting it unseen.
"""

from __future__ import annotations

import duckdb
import pandas as pd

from lib.db.connection import _audit, query, retry_on_conflict, transaction, users
from lib.db.errors import DataError, StaleEdit
from lib.db.goaltrees import goal_tree
from lib.goals import texts

TABLE = "goal_followup"


class StaleFollowup(StaleEdit):
    """A follow-up text another editor saved after this editor loaded it; `conflicts[0]` holds who, when and the
    stored text (`current`: analysis, actions) next to this editor's (`mine`)."""

    def __init__(self, conflicts: list[dict]):
        super().__init__(conflicts)
        c = conflicts[0]
        who = c.get("updated_by") or "en annan redigerare"
        when = c["updated_at"].strftime("%Y-%m-%d %H:%M") if c.get("updated_at") is not None else "nyss"
        self.args = (
            f"Texten sparades inte: {who} sparade en annan version ({when}) efter att du öppnade sidan. "
            "Din text finns kvar; jämför med den sparade.",
        )


def record_id(goal_id: str, body: str, year: int, period: str) -> str:
    """The key of a text in the audit trail: "D9/sdn_farsta/2020/T1"."""
    return f"{goal_id}/{body}/{int(year)}/{period}"


def goal_followups(con: duckdb.DuckDBPyConnection, goal_id: str | None = None, year: int | None = None) -> pd.DataFrame:
    """The stored texts (`texts.COLUMNS`), of one delmål and/or one year when given, oldest period first."""
    sql = f"SELECT {', '.join(texts.COLUMNS)} FROM {TABLE} WHERE (CAST(? AS VARCHAR) IS NULL OR goal_id = ?) "  # noqa: S608
    sql += "AND (CAST(? AS INTEGER) IS NULL OR year = ?) ORDER BY goal_id, body, year, period"
    return query(users(con), sql, [goal_id, goal_id, year, year])


@retry_on_conflict
def save_goal_followup(
    con: duckdb.DuckDBPyConnection,
    editor: str | None,
    goal_id: str,
    body: str,
    year: int,
    period: str,
    analysis: str,
    actions: str,
    expected_version: int,
) -> bool:
    """Store the analys and åtgärder of one delmål, nämnd, period and year with an audit row; False when exactly
    this is already stored. `expected_version` is the version the editor loaded (0: no text yet); an older one is
    refused with `StaleFollowup`. Every fault of the text is listed at once in one `DataError`."""
    from lib.auth import require_editor

    editor = require_editor(editor)
    analysis, actions = str(analysis or "").strip(), str(actions or "").strip()
    problems = texts.text_problems(goal_tree(con), goal_id, body, year, period, analysis, actions)
    if problems:
        raise DataError("Texten sparades inte:\n- " + "\n- ".join(problems))
    key = record_id(goal_id, body, year, period)
    with transaction(users(con)) as cur:
        found = cur.execute(
            f"SELECT analysis, actions, version, editor, updated_at FROM {TABLE} "  # noqa: S608 - fixed name
            "WHERE goal_id = ? AND body = ? AND year = ? AND period = ?",
            [goal_id, body, int(year), period],
        ).fetchall()
        old = found[0] if found else None
        if old is not None and (old[0], old[1]) == (analysis, actions):
            return False
        if (old[2] if old else 0) != int(expected_version):
            raise StaleFollowup([_conflict(key, int(expected_version), old, analysis, actions)])
        cur.execute(
            f"""
            INSERT INTO {TABLE} (goal_id, body, year, period, analysis, actions, editor, updated_at, version)
            VALUES (?, ?, ?, ?, ?, ?, ?, now(), 1)
            ON CONFLICT (goal_id, body, year, period) DO UPDATE SET analysis = excluded.analysis,
                actions = excluded.actions, editor = excluded.editor, updated_at = now(), version = {TABLE}.version + 1
            """,  # noqa: S608 - fixed name
            [goal_id, body, int(year), period, analysis, actions, editor],
        )
        before = None if old is None else {"analysis": old[0], "actions": old[1], "version": old[2]}
        after = {"analysis": analysis, "actions": actions, "version": 1 if old is None else old[2] + 1}
        _audit(cur, editor, TABLE, key, body, "ändrad" if old else "ny", before, after)
    return True


def _conflict(key: str, loaded: int, old: tuple | None, analysis: str, actions: str) -> dict:
    """What the page shows of a refused save, in the shape of `StaleEdit.conflicts`."""
    current = None if old is None else {"analysis": old[0], "actions": old[1]}
    return {
        "table": TABLE,
        "id": key,
        "label": key,
        "loaded_version": loaded,
        "version": None if old is None else old[2],
        "deleted": old is None,
        "updated_by": None if old is None else old[3],
        "updated_at": None if old is None else old[4],
        "changes": {},
        "then": None,
        "current": current,
        "mine": {"analysis": analysis, "actions": actions},
    }
