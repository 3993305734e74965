"""The pages' writes: each checks the signed-in editor and calls `lib/`."""

from __future__ import annotations

from lib import db
from lib import index as ix
from ui import readers, results, sign_in


def save_scenario(name: str, params: ix.IndexParams) -> None:
    db.save_scenario(readers.connection(), name, ix.params_to_json(params), sign_in.current_editor())


def replace_goal_tree(text: str, editor: str | None, filename: str | None = None):
    """Install a goal tree in the database (checked, one transaction with its audit row; nothing written if it
    fails) and drop the cached copies so every page shows it. The connection stays open: no rebuild is needed."""
    tree = db.install_goal_tree(readers.connection(), editor, text, filename)
    results.data_changed()
    return tree
