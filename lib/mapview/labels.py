"""Name labels on the map: which labels the first view shows, none overlapping, the larger area first.

They are chosen here rather than by deck.gl's CollisionFilterExtension, whose extra drawing pass and shaders took
seconds before the first map appeared in a software-rendered browser (bench/RESULTS.md, "Browser: where the time
went"); what that costs is that zooming in reveals no further names."""

from __future__ import annotations

import functools

import numpy as np
import pandas as pd

from lib.mapview.glyphs import HALO_PX, text_width_px

LABEL_SIZE_PX = 13
LABEL_GAP_PX = 3  # labels kept at the first view stay this far outside each other's collision boxes


def label_width_px(name: str, size: float = LABEL_SIZE_PX) -> float:
    """A label's width in pixels as drawn (`lib.mapview.glyphs`): its letters' advances, its white edge on both
    sides and a pixel to spare."""
    return text_width_px(str(name), size) + 2 * HALO_PX + 2


def collision_padding(names, size: float = LABEL_SIZE_PX) -> list[float]:
    """Padding [left, top, right, bottom] in pixels around a label's box: half the longest label's width, and half
    the text's height (plus a little for the white outline), so that labels kept apart stay readable."""
    half_width = max((label_width_px(n, size) for n in names), default=0.0) / 2
    return [round(half_width + 4, 1), round(0.5 * size + 2, 1)] * 2


def _rank(labels: pd.DataFrame) -> np.ndarray:
    """Each label's place in the order labels give way: 0 = highest `priority` (ties: first row first); without
    a `priority` column, the row order."""
    if "priority" not in labels.columns:
        return np.arange(len(labels))
    return labels["priority"].rank(method="first", ascending=False).to_numpy(int) - 1


def _pixels(lon: np.ndarray, lat: np.ndarray, zoom: float) -> tuple[np.ndarray, np.ndarray]:
    """Web Mercator pixel coordinates at `zoom` (deck.gl: 512·2^zoom pixels around the world)."""
    scale = 512 * 2**zoom
    x = scale * (np.asarray(lon, float) + 180) / 360
    y = scale * (1 - np.log(np.tan(np.pi / 4 + np.radians(np.asarray(lat, float)) / 2)) / np.pi) / 2
    return x, y


def first_view_labels(labels: pd.DataFrame, zoom: float, size: float = LABEL_SIZE_PX) -> pd.DataFrame:
    """The labels a first view at `zoom` draws, in their rows' order: highest `priority` first, each kept only if
    its anchor lies clearly outside the estimated box (text width plus `collision_padding` and `LABEL_GAP_PX`) of
    every label kept before it, so none overlap."""
    if labels.empty:
        return labels
    priority = tuple(labels["priority"].tolist()) if "priority" in labels.columns else None
    rows = _first_view_rows(
        tuple(labels["name"].astype(str)),
        tuple(labels["lon"].tolist()),
        tuple(labels["lat"].tolist()),
        priority,
        zoom,
        size,
    )
    return labels.iloc[list(rows)]


@functools.lru_cache(maxsize=64)
def _first_view_rows(
    names: tuple[str, ...], lons: tuple, lats: tuple, priority: tuple | None, zoom: float, size: float
) -> tuple[int, ...]:
    """`first_view_labels`' rows, kept per set of labels and view: a map's labels stay the same while its colours
    change with every slider move."""
    frame = pd.DataFrame({"name": names, "lon": lons, "lat": lats})
    if priority is not None:
        frame["priority"] = priority
    pad_x, pad_y = collision_padding(frame["name"], size)[:2]
    half_w = np.array([label_width_px(n, size) / 2 for n in names]) + pad_x + LABEL_GAP_PX
    half_h = 0.6 * size + pad_y + LABEL_GAP_PX
    x, y = _pixels(frame["lon"], frame["lat"], zoom)

    def clear(i: int, k: int) -> bool:  # i's anchor clearly outside k's box
        return abs(x[i] - x[k]) >= half_w[k] or abs(y[i] - y[k]) >= half_h

    drawn: list[int] = []
    for i in np.argsort(_rank(frame)):
        if all(clear(int(i), k) for k in drawn):
            drawn.append(int(i))
    return tuple(sorted(drawn))
