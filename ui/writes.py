"""The pages' writes: each checks the signed-in editor and calls `lib/`.

Why one module: every write a page makes goes through here, so who may write (the editor signed in now) and what
must be dropped from the caches afterwards is decided in one place, never in a page."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import pandas as pd

from lib import db
from lib import index as ix
from ui import readers, results, sign_in


def save_scenario(name: str, params: ix.IndexParams, sensitivity: Mapping[str, object] | None = None) -> None:
    """Save the weights (and, from Känslighetsanalys, the analysis's settings and summary) under `name`."""
    text = ix.params_to_json(params, sensitivity=sensitivity)
    db.save_scenario(readers.connection(), name, text, sign_in.current_editor())


def replace_goal_tree(text: str, editor: str | None, filename: str | None = None):
    """Install a goal tree in the database (checked, one transaction with its audit row; nothing written if it
    fails) and drop the cached copies so every page shows it. The connection stays open: no rebuild is needed."""
    tree = db.install_goal_tree(readers.connection(), editor, text, filename)
    results.data_changed()
    return tree


def import_values(values: pd.DataFrame, filename: str) -> int:
    """Write checked values as real for the signed-in editor (one transaction, undoable) and drop every cached copy
    of the data so all pages show them. Returns the import id; raises `auth.NotAuthorised` or `db.DataError`."""
    import_id = db.import_values(readers.connection(), sign_in.current_editor(), values, filename)
    results.data_changed()
    return import_id


def undo_import(import_id: int) -> None:
    """Undo an import for the signed-in editor and drop the cached data; raises `auth.NotAuthorised` or
    `db.DataError` (a later import still in force, for one)."""
    db.undo_import(readers.connection(), sign_in.current_editor(), import_id)
    results.data_changed()


def save_plan_text(editor: str, committee: str, section: str, text: str, expected_version: int | None = None) -> bool:
    """Store a text section of a nämnd's plan (`db.save_plan_text`: audited, refused when stale)."""
    return db.save_plan_text(readers.connection(), editor, committee, section, text, expected_version=expected_version)


def apply_plan_changes(
    editor: str, committee: str, table: str, upserts: list[dict], deletes: Iterable = ()
) -> list[str]:
    """Insert, update and delete rows of a nämnd's plan in one audited transaction (`db.apply_plan_changes`)."""
    return db.apply_plan_changes(readers.connection(), editor, committee, table, upserts, deletes)


def save_goal_followup(
    goal_id: str, body: str, year: int, period: str, analysis: str, actions: str, expected_version: int
) -> bool:
    """Store a delmål's follow-up text for the signed-in editor (`db.save_goal_followup`: checked, audited,
    refused when stale); raises `auth.NotAuthorised` for a visitor, so a page can never write without an editor."""
    return db.save_goal_followup(
        readers.connection(),
        sign_in.current_editor(),
        goal_id,
        body,
        year,
        period,
        analysis,
        actions,
        expected_version=expected_version,
    )
