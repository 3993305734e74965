"""The goal tree in the database: reading a goal file safely, checking it, installing it and reading it back.

A goal tree arrives three ways (the shipped `data/goals.yaml` at build time, an upload on the data page, a file
given to the CLI) and all of them pass the same bounded reader and the same check here (`check_goal_text` for a
text; the shipped file is read by `read_goal_file` and checked by the same `goals.parse_tree`); an install is one
transaction with its audit row and is kept in `goal_tree_install`, so the build can lay the newest one over
the shipped tree after every rebuild.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import duckdb
import pandas as pd
import yaml

from lib import goals
from lib.config import YEARS
from lib.db.connection import _audit, data_cursor, query, retry_on_conflict, transaction, users
from lib.db.errors import DataError
from lib.db.shared import catch_up

#: A goal tree is a small file (the shipped one is 14 kB): anything larger, nested deeper or using YAML aliases is
#: refused before it is parsed, so a hostile file costs a bounded moment, not the server's memory or stack
#: (PyYAML builds nested values recursively, and an alias can stand for a structure that doubles at each step).
GOAL_TREE_MAX_BYTES = 1_000_000
GOAL_TREE_MAX_DEPTH = 20
GOAL_TREE_MAX_EVENTS = 100_000  # YAML events (values, lists, mappings); the shipped tree has about 1 200
GOAL_TREE_SOURCE = "data/goals.yaml"


def _yaml_loader():
    return getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def _too_large(name: str, size: int) -> DataError:
    from lib.fmt import number

    return DataError(
        f"Målfilen {name} är {number(size / 1e6, 1)} MB; ett målträd får vara högst "
        f"{number(GOAL_TREE_MAX_BYTES / 1e6, 0)} MB."
    )


def decode_goal_bytes(data: bytes, name: str) -> str:
    """The text of an uploaded or read goal file, checked for size before it is decoded."""
    if len(data) > GOAL_TREE_MAX_BYTES:
        raise _too_large(name, len(data))
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise DataError(f"Målfilen {name} är inte UTF-8-kodad text. Spara den som UTF-8 och försök igen.") from exc


def read_goal_source(path: Path) -> str:
    """The text of a goal file on disk: it must be a regular file within the size bound (checked before reading)."""
    try:
        if not path.exists():
            raise DataError(f"Filen {path} finns inte.")
        if not path.is_file():
            raise DataError(f"{path} är ingen vanlig fil (en mapp?). Ange en YAML-fil.")
        size = path.stat().st_size
        if size > GOAL_TREE_MAX_BYTES:
            raise _too_large(path.name, size)
        return decode_goal_bytes(path.read_bytes(), path.name)
    except OSError as exc:
        raise DataError(f"Kunde inte läsa målfilen {path.name}: {exc.strerror or exc}.") from exc


def read_goal_text(text: str, name: str) -> dict:
    """A goal tree's YAML text as a plain value for `goals.parse_tree`; every way it can be unreadable (too large,
    too many values, nested deeper than `GOAL_TREE_MAX_DEPTH`, aliases, invalid YAML) is a `DataError` in Swedish.

    The YAML events are read first (iteratively, no recursion) and counted, and only a small, shallow, alias-free
    text is built into values."""
    size = len(text.encode("utf-8", errors="replace"))
    if size > GOAL_TREE_MAX_BYTES:
        raise _too_large(name, size)
    loader = _yaml_loader()
    try:
        depth = 0
        for count, event in enumerate(yaml.parse(text, Loader=loader)):
            if count > GOAL_TREE_MAX_EVENTS:
                most = f"{GOAL_TREE_MAX_EVENTS:,}".replace(",", " ")
                raise DataError(f"Målfilen {name} har fler än {most} värden; ett målträd har några tusen.")
            if isinstance(event, yaml.CollectionStartEvent):
                depth += 1
                if depth > GOAL_TREE_MAX_DEPTH:
                    raise DataError(
                        f"Målfilen {name} är nästlad djupare än {GOAL_TREE_MAX_DEPTH} nivåer; ett målträd behöver "
                        "några få."
                    )
            elif isinstance(event, yaml.CollectionEndEvent):
                depth -= 1
            elif isinstance(event, yaml.AliasEvent):
                raise DataError(f"Målfilen {name} använder YAML-alias (*namn), som inte stöds i ett målträd.")
        return yaml.load(text, Loader=loader) or {}  # noqa: S506 - a safe loader (CSafeLoader or SafeLoader)
    except DataError:
        raise
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" (rad {mark.line + 1}, kolumn {mark.column + 1})" if mark is not None else ""
        raise DataError(
            f"Målfilen {name} är inte giltig YAML{where}. Kontrollera indrag, kolon och citattecken där."
        ) from exc
    except (RecursionError, MemoryError) as exc:
        raise DataError(f"Målfilen {name} är för stor eller för djupt nästlad för att läsas.") from exc
    except (ValueError, TypeError, OverflowError) as exc:  # e.g. a date such as 2020-13-45 that YAML rejects late
        raise DataError(f"Målfilen {name} innehåller ett värde som inte går att läsa: {exc}") from exc


def read_goal_file(path: Path) -> dict:
    """Read a goal-tree YAML file from disk (the shipped default) with the same bounds as an upload."""
    return read_goal_text(read_goal_source(path), path.name)


def goal_tree(con: duckdb.DuckDBPyConnection) -> goals.GoalTree:
    """The goal tree as stored (validated when the database was built)."""
    return goals.GoalTree(
        nodes=query(con, 'SELECT * FROM goal_node ORDER BY "order"'),
        bodies=query(con, "SELECT * FROM body ORDER BY kind, name"),
        responsibility=query(con, "SELECT * FROM responsibility"),
        indicators=query(con, "SELECT * FROM goal_indicator"),
        targets=query(con, "SELECT * FROM goal_target"),
        activities=query(con, "SELECT * FROM activity ORDER BY id"),
    )


#: The goal tables, children first: an install empties them in this order and fills them in the reverse.
GOAL_TABLES = ("activity", "responsibility", "goal_indicator", "goal_target", "goal_node", "body")
GOAL_FRAMES = {
    "body": "bodies",
    "goal_node": "nodes",
    "responsibility": "responsibility",
    "goal_indicator": "indicators",
    "goal_target": "targets",
    "activity": "activities",
}


def check_goal_text(text: str, name: str, known_indicators: set[str]) -> goals.GoalTree:
    """The one check of a goal tree's YAML text, whichever way it arrives (an upload, the CLI, an installed tree at
    a rebuild): read within the bounds above, then validated against the known indicator codes. Returns the tree;
    raises `goals.TreeError` listing every fault of the tree, or `DataError` when the text cannot be read as YAML
    at all (`name` is the file name the messages show). Nothing is written."""
    return goals.parse_tree(read_goal_text(text, name), known_indicators, YEARS)


def check_goal_tree(con: duckdb.DuckDBPyConnection, text: str, name: str) -> goals.GoalTree:
    """`check_goal_text` against the indicators in the database, without writing anything; every fault is a
    `DataError` listing the problems in Swedish (what the upload on the data page shows)."""
    known = set(query(con, "SELECT code FROM indicator")["code"])
    try:
        return check_goal_text(text, name, known)
    except goals.TreeError as exc:
        raise DataError(str(exc)) from exc


def _goal_counts(tree: goals.GoalTree) -> dict[str, int]:
    levels = tree.nodes["level"].value_counts() if len(tree.nodes) else {}
    return {
        "målområden": int(levels.get("målområde", 0)),
        "mål": int(levels.get("mål", 0)),
        "delmål": int(levels.get("delmål", 0)),
        "organisationer": len(tree.bodies),
        "aktiviteter": len(tree.activities),
    }


def goal_tree_summary(tree: goals.GoalTree) -> str:
    """ "4 målområden, 7 mål, 13 delmål, 14 aktiviteter": what the CLI and the page say about a valid tree."""
    c = _goal_counts(tree)
    return f"{c['målområden']} målområden, {c['mål']} mål, {c['delmål']} delmål, {c['aktiviteter']} aktiviteter"


@retry_on_conflict
def install_goal_tree(
    con: duckdb.DuckDBPyConnection, editor: str | None, text: str, filename: str | None
) -> goals.GoalTree:
    """Make a goal tree (YAML text) the programme's tree: validated first, then in one transaction its text is kept
    in `goal_tree_install`, the goal tables are replaced and an audit row records the editor, the time and the
    tree before and after (sha256 and counts). Nothing is written if anything fails; no file changes and the
    database is not rebuilt, so it works while the app runs and survives later rebuilds (`build_database` uses
    the newest install)."""
    from lib.auth import require_editor

    editor = require_editor(editor)
    name = (filename or "målträd").strip()[:200] or "målträd"
    stored_name = name if filename else None
    tree = check_goal_tree(con, text, name)
    sha = hashlib.sha256(text.encode("utf-8")).hexdigest()
    store = users(con)
    shared = store is not con
    with transaction(store) as cur:
        if shared:
            catch_up(con)  # under the shared lock: the tree every earlier install left
        previous = cur.execute("SELECT id, sha256 FROM goal_tree_install ORDER BY id DESC LIMIT 1").fetchall()
        with data_cursor(con, cur) as data:
            before_levels = dict(data.execute("SELECT level, count(*) FROM goal_node GROUP BY level").fetchall())
            before = {
                "sha256": previous[0][1] if previous else None,
                "källa": f"installation {previous[0][0]}" if previous else GOAL_TREE_SOURCE,
                "målområden": before_levels.get("målområde", 0),
                "mål": before_levels.get("mål", 0),
                "delmål": before_levels.get("delmål", 0),
                "organisationer": data.execute("SELECT count(*) FROM body").fetchall()[0][0],
                "aktiviteter": data.execute("SELECT count(*) FROM activity").fetchall()[0][0],
            }
        install_id = cur.execute("SELECT coalesce(max(id), 0) + 1 FROM goal_tree_install").fetchall()[0][0]
        cur.execute(
            "INSERT INTO goal_tree_install (id, installed_at, editor, filename, sha256, yaml_text) "
            "VALUES (?, now(), ?, ?, ?, ?)",
            [install_id, editor, stored_name, sha, text],
        )
        if not shared:
            replace_goal_tables(cur, tree)
        after = {"sha256": sha, "källa": f"installation {install_id}", "fil": stored_name, **_goal_counts(tree)}
        _audit(cur, editor, "goal_tree", str(install_id), None, "installerat", before, after)
    if shared:
        catch_up(con)
    return tree


def replace_goal_tables(cur, tree: goals.GoalTree) -> None:
    """The goal tables emptied and filled with `tree`'s, inside the caller's transaction."""
    for table in GOAL_TABLES:
        cur.execute(f"DELETE FROM {table}")  # noqa: S608 - fixed table names
    for table in reversed(GOAL_TABLES):
        frame = getattr(tree, GOAL_FRAMES[table])
        cur.register("goal_frame", frame)
        cols = ", ".join(f'"{c}"' for c in frame.columns)
        cur.execute(f"INSERT INTO {table} ({cols}) SELECT {cols} FROM goal_frame")  # noqa: S608 - fixed names
        cur.unregister("goal_frame")


def goal_tree_installs(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Installed goal trees, newest first (id, installed_at, editor, filename, sha256), without their text."""
    return query(
        users(con), "SELECT id, installed_at, editor, filename, sha256 FROM goal_tree_install ORDER BY id DESC"
    )


def installed_goal_text(con: duckdb.DuckDBPyConnection) -> dict | None:
    """The newest installed goal tree (id, installed_at, editor, filename, sha256, yaml_text), or None when the
    shipped default (`data/goals.yaml`) is in use."""
    rows = query(users(con), "SELECT * FROM goal_tree_install ORDER BY id DESC LIMIT 1")
    return None if rows.empty else rows.iloc[0].to_dict()


def _installed_goal_tables(saved: dict[str, pd.DataFrame], known: set[str]) -> dict[str, pd.DataFrame] | None:
    """The goal tables of the newest installed goal tree among the user tables a rebuild carries over, or None to
    keep those of the shipped `data/goals.yaml`: an installed tree is data and survives every rebuild."""
    installs = saved.get("goal_tree_install")
    if installs is None or installs.empty:
        return None
    tree = installed_tree(installs, known)
    return {table: getattr(tree, attribute) for table, attribute in GOAL_FRAMES.items()}


def installed_tree(installs: pd.DataFrame, known: set[str]) -> goals.GoalTree:
    """The newest of `installs` (id, yaml_text) checked against the indicators the data now has."""
    newest = installs.sort_values("id").iloc[-1]
    name = f"det installerade målträdet (nr {int(newest['id'])})"
    try:
        return check_goal_text(str(newest["yaml_text"]), name, known)
    except goals.TreeError as exc:
        raise DataError(f"{name[0].upper()}{name[1:]} passar inte längre med data/: {exc}") from exc
