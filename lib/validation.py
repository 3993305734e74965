"""Validation of the index against SCB's own classification: socioekonomisk områdestyp per RegSO.

Why: an index whose weights a user can move needs an outside yardstick. SCB sorts every RegSO into five types
(1 = stora socioekonomiska utmaningar … 5 = mycket goda förutsättningar) from income, education and employment.
Aggregated to RegSO, the index should rank the type-1 and type-2 areas highest. The comparison gives a cross
table, the rank correlation and the RegSO where the two disagree most – named, so a planner can look at them.

The index's classes are made with SCB's class sizes (as many index class 1 as SCB has type 1, and so on), so the
diagonal of the cross table means "the same place in the order" and not an artefact of different cut-offs.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

TYPE_LABELS = {
    1: "Stora socioekonomiska utmaningar",
    2: "Socioekonomiska utmaningar",
    3: "Socioekonomiskt blandade områden",
    4: "Goda socioekonomiska förutsättningar",
    5: "Mycket goda socioekonomiska förutsättningar",
}


@dataclass(frozen=True)
class Validation:
    """The index against SCB's områdestyp for one year of the classification."""

    year: int
    table: pd.DataFrame  # per RegSO: regso_code, regso, composite, rank, index_class, omradestyp, difference
    crosstab: pd.DataFrame  # index class (rows) × områdestyp (columns), counts
    spearman: float  # rank correlation of index risk and SCB's "challenges" (6 − type); 1 = same order
    agree: float  # share of RegSO in the same class
    within_one: float  # share at most one class apart
    disagreements: pd.DataFrame  # the RegSO furthest apart, most first


def classes_like(composite: pd.Series, types: pd.Series) -> pd.Series:
    """Index classes 1–5 with the class sizes of `types`: the highest-risk k₁ areas get 1, the next k₂ get 2, …"""
    sizes = types.value_counts().reindex(range(1, 6), fill_value=0)
    order = composite.sort_values(ascending=False, kind="stable").index
    labels = np.repeat(np.arange(1, 6), sizes.to_numpy())
    return pd.Series(labels, index=order).reindex(composite.index)


def compare(scores: pd.DataFrame, types: pd.DataFrame, year: int, worst: int = 5) -> Validation:
    """Compare RegSO index scores (area_code, name, composite) with SCB's types (regso_code, year, omradestyp)."""
    typ = types[types["year"] == year].set_index("regso_code")["omradestyp"]
    frame = scores.set_index("area_code")[["name", "composite"]].join(typ, how="inner")
    frame = frame[frame["composite"].notna() & frame["omradestyp"].notna()]
    if len(frame) < 3:
        raise ValueError("För få RegSO med både index och områdestyp för att jämföra.")
    frame["omradestyp"] = frame["omradestyp"].astype(int)
    frame["rank"] = frame["composite"].rank(ascending=False, method="min").astype(int)
    frame["index_class"] = classes_like(frame["composite"], frame["omradestyp"])
    frame["difference"] = frame["index_class"] - frame["omradestyp"]
    # Ties in SCB's five classes: the position within the order is compared through average ranks.
    index_pos = frame["composite"].rank(ascending=False, pct=True)
    type_pos = frame["omradestyp"].rank(ascending=True, pct=True)
    frame["position_gap"] = (index_pos - type_pos).abs()
    spearman = float(frame["composite"].corr(6 - frame["omradestyp"], method="spearman"))
    crosstab = pd.crosstab(frame["index_class"], frame["omradestyp"]).reindex(
        index=range(1, 6), columns=range(1, 6), fill_value=0
    )
    table = frame.reset_index(names="regso_code").rename(columns={"name": "regso"})
    table = table.sort_values("rank", ignore_index=True)
    gaps = table.assign(abs_difference=table["difference"].abs())
    gaps = gaps[gaps["abs_difference"] > 0].sort_values(
        ["abs_difference", "position_gap"], ascending=False, kind="stable"
    )
    return Validation(
        year=year,
        table=table[["regso_code", "regso", "composite", "rank", "index_class", "omradestyp", "difference"]],
        crosstab=crosstab,
        spearman=spearman,
        agree=float((table["difference"] == 0).mean()),
        within_one=float((table["difference"].abs() <= 1).mean()),
        disagreements=gaps.head(worst)[
            ["regso_code", "regso", "composite", "rank", "index_class", "omradestyp", "difference"]
        ].reset_index(drop=True),
    )
