"""Unit levels: the stadsdel, the DeSO and the RegSO, as one concept the index, the map and the profile take.

Why one concept: the same index, map and profile work at every level; only where the units and their values
come from differs. Stadsdelar are the programme's level (117, values modelled 2012–2025 and real where SCB or the
city publish them); DeSO are SCB's 544 demographic statistical areas (2018 boundaries; real values 2024/2025 only);
RegSO are SCB's 127 regional statistical areas, aggregated from DeSO, used to validate the index against SCB's
own socioekonomisk områdestyp. A page asks `units(con, "deso")` and `values(con, "deso")`, never a table.
"""

from __future__ import annotations

from dataclasses import dataclass

import duckdb
import numpy as np
import pandas as pd

from lib import db
from lib.aggregate import aggregate_units


@dataclass(frozen=True)
class Level:
    """A level of units: its code (in URLs and parameters) and how the UI names it."""

    code: str
    label: str  # "Stadsdel"
    plural: str  # "stadsdelar"
    definite_plural: str  # "stadsdelarna"
    on_map: bool  # has polygons of its own


STADSDEL = Level("stadsdel", "Stadsdel", "stadsdelar", "stadsdelarna", True)
DESO = Level("deso", "DeSO", "DeSO-områden", "DeSO-områdena", True)
REGSO = Level("regso", "RegSO", "RegSO-områden", "RegSO-områdena", False)
LEVELS: dict[str, Level] = {level.code: level for level in (STADSDEL, DESO, REGSO)}
MAP_LEVELS = tuple(code for code, level in LEVELS.items() if level.on_map)

UNIT_COLUMNS = [
    "code",
    "name",
    "area_code",
    "stadsdel",
    "district",
    "regso_code",
    "regso",
    "outer_city",
    "in_programme",
    "overlap_share",
]


def get(code: str) -> Level:
    """The level named `code`; a clear Swedish error for anything else."""
    try:
        return LEVELS[code]
    except KeyError:
        raise ValueError(f"Okänd nivå '{code}'. Välj bland: {', '.join(LEVELS)}.") from None


def units(con: duckdb.DuckDBPyConnection, level: str) -> pd.DataFrame:
    """The units of a level, sorted by code: code, name, the stadsdel (area_code, stadsdel) and stadsdelsområde
    (district) each belongs to, its RegSO, and the outer-city / programme flags of that stadsdel."""
    get(level)
    if level == STADSDEL.code:
        frame = db.areas(con)
        frame = frame.assign(
            area_code=frame["code"], stadsdel=frame["name"], regso_code=None, regso=None, overlap_share=1.0
        )
        return frame[UNIT_COLUMNS].sort_values("code", ignore_index=True)
    frame = db.query(
        con,
        """
        SELECT u.code, u.name, u.area_code, a.name AS stadsdel, a.district, u.regso_code, r.name AS regso,
               d.outer_city, a.in_programme, u.overlap_share
        FROM unit u
        JOIN area a ON a.code = u.area_code
        JOIN district d ON d.name = a.district
        LEFT JOIN unit r ON r.level = 'regso' AND r.code = u.regso_code
        WHERE u.level = ?
        ORDER BY u.code
        """,
        [level],
    )
    return frame[UNIT_COLUMNS]


def values(con: duckdb.DuckDBPyConnection, level: str, real_only: bool = False) -> pd.DataFrame:
    """Long values of a level: area_code (the unit's code), indicator_code, year, value, synthetic, source, licence.

    RegSO values are DeSO values aggregated by population (counts summed), each DeSO wholly in its RegSO as SCB's
    link table says. `real_only` drops every synthetic value."""
    get(level)
    if level == STADSDEL.code:
        frame = db.query(con, "SELECT area_code, indicator_code, year, value, synthetic, source, licence FROM value")
    else:
        deso = db.query(
            con,
            "SELECT unit_code AS area_code, indicator_code, year, value, synthetic, source, licence FROM unit_value "
            "WHERE level = 'deso'",
        )
        frame = deso if level == DESO.code else _regso_values(con, deso)
    if real_only:
        frame = frame[~frame["synthetic"].astype(bool)]
    return frame.reset_index(drop=True)


def _regso_values(con: duckdb.DuckDBPyConnection, deso: pd.DataFrame) -> pd.DataFrame:
    link = db.query(con, "SELECT code, regso_code FROM unit WHERE level = 'deso'").set_index("code")["regso_code"]
    population = deso[deso["indicator_code"] == "befolkning"].set_index("area_code")["value"]
    out = aggregate_units(deso, link, population).drop(columns=["units"])
    out["synthetic"] = False
    out["source"] = "SCB, statistik per DeSO summerad till RegSO (befolkningsvägd)"
    out["licence"] = "CC0 1.0"
    return out


def index_years(long: pd.DataFrame, indicators: tuple[str, ...]) -> list[int]:
    """Years in which at least one index indicator has a value (the years an index can be computed for)."""
    return sorted(int(y) for y in long.loc[long["indicator_code"].isin(indicators), "year"].unique())


def coverage(long: pd.DataFrame, codes: list[str], indicators: tuple[str, ...], year: int) -> np.ndarray:
    """Per unit, the share of the index's indicators with a value at or before `year` (0–1)."""
    sub = long[(long["year"] <= year) & long["indicator_code"].isin(indicators) & long["value"].notna()]
    counts = sub.drop_duplicates(["area_code", "indicator_code"]).groupby("area_code").size()
    return (counts.reindex(codes).fillna(0) / max(len(indicators), 1)).to_numpy(dtype=float)


def missing_domains(long: pd.DataFrame, meta: pd.DataFrame, year: int) -> list[str]:
    """Index areas (domain codes) none of whose indicators has a value at or before `year` at this level."""
    present = set(long.loc[(long["year"] <= year) & long["value"].notna(), "indicator_code"])
    index_meta = meta[meta["domain"] != "kontext"]
    return [
        domain
        for domain in dict.fromkeys(index_meta["domain"])
        if not present & set(index_meta.loc[index_meta["domain"] == domain, "code"])
    ]


def police_shares(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Polisen's 2025 list as shares of DeSO, named by the DeSO's RegSO and stadsdel (no police polygons)."""
    return db.query(
        con,
        """
        SELECT p.deso_2025, p.deso_2018, p.klass, p.share_pct, p.utsatt_pct, p.sarskilt_pct, p.year, p.source,
               p.licence, r.name AS regso, a.code AS area_code, a.name AS stadsdel, a.district
        FROM police_area p
        JOIN unit u ON u.level = 'deso' AND u.code = p.deso_2018
        LEFT JOIN unit r ON r.level = 'regso' AND r.code = u.regso_code
        JOIN area a ON a.code = u.area_code
        ORDER BY a.name, p.deso_2025
        """,
    )


def regso_types(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """SCB's socioekonomisk områdestyp per RegSO and year (1 = stora utmaningar … 5 = mycket goda förutsättningar)."""
    return db.query(
        con,
        "SELECT t.regso_code, u.name AS regso, t.year, t.omradestyp, t.source, t.licence FROM regso_type t "
        "LEFT JOIN unit u ON u.level = 'regso' AND u.code = t.regso_code ORDER BY t.regso_code, t.year",
    )
