"""The composite social-risk index (after Västra Götalandsmodellen) and its robustness.

Pipeline, each step a small pure function (COINr's verbs), one module per concept:

1. `framework`: `Framework` (indicators, their domain, direction and the metadata's default weights), `IndexParams`
   (every choice behind one index, with JSON for saved scenarios), `weight_vectors` and `parse_weights`.
2. `data`: `IndexData` for one year. `indicator_matrix` takes raw values; an indicator measured less often
   (elections, surveys) uses its latest measurement up to that year. `nearest_population` weighs the reference,
   and `build_index_data` builds both from long values.
3. `normalisation`: orient so that higher always means more risk, optionally winsorise, then one of
   `ref100` (100 = the universe's population-weighted mean; for indicators where low is bad,
   100 · reference / value), `zscore`, `minmax` (0–100) or `percentile` (0–100). Statistics are
   taken over the chosen universe (all 117, the 46 outer-city or the 22 programme stadsdelar). The scores are
   computed once per (data, direction, method, universe, winsor) and cached on the `IndexData`.
4. `composite`: weighted arithmetic mean of indicators within each domain (a domain needs at least
   65 % of its weighted indicators, else it is missing), then a weighted arithmetic or geometric
   mean of the four domains. Geometric aggregation first shifts scores to be positive. Ranks within the universe,
   1 = highest risk; flags, contributions, dominance and effective weights; `selection` of the 22.
5. `robustness`: `monte_carlo`, `rank_range` and `leave_one_out` recompute the index for many weight vectors
   at once with matrix products, so 1 000 draws for 6 000 units take well under a second.
6. `audit`: the statistical audit (correlations, double counting, first principal component, Cronbach's α,
   effective weights and importance) on the same normalised scores.

Callers keep using `from lib import index as ix` and `ix.name(...)`: everything is re-exported here. A test that
replaces a function for the code that calls it patches the module where it is looked up (e.g.
`lib.index.normalisation._normalise_uncached`).
"""

from __future__ import annotations

from lib.index import audit, composite, data, framework, normalisation, robustness
from lib.index.audit import DOUBLE_COUNT_R, IndexAudit, audit_index
from lib.index.composite import (
    FLAG_PERCENTILE,
    FLAG_RATIO,
    IndexResult,
    _composite,
    _domain_scores,
    _nominal,
    _prepared,
    compute_index,
    contribution_shares,
    effective_weights,
    rank_desc,
    rank_positions,
    selection,
)
from lib.index.data import IndexData, build_index_data, indicator_matrix, nearest_population
from lib.index.framework import (
    AGGREGATIONS,
    LEVELS,
    METHODS,
    UNIVERSES,
    Framework,
    IndexParams,
    WeightsError,
    _weights_of,
    check_weights,
    params_from_json,
    params_to_json,
    parse_weights,
    weight_vectors,
)
from lib.index.normalisation import (
    NORMALISED_CACHE_SIZE,
    _normalise_uncached,
    _orient,
    _weighted_mean,
    normalise,
    normalised_scores,
    percentile_scores,
    positive_shift,
    ratio_scores,
)
from lib.index.robustness import (
    _column_quantiles,
    _composites_for,
    leave_one_out,
    monte_carlo,
    perturbed_weights,
    rank_range,
)

__all__ = [
    "AGGREGATIONS",
    "DOUBLE_COUNT_R",
    "FLAG_PERCENTILE",
    "FLAG_RATIO",
    "LEVELS",
    "METHODS",
    "NORMALISED_CACHE_SIZE",
    "UNIVERSES",
    "Framework",
    "IndexAudit",
    "IndexData",
    "IndexParams",
    "IndexResult",
    "WeightsError",
    "_domain_scores",
    "_column_quantiles",
    "_composite",
    "_composites_for",
    "_nominal",
    "_normalise_uncached",
    "_orient",
    "_prepared",
    "_weighted_mean",
    "_weights_of",
    "audit",
    "audit_index",
    "build_index_data",
    "check_weights",
    "composite",
    "compute_index",
    "contribution_shares",
    "data",
    "effective_weights",
    "framework",
    "indicator_matrix",
    "leave_one_out",
    "monte_carlo",
    "nearest_population",
    "normalisation",
    "normalise",
    "normalised_scores",
    "parse_weights",
    "params_from_json",
    "params_to_json",
    "percentile_scores",
    "perturbed_weights",
    "positive_shift",
    "rank_desc",
    "rank_positions",
    "rank_range",
    "ratio_scores",
    "robustness",
    "selection",
    "weight_vectors",
]
