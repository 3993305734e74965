"""Population-weighted aggregates of stadsdel values: the city, the programme area, a stadsdelsområde.

The programme's goals are measured "over the programme area", i.e. as the population-weighted mean of
its stadsdelar; the city level is the same over all 117. Counts (population) are summed instead.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd


def group_values(
    values: pd.DataFrame, groups: Mapping[str, set[str]], sum_indicators: frozenset[str] = frozenset({"befolkning"})
) -> pd.DataFrame:
    """Aggregate long values (area_code, indicator_code, year, value) per group, indicator and year.

    Each indicator-year is weighted by the same year's population ('befolkning'); stadsdelar without a
    value are left out of both numerator and weights. Returns columns group, indicator_code, year, value,
    areas (how many stadsdelar contributed).
    """
    pop = values[values["indicator_code"] == "befolkning"][["area_code", "year", "value"]].rename(
        columns={"value": "population"}
    )
    frames = []
    for name, members in groups.items():
        sub = values[values["area_code"].isin(members)].merge(pop, on=["area_code", "year"], how="left")
        if sub.empty:
            continue
        sub = sub.assign(
            weighted=sub["value"] * sub["population"],
            weight=sub["population"].where(sub["value"].notna()),
        )
        agg = sub.groupby(["indicator_code", "year"], as_index=False).agg(
            weighted=("weighted", "sum"), weight=("weight", "sum"), total=("value", "sum"), areas=("value", "count")
        )
        with np.errstate(invalid="ignore", divide="ignore"):
            mean = agg["weighted"] / agg["weight"]
        agg["value"] = np.where(agg["indicator_code"].isin(sum_indicators), agg["total"], mean)
        agg["group"] = name
        frames.append(agg[["group", "indicator_code", "year", "value", "areas"]])
    if not frames:
        return pd.DataFrame(columns=["group", "indicator_code", "year", "value", "areas"])
    return pd.concat(frames, ignore_index=True)


def standard_groups(areas: pd.DataFrame) -> dict[str, set[str]]:
    """The comparison groups every page uses: the city, the outer city, the programme area."""
    return {
        "Staden": set(areas["code"]),
        "Ytterstaden": set(areas.loc[areas["outer_city"], "code"]),
        "Programområdet": set(areas.loc[areas["in_programme"], "code"]),
    }


def latest_at(frame: pd.DataFrame, year: int, keys: tuple[str, ...] = ("indicator_code",)) -> pd.DataFrame:
    """Each key's latest row at or before `year` (columns `year` and `keys`). Measures are not taken every year
    (valdeltagande, trygghetsmätningen), so "the value in 2025" means the latest measurement up to 2025."""
    sub = frame[frame["year"] <= year]
    return sub.sort_values("year", kind="stable").drop_duplicates(list(keys), keep="last")


def relative_risk(value: float, reference: float, higher_is_worse: bool) -> float:
    """A value against a reference on the 100 = reference scale, oriented so above 100 means more risk.

    Zero is a real measurement: where a high value is worse, 0 means no risk at all (0), but where a low value is
    worse, 0 has no finite ratio and is left blank rather than shown as an arbitrary large number."""
    if not (np.isfinite(value) and np.isfinite(reference)) or value < 0 or reference <= 0:
        return float("nan")
    if higher_is_worse:
        return float(100 * value / reference)
    return float(100 * reference / value) if value > 0 else float("nan")


def change_since(series: pd.Series, start: int, end: int) -> tuple[float, float, float] | None:
    """(value at start, value at end, relative change) for a year-indexed series, or None if either is missing."""
    if start not in series.index or end not in series.index:
        return None
    a, b = float(series.loc[start]), float(series.loc[end])
    return a, b, (b - a) / a if a else float("nan")


def aggregate_units(
    values: pd.DataFrame,
    parent: pd.Series,
    weights: pd.Series,
    sum_indicators: frozenset[str] = frozenset({"befolkning"}),
) -> pd.DataFrame:
    """Fold long values of fine units into their parents (DeSO-2025 → DeSO-2018, DeSO → stadsdel or RegSO).

    `values` has area_code, indicator_code, year, value; `parent` maps each unit to its parent (a unit without a
    parent is left out); `weights` gives each unit's weight (its population). Counts in `sum_indicators` are summed,
    every other measure is the weighted mean over the units that have a value. A unit straddling two parents goes
    wholly to the one it is mapped to: the link table decides, not this function. Returns area_code (the parent),
    indicator_code, year, value and units (how many units contributed).
    """
    sub = values.assign(area_code=values["area_code"].map(parent), weight=values["area_code"].map(weights))
    sub = sub[sub["area_code"].notna() & sub["value"].notna()]
    sub = sub.assign(weighted=sub["value"] * sub["weight"], weight=sub["weight"].where(sub["weight"] > 0, 0.0))
    agg = sub.groupby(["area_code", "indicator_code", "year"], as_index=False).agg(
        weighted=("weighted", "sum"), weight=("weight", "sum"), total=("value", "sum"), units=("value", "count")
    )
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = agg["weighted"] / agg["weight"]
    agg["value"] = np.where(agg["indicator_code"].isin(sum_indicators), agg["total"], mean)
    return agg[["area_code", "indicator_code", "year", "value", "units"]]
