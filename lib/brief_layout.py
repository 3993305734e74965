"""Printed briefs laid out by typst: a list of blocks (title, heading, paragraph, table, image) in, A4 PDF out.

Why typst: it is one self-contained wheel (no LaTeX, no browser, nothing fetched at run time), it paginates,
wraps table cells and repeats table headers, and it reads data as JSON. Every text a user typed goes in as a JSON
string that the template places as text, so it is never read as markup. The template uses typst's own embedded
fonts (system fonts are ignored), so a brief looks the same on every machine.
"""

from __future__ import annotations

import json
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import pandas as pd
import typst

TEMPLATE = Path(__file__).parent / "typst" / "brief.typ"

#: Marks a footer shows on every page that carries such data (key → footer text).
MARKS = {"synthetic": "Syntetiska värden", "illustrative": "Illustrativa mål"}
#: The app's colours: the darkest class of the index map for table headers, the map's red for headings.
COLOURS = {"header": "#4a1486", "accent": "#b30000"}


@dataclass
class Brief:
    """A brief being assembled: blocks in reading order and the images they show (name → PNG bytes)."""

    title: str
    sources: str
    blocks: list[dict[str, Any]] = field(default_factory=list)
    images: dict[str, bytes] = field(default_factory=dict)

    def add_title(self, text: str) -> None:
        self.blocks.append({"kind": "title", "text": str(text)})

    def add_heading(self, text: str) -> None:
        self.blocks.append({"kind": "heading", "text": str(text)})

    def add_text(self, text: str, marks: Sequence[str] = (), keep_with_next: bool = False) -> None:
        """A paragraph; `keep_with_next` keeps it on the page of what follows (the sentence introducing a table)."""
        self.blocks.append({"kind": "para", "text": str(text), "marks": list(marks), "sticky": keep_with_next})

    def add_lines(self, lines: Sequence[str], marks: Sequence[str] = ()) -> None:
        for line in lines:
            self.add_text(line, marks)

    def add_page_break(self) -> None:
        self.blocks.append({"kind": "pagebreak"})

    def add_image(self, png: bytes, caption: str = "", marks: Sequence[str] = ()) -> None:
        name = f"image{len(self.images)}.png"
        self.images[name] = png
        self.blocks.append({"kind": "image", "path": name, "caption": str(caption), "marks": list(marks)})

    def add_table(
        self,
        frame: pd.DataFrame,
        widths: Sequence[float] | None = None,
        marks: Sequence[str] = (),
        fills: Sequence[tuple[str, str] | None] | None = None,
        fill_column: int = 0,
    ) -> None:
        """`frame` as a table whose cells wrap (`widths`: relative column widths; ones that do not fit the columns
        give way to equal ones). Columns of numbers (already formatted text) are right-aligned. `fills`: per row,
        (background, text colour) of column `fill_column`."""
        rows = [["" if _missing(v) else str(v) for v in r] for r in frame.itertuples(index=False)]
        self.blocks.append(
            {
                "kind": "table",
                "columns": [str(c) for c in frame.columns],
                "widths": list(widths)
                if widths is not None and len(widths) == len(frame.columns)
                else [1.0] * len(frame.columns),
                "numeric": [_numeric(frame[c]) for c in frame.columns],
                "rows": rows,
                "marks": list(marks),
                "fills": [list(f) if f else None for f in fills] if fills is not None else None,
                "fill_column": fill_column,
            }
        )

    def data(self) -> dict[str, Any]:
        return {"title": self.title, "sources": self.sources, "colours": COLOURS, "marks": MARKS, "blocks": self.blocks}


def _missing(value: object) -> bool:
    return value is None or (isinstance(value, float) and pd.isna(value))


def _numeric(column: pd.Series) -> bool:
    """Whether a column holds numbers (as numbers or Swedish number text: digits, comma, %, –), to right-align."""
    texts = [str(v) for v in column if not _missing(v) and str(v) not in ("", "–")]
    allowed = set("0123456789,−-–+ %\u202f")
    return bool(texts) and all(set(t) <= allowed for t in texts)


def _compile(brief: Brief, fmt: Literal["pdf", "png"] = "pdf", ppi: float | None = None) -> Any:
    with tempfile.TemporaryDirectory(prefix="brief-") as tmp:
        root = Path(tmp)
        (root / "brief.typ").write_text(TEMPLATE.read_text(encoding="utf-8"), encoding="utf-8")
        (root / "data.json").write_text(json.dumps(brief.data(), ensure_ascii=False), encoding="utf-8")
        for name, png in brief.images.items():
            (root / name).write_bytes(png)
        return typst.compile(str(root / "brief.typ"), root=str(root), ignore_system_fonts=True, format=fmt, ppi=ppi)


def pdf(brief: Brief) -> bytes:
    """The brief as PDF bytes."""
    return bytes(_compile(brief))


def png_pages(brief: Brief, ppi: float = 100) -> list[bytes]:
    """Every page of the brief as a PNG (for checking how it looks)."""
    out = _compile(brief, "png", ppi)
    return [bytes(p) for p in out] if isinstance(out, list) else [bytes(out)]
