"""Distributing the programme's money in proportion to need (population × social risk).

need = population × max(risk − threshold, 0) ^ exponent, where risk is the composite index relative to the
city (1 = city level, from the `ref100` index under the current weights). Each unit may first get a floor;
the rest is shared in proportion to need. With exponent 0 and threshold 0 the split is by population
alone; a higher exponent concentrates money where risk is highest.

Money is paid in whole kronor: every split is rounded by the largest remainder, so the parts sum exactly to the
total and each part is within one krona of its exact share (`amount_kr`; `amount` is the same in mnkr).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

UNITS = ("nämnd", "stadsdel")
KR_PER_MNKR = 1_000_000
METHODS = ("amount", "equal", "population_only")  # the splits compared; each also as `<method>_kr`


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

    @property
    def total_kr(self) -> int:
        return kronor(self.total)

    @property
    def floor_kr(self) -> int:
        """Whole kronor, rounded down so that a floor of total / units always fits."""
        return int(math.floor(self.floor * KR_PER_MNKR + 1e-6))


def kronor(mnkr: float) -> int:
    """mnkr as whole kronor (an input of 1,2345678 mnkr is paid as 1 234 568 kr)."""
    return int(round(mnkr * KR_PER_MNKR))


def largest_remainder(weights: np.ndarray, total: int) -> np.ndarray:
    """`total` whole units in proportion to `weights` (equally if all are zero): each part is its exact share
    rounded down, and the units left go to the largest remainders (ties to the earlier row), so the parts sum to
    `total` exactly and each is within one unit of its exact share."""
    w = np.clip(np.nan_to_num(np.asarray(weights, dtype=float)), 0.0, None)
    n = len(w)
    if n == 0:
        return np.zeros(0, dtype=np.int64)
    exact = total * (w / w.sum() if w.sum() > 0 else np.full(n, 1.0 / n))
    parts = np.floor(exact).astype(np.int64)
    return _hand_out(parts, exact - parts, total)


def _hand_out(parts: np.ndarray, remainders: np.ndarray, total: int) -> np.ndarray:
    """`parts` (each rounded down) with the units they lack of `total` given one each to the largest
    `remainders` (ties to the earlier row)."""
    left = int(total - parts.sum())
    parts[np.argsort(-remainders, kind="stable")[: max(0, min(left, len(parts)))]] += 1
    return parts


def split_kr(weights: np.ndarray, total_kr: int, floor_kr: int = 0) -> np.ndarray:
    """`split` in whole kronor: `floor_kr` each first, the rest by `largest_remainder`; sums exactly to
    `total_kr`."""
    n = len(weights)
    if floor_kr * n > total_kr:
        raise ValueError(
            f"Golvet {floor_kr / KR_PER_MNKR:g} mnkr × {n} enheter är mer än hela summan "
            f"{total_kr / KR_PER_MNKR:g} mnkr. Sänk golvet."
        )
    return floor_kr + largest_remainder(weights, total_kr - floor_kr * n)


def in_mnkr(parts_kr: np.ndarray, decimals: int = 2) -> np.ndarray:
    """Kronor as mnkr with `decimals`, rounded by the largest remainder so that a table still sums to its total
    rounded to `decimals` (rounding each part alone can make 150 mnkr add up to 150,01).

    Each part is its own value rounded down to a step, and the steps the rounded total still lacks go to the
    largest remainders, so every part stays within one step of its own value. (Sharing the rounded total in
    proportion instead scales every part by it, which moved a part by more than a step.)"""
    kr = np.asarray(parts_kr, dtype=np.int64)
    step = 10 ** max(0, 6 - decimals)
    steps, rest = np.divmod(kr, step)  # exact: whole kronor
    steps = _hand_out(steps, rest, int(round(int(kr.sum()) / step)))  # lacks between 0 and one step per part
    return np.round(steps * step / KR_PER_MNKR, decimals)


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
    the rows are summed per nämnd (need adds up over its stadsdelar). Each split is in whole kronor
    (`amount_kr`, `equal_kr`, `population_only_kr`) summing exactly to the total; `amount` etc. are the same
    in mnkr."""
    frame = units.assign(need=need(units["population"], units["risk"], params.exponent, params.threshold))
    grouped = (
        frame.groupby("unit", sort=True)
        .agg(population=("population", "sum"), need=("need", "sum"), stadsdelar=("population", "size"))
        .reset_index()
    )
    pop_weighted_risk = frame.assign(pr=frame["population"] * frame["risk"]).groupby("unit")["pr"].sum()
    grouped["risk"] = (pop_weighted_risk / grouped.set_index("unit")["population"]).to_numpy()
    total = params.total_kr
    grouped["amount_kr"] = split_kr(grouped["need"].to_numpy(), total, params.floor_kr)
    grouped["equal_kr"] = split_kr(np.ones(len(grouped)), total)
    grouped["population_only_kr"] = split_kr(grouped["population"].to_numpy(), total)
    for method in METHODS:
        grouped[method] = grouped[f"{method}_kr"] / KR_PER_MNKR
    grouped["share"] = grouped["amount_kr"] / total
    grouped["per_capita_kr"] = grouped["amount_kr"] / grouped["population"].replace(0, np.nan)
    return grouped.sort_values(["amount_kr", "unit"], ascending=[False, True]).reset_index(drop=True)


def programme_units(
    areas: pd.DataFrame, values: pd.DataFrame, composite: pd.Series, year: int, by: str
) -> pd.DataFrame:
    """The programme's stadsdelar as allocation rows: unit (the `areas` column `by`: committee or name),
    population in `year` and risk (1 = city level) from `composite` (the ref100 index against the whole city,
    by area code). The page (through its cache) and `python -m lib.cli allocate` build the same rows."""
    pop = values[(values["indicator_code"] == "befolkning") & (values["year"] == year)].set_index("area_code")["value"]
    prog = areas[areas["in_programme"]]
    return pd.DataFrame(
        {
            "unit": prog[by].to_numpy(),
            "population": prog["code"].map(pop).to_numpy(),
            "risk": prog["code"].map(composite / 100).to_numpy(),
        }
    )
