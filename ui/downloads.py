"""Download buttons and the Excel export of a table.

The buttons take only tables that went through `lib.export.prepare` (rounded, in Swedish words, marked
syntetisk/verklig with their source): a table that skipped it is refused here, at the script run, so a page test
catches it instead of a reader's spreadsheet."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from lib import export, export_tables


def excel_bytes(frame: pd.DataFrame, sheet: str = "Data") -> bytes:
    """XLSX of a table in which no text is a live formula (see lib.export)."""
    return export.xlsx_bytes(frame, sheet)


def _require(frame: pd.DataFrame) -> None:
    if not export.is_prepared(frame):
        raise export.UnmarkedExport("En tabell ska gå genom lib.export.prepare innan den laddas ner.")


def download_buttons(frame: pd.DataFrame, name: str, key: str) -> None:
    """CSV (semicolon, decimal comma, UTF-8 with BOM: opens in Swedish Excel) and XLSX of a prepared table, made on
    click; both inert, so a goal or plan text can never run as a formula in the reader's spreadsheet (lib.export)."""
    _require(frame)
    row = st.container(horizontal=True, gap="small")
    row.download_button(
        "CSV",
        lambda: export.csv_bytes(frame),
        file_name=f"{name}.csv",
        mime="text/csv",
        key=f"{key}_csv",
        icon=":material/download:",
        on_click="ignore",
    )
    row.download_button(
        "Excel",
        lambda: excel_bytes(frame),
        file_name=f"{name}.xlsx",
        mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        key=f"{key}_xlsx",
        icon=":material/download:",
        on_click="ignore",
    )


def csv_button(frame: pd.DataFrame, label: str, file_name: str, key: str | None = None) -> None:
    """One CSV button of a prepared table (the catalogue, a plan's unsaved changes), made on click."""
    _require(frame)
    st.download_button(
        label,
        lambda: export.csv_bytes(frame),
        file_name=file_name,
        mime="text/csv",
        key=key,
        icon=":material/download:",
        on_click="ignore",
    )


def outcome_synthetic(place: str) -> dict[tuple[str, int], bool]:
    """(indicator code, year) → whether any stadsdel value behind `place`'s outcome is modelled: a stadsdel, a
    stadsdelsområde, the programme area or the city (the ILS underlag's marking)."""
    from ui import readers

    areas = readers.areas()
    if place == "Staden":
        codes = set(areas["code"])
    elif place == "Programområdet":
        codes = set(areas.loc[areas["in_programme"].astype(bool), "code"])
    elif place in set(areas["district"]):
        codes = set(areas.loc[areas["district"] == place, "code"])
    else:
        codes = set(areas.loc[areas["name"] == place, "code"])
    return export_tables.outcome_synthetic(readers.values_long(), codes)
