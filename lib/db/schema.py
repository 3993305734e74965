"""The database's shape: the DDL of the tables built from `data/` (`SCHEMA`) and of the tables users write to
(`USER_SCHEMA`, carried across rebuilds), with their versions and the fixed names the other modules share.

It holds no code, so every module of the package can import it without pulling in another; a change to either
schema changes `build.fingerprint` and so triggers a rebuild.
"""

from __future__ import annotations

SCHEMA_VERSION = "2"
SOURCE_FILES = (
    "area.csv",
    "deso.csv",
    "deso_value.csv",
    "district.csv",
    "domain.csv",
    "goals.yaml",
    "indicator.csv",
    "police_area.csv",
    "programme_selection.csv",
    "real_value.csv",
    "reference_figure.csv",
    "reference_mapping.csv",
    "regso_type.csv",
    "value.csv",
)
DOMAINS = ("sociala_risker", "halsa", "sakerhet_trygghet", "forsorjning", "kontext")

#: The goal tables (body, goal_node and the tables that name them) have no foreign keys between them: an install
#: replaces all of them in one transaction, and DuckDB counts a parent row deleted and inserted again within one
#: transaction as still referenced. `goals.parse_tree` checks every reference before anything is written.
SCHEMA = """
CREATE TABLE meta (key VARCHAR PRIMARY KEY, value VARCHAR NOT NULL);
CREATE TABLE district (
    name VARCHAR PRIMARY KEY, code VARCHAR NOT NULL UNIQUE, committee VARCHAR NOT NULL,
    outer_city BOOLEAN NOT NULL);
CREATE TABLE area (
    code VARCHAR PRIMARY KEY, name VARCHAR NOT NULL UNIQUE, district VARCHAR NOT NULL REFERENCES district(name),
    in_programme BOOLEAN NOT NULL, programme_status VARCHAR NOT NULL, selection_confidence VARCHAR,
    selection_motivation VARCHAR, lon DOUBLE NOT NULL, lat DOUBLE NOT NULL, area_km2 DOUBLE NOT NULL);
CREATE TABLE domain (
    code VARCHAR PRIMARY KEY, name VARCHAR NOT NULL, description VARCHAR NOT NULL,
    default_weight DOUBLE NOT NULL, sort_order INTEGER NOT NULL);
CREATE TABLE indicator (
    code VARCHAR PRIMARY KEY, name VARCHAR NOT NULL, domain VARCHAR NOT NULL REFERENCES domain(code),
    unit VARCHAR NOT NULL, higher_is_worse BOOLEAN NOT NULL, definition VARCHAR NOT NULL,
    source VARCHAR NOT NULL, default_weight DOUBLE NOT NULL, decimals INTEGER NOT NULL,
    measured_years VARCHAR NOT NULL, value_min DOUBLE, value_max DOUBLE, aggregation VARCHAR NOT NULL,
    sort_order INTEGER NOT NULL);
CREATE TABLE value (
    area_code VARCHAR NOT NULL REFERENCES area(code), indicator_code VARCHAR NOT NULL REFERENCES indicator(code),
    year INTEGER NOT NULL, value DOUBLE NOT NULL, source VARCHAR NOT NULL, synthetic BOOLEAN NOT NULL,
    licence VARCHAR, PRIMARY KEY (area_code, indicator_code, year));
CREATE TABLE model_value (
    area_code VARCHAR NOT NULL REFERENCES area(code), indicator_code VARCHAR NOT NULL REFERENCES indicator(code),
    year INTEGER NOT NULL, value DOUBLE NOT NULL, source VARCHAR NOT NULL,
    PRIMARY KEY (area_code, indicator_code, year));
CREATE TABLE unit (
    level VARCHAR NOT NULL, code VARCHAR NOT NULL, name VARCHAR NOT NULL, area_code VARCHAR REFERENCES area(code),
    regso_code VARCHAR, overlap_share DOUBLE, n_stadsdelar INTEGER, source VARCHAR NOT NULL,
    licence VARCHAR NOT NULL, PRIMARY KEY (level, code));
CREATE TABLE unit_value (
    level VARCHAR NOT NULL, unit_code VARCHAR NOT NULL, indicator_code VARCHAR NOT NULL REFERENCES indicator(code),
    year INTEGER NOT NULL, value DOUBLE NOT NULL, source VARCHAR NOT NULL, licence VARCHAR NOT NULL,
    synthetic BOOLEAN NOT NULL, PRIMARY KEY (level, unit_code, indicator_code, year));
CREATE TABLE regso_type (
    regso_code VARCHAR NOT NULL, year INTEGER NOT NULL, omradestyp INTEGER NOT NULL, source VARCHAR NOT NULL,
    licence VARCHAR NOT NULL, PRIMARY KEY (regso_code, year));
CREATE TABLE police_area (
    deso_2025 VARCHAR NOT NULL, deso_2018 VARCHAR NOT NULL, klass VARCHAR NOT NULL, share_pct DOUBLE NOT NULL,
    utsatt_pct DOUBLE NOT NULL, sarskilt_pct DOUBLE NOT NULL, year INTEGER NOT NULL, source VARCHAR NOT NULL,
    licence VARCHAR NOT NULL);
CREATE TABLE body (
    id VARCHAR PRIMARY KEY, name VARCHAR NOT NULL, kind VARCHAR NOT NULL, district VARCHAR, members VARCHAR);
CREATE TABLE goal_node (
    id VARCHAR PRIMARY KEY, level VARCHAR NOT NULL, parent VARCHAR, text VARCHAR NOT NULL, short VARCHAR,
    illustrative BOOLEAN NOT NULL, illustrative_parts VARCHAR, source VARCHAR, note VARCHAR,
    "order" INTEGER NOT NULL);
CREATE TABLE responsibility (node_id VARCHAR NOT NULL, body_id VARCHAR NOT NULL, role VARCHAR NOT NULL);
CREATE TABLE goal_indicator (
    node_id VARCHAR NOT NULL, indicator_code VARCHAR NOT NULL REFERENCES indicator(code),
    direction VARCHAR NOT NULL, baseline_year INTEGER NOT NULL, target_2020 DOUBLE, target_2020_change DOUBLE);
CREATE TABLE goal_target (
    node_id VARCHAR NOT NULL, indicator_code VARCHAR NOT NULL, year INTEGER NOT NULL, target DOUBLE NOT NULL);
CREATE TABLE activity (
    id VARCHAR PRIMARY KEY, node_id VARCHAR NOT NULL, body_id VARCHAR NOT NULL, district VARCHAR,
    title VARCHAR NOT NULL, start DATE, "end" DATE, status VARCHAR NOT NULL, budget DOUBLE NOT NULL,
    illustrative BOOLEAN NOT NULL);
CREATE TABLE reference_figure (
    id INTEGER PRIMARY KEY, area VARCHAR NOT NULL, area_level VARCHAR NOT NULL, area_code VARCHAR,
    figure_indicator VARCHAR NOT NULL, indicator_code VARCHAR, comparable BOOLEAN NOT NULL,
    mapping_comment VARCHAR, year INTEGER NOT NULL, value DOUBLE NOT NULL, unit VARCHAR NOT NULL,
    source_url VARCHAR NOT NULL, note VARCHAR);
"""


#: Tables users write to. They survive a rebuild from data/: `build_database` copies them across by named
#: columns (a column added later takes its default), and `user_schema` records which version wrote them.
USER_SCHEMA_VERSION = 4
USER_SCHEMA = """
CREATE TABLE IF NOT EXISTS user_schema (version INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS weight_scenario (
    name VARCHAR PRIMARY KEY, params VARCHAR NOT NULL, created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL);
CREATE TABLE IF NOT EXISTS plan_text (
    committee VARCHAR NOT NULL, section VARCHAR NOT NULL, text VARCHAR NOT NULL, updated_at TIMESTAMP NOT NULL,
    updated_by VARCHAR NOT NULL, version INTEGER NOT NULL DEFAULT 1, PRIMARY KEY (committee, section));
CREATE TABLE IF NOT EXISTS plan_goal (
    id VARCHAR PRIMARY KEY, committee VARCHAR NOT NULL, indicator_code VARCHAR NOT NULL, target DOUBLE NOT NULL,
    target_year INTEGER NOT NULL, text VARCHAR, updated_at TIMESTAMP NOT NULL, updated_by VARCHAR NOT NULL,
    version INTEGER NOT NULL DEFAULT 1);
CREATE TABLE IF NOT EXISTS plan_activity (
    id VARCHAR PRIMARY KEY, committee VARCHAR NOT NULL, title VARCHAR NOT NULL, owner VARCHAR, partners VARCHAR,
    start DATE, "end" DATE, budget DOUBLE NOT NULL, status VARCHAR NOT NULL, updated_at TIMESTAMP NOT NULL,
    updated_by VARCHAR NOT NULL, version INTEGER NOT NULL DEFAULT 1);
CREATE TABLE IF NOT EXISTS audit (
    id BIGINT PRIMARY KEY, changed_at TIMESTAMP NOT NULL, editor VARCHAR NOT NULL, table_name VARCHAR NOT NULL,
    record_id VARCHAR NOT NULL, committee VARCHAR, action VARCHAR NOT NULL, before VARCHAR, after VARCHAR);
CREATE TABLE IF NOT EXISTS import_log (
    id INTEGER PRIMARY KEY, imported_at TIMESTAMP NOT NULL, editor VARCHAR NOT NULL, filename VARCHAR NOT NULL,
    rows INTEGER NOT NULL, new_values INTEGER NOT NULL, changed_values INTEGER NOT NULL, undone_at TIMESTAMP,
    undone_by VARCHAR);
CREATE TABLE IF NOT EXISTS imported_value (
    import_id INTEGER NOT NULL, area_code VARCHAR NOT NULL, indicator_code VARCHAR NOT NULL, year INTEGER NOT NULL,
    value DOUBLE NOT NULL, source VARCHAR NOT NULL, before_value DOUBLE, before_source VARCHAR,
    before_synthetic BOOLEAN);
CREATE TABLE IF NOT EXISTS goal_tree_install (
    id INTEGER PRIMARY KEY, installed_at TIMESTAMP NOT NULL, editor VARCHAR NOT NULL, filename VARCHAR,
    sha256 VARCHAR NOT NULL, yaml_text VARCHAR NOT NULL);
CREATE TABLE IF NOT EXISTS goal_followup (
    goal_id VARCHAR NOT NULL, body VARCHAR NOT NULL, year INTEGER NOT NULL, period VARCHAR NOT NULL,
    analysis VARCHAR NOT NULL, actions VARCHAR NOT NULL, editor VARCHAR NOT NULL, updated_at TIMESTAMP NOT NULL,
    version INTEGER NOT NULL DEFAULT 1, PRIMARY KEY (goal_id, body, year, period));
CREATE TABLE IF NOT EXISTS sign_in_failure (
    kind VARCHAR NOT NULL, key VARCHAR NOT NULL, failures INTEGER NOT NULL, first_failure TIMESTAMP NOT NULL,
    last_failure TIMESTAMP NOT NULL, PRIMARY KEY (kind, key));
"""
USER_TABLES = (
    "weight_scenario",
    "plan_text",
    "plan_goal",
    "plan_activity",
    "audit",
    "import_log",
    "imported_value",
    "goal_tree_install",
    "sign_in_failure",
    "goal_followup",
)
UPSERT_IMPORTED = """
INSERT INTO value (area_code, indicator_code, year, value, source, synthetic, licence)
SELECT area_code, indicator_code, year, value, source, false, NULL FROM {source}
ON CONFLICT (area_code, indicator_code, year) DO UPDATE
    SET value = excluded.value, source = excluded.source, synthetic = false, licence = NULL
"""
#: Undoing an import: what it replaced put back, what it added removed ({source}: its `imported_value` rows).
PUT_BACK_REPLACED = """
UPDATE value SET value = iv.before_value, source = iv.before_source, synthetic = iv.before_synthetic,
    licence = (SELECT max(m.licence) FROM value m WHERE m.source = iv.before_source)
FROM {source} iv
WHERE iv.import_id = ? AND iv.before_value IS NOT NULL AND value.area_code = iv.area_code
  AND value.indicator_code = iv.indicator_code AND value.year = iv.year
"""
PUT_BACK_ADDED = """
DELETE FROM value WHERE (area_code, indicator_code, year) IN (
    SELECT (area_code, indicator_code, year) FROM {source} WHERE import_id = ? AND before_value IS NULL)
"""
PLAN_TABLES = {
    "plan_goal": ("indicator_code", "target", "target_year", "text"),
    "plan_activity": ("title", "owner", "partners", "start", "end", "budget", "status"),
}
SCENARIO_NAME_MAX = 60
