"""Normalisation: orient so that higher always means more risk, optionally winsorise, then put on one scale.

The scores do not depend on the weights, so they are computed once per (data, direction, method, universe,
winsor) and cached on the `IndexData` (`normalised_scores`); the composite and every robustness analysis read the
same read-only matrix.
"""

from __future__ import annotations

import numpy as np

from lib.index.data import IndexData
from lib.index.framework import Framework, IndexParams


def _orient(x: np.ndarray, worse_high: np.ndarray) -> np.ndarray:
    return np.where(worse_high, x, -x)


def _weighted_mean(x: np.ndarray, weights: np.ndarray, mask: np.ndarray) -> np.ndarray:
    ok = mask[:, None] & np.isfinite(x)
    w = np.where(ok, weights[:, None], 0.0)
    total = w.sum(axis=0)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(total > 0, (np.where(ok, x, 0.0) * w).sum(axis=0) / total, np.nan)


def percentile_scores(oriented: np.ndarray, universe: np.ndarray) -> np.ndarray:
    """0–100: share of the universe below each value (ties count half); 100 = the highest risk."""
    out = np.full(oriented.shape, np.nan)
    for j in range(oriented.shape[1]):
        col = oriented[:, j]
        ref = np.sort(col[universe & np.isfinite(col)])
        if ref.size < 2:
            continue
        ok = np.isfinite(col)
        below = np.searchsorted(ref, col[ok], side="left")
        upto = np.searchsorted(ref, col[ok], side="right")
        out[ok, j] = np.clip((below + upto - 1) / 2 / (ref.size - 1), 0, 1) * 100
    return out


def reference_scores(
    raw: np.ndarray, worse_high: np.ndarray, population: np.ndarray, universe: np.ndarray
) -> np.ndarray:
    """Distance to the comparison group, 100 = its population-weighted mean, for both directions:
    100 · value / reference where high is bad and 200 − 100 · value / reference where low is bad.

    Why linear (the JRC/OECD handbook's "distance to a reference", mirrored for low-is-bad indicators): a value
    20 % worse than the group scores 120 whichever way the indicator points, the population-weighted mean of the
    group is exactly 100 for every indicator, and each indicator's spread is its own relative spread. The earlier
    100 · reference / value (`ratio_scores`) is convex: it stretched low incomes and low employment without bound
    and put their group means at 107–114, so those indicators weighed more than their weight."""
    ref = _weighted_mean(raw, population, universe)
    with np.errstate(invalid="ignore", divide="ignore"):
        relative = 100 * raw / ref
    return np.where(worse_high, relative, 200 - relative)


def ratio_scores(raw: np.ndarray, worse_high: np.ndarray, population: np.ndarray, universe: np.ndarray) -> np.ndarray:
    """The earlier method, kept to compare against: 100 · value / reference (100 · reference / value where low is
    bad); reference = population-weighted mean. Not 100 on average where low is bad (see `reference_scores`)."""
    ref = _weighted_mean(raw, population, universe)
    floor = np.abs(ref) * 0.01
    with np.errstate(invalid="ignore", divide="ignore"):
        up = 100 * raw / ref
        down = 100 * ref / np.maximum(raw, floor)
    return np.where(worse_high, up, down)


#: Normalised matrices kept per IndexData (methods × universes × winsor settings in use); more are dropped.
NORMALISED_CACHE_SIZE = 16


def normalise(data: IndexData, framework: Framework, params: IndexParams) -> np.ndarray:
    """Oriented, normalised indicator scores (n × m); higher = more risk. Read-only: the array is shared."""
    return normalised_scores(data, framework, params.method, params.universe, params.winsor)


def normalised_scores(data: IndexData, framework: Framework, method: str, universe: str, winsor: float) -> np.ndarray:
    """`normalise`, computed once per (data, direction, method, universe, winsor) and kept on `data`.

    Why: the weights do not enter normalisation, so the nominal index, every Monte Carlo draw, the rank range and
    leave-one-out reuse one matrix instead of each recomputing it. IndexData is immutable, so the cache on the
    instance cannot go stale; a new IndexData (another year, level or value switch) starts empty."""
    key = (framework.higher_is_worse, method, universe, float(winsor))
    cache = data._normalised
    scores = cache.get(key)
    if scores is None:
        scores = _normalise_uncached(data, np.asarray(framework.higher_is_worse), method, universe, winsor)
        scores.flags.writeable = False
        if len(cache) >= NORMALISED_CACHE_SIZE:
            cache.clear()
        cache[key] = scores
    return scores


def _normalise_uncached(
    data: IndexData, worse_high: np.ndarray, method: str, universe_name: str, winsor: float
) -> np.ndarray:
    universe = data.universe(universe_name) & np.isfinite(data.population)
    raw = data.values.copy()
    if winsor > 0:
        for j in range(raw.shape[1]):
            ref = raw[universe, j]
            ref = ref[np.isfinite(ref)]
            if ref.size:
                lo, hi = np.quantile(ref, [winsor, 1 - winsor], method="inverted_cdf")
                raw[:, j] = np.clip(raw[:, j], lo, hi)
    if method == "ref100":
        return reference_scores(raw, worse_high, data.population, universe)
    if method == "ratio":
        return ratio_scores(raw, worse_high, data.population, universe)
    oriented = _orient(raw, worse_high)
    if method == "percentile":
        return percentile_scores(oriented, universe)
    masked = np.where(universe[:, None], oriented, np.nan)
    if method == "zscore":
        mean = np.nanmean(masked, axis=0)
        sd = np.nanstd(masked, axis=0)
        with np.errstate(invalid="ignore", divide="ignore"):
            return np.where(sd > 0, (oriented - mean) / sd, 0.0)
    lo, hi = np.nanmin(masked, axis=0), np.nanmax(masked, axis=0)
    span = np.where(hi > lo, hi - lo, 1.0)
    return np.clip(100 * (oriented - lo) / span, 0, 100)


def positive_shift(scores: np.ndarray, method: str, universe: np.ndarray) -> np.ndarray:
    """Make scores strictly positive for geometric aggregation, keeping their order."""
    if method in ("minmax", "percentile"):
        return 1 + 0.99 * scores
    if method in ("zscore", "ref100"):  # both go below zero (ref100 where a value is over twice the group's)
        low = np.nanmin(np.where(universe[:, None], scores, np.nan), axis=0)
        # units outside the universe may lie below its lowest score; the floor keeps their logarithm finite
        return np.maximum(scores - np.minimum(low, 0) + 1, 1e-6)
    return np.maximum(scores, 1e-6)
