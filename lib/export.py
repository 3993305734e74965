"""Downloads as CSV and XLSX that a spreadsheet opens as data, never as formulas.

Goal texts, plan texts and imported names reach the downloads as they were typed. A spreadsheet treats a cell
that starts with `=`, `+`, `-` or `@` (and, after a tab or carriage return, often the same) as a formula, so a
text such as `=HYPERLINK("http://…","klick")` would become a live link or worse when a planner opens the file.
Following OWASP's advice on CSV injection every such text cell – and every such column header – gets a leading
apostrophe, which spreadsheets show as text. Numeric cells are left alone: a number is never a formula, and it must
stay a number to be summed. The rule is deliberately blunt: a text like "-2+3" is a formula in Excel, and telling a
harmless "-3,2" from it is not worth the risk, so every text that starts with a trigger is neutralised.
"""

from __future__ import annotations

import io

import pandas as pd

#: First characters that make a spreadsheet read a cell as a formula (OWASP), plus their full-width forms, which
#: some spreadsheet locales normalise to the ASCII ones on input.
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r", "\uff1d", "\uff0b", "\uff0d", "\uff20")
QUOTE = "'"
#: Characters a spreadsheet may drop before it looks for a formula (a "trim spaces" import option, invisible
#: characters): a trigger behind them is neutralised too.
_INVISIBLE = "".join(chr(c) for c in range(0x21)) + "\x7f\u00a0\u200b\u200c\u200d\u2060\u202f\u3000\ufeff"


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
