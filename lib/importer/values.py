"""Values checked against the data model: Swedish numbers and whole years parsed, stadsdelar and indicators
matched by code or name, every value within its indicator's bounds; plus the preview of what an import would
change and the templates offered for download."""

from __future__ import annotations

import math
import re
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from lib.importer.base import ALIASES, LONG_COLUMNS, MAX_PROBLEMS, NotFinite, Parsed, Problem, _key, _show, _sv


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
        records: Iterable[tuple] = zip(
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
    rows: list[dict] = []
    seen: dict[tuple, int] = {}
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
