"""The Jämför page's figures: each series' latest values, the side-by-side table and the risk against the city.

Why apart from the page: which value counts for a year (the latest up to it, with its own year and status), how a
cell is labelled and when a stadsdel counts as clearly worse are decisions to test, not layout."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

from lib import aggregate, provenance
from lib.aggregate import relative_risk

CONTEXT_LABEL = "Sammanhang, ingår inte i indexet"


def latest(frame: pd.DataFrame, at: int) -> pd.DataFrame:
    """Each indicator's latest value at or before `at` in a long frame filtered to one series: value, year and
    synthetic (a missing status counts as synthetic), indexed by indicator_code."""
    sub = aggregate.latest_at(frame, at)
    sub = sub.assign(synthetic=sub["synthetic"].fillna(True).astype(bool))
    return sub.set_index("indicator_code")[["value", "year", "synthetic"]]


def cell(s: pd.DataFrame, code: str, column: str, default: Any = np.nan) -> Any:
    """One indicator's `column` in a series from `latest`; `default` when the series has no value for it."""
    return s[column].get(code, default)


def table(
    indicators: pd.DataFrame, series: Mapping[str, pd.DataFrame], context_domain: str
) -> tuple[pd.DataFrame, pd.DataFrame, list[int]]:
    """The side-by-side table (area, indicator, each series' value and "år · status", unit), a mask of the cells
    that are real values, and each row's decimals. `indicators`: code, name, domain, domain_name, unit, decimals."""
    rows, real_cells, decimals = [], [], []
    for ind in indicators.itertuples():
        context = ind.domain == context_domain
        row: dict[str, object] = {"Område": CONTEXT_LABEL if context else ind.domain_name, "Indikator": ind.name}
        real_row = {}
        for label, s in series.items():
            value = float(cell(s, ind.code, "value"))
            row[label] = round(value, int(ind.decimals)) if np.isfinite(value) else np.nan
            at = cell(s, ind.code, "year", None)
            synthetic = bool(cell(s, ind.code, "synthetic", True))
            row[f"{label}: år, status"] = f"{int(at)} · {provenance.status(synthetic)}" if at is not None else "–"
            real_row[label] = at is not None and not synthetic
        row["Enhet"] = ind.unit
        rows.append(row)
        real_cells.append(real_row)
        decimals.append(int(ind.decimals))
    return pd.DataFrame(rows), pd.DataFrame(real_cells), decimals


def risk_dots(indicators: pd.DataFrame, series: Mapping[str, pd.DataFrame], city: pd.DataFrame) -> pd.DataFrame:
    """One row per indicator and series: its risk against the city (100 = the city), status and year."""
    return pd.DataFrame(
        [
            {
                "indikator": ind.name,
                "serie": label,
                "risk": relative_risk(
                    float(cell(s, ind.code, "value")),
                    float(cell(city, ind.code, "value")),
                    ind.higher_is_worse,
                ),
                "status": provenance.status(bool(cell(s, ind.code, "synthetic", True))),
                "år": cell(s, ind.code, "year", None),
            }
            for ind in indicators.itertuples()
            for label, s in series.items()
        ]
    )


def worse_sentence(indicators: pd.DataFrame, a: str, own: pd.DataFrame, b: str, other: pd.DataFrame) -> str:
    """ "**Rinkeby har minst 10 % högre risk än Skärholmen i:** ohälsotal, …." – the measures where `a` is at
    least 10 % worse than `b` (relative risk above 110)."""
    worse = [
        ind.name
        for ind in indicators.itertuples()
        if relative_risk(cell(own, ind.code, "value"), cell(other, ind.code, "value"), ind.higher_is_worse) > 110
    ]
    return (
        f"**{a} har minst 10 % högre risk än {b} i:** "
        + (", ".join(w[:1].lower() + w[1:] for w in worse) if worse else "inget mått")
        + "."
    )
