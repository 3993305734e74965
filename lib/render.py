"""Static renderings for print and hand-outs: the map and trend charts as PNG (matplotlib) and the PDF briefs
(laid out by typst through `lib/brief_layout.py`; no browser needed).

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
import pandas as pd

matplotlib.use("Agg")
import matplotlib.pyplot as plt
from matplotlib.patches import Patch

from lib import brief_layout
from lib.brief_layout import Brief
from lib.classify import NO_DATA_RGBA, OUTSIDE_RGBA
from lib.fmt import number
from lib.mapview import WATER_RGBA

A4 = (8.27, 11.69)
FOOTER = "Sammanhållen stad · källor: SCB (CC0), Stockholms stad (CC0), Polisen – se Data och källor i verktyget"

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


def programme_map_figure(scores: pd.DataFrame, units: pd.DataFrame, title: str, caption: str) -> MapFigure:
    """The composite index of the programme's units (`scores`: area_code, composite; `units`: code,
    in_programme) in the map's five quantile classes and colours – the same figure for the page's PDF and the
    CLI's brief."""
    from lib import classify

    s = scores.set_index("area_code")
    prog = units.loc[units["in_programme"].astype(bool), "code"]
    shown = s.loc[s.index.intersection(prog), "composite"]
    cls = classify.classify(shown.to_numpy(), "quantiles", 5)
    colours = classify.palette(cls.k)
    table = classify.legend_table(cls, 0, True)
    return MapFigure(
        {code: colours[step] for code, step in zip(shown.index, cls.bins, strict=True) if step >= 0},
        list(zip(table["label"][::-1], table["colour"][::-1], strict=True)),
        title,
        caption,
    )


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
    labels: Sequence[tuple[str, float, float]] = (),
) -> None:
    """The areas in their colours over the water (`water`: a frame, True for the shipped water, False for none),
    with `labels` (name, x, y) written on the map so a printed map says which area is which."""
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
    for name, x, y in labels:
        ax.annotate(
            name,
            (x, y),
            fontsize=6.5,
            ha="center",
            va="center",
            color="#111111",
            bbox={"boxstyle": "round,pad=0.15", "facecolor": "white", "edgecolor": "none", "alpha": 0.75},
        )


@literal_text
def map_png(
    frame: gpd.GeoDataFrame,
    fig: MapFigure,
    outlines: gpd.GeoDataFrame | None = None,
    water: gpd.GeoDataFrame | bool = True,
    labels: Sequence[tuple[str, float, float]] = (),
    texts: bool = True,
) -> bytes:
    """The map as PNG; `texts=False` leaves out the title and caption (a brief prints them as text beside it)."""
    figure, ax = plt.subplots(figsize=(9, 8), dpi=120)
    draw_map(ax, frame, fig, outlines, water, labels)
    if texts:
        figure.text(0.02, 0.01, fig.caption, fontsize=8, color="#444444")
    else:
        ax.set_title("", loc="left")
    out = io.BytesIO()
    figure.savefig(out, format="png", bbox_inches="tight")
    plt.close(figure)
    return out.getvalue()


def _figure_png(figure) -> bytes:
    out = io.BytesIO()
    figure.savefig(out, format="png", dpi=150, bbox_inches="tight")
    plt.close(figure)
    return out.getvalue()


def _trend_legend(figure, marked: bool) -> None:
    """The series legend and, when points carry a status, what filled and hollow points mean."""
    from matplotlib.lines import Line2D

    handles, labels = figure.axes[0].get_legend_handles_labels()
    if marked:
        handles += [
            Line2D([], [], marker="o", linestyle="", color="#555555", markeredgecolor="black", markersize=4),
            Line2D([], [], marker="o", linestyle="", markerfacecolor="white", markeredgecolor="#555555", markersize=4),
        ]
        labels += ["verkligt värde (fylld punkt)", "syntetiskt värde (ofylld punkt)"]
    figure.legend(handles, labels, fontsize=7, loc="upper left", bbox_to_anchor=(0.06, 0.99), ncol=3, frameon=False)


def _trend_axis(ax, sub, trends, name: str, marked: bool) -> None:
    for serie, part in sub.groupby("serie", sort=False):
        style: dict[str, Any] = {"linewidth": 2.2, "color": "#b30000"} if serie == name else {"linewidth": 1.2}
        (line,) = ax.plot(part["year"], part["value"], label=serie, **style)
        if marked:
            real, modelled = part[part["status"] == "verkligt"], part[part["status"] != "verkligt"]
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
            ax.scatter(real["year"], real["value"], s=14, color=colour, edgecolors="black", linewidths=0.5, zorder=4)
    ax.axvline(2014, color="#999999", linestyle="--", linewidth=0.8)
    ax.axvline(2015, color="#999999", linestyle=":", linewidth=0.8)
    first, last = int(trends["year"].min()), int(trends["year"].max())
    ax.set_xlim(first - 0.5, last + 0.5)
    ax.set_xticks(sorted({first, *range(2015, last + 1, 5), last}))
    ax.xaxis.set_major_formatter(lambda v, _: f"{int(v)}")
    ax.yaxis.set_major_formatter(lambda v, _: number(v, 0 if abs(v) >= 10 or float(v).is_integer() else 1))
    ax.tick_params(labelsize=6)


@literal_text
def trend_png(name: str, trends) -> bytes:
    """Small multiples of every indicator's series (`trends`: name, serie, year, value, optionally status
    'verkligt'/'syntetiskt': then real points are filled and modelled ones hollow, with a legend saying so)."""
    names = list(dict.fromkeys(trends["name"]))
    marked = "status" in trends.columns
    cols = 3
    rows = max(1, -(-len(names) // cols))
    figure = plt.figure(figsize=(8.0, 1.75 * rows + 0.9))
    for i, ind in enumerate(names):
        ax = figure.add_subplot(rows, cols, i + 1)
        _trend_axis(ax, trends[trends["name"] == ind], trends, name, marked)
        ax.set_title(textwrap.shorten(ind, 40), fontsize=7.5)
    if names:
        _trend_legend(figure, marked)
    figure.subplots_adjust(hspace=0.75, wspace=0.3, top=1 - 0.85 / (1.75 * rows + 0.9))
    return _figure_png(figure)


#: Indicators per trend chart in a brief: four rows of three, so one chart fits an A4 page.
TRENDS_PER_IMAGE = 12


def _has(frame, text: str) -> bool:
    """Whether any cell of `frame` mentions `text` (say "syntetisk" or "illustrativt"), to mark its page."""
    return bool(len(frame)) and frame.astype(str).apply(lambda c: c.str.contains(text, case=False)).any().any()


def programme_layout(
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
    ranking_fills: Sequence[tuple[str, str] | None] | None = None,
    map_labels: Sequence[tuple[str, float, float]] = (),
    synthetic: bool = True,
    validation: ValidationPage | None = None,
) -> Brief:
    """The programme brief as blocks: map, ranking with robustness, goal status, allocation, and – when given –
    the index validated against SCB's socioekonomisk områdestyp. `synthetic`: whether its index values are
    (partly) synthetic, so the pages showing them say so in the footer."""
    syn = ["synthetic"] if synthetic else []
    doc = Brief(f"Sammanhållen stad – lägesbild {year}", FOOTER)
    doc.add_title(f"Program för en sammanhållen stad – lägesbild {year}")
    doc.add_lines(intro, syn)
    doc.add_heading(map_fig.title)
    legend = ", ".join(label for label, _ in map_fig.legend)
    doc.add_image(
        map_png(frame, map_fig, outlines, labels=map_labels, texts=False),
        f"{map_fig.caption} Klasser (mörkare = högre risk): {legend}.",
        syn,
    )
    doc.add_page_break()
    doc.add_heading("Rangordning och hur säker den är")
    doc.add_text(stability, keep_with_next=True)
    doc.add_table(ranking, ranking_widths, syn, ranking_fills, fill_column=list(ranking.columns).index("Index"))
    doc.add_heading("Måluppfyllelse")
    doc.add_text(
        "Bedömt enligt regler i ILS-stil (verktygets egna): helt, delvis eller ej uppfyllt. Delar markerade "
        "(illustrativt) är exempel, inte programmets text.",
        keep_with_next=True,
    )
    doc.add_table(goals_table, [0.12, 0.62, 0.26], syn + (["illustrative"] if _has(goals_table, "illustrativ") else []))
    doc.add_heading("Fördelning av de föreslagna 150 mnkr efter behov")
    doc.add_text(
        "150 mnkr föreslås för stadsdelsnämndernas lokala arbete med social hållbarhet under programperioden. "
        "Räkneexempel: behov = folkmängd × social risk (indexet mot staden), jämfört med lika delar och fördelning "
        "efter folkmängd.",
        keep_with_next=True,
    )
    doc.add_table(allocation, [0.4, 0.2, 0.2, 0.2], syn)
    if validation is not None:
        doc.add_heading("Validering mot SCB:s socioekonomiska områdestyp")
        doc.add_lines(validation.lines)
        doc.add_text("Indexklass (rader) mot SCB:s typ (kolumner), antal RegSO", keep_with_next=True)
        doc.add_table(validation.crosstab, [0.3] + [0.14] * (len(validation.crosstab.columns) - 1))  # type: ignore[attr-defined]
        doc.add_text("Där indexet och SCB skiljer sig mest", keep_with_next=True)
        doc.add_table(validation.disagreements)
    return doc


@literal_text
def programme_brief(*args: Any, **kwargs: Any) -> bytes:
    """The programme brief as PDF (arguments as `programme_layout`)."""
    return brief_layout.pdf(programme_layout(*args, **kwargs))


def area_layout(
    name: str,
    lines: Sequence[str],
    indicators,
    trends,
    plan_lines: Sequence[str],
    figures=None,
    figure_lines: Sequence[str] = (),
    indicator_widths: Sequence[float] | None = None,
) -> Brief:
    """The brief for one stadsdel as blocks: key figures, every indicator, trends, the published figures for its
    area (when `figures` has rows; its source column says which are second hand) and its nämnd's action plan."""
    doc = Brief(f"Sammanhållen stad – {name}", FOOTER)
    syn = ["synthetic"] if _has(indicators, "syntetisk") else []
    doc.add_title(f"{name} – stadsdelsprofil")
    doc.add_lines(lines, syn)
    doc.add_table(indicators, indicator_widths, syn)
    if len(trends):
        span = f"{int(trends['year'].min())}–{int(trends['year'].max())}"
        doc.add_heading(f"{name} – utveckling {span}")
        marked = "status" in trends.columns and (trends["status"] != "verkligt").any()
        names = list(dict.fromkeys(trends["name"]))
        caption = "Streckat: basår 2014, prickat: programstart 2015." + (
            " Fylld punkt: verkligt värde; ofylld punkt: syntetiskt värde." if "status" in trends.columns else ""
        )
        for start in range(0, len(names), TRENDS_PER_IMAGE):  # a chart of at most four rows fits a page
            part = trends[trends["name"].isin(names[start : start + TRENDS_PER_IMAGE])]
            doc.add_image(trend_png(name, part), caption, ["synthetic"] if marked else [])
    if figures is not None and len(figures):
        doc.add_heading("Publicerad statistik")
        doc.add_lines(figure_lines)
        doc.add_table(figures, [0.34, 0.16, 0.07, 0.1, 0.33])
    doc.add_heading("Stadsdelsnämndens handlingsplan")
    doc.add_lines(plan_lines)
    return doc


@literal_text
def area_brief(*args: Any, **kwargs: Any) -> bytes:
    """The stadsdel brief as PDF (arguments as `area_layout`)."""
    return brief_layout.pdf(area_layout(*args, **kwargs))
