"""The read queries the pages, the CLI and the exports use: parameterised SQL on a fresh cursor, one DataFrame each.

Reads never take the write lock (each cursor sees the last committed state), so they live apart from the writes.
"""

from __future__ import annotations

import duckdb
import pandas as pd

from lib.db.connection import query, users
from lib.db.seed import parse_years


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


def plan(con: duckdb.DuckDBPyConnection, committee: str) -> dict[str, pd.DataFrame]:
    """A nämnd's plan: texts, goals and activities, each row with the `version` a save must name (see
    `apply_plan_changes`, `save_plan_text`)."""
    store = users(con)
    return {
        "text": query(
            store,
            "SELECT committee, section, text, updated_at, updated_by, version FROM plan_text WHERE committee = ?",
            [committee],
        ),
        "goals": query(store, "SELECT * FROM plan_goal WHERE committee = ? ORDER BY target_year, id", [committee]),
        "activities": query(store, "SELECT * FROM plan_activity WHERE committee = ? ORDER BY start, id", [committee]),
    }


def audit_log(con: duckdb.DuckDBPyConnection, committee: str | None = None, limit: int = 200) -> pd.DataFrame:
    if committee is None:
        return query(users(con), "SELECT * FROM audit ORDER BY id DESC LIMIT ?", [limit])
    return query(users(con), "SELECT * FROM audit WHERE committee = ? ORDER BY id DESC LIMIT ?", [committee, limit])


def scenarios(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    return query(users(con), "SELECT name, params, created_at, updated_at FROM weight_scenario ORDER BY name")


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
