"""The index's inputs for one year: units × indicators, population and the universes, built from long values.

Kept apart from the computation so that building the inputs (which latest value counts, which population weighs)
is one file, and so that the normalised scores cached on an `IndexData` live with the data they depend on.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from lib.aggregate import latest_at
from lib.index.framework import Framework


@dataclass(frozen=True)
class IndexData:
    """Raw inputs for one year: n units × m indicators, population, and the universes as masks."""

    unit_codes: tuple[str, ...]
    values: np.ndarray  # n × m, NaN = missing
    population: np.ndarray  # n
    universes: Mapping[str, np.ndarray] = field(default_factory=dict)
    coverage: np.ndarray | None = None  # n: share of the full framework's indicators with a value
    # Normalised scores per (direction, method, universe, winsor), filled by `normalised_scores`: normalisation
    # does not depend on the weights, so the composite, Monte Carlo, rank range and leave-one-out share one.
    _normalised: dict = field(default_factory=dict, init=False, compare=False, repr=False)

    def universe(self, name: str) -> np.ndarray:
        if name == "all" or name not in self.universes:
            return np.ones(len(self.unit_codes), dtype=bool)
        return np.asarray(self.universes[name], dtype=bool)


def indicator_matrix(values: pd.DataFrame, year: int, unit_codes: list[str], indicators: list[str]) -> np.ndarray:
    """n × m matrix of each indicator's latest value at or before `year` (long input: area_code, indicator_code,
    year, value)."""
    latest = latest_at(values[values["indicator_code"].isin(indicators)], year, ("area_code", "indicator_code"))
    wide = latest.pivot(index="area_code", columns="indicator_code", values="value")
    return wide.reindex(index=unit_codes, columns=indicators).to_numpy(dtype=float)


def nearest_population(values: pd.DataFrame, year: int, unit_codes: list[str]) -> np.ndarray:
    """Each unit's population in the year nearest to `year` (the earlier one on a tie).

    Why: population only weighs the reference level, and real counts exist for some years only (the city's
    2014–2016, SCB's 2025 per DeSO); a 2024 index on real values is weighted by 2025, not by 2016."""
    pop = values[(values["indicator_code"] == "befolkning") & values["value"].notna()]
    pop = pop.assign(distance=(pop["year"] - year).abs() * 2 + (pop["year"] > year))
    nearest = pop.sort_values("distance", kind="stable").drop_duplicates("area_code")
    return nearest.set_index("area_code")["value"].reindex(unit_codes).to_numpy(dtype=float)


def build_index_data(
    values: pd.DataFrame, units: pd.DataFrame, framework: Framework, year: int
) -> tuple[IndexData, Framework]:
    """IndexData for `year` from long values and the unit table (code, outer_city, in_programme), with the
    framework restricted to the indicators that have a value at or before `year`."""
    codes = units["code"].tolist()
    matrix = indicator_matrix(values, year, codes, list(framework.indicators))
    present = {code for j, code in enumerate(framework.indicators) if np.isfinite(matrix[:, j]).any()}
    used = framework.restrict(present)
    keep = [j for j, code in enumerate(framework.indicators) if code in present]
    coverage = np.isfinite(matrix).sum(axis=1) / max(len(framework.indicators), 1)
    data = IndexData(
        tuple(codes),
        matrix[:, keep],
        nearest_population(values, year, codes),
        {"outer": units["outer_city"].to_numpy(dtype=bool), "programme": units["in_programme"].to_numpy(dtype=bool)},
        coverage,
    )
    return data, used
