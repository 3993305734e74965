"""Download buttons and the Excel export of a table."""

from __future__ import annotations

import pandas as pd
import streamlit as st


def excel_bytes(frame: pd.DataFrame, sheet: str = "Data") -> bytes:
    """XLSX of a table in which no text is a live formula (see lib.export)."""
    from lib import export

    return export.xlsx_bytes(frame, sheet)


def download_buttons(frame: pd.DataFrame, name: str, key: str) -> None:
    """CSV (semicolon, decimal comma, UTF-8 with BOM: opens in Swedish Excel) and XLSX of a table, made on click;
    both inert, so a goal or plan text can never run as a formula in the reader's spreadsheet (lib.export)."""
    from lib import export

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
