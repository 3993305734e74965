"""The allocation as the Fördelning page shows it: each split by method for the chart, the table with Swedish
column names (mnkr on screen, whole kronor in exports and the CLI), and a unit's short name.

Why apart from `lib.allocation`: the computation stays free of wording; the names the reader sees are fixed here
and tested, not assembled on the page."""

from __future__ import annotations

import pandas as pd

from lib import allocation as al

METHOD_LABELS = {"amount": "Efter behov", "equal": "Lika delar", "population_only": "Efter folkmängd"}


def short_name(unit: str) -> str:
    """ "Rinkeby-Kista stadsdelsnämnd" → "Rinkeby-Kista" (a metric has no room for the rest)."""
    return str(unit).removesuffix(" stadsdelsnämnd").removesuffix("s")


def by_method(result: pd.DataFrame) -> pd.DataFrame:
    """One row per unit and method (unit, metod, mnkr), the methods named as in the legend."""
    long = result.melt(id_vars="unit", value_vars=list(METHOD_LABELS), var_name="metod", value_name="mnkr")
    long["metod"] = long["metod"].map(METHOD_LABELS)
    return long


def table(result: pd.DataFrame, decimals: int = 2) -> pd.DataFrame:
    """`lib.allocation.allocate`'s result with Swedish column names as the screen shows it: mnkr computed from
    the whole kronor (`lib.allocation.in_mnkr`), so each money column sums to the total as shown."""
    mnkr = {m: al.in_mnkr(result[f"{m}_kr"].to_numpy(), decimals) for m in al.METHODS}
    return pd.DataFrame(
        {
            "Enhet": result["unit"],
            "Stadsdelar": result["stadsdelar"],
            "Invånare": result["population"].round(0),
            "Risk (1 = staden)": result["risk"].round(2),
            "Efter behov (mnkr)": mnkr["amount"],
            "Andel": result["share"],
            "Kr per invånare": result["per_capita_kr"].round(0),
            "Lika delar (mnkr)": mnkr["equal"],
            "Efter folkmängd (mnkr)": mnkr["population_only"],
        }
    )


def export(result: pd.DataFrame) -> pd.DataFrame:
    """The rows a download or `python -m lib.cli allocate` carries: the same columns, money in whole kronor."""
    return pd.DataFrame(
        {
            "Enhet": result["unit"],
            "Stadsdelar": result["stadsdelar"],
            "Invånare": result["population"].round(0).astype("Int64"),
            "Risk (1 = staden)": result["risk"].round(3),
            "Efter behov (kr)": result["amount_kr"].astype("int64"),
            "Andel": result["share"].round(6),
            "Kr per invånare": result["per_capita_kr"].round(0).astype("Int64"),
            "Lika delar (kr)": result["equal_kr"].astype("int64"),
            "Efter folkmängd (kr)": result["population_only_kr"].astype("int64"),
        }
    )
