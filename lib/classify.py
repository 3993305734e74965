"""Choropleth classification and its legend, as small pure pieces (after mapclassify).

Classes are numbered 0..k-1 from the lowest values up; `risk_order` flips that for indicators
where a low value means more risk, so colour always reads "darker = more risk".
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass

import numpy as np
import pandas as pd

from lib.fmt import number

SCHEMES = {
    "quantiles": "Kvantiler",
    "natural_breaks": "Naturliga brytpunkter",
    "equal_interval": "Lika intervall",
    "fixed": "Fasta gränser kring staden",
}
SCHEME_HELP = {
    "quantiles": "lika många stadsdelar i varje klass",
    "natural_breaks": "gränser där värdena glesnar (Fisher–Jenks)",
    "equal_interval": "lika breda värdeintervall",
    "fixed": (
        "100 = stadens nivå, 90–110 ungefär som staden, över 150 minst 1,5 gånger stadens risknivå (där högt värde "
        "är sämre: minst 50 % över stadens värde; där lågt värde är sämre: minst en tredjedel under)"
    ),
}
#: Upper bounds of the fixed classes on the 100 = city scale; the last class is open (over 150).
FIXED_BOUNDS = (90.0, 110.0, 130.0, 150.0)

#: ColorBrewer YlOrRd, colour-blind safe; index = classes − 3.
YLORRD = {
    3: ("#ffeda0", "#feb24c", "#f03b20"),
    4: ("#ffffb2", "#fecc5c", "#fd8d3c", "#e31a1c"),
    5: ("#ffffb2", "#fecc5c", "#fd8d3c", "#f03b20", "#bd0026"),
}
NO_DATA_RGBA = (210, 210, 210, 255)
OUTSIDE_RGBA = (236, 236, 236, 255)


@dataclass(frozen=True)
class Classification:
    """Upper bounds of each class, the minimum, and each value's class (−1 where the value is missing)."""

    lower: float
    bounds: tuple[float, ...]
    bins: np.ndarray

    @property
    def k(self) -> int:
        return len(self.bounds)


def classify(values: np.ndarray, scheme: str = "quantiles", k: int = 5) -> Classification:
    """Classify the finite values of `values` into at most `k` classes with the named scheme."""
    if scheme not in SCHEMES or scheme == "fixed":
        raise ValueError(f"Okänd klassning: {scheme}")
    arr = np.asarray(values, dtype=float)
    ok = np.isfinite(arr)
    bins = np.full(arr.shape, -1, dtype=int)
    finite = arr[ok]
    if finite.size == 0:
        return Classification(float("nan"), (), bins)
    distinct = np.unique(finite)
    k = max(1, min(k, distinct.size))
    if k == 1:
        bins[ok] = 0
        return Classification(float(finite.min()), (float(finite.max()),), bins)
    if scheme == "quantiles":
        raw = quantile_bounds(finite, k)
    elif scheme == "equal_interval":
        raw = equal_interval_bounds(finite, k)
    else:
        raw = fisher_jenks_bounds(finite, k)
    # Degenerate inputs (tiny or near-equal values) can give repeated or unordered bounds; keep them sorted
    # and distinct, with the last one at the maximum, so every value has exactly one class.
    edges = np.unique(np.asarray(raw, dtype=float))
    edges = np.unique(np.append(edges[edges < finite.max()], finite.max()))
    bounds = tuple(float(b) for b in edges)
    bins[ok] = np.searchsorted(np.asarray(bounds), finite, side="left").clip(0, len(bounds) - 1)
    return Classification(float(finite.min()), bounds, bins)


def quantile_bounds(values: np.ndarray, k: int) -> np.ndarray:
    """Upper bounds at the k-quantiles, exactly as mapclassify.Quantiles computes them (scipy's
    scoreatpercentile: a + (b − a)·fraction). Written out because importing mapclassify (scipy, matplotlib)
    takes 1.4 s of a cold start, for a few lines of numpy."""
    ordered = np.sort(np.asarray(values, dtype=float))
    step = 100.0 / k
    percents = np.arange(step, 100 + step, step)
    percents[percents > 100.0] = 100.0
    position = percents / 100.0 * (ordered.size - 1)
    below = np.floor(position).astype(int)
    above = np.minimum(below + 1, ordered.size - 1)
    return ordered[below] + (ordered[above] - ordered[below]) * (position - below)


def equal_interval_bounds(values: np.ndarray, k: int) -> np.ndarray:
    """Upper bounds of k equally wide intervals, as mapclassify.EqualInterval."""
    lo, hi = float(np.min(values)), float(np.max(values))
    bounds = lo + (hi - lo) * np.arange(1, k + 1) / k
    bounds[-1] = hi
    return bounds


def fisher_jenks_bounds(values: np.ndarray, k: int) -> np.ndarray:
    """Fisher–Jenks optimal breaks from mapclassify, imported only when this scheme is chosen."""
    import mapclassify

    with warnings.catch_warnings():
        # mapclassify warns when ties leave fewer classes (handled by the caller) and when numba is absent.
        warnings.simplefilter("ignore", UserWarning)
        return np.asarray(mapclassify.FisherJenks(values, k=k).bins, dtype=float)


def classify_fixed(values: np.ndarray, bounds: tuple[float, ...] = FIXED_BOUNDS) -> Classification:
    """Classes with fixed upper bounds (value ≤ bound) and an open top class, e.g. around 100 = the city."""
    arr = np.asarray(values, dtype=float)
    ok = np.isfinite(arr)
    bins = np.full(arr.shape, -1, dtype=int)
    bins[ok] = np.searchsorted(np.asarray(bounds), arr[ok], side="left")
    return Classification(float("-inf"), (*bounds, float("inf")), bins)


def legend_labels(cls: Classification, decimals: int = 1) -> list[str]:
    """Swedish range labels, lowest class first: "0,4–1,2", "1,2–3,0", … ("högst 90", "över 150" when open)."""
    edges = (cls.lower, *cls.bounds)
    labels = []
    for lo, hi in zip(edges[:-1], edges[1:], strict=True):
        if np.isinf(lo):
            labels.append(f"högst {number(hi, decimals)}")
        elif np.isinf(hi):
            labels.append(f"över {number(lo, decimals)}")
        else:
            labels.append(f"{number(lo, decimals)}–{number(hi, decimals)}")
    return labels


def palette(k: int) -> tuple[str, ...]:
    """YlOrRd with `k` colours (1 and 2 classes take the darker end of the 3-class ramp)."""
    if k >= 3:
        return YLORRD[min(k, 5)]
    return YLORRD[3][-k:] if k else ()


def risk_order(cls: Classification, higher_is_worse: bool) -> np.ndarray:
    """Each value's colour step: 0 = least risk … k−1 = most risk, −1 = missing."""
    if higher_is_worse:
        return cls.bins
    return np.where(cls.bins >= 0, cls.k - 1 - cls.bins, -1)


def hex_to_rgba(colour: str, alpha: int = 255) -> tuple[int, int, int, int]:
    c = colour.lstrip("#")
    return (int(c[0:2], 16), int(c[2:4], 16), int(c[4:6], 16), alpha)


def legend_table(cls: Classification, decimals: int, higher_is_worse: bool) -> pd.DataFrame:
    """One row per class, lowest values first: range label, colour, number of stadsdelar, risk step."""
    colours = palette(cls.k)
    counts = np.bincount(cls.bins[cls.bins >= 0], minlength=cls.k) if cls.k else np.zeros(0, dtype=int)
    steps = [i if higher_is_worse else cls.k - 1 - i for i in range(cls.k)]
    return pd.DataFrame(
        {
            "label": legend_labels(cls, decimals),
            "colour": [colours[s] for s in steps],
            "count": [int(c) for c in counts],
            "step": steps,
        }
    )


#: ColorBrewer Purples: context measures (utländsk bakgrund, folkmängd …) are coloured by value in this neutral
#: scale, never in the risk colours, so a map of them cannot be read as "more risk".
#: (The darker five of the seven-class scale: the lightest would look like the grey of areas outside the view.)
PURPLES = ("#bcbddc", "#9e9ac8", "#807dba", "#6a51a3", "#4a1486")


def neutral_palette(k: int) -> tuple[str, ...]:
    """`k` colours (≤ 5) of the neutral scale, lightest first, spread over its whole range."""
    if k <= 0:
        return ()
    if k == 1:
        return (PURPLES[-2],)
    picks = np.rint(np.linspace(0, len(PURPLES) - 1, min(k, len(PURPLES)))).astype(int)
    return tuple(PURPLES[i] for i in picks)
