"""Reading the city's own figures: CSV or XLSX, long or wide, with Swedish number formats and encodings.

Every problem is reported with its row, column and a Swedish message, and nothing is written unless the whole
file is clean (`lib.db.import_values` then commits it in one transaction). Layouts:

* long: `stadsdel, indikator, år, värde[, källa]` – one value a row;
* wide: `stadsdel, år[, källa]` and one column per indicator (its code or name).

Stadsdelar and indicators are matched by code or name, case-insensitively (å, ä, ö included).

A file is untrusted until checked, so the work spent on it is bounded before anything is parsed
(`check_file`): its size, and for XLSX the zip directory (unpacked size, compression ratio, number of parts and
sheets), every XML part's prolog (no DTD, so no entity expansion) and the sheet's declared dimension. The
readers then cap rows, columns, cells and field lengths while reading, because a declared size can lie. The
XLSX reader is a small streaming expat reader rather than openpyxl: openpyxl builds a whole `<row>` element in
memory before it can be counted, so one row with millions of cells would cost gigabytes.

The package, by step: `base` (limits, `Problem`, `Parsed`, `ImportRejected`), `checks` (before any parsing),
`xlsx_package` (the zip directory and XML prologs), `xlsx_rows` (the streaming reader), `csv_rows` (encodings,
delimiter), `table` (rows under one header), `values` (values against the indicators, preview, templates) and
`upload` (`read_upload`, the one check-a-file service of the page and the CLI). Callers use `from lib import
importer` and the names below.
"""

from lib.importer.base import (
    ALIASES,
    LONG_COLUMNS,
    MAX_BYTES,
    MAX_CELLS,
    MAX_COLUMNS,
    MAX_FIELD_CHARS,
    MAX_LINE_CHARS,
    MAX_PARTS,
    MAX_PROBLEMS,
    MAX_RATIO,
    MAX_ROWS,
    MAX_SHEETS,
    MAX_UNPACKED,
    PROLOG_BYTES,
    RATIO_FROM,
    TEXT_SUFFIXES,
    XLSX_SUFFIXES,
    ImportRejected,
    NotFinite,
    Parsed,
    Problem,
)
from lib.importer.checks import check_file, check_size
from lib.importer.csv_rows import decode
from lib.importer.table import read_table
from lib.importer.upload import read_upload
from lib.importer.values import parse_number, parse_values, parse_year, preview, template
from lib.importer.xlsx_package import DTD_REFUSED

__all__ = [
    "ALIASES",
    "DTD_REFUSED",
    "LONG_COLUMNS",
    "MAX_BYTES",
    "MAX_CELLS",
    "MAX_COLUMNS",
    "MAX_FIELD_CHARS",
    "MAX_LINE_CHARS",
    "MAX_PARTS",
    "MAX_PROBLEMS",
    "MAX_RATIO",
    "MAX_ROWS",
    "MAX_SHEETS",
    "MAX_UNPACKED",
    "PROLOG_BYTES",
    "RATIO_FROM",
    "TEXT_SUFFIXES",
    "XLSX_SUFFIXES",
    "ImportRejected",
    "NotFinite",
    "Parsed",
    "Problem",
    "check_file",
    "check_size",
    "decode",
    "parse_number",
    "parse_values",
    "parse_year",
    "preview",
    "read_table",
    "read_upload",
    "template",
]
