"""Benchmark of refusing hostile import files: time to the refusal and peak memory, per file.

Each run is a fresh Python process that imports what the CLI imports, reads the stadsdelar and indicators, and
only then starts the clock and notes its peak resident memory (`ru_maxrss`); the figure is how much the peak
grew while the file was checked and read (`importer.check_file`, `read_table`, `parse_values` – the path of both
the CLI and the page). Budget: every hostile file refused in under 2 s with under 300 MB. Two honest files (every
value of the model, as CSV and as XLSX) show what an accepted import costs. Figures, not assertions.
"""

from __future__ import annotations

import io
import json
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

import make_import_corpus as hostile  # noqa: E402

RUNS = 5
CHILD = """
import json, os, resource, sys, time, tracemalloc
sys.path.insert(0, sys.argv[1])
import pandas as pd
from lib import importer
from lib.config import YEARS
areas = pd.read_csv(sys.argv[1] + "/data/area.csv")
inds = pd.read_csv(sys.argv[1] + "/data/indicator.csv")
path, traced = sys.argv[2], sys.argv[3] == "1"
rss_before = int(open("/proc/self/statm").read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 1024 / 1024
if traced:
    tracemalloc.start()
start = time.perf_counter()
try:
    raw = importer.check_file(path)
    frame = importer.read_table(raw, path)
    parsed = importer.parse_values(frame, areas, inds, (YEARS[0], YEARS[-1]), "bench")
    outcome = f"godtagen: {len(parsed.values)} värden" if parsed.ok else str(parsed.problems[0])
except importer.ImportRejected as exc:
    outcome = str(exc.problems[0])
seconds = time.perf_counter() - start
heap = tracemalloc.get_traced_memory()[1] / 1024 / 1024 if traced else None
rss_peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps({"seconds": seconds, "heap_mb": heap, "rss_peak": rss_peak, "rss_before": rss_before,
                  "outcome": outcome}))
"""


def honest_files() -> dict[str, bytes]:
    """Every value of the model in long layout (names, Swedish decimals), as CSV and as XLSX."""
    import pandas as pd

    from lib import db
    from lib.config import Paths

    paths = Paths()
    db.ensure_database(paths.data_dir, paths.db_path)
    with db.connect(paths.db_path, read_only=True) as con:
        values, areas, inds = db.values_long(con), db.areas(con), db.indicators(con)
    table = pd.DataFrame(
        {
            "stadsdel": values["area_code"].map(areas.set_index("code")["name"]),
            "indikator": values["indicator_code"].map(inds.set_index("code")["name"]),
            "år": values["year"],
            "värde": values["value"],
            "källa": "SCB",
        }
    )
    book = io.BytesIO()
    table.to_excel(book, index=False)
    return {
        "honest_all_values.csv": table.to_csv(index=False, sep=";", decimal=",").encode(),
        "honest_all_values.xlsx": book.getvalue(),
    }


def files() -> dict[str, bytes]:
    return {
        "csv_600000_columns.csv": hostile.csv_many_columns(600_000),
        "csv_170000_rows.csv": hostile.csv_many_rows(),
        "csv_unclosed_quote.csv": hostile.csv_open_quote(),
        "xlsx_bomb_1GB.xlsx": hostile.xlsx_bomb(1_000_000_000),
        "xlsx_1M_rows_small_dimension.xlsx": hostile.xlsx_many_rows(1_000_000),
        "xlsx_1M_rows_no_dimension.xlsx": hostile.xlsx_many_rows(1_000_000, None),
        "xlsx_claims_5M_rows.xlsx": hostile.xlsx_claims_rows(5_000_000),
        "xlsx_row_of_1M_cells.xlsx": hostile.xlsx_wide_row(1_000_000),
        "xlsx_500_sheets.xlsx": hostile.xlsx_many_sheets(500),
        "xlsx_billion_laughs.xlsx": hostile.xlsx_laughs(),
        **honest_files(),
    }


def child(path: Path, traced: bool) -> dict:
    out = subprocess.run(
        [sys.executable, "-c", CHILD, str(ROOT), str(path), "1" if traced else "0"],
        capture_output=True,
        text=True,
        check=True,
        timeout=600,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    print(f"Import of hostile files: median of {RUNS} fresh processes. heap = peak of Python allocations while")
    print("reading (tracemalloc, one more run); RSS = the process's peak resident memory, imports included.")
    print(f"{'file':34} {'size':>7} {'median ms':>9} {'max ms':>6} {'heap MB':>7} {'RSS MB':>6}  outcome")
    rss_floor = []
    with tempfile.TemporaryDirectory() as tmp:
        for name, raw in files().items():
            path = Path(tmp) / name
            path.write_bytes(raw)
            runs = [child(path, traced=False) for _ in range(RUNS)]
            heap = child(path, traced=True)["heap_mb"]
            ms = [r["seconds"] * 1000 for r in runs]
            rss = statistics.median(r["rss_peak"] for r in runs)
            rss_floor += [r["rss_before"] for r in runs]
            size = f"{len(raw) / 1024 / 1024:.1f} MB"
            outcome = runs[0]["outcome"].replace("\u202f", " ")
            outcome = outcome if len(outcome) <= 48 else outcome[:47] + "…"
            print(
                f"{name:34} {size:>7} {statistics.median(ms):>9.0f} {max(ms):>6.0f} {heap:>7.1f} {rss:>6.0f}  {outcome}"
            )
    print(f"RSS before reading (pandas and the app imported): {statistics.median(rss_floor):.0f} MB")
    print("Budget: a hostile file refused in < 2 000 ms with < 300 MB.")


if __name__ == "__main__":
    main()
