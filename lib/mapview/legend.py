"""The map legend as a small SVG picture: colour swatches with their range labels, the riskiest class on top.

Why not a Vega-Lite chart: the legend was the map page's only chart, and loading and starting Vega in the browser
cost about as much as drawing the map's labels before the first map appeared (bench/RESULTS.md, "Browser: where the
time went"). A picture of the same swatches and labels needs nothing but the browser."""

from __future__ import annotations

import html

import pandas as pd

ROW_PX = 30  # as the Vega-Lite legend: 30 pixels a class
SWATCH_PX = 30
TEXT_X_PX = 40
FONT = "'Source Sans Pro', 'Source Sans 3', Helvetica, Arial, sans-serif"


def legend_svg(legend: pd.DataFrame, width: int = 170) -> str:
    """`legend` (rows of `classify.legend_table`: label, colour, count, step) as SVG markup: one swatch and range
    label per class, the highest `step` on top. Labels and colours are escaped: they are text, never markup."""
    # Plain lists, not sort_values and itertuples: the legend is redrawn with every slider move (~1 ms → 0,15 ms).
    rows = sorted(zip(legend["step"], legend["colour"], legend["label"], strict=True), key=lambda r: -r[0])
    height = ROW_PX * len(rows)
    font = html.escape(FONT, quote=True)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" viewBox="0 0 {width} {height}">'
    ]
    for i, (_, fill, label) in enumerate(rows):
        y = i * ROW_PX
        colour = html.escape(str(fill), quote=True)
        parts.append(
            f'<rect x="0.3" y="{y + 0.3}" width="{SWATCH_PX - 0.6}" height="{ROW_PX - 0.6}" fill="{colour}" '
            'stroke="#333" stroke-width="0.6"/>'
        )
        parts.append(
            f'<text x="{TEXT_X_PX}" y="{y + ROW_PX / 2}" dominant-baseline="central" font-size="15" '
            f'font-family="{font}" fill="#111827">{html.escape(str(label))}</text>'
        )
    parts.append("</svg>")
    return "".join(parts)
