"""The Swedish locale every chart carries, and the number formats a chart reads from an indicator's decimals.

Why in the spec: Vega formats axis labels, tooltips and text marks itself, in US English unless the spec says
otherwise (`12.0`, `1,500`). Vega-Lite's `config.locale` gives it Swedish numbers and dates for that one chart,
so the browser draws `12,0` and `1 500` with the same signs `lib.fmt` writes, without any global script."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TypeVar

import pandas as pd

from lib.fmt import THIN_SPACE, number
from lib.provenance import MINUS, is_share

#: d3-format's locale: decimal comma, narrow space between thousands, "12 kr", "25 %" and the typographic minus
#: of `lib.provenance.signed`.
NUMBER_LOCALE: dict = {
    "decimal": ",",
    "thousands": THIN_SPACE,
    "grouping": [3],
    "currency": ["", "\u00a0kr"],
    "percent": "\u00a0%",
    "minus": MINUS,
}
#: d3-time-format's sv-SE locale (month and day names for time axes and tooltips).
TIME_LOCALE: dict = {
    "dateTime": "%A %e %B %Y %X",
    "date": "%Y-%m-%d",
    "time": "%H:%M:%S",
    "periods": ["fm", "em"],
    "days": ["söndag", "måndag", "tisdag", "onsdag", "torsdag", "fredag", "lördag"],
    "shortDays": ["sön", "mån", "tis", "ons", "tor", "fre", "lör"],
    "months": [
        "januari",
        "februari",
        "mars",
        "april",
        "maj",
        "juni",
        "juli",
        "augusti",
        "september",
        "oktober",
        "november",
        "december",
    ],  # fmt: skip
    "shortMonths": ["jan", "feb", "mars", "apr", "maj", "juni", "juli", "aug", "sep", "okt", "nov", "dec"],
}
LOCALE: dict = {"number": NUMBER_LOCALE, "time": TIME_LOCALE}
Chart = TypeVar("Chart")  # any Altair top-level chart; `configure` returns the same kind


def number_format(decimals: int) -> str:
    """The d3 format of a value shown with `decimals` decimals and thousands grouped: 1 → ",.1f" (12 345,7)."""
    return f",.{max(int(decimals), 0)}f"


def percent_format(decimals: int = 0) -> str:
    """The d3 format of a share 0–1 shown in per cent: 1 → ".1%" (25,0 %)."""
    return f".{max(int(decimals), 0)}%"


def change_unit(unit: str) -> str:
    """What a change of a value in `unit` is counted in: procentenheter for a share ("% av …"), else the unit."""
    return "procentenheter" if is_share(unit) else str(unit)


def value_text(values: Sequence[float] | pd.Series, decimals: Sequence[int] | pd.Series | int) -> list[str]:
    """Each value as `lib.fmt.number` writes it with its own indicator's decimals, for tooltips of charts that mix
    indicators (one d3 format cannot follow each row's decimals)."""
    values = list(values)
    places = [int(decimals)] * len(values) if isinstance(decimals, int) else [int(d) for d in decimals]
    return [number(v if pd.notna(v) else None, d) for v, d in zip(values, places, strict=True)]


def localised_spec(spec: dict) -> dict:
    """A plain Vega-Lite spec with the Swedish locale in its config."""
    return {**spec, "config": {**spec.get("config", {}), "locale": LOCALE}}


def localised(chart: Chart) -> Chart:
    """An Altair chart with the Swedish locale; the result is final (Altair cannot layer a configured chart)."""
    return chart.configure(locale=LOCALE)  # type: ignore[attr-defined]
