"""Start the app with the database already open: `python -m ui.server [--server.port N …]` (what `make run` does).

Plain `streamlit run app.py` opens the database at the first page view, so between server start and that view a
CLI import could take DuckDB's single-writer lock and the first visitor would meet an error. Here the database is
ensured and opened for writing (taking the lock) first, in the same process, and the app reuses that connection
(`lib.db.open_app_connection`). A database that cannot be read, or that another process holds, stops the launch
with the Swedish message and exit code 2: no server starts on top of it.

Arguments after the module name go to `streamlit run` unchanged (`--server.port`, `--server.headless`, …).
"""

from __future__ import annotations

import os
import sys
import traceback
from pathlib import Path

from lib import db
from lib.config import PROJECT_ROOT, Paths

APP = PROJECT_ROOT / "app.py"


def open_database(paths: Paths) -> str | None:
    """Ensure and open the app's database; a Swedish message if that fails (None when it is open)."""
    try:
        db.open_app_connection(paths)
    except db.DataError as exc:
        return f"Fel: {exc}"
    except Exception as exc:  # noqa: BLE001 - the same promise as the CLI: a message, never a traceback
        from lib.cli import failure

        if os.environ.get("SAMMANHALLEN_DEBUG") == "1":
            traceback.print_exc()
        return failure(exc, paths)[1]
    return None


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    paths = Paths()
    problem = open_database(paths)
    if problem is not None:
        print(problem, file=sys.stderr)
        print("Servern startades inte.", file=sys.stderr)
        return 2
    print(f"Databasen är öppen: {paths.db_path}", flush=True)
    from streamlit.web import cli as streamlit_cli

    from ui.streamlit_compat import start_in_navigation_mode

    start_in_navigation_mode()

    # Streamlit's own command line, in this process: the app then finds the connection opened above.
    try:
        streamlit_cli.main(args=["run", str(Path(APP)), *argv], prog_name="streamlit", standalone_mode=True)
    except SystemExit as exc:
        return exc.code if isinstance(exc.code, int) else 0
    return 0


if __name__ == "__main__":
    sys.exit(main())
