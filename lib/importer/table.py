"""A checked file as a table of strings: XLSX or CSV rows under one header, with every ragged row, unnamed or
repeated column reported at once."""

from __future__ import annotations

from pathlib import PurePosixPath

import pandas as pd

from lib.importer.base import XLSX_SUFFIXES, ImportRejected, Problem, _key, _reject, _show
from lib.importer.checks import check_file
from lib.importer.csv_rows import _csv_rows
from lib.importer.xlsx_package import _Workbook
from lib.importer.xlsx_rows import sheet_rows


def read_table(raw: bytes, filename: str, sheet: str | None = None) -> pd.DataFrame:
    """The file as a table of strings whose index is the spreadsheet row number − 2 (the header is row 1);
    `ImportRejected` for an empty, oversized, hostile or unreadable file. Checks the file first (`check_file`)."""
    raw = check_file(raw, filename, sheet)
    if PurePosixPath(filename.lower()).suffix in XLSX_SUFFIXES:
        records = sheet_rows(_Workbook(raw), sheet)
        kind = "Excelfilen"
    else:
        records = _csv_rows(raw)
        kind = "CSV-filen"
    if not records:
        raise _reject("Filen är tom.")
    header_line, header = records[0]
    header = [str(h).strip() for h in header]
    problems: list[Problem] = []
    width = len(header)
    for line, fields in records[1:]:
        extra = [f for f in fields[width:] if f.strip()]
        if extra:
            problems.append(
                Problem(
                    line,
                    None,
                    f"{kind} kan inte tolkas: raden har {len(fields)} fält men rubrikraden {width}.",
                )
            )
            if len(problems) >= 20:
                break
    body = [f[:width] + [""] * (width - len(f)) for _, f in records[1:]]
    keep = []
    seen: dict[str, int] = {}
    for i, title in enumerate(header):
        if not title:
            if any(row[i].strip() for row in body):
                problems.append(Problem(header_line, f"nr {i + 1}", "Kolumnen saknar rubrik men har värden."))
            continue
        key = _key(title)
        if key in seen:
            problems.append(Problem(header_line, _show(title), f"Kolumnen finns redan (kolumn nr {seen[key]})."))
            continue
        seen[key] = i + 1
        keep.append(i)
    if problems:
        raise ImportRejected(problems)
    index = [line - 2 for line, _ in records[1:]]
    if not body or not keep:
        raise _reject("Filen har rubriker men inga rader med värden.")
    data = {header[i]: [row[i] for row in body] for i in keep}
    return pd.DataFrame(data, index=index, dtype=object)
