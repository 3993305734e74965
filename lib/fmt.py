"""Swedish number formatting: decimal comma and a narrow space between thousands."""

from __future__ import annotations

import math
import re

THIN_SPACE = "\u202f"


def number(value: float | int | None, decimals: int = 1) -> str:
    """12345.678 → "12 345,7"; missing → "–"."""
    if value is None or (isinstance(value, float) and not math.isfinite(value)):
        return "–"
    text = f"{value:,.{decimals}f}"
    return text.replace(",", THIN_SPACE).replace(".", ",")


#: Spaces a reader may put between thousands: ordinary, no-break, thin and narrow no-break.
_GROUP = "[ \u00a0\u2009\u202f]"
_NUMBER = re.compile(rf"[+\-\u2212]?(\d{{1,3}}(?:{_GROUP}\d{{3}})+|\d+)?(?:[,.](\d+))?")
NUMBER_EXAMPLE = "t.ex. 1,5 eller 1 500,5"
MAX_INPUT = 40  # characters; a longer "number" is a paste accident, not an amount


def parse_number(text: str | float | int | None) -> float:
    """Read a number as a Swedish reader writes it: "1,5", "1 500,5" (any space between thousands), "1500.5", "-2".

    Why strict: a browser's number field reads "1,5" as 15, so this parser accepts only one decimal sign, spaces
    only between groups of three digits, and no exponent, NaN or infinity. Raises ValueError with a Swedish
    message that names what was typed."""
    if isinstance(text, int | float) and not isinstance(text, bool):
        if not math.isfinite(text):
            raise ValueError(f"”{text}” är inte ett tal ({NUMBER_EXAMPLE}).")
        return float(text)
    raw = "" if text is None else str(text).strip()
    if not raw:
        raise ValueError(f"Skriv ett tal ({NUMBER_EXAMPLE}).")
    shown = raw if len(raw) <= MAX_INPUT else raw[:MAX_INPUT] + "…"
    match = _NUMBER.fullmatch(raw) if len(raw) <= MAX_INPUT else None
    if match is None or not (match.group(1) or match.group(2)):
        raise ValueError(f"”{shown}” är inte ett tal ({NUMBER_EXAMPLE}).")
    sign = "-" if raw[0] in "-\u2212" else ""
    whole = re.sub(_GROUP, "", match.group(1) or "0")
    value = float(f"{sign}{whole}.{match.group(2) or '0'}")
    if not math.isfinite(value):
        raise ValueError(f"”{shown}” är för stort.")
    return value


def parse_amount(text: str | float | int | None, minimum: float, maximum: float, unit: str = "") -> float:
    """`parse_number` within [minimum, maximum]; the Swedish message names the bounds in Swedish form."""
    value = parse_number(text)
    suffix = f" {unit}" if unit else ""
    if value < minimum or value > maximum:
        low, high = understood(minimum), understood(maximum)
        raise ValueError(f"{understood(value, unit)} ligger utanför det tillåtna {low}–{high}{suffix}.")
    return value


def understood(value: float, unit: str = "", max_decimals: int = 6) -> str:
    """How a parsed input is read back: 1.5 → "1,5", 1500.5 → "1 500,5" (no trailing zeros), with the unit."""
    text = number(value, max_decimals)
    if "," in text:
        text = text.rstrip("0").rstrip(",")
    return f"{text} {unit}".strip()
