"""Downloads are inert: a text typed into a goal or plan never runs as a formula when a planner opens the CSV or the
Excel file, and numbers stay numbers."""

from __future__ import annotations

import csv
import io

import openpyxl
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from lib import export

HOSTILE = ['=HYPERLINK("http://x","klick")', "+SUM(1)", "@x", "-2+3", "\t=1+1", "\r=1+1", " =1+1"]
TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def csv_rows(payload: bytes) -> list[list[str]]:
    assert payload.startswith(b"\xef\xbb\xbf")  # UTF-8 with BOM: Swedish Excel reads å, ä, ö
    return list(csv.reader(io.StringIO(payload.decode("utf-8-sig"), newline=""), delimiter=";"))


def sheet_cells(payload: bytes) -> list[list[openpyxl.cell.Cell]]:
    book = openpyxl.load_workbook(io.BytesIO(payload))
    return [list(row) for row in book.worksheets[0].iter_rows()]


def hostile_frame() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "Delmål": HOSTILE,
            "Utfall": [1.5, -2.25, 3.0, -4.0, 5.0, 6.0, 7.0],
            "Antal": [1, -2, 3, 4, 5, 6, 7],
            "=Rubrik": ["vanlig text"] * 7,
        }
    )


def test_csv_cells_that_look_like_formulas_are_text():
    rows = csv_rows(export.csv_bytes(hostile_frame()))
    assert rows[0] == ["Delmål", "Utfall", "Antal", "'=Rubrik"]
    texts = [r[0] for r in rows[1:]]
    assert texts == ["'" + t for t in HOSTILE]
    assert not any(t.startswith(TRIGGERS) for t in texts)
    # Numbers stay numbers, with the decimal comma Swedish Excel expects.
    assert [r[1] for r in rows[1:3]] == ["1,5", "-2,25"]
    assert [r[2] for r in rows[1:3]] == ["1", "-2"]
    assert rows[1][3] == "vanlig text"


def test_a_line_break_in_a_text_cannot_start_a_row_with_a_formula():
    """A carriage return inside a goal text is quoted with the rest of the cell, so `=HYPERLINK(…)` after it never
    becomes the first cell of a row of its own."""
    frame = pd.DataFrame({"Delmål": ['Fler i arbete\r=HYPERLINK("http://x","klick")', "ny\nrad"], "Värde": [1, 2]})
    rows = csv_rows(export.csv_bytes(frame))
    assert len(rows) == 3
    assert [r[0] for r in rows[1:]] == ['Fler i arbete\r=HYPERLINK("http://x","klick")', "ny\nrad"]


def test_xlsx_has_no_formula_and_keeps_numbers():
    cells = sheet_cells(export.xlsx_bytes(hostile_frame(), "ILS-underlag"))
    assert not [c.coordinate for row in cells for c in row if c.data_type == "f"]
    assert cells[0][3].value == "'=Rubrik"
    # (XML reads a carriage return back as a line feed: the text is the same line break for a spreadsheet.)
    assert [row[0].value for row in cells[1:]] == ["'" + t.replace("\r", "\n") for t in HOSTILE]
    assert [row[1].value for row in cells[1:3]] == [1.5, -2.25]
    assert all(row[1].data_type == "n" and row[2].data_type == "n" for row in cells[1:])


def test_xlsx_drops_control_characters_that_would_hide_a_formula():
    """A stray control character (pasted from another program) neither breaks the download nor shields a trigger
    from the check: XLSX cannot hold it, so it is removed first and the `=` behind it is neutralised."""
    frame = pd.DataFrame({"Text": ['\x01=HYPERLINK("http://x")', "ok\x0b"]})
    cells = sheet_cells(export.xlsx_bytes(frame))
    assert [row[0].value for row in cells[1:]] == ['\'=HYPERLINK("http://x")', "ok"]


def test_mixed_and_missing_cells_keep_their_type():
    frame = pd.DataFrame({"Blandat": [-1.5, "-1", None, "text"], "Kategori": pd.Categorical(["=a", "b", "=a", "b"])})
    inert = export.inert(frame)
    assert inert["Blandat"].tolist()[:2] == [-1.5, "'-1"] and pd.isna(inert["Blandat"].iloc[2])
    assert inert["Kategori"].tolist() == ["'=a", "b", "'=a", "b"]
    assert frame["Kategori"].tolist() == ["=a", "b", "=a", "b"]  # the page's own table is not changed


def test_the_ils_underlag_download_is_inert(con):
    """The ILS underlag a förvaltning pastes into its verksamhetsplan: a goal text written as a formula reaches both
    downloads as text (through the page's own download functions)."""
    from lib import aggregate, db, goals
    from lib.config import YEARS
    from ui import downloads

    tree = db.goal_tree(con)
    nodes = tree.nodes.copy()
    nodes.loc[nodes["id"] == "D9", "text"] = '=HYPERLINK("http://x","klick")'
    tree = goals.GoalTree(**{**tree.__dict__, "nodes": nodes})
    outcomes = aggregate.group_values(db.values_long(con), aggregate.standard_groups(db.areas(con)))
    rows = goals.indicator_assessment(tree, outcomes[outcomes["group"] == "Programområdet"], 2018, YEARS)
    underlag = goals.ils_underlag(tree, rows, "sdn_farsta", {}, 2018)
    assert '=HYPERLINK("http://x","klick")' in set(underlag["Delmål"])

    csv_texts = [r[1] for r in csv_rows(export.csv_bytes(underlag))[1:]]
    assert '\'=HYPERLINK("http://x","klick")' in csv_texts
    cells = sheet_cells(downloads.excel_bytes(underlag, "ILS-underlag"))
    assert not [c.coordinate for row in cells for c in row if c.data_type == "f"]
    assert '\'=HYPERLINK("http://x","klick")' in [row[1].value for row in cells]
    header = [c.value for c in cells[0]]
    baseline = next(i for i, h in enumerate(header) if h.startswith("Basvärde"))
    assert any(isinstance(row[baseline].value, float) for row in cells[1:])  # numbers stay numbers


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=12))
def test_no_csv_cell_ever_starts_with_a_formula_trigger(text):
    rows = csv_rows(export.csv_bytes(pd.DataFrame({text: [text, 1.0]})))
    assert len(rows) == 3  # a line break inside the text never starts a row of its own
    assert rows[0][0] in (text, "'" + text) and rows[1][0] in (text, "'" + text)  # nothing else changes
    for cell in (rows[0][0], rows[1][0]):
        assert not cell.startswith(TRIGGERS)
        assert not cell.lstrip().startswith(TRIGGERS)


@settings(max_examples=60, deadline=None)
@given(st.text(max_size=12))
def test_no_xlsx_cell_is_ever_a_formula(text):
    cells = sheet_cells(export.xlsx_bytes(pd.DataFrame({"Text": [text]})))
    cell = cells[1][0]
    assert cell.data_type != "f"
    assert not str(cell.value or "").startswith(TRIGGERS)


def test_a_trigger_behind_any_unicode_space_is_neutralised():
    """Found by the property above: NEL (U+0085) is a space to Python and to a trimming import, and was not
    stripped before the trigger was looked for."""
    spaces = [chr(c) for c in range(0x110000) if chr(c).isspace()]
    for space in spaces:
        assert export.neutralise(space + "=1+1") == "'" + space + "=1+1", hex(ord(space))
