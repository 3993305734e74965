"""Downloads as CSV and XLSX that a spreadsheet opens as data, never as formulas – and, through `prepare`, the one
way every table leaves the app: rounded per indicator, in Swedish words, marked syntetisk/verklig with its source.

CSV is written for Swedish Excel (semicolon, decimal comma, UTF-8 with BOM, CR LF) and stays machine-readable: no
thousands separator, numbers as numbers.

Goal texts, plan texts and imported names reach the downloads as they were typed. A spreadsheet treats a cell
that starts with `=`, `+`, `-` or `@` (and, after a tab or carriage return, often the same) as a formula, so a
text such as `=HYPERLINK("http://…","klick")` would become a live link or worse when a planner opens the file.
Following OWASP's advice on CSV injection every such text cell – and every such column header – gets a leading
apostrophe, which spreadsheets show as text. Numeric cells are left alone: a number is never a formula, and it must
stay a number to be summed. The rule is deliberately blunt: a text like "-2+3" is a formula in Excel, and telling a
harmless "-3,2" from it is not worth the risk, so every text that starts with a trigger is neutralised.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

#: First characters that make a spreadsheet read a cell as a formula (OWASP), plus their full-width forms, which
#: some spreadsheet locales normalise to the ASCII ones on input.
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r", "\uff1d", "\uff0b", "\uff0d", "\uff20")
QUOTE = "'"
#: Characters a spreadsheet may drop before it looks for a formula (a "trim spaces" import option, invisible
#: characters, every Unicode space – NEL included): a trigger behind them is neutralised too.
_INVISIBLE = (
    "".join(chr(c) for c in range(0x21))
    + "\x7f\x85\u00a0\u1680\u2028\u2029\u205f\u200b\u200c\u200d\u2060\u202f\u3000\ufeff"
    + "".join(chr(c) for c in range(0x2000, 0x200B))
)


def neutralise(value: object) -> object:
    """`value` with a leading apostrophe when it is a text that a spreadsheet would read as a formula."""
    if isinstance(value, str) and (
        value.startswith(FORMULA_TRIGGERS) or value.lstrip(_INVISIBLE).startswith(FORMULA_TRIGGERS)
    ):
        return QUOTE + value
    return value


def inert(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy of `frame` in which no text cell and no column header starts with a formula trigger.

    Only text cells change (numeric columns, numbers in mixed columns and missing values keep their type), so the
    downloads still sum and sort as numbers."""
    out = frame.copy()
    out.columns = pd.Index([neutralise(c) for c in out.columns], tupleize_cols=False)
    for i in range(out.shape[1]):
        column = out.iloc[:, i]
        if pd.api.types.is_numeric_dtype(column) or pd.api.types.is_datetime64_any_dtype(column):
            continue
        out.isetitem(i, column.astype(object).map(neutralise))
    return out


def csv_bytes(frame: pd.DataFrame) -> bytes:
    """CSV that opens in Swedish Excel: semicolon, decimal comma, UTF-8 with BOM; inert (see `inert`).

    Lines end in CR LF (RFC 4180) because the csv module quotes only the characters of the line terminator: with a
    bare LF a carriage return inside a text would go out unquoted, the spreadsheet would start a new row there, and
    whatever followed it – say `=HYPERLINK(…)` – would open as a cell of its own, past the check."""
    return inert(frame).to_csv(index=False, sep=";", decimal=",", lineterminator="\r\n").encode("utf-8-sig")


def _xml_safe(frame: pd.DataFrame) -> pd.DataFrame:
    """Control characters that XML (and so XLSX) cannot hold removed from text cells and headers: openpyxl refuses
    them, and one stray character in a pasted goal text must not make the whole download fail."""
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    def clean(value: object) -> object:
        return ILLEGAL_CHARACTERS_RE.sub("", value) if isinstance(value, str) else value

    out = frame.copy()
    out.columns = pd.Index([clean(c) for c in out.columns], tupleize_cols=False)
    for i in range(out.shape[1]):
        column = out.iloc[:, i]
        if pd.api.types.is_object_dtype(column) or pd.api.types.is_string_dtype(column):
            out.isetitem(i, column.astype(object).map(clean))
    return out


def xlsx_bytes(frame: pd.DataFrame, sheet: str = "Data") -> bytes:
    """One-sheet XLSX of `frame`, inert (see `inert`). Control characters XML cannot hold are dropped first (they
    could hide a trigger), and any cell openpyxl would still store as a formula is stored as text."""
    buffer = io.BytesIO()
    with pd.ExcelWriter(buffer, engine="openpyxl") as writer:
        inert(_xml_safe(frame)).to_excel(writer, index=False, sheet_name=sheet[:31])
        for row in writer.sheets[sheet[:31]].iter_rows():
            for cell in row:
                if cell.data_type == "f":
                    cell.data_type = "s"
    return buffer.getvalue()


# --- Every exported table: rounded, in Swedish words, and marked ------------------------------------------------

#: The marking column every exported table of values carries, and its words: a value (or a figure made from values)
#: is "syntetisk" when any value in it is modelled, "verklig" when all are published statistics, and "illustrativ"
#: when it is an invented example (a goal's target, say) rather than a measurement.
MARK = "Syntetisk/verklig"
SOURCE = "Källa"
SYNTHETIC, REAL, ILLUSTRATIVE = "syntetisk", "verklig", "illustrativ"
MARKS = (SYNTHETIC, REAL, ILLUSTRATIVE)
_READY = "export_ready"


class UnmarkedExport(ValueError):
    """A table of values about to leave the app without its marking or its source, or with a number whose
    rounding nobody stated: refused, because a sheet that loses "syntetisk" on the way out misleads."""


def mark(synthetic: object) -> str:
    """'syntetisk' or 'verklig' for one value's flag (a missing flag counts as modelled: never claim real)."""
    if synthetic is None or (isinstance(synthetic, float) and np.isnan(synthetic)):
        return SYNTHETIC
    return SYNTHETIC if bool(synthetic) else REAL


def _column(frame: pd.DataFrame, name: str, given: str | Sequence[str] | pd.Series | None) -> pd.DataFrame:
    """`frame` with the column `name`: kept when the table has it, else made from `given`; refused without both."""
    if given is None:
        if name not in frame.columns:
            raise UnmarkedExport(f"Tabellen saknar kolumnen {name}.")
        return frame
    values = given.to_numpy() if isinstance(given, pd.Series) else given
    return frame.assign(**{name: values})


def _rounded(column: pd.Series, places: int | Sequence[int]) -> pd.Series:
    """`column` rounded to `places` (one number for the column, or one per row); whole numbers become integers."""
    numbers = pd.to_numeric(column, errors="coerce")
    if isinstance(places, int):
        out = numbers.round(places)
        return out.astype("Int64") if places <= 0 else out
    rounded = [v if pd.isna(v) else round(float(v), int(p)) for v, p in zip(numbers, places, strict=True)]
    return pd.Series(rounded, index=column.index, dtype="float64")


def _cell(value: object, names: Mapping[str, str], with_time: bool) -> object:
    """One text cell in Swedish: ja/nej, dates without times (unless the time is the point), no None/NaN, and an
    indicator's name instead of its key."""
    if value is None or value is pd.NA or value is pd.NaT:
        return ""
    if isinstance(value, bool | np.bool_):
        return "ja" if value else "nej"
    if isinstance(value, float) and np.isnan(value):
        return ""
    if isinstance(value, dt.datetime | pd.Timestamp):
        return f"{value:%Y-%m-%d %H:%M}" if with_time else f"{value:%Y-%m-%d}"
    if isinstance(value, dt.date):
        return f"{value:%Y-%m-%d}"
    if isinstance(value, str):
        return names.get(value, value)
    return value


def prepare(
    frame: pd.DataFrame,
    *,
    marking: str | Sequence[str] | pd.Series | None = None,
    source: str | Sequence[str] | pd.Series | None = None,
    decimals: Mapping[str, int | Sequence[int]] | None = None,
    names: Mapping[str, str] | None = None,
    times: Sequence[str] = (),
    values: bool = True,
) -> pd.DataFrame:
    """The one way a table leaves the app (every download and the CLI): each number rounded as stated, flags as
    ja/nej, dates without times, nothing shown as None or NaN, indicator keys replaced by their Swedish names, and
    – unless the table carries no `values` (an empty form to fill in, a catalogue, an editor's own unsaved
    rows) – the columns `MARK` and `SOURCE`.

    `marking`/`source`: one text for every row, one per row, or None when the table already has the column.
    `decimals`: per numeric column with fractions, its places (one for the column or one per row, from each
    indicator's metadata). A table of values without its marking or source, a marking outside `MARKS`, or a
    fractional column without stated decimals is refused (`UnmarkedExport`): better no download than a
    misleading one. `times`: the columns where the time of day is the point (an audit trail); `names`: indicator
    code → name, for headers and cells that would otherwise show a raw key."""
    names = dict(names or {})
    out = frame.copy()
    out.columns = pd.Index([names.get(c, c) if isinstance(c, str) else c for c in out.columns], tupleize_cols=False)
    if values:
        out = _column(_column(out, MARK, marking), SOURCE, source)
        cols = [c for c in out.columns if c not in (MARK, SOURCE)]
        out = out[[*cols, MARK, SOURCE]]
        unknown = set(out[MARK].dropna().astype(str)) - set(MARKS)
        if unknown or out[MARK].isna().any():
            raise UnmarkedExport(f"Okänd märkning: {', '.join(sorted(unknown)) or 'tom'}.")
        if (out[SOURCE].isna() | (out[SOURCE].astype(str).str.strip() == "")).any():
            raise UnmarkedExport("En rad saknar källa.")
    places = dict(decimals or {})
    for i, name in enumerate(out.columns):
        column = out.iloc[:, i]
        if pd.api.types.is_bool_dtype(column):
            out.isetitem(i, column.map(lambda v: "ja" if v else "nej"))
        elif pd.api.types.is_datetime64_any_dtype(column):
            out.isetitem(i, column.map(lambda v, t=name in times: _cell(v, names, t)).astype(object))
        elif pd.api.types.is_float_dtype(column):
            if name in places:
                out.isetitem(i, _rounded(column, places[name]))
            elif values and not (column.dropna() == column.dropna().round(0)).all():
                raise UnmarkedExport(f"Kolumnen {name} har decimaler men ingen angiven avrundning.")
            else:
                out.isetitem(i, column.astype("Int64") if column.notna().any() and values else column)
        elif pd.api.types.is_object_dtype(column) or pd.api.types.is_string_dtype(column):
            if name in places:
                out.isetitem(i, _rounded(column, places[name]))
            else:
                cells = column.astype(object).map(lambda v, t=name in times: _cell(v, names, t))
                if values and any(isinstance(v, float) and v != round(v) for v in cells):
                    raise UnmarkedExport(f"Kolumnen {name} har decimaler men ingen angiven avrundning.")
                out.isetitem(i, cells)
    out.attrs[_READY] = True
    return out


def is_prepared(frame: pd.DataFrame) -> bool:
    """Whether `frame` came out of `prepare` (the download buttons take nothing else)."""
    return bool(frame.attrs.get(_READY))
