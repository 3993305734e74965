"""Validation of the index against SCB's own classification: socioekonomisk områdestyp per RegSO.

Why: an index whose weights a user can move needs an outside yardstick. SCB sorts every RegSO into five types
(1 = stora socioekonomiska utmaningar … 5 = mycket goda förutsättningar) from income, education and employment.
Aggregated to RegSO, the index should rank the type-1 and type-2 areas highest. The comparison gives a cross
table, the rank correlation and the RegSO where the two disagree most – named, so a planner can look at them.

The index's classes are made with SCB's class sizes (as many index class 1 as SCB has type 1, and so on), so the
diagonal of the cross table means "the same place in the order" and not an artefact of different cut-offs.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd

from lib.fmt import number

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


def type_legend() -> str:
    """SCB's five types by name: "Typ 1 = stora socioekonomiska utmaningar; …" (the tables name types by number)."""
    return "; ".join(f"Typ {t} = {label[0].lower()}{label[1:]}" for t, label in TYPE_LABELS.items())


def tables(val: Validation, stadsdel_of: Mapping[str, str] | pd.Series) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The cross table (rows: index class with SCB's class sizes; columns: SCB's type, "Typ 1" … – named by
    `type_legend`) and the named disagreements (RegSO, stadsdel, index rank, index class, SCB's type, which way the
    index differs), ready to show or print. `stadsdel_of`: RegSO code → the stadsdel it lies in."""
    sizes = val.crosstab.sum(axis=1)
    cross = val.crosstab.copy()
    cross.index = pd.Index([f"{k} ({n} RegSO)" for k, n in sizes.items()])
    cross.columns = pd.Index([f"Typ {int(t)}" for t in cross.columns])
    cross = cross.rename_axis("Indexklass").reset_index()
    d = val.disagreements
    n = len(val.table)
    gaps = pd.DataFrame(
        {
            "RegSO": d["regso"],
            "Stadsdel": d["regso_code"].map(stadsdel_of).fillna("–"),
            "Plats i indexet": [f"{int(r)} av {n}" for r in d["rank"]],
            "Indexklass": d["index_class"].astype(int),
            "SCB:s typ": [f"Typ {int(t)}" for t in d["omradestyp"]],
            "Indexet visar": ["högre risk" if x < 0 else "lägre risk" for x in d["difference"]],
        }
    )
    return cross, gaps


def summary(val: Validation, index_year: int) -> list[str]:
    """The validation's figures as sentences, numbers in Swedish form: what a reader needs to judge the match."""
    n = len(val.table)
    return [
        f"Indexet {index_year} för Stockholms {n} RegSO (verkliga värden, samma vikter och metod) mot SCB:s "
        f"socioekonomiska områdestyp {val.year}: rangkorrelation (Spearman) {number(val.spearman, 2)}; "
        f"{number(100 * val.agree, 0)} % hamnar i samma klass och {number(100 * val.within_one, 0)} % högst en "
        "klass isär.",
        "Indexets klasser har SCB:s klasstorlekar: lika många RegSO i indexklass 1 som SCB har av typ 1, och så "
        "vidare – diagonalen betyder samma plats i ordningen, inte samma gränsvärden.",
        "På RegSO-nivå finns verkliga data bara för försörjning och sociala risker. SCB:s typ bygger själv på "
        "inkomst, utbildning och sysselsättning, så hög överensstämmelse är väntad; det intressanta är där de "
        "skiljer sig.",
        "Källa: SCB, socioekonomisk områdestyp per RegSO (CC0).",
    ]
