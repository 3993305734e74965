"""Charts drawn as small SVG pictures, for what a slider move redraws and needs no axes or interaction.

The share bar under the weight sliders was a Vega-Lite chart: the server built and sent its spec and Vega redrew it
on every move. As a picture the server only writes a few rectangles, the figures beside it stay in the caption in
Swedish form, and the browser's work per move stayed about the same (bench/RESULTS.md, "Browser, third round")."""

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
