"""Aggregation: indicators into domain scores, domains into the composite, then ranks, flags and contributions.

The batched helpers (`_domain_scores`, `_composite`, `rank_positions`) take B weight vectors at once, so the nominal
index here and the robustness analyses in `lib.index.robustness` share one implementation and one nominal rank.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from lib.index.data import IndexData
from lib.index.framework import Framework, IndexParams, weight_vectors
from lib.index.normalisation import _orient, normalise, percentile_scores, positive_shift, reference_scores

FLAG_PERCENTILE = 90.0
FLAG_RATIO = 1.2


@dataclass(frozen=True)
class IndexResult:
    """Per unit: `scores` (composite, rank, domain scores, flags, …); per indicator: `normalised`,
    `contributions` (share of each unit's composite) and `flags`; `effective_weights` per indicator."""

    scores: pd.DataFrame
    normalised: pd.DataFrame
    contributions: pd.DataFrame
    flags: pd.DataFrame
    effective_weights: pd.Series
    domain_weights: pd.Series


def _domain_scores(
    scores: np.ndarray, membership: np.ndarray, v: np.ndarray, coverage: float | np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Batched domain scores. `v` is B × m; returns (B × n × K domain scores, B × n × K coverage-ok mask).

    The coverage rule counts, in each draw, the indicators that draw weighs: an indicator left out (weight 0)
    neither needs a value nor counts as present, so leaving one out can take a unit with a gap below coverage.
    `coverage` is one threshold for every draw or one per draw (B,), as the sensitivity analysis varies it."""
    avail = np.isfinite(scores).astype(float)
    filled = np.where(np.isfinite(scores), scores, 0.0)
    vm = v[:, :, None] * membership[None, :, :]  # B × m × K
    b, m, k = vm.shape
    flat = vm.transpose(1, 0, 2).reshape(m, b * k)
    num = (filled @ flat).reshape(-1, b, k).transpose(1, 0, 2)
    den = (avail @ flat).reshape(-1, b, k).transpose(1, 0, 2)
    counted = (vm > 0).astype(float)  # B × m × K: the indicators each draw weighs
    present = (avail @ counted.transpose(1, 0, 2).reshape(m, b * k)).reshape(-1, b, k).transpose(1, 0, 2)
    needed = counted.sum(axis=1)[:, None, :]  # B × 1 × K
    threshold = coverage if np.ndim(coverage) == 0 else np.asarray(coverage, dtype=float)[:, None, None]
    ok = (needed > 0) & (present >= threshold * needed - 1e-9)
    with np.errstate(invalid="ignore", divide="ignore"):
        dom = np.where(ok & (den > 0), num / den, np.nan)
    return dom, ok


def _composite(dom: np.ndarray, w: np.ndarray, aggregation: str) -> tuple[np.ndarray, np.ndarray]:
    """Batched composite from B × n × K domain scores and B × K weights; returns (B × n, n-complete mask)."""
    used = w > 0
    finite = np.isfinite(dom)
    complete = np.all(finite | ~used[:, None, :], axis=2)
    wn = np.where(finite, w[:, None, :], 0.0)
    total = wn.sum(axis=2)
    with np.errstate(invalid="ignore", divide="ignore"):
        if aggregation == "geometric":
            logs = np.where(finite, np.log(np.where(finite, dom, 1.0)), 0.0)
            comp = np.exp((logs * wn).sum(axis=2) / total)
        else:
            comp = (np.where(finite, dom, 0.0) * wn).sum(axis=2) / total
    comp = np.where(total > 0, comp, np.nan)
    return comp, complete


def rank_positions(composite: np.ndarray, eligible: np.ndarray) -> np.ndarray:
    """Integer ranks along the last axis, 1 = highest, 0 = not ranked. Works on 1-D or B × n input.

    Ties go to the unit listed first, by a tie-break far below any meaningful difference, so the fast
    (unstable) sort gives the same ranks for the nominal index and for every identical Monte Carlo draw.
    Written with in-place operations: for 1 000 draws × 6 000 units the temporaries dominate the sort."""
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


def _prepared(data: IndexData, framework: Framework, params: IndexParams) -> tuple[np.ndarray, np.ndarray]:
    scores = normalise(data, framework, params)
    universe = data.universe(params.universe)
    if params.aggregation == "geometric":
        scores = positive_shift(scores, params.method, universe)
    return scores, universe


def _nominal(data: IndexData, framework: Framework, params: IndexParams) -> tuple[np.ndarray, ...]:
    """The nominal composite and its ranks: (v, w, scores, universe, dom, domain_ok, comp, complete, ranks).

    Shared by `compute_index` and the robustness functions, which need only the ranks – so they do not pay for
    flags and contributions, and their nominal rank is the index's by construction."""
    v, w = weight_vectors(framework, params)
    scores, universe = _prepared(data, framework, params)
    dom, domain_ok = _domain_scores(scores, framework.membership, v[None, :], params.coverage)
    comp, complete = _composite(dom, w[None, :], params.aggregation)
    dom, domain_ok, comp, complete = dom[0], domain_ok[0], comp[0], complete[0]
    ranks = rank_desc(comp, universe & complete)
    return v, w, scores, universe, dom, domain_ok, comp, complete, ranks


def compute_index(data: IndexData, framework: Framework, params: IndexParams) -> IndexResult:
    """The index for every unit, ranked within the universe."""
    v, w, scores, universe, dom, domain_ok, comp, complete, ranks = _nominal(data, framework, params)
    membership = framework.membership

    shares = contribution_shares(scores, dom, membership, v, w)
    top = np.argmax(np.nan_to_num(shares, nan=-1.0), axis=1)
    top_share = shares[np.arange(len(top)), top]

    pct = percentile_scores(_orient(data.values, np.asarray(framework.higher_is_worse)), universe)
    ratio = reference_scores(data.values, np.asarray(framework.higher_is_worse), data.population, universe)
    flags = (pct >= FLAG_PERCENTILE) | (ratio >= 100 * FLAG_RATIO)

    eff = effective_weights(framework, v, w)
    frame = pd.DataFrame({"area_code": list(data.unit_codes)})
    frame["composite"] = comp
    frame["rank"] = ranks
    frame["in_universe"] = universe
    for k, name in enumerate(framework.domains):
        frame[f"domain_{name}"] = dom[:, k]
    frame["missing_domains"] = [
        ", ".join(a for a, ok in zip(framework.domains, row, strict=True) if not ok) for row in domain_ok
    ]
    frame["incomplete"] = ~complete
    if data.coverage is not None:
        frame["coverage"] = data.coverage
    frame["flag_count"] = flags.sum(axis=1)
    frame["dominant_indicator"] = [framework.indicators[j] for j in top]
    frame["dominant_share"] = top_share
    frame["dominance"] = top_share > 0.5
    cols = list(framework.indicators)
    index = pd.Index(data.unit_codes, name="area_code")
    return IndexResult(
        scores=frame,
        normalised=pd.DataFrame(scores.copy(), index=index, columns=cols),  # the cached matrix stays read-only
        contributions=pd.DataFrame(shares, index=index, columns=cols),
        flags=pd.DataFrame(flags, index=index, columns=cols),
        effective_weights=pd.Series(eff, index=cols, name="effective_weight"),
        domain_weights=pd.Series(w, index=list(framework.domains), name="domain_weight"),
    )


def contribution_shares(
    scores: np.ndarray, dom: np.ndarray, membership: np.ndarray, v: np.ndarray, w: np.ndarray
) -> np.ndarray:
    """Each indicator's share of a unit's composite in the arithmetic decomposition (absolute values, so
    z-scores below zero count too): domain weight / used weight × indicator weight / domain weight sum × score."""
    avail = np.isfinite(scores)
    den = avail.astype(float) @ (membership * v[:, None])  # n × K
    domain_w = np.where(np.isfinite(dom), w[None, :], 0.0)
    with np.errstate(invalid="ignore", divide="ignore"):
        domain_w = domain_w / domain_w.sum(axis=1, keepdims=True)
        coef = np.where(den > 0, domain_w / den, 0.0) @ membership.T * v[None, :]
        contrib = np.abs(np.where(avail, scores, 0.0) * coef)
        total = contrib.sum(axis=1, keepdims=True)
        return np.where(total > 0, contrib / total, np.nan)


def effective_weights(framework: Framework, v: np.ndarray, w: np.ndarray) -> np.ndarray:
    """Each indicator's nominal share of the composite: domain weight × its share of the domain's weights."""
    membership = framework.membership
    domain_total = v @ membership
    with np.errstate(invalid="ignore", divide="ignore"):
        share = np.where(domain_total @ membership.T > 0, v / (membership @ domain_total), 0.0)
    return share * (membership @ w)


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
