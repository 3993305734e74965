"""Every chart the app draws, with the Swedish locale (`lib.charts.locale`) in its spec.

`specs`: the plain Vega-Lite dicts redrawn on each slider move of Index och vikter (no Altair: its schema check
cost about 30 ms per chart there); `svg`: the share bar under the sliders, a picture rather than a Vega chart.
`analysis`: Jämför, Utveckling, Fördelning av medel, Mål och uppföljning.
`views`: the Stadsdel page and the Presentera slides. `marks`: filled discs for real values, rings for modelled.
The Altair modules are imported on first use, so the pages that draw only plain specs never load Altair."""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from lib.charts.locale import (
    LOCALE,
    NUMBER_LOCALE,
    TIME_LOCALE,
    change_unit,
    localised_spec,
    number_format,
    percent_format,
    value_text,
)
from lib.charts.specs import effective_weights, rank_bands
from lib.charts.svg import share_bar_svg

if TYPE_CHECKING:
    from lib.charts.analysis import allocation_bars, compare_risk, goal_outcome, goal_status_bar, trend_lines
    from lib.charts.marks import RING, status_channels
    from lib.charts.views import (
        profile_contributions,
        profile_domains,
        profile_trends,
        slide_allocation,
        slide_domains,
    )

_LAZY = {
    "allocation_bars": "analysis",
    "compare_risk": "analysis",
    "goal_outcome": "analysis",
    "goal_status_bar": "analysis",
    "trend_lines": "analysis",
    "RING": "marks",
    "status_channels": "marks",
    "profile_contributions": "views",
    "profile_domains": "views",
    "profile_trends": "views",
    "slide_allocation": "views",
    "slide_domains": "views",
}


def __getattr__(name: str) -> Any:
    """The Altair charts, imported when first asked for."""
    if name in _LAZY:
        return getattr(importlib.import_module(f"lib.charts.{_LAZY[name]}"), name)
    raise AttributeError(f"module 'lib.charts' has no attribute {name!r}")


__all__ = [
    "LOCALE",
    "NUMBER_LOCALE",
    "RING",
    "TIME_LOCALE",
    "allocation_bars",
    "change_unit",
    "compare_risk",
    "effective_weights",
    "goal_outcome",
    "goal_status_bar",
    "localised_spec",
    "number_format",
    "percent_format",
    "profile_contributions",
    "profile_domains",
    "profile_trends",
    "rank_bands",
    "share_bar_svg",
    "slide_allocation",
    "slide_domains",
    "status_channels",
    "trend_lines",
    "value_text",
]
