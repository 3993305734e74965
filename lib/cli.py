"""Command line: `python -m lib.cli {build-db,info,index,goals,…,fetch-boundaries,generate-data,make-map}`.

Exit codes: 0 done, 1 failed (message on stderr), 2 bad arguments or input, 3 refused (no signed-in editor).
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from pathlib import Path

import pandas as pd

from lib import db, geo, levels, real, reference, synthetic
from lib import index as ix
from lib.config import OFFICIAL_BOUNDARIES_SHA256, OFFICIAL_BOUNDARIES_URL, YEARS, Paths


def cmd_build_db(paths: Paths, args: argparse.Namespace) -> int:
    if args.force:
        db.build_database(paths.data_dir, paths.db_path)
        built = True
    else:
        built = db.ensure_database(paths.data_dir, paths.db_path)
    print(f"Databasen {'byggdes' if built else 'är redan aktuell'}: {paths.db_path}")
    return 0


def cmd_info(paths: Paths, args: argparse.Namespace) -> int:
    db.ensure_database(paths.data_dir, paths.db_path)
    kind = "imported" if paths.official_geo.exists() else "official"
    with db.connect(paths.db_path, read_only=True) as con:
        summary = db.info(con, kind)
    if args.json:
        print(json.dumps(summary, ensure_ascii=False))
    else:
        for key, val in summary.items():
            print(f"{key}: {val}")
    return 0


def cmd_index(paths: Paths, args: argparse.Namespace) -> int:
    """Print the composite index, one row per unit of the level, ranked (the same numbers as the page)."""
    db.ensure_database(paths.data_dir, paths.db_path)
    with db.connect(paths.db_path, read_only=True) as con:
        domains = db.domains(con)
        meta = db.indicators(con)
        areas = levels.units(con, args.level)
        values = levels.values(con, args.level, args.real_only)
    names = dict(zip(domains["code"], domains["name"], strict=True))
    names.pop("kontext", None)
    try:
        weights = ix.parse_weights(args.weights or "", names)
        params = ix.IndexParams(
            year=args.year,
            method=args.method,
            aggregation=args.aggregation,
            universe=args.universe,
            winsor=args.winsor,
            area_weights=tuple(sorted(weights.items())),
            level=args.level,
            real_only=args.real_only,
        )
    except ValueError as exc:
        print(f"Fel: {exc}", file=sys.stderr)
        return 2
    framework = ix.Framework.from_meta(meta, list(domains["code"]))
    years = levels.index_years(values, framework.indicators)
    if args.year not in years:
        print(f"Fel: året {args.year} finns inte i data för nivån ({', '.join(map(str, years))}).", file=sys.stderr)
        return 2
    data, framework = ix.build_index_data(values, areas, framework, args.year)
    result = ix.compute_index(data, framework, params)
    table = index_table(result, areas, framework)
    if args.format == "json":
        print(table.to_json(orient="records", force_ascii=False))
    else:
        print(table.to_csv(index=False), end="")
    return 0


def index_table(result: ix.IndexResult, areas: pd.DataFrame, framework: ix.Framework) -> pd.DataFrame:
    """The ranked rows the CLI prints: code, name, composite, rank, the four area scores and the coverage."""
    cols = ["area_code", "composite", "rank"] + [f"area_{a}" for a in framework.areas] + ["coverage"]
    out = result.scores[cols].merge(areas[["code", "name"]], left_on="area_code", right_on="code")
    out = out.rename(columns={"area_code": "code_"}).drop(columns="code").rename(columns={"code_": "code"})
    out = out[["code", "name", "composite", "rank"] + [f"area_{a}" for a in framework.areas] + ["coverage"]]
    out = out.sort_values(["rank", "name"], na_position="last").round(3)
    out["rank"] = out["rank"].astype("Int64")
    return out.reset_index(drop=True)


def cmd_goals(paths: Paths, args: argparse.Namespace) -> int:
    """Print the attainment per delmål (programme area, or a given stadsdelsområde or stadsdel)."""
    from lib import aggregate, goals

    db.ensure_database(paths.data_dir, paths.db_path)
    with db.connect(paths.db_path, read_only=True) as con:
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
    if args.format == "json":
        print(table.to_json(orient="records", force_ascii=False))
    else:
        print(table.to_csv(index=False), end="")
    return 0


def read_secrets(path: Path) -> dict:
    import tomllib

    if not path.exists():
        return {}
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise db.DataError(f"Hemlighetsfilen {path} kan inte läsas: {exc}") from exc


def authenticate(paths: Paths, editor: str | None) -> str:
    """A CLI write needs --editor and that editor's password (SAMMANHALLEN_PASSWORD or a prompt)."""
    import getpass
    import os

    from lib import auth

    if not editor:
        raise auth.NotAuthorised(auth.REFUSED + " Ange --editor NAMN.")
    password = os.environ.get("SAMMANHALLEN_PASSWORD")
    if password is None:
        password = getpass.getpass(f"Lösenord för {editor}: ") if sys.stdin.isatty() else sys.stdin.readline().strip()
    if not auth.verify(read_secrets(paths.secrets_file).get("editors", {}), editor, password):
        raise auth.NotAuthorised("Fel användarnamn eller lösenord. Inget ändrades.")
    return editor


def cmd_add_editor(paths: Paths, args: argparse.Namespace) -> int:
    """Add or replace an editor: only the argon2 hash is stored, in the (git-ignored) secrets file."""
    import getpass

    from lib import auth

    if args.password_stdin:
        password = sys.stdin.readline().rstrip("\n")
    else:
        password = getpass.getpass("Lösenord: ")
        if getpass.getpass("Upprepa lösenordet: ") != password:
            print("Fel: lösenorden är olika. Inget ändrades.", file=sys.stderr)
            return 2
    try:
        hashed = auth.hash_password(password)
    except ValueError as exc:
        print(f"Fel: {exc}", file=sys.stderr)
        return 2
    secrets = read_secrets(paths.secrets_file)
    secrets.setdefault("editors", {})[args.name.strip()] = hashed
    paths.secrets_file.parent.mkdir(parents=True, exist_ok=True)
    paths.secrets_file.write_text(auth.toml_dumps(secrets), encoding="utf-8")
    paths.secrets_file.chmod(0o600)
    print(f"Redigeraren {args.name.strip()} är upplagd i {paths.secrets_file}.")
    return 0


def cmd_load_goals(paths: Paths, args: argparse.Namespace) -> int:
    """Validate a goal-tree YAML file and make it the project's goal tree (data/goals.yaml), then rebuild."""
    import shutil

    from lib import goals

    source = Path(args.file)
    if not source.exists():
        raise db.DataError(f"Filen {source} finns inte.")
    raw = db.read_goal_file(source)
    known = set(pd.read_csv(paths.data_dir / "indicator.csv")["code"])
    try:
        tree = goals.parse_tree(raw, known, YEARS)
    except goals.TreeError as exc:
        print(f"Fel: {exc}", file=sys.stderr)
        return 2
    counts = tree.nodes["level"].value_counts()
    print(
        f"Målträdet är giltigt: {counts.get('målområde', 0)} målområden, {counts.get('mål', 0)} mål, "
        f"{counts.get('delmål', 0)} delmål, {len(tree.activities)} aktiviteter."
    )
    if args.dry_run:
        print("Provkörning: inget ändrades.")
        return 0
    editor = authenticate(paths, args.editor)
    shutil.copyfile(source, paths.data_dir / "goals.yaml")
    print(f"Målträdet lästes in av {editor}.")
    db.ensure_database(paths.data_dir, paths.db_path)
    print("Inläst. Appen visar det nya målträdet efter omstart.")
    return 0


def cmd_import_values(paths: Paths, args: argparse.Namespace) -> int:
    """Check a CSV/XLSX file of real values and (unless --dry-run) write it in one transaction.

    Exit codes: 0 imported (or a clean dry run), 2 rejected (nothing written), 3 refused (no editor)."""
    from lib import importer

    source = Path(args.file)
    if not source.exists():
        print(f"Fel: filen {source} finns inte.", file=sys.stderr)
        return 2
    db.ensure_database(paths.data_dir, paths.db_path)
    with db.connect(paths.db_path, read_only=args.dry_run) as con:
        areas, inds = db.areas(con), db.indicators(con)
        current = db.values_long(con)
        try:
            frame = importer.read_table(source.read_bytes(), source.name, args.sheet)
            parsed = importer.parse_values(frame, areas, inds, (YEARS[0], YEARS[-1]), args.source or "")
        except importer.ImportRejected as exc:
            parsed = importer.Parsed(pd.DataFrame(), exc.problems)
        if parsed.problems:
            print(f"Filen avvisades ({len(parsed.problems)} problem); inget skrevs:", file=sys.stderr)
            for problem in parsed.problems[:200]:
                print(f"- {problem}", file=sys.stderr)
            return 2
        change = importer.preview(parsed.values, current)
        print(
            f"{len(parsed.values)} värden ({parsed.layout} layout): {change['new']} nya, {change['changed']} "
            f"ändrade, {change['unchanged']} oförändrade."
        )
        if args.dry_run:
            print("Provkörning: inget skrevs.")
            return 0
        editor = authenticate(paths, args.editor)
        import_id = db.import_values(con, editor, parsed.values, source.name)
    print(f"Inläst som inläsning nr {import_id}. Värdena är nu markerade som verkliga, med sin källa.")
    return 0


def cmd_fetch_boundaries(paths: Paths, args: argparse.Namespace) -> int:
    """Download (no argument or a URL) or read (a file) official boundaries and install them."""
    source = args.source or OFFICIAL_BOUNDARIES_URL
    with tempfile.TemporaryDirectory() as tmp:
        if source.startswith(("http://", "https://", "file://")):
            sha = OFFICIAL_BOUNDARIES_SHA256 if source == OFFICIAL_BOUNDARIES_URL else args.sha256
            print(f"Hämtar {source} …")
            local = geo.download(source, Path(tmp) / "download.geojson", sha, timeout=args.timeout)
        else:
            local = Path(source)
            if not local.exists():
                raise geo.GeoError(f"Filen {local} finns inte.")
        areas = pd.read_csv(paths.data_dir / "area.csv")
        frame, report = geo.import_boundaries(local, areas)
    print(f"Källans koordinatsystem: {report.source_crs}")
    print(f"Matchade stadsdelar: {report.matched} av {len(areas)}; reparerade geometrier: {report.repaired}")
    if report.unmatched_features:
        print("Objekt utan motsvarande stadsdel: " + ", ".join(report.unmatched_features))
    if report.missing_areas:
        print("Stadsdelar som saknas i filen: " + ", ".join(report.missing_areas))
    if report.matched == 0:
        raise geo.GeoError("Inga stadsdelar kunde matchas; inget installerades.")
    size = geo.write_geojson(frame, paths.official_geo)
    print(
        f"Skrev {paths.official_geo} ({size / 1024:.0f} kB). "
        "Appen använder nu dessa gränser i stället för den medföljande kartan."
    )
    return 0


def cmd_generate_data(paths: Paths, args: argparse.Namespace) -> int:
    """Regenerate area.csv, reference_figure.csv and the synthetic value.csv from ../shared."""
    shared = Path(args.shared) if args.shared else paths.shared_dir
    centroids = pd.read_csv(shared / "reference" / "stadsdelar_centroids.csv")
    figures = pd.read_csv(shared / "reference" / "figures" / "real_figures.csv")
    areas = synthetic.build_areas(centroids)
    areas.to_csv(paths.data_dir / "area.csv", index=False)
    figures.to_csv(paths.data_dir / "reference_figure.csv", index=False)
    values = generate_values_from(paths.data_dir)
    values.to_csv(paths.data_dir / "value.csv", index=False)
    print(f"Skrev {len(areas)} stadsdelar, {len(figures)} verkliga siffror och {len(values)} syntetiska värden.")
    return 0


def generate_values_from(data_dir: Path, seed: int = 2015) -> pd.DataFrame:
    """The synthetic values the committed data files imply (used by the command and its test)."""
    areas = pd.read_csv(data_dir / "area.csv")
    figures = pd.read_csv(data_dir / "reference_figure.csv")
    mapping = pd.read_csv(data_dir / "reference_mapping.csv")
    indicators = pd.read_csv(data_dir / "indicator.csv")
    targets = reference.calibration_targets(reference.map_reference_figures(figures, mapping, areas), YEARS)
    real_values = real.read_stadsdel_values(data_dir)
    return synthetic.generate_values(areas, indicators, figures, targets, real_values, YEARS, seed=seed)


def cmd_derive_real(paths: Paths, args: argparse.Namespace) -> int:
    """Derive the real data files (DeSO, RegSO, Polisen, city population) from ../shared/reference/real."""
    shared = Path(args.shared) if args.shared else paths.shared_dir
    if not (shared / "reference" / "real").is_dir():
        raise db.DataError(f"Hittar inte {shared / 'reference' / 'real'}; ange mappen med --shared.")
    rows = real.derive_all(shared, paths.data_dir)
    for name, n in rows.items():
        print(f"Skrev data/{name} ({n} rader).")
    return 0


def cmd_make_map(paths: Paths, args: argparse.Namespace) -> int:
    """Build the shipped maps in geo/ (stadsdelar, water, DeSO) from the official reference files (deterministic)."""
    shared = Path(args.shared) if args.shared else paths.shared_dir
    areas = pd.read_csv(paths.data_dir / "area.csv")
    sizes = geo.build_maps(shared, areas, paths.geo_dir)
    for name, size in sizes.items():
        print(f"Skrev {paths.geo_dir / name} ({size / 1024:.0f} kB).")
    return 0


class SwedishParser(argparse.ArgumentParser):
    """argparse with its usual errors in Swedish (exit code 2 as before)."""

    TRANSLATIONS = (
        ("invalid choice", "ogiltigt val"),
        ("choose from", "välj bland"),
        ("invalid int value", "inte ett heltal"),
        ("invalid float value", "inte ett tal"),
        ("the following arguments are required", "dessa argument krävs"),
        ("unrecognized arguments", "okända argument"),
        ("expected one argument", "väntade ett värde"),
        ("argument", "argumentet"),
    )

    def error(self, message: str) -> None:
        for english, swedish in self.TRANSLATIONS:
            message = message.replace(english, swedish)
        self.print_usage(sys.stderr)
        self.exit(2, f"Fel: {message}\n")


def parser() -> argparse.ArgumentParser:
    p = SwedishParser(prog="python -m lib.cli", description="Sammanhållen stad – kommandon för data.")
    sub = p.add_subparsers(dest="command", required=True, parser_class=SwedishParser)
    b = sub.add_parser("build-db", help="bygg databasen från data/ (om den är inaktuell)")
    b.add_argument("--force", action="store_true", help="bygg om även om den är aktuell")
    b.set_defaults(func=cmd_build_db)
    i = sub.add_parser("info", help="sammanfattning av databasen")
    i.add_argument("--json", action="store_true", help="skriv ett JSON-objekt")
    i.set_defaults(func=cmd_info)
    x = sub.add_parser("index", help="det sammanvägda indexet per stadsdel")
    x.add_argument("--year", type=int, default=2020, help="år (2012–2025)")
    x.add_argument("--method", choices=ix.METHODS, default="ref100", help="normalisering")
    x.add_argument("--aggregation", choices=ix.AGGREGATIONS, default="arithmetic", help="aggregering")
    x.add_argument("--universe", choices=ix.UNIVERSES, default="all", help="jämförelsegrupp och rangordning")
    x.add_argument("--winsor", type=float, default=0.0, help="andel som kapas i varje svans (0–0,5)")
    x.add_argument("--weights", help='t.ex. "försörjning=4,hälsa=2,sociala risker=2,säkerhet och trygghet=2"')
    x.add_argument("--level", choices=ix.LEVELS, default="stadsdel", help="nivå: stadsdel, DeSO eller RegSO")
    x.add_argument("--real-only", action="store_true", help="bara verkliga värden (inga syntetiska)")
    x.add_argument("--format", choices=("csv", "json"), default="csv")
    x.set_defaults(func=cmd_index)
    gl = sub.add_parser("goals", help="måluppfyllelse per delmål")
    gl.add_argument("--body", help="nämnd eller bolag (namn eller id): bara det den ansvarar för eller berörs av")
    gl.add_argument("--year", type=int, default=YEARS[-1], help="uppföljningsår")
    gl.add_argument("--format", choices=("csv", "json"), default="csv")
    gl.set_defaults(func=cmd_goals)
    lg = sub.add_parser("load-goals", help="läs in ett målträd (YAML) efter kontroll")
    lg.add_argument("file", help="YAML-fil i samma format som data/goals.yaml")
    lg.add_argument("--dry-run", action="store_true", help="kontrollera bara (kräver ingen inloggning)")
    lg.add_argument("--editor", help="redigerare (lösenord i SAMMANHALLEN_PASSWORD eller vid fråga)")
    iv = sub.add_parser("import-values", help="läs in verkliga värden från CSV eller Excel")
    iv.add_argument("file", help="CSV eller XLSX i lång eller bred layout (mallar finns i appen)")
    iv.add_argument("--dry-run", action="store_true", help="kontrollera och visa vad som skulle ändras")
    iv.add_argument("--sheet", help="bladet i en Excelfil (standard: första)")
    iv.add_argument("--source", help="källa för rader utan egen källa")
    iv.add_argument("--editor", help="redigerare (lösenord i SAMMANHALLEN_PASSWORD eller vid fråga)")
    iv.set_defaults(func=cmd_import_values)
    ae = sub.add_parser("add-editor", help="lägg upp en redigerare (lösenordet sparas bara som hash)")
    ae.add_argument("name", help="användarnamn")
    ae.add_argument("--password-stdin", action="store_true", help="läs lösenordet från standard in")
    ae.set_defaults(func=cmd_add_editor)
    lg.set_defaults(func=cmd_load_goals)
    f = sub.add_parser("fetch-boundaries", help="hämta eller läs in stadens officiella stadsdelsgränser")
    f.add_argument("source", nargs="?", help="URL eller fil (GeoJSON, Shapefile, GeoPackage); utan: stadens fil")
    f.add_argument("--sha256", help="förväntad kontrollsumma för en egen URL")
    f.add_argument("--timeout", type=float, default=20.0, help="sekunder att vänta på nedladdning")
    f.set_defaults(func=cmd_fetch_boundaries)
    dr = sub.add_parser("derive-real", help="skapa om de verkliga datafilerna (SCB, Polisen, staden) ur ../shared")
    dr.add_argument("--shared", help="mapp med referensmaterial (standard ../shared)")
    dr.set_defaults(func=cmd_derive_real)
    g = sub.add_parser("generate-data", help="skapa om de syntetiska värdena (deterministiskt)")
    g.add_argument("--shared", help="mapp med referensmaterial (standard ../shared)")
    g.set_defaults(func=cmd_generate_data)
    m = sub.add_parser("make-map", help="bygg kartorna i geo/ (stadsdelar, vatten, DeSO) från stadens och SCB:s filer")
    m.add_argument("--shared", help="mapp med referensmaterial (standard ../shared)")
    m.set_defaults(func=cmd_make_map)
    return p


def main(argv: list[str] | None = None, paths: Paths | None = None) -> int:
    args = parser().parse_args(argv)
    try:
        return args.func(paths or Paths(), args)
    except (geo.GeoError, db.DataError) as exc:
        print(f"Fel: {exc}", file=sys.stderr)
        return 1
    except PermissionError as exc:
        print(f"Nekad: {exc}", file=sys.stderr)
        return 3


if __name__ == "__main__":
    sys.exit(main())
