"""The allocation as the Fördelning page shows it: each split by method for the chart, the table with Swedish
column names, and a unit's short name.

Why apart from `lib.allocation`: the computation stays free of wording; the names the reader sees are fixed here
and tested, not assembled on the page."""

from __future__ import annotations

import pandas as pd

METHOD_LABELS = {"amount": "Efter behov", "equal": "Lika delar", "population_only": "Efter folkmängd"}


def short_name(unit: str) -> str:
    """ "Rinkeby-Kista stadsdelsnämnd" → "Rinkeby-Kista" (a metric has no room for the rest)."""
    return str(unit).removesuffix(" stadsdelsnämnd").removesuffix("s")


def by_method(result: pd.DataFrame) -> pd.DataFrame:
    """One row per unit and method (unit, metod, mnkr), the methods named as in the legend."""
    long = result.melt(id_vars="unit", value_vars=list(METHOD_LABELS), var_name="metod", value_name="mnkr")
    long["metod"] = long["metod"].map(METHOD_LABELS)
    return long


def table(result: pd.DataFrame) -> pd.DataFrame:
    """`lib.allocation.allocate`'s result with Swedish column names, rounded as shown and downloaded."""
    return pd.DataFrame(
        {
            "Enhet": result["unit"],
            "Stadsdelar": result["stadsdelar"],
            "Invånare": result["population"].round(0),
            "Risk (1 = staden)": result["risk"].round(2),
            "Efter behov (mnkr)": result["amount"].round(2),
            "Andel": result["share"],
            "Kr per invånare": result["per_capita_kr"].round(0),
            "Lika delar (mnkr)": result["equal"].round(2),
            "Efter folkmängd (mnkr)": result["population_only"].round(2),
        }
    )
