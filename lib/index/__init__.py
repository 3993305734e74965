"""The composite social-risk index (after Västra Götalandsmodellen) and its robustness.

Pipeline, each step a small pure function (COINr's verbs), one module per concept:

1. `framework`: `Framework` (indicators, their domain, direction and the metadata's default weights), `IndexParams`
   (every choice behind one index, with JSON for saved scenarios), `weight_vectors` and `parse_weights`.
2. `data`: `IndexData` for one year. `indicator_matrix` takes raw values; an indicator measured less often
   (elections, surveys) uses its latest measurement up to that year. `nearest_population` weighs the reference,
   and `build_index_data` builds both from long values.
3. `normalisation`: orient so that higher always means more risk, optionally winsorise, then one of
   `ref100` (the linear distance to the comparison group: 100 = the universe's population-weighted mean for every
   indicator; 200 − 100 · value / reference where low is bad), `zscore`, `minmax` (0–100), `percentile` (0–100)
   or the earlier `ratio` (100 · reference / value where low is bad), kept to compare against. Statistics are
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
7. `sensitivity` (with `sampling`): `run_sensitivity` varies every assumption together – normalisation,
   aggregation, area weights, which indicators are in, the coverage rule – in SALib's Saltelli design, ranks every
   unit in each run (batched, one normalised matrix per method) and gives the rank bands and first-order and total
   Sobol indices overall and per unit (`unit_indices`, `main_driver`).

Callers keep using `from lib import index as ix` and `ix.name(...)`: everything is re-exported here. A test that
replaces a function for the code that calls it patches the module where it is looked up (e.g.
`lib.index.normalisation._normalise_uncached`).
"""

from __future__ import annotations

from lib.index import audit, composite, data, framework, normalisation, robustness, sampling, sensitivity
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
    METHOD_VERSION,
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
    scenario_sensitivity,
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
    reference_scores,
)
from lib.index.robustness import (
    _column_quantiles,
    _composites_for,
    leave_one_out,
    monte_carlo,
    perturbed_weights,
    rank_range,
)
from lib.index.sensitivity import (
    ASSUMPTION_NAMES,
    ASSUMPTIONS,
    SA_METHODS,
    SAMPLE_CHOICES,
    SensitivityResult,
    SensitivitySettings,
    main_driver,
    run_sensitivity,
    sensitivity_summary,
    unit_indices,
)

__all__ = [
    "AGGREGATIONS",
    "ASSUMPTIONS",
    "ASSUMPTION_NAMES",
    "DOUBLE_COUNT_R",
    "FLAG_PERCENTILE",
    "FLAG_RATIO",
    "LEVELS",
    "METHOD_VERSION",
    "METHODS",
    "NORMALISED_CACHE_SIZE",
    "SAMPLE_CHOICES",
    "SA_METHODS",
    "UNIVERSES",
    "Framework",
    "IndexAudit",
    "IndexData",
    "IndexParams",
    "IndexResult",
    "SensitivityResult",
    "SensitivitySettings",
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
    "main_driver",
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
    "reference_scores",
    "robustness",
    "run_sensitivity",
    "sampling",
    "scenario_sensitivity",
    "selection",
    "sensitivity_summary",
    "sensitivity",
    "unit_indices",
    "weight_vectors",
]
