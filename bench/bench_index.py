"""Benchmark of the index and its robustness analysis; prints medians and p90s (seconds → ms).

Run with `make bench`. Figures, not assertions: this machine is shared and noisy, so read the medians.
"""

from __future__ import annotations

import os
import platform
import statistics
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from lib import db, levels
from lib import index as ix
from lib.config import Paths


def measure(fn, repeats: int) -> tuple[float, float]:
    fn()  # warm-up
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    times.sort()
    return statistics.median(times) * 1000, times[min(len(times) - 1, int(0.9 * len(times)))] * 1000


def synthetic_case(n: int, framework: ix.Framework, seed: int = 1) -> ix.IndexData:
    """n areas (DeSO scale) with lognormal indicator values and a few missing cells."""
    rng = np.random.default_rng(seed)
    m = len(framework.indicators)
    latent = rng.normal(size=(n, 1))
    x = np.exp(2 + 0.4 * latent + 0.3 * rng.normal(size=(n, m)))
    x[rng.random((n, m)) < 0.01] = np.nan
    return ix.IndexData(tuple(f"d{i}" for i in range(n)), x, rng.integers(700, 2700, n).astype(float))


def main() -> None:
    paths = Paths()
    db.ensure_database(paths.data_dir, paths.db_path)
    with db.connect(paths.db_path, read_only=True) as con:
        full = ix.Framework.from_meta(db.indicators(con), list(db.domains(con)["code"]))
        city, fw = ix.build_index_data(db.values_long(con), db.areas(con), full, 2020)
        deso, deso_fw = ix.build_index_data(levels.values(con, "deso"), levels.units(con, "deso"), full, 2025)
    big = synthetic_case(6000, fw)
    params = ix.IndexParams()
    cases = [
        ("index, 117 areas × 16 indicators", lambda: ix.compute_index(city, fw, params), 30),
        ("index, 544 DeSO (real 2024/2025)", lambda: ix.compute_index(deso, deso_fw, params), 30),
        ("index + 1 000 Monte Carlo draws, 544 DeSO", lambda: ix.monte_carlo(deso, deso_fw, params, draws=1000), 10),
        ("index + 1 000 Monte Carlo draws, 117 areas", lambda: ix.monte_carlo(city, fw, params, draws=1000), 15),
        ("best/worst rank (≈4 000 weight vectors), 117", lambda: ix.rank_range(city, fw, params), 15),
        ("leave-one-indicator-out, 117", lambda: ix.leave_one_out(city, fw, params), 15),
        ("sensitivity, 7 168 runs + Sobol indices, 117 areas", lambda: ix.run_sensitivity(city, fw, params), 7),
        ("sensitivity, 7 168 runs + Sobol indices, 544 DeSO", lambda: ix.run_sensitivity(deso, deso_fw, params), 5),
        ("index, 6 000 areas", lambda: ix.compute_index(big, fw, params), 10),
        ("index + 1 000 Monte Carlo draws, 6 000 areas", lambda: ix.monte_carlo(big, fw, params, draws=1000), 7),
        (
            "index + 1 000 draws, 6 000 areas, geometric",
            lambda: ix.monte_carlo(big, fw, ix.IndexParams(aggregation="geometric"), draws=1000),
            5,
        ),
    ]
    print(
        f"Machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, "
        f"numpy {np.__version__}"
    )
    print(f"{'case':52} {'median ms':>10} {'p90 ms':>10}")
    for name, fn, repeats in cases:
        med, p90 = measure(fn, repeats)
        print(f"{name:52} {med:10.1f} {p90:10.1f}")
    print("Targets: 117 areas + 1 000 draws ≤ 100 ms; 6 000 areas + 1 000 draws ≤ 1 000 ms.")
    print("Sensitivity (N = 1 024: 7 168 runs, all Sobol indices): 117 ≤ 2 000 ms; 544 DeSO ≤ 10 000 ms.")


if __name__ == "__main__":
    main()
