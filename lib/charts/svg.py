"""Charts drawn as small SVG pictures, for what a slider move redraws and needs no axes or interaction.

Why not Vega-Lite: the share bar under the weight sliders was redrawn by Vega on every move, in the browser's main
thread before the map's new colours (about 100 ms of the page's script per move in a software-rendered browser, and
25–35 ms of the server's, bench/RESULTS.md "Browser, third round"). A picture of the same bar is drawn by the browser
alone; the exact shares are in the caption under it."""

from __future__ import annotations

import html
from collections.abc import Sequence

BAR_WIDTH_PX = 300
BAR_HEIGHT_PX = 22


def share_bar_svg(shares: Sequence[float], colours: Sequence[str], width: int = BAR_WIDTH_PX) -> str:
    """One stacked bar, the shares (≥ 0, any total) left to right in the sliders' order, each in its colour, a thin
    white gap between them; a share of zero draws nothing. Colours are escaped: they are text, never markup."""
    if len(shares) != len(colours):
        raise ValueError("en färg per andel")
    total = sum(max(0.0, float(s)) for s in shares)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{BAR_HEIGHT_PX}" '
        f'viewBox="0 0 {width} {BAR_HEIGHT_PX}" preserveAspectRatio="none">'
    ]
    x = 0.0
    for share, colour in zip(shares, colours, strict=True):
        part = width * max(0.0, float(share)) / total if total > 0 else 0.0
        if part > 0:
            fill = html.escape(str(colour), quote=True)
            parts.append(
                f'<rect x="{x:.2f}" y="0" width="{part:.2f}" height="{BAR_HEIGHT_PX}" fill="{fill}" '
                'stroke="#ffffff" stroke-width="1"/>'
            )
        x += part
    parts.append("</svg>")
    return "".join(parts)
