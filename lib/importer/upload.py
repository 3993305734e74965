"""The one way a user's file of values is checked: the page's upload and the CLI's `import-values` both call
`read_upload`, so a file is refused with the same problems, in the same order, wherever it comes from."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pandas as pd

from lib.config import YEARS
from lib.importer.base import ImportRejected, Parsed
from lib.importer.checks import check_file, check_size
from lib.importer.table import read_table
from lib.importer.values import parse_values

Model = tuple[pd.DataFrame, pd.DataFrame]  # areas (code, name) and indicators (code, name, unit, bounds)


def read_upload(
    source: bytes | str | Path,
    name: str,
    model: Model | Callable[[], Model],
    *,
    sheet: str | None = None,
    default_source: str = "",
    years: tuple[int, int] = (YEARS[0], YEARS[-1]),
    size: int | None = None,
) -> Parsed:
    """A file (a path, or an upload's bytes and `name`) as clean values or every problem found; never raises for
    a fault of the file, since a user's file problem is a result to show, not an error.

    The file is bounded first (`size` is an upload's declared size, checked before its bytes are touched; then
    `check_file`), and only then is `model` asked for: a callable lets the CLI open the database only for a file
    that passed, so a directory, a device or an XLSX bomb is refused before the database is touched."""
    try:
        if size is not None:
            check_size(size)
        raw = check_file(source, name, sheet)
        areas, indicators = model() if callable(model) else model
        frame = read_table(raw, name, sheet)
        return parse_values(frame, areas, indicators, years, default_source)
    except ImportRejected as exc:
        return Parsed(pd.DataFrame(), exc.problems)
