"""An XLSX read from its zip directory first: parts, unpacked size, compression ratio, sheets, every XML part's
prolog (no DTD, so no entity expansion) and the sheet's declared and counted size – all before a cell is parsed.

The cells themselves are read by `lib.importer.xlsx_rows`, a small streaming expat reader.
"""

from __future__ import annotations

import codecs
import io
import re
import zipfile
from pathlib import PurePosixPath
from xml.parsers import expat

from lib.fmt import number
from lib.importer.base import (
    MAX_CELLS,
    MAX_COLUMNS,
    MAX_PARTS,
    MAX_RATIO,
    MAX_ROWS,
    MAX_SHEETS,
    MAX_UNPACKED,
    PROLOG_BYTES,
    RATIO_FROM,
    ImportRejected,
    _mb,
    _reject,
    _show,
)


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
    if not parts or len(parts) > 2:
        return None
    first, last = parts[0], parts[-1]
    if first is None or last is None:
        return None
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

    def parse(self, member: str, start=None, end=None, text=None) -> None:
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

        self.parse(rels_name, start=start)
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

        self.parse(book, start=start)
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
