"""The read-only reports: `index` (the composite index per unit, the same numbers as the page) and `goals`
(attainment per delmål)."""

from __future__ import annotations

import argparse
import sys

import pandas as pd

from lib import db, export_tables, levels, provenance
from lib import index as ix
from lib.cli.common import area_names
from lib.config import YEARS, Paths


def cmd_index(paths: Paths, args: argparse.Namespace) -> int:
    """Print the composite index, one row per unit of the level, ranked (the same numbers as the page)."""
    db.ensure_database(paths.data_dir, paths.db_path)
    with db.open_database(paths, read_only=True) as con:
        domains = db.domains(con)
        meta = db.indicators(con)
        areas = levels.units(con, args.level)
        values = levels.values(con, args.level, args.real_only)
    names = area_names(domains)
    try:
        weights = ix.parse_weights(args.weights or "", names)
        params = ix.IndexParams(
            year=args.year,
            method=args.method,
            aggregation=args.aggregation,
            universe=args.universe,
            winsor=args.winsor,
            domain_weights=tuple(sorted(weights.items())),
            level=args.level,
            real_only=args.real_only,
        )
    except ValueError as exc:
        print(f"Fel: {exc}", file=sys.stderr)
        return 2
    framework = ix.Framework.from_meta(meta, list(domains["code"]), domains)
    years = levels.index_years(values, framework.indicators)
    if args.year not in years:
        print(f"Fel: året {args.year} finns inte i data för nivån ({', '.join(map(str, years))}).", file=sys.stderr)
        return 2
    data, framework = ix.build_index_data(values, areas, framework, args.year)
    problem = ix.check_weights(framework, params)
    if problem is not None:
        print(f"Fel: {problem}", file=sys.stderr)
        return 2
    result = ix.compute_index(data, framework, params)
    origin = provenance.value_origin(values, framework.indicators, args.year).set_index("area_code")["synthetic"]
    table = export_tables.cli_index(index_table(result, areas, framework), origin.to_dict())
    if args.format == "json":
        print(table.to_json(orient="records", force_ascii=False))
    else:
        print(table.to_csv(index=False), end="")
    return 0


def index_table(result: ix.IndexResult, areas: pd.DataFrame, framework: ix.Framework) -> pd.DataFrame:
    """The ranked rows the CLI prints: code, name, composite, rank, the four area scores and the coverage."""
    cols = ["area_code", "composite", "rank"] + [f"domain_{a}" for a in framework.domains] + ["coverage"]
    out = result.scores[cols].merge(areas[["code", "name"]], left_on="area_code", right_on="code")
    out = out.rename(columns={"area_code": "code_"}).drop(columns="code").rename(columns={"code_": "code"})
    out = out[["code", "name", "composite", "rank"] + [f"domain_{a}" for a in framework.domains] + ["coverage"]]
    out = out.sort_values(["rank", "name"], na_position="last").round(3)
    out["rank"] = out["rank"].astype("Int64")
    return out.reset_index(drop=True)


def cmd_goals(paths: Paths, args: argparse.Namespace) -> int:
    """Print the attainment per delmål (programme area, or a given stadsdelsområde or stadsdel)."""
    from lib import aggregate, goals

    db.ensure_database(paths.data_dir, paths.db_path)
    with db.open_database(paths, read_only=True) as con:
        tree = db.goal_tree(con)
        values, areas, inds = db.values_long(con), db.areas(con), db.indicators(con)
    bodies = {b.name.casefold(): b.id for b in tree.bodies.itertuples()} | {b.casefold(): b for b in tree.bodies["id"]}
    body_id = None
    if args.body:
        body_id = bodies.get(args.body.casefold())
        if body_id is None:
            print(
                f"Fel: okänd nämnd eller bolag '{args.body}'. Välj bland: {', '.join(tree.bodies['name'])}.",
                file=sys.stderr,
            )
            return 2
    if args.year not in YEARS:
        print(f"Fel: året {args.year} ligger utanför {YEARS[0]}–{YEARS[-1]}.", file=sys.stderr)
        return 2
    groups = aggregate.standard_groups(areas)
    outcomes = aggregate.group_values(values, {"Programområdet": groups["Programområdet"]})
    rows = goals.indicator_assessment(tree, outcomes, args.year, YEARS)
    evaluation = goals.evaluate(tree, rows).set_index("id")
    nodes = tree.nodes.set_index("id")
    if body_id:
        rows = rows[rows["node_id"].isin(goals.nodes_for_body(tree, body_id))]
    names = dict(zip(inds["code"], inds["name"], strict=True))
    table = pd.DataFrame(
        {
            "delmal": rows["node_id"],
            "text": rows["node_id"].map(nodes["text"]),
            "indicator": rows["indicator_code"].map(names),
            "baseline": rows["baseline"].round(3),
            "target": rows["target"].round(3),
            "outcome": rows["outcome"].round(3),
            "outcome_year": rows["outcome_year"],
            "indicator_status": rows["status"],
            "delmal_status": rows["node_id"].map(evaluation["status"]),
            "illustrative": rows["node_id"].map(nodes["illustrative"]),
            "illustrative_parts": [
                ",".join(() if nodes.loc[n, "illustrative"] else goals.illustrative_parts(nodes.loc[n]))
                for n in rows["node_id"]
            ],
        }
    )
    programme = set(areas.loc[areas["in_programme"].astype(bool), "code"])
    table = export_tables.cli_goals(table, inds, export_tables.outcome_synthetic(values, programme))
    if args.format == "json":
        print(table.to_json(orient="records", force_ascii=False))
    else:
        print(table.to_csv(index=False), end="")
    return 0
