"""`brief`: the programme brief, or with `--stadsdel` one stadsdel's brief, as PDF from the database – the same
briefs as the pages' download buttons, for printing a batch before a round of dialogue meetings. Read-only: the
database is opened for reading and nothing is written but the PDF.

The index is the standard one (the programme's default weights, index 100 = the city, arithmetic mean, stadsdel
level), or with `--weights` the areas weighted as given; the page's brief follows the choices made on the page.
The programme brief carries the uncertainty and sensitivity analysis of that index, computed here (a local user
may compute any; `--samples` and `--seed` as the `sensitivity` command).
"""

from __future__ import annotations

import argparse
import difflib
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

from lib import aggregate, allocation, db, levels, provenance
from lib import index as ix
from lib.cli.common import area_names
from lib.config import YEARS, Paths

if TYPE_CHECKING:
    from lib import render

# The maps and the layout engine (geopandas, matplotlib, typst) load inside the functions that draw, so the other
# commands start as quickly as before.

METHOD_LABEL, AGGREGATION_LABEL = "Index, 100 = jämförelsegruppen", "Aritmetiskt medel"


def map_figure(scores: pd.DataFrame, units: pd.DataFrame, params: ix.IndexParams) -> render.MapFigure:
    """The programme map of the brief, as the page prints it for the standard index."""
    from lib import geo, render

    return render.programme_map_figure(
        scores,
        units,
        f"Sammanvägt index {params.year} – stadsdelar",
        f"{geo.ATTRIBUTION}. Till största delen syntetiska värden; preliminärt urval av 22 stadsdelar.",
    )


def _index_data(con, params: ix.IndexParams) -> tuple[ix.IndexData, ix.Framework]:
    fw = ix.Framework.from_meta(db.indicators(con), list(db.domains(con)["code"]), db.domains(con))
    return ix.build_index_data(
        levels.values(con, params.level, params.real_only), levels.units(con, params.level), fw, params.year
    )


def _index(
    con, params: ix.IndexParams, settings: ix.SensitivitySettings | None = None
) -> tuple[ix.IndexResult, pd.DataFrame, ix.SensitivityResult | None]:
    """The index and its robustness (as the pages: Monte Carlo ±25 %, rank range with each area weight 10–40 %),
    and with `settings` its uncertainty and sensitivity analysis."""
    data, fw = _index_data(con, params)
    robust = ix.monte_carlo(data, fw, params, draws=1000, noise=0.25).merge(
        ix.rank_range(data, fw, params, band=(0.10, 0.40)), on="area_code"
    )
    analysis = ix.run_sensitivity(data, fw, params, settings) if settings is not None else None
    return ix.compute_index(data, fw, params), robust, analysis


def _allocation(con, params: ix.IndexParams) -> pd.DataFrame:
    """The 150 mnkr per stadsdelsnämnd: population × risk against the whole city (index 100 = the city), from the
    same rows as the page and `allocate` (`allocation.programme_units`)."""
    ref = ix.IndexParams(**{**params.__dict__, "method": "ref100", "universe": "all"})
    composite = ix.compute_index(*_index_data(con, ref), ref).scores.set_index("area_code")["composite"]
    units = allocation.programme_units(db.areas(con), db.values_long(con), composite, params.year, "committee")
    return allocation.allocate(units, allocation.AllocationParams())


def index_params(con, year: int, weights: str | None) -> ix.IndexParams:
    """The standard index for `year`, or with `--weights` ("Hälsa=2,Försörjning=1"; the others 1). Raises
    ValueError with a Swedish message for a weight that cannot be read, before any work starts."""
    domains = db.domains(con)
    parsed = ix.parse_weights(weights or "", area_names(domains))
    params = ix.IndexParams(year=year, domain_weights=tuple(sorted(parsed.items())))
    problem = ix.check_weights(ix.Framework.from_meta(db.indicators(con), list(domains["code"]), domains), params)
    if problem is not None:
        raise ValueError(problem)
    return params


def programme_pdf(
    con,
    paths: Paths,
    year: int,
    params: ix.IndexParams | None = None,
    settings: ix.SensitivitySettings = ix.SensitivitySettings(),  # noqa: B008 - frozen, so one shared default is safe
) -> bytes:
    from lib import briefs, geo

    params = params or ix.IndexParams(year=year)
    result, robust, analysis = _index(con, params, settings)
    units = levels.units(con, "stadsdel")
    fw = ix.Framework.from_meta(db.indicators(con), list(db.domains(con)["code"]), db.domains(con))
    groups = aggregate.group_values(db.values_long(con), aggregate.standard_groups(db.areas(con)))
    boundaries = geo.load_boundaries(paths.stadsdel_geo, paths.official_geo).frame
    return briefs.programme_brief_pdf(
        briefs.ProgrammeInputs(
            params=params,
            scores=result.scores,
            robust=robust,
            units=units,
            origin=provenance.value_origin(levels.values(con, "stadsdel"), fw.indicators, year),
            goal_tree=db.goal_tree(con),
            goal_outcomes=groups[groups["group"] == "Programområdet"][["indicator_code", "year", "value"]],
            goal_year=year,
            allocation=_allocation(con, params),
            method_label=METHOD_LABEL,
            aggregation_label=AGGREGATION_LABEL,
            frame=boundaries,
            map_figure=map_figure(result.scores, units, params),
            outlines=geo.district_outlines(boundaries),
            followups=db.goal_followups(con, year=year),
            domain_names=area_names(db.domains(con)),
            sensitivity=analysis,
        )
    )


def area_pdf(con, code: str, year: int, params: ix.IndexParams | None = None) -> bytes:
    from lib import briefs

    params = params or ix.IndexParams(year=year)
    result, robust, _ = _index(con, params)
    areas = db.areas(con)
    area = areas.set_index("code").loc[code]
    values = levels.values(con, "stadsdel")
    police = levels.police_shares(con)
    long = db.values_long(con)
    return briefs.area_brief_pdf(
        briefs.AreaInputs(
            area=area,
            score=result.scores.set_index("area_code").loc[code],
            robust=robust.set_index("area_code").loc[code],
            own=values[values["area_code"] == code],
            groups=aggregate.group_values(long, aggregate.standard_groups(areas)),
            group_status=provenance.group_status(long, aggregate.standard_groups(areas)),
            indicators=db.indicators(con),
            pairs=db.real_and_model(con, code),
            police=police[police["area_code"] == code],
            has_deso=bool((levels.units(con, "deso")["area_code"] == code).any()),
            plan=db.plan(con, area["committee"]),
            references=db.reference_figures(con),
            year=year,
            goal_tree=db.goal_tree(con),
            followups=db.goal_followups(con, year=year),
        )
    )


def find_area(areas: pd.DataFrame, name: str) -> tuple[str | None, list[str]]:
    """The code of the stadsdel called `name` (or with that code), any case; else None and close names."""
    key = name.strip().casefold()
    for code, shown in zip(areas["code"], areas["name"], strict=True):
        if key in (str(code).casefold(), str(shown).casefold()):
            return str(code), []
    return None, difflib.get_close_matches(name.strip(), [str(n) for n in areas["name"]], n=3, cutoff=0.5)


def writable(out: Path) -> bool:
    """Whether `out` can be written: not a directory, in a folder that exists and may be written to."""
    folder = out.parent if str(out.parent) else Path(".")
    return not out.is_dir() and folder.is_dir() and os.access(folder, os.W_OK)


def cmd_brief(paths: Paths, args: argparse.Namespace) -> int:
    """Write the programme brief (or one stadsdel's with `--stadsdel`) for `--year` as PDF to `--out`."""
    out = Path(args.out)
    if not writable(out):
        print(f"Fel: kan inte skriva {out} (finns mappen, och får den skrivas i?).", file=sys.stderr)
        return 2
    if args.year not in YEARS:
        print(f"Fel: året {args.year} finns inte ({YEARS[0]}–{YEARS[-1]}).", file=sys.stderr)
        return 2
    try:
        settings = ix.SensitivitySettings(samples=args.samples, seed=args.seed)
    except ValueError as exc:
        print(f"Fel: {exc}", file=sys.stderr)
        return 2
    db.ensure_database(paths.data_dir, paths.db_path)
    with db.open_database(paths, read_only=True) as con:
        try:
            params = index_params(con, args.year, getattr(args, "weights", None))
        except ValueError as exc:
            print(f"Fel: {exc}", file=sys.stderr)
            return 2
        if args.stadsdel:
            code, close = find_area(db.areas(con), args.stadsdel)
            if code is None:
                hint = f" Menade du: {', '.join(close)}?" if close else " Se `python -m lib.cli info` för namnen."
                print(f"Fel: ingen stadsdel heter {args.stadsdel!r}.{hint}", file=sys.stderr)
                return 2
            pdf = area_pdf(con, code, args.year, params)
        else:
            pdf = programme_pdf(con, paths, args.year, params, settings)
    try:
        out.write_bytes(pdf)
    except OSError as exc:
        print(f"Fel: kan inte skriva {out}: {exc.strerror or exc}.", file=sys.stderr)
        return 2
    print(f"Skrev {out} ({len(pdf) // 1024} kB).")
    return 0
