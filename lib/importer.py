"""Reading the city's own figures: CSV or XLSX, long or wide, with Swedish number formats and encodings.

Every problem is reported with its row, column and a Swedish message, and nothing is written unless the whole
file is clean (`lib.db.import_values` then commits it in one transaction). Layouts:

* long: `stadsdel, indikator, år, värde[, källa]` – one value a row;
* wide: `stadsdel, år[, källa]` and one column per indicator (its code or name).

Stadsdelar and indicators are matched by code or name, case-insensitively (å, ä, ö included).
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

MAX_BYTES = 5 * 1024 * 1024
MAX_ROWS = 100_000
LONG_COLUMNS = ("stadsdel", "indikator", "år", "värde")
ALIASES = {
    "stadsdel": ("stadsdel", "område", "omrade", "area", "area_code", "kod"),
    "indikator": ("indikator", "indicator", "mått", "indicator_code"),
    "år": ("år", "ar", "year"),
    "värde": ("värde", "varde", "value"),
    "källa": ("källa", "kalla", "source"),
}


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


def decode(raw: bytes) -> str:
    """UTF-8 with or without BOM, else Windows-1252 (what Excel writes for Swedish CSV)."""
    if raw.startswith(b"\xef\xbb\xbf"):
        return raw[3:].decode("utf-8")
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return raw.decode("cp1252")


def parse_number(text) -> float:
    """'1 234,5' / '1\u00a0234,5' / '−3,2' / '12.5' / 12.5 → float; raises ValueError."""
    if isinstance(text, int | float) and not isinstance(text, bool):
        if not np.isfinite(text):
            raise ValueError(text)
        return float(text)
    s = str(text).strip().replace("\u2212", "-").replace("\u00a0", "").replace("\u202f", "").replace(" ", "")
    if s.endswith("%"):
        s = s[:-1]
    if re.fullmatch(r"-?\d{1,3}(\.\d{3})+,\d+", s):  # 1.234,5
        s = s.replace(".", "")
    s = s.replace(",", ".")
    if not re.fullmatch(r"-?(\d+(\.\d*)?|\.\d+)", s):
        raise ValueError(text)
    return float(s)


def _key(text) -> str:
    return " ".join(str(text).casefold().split())


def read_table(raw: bytes, filename: str, sheet: str | None = None) -> pd.DataFrame:
    """The file as a table of strings; `ImportRejected` for empty, oversized or unreadable files."""
    if not raw or not raw.strip():
        raise ImportRejected([Problem(None, None, "Filen är tom.")])
    if len(raw) > MAX_BYTES:
        raise ImportRejected(
            [Problem(None, None, f"Filen är för stor ({len(raw) // 1024} kB; högst {MAX_BYTES // 1024 // 1024} MB).")]
        )
    name = filename.lower()
    if name.endswith((".xlsx", ".xlsm")):
        try:
            book = pd.ExcelFile(io.BytesIO(raw), engine="openpyxl")
        except Exception as exc:  # noqa: BLE001 - any unreadable workbook is one message
            raise ImportRejected(
                [Problem(None, None, f"Excelfilen kan inte läsas ({exc.__class__.__name__}).")]
            ) from exc
        if sheet and sheet not in book.sheet_names:
            raise ImportRejected(
                [Problem(None, None, f"Bladet ”{sheet}” finns inte. Bladen heter: {', '.join(book.sheet_names)}.")]
            )
        frame = book.parse(sheet or book.sheet_names[0], dtype=str)
    elif name.endswith((".csv", ".txt")):
        text = decode(raw)
        first = text.splitlines()[0] if text.splitlines() else ""
        delimiter = ";" if first.count(";") >= first.count(",") and ";" in first else ","
        if delimiter == "," and "\t" in first:
            delimiter = "\t"
        try:
            rows = [r for r in csv.reader(io.StringIO(text), delimiter=delimiter) if any(c.strip() for c in r)]
        except csv.Error as exc:
            raise ImportRejected([Problem(None, None, f"CSV-filen kan inte tolkas: {exc}")]) from exc
        if not rows:
            raise ImportRejected([Problem(None, None, "Filen är tom.")])
        header = rows[0]
        for number, fields in enumerate(rows[1:], 2):
            if len(fields) > len(header):
                raise ImportRejected(
                    [
                        Problem(
                            number,
                            None,
                            f"CSV-filen kan inte tolkas: raden har {len(fields)} fält men rubrikraden {len(header)}.",
                        )
                    ]
                )
        frame = pd.DataFrame([f + [""] * (len(header) - len(f)) for f in rows[1:]], columns=header, dtype=str)
    else:
        raise ImportRejected([Problem(None, None, "Okänt filformat. Använd CSV eller Excel (.xlsx).")])
    frame = frame.dropna(how="all")
    frame = frame.loc[:, [not str(c).startswith("Unnamed") for c in frame.columns]]
    if frame.empty:
        raise ImportRejected([Problem(None, None, "Filen har rubriker men inga rader med värden.")])
    if len(frame) > MAX_ROWS:
        raise ImportRejected([Problem(None, None, f"För många rader ({len(frame)}; högst {MAX_ROWS}).")])
    frame.columns = [str(c).strip() for c in frame.columns]
    return frame.fillna("")


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

    `areas` has code, name; `indicators` has code, name, unit, value_min, value_max; `years` is (first, last)."""
    problems: list[Problem] = []
    area_of = {_key(c): c for c in areas["code"]} | {
        _key(n): c for n, c in zip(areas["name"], areas["code"], strict=True)
    }
    ind_of = {_key(c): c for c in indicators["code"]} | {
        _key(n): c for n, c in zip(indicators["name"], indicators["code"], strict=True)
    }
    meta = indicators.set_index("code")
    cols = list(frame.columns)
    area_col, year_col = _find(cols, "stadsdel"), _find(cols, "år")
    ind_col, value_col, source_col = _find(cols, "indikator"), _find(cols, "värde"), _find(cols, "källa")
    wide_cols = [c for c in cols if _key(c) in ind_of and c not in (area_col, year_col, source_col)]
    if ind_col and value_col:
        layout = "lång"
        records = [
            (
                i,
                r[area_col] if area_col else "",
                r[ind_col],
                r[year_col] if year_col else "",
                r[value_col],
                r[source_col] if source_col else "",
                ind_col,
                value_col,
            )
            for i, r in frame.iterrows()
        ]
    elif wide_cols:
        layout = "bred"
        records = [
            (
                i,
                r[area_col] if area_col else "",
                c,
                r[year_col] if year_col else "",
                r[c],
                r[source_col] if source_col else "",
                c,
                c,
            )
            for i, r in frame.iterrows()
            for c in wide_cols
        ]
        unknown = [c for c in cols if c not in (area_col, year_col, source_col) and c not in wide_cols]
        for c in unknown:
            problems.append(Problem(1, c, f"Okänd indikator ”{c}” (kolumnrubrik)."))
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

    rows, seen = [], {}
    for index, area, ind, year, value, source, ind_column, value_column in records:
        line = int(index) + 2  # header is row 1
        if str(value).strip() == "":
            continue  # an empty cell in a wide file is simply no value
        code = area_of.get(_key(area))
        if code is None:
            problems.append(Problem(line, area_col, f"Okänd stadsdel ”{area}”."))
        icode = ind_of.get(_key(ind))
        if icode is None:
            problems.append(Problem(line, ind_column, f"Okänd indikator ”{ind}”."))
        try:
            y = int(parse_number(year))
            if not years[0] <= y <= years[1]:
                problems.append(Problem(line, year_col, f"Året {y} ligger utanför {years[0]}–{years[1]}."))
        except ValueError:
            problems.append(Problem(line, year_col, f"Året ”{year}” är inte ett årtal."))
            y = None
        try:
            v = parse_number(value)
        except ValueError:
            problems.append(Problem(line, value_column, f"Värdet ”{value}” är inte ett tal."))
            v = None
        if v is not None and icode is not None:
            lo, hi = meta.loc[icode, "value_min"], meta.loc[icode, "value_max"]
            if (pd.notna(lo) and v < lo) or (pd.notna(hi) and v > hi):
                bounds = f"{lo:g}–{hi:g}" if pd.notna(hi) else f"minst {lo:g}"
                problems.append(
                    Problem(
                        line,
                        value_column,
                        f"Värdet {v:g} ligger utanför det möjliga för {meta.loc[icode, 'unit']} ({bounds}).",
                    )
                )
        if code and icode and y is not None:
            key = (code, icode, y)
            if key in seen:
                problems.append(
                    Problem(line, None, f"Samma stadsdel, indikator och år finns redan på rad {seen[key]}.")
                )
            seen[key] = line
        src = str(source).strip() or default_source
        if not src and v is not None:
            problems.append(
                Problem(
                    line, source_col or "källa", "Källa saknas (ange en kolumn källa eller en källa för hela filen)."
                )
            )
        rows.append({"area_code": code, "indicator_code": icode, "year": y, "value": v, "source": src})
    if not rows and not problems:
        problems.append(Problem(None, None, "Filen innehåller inga värden."))
    values = pd.DataFrame(rows, columns=["area_code", "indicator_code", "year", "value", "source"])
    return Parsed(values if not problems else values.iloc[0:0], problems, layout)


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
