"""`allocate`: the Fördelning page's split of the programme's money from the command line, in whole kronor (the
same rows, columns and numbers as the page's download for the same settings)."""

from __future__ import annotations

import argparse
import sys

from lib import allocation as al
from lib import allocation_tables, db, export, export_tables, fmt, levels
from lib import index as ix
from lib.cli.common import area_names
from lib.config import Paths

PER = {"namnd": ("nämnd", "committee"), "stadsdel": ("stadsdel", "name")}


def add_parser(sub: argparse._SubParsersAction) -> None:
    """The `allocate` command and its options (registered by `lib.cli.parser`)."""
    a = sub.add_parser("allocate", help="fördela programmets medel efter behov (belopp i hela kronor)")
    a.add_argument("--per", choices=tuple(PER), default="namnd", help="stadsdelsnämnd (standard) eller stadsdel")
    a.add_argument("--weights", help='områdenas vikter, t.ex. "Hälsa=2,Försörjning=1" (övriga 1)')
    a.add_argument("--total", default="150", help="summan i mnkr, t.ex. 150 eller 150,5 (standard 150)")
    a.add_argument("--year", type=int, help="indexår (standard: senaste året med data)")
    a.add_argument("--exponent", default="1", help="hur starkt risken väger: 0 = bara folkmängd (standard 1)")
    a.add_argument("--threshold", default="0", help="tröskel, 1,0 = stadens nivå (standard 0)")
    a.add_argument("--floor", default="0", help="golv per enhet i mnkr (standard 0)")
    a.add_argument("--format", choices=("csv", "json"), default="csv")
    a.set_defaults(func=cmd_allocate)


def _number(args: argparse.Namespace, option: str, maximum: float, unit: str = "", minimum: float = 0.0) -> float:
    """One option read as the page reads its inputs ("150,5" and "150.5"), within the page's bounds."""
    try:
        return fmt.parse_amount(getattr(args, option), minimum, maximum, unit)
    except ValueError as exc:
        raise ValueError(f"--{option}: {exc}") from None


def _params(args: argparse.Namespace) -> al.AllocationParams:
    """The choices as the page checks them (the same bounds); a Swedish ValueError naming the option otherwise."""
    return al.AllocationParams(
        total=_number(args, "total", 10_000.0, "mnkr", minimum=1.0),
        unit=PER[args.per][0],
        exponent=_number(args, "exponent", 10.0),
        threshold=_number(args, "threshold", 10.0),
        floor=_number(args, "floor", 10_000.0, "mnkr"),
    )


def cmd_allocate(paths: Paths, args: argparse.Namespace) -> int:
    """Print the allocation, largest first: one row per nämnd or stadsdel, money in whole kronor."""
    db.ensure_database(paths.data_dir, paths.db_path)
    with db.open_database(paths, read_only=True) as con:
        domains, meta, areas = db.domains(con), db.indicators(con), db.areas(con)
        units, values, long = levels.units(con, "stadsdel"), levels.values(con, "stadsdel", False), db.values_long(con)
    names = area_names(domains)
    years = sorted(int(y) for y in long["year"].unique())
    year = args.year if args.year is not None else years[-1]
    framework = ix.Framework.from_meta(meta, list(domains["code"]), domains)
    try:
        params = _params(args)
        weights = ix.parse_weights(args.weights or "", names)
        if year not in levels.index_years(values, framework.indicators):
            raise ValueError(f"året {year} finns inte i data ({', '.join(map(str, years))}).")
        index_params = ix.IndexParams(year=year, domain_weights=tuple(sorted(weights.items())))
        data, fw = ix.build_index_data(values, units, framework, year)
        problem = ix.check_weights(fw, index_params)
        if problem is not None:
            raise ValueError(problem)
        composite = ix.compute_index(data, fw, index_params).scores.set_index("area_code")["composite"]
        rows = al.programme_units(areas, long, composite, year, PER[args.per][1])
        result = al.allocate(rows, params)
    except ValueError as exc:
        print(f"Fel: {exc}", file=sys.stderr)
        return 2
    table = export.inert(export_tables.allocation(allocation_tables.export(result)))
    if args.format == "json":
        print(table.to_json(orient="records", force_ascii=False))
    else:
        print(table.to_csv(index=False), end="")
    return 0
