"""Distributing the programme's money in proportion to need (population × social risk).

need = population × max(risk − threshold, 0) ^ exponent, where risk is the composite index relative to the
city (1 = city level, from the `ref100` index under the current weights). Each unit may first get a floor;
the rest is shared in proportion to need. With exponent 0 and threshold 0 the split is by population
alone; a higher exponent concentrates money where risk is highest.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

UNITS = ("nämnd", "stadsdel")


@dataclass(frozen=True)
class AllocationParams:
    """The choices behind one allocation (mnkr)."""

    total: float = 150.0
    unit: str = "nämnd"
    exponent: float = 1.0
    threshold: float = 0.0  # risk (1 = city level) below which a stadsdel has no need
    floor: float = 0.0  # mnkr every unit gets first

    def __post_init__(self) -> None:
        if self.total <= 0:
            raise ValueError("Summan att fördela måste vara större än noll.")
        if self.unit not in UNITS:
            raise ValueError(f"Okänd enhet: {self.unit}")
        if self.exponent < 0 or self.threshold < 0 or self.floor < 0:
            raise ValueError("Exponent, tröskel och golv kan inte vara negativa.")


def need(population: np.ndarray, risk: np.ndarray, exponent: float, threshold: float) -> np.ndarray:
    """Need per stadsdel; a missing risk or population counts as no need."""
    pop = np.nan_to_num(np.asarray(population, dtype=float))
    r = np.asarray(risk, dtype=float)
    ok = np.isfinite(r)
    excess = np.clip(np.where(ok, r, 0.0) - threshold, 0.0, None)
    return pop * np.where(ok & (excess > 0), excess**exponent, 0.0)


def split(weights: np.ndarray, total: float, floor: float = 0.0) -> np.ndarray:
    """`total` over units: `floor` each first, the rest in proportion to `weights` (equally if all are zero)."""
    w = np.nan_to_num(np.asarray(weights, dtype=float))
    n = len(w)
    if n == 0:
        return w
    if floor * n > total + 1e-9:
        raise ValueError(f"Golvet {floor:g} mnkr × {n} enheter är mer än hela summan {total:g} mnkr. Sänk golvet.")
    rest = total - floor * n
    share = w / w.sum() if w.sum() > 0 else np.full(n, 1.0 / n)
    return floor + rest * share


def allocate(units: pd.DataFrame, params: AllocationParams) -> pd.DataFrame:
    """Allocate over `units` (columns unit, population, risk) and compare with equal and population-only splits.

    `units` holds one row per stadsdel; with `params.unit == 'nämnd'` pass the stadsdelsnämnd in `unit` and
    the rows are summed per nämnd (need adds up over its stadsdelar)."""
    frame = units.assign(need=need(units["population"], units["risk"], params.exponent, params.threshold))
    grouped = (
        frame.groupby("unit", sort=True)
        .agg(population=("population", "sum"), need=("need", "sum"), stadsdelar=("population", "size"))
        .reset_index()
    )
    pop_weighted_risk = frame.assign(pr=frame["population"] * frame["risk"]).groupby("unit")["pr"].sum()
    grouped["risk"] = (pop_weighted_risk / grouped.set_index("unit")["population"]).to_numpy()
    grouped["amount"] = split(grouped["need"].to_numpy(), params.total, params.floor)
    grouped["share"] = grouped["amount"] / params.total
    grouped["equal"] = split(np.ones(len(grouped)), params.total)
    grouped["population_only"] = split(grouped["population"].to_numpy(), params.total)
    grouped["per_capita_kr"] = grouped["amount"] * 1e6 / grouped["population"].replace(0, np.nan)
    return grouped.sort_values("amount", ascending=False).reset_index(drop=True)
