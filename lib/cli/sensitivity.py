"""`sensitivity`: the uncertainty and sensitivity analysis of the ranks from the command line – which modelling
choice moves the ranking (overall, or one stadsdel's rank), as first-order and total Sobol indices with their 95 %
confidence intervals, from the same `lib.index.run_sensitivity` as the page."""

from __future__ import annotations

import argparse
import sys

import pandas as pd

from lib import db, export, export_tables, levels, provenance
from lib import index as ix
from lib.cli.brief import find_area
from lib.cli.common import area_names
from lib.config import Paths

UNIT_WORD = {"stadsdel": "stadsdel", "deso": "DeSO"}
UNITS_WORD = {"stadsdel": "stadsdelar", "deso": "DeSO"}


def add_parser(sub: argparse._SubParsersAction) -> None:
    """The `sensitivity` command and its options (registered by `lib.cli.parser`)."""
    s = sub.add_parser("sensitivity", help="vilka antaganden som flyttar rangordningen (Sobolindex per antagande)")
    s.add_argument("--stadsdel", help="en stadsdels (eller ett DeSO:s) namn: dess rang; utan den: hela rangordningen")
    s.add_argument(
        "--samples", type=int, default=1024, help="grundurval 256, 512, 1024, 2048 eller 4096 (7 × körningar)"
    )
    s.add_argument("--seed", type=int, default=2015, help="frö: samma frö ger samma resultat (standard 2015)")
    s.add_argument("--year", type=int, help="indexår (standard: senaste året med data på nivån)")
    s.add_argument("--weights", help='områdenas vikter, t.ex. "Hälsa=2,Försörjning=1" (övriga 1)')
    s.add_argument("--level", choices=("stadsdel", "deso"), default="stadsdel", help="nivå: stadsdel eller DeSO")
    s.add_argument("--format", choices=("csv", "json"), default="csv")
    s.set_defaults(func=cmd_sensitivity)


def sensitivity_table(indices: pd.DataFrame, output: str, runs: int, seed: int) -> pd.DataFrame:
    """One row per assumption: its Swedish name, S1 and ST with the 95 % interval as low and high, what was
    analysed, the runs and the seed (the columns `export_tables.cli_sensitivity` rounds)."""
    low = "95 % konfidensintervall, låg"
    high = "95 % konfidensintervall, hög"
    return pd.DataFrame(
        {
            "Antagande": indices["name"],
            "Första ordningens index": indices["S1"],
            f"Första ordningens index, {low}": indices["S1"] - indices["S1_conf"],
            f"Första ordningens index, {high}": indices["S1"] + indices["S1_conf"],
            "Totalt index": indices["ST"],
            f"Totalt index, {low}": indices["ST"] - indices["ST_conf"],
            f"Totalt index, {high}": indices["ST"] + indices["ST_conf"],
            "Utfall": output,
            "Körningar": runs,
            "Frö": seed,
        }
    )


def _unit(units: pd.DataFrame, name: str | None, level: str) -> tuple[str | None, str | None]:
    """(code, None) for a known unit, (None, None) without a name, else (None, a Swedish message)."""
    if not name:
        return None, None
    code, close = find_area(units, name)
    if code is not None:
        return code, None
    hint = f" Menade du: {', '.join(close)}?" if close else " Se `python -m lib.cli index` för namnen."
    return None, f"ingen {UNIT_WORD[level]} heter {name!r}.{hint}"


def cmd_sensitivity(paths: Paths, args: argparse.Namespace) -> int:
    """Print the first-order and total Sobol index of each assumption, overall or for one unit's rank."""
    try:
        settings = ix.SensitivitySettings(samples=args.samples, seed=args.seed)
    except ValueError as exc:
        print(f"Fel: {exc}", file=sys.stderr)
        return 2
    db.ensure_database(paths.data_dir, paths.db_path)
    with db.open_database(paths, read_only=True) as con:
        domains, meta = db.domains(con), db.indicators(con)
        units, values = levels.units(con, args.level), levels.values(con, args.level, False)
    framework = ix.Framework.from_meta(meta, list(domains["code"]), domains)
    years = levels.index_years(values, framework.indicators)
    year = args.year if args.year is not None else years[-1]
    code, problem = _unit(units, args.stadsdel, args.level)
    try:
        weights = ix.parse_weights(args.weights or "", area_names(domains))
        if year not in years:
            raise ValueError(f"året {year} finns inte i data för nivån ({', '.join(map(str, years))}).")
        params = ix.IndexParams(year=year, domain_weights=tuple(sorted(weights.items())), level=args.level)
        data, framework = ix.build_index_data(values, units, framework, year)
        problem = problem or ix.check_weights(framework, params)
        if problem is not None:
            raise ValueError(problem)
    except ValueError as exc:
        print(f"Fel: {exc}", file=sys.stderr)
        return 2
    result = ix.run_sensitivity(data, framework, params, settings)
    level = args.level
    if code is None:
        indices, output = result.overall, f"medelförflyttning i rangordningen (alla rangordnade {UNITS_WORD[level]})"
    else:
        name = str(units.set_index("code").loc[code, "name"])
        try:
            indices, output = ix.unit_indices(result, code), f"rangen för {name}"
        except KeyError:
            print(
                f"Fel: {name} får inte ett index i varje körning (täckningskravet eller jämförelsegruppen), "
                "så dess känslighetsindex kan inte skattas.",
                file=sys.stderr,
            )
            return 2
    origin = provenance.value_origin(values, framework.indicators, year)
    synthetic = bool((origin["synthetic"] > 0).any()) or origin.empty
    table = export_tables.cli_sensitivity(sensitivity_table(indices, output, result.runs, settings.seed), synthetic)
    table = export.inert(table)
    if args.format == "json":
        print(table.to_json(orient="records", force_ascii=False))
    else:
        print(table.to_csv(index=False), end="")
    return 0
