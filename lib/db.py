"""The DuckDB database: built from the CSV files in `data/`, queried with parameterised SQL only.

The `.duckdb` file is a build product. `ensure_database` rebuilds it when it is missing or when the
fingerprint of the source files differs from the one stored in its `meta` table, so editing a CSV
is enough to change what the app shows. A build writes a temporary file in one transaction and
renames it into place, so a failed build never leaves a half-written database behind.
"""

from __future__ import annotations

import functools
import hashlib
import os
import threading
import time
from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import ParamSpec, TypeVar

import duckdb
import pandas as pd
import yaml

from lib import goals, real
from lib.config import YEARS
from lib.reference import map_reference_figures
from lib.synthetic import parse_years

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
CREATE TABLE responsibility (
    node_id VARCHAR NOT NULL REFERENCES goal_node(id), body_id VARCHAR NOT NULL REFERENCES body(id),
    role VARCHAR NOT NULL);
CREATE TABLE goal_indicator (
    node_id VARCHAR NOT NULL REFERENCES goal_node(id), indicator_code VARCHAR NOT NULL REFERENCES indicator(code),
    direction VARCHAR NOT NULL, baseline_year INTEGER NOT NULL, target_2020 DOUBLE, target_2020_change DOUBLE);
CREATE TABLE goal_target (
    node_id VARCHAR NOT NULL, indicator_code VARCHAR NOT NULL, year INTEGER NOT NULL, target DOUBLE NOT NULL);
CREATE TABLE activity (
    id VARCHAR PRIMARY KEY, node_id VARCHAR NOT NULL REFERENCES goal_node(id), body_id VARCHAR NOT NULL
    REFERENCES body(id), district VARCHAR, title VARCHAR NOT NULL, start DATE, "end" DATE, status VARCHAR NOT NULL,
    budget DOUBLE NOT NULL, illustrative BOOLEAN NOT NULL);
CREATE TABLE reference_figure (
    id INTEGER PRIMARY KEY, area VARCHAR NOT NULL, area_level VARCHAR NOT NULL, area_code VARCHAR,
    figure_indicator VARCHAR NOT NULL, indicator_code VARCHAR, comparable BOOLEAN NOT NULL,
    mapping_comment VARCHAR, year INTEGER NOT NULL, value DOUBLE NOT NULL, unit VARCHAR NOT NULL,
    source_url VARCHAR NOT NULL, note VARCHAR);
"""


#: Tables users write to. They survive a rebuild from data/: `build_database` copies them across by named
#: columns (a column added later takes its default), and `user_schema` records which version wrote them.
USER_SCHEMA_VERSION = 3
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
)
UPSERT_IMPORTED = """
INSERT INTO value (area_code, indicator_code, year, value, source, synthetic, licence)
SELECT area_code, indicator_code, year, value, source, false, NULL FROM {source}
ON CONFLICT (area_code, indicator_code, year) DO UPDATE
    SET value = excluded.value, source = excluded.source, synthetic = false, licence = NULL
"""
PLAN_TABLES = {
    "plan_goal": ("indicator_code", "target", "target_year", "text"),
    "plan_activity": ("title", "owner", "partners", "start", "end", "budget", "status"),
}
SCENARIO_NAME_MAX = 60


P = ParamSpec("P")
T = TypeVar("T")


class DataError(ValueError):
    """A source file breaks the data model; the message is Swedish and names the file."""


@dataclass(frozen=True)
class SeedTables:
    """The source tables as read from `data/`, before they become database tables."""

    areas: pd.DataFrame
    districts: pd.DataFrame
    domains: pd.DataFrame
    indicators: pd.DataFrame
    programme: pd.DataFrame
    figures: pd.DataFrame
    mapping: pd.DataFrame
    values: pd.DataFrame
    goals: dict
    deso: pd.DataFrame
    deso_values: pd.DataFrame
    real_values: pd.DataFrame
    regso_types: pd.DataFrame
    police: pd.DataFrame


def read_goal_file(path: Path) -> dict:
    """Read a goal-tree YAML file; unreadable YAML becomes a `DataError` in Swedish."""
    try:
        return yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except (OSError, UnicodeDecodeError) as exc:
        raise DataError(f"Kunde inte läsa målfilen {path.name}: {exc}") from exc
    except yaml.YAMLError as exc:
        raise DataError(f"Målfilen {path.name} är inte giltig YAML: {exc}") from exc


def fingerprint(data_dir: Path) -> str:
    """SHA-256 over the source files (names and bytes) and the schema, so either change triggers a rebuild."""
    digest = hashlib.sha256((SCHEMA_VERSION + SCHEMA + USER_SCHEMA).encode())
    for name in SOURCE_FILES:
        path = data_dir / name
        digest.update(name.encode())
        digest.update(path.read_bytes() if path.exists() else b"<missing>")
    return digest.hexdigest()


def read_seed(data_dir: Path) -> SeedTables:
    """Read the CSV files; a missing file is a `DataError`."""

    def read(name: str, **kwargs) -> pd.DataFrame:
        path = data_dir / name
        if not path.exists():
            raise DataError(f"Filen {name} saknas i {data_dir}.")
        return pd.read_csv(path, **kwargs)

    return SeedTables(
        areas=read("area.csv"),
        districts=read("district.csv"),
        domains=read("domain.csv"),
        indicators=read("indicator.csv"),
        programme=read("programme_selection.csv"),
        figures=read("reference_figure.csv"),
        mapping=read("reference_mapping.csv"),
        values=read("value.csv"),
        goals=read_goal_file(data_dir / "goals.yaml") if (data_dir / "goals.yaml").exists() else {},
        deso=read("deso.csv"),
        deso_values=read("deso_value.csv"),
        real_values=read("real_value.csv"),
        regso_types=read("regso_type.csv"),
        police=read("police_area.csv"),
    )


def prepare_tables(seed: SeedTables) -> dict[str, pd.DataFrame]:
    """Validate the seed and shape it into the database tables (pure; raises `DataError`)."""
    areas = seed.areas.copy()
    unknown_district = set(areas["district"]) - set(seed.districts["name"])
    if unknown_district:
        raise DataError(f"area.csv: okända stadsdelsområden {sorted(unknown_district)}.")
    prog = seed.programme.set_index("name")
    unknown = set(prog.index) - set(areas["name"])
    if unknown:
        raise DataError(f"programme_selection.csv: okända stadsdelar {sorted(unknown)}.")
    areas["in_programme"] = areas["name"].isin(prog.index)
    areas["programme_status"] = "preliminär"
    areas["selection_confidence"] = areas["name"].map(prog["confidence"])
    areas["selection_motivation"] = areas["name"].map(prog["motivation"])
    areas = areas[
        [
            "code",
            "name",
            "district",
            "in_programme",
            "programme_status",
            "selection_confidence",
            "selection_motivation",
            "lon",
            "lat",
            "area_km2",
        ]
    ]

    indicators = seed.indicators.copy()
    bad_domain = set(indicators["domain"]) - set(DOMAINS)
    if bad_domain:
        raise DataError(f"indicator.csv: okända områden {sorted(bad_domain)}.")
    for spec in indicators["measured_years"]:
        if not set(parse_years(spec)) <= set(YEARS):
            raise DataError(f"indicator.csv: år utanför {YEARS[0]}–{YEARS[-1]} i '{spec}'.")
    indicators["sort_order"] = range(len(indicators))

    values = seed.values.copy()
    unknown_area = set(values["area_code"]) - set(areas["code"])
    unknown_ind = set(values["indicator_code"]) - set(indicators["code"])
    if unknown_area or unknown_ind:
        raise DataError(f"value.csv: okända koder {sorted(unknown_area | unknown_ind)[:5]}.")
    if values["source"].isna().any():
        raise DataError("value.csv: varje värde måste ha en källa.")
    values["synthetic"] = values["synthetic"].astype(bool)
    if not values["synthetic"].all():
        raise DataError("value.csv: får bara innehålla modellens syntetiska värden; verkliga värden har egna filer.")
    real_values = real.stadsdel_values(seed.deso, seed.deso_values, seed.real_values)
    _check_real(real_values, "real_value.csv/deso_value.csv", set(areas["code"]), set(indicators["code"]))
    _check_real(
        seed.deso_values.rename(columns={"unit_code": "area_code"}),
        "deso_value.csv",
        set(seed.deso["code"]),
        set(indicators["code"]),
    )
    model = values[["area_code", "indicator_code", "year", "value", "source"]]
    values["licence"] = None
    merged = pd.concat([real_values.assign(licence=real_values["licence"]), values], ignore_index=True)
    merged = merged.drop_duplicates(["area_code", "indicator_code", "year"], keep="first")
    units = _units(seed.deso, areas)

    try:
        tree = goals.parse_tree(seed.goals, set(indicators["code"]), YEARS)
    except goals.TreeError as exc:
        raise DataError(str(exc)) from exc

    figures = map_reference_figures(seed.figures, seed.mapping, areas)
    figures = figures.rename(columns={"indicator": "figure_indicator"})
    figures.insert(0, "id", range(1, len(figures) + 1))
    figures = figures[
        [
            "id",
            "area",
            "area_level",
            "area_code",
            "figure_indicator",
            "indicator_code",
            "comparable",
            "mapping_comment",
            "year",
            "value",
            "unit",
            "source_url",
            "note",
        ]
    ]
    return {
        "district": seed.districts[["name", "code", "committee", "outer_city"]],
        "area": areas,
        "domain": seed.domains[["code", "name", "description", "default_weight", "sort_order"]],
        "indicator": indicators[
            [
                "code",
                "name",
                "domain",
                "unit",
                "higher_is_worse",
                "definition",
                "source",
                "default_weight",
                "decimals",
                "measured_years",
                "value_min",
                "value_max",
                "aggregation",
                "sort_order",
            ]
        ],
        "value": merged[["area_code", "indicator_code", "year", "value", "source", "synthetic", "licence"]],
        "model_value": model,
        "unit": units,
        "unit_value": pd.DataFrame(
            {
                "level": "deso",
                "unit_code": seed.deso_values["unit_code"],
                "indicator_code": seed.deso_values["indicator_code"],
                "year": seed.deso_values["year"],
                "value": seed.deso_values["value"],
                "source": seed.deso_values["source"],
                "licence": seed.deso_values["licence"],
                "synthetic": seed.deso_values["synthetic"].astype(bool),
            }
        ),
        "regso_type": seed.regso_types[["regso_code", "year", "omradestyp", "source", "licence"]],
        "police_area": seed.police[
            ["deso_2025", "deso_2018", "klass", "share_pct", "utsatt_pct", "sarskilt_pct", "year", "source", "licence"]
        ],
        "reference_figure": figures,
        "body": tree.bodies,
        "goal_node": tree.nodes,
        "responsibility": tree.responsibility,
        "goal_indicator": tree.indicators,
        "goal_target": tree.targets,
        "activity": tree.activities,
    }


def _check_real(values: pd.DataFrame, name: str, units: set[str], indicators: set[str]) -> None:
    """Real rows must name a known unit and indicator and carry a source and a licence."""
    unknown = (set(values["area_code"]) - units) | (set(values["indicator_code"]) - indicators)
    if unknown:
        raise DataError(f"{name}: okända koder {sorted(unknown)[:5]}.")
    for column in ("source", "licence"):
        if values[column].isna().any() or (values[column].astype(str).str.strip() == "").any():
            raise DataError(f"{name}: varje verkligt värde måste ha {'källa' if column == 'source' else 'licens'}.")
    if values["synthetic"].astype(bool).any():
        raise DataError(f"{name}: verkliga värden kan inte vara markerade som syntetiska.")


def _units(deso: pd.DataFrame, areas: pd.DataFrame) -> pd.DataFrame:
    """DeSO and RegSO rows of the unit table. A DeSO is named by its RegSO (SCB names no DeSO); a RegSO belongs to
    the stadsdel most of its population lives in, for display only."""
    unknown = set(deso["area_code"]) - set(areas["code"])
    if unknown:
        raise DataError(f"deso.csv: okända stadsdelar {sorted(unknown)[:5]}.")
    desos = pd.DataFrame(
        {
            "level": "deso",
            "code": deso["code"],
            "name": deso["regso"] + " (" + deso["code"] + ")",
            "area_code": deso["area_code"],
            "regso_code": deso["regso_code"],
            "overlap_share": deso["overlap_share"],
            "n_stadsdelar": deso["n_stadsdelar"],
            "source": deso["source"],
            "licence": deso["licence"],
        }
    )
    first = (
        deso.sort_values("code")
        .groupby("regso_code", as_index=False)
        .agg(name=("regso", "first"), area_code=("area_code", lambda s: s.mode().iloc[0]))
    )
    regsos = pd.DataFrame(
        {
            "level": "regso",
            "code": first["regso_code"],
            "name": first["name"],
            "area_code": first["area_code"],
            "regso_code": first["regso_code"],
            "overlap_share": None,
            "n_stadsdelar": None,
            "source": "SCB, RegSO 2020 (CC0 1.0)",
            "licence": "CC0 1.0",
        }
    )
    return pd.concat([desos, regsos], ignore_index=True)


def build_database(data_dir: Path, db_path: Path) -> Path:
    """Build the database from `data_dir` into `db_path` atomically (temp file, one transaction, rename)."""
    tables = prepare_tables(read_seed(data_dir))
    saved = _read_user_tables(db_path)
    db_path.parent.mkdir(parents=True, exist_ok=True)
    tmp = db_path.with_name(db_path.name + f".tmp{os.getpid()}")
    tmp.unlink(missing_ok=True)
    con = duckdb.connect(str(tmp))
    try:
        con.execute("BEGIN TRANSACTION")
        con.execute(SCHEMA)
        for name in (
            "district",
            "area",
            "domain",
            "indicator",
            "value",
            "model_value",
            "unit",
            "unit_value",
            "regso_type",
            "police_area",
            "reference_figure",
            "body",
            "goal_node",
            "responsibility",
            "goal_indicator",
            "goal_target",
            "activity",
        ):
            frame = tables[name]
            con.register("frame", frame)
            cols = ", ".join(f'"{c}"' for c in frame.columns)
            con.execute(f"INSERT INTO {name} ({cols}) SELECT {cols} FROM frame")  # noqa: S608 - fixed names
            con.unregister("frame")
        con.execute(USER_SCHEMA)
        for name, frame in saved.items():
            _restore_user_table(con, name, frame)
        con.execute("INSERT INTO user_schema VALUES (?)", [USER_SCHEMA_VERSION])
        _reapply_imports(con)
        con.executemany(
            "INSERT INTO meta VALUES (?, ?)",
            [["fingerprint", fingerprint(data_dir)], ["schema_version", SCHEMA_VERSION]],
        )
        con.execute("COMMIT")
    except Exception:
        con.close()
        tmp.unlink(missing_ok=True)
        raise
    con.close()
    os.replace(tmp, db_path)
    return db_path


def _restore_user_table(con: duckdb.DuckDBPyConnection, name: str, frame: pd.DataFrame) -> None:
    """Copy a saved user table into the new schema by named columns: a column the new schema added takes its
    default, a column it dropped is left behind (never `SELECT *`)."""
    if name == "user_schema":
        return
    target = [
        r[0]
        for r in con.execute(
            "SELECT column_name FROM duckdb_columns() WHERE table_name = ? ORDER BY column_index", [name]
        ).fetchall()
    ]
    shared = [c for c in frame.columns if c in target]
    if not shared:
        return
    con.register("saved", frame[shared])
    cols = ", ".join(f'"{c}"' for c in shared)
    con.execute(f"INSERT INTO {name} ({cols}) SELECT {cols} FROM saved")  # noqa: S608 - fixed names
    con.unregister("saved")


def _reapply_imports(con: duckdb.DuckDBPyConnection) -> None:
    """Real values imported by users sit on top of the seed values, in import order, across rebuilds."""
    active = con.execute("SELECT id FROM import_log WHERE undone_at IS NULL ORDER BY id").fetchall()
    for (import_id,) in active:
        con.execute(
            "CREATE OR REPLACE TEMP TABLE one_import AS SELECT * FROM imported_value WHERE import_id = ?", [import_id]
        )
        con.execute(UPSERT_IMPORTED.format(source="one_import"))
    con.execute("DROP TABLE IF EXISTS one_import")


def _read_user_tables(old_path: Path) -> dict[str, pd.DataFrame]:
    """What users saved (scenarios, later plans) in the database about to be replaced."""
    if not old_path.exists():
        return {}
    try:
        with connect(old_path, read_only=True) as old:
            present = {r[0] for r in old.execute("SELECT table_name FROM duckdb_tables()").fetchall()}
            return {t: old.execute(f"SELECT * FROM {t}").df() for t in USER_TABLES if t in present}  # noqa: S608
    except duckdb.Error:
        return {}  # an unreadable old file has nothing to carry over (a locked one raised DataError above)


def stored_fingerprint(db_path: Path) -> str | None:
    if not db_path.exists():
        return None
    try:
        with connect(db_path, read_only=True) as con:
            row = con.execute("SELECT value FROM meta WHERE key = ?", ["fingerprint"]).fetchone()
    except duckdb.Error:
        return None
    return row[0] if row else None


def ensure_database(data_dir: Path, db_path: Path) -> bool:
    """Build the database if it is missing or older than the source files; True if it was built."""
    if stored_fingerprint(db_path) == fingerprint(data_dir):
        return False
    build_database(data_dir, db_path)
    return True


def connect(db_path: Path, read_only: bool = False) -> duckdb.DuckDBPyConnection:
    """The app's one connection; callers take a `.cursor()` per query (DuckDB connections are not thread-safe).

    DuckDB lets one process write; while the app runs, other processes (the CLI) cannot open the file.
    """
    try:
        return duckdb.connect(str(db_path), read_only=read_only)
    except duckdb.Error as exc:
        _raise_if_locked(exc, db_path)
        if read_only and "different configuration" in str(exc):
            return duckdb.connect(str(db_path))  # this process already has it open for writing; share that
        raise


def _raise_if_locked(exc: Exception, path: Path) -> None:
    if "lock" in str(exc).lower():
        raise DataError(
            f"Databasen {path.name} används av en annan process (troligen appen). Stoppa den och försök igen."
        ) from exc


def query(con: duckdb.DuckDBPyConnection, sql: str, params: list | None = None) -> pd.DataFrame:
    """Run parameterised SQL on a fresh cursor and return a DataFrame."""
    cur = con.cursor()
    try:
        return cur.execute(sql, params or []).df()
    finally:
        cur.close()


def areas(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    return query(
        con,
        "SELECT a.*, d.committee, d.outer_city FROM area a JOIN district d ON d.name = a.district ORDER BY a.name",
    )


def districts(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    return query(con, "SELECT * FROM district ORDER BY outer_city DESC, name")


def domains(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    return query(con, "SELECT * FROM domain ORDER BY sort_order")


def indicators(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    return query(
        con,
        "SELECT i.*, d.name AS domain_name FROM indicator i JOIN domain d ON d.code = i.domain "
        "ORDER BY d.sort_order, i.sort_order",
    )


def indicator_values(con: duckdb.DuckDBPyConnection, indicator_code: str, year: int) -> pd.DataFrame:
    """One indicator for one year, every stadsdel (stadsdelar without a value get NaN)."""
    return query(
        con,
        """
        SELECT a.code AS area_code, a.name, a.district, a.in_programme, v.value, v.source, v.synthetic,
               p.value AS population
        FROM area a
        LEFT JOIN value v ON v.area_code = a.code AND v.indicator_code = ? AND v.year = ?
        LEFT JOIN value p ON p.area_code = a.code AND p.indicator_code = 'befolkning' AND p.year = ?
        ORDER BY a.name
        """,
        [indicator_code, year, year],
    )


def indicator_years(con: duckdb.DuckDBPyConnection, indicator_code: str) -> list[int]:
    df = query(con, "SELECT DISTINCT year FROM value WHERE indicator_code = ? ORDER BY year", [indicator_code])
    return df["year"].astype(int).tolist()


def reference_figures(con: duckdb.DuckDBPyConnection, indicator_code: str | None = None) -> pd.DataFrame:
    if indicator_code is None:
        return query(con, "SELECT * FROM reference_figure ORDER BY figure_indicator, area, year")
    return query(
        con,
        "SELECT * FROM reference_figure WHERE indicator_code = ? ORDER BY area_level, area, year",
        [indicator_code],
    )


def value_status_by_indicator(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Per indicator: how many values are synthetic and how many real, and the span of years."""
    return query(
        con,
        """
        SELECT i.code, count(v.value) FILTER (WHERE v.synthetic) AS synthetic,
               count(v.value) FILTER (WHERE NOT v.synthetic) AS real, min(v.year) AS first_year,
               max(v.year) AS last_year
        FROM indicator i LEFT JOIN value v ON v.indicator_code = i.code
        GROUP BY i.code
        """,
    )


def data_status(con: duckdb.DuckDBPyConnection) -> dict:
    """Counts of synthetic, real and missing values; expected cells follow each indicator's measured years."""
    counts = query(
        con,
        "SELECT count(*) AS n, count(*) FILTER (WHERE synthetic) AS synthetic FROM value",
    ).iloc[0]
    inds = query(con, "SELECT code, measured_years FROM indicator")
    n_areas = int(query(con, "SELECT count(*) AS n FROM area").iloc[0]["n"])
    expected = sum(len(parse_years(spec)) for spec in inds["measured_years"]) * n_areas
    total, synthetic = int(counts["n"]), int(counts["synthetic"])
    return {
        "values": total,
        "synthetic_values": synthetic,
        "real_values": total - synthetic,
        "missing_values": max(expected - total, 0),
        "expected_values": expected,
        "reference_figures": int(query(con, "SELECT count(*) AS n FROM reference_figure").iloc[0]["n"]),
    }


def info(con: duckdb.DuckDBPyConnection, geometry: str) -> dict:
    """The summary `lib.cli info --json` prints."""
    by_domain = query(con, "SELECT domain, count(*) AS n FROM indicator GROUP BY domain ORDER BY domain")
    years = query(con, "SELECT DISTINCT year FROM value ORDER BY year")["year"].astype(int).tolist()
    status = data_status(con)
    return {
        "areas": int(query(con, "SELECT count(*) AS n FROM area").iloc[0]["n"]),
        "programme_areas": int(query(con, "SELECT count(*) AS n FROM area WHERE in_programme").iloc[0]["n"]),
        "programme_status": "preliminär",
        "districts": int(query(con, "SELECT count(*) AS n FROM district").iloc[0]["n"]),
        "indicators": int(by_domain["n"].sum()),
        "indicators_by_domain": {r.domain: int(r.n) for r in by_domain.itertuples()},
        **status,
        "years": years,
        "geometry": geometry,
    }


def values_long(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Every value in long format (area_code, indicator_code, year, value, synthetic) for the index."""
    return query(con, "SELECT area_code, indicator_code, year, value, synthetic FROM value")


#: Writes are serialised, one transaction at a time, in the one process that may write the file. DuckDB
#: allows a single writing process, and inside it concurrent transactions collide: two that take the next audit
#: id both see the same maximum (a duplicate key), two that change the same row conflict at commit. Queued
#: behind this lock they cannot, while readers never wait (each reader's cursor sees the last committed state).
#: Process-wide on purpose: it mirrors DuckDB's own per-process write lock.
WRITE_LOCK = threading.Lock()
WRITE_ATTEMPTS = 4


@contextmanager
def transaction(con: duckdb.DuckDBPyConnection):
    """A cursor inside one write transaction: committed when the block ends, rolled back if it raises. Holds the
    write lock throughout, so the app's writes run one after the other."""
    with WRITE_LOCK:
        cur = con.cursor()
        cur.execute("BEGIN TRANSACTION")
        try:
            yield cur
            cur.execute("COMMIT")
        except Exception:
            cur.execute("ROLLBACK")
            raise
        finally:
            cur.close()


def retry_on_conflict(write: Callable[P, T]) -> Callable[P, T]:
    """Run a whole write again (a fresh transaction) when DuckDB reports a transaction conflict, waiting
    20, 40, 80 ms; the lock makes conflicts within the app impossible, this covers any writer outside it."""

    @functools.wraps(write)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> T:
        for attempt in range(WRITE_ATTEMPTS - 1):
            try:
                return write(*args, **kwargs)
            except duckdb.TransactionException:
                time.sleep(0.02 * 2**attempt)
        return write(*args, **kwargs)  # the last attempt's conflict reaches the caller

    return wrapper


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
    with transaction(con) as cur:
        cur.execute(
            """
            INSERT INTO weight_scenario (name, params, created_at, updated_at) VALUES (?, ?, now(), now())
            ON CONFLICT (name) DO UPDATE SET params = excluded.params, updated_at = now()
            """,
            [clean, params],
        )
        _audit(cur, editor, "weight_scenario", clean, None, "sparad", None, {"params": params})


def _audit(cur, editor: str, table: str, record_id: str, committee: str | None, action: str, before, after) -> None:
    import json

    next_id = cur.execute("SELECT coalesce(max(id), 0) + 1 FROM audit").fetchall()[0][0]
    cur.execute(
        "INSERT INTO audit VALUES (?, now(), ?, ?, ?, ?, ?, ?, ?)",
        [
            next_id,
            editor,
            table,
            record_id,
            committee,
            action,
            None if before is None else json.dumps(before, default=str, ensure_ascii=False),
            None if after is None else json.dumps(after, default=str, ensure_ascii=False),
        ],
    )


def _row(cur, table: str, key: str) -> dict | None:
    result = cur.execute(f"SELECT * FROM {table} WHERE id = ?", [key])  # noqa: S608 - fixed table names
    rows = result.fetchall()  # fetch to the end: DuckDB keeps an unfinished result open otherwise
    if not rows:
        return None
    return dict(zip([d[0] for d in result.description], rows[0], strict=True))


@retry_on_conflict
def apply_plan_changes(
    con: duckdb.DuckDBPyConnection,
    editor: str,
    committee: str,
    table: str,
    upserts: list[dict],
    deletes: list[str] = (),
) -> list[str]:
    """Insert or update rows (with `id` for existing ones) and delete rows of one nämnd's plan, all in one
    transaction with an audit row (editor, time, before, after) per change. Returns the ids written."""
    import uuid

    from lib.auth import require_editor

    editor = require_editor(editor)
    if table not in PLAN_TABLES:
        raise DataError(f"Okänd plantabell: {table}")
    fields = PLAN_TABLES[table]
    written = []
    with transaction(con) as cur:
        for row in upserts:
            key = row.get("id")
            before = _row(cur, table, key) if key else None
            if before is not None and before["committee"] != committee:
                raise DataError("Raden hör till en annan nämnds plan.")
            values = [row.get(f) for f in fields]
            cols = ", ".join(f'"{f}"' for f in fields)
            if before is None:
                key = key or f"{'MAL' if table == 'plan_goal' else 'AKT'}-{uuid.uuid4().hex[:8]}"
                marks = ", ".join("?" for _ in fields)
                cur.execute(
                    f"INSERT INTO {table} (id, committee, {cols}, updated_at, updated_by) "  # noqa: S608
                    f"VALUES (?, ?, {marks}, now(), ?)",
                    [key, committee, *values, editor],
                )
                action = "ny"
            else:
                sets = ", ".join(f'"{f}" = ?' for f in fields)
                cur.execute(
                    f"UPDATE {table} SET {sets}, updated_at = now(), updated_by = ? WHERE id = ?",  # noqa: S608
                    [*values, editor, key],
                )
                action = "ändrad"
            after = _row(cur, table, key)
            if before is not None and all(str(before[f]) == str(after[f]) for f in fields):
                continue
            _audit(cur, editor, table, key, committee, action, before, after)
            written.append(key)
        for key in deletes:
            before = _row(cur, table, key)
            if before is None or before["committee"] != committee:
                continue
            cur.execute(f"DELETE FROM {table} WHERE id = ?", [key])  # noqa: S608
            _audit(cur, editor, table, key, committee, "borttagen", before, None)
            written.append(key)
    return written


@retry_on_conflict
def save_plan_text(con: duckdb.DuckDBPyConnection, editor: str, committee: str, section: str, text: str) -> bool:
    """Store a text section (e.g. prioriteringar) of a plan with an audit row; False if nothing changed."""
    from lib.auth import require_editor

    editor = require_editor(editor)
    with transaction(con) as cur:
        found = cur.execute(
            "SELECT text FROM plan_text WHERE committee = ? AND section = ?", [committee, section]
        ).fetchall()
        old = found[0] if found else None
        if old is not None and old[0] == text:
            return False
        cur.execute(
            """
            INSERT INTO plan_text (committee, section, text, updated_at, updated_by) VALUES (?, ?, ?, now(), ?)
            ON CONFLICT (committee, section) DO UPDATE SET text = excluded.text, updated_at = now(),
                updated_by = excluded.updated_by
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
            None if old is None else {"text": old[0]},
            {"text": text},
        )
    return True


def plan(con: duckdb.DuckDBPyConnection, committee: str) -> dict[str, pd.DataFrame]:
    """A nämnd's plan: texts, goals and activities."""
    return {
        "text": query(con, "SELECT * FROM plan_text WHERE committee = ?", [committee]),
        "goals": query(con, "SELECT * FROM plan_goal WHERE committee = ? ORDER BY target_year, id", [committee]),
        "activities": query(con, "SELECT * FROM plan_activity WHERE committee = ? ORDER BY start, id", [committee]),
    }


def audit_log(con: duckdb.DuckDBPyConnection, committee: str | None = None, limit: int = 200) -> pd.DataFrame:
    if committee is None:
        return query(con, "SELECT * FROM audit ORDER BY id DESC LIMIT ?", [limit])
    return query(con, "SELECT * FROM audit WHERE committee = ? ORDER BY id DESC LIMIT ?", [committee, limit])


def scenarios(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    return query(con, "SELECT name, params, created_at, updated_at FROM weight_scenario ORDER BY name")


@retry_on_conflict
def delete_scenario(con: duckdb.DuckDBPyConnection, name: str) -> None:
    with transaction(con) as cur:
        cur.execute("DELETE FROM weight_scenario WHERE name = ?", [name])


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


@retry_on_conflict
def import_values(con: duckdb.DuckDBPyConnection, editor: str | None, values: pd.DataFrame, filename: str) -> int:
    """Write checked values (area_code, indicator_code, year, value, source) as real (`synthetic = false`) in one
    transaction, keeping what they replace so the import can be undone. Returns the import id."""
    from lib.auth import require_editor

    editor = require_editor(editor)
    if values.empty:
        raise DataError("Inga värden att läsa in.")
    with transaction(con) as cur:
        import_id = cur.execute("SELECT coalesce(max(id), 0) + 1 FROM import_log").fetchall()[0][0]
        cur.register("incoming", values[["area_code", "indicator_code", "year", "value", "source"]])
        cur.execute(
            """
            INSERT INTO imported_value
            SELECT ?, n.area_code, n.indicator_code, n.year, n.value, n.source, v.value, v.source, v.synthetic
            FROM incoming n LEFT JOIN value v USING (area_code, indicator_code, year)
            """,
            [import_id],
        )
        counts = cur.execute(
            "SELECT count(*) FILTER (WHERE before_value IS NULL), count(*) FILTER (WHERE before_value IS NOT NULL) "
            "FROM imported_value WHERE import_id = ?",
            [import_id],
        ).fetchall()[0]
        cur.execute(UPSERT_IMPORTED.format(source="incoming"))
        cur.execute(
            "INSERT INTO import_log VALUES (?, now(), ?, ?, ?, ?, ?, NULL, NULL)",
            [import_id, editor, filename, len(values), counts[0], counts[1]],
        )
        _audit(
            cur, editor, "value", f"import {import_id}", None, "import", None, {"fil": filename, "värden": len(values)}
        )
        pause = float(os.environ.get("SAMMANHALLEN_IMPORT_PAUSE", "0") or 0)  # lets the crash test kill us here
        if pause:
            print("IMPORT_PAUSED", flush=True)
            time.sleep(pause)
    return int(import_id)


@retry_on_conflict
def undo_import(con: duckdb.DuckDBPyConnection, editor: str | None, import_id: int) -> None:
    """Put back what the latest active import replaced (later imports must be undone first)."""
    from lib.auth import require_editor

    editor = require_editor(editor)
    with transaction(con) as cur:
        latest = cur.execute("SELECT max(id) FROM import_log WHERE undone_at IS NULL").fetchall()[0][0]
        if latest is None or int(latest) != int(import_id):
            raise DataError("Bara den senaste inläsningen som inte redan ångrats kan ångras.")
        cur.execute(
            """
            UPDATE value SET value = iv.before_value, source = iv.before_source, synthetic = iv.before_synthetic,
                licence = (SELECT max(m.licence) FROM value m WHERE m.source = iv.before_source)
            FROM imported_value iv
            WHERE iv.import_id = ? AND iv.before_value IS NOT NULL AND value.area_code = iv.area_code
              AND value.indicator_code = iv.indicator_code AND value.year = iv.year
            """,
            [import_id],
        )
        cur.execute(
            """
            DELETE FROM value WHERE (area_code, indicator_code, year) IN (
                SELECT (area_code, indicator_code, year) FROM imported_value
                WHERE import_id = ? AND before_value IS NULL)
            """,
            [import_id],
        )
        cur.execute("UPDATE import_log SET undone_at = now(), undone_by = ? WHERE id = ?", [editor, import_id])
        _audit(cur, editor, "value", f"import {import_id}", None, "ångrad", None, None)


def imports(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    return query(con, "SELECT * FROM import_log ORDER BY id DESC")


def install_goal_file(data_dir: Path, db_path: Path, text: str, editor: str | None) -> goals.GoalTree:
    """Validate a goal-tree YAML text and make it data/goals.yaml, then rebuild; nothing changes if it is invalid.

    The caller must have closed its own connection to `db_path` (the rebuild replaces the file)."""
    from lib.auth import require_editor

    require_editor(editor)
    try:
        raw = yaml.safe_load(text) or {}
    except yaml.YAMLError as exc:
        raise DataError(f"Filen är inte giltig YAML: {exc}") from exc
    known = set(pd.read_csv(data_dir / "indicator.csv")["code"])
    try:
        tree = goals.parse_tree(raw, known, YEARS)
    except goals.TreeError as exc:
        raise DataError(str(exc)) from exc
    target = data_dir / "goals.yaml"
    previous = target.read_text(encoding="utf-8") if target.exists() else None
    target.write_text(text, encoding="utf-8")
    try:
        build_database(data_dir, db_path)
    except Exception:
        if previous is not None:
            target.write_text(previous, encoding="utf-8")
        raise
    return tree


def real_and_model(con: duckdb.DuckDBPyConnection, area_code: str) -> pd.DataFrame:
    """The cells of one stadsdel that have both a real value and the model's synthetic one (e.g. förvärvsfrekvens
    2024 from SCB, befolkning 2014–2016 from the city and 2025 from SCB), in catalogue order: indicator_code, year,
    real, real_source, licence, model, model_source."""
    return query(
        con,
        """
        SELECT v.indicator_code, v.year, v.value AS real, v.source AS real_source, v.licence,
               m.value AS model, m.source AS model_source
        FROM value v
        JOIN model_value m USING (area_code, indicator_code, year)
        JOIN indicator i ON i.code = v.indicator_code
        JOIN domain d ON d.code = i.domain
        WHERE v.area_code = ? AND NOT v.synthetic
        ORDER BY d.sort_order, i.sort_order, v.year
        """,
        [area_code],
    )


def real_sources(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """The real data sets the database holds, one row each: dataset (a fixed key the data page describes), rows,
    years (sorted list, empty for link tables) and licence. Values users imported (no licence) are their own row."""
    return query(
        con,
        """
        SELECT 'deso_value' AS dataset, count(*) AS rows, list_sort(list(DISTINCT year)) AS years,
               min(licence) AS licence
        FROM unit_value WHERE NOT synthetic
        UNION ALL
        SELECT 'stadsdel_from_deso', count(*), list_sort(list(DISTINCT year)), min(licence)
        FROM value WHERE NOT synthetic AND licence IS NOT NULL AND source LIKE 'SCB%'
        UNION ALL
        SELECT 'city_population', count(*), list_sort(list(DISTINCT year)), min(licence)
        FROM value WHERE NOT synthetic AND licence IS NOT NULL AND source LIKE 'Stockholms stad%'
        UNION ALL
        SELECT 'imported', count(*), list_sort(list(DISTINCT year)), NULL
        FROM value WHERE NOT synthetic AND licence IS NULL
        UNION ALL
        SELECT 'deso_link', count(*), [], min(licence) FROM unit WHERE level = 'deso'
        UNION ALL
        SELECT 'regso_link', count(*), [], min(licence) FROM unit WHERE level = 'regso'
        UNION ALL
        SELECT 'regso_type', count(*), list_sort(list(DISTINCT year)), min(licence) FROM regso_type
        UNION ALL
        SELECT 'police', count(*), list_sort(list(DISTINCT year)), min(licence) FROM police_area
        """,
    )
