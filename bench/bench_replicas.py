"""The concurrency run across two replicas: 20 readers and 5 editors through nginx, in front of two app processes
that keep what users write in one PostgreSQL (started for the run by `tests/pgserver.py`).

The same run as `bench_concurrency.py` (its table, its check of every confirmed write in the database), with
`BENCH_REPLICAS` set to 2 unless given; `make bench` records both, one server and two.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import bench_concurrency

if __name__ == "__main__":
    os.environ.setdefault("BENCH_REPLICAS", "2")
    bench_concurrency.main()
