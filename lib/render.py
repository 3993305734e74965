"""Static renderings for print and hand-outs: the map as PNG and the PDF briefs (matplotlib, no browser needed).

Everything takes prepared tables and returns bytes, so the pages decide what goes in and the tests can read the
result back (pypdf for text, PIL for the image).
"""

from __future__ import annotations

import functools
import io
import textwrap
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, ParamSpec, TypeVar

import geopandas as gpd
import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
from matplotlib.backends.backend_pdf import PdfPages
from matplotlib.patches import Patch

from lib.classify import NO_DATA_RGBA, OUTSIDE_RGBA
from lib.mapview import WATER_RGBA

A4 = (8.27, 11.69)
FOOTER = "Sammanhållen stad · syntetiska värden markerade · källor: se Data och källor i verktyget"

#: Every text is drawn as typed: no mathtext (`$x^2$` in a plan text would be typeset as maths, and an unbalanced
#: `$` or `\frac` can fail the whole PDF) and no LaTeX. Matplotlib reads these when a text artist is created, so
#: they hold for titles, table cells, legends and labels alike. They are also the process default (this module is
#: the app's only matplotlib user): downloads render in threads of their own, and one thread leaving its
#: `rc_context` must not switch maths back on under another.
LITERAL_TEXT = {"text.parse_math": False, "text.usetex": False}
matplotlib.rcParams.update(LITERAL_TEXT)

_P = ParamSpec("_P")
_R = TypeVar("_R")


def literal_text(func: Callable[_P, _R]) -> Callable[_P, _R]:
    """Run `func` with `LITERAL_TEXT`: the one place every rendering in this module goes through, so a text that
    planners typed (goal, plan, activity, area name) reaches the PDF or image exactly as they typed it."""

    @functools.wraps(func)
    def wrapper(*args: _P.args, **kwargs: _P.kwargs) -> _R:
        with matplotlib.rc_context(LITERAL_TEXT):
            return func(*args, **kwargs)

    return wrapper


@dataclass(frozen=True)
class MapFigure:
    """What a printed map shows: colours per area code, legend rows (label, hex colour) and texts."""

    colours: dict[str, str]
    legend: Sequence[tuple[str, str]]
    title: str
    caption: str


@dataclass(frozen=True)
class ValidationPage:
    """The brief's validation: sentences, the cross table (index class × SCB's type) and the named disagreements."""

    lines: Sequence[str]
    crosstab: object  # DataFrame, first column the row label
    disagreements: object  # DataFrame: RegSO, Stadsdel, Plats i indexet, Indexklass, SCB:s typ, …


def _rgba(colour: Sequence[int]) -> tuple[float, float, float, float]:
    """A deck colour (0–255, with alpha) as matplotlib's 0–1 tuple, so the PDF map uses the app's colours."""
    r, g, b, a = (c / 255 for c in colour)
    return r, g, b, a


@lru_cache(maxsize=1)
def shipped_water() -> gpd.GeoDataFrame:
    """The water shipped in geo/vatten.geojson, as on the interactive map."""
    from lib.config import Paths

    return gpd.read_file(Paths().water_geo)


@literal_text
def draw_map(
    ax,
    frame: gpd.GeoDataFrame,
    fig: MapFigure,
    outlines: gpd.GeoDataFrame | None = None,
    water: gpd.GeoDataFrame | bool = True,
) -> None:
    """The areas in their colours over the water (`water`: a frame, True for the shipped water, False for none)."""
    from matplotlib.colors import to_rgba

    if water is True:
        water = shipped_water()
    if water is not False and not water.empty:
        water.plot(ax=ax, color=_rgba(WATER_RGBA), linewidth=0)
    fills = [to_rgba(fig.colours[code]) if code in fig.colours else _rgba(OUTSIDE_RGBA) for code in frame["code"]]
    frame.plot(ax=ax, color=fills, edgecolor="#555555", linewidth=0.3)
    if outlines is not None:
        outlines.boundary.plot(ax=ax, color="#111111", linewidth=1.0)
    minx, miny, maxx, maxy = frame.total_bounds  # the areas set the frame, not the water's margin
    pad_x, pad_y = (maxx - minx) * 0.01, (maxy - miny) * 0.01
    ax.set_xlim(minx - pad_x, maxx + pad_x)
    ax.set_ylim(miny - pad_y, maxy + pad_y)
    ax.set_axis_off()
    ax.set_aspect(1 / 0.51)  # lat/lon aspect at Stockholm's latitude
    handles = [Patch(facecolor=c, edgecolor="#333333", label=label) for label, c in fig.legend]
    handles.append(Patch(facecolor=_rgba(NO_DATA_RGBA), edgecolor="#333333", label="inget värde"))
    ax.legend(
        handles=handles, loc="lower left", fontsize=8, frameon=True, title="Mörkare = högre risk", title_fontsize=8
    )
    ax.set_title(fig.title, fontsize=12, loc="left")


@literal_text
def map_png(
    frame: gpd.GeoDataFrame,
    fig: MapFigure,
    outlines: gpd.GeoDataFrame | None = None,
    water: gpd.GeoDataFrame | bool = True,
) -> bytes:
    figure, ax = plt.subplots(figsize=(9, 8), dpi=120)
    draw_map(ax, frame, fig, outlines, water)
    figure.text(0.02, 0.01, fig.caption, fontsize=8, color="#444444")
    out = io.BytesIO()
    figure.savefig(out, format="png", bbox_inches="tight")
    plt.close(figure)
    return out.getvalue()


def _page(pdf: PdfPages, title: str, lines: Sequence[str] = (), size=A4):
    figure = plt.figure(figsize=size)
    figure.text(0.06, 0.955, title, fontsize=16, weight="bold", va="top")
    y = 0.915
    for line in lines:
        for wrapped in textwrap.wrap(line, 95) or [""]:
            figure.text(0.06, y, wrapped, fontsize=9.5, va="top")
            y -= 0.018
    figure.text(0.06, 0.02, FOOTER, fontsize=7, color="#666666")
    return figure, y


def _table(figure, top: float, frame, col_widths: Sequence[float] | None = None, height: float | None = None):
    rows = [[str(v) for v in r] for r in frame.itertuples(index=False)]
    h = height if height is not None else min(top - 0.06, 0.022 * (len(rows) + 1))
    ax = figure.add_axes([0.06, top - h, 0.88, h])
    ax.set_axis_off()
    table = ax.table(
        cellText=rows, colLabels=list(frame.columns), loc="upper left", colWidths=col_widths, cellLoc="left"
    )
    table.auto_set_font_size(False)
    table.set_fontsize(8)
    table.scale(1, 1.15)
    return top - h - 0.02


@literal_text
def programme_brief(
    year: int,
    intro: Sequence[str],
    frame: gpd.GeoDataFrame,
    map_fig: MapFigure,
    ranking,
    stability: str,
    goals_table,
    allocation,
    outlines: gpd.GeoDataFrame | None = None,
    *,
    ranking_widths: Sequence[float] | None = None,
    validation: ValidationPage | None = None,
) -> bytes:
    """The programme brief: map, ranking with robustness, goal status, allocation, and – when given – the index
    validated against SCB's socioekonomisk områdestyp."""
    out = io.BytesIO()
    with PdfPages(out) as pdf:
        figure, y = _page(pdf, f"Program för en sammanhållen stad – lägesbild {year}", intro)
        ax = figure.add_axes([0.06, 0.08, 0.88, y - 0.1])
        draw_map(ax, frame, map_fig, outlines)
        caption = "\n".join(textwrap.wrap(map_fig.caption, 125))  # a long source line must not run off the page
        figure.text(0.06, 0.065, caption, fontsize=8, color="#444444", va="top")
        pdf.savefig(figure)
        plt.close(figure)

        figure, y = _page(pdf, "Rangordning och hur säker den är", [stability])
        _table(figure, y - 0.01, ranking, col_widths=ranking_widths)
        pdf.savefig(figure)
        plt.close(figure)

        figure, y = _page(
            pdf,
            "Måluppfyllelse",
            [
                "Bedömt enligt regler i ILS-stil (verktygets egna): helt, delvis eller ej uppfyllt. Delar markerade "
                "(illustrativt) är exempel, inte programmets text."
            ],
        )
        _table(figure, y - 0.01, goals_table, col_widths=[0.12, 0.62, 0.26])
        pdf.savefig(figure)
        plt.close(figure)

        figure, y = _page(
            pdf,
            "Fördelning av de föreslagna 150 mnkr efter behov",
            [
                "150 mnkr föreslås för stadsdelsnämndernas lokala arbete med social hållbarhet under "
                "programperioden. Räkneexempel: behov = folkmängd × social risk (indexet mot staden), jämfört "
                "med lika delar och fördelning efter folkmängd."
            ],
        )
        _table(figure, y - 0.01, allocation)
        pdf.savefig(figure)
        plt.close(figure)

        if validation is not None:
            figure, y = _page(pdf, "Validering mot SCB:s socioekonomiska områdestyp", validation.lines)
            figure.text(
                0.06,
                y - 0.01,
                "Indexklass (rader) mot SCB:s typ (kolumner), antal RegSO",
                fontsize=9.5,
                weight="bold",
                va="top",
            )
            y = _table(figure, y - 0.035, validation.crosstab, col_widths=[0.3] + [0.14] * 5)
            figure.text(0.06, y - 0.01, "Där indexet och SCB skiljer sig mest", fontsize=9.5, weight="bold", va="top")
            _table(figure, y - 0.035, validation.disagreements, col_widths=[0.24, 0.2, 0.15, 0.12, 0.12, 0.17])
            pdf.savefig(figure)
            plt.close(figure)
        info = pdf.infodict()
        info["Title"] = f"Sammanhållen stad – lägesbild {year}"
    return out.getvalue()


@literal_text
def area_brief(
    name: str,
    lines: Sequence[str],
    indicators,
    trends,
    plan_lines: Sequence[str],
    figures=None,
    figure_lines: Sequence[str] = (),
    indicator_widths: Sequence[float] | None = None,
) -> bytes:
    """The brief for one stadsdel: key figures, every indicator, trends, the published figures for its area
    (when `figures` has rows; its source column says which are second hand) and its nämnd's action plan.

    `trends` has columns name (indicator), serie, year, value and optionally status ('verkligt'/'syntetiskt'):
    then real points are drawn filled and modelled ones hollow, with a legend saying so."""
    out = io.BytesIO()
    with PdfPages(out) as pdf:
        figure, y = _page(pdf, f"{name} – stadsdelsprofil", lines)
        _table(figure, y - 0.01, indicators, col_widths=indicator_widths)
        pdf.savefig(figure)
        plt.close(figure)

        figure = plt.figure(figsize=A4)
        span = f"{int(trends['year'].min())}–{int(trends['year'].max())}" if len(trends) else ""
        figure.text(0.06, 0.955, f"{name} – utveckling {span}".rstrip(), fontsize=16, weight="bold", va="top")
        marked = "status" in trends.columns
        names = list(dict.fromkeys(trends["name"]))
        cols = 3
        rows = max(1, -(-len(names) // cols))
        for i, ind in enumerate(names):
            ax = figure.add_subplot(rows + 1, cols, i + 1 + cols)
            sub = trends[trends["name"] == ind]
            for serie, part in sub.groupby("serie", sort=False):
                style: dict[str, Any] = {"linewidth": 2.2, "color": "#b30000"} if serie == name else {"linewidth": 1.2}
                (line,) = ax.plot(part["year"], part["value"], label=serie, **style)
                if marked:
                    real = part[part["status"] == "verkligt"]
                    modelled = part[part["status"] != "verkligt"]
                    colour = line.get_color()
                    ax.scatter(
                        modelled["year"],
                        modelled["value"],
                        s=7,
                        facecolors="white",
                        edgecolors=colour,
                        linewidths=0.7,
                        zorder=3,
                    )
                    ax.scatter(
                        real["year"], real["value"], s=14, color=colour, edgecolors="black", linewidths=0.5, zorder=4
                    )
            ax.axvline(2014, color="#999999", linestyle="--", linewidth=0.8)
            ax.axvline(2015, color="#999999", linestyle=":", linewidth=0.8)
            if len(trends):
                first, last = int(trends["year"].min()), int(trends["year"].max())
                ax.set_xlim(first - 0.5, last + 0.5)
                ax.set_xticks(sorted({first, *range(2015, last + 1, 5), last}))
            ax.set_title(textwrap.shorten(ind, 34), fontsize=7.5)
            ax.tick_params(labelsize=6)
        if names:
            handles, labels = figure.axes[0].get_legend_handles_labels()
            if marked:
                from matplotlib.lines import Line2D

                handles += [
                    Line2D([], [], marker="o", linestyle="", color="#555555", markeredgecolor="black", markersize=4),
                    Line2D(
                        [],
                        [],
                        marker="o",
                        linestyle="",
                        markerfacecolor="white",
                        markeredgecolor="#555555",
                        markersize=4,
                    ),
                ]
                labels += ["verkligt värde (fylld punkt)", "syntetiskt värde (ofylld punkt)"]
            figure.legend(
                handles, labels, fontsize=7, loc="upper left", bbox_to_anchor=(0.06, 0.925), ncol=3, frameon=False
            )
        figure.text(
            0.06, 0.02, FOOTER + " · streckat: basår 2014, prickat: programstart 2015", fontsize=7, color="#666666"
        )
        figure.subplots_adjust(hspace=0.9, wspace=0.35, top=0.93, bottom=0.06)
        pdf.savefig(figure)
        plt.close(figure)

        if figures is not None and len(figures):
            figure, y = _page(pdf, "Publicerad statistik", figure_lines)
            _table(figure, y - 0.01, figures, col_widths=[0.34, 0.16, 0.07, 0.1, 0.33])
            pdf.savefig(figure)
            plt.close(figure)

        figure, _ = _page(pdf, "Stadsdelsnämndens handlingsplan", plan_lines)
        pdf.savefig(figure)
        plt.close(figure)
        pdf.infodict()["Title"] = f"Sammanhållen stad – {name}"
    return out.getvalue()
