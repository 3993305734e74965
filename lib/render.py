"""Static renderings for print and hand-outs: the map and trend charts as PNG (matplotlib), no browser needed. The
PDF briefs that carry them are composed in `lib/brief_pages.py` and laid out by typst (`lib/brief_layout.py`).

Everything takes prepared tables and returns bytes, so the pages decide what goes in and the tests can read the
result back (pypdf for text, PIL for the image).
"""

from __future__ import annotations

import functools
import io
import textwrap
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, ParamSpec, TypeVar

import geopandas as gpd
import matplotlib
import pandas as pd

matplotlib.use("Agg")
import matplotlib.pyplot as plt
from matplotlib.patches import Patch

from lib.classify import NO_DATA_RGBA, OUTSIDE_RGBA
from lib.fmt import number
from lib.mapview import WATER_RGBA

A4 = (8.27, 11.69)

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
    #: Said next to the map when it shows synthetic values (`map_marking`): which units, and that they are modelled.
    marking: str = ""


#: How many unit names a map's marking lists before it says "och n till".
MARKED_NAMES = 8


def map_marking(synthetic: Mapping[str, bool], names: Mapping[str, str], plural: str = "stadsdelar") -> str:
    """The sentence a printed map carries when synthetic values are shown (`synthetic`: shown unit code → whether
    its value is, or rests on, modelled values): all of them, or which; empty when every value is real."""
    marked = [names.get(c, c) for c, s in synthetic.items() if s]
    if not marked:
        return ""
    if len(marked) == len(synthetic):
        return f"Syntetiska värden: alla {len(marked)} {plural} på kartan har modellerade värden, inte statistik."
    listed = ", ".join(sorted(marked)[:MARKED_NAMES]) + (
        f" och {len(marked) - MARKED_NAMES} till" if len(marked) > MARKED_NAMES else ""
    )
    return f"Syntetiska värden för {len(marked)} av {len(synthetic)} {plural} på kartan: {listed}."


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
        figure.text(0.02, 0.01, textwrap.fill(fig.caption, 150), fontsize=8, color="#444444", va="top")
        if fig.marking:
            ax.text(
                0.0, 1.0, textwrap.fill(fig.marking, 95), transform=ax.transAxes, fontsize=9.5, fontweight="bold",
                color="#9a3d00", va="top", bbox={"facecolor": "#fff1e0", "edgecolor": "#d9822b", "pad": 4},
            )  # fmt: skip
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
