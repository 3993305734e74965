"""What every step of reading a city file shares: the limits that bound the work, and the problem types.

The limits are one table so the page can quote them to the user and the tests can build files just past them.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from lib.fmt import number
from lib.problems import ProblemsError

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


class ImportRejected(ProblemsError):
    """The file was refused before any value was kept; `problems` are `Problem`s with row and column."""

    heading = "Filen lästes inte in"


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


def _key(text) -> str:
    """A header or name as compared: case-insensitive (å, ä, ö included), runs of whitespace as one space."""
    return " ".join(str(text).casefold().split())
