"""The sampling side of the uncertainty and sensitivity analysis: which assumptions are varied, how SALib's
sample becomes one index setting per run, and the Sobol estimators – all from SALib, none written here.

Kept apart from the engine (`lib.index.sensitivity`) so that the one function that turns model outputs into
first-order and total indices, `sobol_indices` (and `sobol_columns` for many outputs at once), is exactly what
the tests check against the Ishigami function's analytic values. SALib is imported where it is used: its
estimators pull in scipy.stats, about a second of start-up that every page and CLI command importing
`lib.index` would otherwise pay.
"""

from __future__ import annotations

import numbers
import warnings
from dataclasses import dataclass

import numpy as np
import pandas as pd

from lib.index.framework import Framework

#: The normalisations a run may take (a legacy method kept for comparison is not sampled).
SA_METHODS = ("ref100", "zscore", "minmax", "percentile")
ASSUMPTIONS: tuple[str, ...] = ("normalisation", "aggregation", "area_weights", "indicator_set", "coverage")
ASSUMPTION_NAMES: dict[str, str] = {
    "normalisation": "Normalisering",
    "aggregation": "Aggregering",
    "area_weights": "Områdesvikter",
    "indicator_set": "Indikatorurval",
    "coverage": "Täckningskrav",
}
#: SALib's base sample N (a power of two, as Sobol' sequences need); runs = N · (assumptions + 2).
SAMPLE_CHOICES = (256, 512, 1024, 2048, 4096)
WEIGHT_SPREAD = 0.5  # each area weight × U(1 − spread, 1 + spread)
COVERAGE_RANGE = (0.50, 0.80)  # the share of an area's weighted indicators a unit needs
CONFIDENCE = 0.95
RESAMPLES = 100


def _is_int(value: object) -> bool:
    return isinstance(value, numbers.Integral) and not isinstance(value, bool)


@dataclass(frozen=True)
class SensitivitySettings:
    """How many runs and which random stream: with the same data and index settings the result is identical."""

    samples: int = 1024
    seed: int = 2015

    def __post_init__(self) -> None:
        if not _is_int(self.samples) or int(self.samples) not in SAMPLE_CHOICES:
            raise ValueError("Antalet stickprov måste vara 256, 512, 1 024, 2 048 eller 4 096.")
        if not _is_int(self.seed) or not 0 <= int(self.seed) < 2**31:
            raise ValueError("Fröet måste vara ett heltal från 0 till 2 147 483 647.")

    @property
    def runs(self) -> int:
        return self.samples * (len(ASSUMPTIONS) + 2)

    def to_dict(self) -> dict:
        return {"samples": int(self.samples), "seed": int(self.seed)}

    @classmethod
    def from_dict(cls, d: dict) -> SensitivitySettings:
        """Read stored settings; a missing key takes its default, a bad value raises ValueError (Swedish)."""
        return cls(samples=d.get("samples", cls.samples), seed=d.get("seed", cls.seed))


def sensitivity_problem(areas: int) -> dict:
    """SALib's problem: every factor uniform on [0, 1), one group per assumption (`areas` weight factors)."""
    groups = ["normalisation", "aggregation", *["area_weights"] * areas, "indicator_set", "coverage"]
    names = ["normalisation", "aggregation", *[f"area_weight_{k}" for k in range(areas)], "indicator_set", "coverage"]
    return {"num_vars": len(names), "names": names, "bounds": [[0.0, 1.0]] * len(names), "groups": groups}


def sample(problem: dict, samples: int, seed: int) -> np.ndarray:
    """SALib's Saltelli design on a scrambled Sobol' sequence (no second-order indices): runs × factors."""
    from SALib.sample import sobol as sobol_sample

    return sobol_sample.sample(problem, samples, calc_second_order=False, seed=seed)


@dataclass(frozen=True)
class RunPlan:
    """Each run's setting, decoded from the sample: method index (into `SA_METHODS`), geometric or not, indicator
    weights (runs × m), area weights (runs × K, summing to 1 or all 0) and coverage threshold."""

    method: np.ndarray
    geometric: np.ndarray
    v: np.ndarray
    w: np.ndarray
    coverage: np.ndarray


def weighted_indicators(framework: Framework, v: np.ndarray, w: np.ndarray) -> np.ndarray:
    """Positions of the indicators that count in the nominal index (weight > 0 in an area of weight > 0)."""
    return np.flatnonzero((v > 0) & (framework.membership @ w > 0))


def decode(x: np.ndarray, framework: Framework, v: np.ndarray, w: np.ndarray) -> RunPlan:
    """One index setting per row of SALib's sample (columns as `sensitivity_problem`).

    The indicator set: 0 = every weighted indicator, j ≥ 1 = the j-th left out (weight 0; an area left without
    indicators drops out and the others are rescaled, as leave-one-out does). With a single weighted indicator
    there is nothing to leave out that would still rank anyone, so that assumption is not varied."""
    from lib.index.robustness import _draw_domain_weights

    k = len(w)
    runs = len(x)
    method = np.minimum((x[:, 0] * len(SA_METHODS)).astype(int), len(SA_METHODS) - 1)
    geometric = x[:, 1] >= 0.5
    area_w = w[None, :] * (1 - WEIGHT_SPREAD + 2 * WEIGHT_SPREAD * x[:, 2 : 2 + k])
    weighted = weighted_indicators(framework, v, w)
    options = len(weighted) + 1 if len(weighted) >= 2 else 1
    left_out = np.minimum((x[:, 2 + k] * options).astype(int), options - 1)
    vd = np.tile(v, (runs, 1))
    dropped = left_out > 0
    vd[np.flatnonzero(dropped), weighted[left_out[dropped] - 1]] = 0.0
    lo, hi = COVERAGE_RANGE
    coverage = lo + (hi - lo) * x[:, 3 + k]
    return RunPlan(method, geometric, vd, _draw_domain_weights(vd, area_w, framework.membership), coverage)


def sobol_indices(problem: dict, y: np.ndarray, seed: int) -> pd.DataFrame:
    """First-order and total Sobol indices of one output with 95 % confidence half-widths (SALib's `analyze`,
    bootstrap of `RESAMPLES`, seeded), one row per group (or factor): S1, S1_conf, ST, ST_conf.

    A constant output has no variance to share out: every index is 0 (SALib would divide by zero)."""
    from SALib.analyze import sobol as sobol_analyze
    from SALib.util import extract_group_names

    names, _ = extract_group_names(problem)
    y = np.asarray(y, dtype=float)
    if np.ptp(y) == 0:
        zeros = np.zeros(len(names))
        return pd.DataFrame({"S1": zeros, "S1_conf": zeros, "ST": zeros, "ST_conf": zeros}, index=names)
    # SALib seeds its bootstrap only for a truthy seed; a Generator is truthy, so seed 0 is reproducible too.
    found = sobol_analyze.analyze(
        problem,
        y,
        calc_second_order=False,
        num_resamples=RESAMPLES,
        conf_level=CONFIDENCE,
        seed=np.random.default_rng(seed),
    )
    return pd.DataFrame({key: np.asarray(found[key], dtype=float) for key in ("S1", "S1_conf", "ST", "ST_conf")}, names)


def sobol_columns(problem: dict, y: np.ndarray, block_bytes: int = 8_000_000) -> tuple[np.ndarray, np.ndarray]:
    """First-order and total indices (groups × outputs) of many outputs at once (runs × outputs), with SALib's
    vectorised `first_order`/`total_order` estimators; no confidence intervals.

    Each output is centred and scaled first, as `analyze` does for one (the estimators are biased for outputs far
    from zero); an output that never changes gets 0 everywhere. Outputs go a block at a time, so each float64
    temporary stays near `block_bytes` however many runs there are."""
    from SALib.analyze import sobol as sobol_analyze
    from SALib.util import extract_group_names

    _, d = extract_group_names(problem)
    step = d + 2
    block = max(1, block_bytes // (8 * max(len(y), 1)))
    s1 = np.zeros((d, y.shape[1]))
    st = np.zeros((d, y.shape[1]))
    for start in range(0, y.shape[1], block):
        part = np.asarray(y[:, start : start + block], dtype=float)
        sd = part.std(axis=0)
        part = np.where(sd > 0, (part - part.mean(axis=0)) / np.where(sd > 0, sd, 1.0), 0.0)
        a, b = part[0::step], part[step - 1 :: step]  # SALib's layout: A, then A with group j from B, …, then B
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # "constant values": such an output is all zeros and gets 0
            for j in range(d):
                ab = part[j + 1 :: step]
                s1[j, start : start + block] = sobol_analyze.first_order(a, ab, b)
                st[j, start : start + block] = sobol_analyze.total_order(a, ab, b)
    return s1, st
