"""The streaming XLSX reader: a sheet's rows and the shared strings, read with expat and capped while reading.

Not openpyxl: openpyxl builds a whole `<row>` element in memory before it can be counted, so one row with
millions of cells would cost gigabytes. The handlers run five times per cell, so this is the hot path of an XLSX
import; the per-cell helpers below keep them short.
"""

from __future__ import annotations

from typing import Any

from lib.fmt import number
from lib.importer.base import MAX_CELLS, MAX_COLUMNS, MAX_FIELD_CHARS, MAX_ROWS, _reject, _show
from lib.importer.xlsx_package import _LOCAL_NAMES, _column_number, _local, _Stop, _Workbook


def shared_strings(book: _Workbook) -> list[str]:
    """Every shared string of the workbook, capped in number and length while reading (phonetic runs left out)."""
    part = next((t for t, kind in book.book_rels.values() if kind.endswith("/sharedStrings")), "")
    if part not in book.names:
        part = "xl/sharedStrings.xml" if "xl/sharedStrings.xml" in book.names else ""
    strings: list[str] = []
    if not part:
        return strings
    state: dict[str, Any] = {"depth_rph": 0, "in_t": False, "buf": [], "size": 0}

    def start(name, attrs):
        tag = _local(name)
        if tag == "si":
            state["buf"], state["size"] = [], 0
            if len(strings) >= MAX_CELLS:
                raise _Stop(_reject("Excelfilen har för många texter; den läses inte."))
        elif tag == "rPh":
            state["depth_rph"] += 1
        elif tag == "t" and not state["depth_rph"]:
            state["in_t"] = True

    def end(name):
        tag = _local(name)
        if tag == "si":
            strings.append("".join(state["buf"]))
        elif tag == "rPh":
            state["depth_rph"] -= 1
        elif tag == "t":
            state["in_t"] = False

    def text(data):
        if state["in_t"]:
            state["size"] += len(data)
            if state["size"] > MAX_FIELD_CHARS:
                raise _Stop(_reject(f"En text i Excelfilen är för lång (högst {MAX_FIELD_CHARS} tecken)."))
            state["buf"].append(data)

    book.parse(part, start, end, text)
    return strings


def sheet_rows(book: _Workbook, sheet: str | None) -> list[tuple[int, list[str]]]:
    """(row number, cell texts) for every non-empty row, capped while reading. The handlers keep their state
    in closure variables: they run five times per cell, so this is the hot path of an XLSX import."""
    name, part = book.sheet_part(sheet)
    shared = shared_strings(book)
    rows: list[tuple[int, list[str]]] = []
    row = col = seen_rows = seen_cells = size = phonetic = 0
    cells: dict[int, str] = {}
    kind, capture = "n", False
    value: str | None = None
    inline: list[str] = []
    buf: list[str] = []
    columns: dict[str, int] = {}

    def start(tag, attrs):
        nonlocal row, col, seen_rows, seen_cells, size, phonetic, cells, kind, value, inline, buf, capture
        tag = _LOCAL_NAMES.get(tag) or _local(tag)
        if tag == "c":
            seen_cells += 1
            col = _cell_column(attrs.get("r"), col, columns, seen_cells, name)
            kind, value, inline = attrs.get("t", "n"), None, []
        elif tag == "v" or (tag == "t" and not phonetic):
            capture, buf, size = True, [], 0
        elif tag == "row":
            seen_rows += 1
            row = _row_number(attrs.get("r", ""), row, seen_rows, name)
            cells, col = {}, 0
        elif tag == "rPh":
            phonetic += 1

    def end(tag):
        nonlocal value, capture, phonetic
        tag = _LOCAL_NAMES.get(tag) or _local(tag)
        if tag == "v":
            value, capture = "".join(buf), False
        elif tag == "c":
            text_ = _kept_cell(_cell_text(kind, value, inline, shared), col, name, row)
            if text_ is not None:
                cells[col] = text_
        elif tag == "t" and capture:
            inline.append("".join(buf))
            capture = False
        elif tag == "row" and cells:
            _end_row(rows, row, cells)
        elif tag == "rPh":
            phonetic -= 1

    def text(data):
        nonlocal size
        if capture:
            size = _field_size(size, data, row)
            buf.append(data)

    book.parse(part, start, end, text)
    return rows


def _cell_column(ref: str | None, col: int, columns: dict[str, int], seen_cells: int, name: str) -> int:
    """The column number of a cell: from its reference ('C7', '$C$7') when it has one, else the one after the
    previous cell (Excel may leave the reference out). `columns` caches letters → number for the hot path, capped
    so a hostile file's invented references cannot grow it. The cell count is checked here too, once per cell,
    so a sheet of millions of cells stops early instead of filling memory."""
    if seen_cells > MAX_CELLS:
        raise _Stop(_reject(f"Bladet ”{_show(name)}” har fler än {number(MAX_CELLS, 0)} celler."))
    if not ref:
        return col + 1
    letters = ref.rstrip("0123456789").lstrip("$").rstrip("$")
    number_ = columns.get(letters)
    if number_ is None:
        number_ = _column_number(letters) if letters.isalpha() and len(letters) <= 3 else col + 1
        if len(columns) < 1_000:
            columns[letters] = number_
    return number_


def _row_number(ref: str, row: int, seen_rows: int, name: str) -> int:
    """The row number from a row's `r` attribute, else the one after the previous row; a number too long to be
    a row is treated as missing rather than trusted. Too many rows stop the read early (one header row extra)."""
    if seen_rows > MAX_ROWS + 1:
        raise _Stop(_reject(f"Bladet ”{_show(name)}” har fler än {number(MAX_ROWS, 0)} rader."))
    return int(ref) if ref.isdigit() and len(ref) < 9 else row + 1


def _field_size(size: int, data: str, row: int) -> int:
    """The length of the cell text read so far; expat hands a long text over in chunks, so the cap is checked on
    each chunk before it is kept."""
    size += len(data)
    if size > MAX_FIELD_CHARS:
        raise _Stop(_reject(f"En cell är för lång (högst {MAX_FIELD_CHARS} tecken).", row))
    return size


def _end_row(rows: list[tuple[int, list[str]]], row: int, cells: dict[int, str]) -> None:
    """Add a finished non-empty row, its gaps filled with empty texts, refusing more rows than an import takes."""
    if len(rows) > MAX_ROWS:
        raise _Stop(_reject(f"För många rader (högst {number(MAX_ROWS, 0)})."))
    rows.append((row, [cells.get(c, "") for c in range(1, max(cells) + 1)]))


def _kept_cell(text: str, col: int, name: str, row: int) -> str | None:
    """A cell's text if it holds anything (None for blank), refusing a value beyond `MAX_COLUMNS`: such a value
    would otherwise be read into a row far wider than any table the import accepts."""
    if not text or text.isspace():
        return None
    if col > MAX_COLUMNS:
        raise _Stop(
            _reject(f"Bladet ”{_show(name)}” har värden i kolumn {number(col, 0)} (högst {MAX_COLUMNS} kolumner).", row)
        )
    return text


def _cell_text(kind: str, value: str | None, inline: list[str], shared: list[str]) -> str:
    """A cell as the text a user would see typed in it (numbers as Excel stores them, e.g. 8.1 or 1.5E-3)."""
    if kind == "inlineStr":
        return "".join(inline)
    if value is None:
        return ""
    if kind == "s":
        try:
            return shared[int(value)]
        except (ValueError, IndexError):
            return ""
    if kind == "b":
        return {"1": "SANT", "0": "FALSKT"}.get(value.strip(), value)
    return value
