"""The CSV reader: the encoding guessed the way a Swedish Excel user's file needs, the delimiter from the header
line, and rows, columns, cells and line length capped while reading."""

from __future__ import annotations

import codecs
import csv
import io
import re

from lib.fmt import number
from lib.importer.base import MAX_CELLS, MAX_COLUMNS, MAX_FIELD_CHARS, MAX_LINE_CHARS, MAX_ROWS, _reject


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
    line_count = text.count("\n") + 1 if "\n" in text else text.count("\r") + 1
    if line_count > MAX_ROWS + 1:  # count before reading: counting runs at memory speed, csv parsing 50× slower
        line_count -= len(re.findall(r"(?m)^[ \t\r;,]*$", text))  # blank lines are skipped, so they do not count
        if line_count > MAX_ROWS + 1:
            raise _reject(f"För många rader ({number(line_count - 1, 0)}; högst {number(MAX_ROWS, 0)}).")
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
