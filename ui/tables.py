"""Tables styled for the screen: Swedish numbers (decimal comma, narrow space between thousands, the same decimals
down a column or along an indicator's row), real values marked apart from modelled ones, and headers short enough
for 1280 pixels with the long form as help.

Why a pandas Styler: `st.dataframe` shows a Styler's formatted text but still sorts by the number underneath, and
the text comes from `lib.fmt`, so the table reads "12 345,7" in any browser (Streamlit's own "localized" format
follows the browser's language, an English browser shows "12,345.7")."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

import pandas as pd
import streamlit as st
from pandas.io.formats.style import Styler

from lib.allocation_tables import short_name
from lib.fmt import number
from lib.provenance import signed

REAL_CELL = "font-weight: bold; background-color: #fde9c9"
PERCENT = "\u00a0%"


Formatter = Callable[[float], str]


def _number(decimals: int) -> Formatter:
    return lambda v: number(v if pd.notna(v) else None, decimals)


def _percent(decimals: int, share: bool) -> Formatter:
    scale = 100 if share else 1
    return lambda v: "–" if pd.isna(v) else number(scale * v, decimals) + PERCENT


def _signed_percent(decimals: int) -> Formatter:
    return lambda v: "–" if pd.isna(v) else signed(float(v), decimals) + PERCENT


def swedish(
    table: pd.DataFrame | Styler,
    decimals: Mapping[str, int] | None = None,
    shares: Mapping[str, int] | None = None,
    percents: Mapping[str, int] | None = None,
    changes: Mapping[str, int] | None = None,
) -> Styler:
    """`table` with each named column in one Swedish form: `decimals` numbers, `shares` 0–1 in per cent
    ("27,2 %"), `percents` already in per cent, `changes` in per cent with a sign ("−5,6 %", "+0,8 %")."""
    styled = table if isinstance(table, Styler) else table.style
    for columns, formatter in (
        (decimals, _number),
        (shares, lambda d: _percent(d, True)),
        (percents, lambda d: _percent(d, False)),
        (changes, _signed_percent),
    ):
        for column, d in (columns or {}).items():
            styled = styled.format(formatter(d), subset=[column])
    return styled


def published(value: float) -> str:
    """A published figure with the decimals it was published with (at most three), in Swedish form."""
    if pd.isna(value):
        return "–"
    text = repr(float(value))
    places = 0 if text.endswith(".0") or "e" in text else min(3, len(text.split(".")[1]))
    return number(float(value), places)


def _forms(table: pd.DataFrame, decimals: Mapping[str, int] | None, default: int) -> tuple[dict[str, int], list]:
    """Each numeric column's decimals (the named ones in their `decimals`, integers none, the rest `default`), and
    the year columns (written without a thousands space)."""
    places = {c: d for c, d in (decimals or {}).items() if c in table.columns}
    years = [c for c in table.columns if is_year(c) and pd.api.types.is_numeric_dtype(table[c])]
    for column in table.columns:
        if column in places or column in years or not pd.api.types.is_numeric_dtype(table[column]):
            continue
        if pd.api.types.is_bool_dtype(table[column]):
            continue
        places[column] = 0 if pd.api.types.is_integer_dtype(table[column]) else default
    return places, years


def _year(v: float) -> str:
    return "–" if pd.isna(v) else str(int(v))


def numeric(table: pd.DataFrame, decimals: Mapping[str, int] | None = None, default: int = 1) -> Styler:
    """`table` with every numeric column in Swedish form: the named ones in their `decimals`, integer columns
    without decimals, the other ones in `default` – one form down each column, so "73" never stands next to
    "73,0"."""
    places, years = _forms(table, decimals, default)
    styled = swedish(table, places)
    return styled.format(_year, subset=years) if years else styled


def numeric_text(
    table: pd.DataFrame,
    decimals: Mapping[str, int] | None = None,
    default: int = 1,
    rows: tuple[Sequence[str], Sequence[int]] | None = None,
) -> pd.DataFrame:
    """The text `numeric` (and then `by_row` with `rows` = (columns, each row's decimals)) shows, as a table of
    strings: for a table of thousands of rows, where drawing a Styler took most of a second on every rerun. The
    cells read the same; the numeric columns then sort as text."""
    places, years = _forms(table, decimals, default)
    text = table.copy()
    for column, d in places.items():
        text[column] = table[column].map(_number(d)).astype(object)
    for column in years:
        text[column] = table[column].map(_year).astype(object)
    if rows is not None:
        columns, row_decimals = rows
        positions_of: dict[int, list[int]] = {}
        for position, d in enumerate(row_decimals[: len(table)]):
            positions_of.setdefault(int(d), []).append(position)
        for column in columns:
            where = text.columns.get_loc(column)
            for d, positions in positions_of.items():
                text.iloc[positions, where] = table[column].iloc[positions].map(_number(d)).to_numpy()
    return text


def is_year(column: object) -> bool:
    """A column of years ("År", "Utfallsår"): written 2025, never "2 025"."""
    return str(column) == "År" or str(column).endswith("år")


def by_row(table: pd.DataFrame | Styler, columns: Sequence[str], decimals: Sequence[int]) -> Styler:
    """`table` with the `columns` of each row in that row's own decimals (one indicator per row)."""
    styled = table if isinstance(table, Styler) else table.style
    rows_of: dict[int, list] = {}
    for label, d in zip(styled.data.index, decimals, strict=False):
        rows_of.setdefault(int(d), []).append(label)
    # One format per number of decimals, not per row: a format call per row made a table of thousands of rows
    # (Data och källor's real values) take seconds to style.
    for d, rows in rows_of.items():
        styled = styled.format(_number(d), subset=pd.IndexSlice[rows, list(columns)])
    return styled


def rows_with_real_marked(
    table: pd.DataFrame, real_mask: pd.DataFrame, decimals: Sequence[int], labels: Sequence[str]
) -> Styler:
    """`table` with each row's `labels` columns in its own number of decimals and the real cells (`real_mask`, one
    column per label) marked."""
    styled = by_row(table, labels, decimals)
    highlight = pd.DataFrame("", index=table.index, columns=table.columns)
    for label in labels:
        highlight.loc[real_mask[label].astype(bool), label] = REAL_CELL
    return styled.apply(lambda _: highlight, axis=None)


def wide_with_real_marked(values: pd.DataFrame, synthetic: pd.DataFrame, decimals: int) -> Styler:
    """A series × year table with the real values (`synthetic` False) marked."""
    styles = synthetic.reindex_like(values).map(lambda s: REAL_CELL if s is False or s == 0 else "")
    styled = values.style
    if len(values.columns):  # one format for every year column: a call per column cost more than the table
        styled = styled.format(_number(decimals), subset=list(values.columns))
    return styled.apply(lambda _: styles, axis=None)


def comparison_columns(labels: Sequence[str]) -> tuple[list[str], dict]:
    """Jämför's side-by-side table at 1280 px: the indicator (pinned) and the values first, then the unit, each
    value's year and status under a short header (the series in its help), and the area last."""
    status = [f"{label}: år, status" for label in labels]
    order = ["Indikator", *labels, "Enhet", *status, "Område"]
    config: dict = {
        "Indikator": st.column_config.TextColumn(pinned=True, width=240),
        "Enhet": st.column_config.TextColumn(width=180),
        "Område": st.column_config.TextColumn(help="Indexets område; sammanhangsmått ingår inte i indexet"),
    }
    for label in labels:
        config[label] = st.column_config.Column(width=min(max(60, 8 * len(label) + 12), 150))
    for label, column in zip(labels, status, strict=True):
        config[column] = st.column_config.TextColumn(
            f"År · {label}", help=f"{label}: värdets år och om det är verkligt eller syntetiskt (modellerat)", width=110
        )
    return order, config


def allocation(table: pd.DataFrame, unit_title: str) -> tuple[Styler, dict]:
    """Fördelning av medel's table (`lib.allocation_tables.table`) in Swedish form, mnkr with two decimals, with
    headers that fit 1280 px; the long names are the help texts."""
    if unit_title == "Nämnd":  # the header says it: "Rinkeby-Kista" rather than "Rinkeby-Kista stadsdelsnämnd"
        table = table.assign(Enhet=table["Enhet"].map(short_name))
    styled = swedish(
        table,
        decimals={
            "Stadsdelar": 0,
            "Invånare": 0,
            "Risk (1 = staden)": 2,
            "Efter behov (mnkr)": 2,
            "Kr per invånare": 0,
            "Lika delar (mnkr)": 2,
            "Efter folkmängd (mnkr)": 2,
        },
        shares={"Andel": 1},
    )
    short = {
        "Enhet": (unit_title, None),
        "Stadsdelar": ("Stadsdelar", "Antal stadsdelar i programmet"),
        "Invånare": ("Invånare", None),
        "Risk (1 = staden)": ("Risk", "Sammanvägd risk mot staden, 1 = stadens nivå"),
        "Efter behov (mnkr)": ("Behov, mnkr", "Efter behov (miljoner kronor)"),
        "Andel": ("Andel", "Andel av summan, efter behov"),
        "Kr per invånare": ("Kr/inv.", "Kronor per invånare, efter behov"),
        "Lika delar (mnkr)": ("Lika, mnkr", "Lika delar (miljoner kronor)"),
        "Efter folkmängd (mnkr)": ("Folkm., mnkr", "Efter folkmängd (miljoner kronor)"),
    }
    config = {column: st.column_config.Column(label, help=help) for column, (label, help) in short.items()}
    config["Enhet"] = st.column_config.TextColumn(unit_title, pinned=True, width=170)
    return styled, config


def goal_indicators(view: pd.DataFrame, decimals: Sequence[int]) -> Styler:
    """Mål och uppföljning's indicator table: values in each indicator's decimals, the yearly trend in per cent
    with its sign."""
    values = [c for c in view.columns if c.startswith("Basvärde") or c in ("Årsmål", "Utfall", "Mål 2020")]
    return swedish(by_row(view, values, decimals), changes={"Trend per år": 1})


def goal_indicators_text(view: pd.DataFrame, decimals: Sequence[int]) -> pd.DataFrame:
    """`goal_indicators` as a table of the same strings: drawing a Styler was the larger part of the table's cost on
    every rerun of Mål och uppföljning."""
    values = [c for c in view.columns if c.startswith("Basvärde") or c in ("Årsmål", "Utfall", "Mål 2020")]
    text = numeric_text(view, rows=(values, decimals))
    if "Trend per år" in view.columns:
        text["Trend per år"] = view["Trend per år"].map(_signed_percent(1)).astype(object)
    return text


def swedish_text(table: pd.DataFrame, decimals: Mapping[str, int]) -> pd.DataFrame:
    """`swedish(table, decimals)` as a table of the same strings in those columns, the others untouched (dates stay
    dates, for a DateColumn)."""
    return table.assign(**{c: table[c].map(_number(d)).astype(object) for c, d in decimals.items()})


def ils_underlag(underlag: pd.DataFrame, decimals: Sequence[int]) -> Styler:
    """The ILS underlag on screen (`lib.goals.ils_underlag`): base value, årsmål and outcome in each row's
    indicator decimals, the outcome's year as a year."""
    values = [c for c in underlag.columns if c.startswith(("Basvärde", "Årsmål", "Utfall "))]
    styled = by_row(underlag, values, decimals)
    return styled.format(lambda v: "–" if pd.isna(v) else str(int(v)), subset=["Utfallsår"])
