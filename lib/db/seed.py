"""The first half of the build: the source files in `data/` read and checked into the frames of the database tables.

Pure (no database): every way a source file can break the data model is a `DataError` naming the file before
anything is written. The only module of the package that imports `lib.synthetic` (for its reading of the
measured-years notation); the synthetic generator itself runs in `python -m lib.cli generate`, never here.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from lib import goals, real
from lib.config import YEARS
from lib.db.errors import DataError
from lib.db.goaltrees import read_goal_file
from lib.db.schema import DOMAINS
from lib.reference import map_reference_figures
from lib.synthetic import parse_years


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
