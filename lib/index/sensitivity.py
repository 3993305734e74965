"""Uncertainty and sensitivity analysis of the ranks (the JRC/OECD handbook's steps 7–8): every modelling choice
varied together, and which of them moves the ranks.

Each run draws the normalisation, the aggregation, the area weights (±50 % around those in effect), one indicator
left out (or none) and the coverage threshold (50–80 %) from SALib's Saltelli design (`lib.index.sampling`), and
ranks every unit of the universe with that setting – exactly as `compute_index` would. The output analysed overall
is the mean absolute rank shift against the nominal ranks over the units ranked in the run (the handbook's R̄s);
per unit, its rank. SALib's estimators turn the runs into first-order (S1: the share of the output's variance due
to the assumption alone) and total (ST: including its interactions) Sobol indices.

Why batched: the runs are grouped by (normalisation, aggregation), so each normalised matrix is computed once
(it is cached on the `IndexData`), and each group goes through the composite's batched machinery
(`_domain_scores` with a coverage threshold per run, `_composite`, `rank_positions`) in chunks that keep the
temporaries near `CHUNK_BYTES`: 7 168 runs for 117 stadsdelar take a fraction of a second.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable
from dataclasses import dataclass, field, replace

import numpy as np
import pandas as pd

from lib.index.composite import _composite, _domain_scores, _nominal, _prepared, rank_positions
from lib.index.data import IndexData
from lib.index.framework import Framework, IndexParams, weight_vectors
from lib.index.sampling import (
    ASSUMPTION_NAMES,
    ASSUMPTIONS,
    SA_METHODS,
    SAMPLE_CHOICES,
    RunPlan,
    SensitivitySettings,
    decode,
    sample,
    sensitivity_problem,
    sobol_columns,
    sobol_indices,
)

__all__ = [
    "ASSUMPTIONS",
    "ASSUMPTION_NAMES",
    "SAMPLE_CHOICES",
    "SA_METHODS",
    "SensitivityResult",
    "SensitivitySettings",
    "main_driver",
    "run_sensitivity",
    "sensitivity_summary",
    "unit_indices",
]

#: Temporaries per chunk of runs (bytes): about eight B × n × K float arrays live at once in the batched functions.
CHUNK_BYTES = 50_000_000
Progress = Callable[[float, str], None]
Keep = np.ndarray | None  # which of the universe's units to keep (a mask), None = all


@dataclass(frozen=True)
class SensitivityResult:
    """The runs and what they say. `ranks` (runs × units, float32) is NaN where a unit got no index in a run (the
    coverage rule); `per_unit` has every unit ranked in every run; `problem` is SALib's problem, for `unit_indices`."""

    settings: SensitivitySettings
    runs: int
    unit_codes: tuple[str, ...]
    nominal_rank: np.ndarray
    ranks: np.ndarray
    bands: pd.DataFrame
    overall: pd.DataFrame
    per_unit: pd.DataFrame
    mean_shift: float
    problem: dict = field(default_factory=dict, compare=False, repr=False)


def _chunk_size(units: int, areas: int) -> int:
    """Runs per chunk: about eight runs × units × areas float64 arrays live at once."""
    return max(16, CHUNK_BYTES // max(1, 8 * 8 * units * max(areas, 1)))


def _complete_composites(
    s: np.ndarray, membership: np.ndarray, v: np.ndarray, w: np.ndarray, aggregation: str
) -> np.ndarray:
    """Composites (runs × units) of units with every indicator present, in closed form as
    `lib.index.robustness` does: their coverage holds in every area a run weighs, so the composite is the scores
    times each run's effective weights (one product), or for geometric aggregation a product over area scores."""
    vm = v[:, :, None] * membership[None, :, :]  # c × m × K
    d = vm.sum(axis=1)  # c × K
    with np.errstate(invalid="ignore", divide="ignore"):
        per_area = np.where(d[:, None, :] > 0, vm / d[:, None, :], 0.0)
    if aggregation == "arithmetic":
        return np.einsum("cmk,ck->cm", per_area, w) @ s.T
    c, m, k = per_area.shape
    area = (s @ per_area.transpose(1, 0, 2).reshape(m, c * k)).reshape(len(s), c, k)
    with np.errstate(invalid="ignore", divide="ignore"):
        logs = np.where(w[None, :, :] > 0, np.log(np.where(w[None, :, :] > 0, area, 1.0)), 0.0)
    return np.exp(np.einsum("nck,ck->cn", logs, w))


def _group_ranks(
    out: np.ndarray, scores: np.ndarray, membership: np.ndarray, plan: RunPlan, runs: np.ndarray, agg: str, keep: Keep
) -> None:
    """Write into `out` (float32, NaN = not ranked) the places of the units `keep` in the `runs` that share one
    normalised matrix `scores`: units without gaps in closed form, the others through `_domain_scores` (each run's
    coverage threshold) and `_composite`; all of them ranked together, exactly as `compute_index` ranks."""
    full = np.isfinite(scores).all(axis=1)
    gaps = np.flatnonzero(~full)
    chunk = _chunk_size(scores.shape[0], membership.shape[1])
    for start in range(0, len(runs), chunk):
        rows = runs[start : start + chunk]
        v, w = plan.v[rows], plan.w[rows]
        drawn = w.sum(axis=1) > 0  # a run that leaves nothing to weigh ranks no one
        comp = np.empty((len(rows), scores.shape[0]))
        eligible = np.broadcast_to(drawn[:, None], comp.shape).copy()
        comp[:, full] = _complete_composites(scores[full], membership, v, w, agg)
        if gaps.size:
            dom, _ = _domain_scores(scores[gaps], membership, v, plan.coverage[rows])
            comp[:, gaps], complete = _composite(dom, w, agg)
            eligible[:, gaps] &= complete
        places = rank_positions(comp, eligible)[:, keep]
        out[rows] = np.where(places > 0, places, np.nan)


def _run_ranks(
    data: IndexData, framework: Framework, params: IndexParams, plan: RunPlan, progress: Progress, keep: Keep = None
) -> np.ndarray:
    """Places (runs × the universe's units `keep`, float32, NaN = not ranked), one group of runs per normalised
    matrix. Places are whole numbers far below 2**24, exact in float32: half the memory of a result kept."""
    inside = np.flatnonzero(data.universe(params.universe))
    keep = np.ones(len(inside), dtype=bool) if keep is None else keep
    total = len(plan.method)
    ranks = np.empty((total, int(np.count_nonzero(keep))), dtype=np.float32)
    done = 0
    for m, method in enumerate(SA_METHODS):
        for geometric in (False, True):
            runs = np.flatnonzero((plan.method == m) & (plan.geometric == geometric))
            if not runs.size:
                continue
            agg = "geometric" if geometric else "arithmetic"
            scores = _prepared(data, framework, replace(params, method=method, aggregation=agg))[0][inside]
            _group_ranks(ranks, scores, framework.membership, plan, runs, agg, keep)
            done += runs.size
            progress(0.05 + 0.85 * done / total, f"Rangordnar: {done} av {total} körningar klara")
    return ranks


def _column_bands(ranks: np.ndarray, block: int = 256) -> np.ndarray:
    """Per column over its finite values: p05, median, p95 (linear), best, worst; NaN for a column without any.
    Sorted `block` columns at a time, so the copy stays small however many runs there are."""
    out = np.full((5, ranks.shape[1]), np.nan)
    for first in range(0, ranks.shape[1], block):
        ordered = np.sort(ranks[:, first : first + block], axis=0)  # NaN last
        count = np.isfinite(ordered).sum(axis=0)
        some = np.flatnonzero(count > 0)
        last = count[some] - 1
        for i, q in enumerate((0.05, 0.5, 0.95)):
            pos = q * last
            lo = np.floor(pos).astype(int)
            hi = np.minimum(lo + 1, last)
            frac = pos - lo
            out[i, first + some] = ordered[lo, some] * (1 - frac) + ordered[hi, some] * frac
        out[3, first + some] = ordered[0, some]
        out[4, first + some] = ordered[last, some]
    return out


def _bands(codes: tuple[str, ...], nominal: np.ndarray, ranks: np.ndarray) -> pd.DataFrame:
    q = _column_bands(ranks)
    return pd.DataFrame(
        {
            "area_code": list(codes),
            "nominal_rank": nominal,
            "median_rank": q[1],
            "p05": q[0],
            "p95": q[2],
            "best": q[3],
            "worst": q[4],
            "unranked_share": np.isnan(ranks).mean(axis=0) if len(ranks) else np.zeros(len(codes)),
        }
    )


def _named(frame: pd.DataFrame) -> pd.DataFrame:
    out = frame.rename_axis("assumption").reset_index()
    out.insert(1, "name", out["assumption"].map(ASSUMPTION_NAMES))
    return out


def _per_unit(problem: dict, codes: tuple[str, ...], ranks: np.ndarray) -> pd.DataFrame:
    always = np.flatnonzero(np.isfinite(ranks).all(axis=0))
    s1, st = sobol_columns(problem, ranks[:, always])
    d = len(ASSUMPTIONS)
    return pd.DataFrame(
        {
            "area_code": np.repeat(np.asarray(codes, dtype=object)[always], d),
            "assumption": np.tile(ASSUMPTIONS, len(always)),
            "name": np.tile([ASSUMPTION_NAMES[a] for a in ASSUMPTIONS], len(always)),
            "S1": s1.T.ravel(),
            "ST": st.T.ravel(),
        }
    )


def _mean_shift(ranks: np.ndarray, nominal: np.ndarray, block: int = 4096) -> np.ndarray:
    """Per run, the mean |place − nominal place| over the units ranked in it (NaN for a run that ranks none)."""
    shift = np.full(len(ranks), np.nan)
    if not ranks.shape[1]:
        return shift
    with np.errstate(invalid="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # "mean of empty slice": that run's NaN is the answer
        for first in range(0, len(ranks), block):
            moved = np.abs(ranks[first : first + block] - nominal.astype(np.float32)[None, :])
            shift[first : first + block] = np.nanmean(moved, axis=1, dtype=np.float64)
    return shift


def _no_progress(_fraction: float, _text: str) -> None:
    return None


def run_sensitivity(
    data: IndexData,
    framework: Framework,
    params: IndexParams,
    settings: SensitivitySettings = SensitivitySettings(),  # noqa: B008 - frozen, so one shared default is safe
    progress: Progress | None = None,
) -> SensitivityResult:
    """Rank every unit under `settings.runs` settings of every assumption together, and the Sobol indices.

    Raises `WeightsError` (from `weight_vectors`) before any work when the weights in `params` make no index."""
    report = progress or _no_progress
    v, w = weight_vectors(framework, params)
    report(0.0, "Drar stickprov av antagandena")
    problem = sensitivity_problem(len(w))
    plan = decode(sample(problem, settings.samples, settings.seed), framework, v, w)
    nominal_all = _nominal(data, framework, params)[-1]
    inside = np.flatnonzero(data.universe(params.universe))
    ranked = np.isfinite(nominal_all[inside])
    codes = tuple(data.unit_codes[i] for i in inside[ranked])
    nominal = nominal_all[inside[ranked]]
    # The products here are small (units × indicators by indicators × runs): BLAS threads cost more to wake and
    # join than they save, and on a shared server they compete with other sessions (measured: 117 stadsdelar
    # 0.3 s on one thread against 1.1 s with two under load). Limited for this call only.
    from threadpoolctl import threadpool_limits

    with threadpool_limits(limits=1, user_api="blas"):
        ranks = _run_ranks(data, framework, params, plan, report, ranked)
    report(0.9, "Beräknar känslighetsindex")
    shift = _mean_shift(ranks, nominal)
    overall = _named(sobol_indices(problem, shift, settings.seed))
    result = SensitivityResult(
        settings=settings,
        runs=len(ranks),
        unit_codes=codes,
        nominal_rank=nominal,
        ranks=ranks,
        bands=_bands(codes, nominal, ranks),
        overall=overall,
        per_unit=_per_unit(problem, codes, ranks),
        mean_shift=float(np.nanmean(shift)) if np.isfinite(shift).any() else float("nan"),
        problem=problem,
    )
    report(1.0, "Klart")
    return result


def unit_indices(result: SensitivityResult, code: str) -> pd.DataFrame:
    """One unit's first-order and total indices with 95 % confidence intervals (SALib's `analyze` on its rank):
    assumption, name, S1, S1_conf, ST, ST_conf. KeyError for a unit not ranked in every run."""
    if code not in result.unit_codes:
        raise KeyError(code)
    y = result.ranks[:, result.unit_codes.index(code)]
    if not np.isfinite(y).all():
        raise KeyError(code)
    problem = result.problem or sensitivity_problem(1)  # the estimators need only the groups
    return _named(sobol_indices(problem, y, result.settings.seed))


def main_driver(result: SensitivityResult, code: str) -> str | None:
    """The assumption with the largest total index for `code`; None when its rank never moves or it has none."""
    rows = result.per_unit[result.per_unit["area_code"] == code]
    if rows.empty or not (rows["ST"] > 0).any():
        return None
    return str(rows.loc[rows["ST"].idxmax(), "assumption"])


def sensitivity_summary(result: SensitivityResult) -> dict[str, object]:
    """What a saved scenario keeps of an analysis: its settings (enough to recompute it exactly on the same data)
    and the overall figures (so the scenario says what the analysis found even after the data change)."""
    overall = result.overall[["assumption", "S1", "S1_conf", "ST", "ST_conf"]]
    return {
        **result.settings.to_dict(),
        "runs": int(result.runs),
        "mean_shift": round(float(result.mean_shift), 4),
        "overall": [
            {k: (v if k == "assumption" else round(float(v), 4)) for k, v in row.items()}
            for row in overall.to_dict("records")
        ],
    }
