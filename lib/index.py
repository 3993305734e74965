"""The composite social-risk index (after Västra Götalandsmodellen) and its robustness.

Pipeline, each step a small pure function (COINr's verbs):

1. `indicator_matrix` – raw values for a year; an indicator measured less often (elections, surveys)
   uses its latest measurement up to that year.
2. `normalise` – orient so that higher always means more risk, optionally winsorise, then one of
   `ref100` (100 = the universe's population-weighted mean; for indicators where low is bad,
   100 · reference / value), `zscore`, `minmax` (0–100) or `percentile` (0–100). Statistics are
   taken over the chosen universe (all 117, the 46 outer-city or the 22 programme stadsdelar).
3. `aggregate` – weighted arithmetic mean of indicators within each area (an area needs at least
   65 % of its weighted indicators, else it is missing), then a weighted arithmetic or geometric
   mean of the four areas. Geometric aggregation first shifts scores to be positive.
4. Ranks within the universe, 1 = highest risk; flags, contributions, dominance and effective weights.

Robustness (`monte_carlo`, `rank_range`, `leave_one_out`) recomputes the index for many weight vectors
at once with matrix products, so 1 000 draws for 6 000 areas take well under a second.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field, replace

import numpy as np
import pandas as pd

METHODS = ("ref100", "zscore", "minmax", "percentile")
AGGREGATIONS = ("arithmetic", "geometric")
UNIVERSES = ("all", "outer", "programme")
LEVELS = ("stadsdel", "deso", "regso")  # lib.levels names them; kept here so the index stays free of the database
FLAG_PERCENTILE = 90.0
FLAG_RATIO = 1.2


@dataclass(frozen=True)
class Framework:
    """Which indicators exist, the area (domain) of each, their direction and their default weights.

    The default weights are the metadata's (`default_weight` in data/indicator.csv and data/domain.csv, COINr's
    iMeta weights), so an index without explicit weights means the same thing in the CLI and in the app."""

    indicators: tuple[str, ...]
    domains: tuple[str, ...]  # the area of each indicator
    higher_is_worse: tuple[bool, ...]
    areas: tuple[str, ...]  # the areas, in display order
    indicator_weights: tuple[float, ...] = ()  # default weight of each indicator; empty = all 1
    domain_weights: tuple[float, ...] = ()  # default weight of each area (aligned with `areas`); empty = all 1

    def __post_init__(self) -> None:
        if not self.indicator_weights:
            object.__setattr__(self, "indicator_weights", (1.0,) * len(self.indicators))
        if not self.domain_weights:
            object.__setattr__(self, "domain_weights", (1.0,) * len(self.areas))
        if len(self.indicator_weights) != len(self.indicators) or len(self.domain_weights) != len(self.areas):
            raise ValueError("Standardvikterna passar inte ramverkets indikatorer och områden.")

    @classmethod
    def from_meta(
        cls, meta: pd.DataFrame, domain_order: list[str] | None = None, domain_meta: pd.DataFrame | None = None
    ) -> Framework:
        """From the indicator table (code, domain, higher_is_worse, default_weight) and, for the areas' default
        weights, the domain table (code, default_weight); 'kontext' indicators are left out. A missing
        default_weight column or cell counts as 1."""
        meta = meta[meta["domain"] != "kontext"]
        order = domain_order or list(dict.fromkeys(meta["domain"]))
        order = [a for a in order if a in set(meta["domain"])]
        ind_w = _weights_of(meta, list(meta["code"]))
        dom_w = _weights_of(domain_meta, order) if domain_meta is not None else (1.0,) * len(order)
        return cls(
            tuple(meta["code"]),
            tuple(meta["domain"]),
            tuple(bool(x) for x in meta["higher_is_worse"]),
            tuple(order),
            ind_w,
            dom_w,
        )

    def restrict(self, present: set[str]) -> Framework:
        """The framework with only the indicators in `present` (an area left without indicators weighs nothing).

        Why: an indicator nobody has a value for in a year or at a level (SCB's 2024 figures before 2024, health
        at DeSO level) must not count against the 65 % coverage rule of the indicators that do exist."""
        keep = [j for j, code in enumerate(self.indicators) if code in present]
        return Framework(
            tuple(self.indicators[j] for j in keep),
            tuple(self.domains[j] for j in keep),
            tuple(self.higher_is_worse[j] for j in keep),
            self.areas,
            tuple(self.indicator_weights[j] for j in keep),
            self.domain_weights,
        )

    @property
    def membership(self) -> np.ndarray:
        """m × K matrix: 1 where indicator j belongs to area k."""
        return np.array([[d == a for a in self.areas] for d in self.domains], dtype=float)


def _weights_of(table: pd.DataFrame, codes: list[str]) -> tuple[float, ...]:
    """The `default_weight` of each code in `table` (code, default_weight); 1 where the table has none."""
    if "default_weight" not in table.columns:
        return (1.0,) * len(codes)
    weights = pd.to_numeric(table.set_index("code")["default_weight"], errors="coerce")
    out = tuple(float(weights.get(c, np.nan)) for c in codes)
    if any(w < 0 for w in out):
        raise ValueError("En standardvikt i metadata är negativ.")
    return tuple(w if np.isfinite(w) else 1.0 for w in out)


@dataclass(frozen=True)
class IndexData:
    """Raw inputs for one year: n areas × m indicators, population, and the universes as masks."""

    area_codes: tuple[str, ...]
    values: np.ndarray  # n × m, NaN = missing
    population: np.ndarray  # n
    universes: Mapping[str, np.ndarray] = field(default_factory=dict)
    coverage: np.ndarray | None = None  # n: share of the full framework's indicators with a value
    # Normalised scores per (direction, method, universe, winsor), filled by `normalised_scores`: normalisation
    # does not depend on the weights, so the composite, Monte Carlo, rank range and leave-one-out share one.
    _normalised: dict = field(default_factory=dict, init=False, compare=False, repr=False)

    def universe(self, name: str) -> np.ndarray:
        if name == "all" or name not in self.universes:
            return np.ones(len(self.area_codes), dtype=bool)
        return np.asarray(self.universes[name], dtype=bool)


@dataclass(frozen=True)
class IndexParams:
    """Every choice behind one index; weights are ratings (any non-negative scale, normalised inside)."""

    year: int = 2020
    method: str = "ref100"
    aggregation: str = "arithmetic"
    universe: str = "all"
    winsor: float = 0.0  # share clipped at each tail, 0 = off
    area_weights: tuple[tuple[str, float], ...] = ()  # empty = the framework's default weights
    indicator_weights: tuple[tuple[str, float], ...] = ()  # empty = the framework's default weights
    coverage: float = 0.65
    level: str = "stadsdel"
    real_only: bool = False  # only values with synthetic = false

    def __post_init__(self) -> None:
        if self.level not in LEVELS:
            raise ValueError(f"Okänd nivå: {self.level}")
        if self.method not in METHODS:
            raise ValueError(f"Okänd normalisering: {self.method}")
        if self.aggregation not in AGGREGATIONS:
            raise ValueError(f"Okänd aggregering: {self.aggregation}")
        if self.universe not in UNIVERSES:
            raise ValueError(f"Okänt urval: {self.universe}")
        if not 0.0 <= self.winsor < 0.5:
            raise ValueError("Winsorisering måste vara mellan 0 och 0,5.")
        if any(w < 0 for _, w in (*self.area_weights, *self.indicator_weights)):
            raise ValueError("Vikter kan inte vara negativa.")

    def with_weights(
        self, area: Mapping[str, float] | None = None, indicator: Mapping[str, float] | None = None
    ) -> IndexParams:
        return replace(
            self,
            area_weights=tuple(sorted((area or dict(self.area_weights)).items())),
            indicator_weights=tuple(sorted((indicator or dict(self.indicator_weights)).items())),
        )


@dataclass(frozen=True)
class IndexResult:
    """Per area: `scores` (composite, rank, area scores, flags, …); per indicator: `normalised`,
    `contributions` (share of each area's composite) and `flags`; `effective_weights` per indicator."""

    scores: pd.DataFrame
    normalised: pd.DataFrame
    contributions: pd.DataFrame
    flags: pd.DataFrame
    effective_weights: pd.Series
    area_weights: pd.Series


def indicator_matrix(values: pd.DataFrame, year: int, area_codes: list[str], indicators: list[str]) -> np.ndarray:
    """n × m matrix of each indicator's latest value at or before `year` (long input: area_code, indicator_code,
    year, value)."""
    sub = values[(values["year"] <= year) & values["indicator_code"].isin(indicators)]
    latest = sub.sort_values("year").drop_duplicates(["area_code", "indicator_code"], keep="last")
    wide = latest.pivot(index="area_code", columns="indicator_code", values="value")
    return wide.reindex(index=area_codes, columns=indicators).to_numpy(dtype=float)


def weight_vectors(framework: Framework, params: IndexParams) -> tuple[np.ndarray, np.ndarray]:
    """Indicator weights (m) and area weights (K, summing to 1); an entry `params` does not name takes the
    framework's default weight from the metadata."""
    iw = dict(params.indicator_weights)
    aw = dict(params.area_weights)
    v = np.array([float(iw.get(c, d)) for c, d in zip(framework.indicators, framework.indicator_weights, strict=True)])
    w = np.array([float(aw.get(a, d)) for a, d in zip(framework.areas, framework.domain_weights, strict=True)])
    w = np.where(v @ framework.membership > 0, w, 0.0)  # an area whose indicators all weigh zero drops out
    if w.sum() <= 0:
        raise ValueError("Minst ett område måste ha en vikt större än noll.")
    return v, w / w.sum()


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


def ratio_scores(raw: np.ndarray, worse_high: np.ndarray, population: np.ndarray, universe: np.ndarray) -> np.ndarray:
    """100 · value / reference (100 · reference / value where low is bad); reference = population-weighted mean."""
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
    if method == "zscore":
        low = np.nanmin(np.where(universe[:, None], scores, np.nan), axis=0)
        return scores - np.minimum(low, 0) + 1
    return np.maximum(scores, 1e-6)


def _area_scores(
    scores: np.ndarray, membership: np.ndarray, v: np.ndarray, coverage: float
) -> tuple[np.ndarray, np.ndarray]:
    """Batched area scores. `v` is B × m; returns (B × n × K area scores, n × K coverage-ok mask)."""
    avail = np.isfinite(scores).astype(float)
    filled = np.where(np.isfinite(scores), scores, 0.0)
    vm = v[:, :, None] * membership[None, :, :]  # B × m × K
    b, m, k = vm.shape
    flat = vm.transpose(1, 0, 2).reshape(m, b * k)
    num = (filled @ flat).reshape(-1, b, k).transpose(1, 0, 2)
    den = (avail @ flat).reshape(-1, b, k).transpose(1, 0, 2)
    counted = membership * (v[0][:, None] > 0)
    present = avail @ counted
    needed = counted.sum(axis=0)
    ok = (needed > 0) & (present >= coverage * needed - 1e-9)
    with np.errstate(invalid="ignore", divide="ignore"):
        area = np.where(ok[None] & (den > 0), num / den, np.nan)
    return area, ok


def _composite(area: np.ndarray, w: np.ndarray, aggregation: str) -> tuple[np.ndarray, np.ndarray]:
    """Batched composite from B × n × K area scores and B × K weights; returns (B × n, n-complete mask)."""
    used = w > 0
    finite = np.isfinite(area)
    complete = np.all(finite | ~used[:, None, :], axis=2)
    wn = np.where(finite, w[:, None, :], 0.0)
    total = wn.sum(axis=2)
    with np.errstate(invalid="ignore", divide="ignore"):
        if aggregation == "geometric":
            logs = np.where(finite, np.log(np.where(finite, area, 1.0)), 0.0)
            comp = np.exp((logs * wn).sum(axis=2) / total)
        else:
            comp = (np.where(finite, area, 0.0) * wn).sum(axis=2) / total
    comp = np.where(total > 0, comp, np.nan)
    return comp, complete


def rank_positions(composite: np.ndarray, eligible: np.ndarray) -> np.ndarray:
    """Integer ranks along the last axis, 1 = highest, 0 = not ranked. Works on 1-D or B × n input.

    Ties go to the area listed first, by a tie-break far below any meaningful difference, so the fast
    (unstable) sort gives the same ranks for the nominal index and for every identical Monte Carlo draw.
    Written with in-place operations: for 1 000 draws × 6 000 areas the temporaries dominate the sort."""
    ok = eligible & np.isfinite(composite)
    n = composite.shape[-1]
    scale = 1e-12 * max(1.0, float(np.max(np.abs(composite, where=ok, out=np.zeros_like(composite)))))
    key = np.negative(composite)
    key += np.arange(n) * scale
    key[~ok] = np.inf
    order = np.argsort(key, axis=-1)
    ranks = np.empty(order.shape, dtype=np.int32)
    np.put_along_axis(ranks, order, np.broadcast_to(np.arange(1, n + 1, dtype=np.int32), order.shape), axis=-1)
    ranks[~ok] = 0
    return ranks


def rank_desc(composite: np.ndarray, eligible: np.ndarray) -> np.ndarray:
    """`rank_positions` as floats with NaN where not ranked."""
    ranks = rank_positions(composite, eligible)
    return np.where(ranks > 0, ranks.astype(float), np.nan)


def _column_quantiles(sorted_cols: np.ndarray, qs: tuple[float, ...]) -> np.ndarray:
    """Linear-interpolated quantiles of each column of an already sorted (B × n) array."""
    pos = np.asarray(qs) * (sorted_cols.shape[0] - 1)
    lo = np.floor(pos).astype(int)
    hi = np.minimum(lo + 1, sorted_cols.shape[0] - 1)
    frac = (pos - lo)[:, None]
    return sorted_cols[lo] * (1 - frac) + sorted_cols[hi] * frac


def _prepared(data: IndexData, framework: Framework, params: IndexParams) -> tuple[np.ndarray, np.ndarray]:
    scores = normalise(data, framework, params)
    universe = data.universe(params.universe)
    if params.aggregation == "geometric":
        scores = positive_shift(scores, params.method, universe)
    return scores, universe


def _nominal(data: IndexData, framework: Framework, params: IndexParams) -> tuple[np.ndarray, ...]:
    """The nominal composite and its ranks: (v, w, scores, universe, area, area_ok, comp, complete, ranks).

    Shared by `compute_index` and the robustness functions, which need only the ranks – so they do not pay for
    flags and contributions, and their nominal rank is the index's by construction."""
    v, w = weight_vectors(framework, params)
    scores, universe = _prepared(data, framework, params)
    area, area_ok = _area_scores(scores, framework.membership, v[None, :], params.coverage)
    comp, complete = _composite(area, w[None, :], params.aggregation)
    area, comp, complete = area[0], comp[0], complete[0]
    ranks = rank_desc(comp, universe & complete)
    return v, w, scores, universe, area, area_ok, comp, complete, ranks


def compute_index(data: IndexData, framework: Framework, params: IndexParams) -> IndexResult:
    """The index for every area, ranked within the universe."""
    v, w, scores, universe, area, area_ok, comp, complete, ranks = _nominal(data, framework, params)
    membership = framework.membership

    shares = contribution_shares(scores, area, membership, v, w)
    top = np.argmax(np.nan_to_num(shares, nan=-1.0), axis=1)
    top_share = shares[np.arange(len(top)), top]

    pct = percentile_scores(_orient(data.values, np.asarray(framework.higher_is_worse)), universe)
    ratio = ratio_scores(data.values, np.asarray(framework.higher_is_worse), data.population, universe)
    flags = (pct >= FLAG_PERCENTILE) | (ratio >= 100 * FLAG_RATIO)

    eff = effective_weights(framework, v, w)
    frame = pd.DataFrame({"area_code": list(data.area_codes)})
    frame["composite"] = comp
    frame["rank"] = ranks
    frame["in_universe"] = universe
    for k, name in enumerate(framework.areas):
        frame[f"area_{name}"] = area[:, k]
    frame["missing_areas"] = [
        ", ".join(a for a, ok in zip(framework.areas, row, strict=True) if not ok) for row in area_ok
    ]
    frame["incomplete"] = ~complete
    if data.coverage is not None:
        frame["coverage"] = data.coverage
    frame["flag_count"] = flags.sum(axis=1)
    frame["dominant_indicator"] = [framework.indicators[j] for j in top]
    frame["dominant_share"] = top_share
    frame["dominance"] = top_share > 0.5
    cols = list(framework.indicators)
    index = pd.Index(data.area_codes, name="area_code")
    return IndexResult(
        scores=frame,
        normalised=pd.DataFrame(scores.copy(), index=index, columns=cols),  # the cached matrix stays read-only
        contributions=pd.DataFrame(shares, index=index, columns=cols),
        flags=pd.DataFrame(flags, index=index, columns=cols),
        effective_weights=pd.Series(eff, index=cols, name="effective_weight"),
        area_weights=pd.Series(w, index=list(framework.areas), name="area_weight"),
    )


def contribution_shares(
    scores: np.ndarray, area: np.ndarray, membership: np.ndarray, v: np.ndarray, w: np.ndarray
) -> np.ndarray:
    """Each indicator's share of an area's composite in the arithmetic decomposition (absolute values, so
    z-scores below zero count too): area weight / used weight × indicator weight / area weight sum × score."""
    avail = np.isfinite(scores)
    den = avail.astype(float) @ (membership * v[:, None])  # n × K
    area_w = np.where(np.isfinite(area), w[None, :], 0.0)
    with np.errstate(invalid="ignore", divide="ignore"):
        area_w = area_w / area_w.sum(axis=1, keepdims=True)
        coef = np.where(den > 0, area_w / den, 0.0) @ membership.T * v[None, :]
        contrib = np.abs(np.where(avail, scores, 0.0) * coef)
        total = contrib.sum(axis=1, keepdims=True)
        return np.where(total > 0, contrib / total, np.nan)


def effective_weights(framework: Framework, v: np.ndarray, w: np.ndarray) -> np.ndarray:
    """Each indicator's nominal share of the composite: area weight × its share of the area's weights."""
    membership = framework.membership
    area_total = v @ membership
    with np.errstate(invalid="ignore", divide="ignore"):
        share = np.where(area_total @ membership.T > 0, v / (membership @ area_total), 0.0)
    return share * (membership @ w)


def _composites_for(
    data: IndexData, framework: Framework, params: IndexParams, v: np.ndarray, w: np.ndarray, chunk: int = 200
) -> tuple[np.ndarray, np.ndarray]:
    """Composite (B × n) and eligibility (B × n) for B weight vectors.

    Areas with every indicator present take a closed form – the composite is the scores times each draw's
    effective weights (one matrix product), or for geometric aggregation a product per area – and the few
    areas with gaps take the general path. Draws are processed in chunks to bound memory."""
    scores, universe = _prepared(data, framework, params)
    membership = framework.membership
    n, b = scores.shape[0], len(v)
    comp = np.full((b, n), np.nan)
    elig = np.zeros((b, n), dtype=bool)
    full = np.isfinite(scores).all(axis=1)
    rows = np.flatnonzero(full)
    if rows.size:
        s_full = scores[rows]
        for start in range(0, b, chunk):
            vm = v[start : start + chunk, :, None] * membership[None, :, :]  # c × m × K
            d = vm.sum(axis=1)  # c × K
            with np.errstate(invalid="ignore", divide="ignore"):
                per_area = np.where(d[:, None, :] > 0, vm / d[:, None, :], 0.0)  # c × m × K
            wc = w[start : start + chunk]
            if params.aggregation == "arithmetic":
                eff = np.einsum("cmk,ck->cm", per_area, wc)
                comp[start : start + chunk, rows] = eff @ s_full.T
            else:
                c, m, k = per_area.shape
                area = (s_full @ per_area.transpose(1, 0, 2).reshape(m, c * k)).reshape(len(rows), c, k)
                logs = np.log(np.where(area > 0, area, 1.0))
                comp[start : start + chunk, rows] = np.exp(np.einsum("nck,ck->cn", logs, wc))
        elig[:, rows] = universe[rows]
    gaps = np.flatnonzero(~full)
    if gaps.size:
        for start in range(0, b, chunk):
            area, _ = _area_scores(scores[gaps], membership, v[start : start + chunk], params.coverage)
            c_part, complete = _composite(area, w[start : start + chunk], params.aggregation)
            comp[start : start + chunk, gaps] = c_part
            elig[start : start + chunk, gaps] = complete & universe[gaps][None, :]
    return comp, elig


def perturbed_weights(
    v: np.ndarray, w: np.ndarray, draws: int, noise: float, seed: int, mode: str = "uniform"
) -> tuple[np.ndarray, np.ndarray]:
    """B draws of (indicator, area) weights: each weight × U(1 − noise, 1 + noise), or Dirichlet around them."""
    rng = np.random.default_rng(seed)
    if mode == "dirichlet":
        concentration = 1.0 / max(noise, 1e-9) ** 2
        wd = rng.dirichlet(np.maximum(w, 1e-9) * concentration * len(w), size=draws) * (w > 0)
        vd = np.tile(v, (draws, 1)) * rng.uniform(1 - noise, 1 + noise, (draws, len(v)))
    else:
        wd = w[None, :] * rng.uniform(1 - noise, 1 + noise, (draws, len(w)))
        vd = v[None, :] * rng.uniform(1 - noise, 1 + noise, (draws, len(v)))
    wd = wd / wd.sum(axis=1, keepdims=True)
    return vd, wd


def monte_carlo(
    data: IndexData,
    framework: Framework,
    params: IndexParams,
    draws: int = 1000,
    noise: float = 0.25,
    seed: int = 2015,
    top_n: tuple[int, ...] = (22, 5),
    mode: str = "uniform",
) -> pd.DataFrame:
    """Rank distribution per area over perturbed weights: median, 5th and 95th percentile, the share of draws
    in the top N (a column `share_top_N` for each N), and the mean absolute rank change against nominal."""
    v, w = weight_vectors(framework, params)
    vd, wd = perturbed_weights(v, w, draws, noise, seed, mode)
    comp, elig = _composites_for(data, framework, params, vd, wd)
    ranks = rank_positions(comp, elig)
    nominal = _nominal(data, framework, params)[-1]
    # Eligibility does not change between draws (perturbed weights stay positive), so ranked areas have a
    # rank in every draw and plain (not NaN-aware) statistics apply.
    valid = (ranks > 0).all(axis=0)
    r = np.sort(ranks[:, valid], axis=0)
    q = np.full((3, ranks.shape[1]), np.nan)
    q[:, valid] = _column_quantiles(r, (0.05, 0.5, 0.95))
    tops = {}
    for n in top_n:
        tops[f"share_top_{n}"] = np.full(ranks.shape[1], np.nan)
        tops[f"share_top_{n}"][valid] = (r <= n).mean(axis=0)
    shift = np.full(ranks.shape[1], np.nan)
    shift[valid] = np.abs(r - nominal[None, valid]).mean(axis=0)
    return pd.DataFrame(
        {
            "area_code": list(data.area_codes),
            "rank_nominal": nominal,
            "rank_p05": q[0],
            "rank_median": q[1],
            "rank_p95": q[2],
            **tops,
            "mean_abs_shift": shift,
            "draws": draws,
        }
    )


def rank_range(
    data: IndexData,
    framework: Framework,
    params: IndexParams,
    band: tuple[float, float] = (0.10, 0.40),
    samples: int = 4000,
    seed: int = 2015,
) -> pd.DataFrame:
    """Best and worst rank each area reaches when every area weight may take any share within `band`.

    Searched over the band's corner points plus `samples` random points of the weight simplex inside it
    (an approximation from inside: the true range is at least this wide)."""
    v, w = weight_vectors(framework, params)
    k = len(w)
    lo, hi = band
    corners = []
    for mask in range(2**k):
        base = np.array([hi if mask >> i & 1 else lo for i in range(k)])
        for free in range(k):
            cand = base.copy()
            cand[free] = 1 - (base.sum() - base[free])
            if lo - 1e-9 <= cand[free] <= hi + 1e-9:
                corners.append(cand)
    rng = np.random.default_rng(seed)
    random = rng.dirichlet(np.ones(k), size=samples * 4)
    random = random[np.all((random >= lo) & (random <= hi), axis=1)][:samples]
    wd = np.vstack([w[None, :], *(np.array(corners) if corners else np.empty((0, k)))[None, :], random])
    vd = np.tile(v, (len(wd), 1))
    comp, elig = _composites_for(data, framework, params, vd, wd)
    ranks = rank_desc(comp, elig)
    with np.errstate(invalid="ignore"):
        best = np.nanmin(np.where(np.isfinite(ranks), ranks, np.inf), axis=0)
        worst = np.nanmax(np.where(np.isfinite(ranks), ranks, -np.inf), axis=0)
    return pd.DataFrame(
        {
            "area_code": list(data.area_codes),
            "rank_best": np.where(np.isfinite(best), best, np.nan),
            "rank_worst": np.where(np.isfinite(worst), worst, np.nan),
            "weight_vectors": len(wd),
        }
    )


def leave_one_out(data: IndexData, framework: Framework, params: IndexParams) -> pd.DataFrame:
    """Rank shift of each area (rows) when each indicator (columns) is left out; positive = ranked lower risk."""
    v, w = weight_vectors(framework, params)
    m = len(v)
    vd = np.tile(v, (m, 1))
    vd[np.arange(m), np.arange(m)] = 0.0
    comp, elig = _composites_for(data, framework, params, vd, np.tile(w, (m, 1)))
    ranks = rank_desc(comp, elig)
    nominal = _nominal(data, framework, params)[-1]
    return pd.DataFrame((ranks - nominal[None, :]).T, index=list(data.area_codes), columns=list(framework.indicators))


def selection(scores: pd.DataFrame, candidates: np.ndarray, current: np.ndarray, n: int = 22) -> dict[str, list[str]]:
    """Which `n` candidates (e.g. the 46 outer-city stadsdelar) the composite picks, against the current list."""
    comp = np.where(candidates & scores["incomplete"].eq(False).to_numpy(), scores["composite"].to_numpy(), np.nan)
    order = np.argsort(-np.nan_to_num(comp, nan=-np.inf), kind="stable")
    picked = np.zeros(len(comp), dtype=bool)
    picked[order[: min(n, int(np.isfinite(comp).sum()))]] = True
    codes = scores["area_code"].to_numpy()
    return {
        "picked": list(codes[picked]),
        "entering": list(codes[picked & ~current]),
        "leaving": list(codes[~picked & current]),
        "kept": list(codes[picked & current]),
    }


def nearest_population(values: pd.DataFrame, year: int, area_codes: list[str]) -> np.ndarray:
    """Each area's population in the year nearest to `year` (the earlier one on a tie).

    Why: population only weighs the reference level, and real counts exist for some years only (the city's
    2014–2016, SCB's 2025 per DeSO); a 2024 index on real values is weighted by 2025, not by 2016."""
    pop = values[(values["indicator_code"] == "befolkning") & values["value"].notna()]
    pop = pop.assign(distance=(pop["year"] - year).abs() * 2 + (pop["year"] > year))
    nearest = pop.sort_values("distance", kind="stable").drop_duplicates("area_code")
    return nearest.set_index("area_code")["value"].reindex(area_codes).to_numpy(dtype=float)


def build_index_data(
    values: pd.DataFrame, areas: pd.DataFrame, framework: Framework, year: int
) -> tuple[IndexData, Framework]:
    """IndexData for `year` from long values and the unit table (code, outer_city, in_programme), with the
    framework restricted to the indicators that have a value at or before `year`."""
    codes = areas["code"].tolist()
    matrix = indicator_matrix(values, year, codes, list(framework.indicators))
    present = {code for j, code in enumerate(framework.indicators) if np.isfinite(matrix[:, j]).any()}
    used = framework.restrict(present)
    keep = [j for j, code in enumerate(framework.indicators) if code in present]
    coverage = np.isfinite(matrix).sum(axis=1) / max(len(framework.indicators), 1)
    data = IndexData(
        tuple(codes),
        matrix[:, keep],
        nearest_population(values, year, codes),
        {"outer": areas["outer_city"].to_numpy(dtype=bool), "programme": areas["in_programme"].to_numpy(dtype=bool)},
        coverage,
    )
    return data, used


def parse_weights(text: str, names: Mapping[str, str]) -> dict[str, float]:
    """'försörjning=4, hälsa=2' → {'forsorjning': 4.0, 'halsa': 2.0}; keys by code or name, any case.

    Raises ValueError with a Swedish message naming what is wrong."""
    lookup = {k.casefold(): k for k in names} | {v.casefold(): k for k, v in names.items()}
    out: dict[str, float] = {}
    for part in filter(None, (p.strip() for p in text.split(","))):
        key, sep, val = part.partition("=")
        if not sep:
            raise ValueError(f"Vikten '{part}' ska skrivas område=tal.")
        code = lookup.get(" ".join(key.split()).casefold())
        if code is None:
            raise ValueError(f"Okänt område '{key.strip()}'. Välj bland: {', '.join(names.values())}.")
        try:
            weight = float(val.strip().replace(",", "."))
        except ValueError:
            raise ValueError(f"Vikten för '{key.strip()}' är inte ett tal: '{val.strip()}'.") from None
        if weight < 0 or not np.isfinite(weight):
            raise ValueError(f"Vikten för '{key.strip()}' måste vara noll eller större.")
        out[code] = weight
    return out


def params_to_json(params: IndexParams) -> str:
    """Serialise for saved scenarios."""
    return json.dumps(
        {
            "year": params.year,
            "method": params.method,
            "aggregation": params.aggregation,
            "universe": params.universe,
            "winsor": params.winsor,
            "area_weights": dict(params.area_weights),
            "indicator_weights": dict(params.indicator_weights),
            "level": params.level,
            "real_only": params.real_only,
        },
        ensure_ascii=False,
        sort_keys=True,
    )


def params_from_json(text: str) -> IndexParams:
    raw = json.loads(text)
    return IndexParams(
        year=int(raw["year"]),
        method=raw["method"],
        aggregation=raw["aggregation"],
        universe=raw["universe"],
        winsor=float(raw.get("winsor", 0.0)),
        area_weights=tuple(sorted((k, float(v)) for k, v in raw.get("area_weights", {}).items())),
        indicator_weights=tuple(sorted((k, float(v)) for k, v in raw.get("indicator_weights", {}).items())),
        level=str(raw.get("level", "stadsdel")),
        real_only=bool(raw.get("real_only", False)),
    )
