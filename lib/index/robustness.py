"""Robustness: how much the ranks depend on the weights and on each indicator.

`monte_carlo` (perturbed weights), `rank_range` (every domain weight within a band) and `leave_one_out` recompute
the composite for many weight vectors at once with matrix products (`_composites_for`), on the normalised scores
cached on the `IndexData`, so 1 000 draws for 6 000 units take well under a second. Each draw is the index with that
draw's weights, the coverage rule included: an indicator left out neither needs a value nor counts as one, and an
area whose indicators all weigh 0 drops out, exactly as in `compute_index`.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from lib.index.composite import _composite, _domain_scores, _nominal, _prepared, rank_desc, rank_positions
from lib.index.data import IndexData
from lib.index.framework import Framework, IndexParams, weight_vectors


def _column_quantiles(sorted_cols: np.ndarray, qs: tuple[float, ...]) -> np.ndarray:
    """Linear-interpolated quantiles of each column of an already sorted (B × n) array."""
    pos = np.asarray(qs) * (sorted_cols.shape[0] - 1)
    lo = np.floor(pos).astype(int)
    hi = np.minimum(lo + 1, sorted_cols.shape[0] - 1)
    frac = (pos - lo)[:, None]
    return sorted_cols[lo] * (1 - frac) + sorted_cols[hi] * frac


def _draw_domain_weights(v: np.ndarray, w: np.ndarray, membership: np.ndarray) -> np.ndarray:
    """Each draw's domain weights as `weight_vectors` makes the nominal ones: a domain whose indicators all weigh
    zero in that draw drops out, and the rest sum to 1 (a row of zeros where nothing is left)."""
    w = np.where(v @ membership > 0, w, 0.0)
    total = w.sum(axis=1, keepdims=True)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(total > 0, w / total, 0.0)


def _composites_for(
    data: IndexData, framework: Framework, params: IndexParams, v: np.ndarray, w: np.ndarray, chunk: int = 200
) -> tuple[np.ndarray, np.ndarray]:
    """Composite (B × n) and eligibility (B × n) for B weight vectors, each draw exactly as `compute_index` with
    that draw's weights – the coverage rule included, counted per draw.

    Units with every indicator present take a closed form – the composite is the scores times each draw's
    effective weights (one matrix product), or for geometric aggregation a product per domain – since coverage
    can fail for them only in a domain the draw does not weigh. The few units with gaps take the general path.
    Draws are processed in chunks to bound memory."""
    scores, universe = _prepared(data, framework, params)
    membership = framework.membership
    w = _draw_domain_weights(v, w, membership)
    drawn = w.sum(axis=1) > 0  # a draw that leaves nothing to weigh ranks no one
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
                per_domain = np.where(d[:, None, :] > 0, vm / d[:, None, :], 0.0)  # c × m × K
            wc = w[start : start + chunk]
            if params.aggregation == "arithmetic":
                eff = np.einsum("cmk,ck->cm", per_domain, wc)
                comp[start : start + chunk, rows] = eff @ s_full.T
            else:
                c, m, k = per_domain.shape
                dom = (s_full @ per_domain.transpose(1, 0, 2).reshape(m, c * k)).reshape(len(rows), c, k)
                logs = np.log(np.where(dom > 0, dom, 1.0))
                comp[start : start + chunk, rows] = np.exp(np.einsum("nck,ck->cn", logs, wc))
        elig[:, rows] = universe[rows][None, :] & drawn[:, None]
    gaps = np.flatnonzero(~full)
    if gaps.size:
        for start in range(0, b, chunk):
            dom, _ = _domain_scores(scores[gaps], membership, v[start : start + chunk], params.coverage)
            c_part, complete = _composite(dom, w[start : start + chunk], params.aggregation)
            comp[start : start + chunk, gaps] = c_part
            elig[start : start + chunk, gaps] = complete & universe[gaps][None, :] & drawn[start : start + chunk, None]
    comp[~drawn] = np.nan
    return comp, elig


def perturbed_weights(
    v: np.ndarray, w: np.ndarray, draws: int, noise: float, seed: int, mode: str = "uniform"
) -> tuple[np.ndarray, np.ndarray]:
    """B draws of (indicator, domain) weights: each weight × U(1 − noise, 1 + noise), or Dirichlet around them."""
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
    """Rank distribution per unit over perturbed weights: median, 5th and 95th percentile, the share of draws
    in the top N (a column `share_top_N` for each N), and the mean absolute rank change against nominal."""
    v, w = weight_vectors(framework, params)
    vd, wd = perturbed_weights(v, w, draws, noise, seed, mode)
    comp, elig = _composites_for(data, framework, params, vd, wd)
    ranks = rank_positions(comp, elig)
    nominal = _nominal(data, framework, params)[-1]
    # Eligibility does not change between draws (perturbed weights stay positive), so ranked units have a
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
            "area_code": list(data.unit_codes),
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
    """Best and worst rank each unit reaches when every domain weight may take any share within `band`.

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
            "area_code": list(data.unit_codes),
            "rank_best": np.where(np.isfinite(best), best, np.nan),
            "rank_worst": np.where(np.isfinite(worst), worst, np.nan),
            "weight_vectors": len(wd),
        }
    )


def leave_one_out(data: IndexData, framework: Framework, params: IndexParams) -> pd.DataFrame:
    """Rank shift of each unit (rows) when each indicator (columns) is left out; positive = ranked lower risk."""
    v, w = weight_vectors(framework, params)
    m = len(v)
    vd = np.tile(v, (m, 1))
    vd[np.arange(m), np.arange(m)] = 0.0
    comp, elig = _composites_for(data, framework, params, vd, np.tile(w, (m, 1)))
    ranks = rank_desc(comp, elig)
    nominal = _nominal(data, framework, params)[-1]
    return pd.DataFrame((ranks - nominal[None, :]).T, index=list(data.unit_codes), columns=list(framework.indicators))
