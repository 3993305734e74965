"""Swedish number formatting: decimal comma and a narrow space between thousands."""

from __future__ import annotations

import math

THIN_SPACE = "\u202f"


def number(value: float | int | None, decimals: int = 1) -> str:
    """12345.678 → "12 345,7"; missing → "–"."""
    if value is None or (isinstance(value, float) and not math.isfinite(value)):
        return "–"
    text = f"{value:,.{decimals}f}"
    return text.replace(",", THIN_SPACE).replace(".", ",")
