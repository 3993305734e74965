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
"""

from __future__ import annotations

import codecs
import csv
import io
import math
import os
import re
import stat
import zipfile
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from xml.parsers import expat

import numpy as np
import pandas as pd

from lib.fmt import number

MAX_BYTES = 5 * 1024 * 1024  # the file itself; also Streamlit's server.maxUploadSize
MAX_ROWS = 100_000  # data rows; every value of the model in long layout is about 40 000
MAX_COLUMNS = 200  # a wide file has stadsdel, år, källa and one column per indicator (about 25)
MAX_CELLS = 500_000  # cells (CSV fields, XLSX <c> elements); every value of the model, long, is 200 000
MAX_FIELD_CHARS = 10_000  # one cell; a name, a number or a source
MAX_LINE_CHARS = 100_000  # one physical CSV line (MAX_COLUMNS fields of a plausible length, with room)
MAX_UNPACKED = 50 * 1024 * 1024  # everything in an XLSX, unpacked
MAX_RATIO = 100  # unpacked ÷ packed for a part over RATIO_FROM bytes; XML of real sheets packs 5–20 times
RATIO_FROM = 1024 * 1024
MAX_PARTS = 1_000  # files inside an XLSX
MAX_SHEETS = 20
PROLOG_BYTES = 64 * 1024  # how far into an XML part its prolog (declaration, comments, a DTD) may reach
MAX_PROBLEMS = 500  # a file with more problems than this is reported in part

LONG_COLUMNS = ("stadsdel", "indikator", "år", "värde")
ALIASES = {
    "stadsdel": ("stadsdel", "område", "omrade", "area", "area_code", "kod"),
    "indikator": ("indikator", "indicator", "mått", "indicator_code"),
    "år": ("år", "ar", "year"),
    "värde": ("värde", "varde", "value"),
    "källa": ("källa", "kalla", "source"),
}
XLSX_SUFFIXES = (".xlsx", ".xlsm")
TEXT_SUFFIXES = (".csv", ".txt")


@dataclass(frozen=True)
class Problem:
    row: int | None  # 1-based as in a spreadsheet (the header is row 1); None for the whole file
    column: str | None
    message: str

    def __str__(self) -> str:
        where = ", ".join(
            x for x in (f"rad {self.row}" if self.row else "", f"kolumn {self.column}" if self.column else "") if x
        )
        return f"{where}: {self.message}" if where else self.message


@dataclass
class Parsed:
    """Clean values (area_code, indicator_code, year, value, source) and every problem found."""

    values: pd.DataFrame
    problems: list[Problem] = field(default_factory=list)
    layout: str = ""

    @property
    def ok(self) -> bool:
        return not self.problems and not self.values.empty


class ImportRejected(ValueError):
    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__("Filen lästes inte in:\n- " + "\n- ".join(map(str, problems[:50])))


class NotFinite(ValueError):
    """A number too large for a float (it would be stored as infinity)."""


def _reject(message: str, row: int | None = None, column: str | None = None) -> ImportRejected:
    return ImportRejected([Problem(row, column, message)])


def _show(text, limit: int = 40) -> str:
    """A cell as quoted in a message: a hostile cell must not make the message itself huge."""
    text = str(text)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _sv(value: float) -> str:
    """A number as a Swedish reader writes it: decimal comma, no trailing zeros."""
    text = f"{value:.12g}"
    if "e" in text or "n" in text:
        return text.replace(".", ",")
    return number(float(text), len(text.split(".")[1]) if "." in text else 0)


def _mb(size: int) -> str:
    return number(size / 1024 / 1024, 1 if size < 10 * 1024 * 1024 else 0) + " MB"


# --- Checks before any parsing ----------------------------------------------------------------------------------


def check_file(source: bytes | str | Path, filename: str | None = None, sheet: str | None = None) -> bytes:
    """Refuse a file that would cost more than a plausible import before anything parses it; return its bytes.

    `source` is a path (the CLI: it must be a regular file, checked with stat before it is opened, and at most
    MAX_BYTES are ever read) or the bytes of an upload. For XLSX the zip directory, the first bytes of each XML
    part and the `<dimension>` of the sheet to be read are looked at, then that sheet's rows and cells are counted
    in its unpacked bytes without parsing them; the CSV limits are applied while reading (`read_table`), since a
    CSV has no directory. Raises `ImportRejected` with a Swedish message."""
    if isinstance(source, bytes | bytearray | memoryview):
        raw = bytes(source)
        name = filename or ""
        if len(raw) > MAX_BYTES:
            raise _too_big(len(raw))
    else:
        path = Path(source)
        name = filename or path.name
        raw = _read_path(path)
    if not raw.strip():
        raise _reject("Filen är tom.")
    suffix = PurePosixPath(name.lower()).suffix
    if suffix in XLSX_SUFFIXES:
        _Workbook(raw).check(sheet)
    elif suffix in TEXT_SUFFIXES:
        if raw.startswith(b"PK\x03\x04"):
            raise _reject("Filen är en Excelfil (eller en annan zip-fil) men heter " + suffix + ". Byt till .xlsx.")
        if raw.startswith(b"\xd0\xcf\x11\xe0"):
            raise _reject("Filen är en gammal Excelfil (.xls), ingen CSV. Spara den som .xlsx eller CSV (UTF-8).")
    elif suffix == ".xls":
        raise _reject("Det gamla Excelformatet (.xls) stöds inte. Spara filen som .xlsx eller CSV (UTF-8).")
    else:
        raise _reject("Okänt filformat. Använd CSV eller Excel (.xlsx).")
    return raw


def _too_big(size: int) -> ImportRejected:
    return _reject(f"Filen är för stor ({_mb(size)}; högst {MAX_BYTES // 1024 // 1024} MB).")


def check_size(size: int) -> None:
    """Refuse by the size alone (an upload's declared size, before its bytes are touched)."""
    if size > MAX_BYTES:
        raise _too_big(size)


def _read_path(path: Path) -> bytes:
    """The bytes of a regular file of at most MAX_BYTES; a directory, device or pipe is never opened."""
    try:
        info = path.stat()
    except FileNotFoundError:
        raise _reject(f"Filen {path} finns inte.") from None
    except PermissionError:
        raise _reject(f"Filen {path} kan inte läsas (behörighet saknas).") from None
    except OSError:
        raise _reject(f"Filen {path} kan inte läsas.") from None
    if stat.S_ISDIR(info.st_mode):
        raise _reject(f"{path} är en mapp, inte en fil.")
    if not stat.S_ISREG(info.st_mode):
        raise _reject(f"{path} är ingen vanlig fil (utan t.ex. en enhet eller en pipe).")
    if info.st_size > MAX_BYTES:
        raise _too_big(info.st_size)
    try:  # non-blocking and checked again once open: a pipe swapped in after stat must not hang the read
        with os.fdopen(os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0)), "rb") as f:
            if not stat.S_ISREG(os.fstat(f.fileno()).st_mode):
                raise _reject(f"{path} är ingen vanlig fil (utan t.ex. en enhet eller en pipe).")
            raw = f.read(info.st_size + 1)  # not MAX_BYTES: read(n) allocates n bytes first
            if len(raw) > info.st_size:  # it grew after stat
                raw += f.read(MAX_BYTES + 1 - len(raw))
    except PermissionError:
        raise _reject(f"Filen {path} kan inte läsas (behörighet saknas).") from None
    except OSError:
        raise _reject(f"Filen {path} kan inte läsas.") from None
    if len(raw) > MAX_BYTES:
        raise _too_big(len(raw))
    return raw


# --- XLSX ---------------------------------------------------------------------------------------------------------


class _Stop(Exception):
    """Raised from an expat handler to end parsing with a problem."""

    def __init__(self, problem: ImportRejected):
        self.problem = problem


_LOCAL_NAMES: dict[str, str] = {}


def _local(name: str) -> str:
    """'x:row' → 'row' (a prefix is whatever the file chose; transitional and strict OOXML differ)."""
    local = _LOCAL_NAMES.get(name)
    if local is None:
        local = name.rsplit(":", 1)[-1]
        if len(_LOCAL_NAMES) < 1_000:  # a hostile file's invented names must not grow the cache
            _LOCAL_NAMES[name] = local
    return local


DTD_REFUSED = "Excelfilen innehåller en DTD (<!DOCTYPE>), vilket Excel aldrig skriver; den läses inte."


def _no_dtd(*_args) -> None:
    raise _Stop(_reject(DTD_REFUSED))


def _expat() -> expat.XMLParserType:
    """An expat parser that refuses any DTD, so no entity can be declared, expanded or fetched."""
    parser = expat.ParserCreate()
    parser.buffer_text = True
    parser.buffer_size = 64 * 1024
    parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
    parser.StartDoctypeDeclHandler = _no_dtd
    parser.EntityDeclHandler = _no_dtd
    return parser


_ROW_TAGS = (b"<row ", b"<row>", b"<row/", b":row ", b":row>", b":row/")
_CELL_TAGS = (b"<c ", b"<c>", b"<c/", b":c ", b":c>", b":c/")
_CELL_REF = re.compile(r"\$?([A-Za-z]{1,3})\$?(\d{1,7})")


def _column_number(letters: str) -> int:
    n = 0
    for ch in letters.upper():
        n = n * 26 + ord(ch) - 64
    return n


def _dimension(ref: str) -> tuple[int, int] | None:
    """'A1:E200' → (200 rows, 5 columns, the last column's number); None if it cannot be read."""
    parts = [_CELL_REF.fullmatch(p.strip()) for p in ref.split(":")]
    if not parts or len(parts) > 2 or not all(parts):
        return None
    first, last = parts[0], parts[-1]
    rows = int(last.group(2)) - int(first.group(2)) + 1
    return rows, _column_number(last.group(1))


class _Workbook:
    """An XLSX read from its zip directory first; the sheet is parsed by a streaming reader with hard caps."""

    def __init__(self, raw: bytes):
        if raw.startswith(b"\xd0\xcf\x11\xe0"):
            raise _reject(
                "Excelfilen kan inte läsas: den är lösenordsskyddad eller i det gamla .xls-formatet. "
                "Spara den som .xlsx utan lösenord."
            )
        try:
            self.zip = zipfile.ZipFile(io.BytesIO(raw))
            infos = self.zip.infolist()
        except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError):
            raise _reject("Excelfilen kan inte läsas (den är ingen giltig .xlsx-fil).") from None
        if len(infos) > MAX_PARTS:
            raise _reject(f"Excelfilen har {len(infos)} delar (högst {MAX_PARTS}); den läses inte.")
        unpacked = sum(i.file_size for i in infos)
        if unpacked > MAX_UNPACKED:
            raise _reject(
                f"Excelfilen packas upp till {_mb(unpacked)} (högst {MAX_UNPACKED // 1024 // 1024} MB). "
                "Spara bara tabellen i en ny fil."
            )
        for info in infos:
            if info.flag_bits & 0x1:
                raise _reject("Excelfilen är krypterad. Spara den utan lösenord.")
            if info.file_size > RATIO_FROM and info.file_size > MAX_RATIO * max(info.compress_size, 1):
                ratio = info.file_size // max(info.compress_size, 1)
                raise _reject(
                    f"Excelfilen är packad ovanligt hårt ({info.filename}: {ratio}:1, högst {MAX_RATIO}:1); "
                    "den läses inte."
                )
        self.names = {i.filename for i in infos}
        sheets = [n for n in self.names if re.fullmatch(r"xl/(worksheets|chartsheets)/[^/]+\.xml", n)]
        if len(sheets) > MAX_SHEETS:
            raise _reject(f"Excelfilen har {len(sheets)} blad (högst {MAX_SHEETS}). Spara tabellen i en egen fil.")
        for info in infos:
            if info.filename.lower().endswith((".xml", ".rels", ".vml")):
                self._check_prolog(info)
        self.sheets = self._sheets()

    def _check_prolog(self, info: zipfile.ZipInfo) -> None:
        """No XML part may carry a DTD: that is where entities (the 'billion laughs') are declared."""
        try:
            with self.zip.open(info) as f:
                head = f.read(PROLOG_BYTES)
        except (zipfile.BadZipFile, OSError, EOFError, NotImplementedError, RuntimeError, ValueError):
            raise _reject(f"Excelfilen kan inte läsas (delen {_show(info.filename)} är trasig).") from None
        if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
            text = head.decode("utf-16", errors="ignore")
        elif head.startswith((b"<\x00", b"\x00<")):
            text = head.decode("utf-16-le" if head[0] == 0x3C else "utf-16-be", errors="ignore")
        else:
            text = head.decode("latin-1")
        i, n = 0, len(text)
        while True:
            while i < n and text[i] in "\ufeff \t\r\n":
                i += 1
            if text.startswith("<?", i):
                end = text.find("?>", i + 2)
                step = 2
            elif text.startswith("<!--", i):
                end = text.find("-->", i + 4)
                step = 3
            elif text.startswith("<!", i):
                raise _reject(DTD_REFUSED)
            else:
                return  # the root element (or not XML at all, which the parser will say)
            if end < 0:
                if info.file_size <= len(head):
                    return
                raise _reject(f"Excelfilen har en ovanlig XML-del ({_show(info.filename)}); den läses inte.")
            i = end + step

    def _parse(self, member: str, start=None, end=None, text=None) -> None:
        parser = _expat()
        if start:
            parser.StartElementHandler = start
        if end:
            parser.EndElementHandler = end
        if text:
            parser.CharacterDataHandler = text
        try:
            with self.zip.open(member) as f:
                while chunk := f.read(64 * 1024):
                    parser.Parse(chunk, False)
                parser.Parse(b"", True)
        except _Stop as stop:
            raise stop.problem from None
        except (expat.ExpatError, zipfile.BadZipFile, OSError, EOFError, NotImplementedError, RuntimeError, ValueError):
            raise _reject(f"Excelfilen kan inte läsas (delen {_show(member)} är trasig).") from None

    def _rels(self, part: str) -> dict[str, tuple[str, str]]:
        """Relationship id → (target part as a zip member name, relationship type) for one part ('' = the
        package)."""
        folder = PurePosixPath(part).parent if part else PurePosixPath("")
        rels_name = f"{folder}/_rels/{PurePosixPath(part).name}.rels" if part else "_rels/.rels"
        rels_name = rels_name.removeprefix("./")
        found: dict[str, tuple[str, str]] = {}
        if rels_name not in self.names:
            return found

        def start(name, attrs):
            if _local(name) != "Relationship" or attrs.get("TargetMode") == "External":
                return
            if len(found) > MAX_PARTS:
                raise _Stop(_reject("Excelfilen har för många relationer; den läses inte."))
            target = attrs.get("Target", "")
            path = target if target.startswith("/") else f"{folder}/{target}"
            parts: list[str] = []
            for piece in path.split("/"):
                if piece == "..":
                    parts = parts[:-1]
                elif piece not in ("", "."):
                    parts.append(piece)
            found[attrs.get("Id", "")] = ("/".join(parts), attrs.get("Type", ""))

        self._parse(rels_name, start=start)
        return found

    def _sheets(self) -> dict[str, str]:
        """Sheet name → worksheet part, in the workbook's order."""
        book = next(
            (t for t, kind in self._rels("").values() if kind.endswith("/officeDocument") and t in self.names),
            "xl/workbook.xml",
        )
        if book not in self.names:
            raise _reject("Excelfilen kan inte läsas (den saknar en arbetsbok).")
        self.book_rels = self._rels(book)
        sheets: dict[str, str] = {}

        def start(name, attrs):
            if _local(name) != "sheet":
                return
            if len(sheets) >= MAX_SHEETS:
                raise _Stop(_reject(f"Excelfilen har fler än {MAX_SHEETS} blad. Spara tabellen i en egen fil."))
            rid = next((v for k, v in attrs.items() if ":" in k and _local(k) == "id"), "")
            sheets[attrs.get("name", f"Blad{len(sheets) + 1}")] = self.book_rels.get(rid, ("", ""))[0]

        self._parse(book, start=start)
        if not sheets:
            raise _reject("Excelfilen har inga blad.")
        return sheets

    def sheet_part(self, sheet: str | None) -> tuple[str, str]:
        if sheet and sheet not in self.sheets:
            names = ", ".join(_show(s) for s in self.sheets)
            raise _reject(f"Bladet ”{_show(sheet)}” finns inte. Bladen heter: {names}.")
        name = sheet or next(iter(self.sheets))
        part = self.sheets[name]
        if part not in self.names:
            raise _reject(f"Excelfilen kan inte läsas (bladet ”{_show(name)}” saknas i filen).")
        return name, part

    def check(self, sheet: str | None) -> None:
        """The sheet's declared size, from the first bytes of its XML (`<dimension ref="A1:E200"/>`), then its
        real number of rows and cells, counted in the unpacked bytes without parsing them (the declaration can
        lie; counting runs at memory speed, parsing a hundred times slower)."""
        name, part = self.sheet_part(sheet)
        with self.zip.open(part) as f:
            head = f.read(PROLOG_BYTES).decode("utf-8", errors="ignore")
        found = re.search(r"<(?:\w+:)?dimension\s[^>]*?ref\s*=\s*[\"']([^\"']+)[\"']", head)
        size = _dimension(found.group(1)) if found else None
        if size is not None:
            rows, last_column = size
            if rows > MAX_ROWS + 1 or last_column > MAX_COLUMNS:
                raise _reject(
                    f"Bladet ”{_show(name)}” är {number(rows, 0)} rader och {number(last_column, 0)} kolumner stort "
                    f"(högst {number(MAX_ROWS, 0)} rader och {MAX_COLUMNS} kolumner). Kopiera bara tabellen till "
                    "ett nytt blad."
                )
        rows = cells = 0
        tail = b""
        try:
            with self.zip.open(part) as f:
                while chunk := f.read(1024 * 1024):
                    data = tail + chunk
                    rows += sum(data.count(t) - tail.count(t) for t in _ROW_TAGS)
                    cells += sum(data.count(t) - tail.count(t) for t in _CELL_TAGS)
                    if rows > MAX_ROWS + 1 or cells > MAX_CELLS:
                        raise _reject(
                            f"Bladet ”{_show(name)}” har fler än {number(MAX_ROWS, 0)} rader eller "
                            f"{number(MAX_CELLS, 0)} celler. Kopiera bara tabellen till ett nytt blad."
                        )
                    tail = data[-5:]
        except ImportRejected:
            raise
        except (zipfile.BadZipFile, OSError, EOFError, NotImplementedError, RuntimeError, ValueError):
            raise _reject(f"Excelfilen kan inte läsas (delen {_show(part)} är trasig).") from None

    def _shared_strings(self) -> list[str]:
        part = next((t for t, kind in self.book_rels.values() if kind.endswith("/sharedStrings")), "")
        if part not in self.names:
            part = "xl/sharedStrings.xml" if "xl/sharedStrings.xml" in self.names else ""
        strings: list[str] = []
        if not part:
            return strings
        state = {"depth_rph": 0, "in_t": False, "buf": [], "size": 0}

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

        self._parse(part, start, end, text)
        return strings

    def rows(self, sheet: str | None) -> list[tuple[int, list[str]]]:
        """(row number, cell texts) for every non-empty row, capped while reading. The handlers keep their state
        in closure variables: they run five times per cell, so this is the hot path of an XLSX import."""
        name, part = self.sheet_part(sheet)
        shared = self._shared_strings()
        rows: list[tuple[int, list[str]]] = []
        row = col = seen_rows = seen_cells = size = phonetic = 0
        cells: dict[int, str] = {}
        kind, value, inline, buf, capture = "n", None, [], [], False
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

        self._parse(part, start, end, text)
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


# --- CSV ----------------------------------------------------------------------------------------------------------


def decode(raw: bytes) -> str:
    """UTF-8 (with or without BOM), UTF-16 (with a BOM, or without one when the NUL pattern shows it), else
    Windows-1252 (what Excel writes for Swedish CSV). `ImportRejected` with a message naming the encoding."""
    if raw.startswith((codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE)):
        raise _reject("Filen är i UTF-32, som inte stöds. Spara den som CSV (UTF-8).")
    encoding = None
    if raw.startswith(codecs.BOM_UTF8):
        try:
            return raw[3:].decode("utf-8")
        except UnicodeDecodeError:
            raise _reject("Filen börjar som UTF-8 men innehåller ogiltiga tecken. Spara den som CSV (UTF-8).") from None
    if raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        encoding = "utf-16"
    elif b"\x00" in raw[:4096]:
        sample = raw[:4096]
        even, odd = sample[0::2].count(0), sample[1::2].count(0)
        half = len(sample) / 2
        if odd > 0.3 * half and even < 0.05 * half:
            encoding = "utf-16-le"
        elif even > 0.3 * half and odd < 0.05 * half:
            encoding = "utf-16-be"
        else:
            raise _reject("Filen innehåller nolltecken och är ingen textfil. Spara den som CSV (UTF-8).")
    if encoding:
        try:
            return raw.decode(encoding).removeprefix("\ufeff")
        except UnicodeDecodeError:
            raise _reject(
                "Filen ser ut att vara i UTF-16 men kan inte avkodas som UTF-16. Spara den som CSV (UTF-8)."
            ) from None
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        pass
    try:
        return raw.decode("cp1252")
    except UnicodeDecodeError:
        raise _reject(
            "Filen är varken UTF-8, UTF-16 eller Windows-1252 och kan inte läsas. Spara den som CSV (UTF-8)."
        ) from None


def _csv_rows(raw: bytes) -> list[tuple[int, list[str]]]:
    """(line number, fields) for every non-blank record; rows, columns, cells and line length capped while
    reading, so a hostile file costs at most one line of work past a limit."""
    text = decode(raw)
    if "\x00" in text:
        raise _reject("Filen innehåller nolltecken och är ingen textfil. Spara den som CSV (UTF-8).")
    lines = text.count("\n") + 1 if "\n" in text else text.count("\r") + 1
    if lines > MAX_ROWS + 1:  # count before reading: counting runs at memory speed, csv parsing 50 times slower
        lines -= len(re.findall(r"(?m)^[ \t\r;,]*$", text))  # blank lines are skipped, so they do not count
        if lines > MAX_ROWS + 1:
            raise _reject(f"För många rader ({number(lines - 1, 0)}; högst {number(MAX_ROWS, 0)}).")
    cut = re.search(r"[\r\n]", text[: MAX_LINE_CHARS + 1])
    first = text[: cut.start()] if cut else text[: MAX_LINE_CHARS + 1]
    delimiter = ";" if first.count(";") >= first.count(",") and ";" in first else ","
    if delimiter == "," and "\t" in first:
        delimiter = "\t"

    def lines():
        for number_, line in enumerate(io.StringIO(text, newline=""), 1):
            if len(line) > MAX_LINE_CHARS:
                columns = line.count(delimiter) + 1
                raise _reject(
                    f"Raden har {number(columns, 0)} kolumner (högst {MAX_COLUMNS})."
                    if columns > MAX_COLUMNS
                    else f"Raden är för lång ({number(len(line), 0)} tecken; högst {number(MAX_LINE_CHARS, 0)}).",
                    number_,
                )
            yield line

    # csv.field_size_limit is process-wide (other sessions' threads share it), so it is left at its default of
    # 131 072 characters; fields are capped below at MAX_FIELD_CHARS.
    reader = csv.reader(lines(), delimiter=delimiter)
    rows: list[tuple[int, list[str]]] = []
    cells = 0
    try:
        line = 1  # where the next record starts (a quoted field may span lines)
        for fields in reader:
            start, line = line, reader.line_num + 1
            if len(fields) > MAX_COLUMNS:
                raise _reject(f"Raden har {number(len(fields), 0)} kolumner (högst {MAX_COLUMNS}).", start)
            joined = "".join(fields)
            if not joined.strip():
                continue
            if len(joined) > MAX_FIELD_CHARS and max(map(len, fields)) > MAX_FIELD_CHARS:
                raise _reject(f"Ett fält är för långt (högst {number(MAX_FIELD_CHARS, 0)} tecken).", start)
            cells += len(fields)
            if len(rows) > MAX_ROWS or cells > MAX_CELLS:
                raise _reject(f"För många rader (högst {number(MAX_ROWS, 0)}).", start)
            rows.append((start, fields))
    except csv.Error:
        raise _reject(
            "CSV-filen kan inte tolkas: ett fält är för långt – saknas ett avslutande citattecken?", line
        ) from None
    return rows


# --- The table ----------------------------------------------------------------------------------------------------


def read_table(raw: bytes, filename: str, sheet: str | None = None) -> pd.DataFrame:
    """The file as a table of strings whose index is the spreadsheet row number − 2 (the header is row 1);
    `ImportRejected` for an empty, oversized, hostile or unreadable file. Checks the file first (`check_file`)."""
    raw = check_file(raw, filename, sheet)
    if PurePosixPath(filename.lower()).suffix in XLSX_SUFFIXES:
        records = _Workbook(raw).rows(sheet)
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


def parse_number(text) -> float:
    """'1 234,5' / '1\u00a0234,5' / '−3,2' / '12.5' / '1,5E-3' / 12.5 → float; raises ValueError, and
    `NotFinite` for a number too large to be a finite float (`1` followed by 400 zeros is not infinity)."""
    if isinstance(text, int | float) and not isinstance(text, bool):
        if not np.isfinite(text):
            raise NotFinite(text)
        return float(text)
    s = str(text).strip().replace("\u2212", "-").replace("\u00a0", "").replace("\u202f", "").replace(" ", "")
    if s.endswith("%"):
        s = s[:-1]
    if re.fullmatch(r"-?\d{1,3}(\.\d{3})+,\d+", s):  # 1.234,5
        s = s.replace(".", "")
    s = s.replace(",", ".")
    if not re.fullmatch(r"-?(\d+(\.\d*)?|\.\d+)([eE][-+]?\d{1,5})?", s):
        raise ValueError(text)
    value = float(s)
    if not math.isfinite(value):
        raise NotFinite(text)
    return value


def parse_year(text) -> int:
    """A whole year: '2017', ' 2017 ', 2017 or '2017.0' (how a spreadsheet may store it) – never '2017,9',
    '2017.5', '2017%' or '20 17', which used to be truncated to a year silently. Raises ValueError."""
    if isinstance(text, int) and not isinstance(text, bool):
        return text
    if isinstance(text, float):
        if text.is_integer():
            return int(text)
        raise ValueError(text)
    found = re.fullmatch(r"(\d{4})(?:[.,]0+)?", str(text).strip())
    if not found:
        raise ValueError(text)
    return int(found.group(1))


def _key(text) -> str:
    return " ".join(str(text).casefold().split())


def _find(columns: list[str], role: str) -> str | None:
    lookup = {_key(c): c for c in columns}
    return next((lookup[a] for a in ALIASES[role] if a in lookup), None)


def parse_values(
    frame: pd.DataFrame,
    areas: pd.DataFrame,
    indicators: pd.DataFrame,
    years: tuple[int, int],
    default_source: str = "",
) -> Parsed:
    """Check a table against the data model and return clean long values plus every problem found.

    `areas` has code, name; `indicators` has code, name, unit, value_min, value_max; `years` is (first, last).
    A value must be finite and within its indicator's bounds; a column that would not be read is a problem, so
    nothing in a file is silently ignored."""
    problems: list[Problem] = []
    area_of = {_key(c): c for c in areas["code"]} | {
        _key(n): c for n, c in zip(areas["name"], areas["code"], strict=True)
    }
    ind_of = {_key(c): c for c in indicators["code"]} | {
        _key(n): c for n, c in zip(indicators["name"], indicators["code"], strict=True)
    }
    cols = [str(c) for c in frame.columns]
    if len({_key(c) for c in cols}) < len(cols):
        return Parsed(pd.DataFrame(), [Problem(1, None, "Samma kolumnrubrik finns flera gånger.")])
    frame = frame.set_axis(cols, axis=1)
    area_col, year_col = _find(cols, "stadsdel"), _find(cols, "år")
    ind_col, value_col, source_col = _find(cols, "indikator"), _find(cols, "värde"), _find(cols, "källa")
    wide_cols = [c for c in cols if _key(c) in ind_of and c not in (area_col, year_col, source_col)]
    blank = [""] * len(frame)
    column = {c: frame[c].tolist() for c in cols} | {None: blank}  # plain lists: pandas per cell is slow
    lines = [int(i) + 2 for i in frame.index]  # the header is row 1
    areas_in, years_in, sources_in = column[area_col], column[year_col], column[source_col]
    if ind_col and value_col:
        layout = "lång"
        records = zip(
            lines, areas_in, column[ind_col], years_in, column[value_col], sources_in,
            [ind_col] * len(frame), [value_col] * len(frame), strict=True,
        )  # fmt: skip
        used = (area_col, ind_col, year_col, value_col, source_col)
        problems += [_unread_long_column(c, ind_of) for c in cols if c not in used]
    elif wide_cols:
        layout = "bred"
        records = (
            (lines[k], areas_in[k], c, years_in[k], column[c][k], sources_in[k], c, c)
            for k in range(len(frame))
            for c in wide_cols
        )
        unknown = [c for c in cols if c not in (area_col, year_col, source_col) and c not in wide_cols]
        for c in unknown:
            problems.append(Problem(1, _show(c), f"Okänd indikator ”{_show(c)}” (kolumnrubrik)."))
    else:
        missing = [name for name in LONG_COLUMNS if not _find(cols, name)]
        return Parsed(
            pd.DataFrame(),
            [Problem(1, None, "Kolumner saknas: " + ", ".join(missing) + ". Ladda ner en mall för rätt format.")],
        )
    for role, col in (("stadsdel", area_col), ("år", year_col)):
        if col is None:
            problems.append(Problem(1, None, f"Kolumnen ”{role}” saknas."))
    if problems and (area_col is None or year_col is None):
        return Parsed(pd.DataFrame(), problems, layout)

    bounds = {
        code: (lo, hi, unit)
        for code, lo, hi, unit in zip(
            indicators["code"], indicators["value_min"], indicators["value_max"], indicators["unit"], strict=True
        )
    }
    checks = _RecordChecks(area_of, ind_of, bounds, years, area_col, year_col, source_col, default_source)
    rows = _check_records(records, checks, problems)
    if not rows and not problems:
        problems.append(Problem(None, None, "Filen innehåller inga värden."))
    values = pd.DataFrame(rows, columns=["area_code", "indicator_code", "year", "value", "source"])
    return Parsed(values if not problems else values.iloc[0:0], problems, layout)


def _unread_long_column(c: str, ind_of: dict[str, str]) -> Problem:
    """The problem for a column a long-layout file has beyond the five it reads: nothing in a file may be
    silently ignored, and an indicator column there means the user mixed the two layouts."""
    if _key(c) in ind_of:
        message = (
            f"Kolumnen ”{_show(c)}” är en indikator, men filen har lång layout (indikator och värde i egna "
            "kolumner); den skulle inte läsas in. Ta bort den eller använd bred layout."
        )
    else:
        message = f"Okänd kolumn ”{_show(c)}”; den skulle inte läsas in. Ta bort den."
    return Problem(1, _show(c), message)


@dataclass(frozen=True)
class _RecordChecks:
    """What every record of one file is checked against; one object so the per-record helpers stay short."""

    area_of: dict[str, str]
    ind_of: dict[str, str]
    bounds: dict[str, tuple]
    years: tuple[int, int]
    area_col: str | None
    year_col: str | None
    source_col: str | None
    default_source: str


def _check_records(records, checks: _RecordChecks, problems: list[Problem]) -> list[dict]:
    """The clean value rows of a file, appending a problem per fault in file order; stops after `MAX_PROBLEMS`
    because a wrong file would otherwise bury the first, most useful problems under thousands."""
    rows, seen = [], {}
    for line, area, ind, year, value, source, ind_column, value_column in records:
        if len(problems) >= MAX_PROBLEMS:
            problems.append(
                Problem(None, None, f"Fler än {MAX_PROBLEMS} problem; resten av filen kontrollerades inte.")
            )
            break
        if str(value).strip() == "":
            continue  # an empty cell in a wide file is simply no value
        code = checks.area_of.get(_key(area))
        if code is None:
            problems.append(Problem(line, checks.area_col, f"Okänd stadsdel ”{_show(area)}”."))
        icode = checks.ind_of.get(_key(ind))
        if icode is None:
            problems.append(Problem(line, ind_column, f"Okänd indikator ”{_show(ind)}”."))
        y = _check_year(year, checks.years, line, checks.year_col, problems)
        v = _check_value(value, icode, checks.bounds, line, value_column, problems)
        if code and icode and y is not None:
            key = (code, icode, y)
            if key in seen:
                problems.append(
                    Problem(line, None, f"Samma stadsdel, indikator och år finns redan på rad {seen[key]}.")
                )
            seen[key] = line
        src = str(source).strip() or checks.default_source
        if not src and v is not None:
            problems.append(
                Problem(
                    line,
                    checks.source_col or "källa",
                    "Källa saknas (ange en kolumn källa eller en källa för hela filen).",
                )
            )
        rows.append({"area_code": code, "indicator_code": icode, "year": y, "value": v, "source": src})
    return rows


def _check_value(value, icode: str | None, bounds: dict, line: int, column: str, problems: list[Problem]):
    """A cell's value as a float, or None with a problem when it is not a finite number or lies outside what
    the indicator's unit allows (a share over 100 % is a typo, not a finding)."""
    try:
        v = parse_number(value)
    except NotFinite:
        problems.append(Problem(line, column, f"Värdet ”{_show(value)}” är för stort (inte ett ändligt tal)."))
        return None
    except ValueError:
        problems.append(Problem(line, column, f"Värdet ”{_show(value)}” är inte ett tal."))
        return None
    if icode is not None:
        lo, hi, unit = bounds[icode]
        if (pd.notna(lo) and v < lo) or (pd.notna(hi) and v > hi):
            allowed = f"{_sv(lo)}–{_sv(hi)}" if pd.notna(hi) else f"minst {_sv(lo)}"
            problems.append(
                Problem(line, column, f"Värdet {_sv(v)} ligger utanför det möjliga för {unit} ({allowed}).")
            )
    return v


def _check_year(year, years: tuple[int, int], line: int, column: str | None, problems: list[Problem]) -> int | None:
    shown = _show(str(year).strip())
    try:
        y = parse_year(year)
    except ValueError:
        if not shown:
            problems.append(Problem(line, column, "Året saknas."))
        elif re.search(r"\d", shown):
            problems.append(Problem(line, column, f"Året ”{shown}” är inte ett helt årtal."))
        else:
            problems.append(Problem(line, column, f"Året ”{shown}” är inte ett årtal."))
        return None
    if not years[0] <= y <= years[1]:
        problems.append(Problem(line, column, f"Året {y} ligger utanför {years[0]}–{years[1]}."))
    return y


def preview(new: pd.DataFrame, current: pd.DataFrame, sample: int = 8) -> dict:
    """What an import would change: counts of new, changed and unchanged values and a sample before → after."""
    keys = ["area_code", "indicator_code", "year"]
    merged = new.merge(current[[*keys, "value", "synthetic"]], on=keys, how="left", suffixes=("", "_before"))
    is_new = merged["value_before"].isna()
    same = ~is_new & np.isclose(merged["value"], merged["value_before"]) & ~merged["synthetic"].fillna(False)
    changed = ~is_new & ~same
    return {
        "new": int(is_new.sum()),
        "changed": int(changed.sum()),
        "unchanged": int(same.sum()),
        "sample": merged[changed | is_new].head(sample)[[*keys, "value_before", "value"]],
    }


def template(layout: str, areas: pd.DataFrame, indicators: pd.DataFrame, year: int) -> pd.DataFrame:
    """An example file in the long or wide layout, with the real names filled in and empty values."""
    sample_areas = areas["name"].head(3).tolist()
    if layout == "long":
        return pd.DataFrame(
            [
                {"stadsdel": a, "indikator": i, "år": year, "värde": "", "källa": ""}
                for a in sample_areas
                for i in indicators["name"].head(2)
            ]
        )
    frame = pd.DataFrame({"stadsdel": sample_areas, "år": year, "källa": ""})
    for name in indicators["name"]:
        frame[name] = ""
    return frame
