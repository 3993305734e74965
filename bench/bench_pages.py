"""Server-side rerun time of every page (AppTest, warm caches), and of a weight change on the index page.

Prints medians and p90s in milliseconds. Figures, not pass/fail: this machine is shared and noisy.
"""

from __future__ import annotations

import logging
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("SAMMANHALLEN_DB", str(Path(tempfile.mkdtemp()) / "bench.duckdb"))
os.environ.setdefault("SAMMANHALLEN_OFFICIAL_DIR", str(Path(tempfile.mkdtemp()) / "official"))

from streamlit.testing.v1 import AppTest  # noqa: E402

logging.getLogger("streamlit").setLevel(logging.ERROR)  # AppTest's "missing ScriptRunContext" notices

from lib import db  # noqa: E402
from lib.config import Paths  # noqa: E402
from ui.layout import PAGE_FILES, SECTION_TIMES  # noqa: E402


def percentile(values: list[float], q: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(q * len(values)))]


def main(repeats: int = 7) -> None:
    db.ensure_database(Paths().data_dir, Paths().db_path)
    print(f"{'page (server rerun, warm)':40} {'median ms':>10} {'p90 ms':>10}")
    for page in PAGE_FILES:
        at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
        at.run()
        at.switch_page(page)
        at.run()  # warm the caches
        times = []
        for _ in range(repeats):
            start = time.perf_counter()
            at.run()
            times.append((time.perf_counter() - start) * 1000)
        print(f"{page:40} {statistics.median(times):10.0f} {percentile(times, 0.9):10.0f}")
    for level, second in (("Stadsdel", "vikt_halsa"), ("DeSO", "vikt_sociala_risker")):
        at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
        at.query_params["niva"] = level
        at.run()
        at.switch_page("pages/index_weights.py")
        at.run()
        for view in ("Tabell", "Karta"):
            at.segmented_control(key="visa").set_value(view)
            at.run()
            times, fragment = [], []
            for i in range(repeats * 3):
                at.slider(key="vikt_forsorjning").set_value(i % 11)  # 0..10: new weights, nothing cached
                at.slider(key=second).set_value(10 - (i // 11) * 3)
                start = time.perf_counter()
                at.run()
                times.append((time.perf_counter() - start) * 1000)
                fragment.append(at.session_state[SECTION_TIMES]["index_view"][-1])
            prefix = "" if level == "Stadsdel" else "DeSO: "
            for label, values in (
                (f"{prefix}weight change, whole page ({view.lower()})", times),
                (f"{prefix}weight change, fragment alone ({view.lower()})", fragment),
            ):
                print(f"{label:40} {statistics.median(values):10.0f} {percentile(values, 0.9):10.0f}")
    print("In the browser a weight change reruns only the fragment; AppTest always runs the whole page.")


if __name__ == "__main__":
    main()
