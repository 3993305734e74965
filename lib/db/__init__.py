"""The DuckDB database: built from the CSV files in `data/`, queried with parameterised SQL only.

A package by concept, so each question has one file to open:

- `schema`: the DDL of the built tables and of the user tables, their versions and shared fixed names;
- `errors`: `DataError` and the errors built on it (locked, unreadable, stale edit), with Swedish messages;
- `connection`: connecting, the app's kept connection, the write transaction, retries and the audit row;
- `seed` and `build`: `data/` read and checked, then built into the file atomically with the user tables
  carried across (only `seed` imports `lib.synthetic`);
- `queries`: the read functions;
- `writes`: scenarios and plans, each write one transaction with its audit row;
- `importing`: importing real values and undoing an import;
- `goaltrees`: reading, checking, installing and reading back the goal tree;
- `followup`: the follow-up texts (analys, åtgärder) per delmål, nämnd, period and year;
- `pg`: the user tables in PostgreSQL when `SAMMANHALLEN_DATABASE_URL` is set (`users(con)` finds them);
- `shared`: a process's DuckDB copy kept in step with the imports and goal tree kept in PostgreSQL.

Callers keep using `from lib import db` and `db.name(...)`: everything is re-exported here. A test that replaces a
function for the code that calls it patches the module where it is looked up (e.g. `lib.db.writes._audit`).
"""

from __future__ import annotations

from lib.db import build, connection, errors, goaltrees, importing, seed, writes
from lib.db.build import build_database, ensure_database, fingerprint, stored_fingerprint
from lib.db.connection import (
    WRITE_ATTEMPTS,
    WRITE_LOCK,
    app_connection,
    connect,
    open_app_connection,
    open_database,
    query,
    retry_on_conflict,
    transaction,
    users,
    working_copy,
)
from lib.db.errors import (
    PLAN_FIELD_LABELS,
    PLAN_ROW_NAMES,
    DatabaseLocked,
    DatabaseUnreadable,
    DataError,
    StaleEdit,
    is_corruption,
)
from lib.db.followup import StaleFollowup, goal_followups, save_goal_followup
from lib.db.goaltrees import (
    GOAL_FRAMES,
    GOAL_TABLES,
    GOAL_TREE_MAX_BYTES,
    GOAL_TREE_MAX_DEPTH,
    GOAL_TREE_MAX_EVENTS,
    GOAL_TREE_SOURCE,
    check_goal_tree,
    decode_goal_bytes,
    goal_tree,
    goal_tree_installs,
    goal_tree_summary,
    install_goal_tree,
    installed_goal_text,
    read_goal_file,
    read_goal_source,
    read_goal_text,
)
from lib.db.importing import import_values, imports, undo_import
from lib.db.queries import (
    areas,
    audit_log,
    data_status,
    districts,
    domains,
    indicator_values,
    indicator_years,
    indicators,
    info,
    plan,
    real_and_model,
    real_sources,
    reference_figures,
    scenarios,
    value_status_by_indicator,
    values_long,
)
from lib.db.schema import (
    DOMAINS,
    PLAN_TABLES,
    SCENARIO_NAME_MAX,
    SCHEMA,
    SCHEMA_VERSION,
    SOURCE_FILES,
    UPSERT_IMPORTED,
    USER_SCHEMA,
    USER_SCHEMA_VERSION,
    USER_TABLES,
)
from lib.db.seed import SeedTables, prepare_tables, read_seed
from lib.db.shared import catch_up
from lib.db.writes import apply_plan_changes, delete_scenario, save_plan_text, save_scenario

# Private helpers that other modules and tests reach through the package (`db._audit(cur, ...)`); the same
# objects as in their modules, so shared state such as the kept app connections exists once.
_shown_path = errors._shown_path
_shown = errors._shown
_describe_conflict = errors._describe_conflict
_APP_CONNECTIONS = connection._APP_CONNECTIONS
_APP_LOCK = connection._APP_LOCK
_is_open = connection._is_open
_raise_if_locked = connection._raise_if_locked
_audit = connection._audit
_yaml_loader = goaltrees._yaml_loader
_too_large = goaltrees._too_large
_goal_counts = goaltrees._goal_counts
_installed_goal_tables = goaltrees._installed_goal_tables
_check_real = seed._check_real
_units = seed._units
_restore_user_table = build._restore_user_table
_reapply_imports = build._reapply_imports
_read_user_tables = build._read_user_tables
_row = writes._row
_plain = writes._plain
_same_value = writes._same_value
_state_at = writes._state_at
_conflict = writes._conflict
_backup_before = importing._backup_before

__all__ = [
    "DataError",
    "DatabaseLocked",
    "DatabaseUnreadable",
    "is_corruption",
    "PLAN_FIELD_LABELS",
    "PLAN_ROW_NAMES",
    "StaleEdit",
    "StaleFollowup",
    "goal_followups",
    "save_goal_followup",
    "SCHEMA_VERSION",
    "SOURCE_FILES",
    "DOMAINS",
    "SCHEMA",
    "USER_SCHEMA_VERSION",
    "USER_SCHEMA",
    "USER_TABLES",
    "UPSERT_IMPORTED",
    "PLAN_TABLES",
    "SCENARIO_NAME_MAX",
    "open_app_connection",
    "open_database",
    "working_copy",
    "users",
    "catch_up",
    "app_connection",
    "connect",
    "query",
    "WRITE_LOCK",
    "WRITE_ATTEMPTS",
    "transaction",
    "retry_on_conflict",
    "GOAL_TREE_MAX_BYTES",
    "GOAL_TREE_MAX_DEPTH",
    "GOAL_TREE_MAX_EVENTS",
    "GOAL_TREE_SOURCE",
    "decode_goal_bytes",
    "read_goal_source",
    "read_goal_text",
    "read_goal_file",
    "goal_tree",
    "GOAL_TABLES",
    "GOAL_FRAMES",
    "check_goal_tree",
    "goal_tree_summary",
    "install_goal_tree",
    "goal_tree_installs",
    "installed_goal_text",
    "SeedTables",
    "read_seed",
    "prepare_tables",
    "fingerprint",
    "build_database",
    "stored_fingerprint",
    "ensure_database",
    "areas",
    "districts",
    "domains",
    "indicators",
    "indicator_values",
    "indicator_years",
    "reference_figures",
    "value_status_by_indicator",
    "data_status",
    "info",
    "values_long",
    "plan",
    "audit_log",
    "scenarios",
    "real_and_model",
    "real_sources",
    "save_scenario",
    "apply_plan_changes",
    "save_plan_text",
    "delete_scenario",
    "import_values",
    "undo_import",
    "imports",
]
