"""Name labels on the map: which labels the first view shows, and the collision boxes and priorities deck.gl's
CollisionFilterExtension uses to hide overlapping ones when the user zooms."""

from __future__ import annotations

import numpy as np
import pandas as pd

LABEL_SIZE_PX = 13
LABEL_GAP_PX = 3  # labels kept at the first view stay this far outside each other's collision boxes


def label_width_px(name: str, size: float = LABEL_SIZE_PX) -> float:
    """A generous estimate of a label's width in pixels (semi-bold sans serif, with its white outline)."""
    return 0.62 * size * len(str(name)) + 6


def collision_padding(names, size: float = LABEL_SIZE_PX) -> list[float]:
    """Padding [left, top, right, bottom] in pixels of the boxes deck.gl tests label collisions with: half the
    longest label's width, and half the text's height (plus a little for the white outline)."""
    half_width = max((label_width_px(n, size) for n in names), default=0.0) / 2
    return [round(half_width + 4, 1), round(0.5 * size + 2, 1)] * 2


def _rank(labels: pd.DataFrame) -> np.ndarray:
    """Each label's place in the order deck.gl gives way: 0 = highest `priority` (ties: first row first); without
    a `priority` column, the row order."""
    if "priority" not in labels.columns:
        return np.arange(len(labels))
    return labels["priority"].rank(method="first", ascending=False).to_numpy(int) - 1


def spread_priority(labels: pd.DataFrame) -> list[int]:
    """Collision priorities spread evenly over 1…990 in `_rank` order, the highest first. deck.gl sorts colliding
    labels by depth (0.001 per priority step, in a 16-bit depth buffer): spreading keeps neighbours well apart."""
    n = len(labels)
    if n < 2:
        return [990] * n
    return [int(round(990 - 989 * r / (n - 1))) for r in _rank(labels)]


def _pixels(lon: np.ndarray, lat: np.ndarray, zoom: float) -> tuple[np.ndarray, np.ndarray]:
    """Web Mercator pixel coordinates at `zoom` (deck.gl: 512·2^zoom pixels around the world)."""
    scale = 512 * 2**zoom
    x = scale * (np.asarray(lon, float) + 180) / 360
    y = scale * (1 - np.log(np.tan(np.pi / 4 + np.radians(np.asarray(lat, float)) / 2)) / np.pi) / 2
    return x, y


def place_labels(labels: pd.DataFrame, zoom: float, size: float = LABEL_SIZE_PX) -> pd.DataFrame:
    """The labels to send for a first view at `zoom`, so that deck.gl's CollisionFilterExtension shows exactly the
    ones that fit, none overlapping and none half faded.

    deck.gl hides a label whose anchor (the middle of its text) lies in the collision box of a label of higher
    priority, and fades it partly when the anchor lies on the edge of such a box. The labels are therefore placed
    here, highest priority first, with the same boxes (estimated text width plus `collision_padding`) and
    LABEL_GAP_PX to spare: a label is drawn if its anchor lies clearly outside the box of every label drawn before
    it. Of the others, only those deck.gl will certainly hide (anchor deep inside a drawn label's padding, whatever
    the exact text width) and whose own box spares every drawn label are sent, so zooming in reveals them; the rest
    are left out."""
    if labels.empty:
        return labels
    pad_x, pad_y = collision_padding(labels["name"], size)[:2]
    half_w = np.array([label_width_px(n, size) / 2 for n in labels["name"]]) + pad_x + LABEL_GAP_PX
    half_h = 0.6 * size + pad_y + LABEL_GAP_PX
    x, y = _pixels(labels["lon"], labels["lat"], zoom)
    rank = _rank(labels)
    order = np.argsort(rank)

    def clear(i: int, k: int) -> bool:  # i's anchor clearly outside k's box
        return abs(x[i] - x[k]) >= half_w[k] or abs(y[i] - y[k]) >= half_h

    drawn: list[int] = []
    for i in order:
        if all(clear(i, k) for k in drawn):
            drawn.append(i)
    hidden = [
        i
        for i in order
        if i not in drawn
        and any(
            rank[k] < rank[i] and abs(x[i] - x[k]) < pad_x - LABEL_GAP_PX and abs(y[i] - y[k]) < pad_y - LABEL_GAP_PX
            for k in drawn
        )
        and all(clear(m, i) for m in drawn if rank[m] > rank[i])
    ]
    return labels.iloc[sorted(drawn + hidden)]
