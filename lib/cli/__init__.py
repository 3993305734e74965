"""Command line: `python -m lib.cli COMMAND …`; `--help` lists the commands and `COMMAND --help` their options
(the README's one-line reference is `reference_line()`, generated from the same parser and checked by a test).

Exit codes: 0 done; 2 refused or failed, with a short Swedish message on stderr and nothing changed (bad arguments,
a bad or missing file, a directory given as a file, the database in use or unreadable, a full disk, a read-only
folder, anything unexpected); 3 not authorised (no editor, or a wrong password). `main` turns every failure into
such a message: no Python traceback reaches the user (SAMMANHALLEN_DEBUG=1 prints it, for developers).

Where things are: `parser` (the commands, their options and help, `reference_line`), `common` (failures and exit
codes, the editor check, `add-editor`), `data` (the database and the data files), `reports` (`index`, `goals`),
`allocate` (`allocate`: the Fördelning page's split in whole kronor),
`sensitivity` (`sensitivity`: which modelling choice moves the ranks, as Sobol indices),
`imports` (`import-values`, `load-goals`, `fetch-boundaries`), `brief` (`brief`: the printed briefs as PDF).
"""

from __future__ import annotations

import sys

from lib.cli.common import authenticate, failure, open_for_writing, read_secrets
from lib.cli.data import generate_values_from
from lib.cli.imports import install_boundaries
from lib.cli.parser import EDITOR_HELP, SHARED_HELP, SwedishParser, parser, reference_line
from lib.cli.reports import index_table
from lib.config import Paths

__all__ = [
    "EDITOR_HELP",
    "SHARED_HELP",
    "SwedishParser",
    "authenticate",
    "failure",
    "generate_values_from",
    "index_table",
    "install_boundaries",
    "main",
    "open_for_writing",
    "parser",
    "read_secrets",
    "reference_line",
]


def main(argv: list[str] | None = None, paths: Paths | None = None) -> int:
    """Run a command; every failure becomes a Swedish message on stderr and exit 2 (3: not authorised)."""
    import os
    import traceback

    args = parser().parse_args(argv)
    paths = paths or Paths()
    try:
        return args.func(paths, args)
    except KeyboardInterrupt:
        print("Avbrutet.", file=sys.stderr)
        return 2
    except Exception as exc:  # noqa: BLE001 - every failure becomes a Swedish message, never a traceback
        code, message = failure(exc, paths)
        print(message, file=sys.stderr)
        if os.environ.get("SAMMANHALLEN_DEBUG") == "1":
            traceback.print_exc()
        return code
