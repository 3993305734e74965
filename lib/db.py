"""The DuckDB database: built from the CSV files in `data/`, queried with parameterised SQL only.

The `.duckdb` file is a build product. `ensure_database` rebuilds it when it is missing or when the
fingerprint of the source files differs from the one stored in its `meta` table, so editing a CSV
is enough to change what the app shows. A build writes a temporary file in one transaction and
renames it into place, so a failed build never leaves a half-written database behind.

Except for its user tables (what planners saved): those are carried into every rebuild, copied to a backup first
(`lib/backup.py`), and a file that exists but cannot be read is never rebuilt, replaced or written
(`DatabaseUnreadable`), since it may hold the only copy of them.
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


class DatabaseLocked(DataError):
    """Another process holds DuckDB's single-writer lock on the file (usually the running app)."""


class DatabaseUnreadable(DataError):
    """The database file exists but DuckDB cannot read it (corrupted bytes, not a DuckDB file).

    It is never rebuilt, replaced or written: it may hold the only copy of what planners saved, and a rebuild from
    `data/` would silently drop it. The message names the file and points to the newest backup."""

    def __init__(self, path: Path):
        from lib import backup

        self.path = Path(path)
        newest = backup.latest_backup(self.path)
        if newest is None:
            hint = (
                f"Det finns ingen säkerhetskopia i {_shown_path(backup.backup_dir(self.path))}. Flytta undan filen "
                "(radera den inte) om du vill bygga en ny databas från data/ med `python -m lib.cli build-db`; det "
                "som sparats i appen finns då bara kvar i den undanflyttade filen."
            )
        else:
            hint = (
                f"Den senaste säkerhetskopian är {_shown_path(newest)}. Återställ den med "
                f"`python -m lib.cli restore {_shown_path(newest)} --editor NAMN`."
            )
        super().__init__(
            f"Databasen {_shown_path(self.path)} kan inte läsas: filen är skadad eller ingen DuckDB-databas. "
            f"Inget ändrades – filen byggs inte om och skrivs inte över. {hint}"
        )

    def __reduce__(self):
        return (type(self), (self.path,))


def _shown_path(path: Path) -> str:
    """A path as the operator types it: relative to the working folder when inside it (no server paths in the
    app's message), else absolute."""
    try:
        return str(Path(path).resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


def is_corruption(exc: BaseException) -> bool:
    """True for DuckDB errors that mean the file's bytes are bad (not a lock, not a query mistake)."""
    text = str(exc)
    return any(
        marker in text
        for marker in (
            "not a valid DuckDB database file",
            "Corrupt database file",
            "Could not read enough bytes",
            "checksum",
            "Serialization Error",
            "INTERNAL Error",
        )
    )


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


def build_database(
    data_dir: Path,
    db_path: Path,
    *,
    user_tables: dict[str, pd.DataFrame] | None = None,
    finish: Callable[[duckdb.DuckDBPyConnection], None] | None = None,
) -> Path:
    """Build the database from `data_dir` into `db_path` atomically (temp file, one transaction, rename).

    The user tables come from the database being replaced, which is first copied to a backup (`lib.backup`); an
    existing file that cannot be read raises `DatabaseUnreadable` and is left as it is. `user_tables` (a restore)
    replaces what the old file holds, and `finish` runs inside the build transaction (the restore's audit row)."""
    tables = prepare_tables(read_seed(data_dir))
    if user_tables is None:
        saved = _read_user_tables(db_path)
        if saved:
            from lib import backup

            backup.write_backup(db_path, "ombyggnad")
    else:
        saved = user_tables
    tables.update(_installed_goal_tables(saved, set(tables["indicator"]["code"])) or {})
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
        if finish is not None:
            finish(con)
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
    except duckdb.Error as exc:
        # Never "nothing to carry over": the file may hold the only copy of the planners' work.
        raise DatabaseUnreadable(old_path) from exc


def stored_fingerprint(db_path: Path) -> str | None:
    if not db_path.exists():
        return None
    try:
        with connect(db_path, read_only=True) as con:
            tables = {r[0] for r in con.execute("SELECT table_name FROM duckdb_tables()").fetchall()}
            row = None
            if "meta" in tables:
                row = con.execute("SELECT value FROM meta WHERE key = ?", ["fingerprint"]).fetchone()
    except duckdb.Error as exc:
        raise DatabaseUnreadable(db_path) from exc
    if "meta" not in tables and tables:
        # Every build writes `meta`: without it the file is some other database, which a rebuild would replace.
        raise DataError(
            f"{_shown_path(db_path)} är en DuckDB-databas men inte verktygets (tabellen meta saknas). Inget ändrades; "
            "ange en annan fil med SAMMANHALLEN_DB eller flytta undan den här."
        )
    return row[0] if row else None


def ensure_database(data_dir: Path, db_path: Path) -> bool:
    """Build the database if it is missing or older than the source files; True if it was built."""
    if stored_fingerprint(db_path) == fingerprint(data_dir):
        return False
    build_database(data_dir, db_path)
    return True


#: The server's one connection per database file. `python -m ui.server` opens it before Streamlit starts, so the
#: server holds DuckDB's single-writer lock from its first second (a CLI import cannot slip in before the first
#: page view); under plain `streamlit run` the first page opens it.
_APP_CONNECTIONS: dict[Path, duckdb.DuckDBPyConnection] = {}
_APP_LOCK = threading.Lock()


def open_app_connection(paths) -> duckdb.DuckDBPyConnection:
    """The process-wide connection the app uses (`paths`: a `lib.config.Paths`): the database is ensured, opened
    for writing and kept; later calls return the same one, reopened if it was closed. Raises `DatabaseUnreadable`
    or `DatabaseLocked` with their Swedish messages."""
    key = Path(paths.db_path).resolve()
    with _APP_LOCK:
        con = _APP_CONNECTIONS.get(key)
        if con is not None and _is_open(con):
            return con
        ensure_database(paths.data_dir, paths.db_path)
        con = connect(paths.db_path)
        _APP_CONNECTIONS[key] = con
        return con


def app_connection(db_path: Path) -> duckdb.DuckDBPyConnection | None:
    """The kept connection to `db_path`, if one is open."""
    con = _APP_CONNECTIONS.get(Path(db_path).resolve())
    return con if con is not None and _is_open(con) else None


def _is_open(con: duckdb.DuckDBPyConnection) -> bool:
    try:
        con.cursor().close()  # a cursor, not a query: other threads may be using the connection
    except duckdb.Error:
        return False
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
        path = Path(db_path)
        if path.is_dir():
            raise DataError(f"{_shown_path(path)} är en mapp, inte en databasfil. Inget ändrades.") from exc
        if "Permission denied" in str(exc) or "Read-only file system" in str(exc):
            raise DataError(
                f"Databasen {_shown_path(path)} kan inte öppnas: saknar läs- eller skrivrätt till filen eller mappen. "
                "Inget ändrades."
            ) from exc
        if path.is_file():
            raise DatabaseUnreadable(path) from exc
        raise


def _raise_if_locked(exc: Exception, path: Path) -> None:
    # DuckDB's words for its file lock ("Could not set lock on file …: Conflicting lock is held"); not just "lock",
    # which a corrupted block's message ("… in block at location …") also contains.
    text = str(exc).lower()
    if "could not set lock" in text or "conflicting lock" in text:
        raise DatabaseLocked(
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


#: Swedish names of plan fields and rows, for the message that shows another editor's change.
PLAN_FIELD_LABELS = {
    "indicator_code": "indikator",
    "target": "målvärde",
    "target_year": "målår",
    "text": "text",
    "title": "rubrik",
    "owner": "ansvarig",
    "partners": "samarbetspartner",
    "start": "start",
    "end": "slut",
    "budget": "budget",
    "status": "status",
}
PLAN_ROW_NAMES = {"plan_goal": "Målet", "plan_activity": "Aktiviteten", "plan_text": "Texten"}


class StaleEdit(DataError):
    """A save against plan rows (or a text) that another editor changed or removed after this editor loaded them.

    The whole save is refused, so nothing the other editor wrote is overwritten unseen and nothing is half-saved.
    `conflicts` lists, per row: table, id, label, loaded_version, version (None when removed), deleted,
    updated_by and updated_at (who made the newer version and when), changes (field -> (then, now), the other
    editor's change as far as the audit trail tells), then (the row as loaded, if the audit trail tells),
    current (the stored values) and mine (what this editor wanted to save), so the page can show both while the
    user's own edits stay where they were."""

    def __init__(self, conflicts: list[dict]):
        self.conflicts = conflicts
        super().__init__(
            "Ändringen sparades inte: någon annan har sparat planen efter att du öppnade den.\n- "
            + "\n- ".join(_describe_conflict(c) for c in conflicts)
        )


def _shown(value) -> str:
    """A plan value as a short Swedish text (decimal comma, blanks as "(tom)") for a conflict message."""
    if value is None or value == "":
        return "(tom)"
    if isinstance(value, float):
        return (str(int(value)) if value.is_integer() else repr(value)).replace(".", ",")
    text = " ".join(str(value).split())
    return f"”{text[:80]}…”" if len(text) > 80 else f"”{text}”" if isinstance(value, str) else text


def _describe_conflict(c: dict) -> str:
    when = c["updated_at"].strftime("%Y-%m-%d %H:%M") if c.get("updated_at") is not None else "nyss"
    who = c.get("updated_by") or "en annan redigerare"
    head = f"{PLAN_ROW_NAMES.get(c['table'], 'Raden')} {_shown(c['label'])}"
    if c["deleted"]:
        return f"{head} togs bort av {who} ({when})."
    changes = "; ".join(
        f"{PLAN_FIELD_LABELS.get(f, f)} {_shown(then)} → {_shown(now)}" for f, (then, now) in c["changes"].items()
    )
    return f"{head} ändrades av {who} ({when})" + (f": {changes}." if changes else ".")


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
    import uuid

    from lib.auth import require_editor

    editor = require_editor(editor)
    if table not in PLAN_TABLES:
        raise DataError(f"Okänd plantabell: {table}")
    fields = PLAN_TABLES[table]
    pairs = list(deletes.items()) if hasattr(deletes, "items") else list(deletes)
    if any(isinstance(p, str) or len(p) != 2 for p in pairs):
        raise DataError("Ange vilken version varje borttagen rad hade när den lästes in.")
    cols = ", ".join(f'"{f}"' for f in fields)
    written = []
    with transaction(con) as cur:
        changes, conflicts = [], []
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
                conflicts.append(_conflict(cur, table, committee, key, loaded, before, wanted))
            else:
                changes.append(("ändrad", key, wanted, loaded))
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
        if conflicts:
            raise StaleEdit(conflicts)
        for action, key, wanted, *loaded in changes:
            before = _row(cur, table, key)
            if action == "ny":
                marks = ", ".join("?" for _ in fields)
                cur.execute(
                    f"INSERT INTO {table} (id, committee, {cols}, updated_at, updated_by, version) "  # noqa: S608
                    f"VALUES (?, ?, {marks}, now(), ?, 1)",
                    [key, committee, *wanted.values(), editor],
                )
            elif action == "ändrad":
                sets = ", ".join(f'"{f}" = ?' for f in fields)
                [(count,)] = cur.execute(
                    f"UPDATE {table} SET {sets}, updated_at = now(), updated_by = ?, "  # noqa: S608
                    "version = version + 1 WHERE id = ? AND version = ?",
                    [*wanted.values(), editor, key, loaded[0]],
                ).fetchall()
                if count != 1:  # cannot happen under the write lock; refuse rather than write half
                    raise StaleEdit([_conflict(cur, table, committee, key, loaded[0], _row(cur, table, key), wanted)])
            else:
                cur.execute(f"DELETE FROM {table} WHERE id = ? AND version = ?", [key, loaded[0]])  # noqa: S608
            _audit(cur, editor, table, key, committee, action, before, _row(cur, table, key))
            written.append(key)
    return written


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
    with transaction(con) as cur:
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
                updated_by = excluded.updated_by, version = version + 1
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


def plan(con: duckdb.DuckDBPyConnection, committee: str) -> dict[str, pd.DataFrame]:
    """A nämnd's plan: texts, goals and activities, each row with the `version` a save must name (see
    `apply_plan_changes`, `save_plan_text`)."""
    return {
        "text": query(
            con,
            "SELECT committee, section, text, updated_at, updated_by, version FROM plan_text WHERE committee = ?",
            [committee],
        ),
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
def delete_scenario(con: duckdb.DuckDBPyConnection, name: str, editor: str | None) -> bool:
    """Remove a saved scenario with its audit row (what it held, so it can be typed in again); editors only.
    False if there was no such scenario."""
    from lib.auth import require_editor

    editor = require_editor(editor)
    with transaction(con) as cur:
        found = cur.execute("SELECT params FROM weight_scenario WHERE name = ?", [name]).fetchall()
        if not found:
            return False
        cur.execute("DELETE FROM weight_scenario WHERE name = ?", [name])
        _audit(cur, editor, "weight_scenario", name, None, "borttagen", {"params": found[0][0]}, None)
    return True


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


def _backup_before(con: duckdb.DuckDBPyConnection, reason: str) -> None:
    """A backup of the user tables before a bulk write (a database in memory has nothing to lose on disk)."""
    from lib import backup

    if backup.database_file(con) is not None:
        backup.write_backup(con, reason)


@retry_on_conflict
def import_values(con: duckdb.DuckDBPyConnection, editor: str | None, values: pd.DataFrame, filename: str) -> int:
    """Write checked values (area_code, indicator_code, year, value, source) as real (`synthetic = false`) in one
    transaction, keeping what they replace so the import can be undone. Returns the import id."""
    from lib.auth import require_editor

    editor = require_editor(editor)
    if values.empty:
        raise DataError("Inga värden att läsa in.")
    _backup_before(con, "inlasning")
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
    _backup_before(con, "angra-inlasning")
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


def check_goal_tree(con: duckdb.DuckDBPyConnection, text: str, name: str) -> goals.GoalTree:
    """Validate a goal tree's YAML text against the indicators in the database, without writing anything; every
    fault is a `DataError` listing the problems in Swedish."""
    raw = read_goal_text(text, name)
    known = set(query(con, "SELECT code FROM indicator")["code"])
    try:
        return goals.parse_tree(raw, known, YEARS)
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
    """"4 målområden, 7 mål, 13 delmål, 14 aktiviteter": what the CLI and the page say about a valid tree."""
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
    with transaction(con) as cur:
        previous = cur.execute("SELECT id, sha256 FROM goal_tree_install ORDER BY id DESC LIMIT 1").fetchall()
        before_levels = dict(cur.execute("SELECT level, count(*) FROM goal_node GROUP BY level").fetchall())
        before = {
            "sha256": previous[0][1] if previous else None,
            "källa": f"installation {previous[0][0]}" if previous else GOAL_TREE_SOURCE,
            "målområden": before_levels.get("målområde", 0),
            "mål": before_levels.get("mål", 0),
            "delmål": before_levels.get("delmål", 0),
            "organisationer": cur.execute("SELECT count(*) FROM body").fetchall()[0][0],
            "aktiviteter": cur.execute("SELECT count(*) FROM activity").fetchall()[0][0],
        }
        install_id = cur.execute("SELECT coalesce(max(id), 0) + 1 FROM goal_tree_install").fetchall()[0][0]
        cur.execute(
            "INSERT INTO goal_tree_install (id, installed_at, editor, filename, sha256, yaml_text) "
            "VALUES (?, now(), ?, ?, ?, ?)",
            [install_id, editor, stored_name, sha, text],
        )
        for table in GOAL_TABLES:
            cur.execute(f"DELETE FROM {table}")  # noqa: S608 - fixed table names
        for table in reversed(GOAL_TABLES):
            frame = getattr(tree, GOAL_FRAMES[table])
            cur.register("goal_frame", frame)
            cols = ", ".join(f'"{c}"' for c in frame.columns)
            cur.execute(f"INSERT INTO {table} ({cols}) SELECT {cols} FROM goal_frame")  # noqa: S608 - fixed names
            cur.unregister("goal_frame")
        after = {"sha256": sha, "källa": f"installation {install_id}", "fil": stored_name, **_goal_counts(tree)}
        _audit(cur, editor, "goal_tree", str(install_id), None, "installerat", before, after)
    return tree


def goal_tree_installs(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Installed goal trees, newest first (id, installed_at, editor, filename, sha256), without their text."""
    return query(con, "SELECT id, installed_at, editor, filename, sha256 FROM goal_tree_install ORDER BY id DESC")


def installed_goal_text(con: duckdb.DuckDBPyConnection) -> dict | None:
    """The newest installed goal tree (id, installed_at, editor, filename, sha256, yaml_text), or None when the
    shipped default (`data/goals.yaml`) is in use."""
    rows = query(con, "SELECT * FROM goal_tree_install ORDER BY id DESC LIMIT 1")
    return None if rows.empty else rows.iloc[0].to_dict()


def _installed_goal_tables(saved: dict[str, pd.DataFrame], known: set[str]) -> dict[str, pd.DataFrame] | None:
    """The goal tables of the newest installed goal tree among the user tables a rebuild carries over, or None to
    keep those of the shipped `data/goals.yaml`: an installed tree is data and survives every rebuild."""
    installs = saved.get("goal_tree_install")
    if installs is None or installs.empty:
        return None
    newest = installs.sort_values("id").iloc[-1]
    name = f"det installerade målträdet (nr {int(newest['id'])})"
    try:
        tree = goals.parse_tree(read_goal_text(str(newest["yaml_text"]), name), known, YEARS)
    except goals.TreeError as exc:
        raise DataError(f"{name[0].upper()}{name[1:]} passar inte längre med data/: {exc}") from exc
    return {table: getattr(tree, attribute) for table, attribute in GOAL_FRAMES.items()}


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
