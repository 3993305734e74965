"""Command line: `python -m lib.cli COMMAND …`; `--help` lists the commands and `COMMAND --help` their options
(the README's one-line reference is `reference_line()`, generated from the same parser and checked by a test).

Exit codes: 0 done; 2 refused or failed, with a short Swedish message on stderr and nothing changed (bad arguments,
a bad or missing file, a directory given as a file, the database in use or unreadable, a full disk, a read-only
folder, anything unexpected); 3 not authorised (no editor, or a wrong password). `main` turns every failure into
such a message: no Python traceback reaches the user (SAMMANHALLEN_DEBUG=1 prints it, for developers).
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


def open_for_writing(paths: Paths, nothing_done: str):
    """The database opened for a write, before any password is asked for: when the app holds it (or it cannot be
    read) the user hears so at once, with `nothing_done`, and gets None (exit 2)."""
    try:
        db.ensure_database(paths.data_dir, paths.db_path)
        return db.connect(paths.db_path)
    except db.DataError as exc:
        print(f"Fel: {exc}\n{nothing_done}", file=sys.stderr)
        return None


def cmd_build_db(paths: Paths, args: argparse.Namespace) -> int:
    """Build the database from data/ (when stale, or always with --force). What users saved is carried over after
    a backup; a database file that cannot be read is left untouched (exit 2, with the way back)."""
    from lib import backup

    before = backup.latest_backup(paths.db_path)
    if args.force:
        db.build_database(paths.data_dir, paths.db_path)
        built = True
    else:
        built = db.ensure_database(paths.data_dir, paths.db_path)
    print(f"Databasen {'byggdes' if built else 'är redan aktuell'}: {paths.db_path}")
    after = backup.latest_backup(paths.db_path)
    if built and after is not None and after != before:
        print(f"Det som sparats i appen säkerhetskopierades först: {after}")
    return 0


def cmd_info(paths: Paths, args: argparse.Namespace) -> int:
    """The database summary; never rebuilds over a file it cannot read (that is exit 2 with a message)."""
    from lib import backup

    db.ensure_database(paths.data_dir, paths.db_path)
    kind = geo.load_boundaries(paths.stadsdel_geo, paths.official_geo).kind  # the map the app would show
    with db.connect(paths.db_path, read_only=True) as con:
        summary = db.info(con, kind)
    if args.json:
        print(json.dumps(summary, ensure_ascii=False))
    else:
        for key, val in summary.items():
            print(f"{key}: {val}")
        newest = backup.latest_backup(paths.db_path)
        print(f"latest_backup: {newest if newest else '–'}")
    return 0


def cmd_backup(paths: Paths, args: argparse.Namespace) -> int:
    """Copy what users saved (plans, scenarios, history, imports) to a new file in backups/; editors only, with an
    audit row. Needs the database to itself, like every write (refused while the app runs)."""
    from lib import backup

    editor = authenticate(paths, args.editor)
    if not paths.db_path.exists():
        raise db.DataError(
            f"Databasen {paths.db_path} finns inte än, så det finns inget att säkerhetskopiera. Inget ändrades."
        )
    with db.connect(paths.db_path) as con:
        target = backup.write_backup(con, "manuell")
        with db.transaction(con) as cur:
            db._audit(cur, editor, "backup", target.name, None, "säkerhetskopierad", None, {"fil": target.name})
    print(f"Säkerhetskopian skrevs av {editor}: {target} ({target.stat().st_size / 1024:.0f} kB).")
    print(f"De {backup.keep()} senaste säkerhetskopiorna sparas i {target.parent}.")
    return 0


def cmd_restore(paths: Paths, args: argparse.Namespace) -> int:
    """Rebuild the database from data/ with the user tables of a backup; editors only, audited. The current
    database is backed up first (or, if unreadable, moved aside into backups/): nothing is deleted."""
    from lib import backup

    editor = authenticate(paths, args.editor)
    source = Path(args.file)
    if not source.exists() and (backup.backup_dir(paths.db_path) / source.name).exists():
        source = backup.backup_dir(paths.db_path) / source.name  # a bare name from backups/
    done = backup.restore(paths.data_dir, paths.db_path, source, editor)
    print(f"Återställde {done.backup_file.name} (av {editor}); databasen byggdes om från data/ med dess innehåll.")
    if done.previous_backup is not None:
        print(f"Databasen som den var före återställningen finns i {done.previous_backup}.")
    if done.moved_aside is not None:
        print(f"Den oläsbara databasen flyttades till {done.moved_aside} (inget raderades).")
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
    framework = ix.Framework.from_meta(meta, list(domains["code"]), domains)
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

    import duckdb

    from lib import auth, signin

    if not editor:
        raise auth.NotAuthorised(auth.REFUSED + " Ange --editor NAMN.")
    password = os.environ.get("SAMMANHALLEN_PASSWORD")
    if password is None:
        password = getpass.getpass(f"Lösenord för {editor}: ") if sys.stdin.isatty() else sys.stdin.readline().strip()
    editors = read_secrets(paths.secrets_file).get("editors", {})
    # Failed attempts count in the database like the app's (client 'cli'). A database that is missing, locked
    # or unreadable must not stop an editor (a restore needs exactly that): then the password alone decides.
    con, wait = None, None
    if paths.db_path.is_file():
        try:
            con = db.connect(paths.db_path)
            wait = signin.check_allowed(con, editor, "cli")
        except (duckdb.Error, db.DataError, OSError):
            if con is not None:
                con.close()
                con = None
    try:
        if wait is not None:
            raise auth.NotAuthorised(signin.wait_message(wait) + " Inget ändrades.")
        ok = auth.verify(editors, editor, password)
        try:
            if con is not None and ok:
                signin.record_success(con, editor, "cli", editor.strip())
            elif con is not None:
                signin.record_failure(con, editor, "cli")  # counts, audits and pauses
        except duckdb.Error:
            con.close()
            con = None
        if not ok:
            if con is None:
                signin.pause()
            raise auth.NotAuthorised("Fel användarnamn eller lösenord. Inget ändrades.")
    finally:
        if con is not None:
            con.close()
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
    """Validate a goal-tree YAML file and (unless --dry-run) install it in the database: the tree, its text, the
    editor and an audit row in one transaction, or nothing. No file in data/ is written (data/goals.yaml is only
    the shipped default), so a refused install leaves everything as it was.

    Exit codes: 0 installed (or a clean dry run), 2 refused (a bad file, or the database in use), 3 no editor."""
    from lib import goals

    source = Path(args.file)
    try:
        text = db.read_goal_source(source)
        raw = db.read_goal_text(text, source.name)
        known = set(pd.read_csv(paths.data_dir / "indicator.csv")["code"])
        tree = goals.parse_tree(raw, known, YEARS)
    except (db.DataError, goals.TreeError) as exc:
        print(f"Fel: {exc}\nInget ändrades.", file=sys.stderr)
        return 2
    except (OSError, pd.errors.ParserError, KeyError) as exc:  # data/indicator.csv missing or broken
        print(f"Fel: indikatorkatalogen data/indicator.csv kan inte läsas ({exc}). Inget ändrades.", file=sys.stderr)
        return 2
    print(f"Målträdet är giltigt: {db.goal_tree_summary(tree)}.")
    if args.dry_run:
        print("Provkörning: inget ändrades.")
        return 0
    con = open_for_writing(paths, "Inget ändrades.")
    if con is None:
        return 2
    with con:
        editor = authenticate(paths, args.editor)
        try:
            db.install_goal_tree(con, editor, text, source.name)
        except db.DataError as exc:
            print(f"Fel: {exc}\nInget ändrades.", file=sys.stderr)
            return 2
        install_id = int(db.goal_tree_installs(con)["id"].iloc[0])
    print(
        f"Målträdet är installerat (nr {install_id}) av {editor}. Appen visar det när den startas nästa gång, och det "
        "finns kvar när databasen byggs om; data/goals.yaml är oförändrad."
    )
    return 0


def cmd_import_values(paths: Paths, args: argparse.Namespace) -> int:
    """Check a CSV/XLSX file of real values and (unless --dry-run) write it in one transaction.

    Exit codes: 0 imported (or a clean dry run), 2 rejected (nothing written), 3 refused (no editor)."""
    from lib import importer

    source = Path(args.file)
    try:  # a directory, a device, an oversized file or an XLSX bomb is refused before the database is touched
        raw = importer.check_file(source, source.name, args.sheet)
    except importer.ImportRejected as exc:
        print(f"Filen avvisades ({len(exc.problems)} problem); inget skrevs:", file=sys.stderr)
        for problem in exc.problems[:200]:
            print(f"- {problem}", file=sys.stderr)
        return 2
    db.ensure_database(paths.data_dir, paths.db_path)
    with db.connect(paths.db_path, read_only=args.dry_run) as con:
        areas, inds = db.areas(con), db.indicators(con)
        current = db.values_long(con)
        try:
            frame = importer.read_table(raw, source.name, args.sheet)
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
    """Download (no argument or a URL) or read (a file) official boundaries, check them and – for a signed-in
    editor – install them in data/official/, where they replace the shipped map for every user.

    The checks (`geo.check_boundaries`: coverage, position, plausible areas) run before anything is written; the
    file is installed atomically (a temporary file, then `os.replace`) together with an audit row naming the editor,
    the source and its SHA-256, in one transaction: both or neither.
    Exit codes: 0 installed, 2 refused or failed (nothing installed), 3 no editor."""
    import hashlib

    import geopandas as gpd

    if not args.editor:  # nobody to install them for: refuse before downloading or checking anything
        authenticate(paths, args.editor)
    source = args.source or OFFICIAL_BOUNDARIES_URL
    try:
        with tempfile.TemporaryDirectory() as tmp:
            if source.startswith(("http://", "https://", "file://")):
                sha = OFFICIAL_BOUNDARIES_SHA256 if source == OFFICIAL_BOUNDARIES_URL else args.sha256
                print(f"Hämtar {source} …")
                local = geo.download(source, Path(tmp) / "download.geojson", sha, timeout=args.timeout)
            else:
                local = Path(source)
                if not local.exists():
                    raise geo.GeoError(f"Filen {local} finns inte.")
            digest = hashlib.sha256(local.read_bytes()).hexdigest() if local.is_file() else None
            areas = pd.read_csv(paths.data_dir / "area.csv")
            shipped = gpd.read_file(paths.stadsdel_geo)
            frame, report = geo.import_boundaries(local, areas, reference=shipped)
    except geo.GeoError as exc:
        print(f"Fel: {exc}\nInget installerades.", file=sys.stderr)
        return 2
    except OSError as exc:
        print(f"Fel: filen kan inte läsas ({exc.strerror or exc}). Inget installerades.", file=sys.stderr)
        return 2
    print(f"Källans koordinatsystem: {report.source_crs}")
    print(f"Matchade stadsdelar: {report.matched} av {len(areas)}; reparerade geometrier: {report.repaired}")
    if report.unmatched_features:
        print("Objekt utan motsvarande stadsdel: " + ", ".join(report.unmatched_features))
    if report.missing_areas:
        print("Stadsdelar som saknas i filen: " + ", ".join(report.missing_areas))
    if report.problems:
        print("Fel: gränserna installerades inte. Kontrollerna som inte gick igenom:", file=sys.stderr)
        for problem in report.problems:
            print(f"- {problem}", file=sys.stderr)
        print("Inget ändrades; appen visar samma karta som förut.", file=sys.stderr)
        return 2
    con = open_for_writing(paths, "Inget installerades.")
    if con is None:
        return 2
    with con:
        editor = authenticate(paths, args.editor)
        shown_source = source if args.source is None or "://" in source else Path(source).name
        after = {
            "source": shown_source,
            "sha256": digest,
            "matched": report.matched,
            "areas": len(areas),
            "source_crs": report.source_crs,
        }
        try:
            size = install_boundaries(con, editor, frame, paths.official_geo, after)
        except OSError as exc:
            print(
                f"Fel: {paths.official_geo} kan inte skrivas ({exc.strerror or exc}). Inget installerades.",
                file=sys.stderr,
            )
            return 2
    print(
        f"Skrev {paths.official_geo} ({size / 1024:.0f} kB), installerat av {editor}. "
        "Appen använder nu dessa gränser i stället för den medföljande kartan."
    )
    return 0


def install_boundaries(con, editor: str, frame, target: Path, after: dict) -> int:
    """Install checked boundaries at `target` and audit it, both or neither: the file is staged beside the target,
    the audit row written, the file moved into place (atomic) and the transaction committed; if anything fails
    the previous file (or none) is put back. Returns the size in bytes."""
    import hashlib
    import os

    payload = geo.geojson_text(frame, {"source": after.get("source"), "source_sha256": after.get("sha256")})
    payload_bytes = payload.encode("utf-8")
    previous = target.read_bytes() if target.is_file() else None
    before = None if previous is None else {"sha256": hashlib.sha256(previous).hexdigest(), "bytes": len(previous)}
    staged = geo.stage_file(payload_bytes, target)
    replaced = False
    try:
        with db.transaction(con) as cur:
            record = {**after, "installed_sha256": hashlib.sha256(payload_bytes).hexdigest()}
            db._audit(cur, editor, "boundaries", target.name, None, "installerade", before, record)
            os.replace(staged, target)
            replaced = True
    except BaseException:
        staged.unlink(missing_ok=True)
        if replaced:  # the file moved but the audit did not commit: put the old state back
            if previous is None:
                target.unlink(missing_ok=True)
            else:
                os.replace(geo.stage_file(previous, target), target)
        raise
    return len(payload_bytes)


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


#: Option help shared by every write command and every command that reads ../shared.
EDITOR_HELP = "redigerare (lösenord i SAMMANHALLEN_PASSWORD eller vid fråga)"
SHARED_HELP = "mapp med referensmaterial (standard ../shared)"


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
    lg.add_argument("--editor", help=EDITOR_HELP)
    iv = sub.add_parser("import-values", help="läs in verkliga värden från CSV eller Excel")
    iv.add_argument("file", help="CSV eller XLSX i lång eller bred layout (mallar finns i appen)")
    iv.add_argument("--dry-run", action="store_true", help="kontrollera och visa vad som skulle ändras")
    iv.add_argument("--sheet", help="bladet i en Excelfil (standard: första)")
    iv.add_argument("--source", help="källa för rader utan egen källa")
    iv.add_argument("--editor", help=EDITOR_HELP)
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
    f.add_argument("--editor", help=EDITOR_HELP)
    f.set_defaults(func=cmd_fetch_boundaries)
    dr = sub.add_parser("derive-real", help="skapa om de verkliga datafilerna (SCB, Polisen, staden) ur ../shared")
    dr.add_argument("--shared", help=SHARED_HELP)
    dr.set_defaults(func=cmd_derive_real)
    g = sub.add_parser("generate-data", help="skapa om de syntetiska värdena (deterministiskt)")
    g.add_argument("--shared", help=SHARED_HELP)
    g.set_defaults(func=cmd_generate_data)
    m = sub.add_parser("make-map", help="bygg kartorna i geo/ (stadsdelar, vatten, DeSO) från stadens och SCB:s filer")
    m.add_argument("--shared", help=SHARED_HELP)
    m.set_defaults(func=cmd_make_map)
    bk = sub.add_parser("backup", help="säkerhetskopiera det som sparats i appen (planer, scenarier, historik)")
    bk.add_argument("--editor", help=EDITOR_HELP)
    bk.set_defaults(func=cmd_backup)
    rs = sub.add_parser("restore", help="återställ en säkerhetskopia (databasen byggs om från data/ med dess innehåll)")
    rs.add_argument("file", help="säkerhetskopian (en fil i data/backups/, med sökväg eller bara namnet)")
    rs.add_argument("--editor", help=EDITOR_HELP)
    rs.set_defaults(func=cmd_restore)
    return p


def reference_line() -> str:
    """The README's command-line reference, generated from `parser()` so the two cannot drift apart: every
    command in `--help` order with its positional arguments and required options (optional ones are in
    `python -m lib.cli COMMAND --help`). Print it with
    `python -c "from lib.cli import reference_line as r; print(r())"`."""
    commands = next(a for a in parser()._actions if isinstance(a, argparse._SubParsersAction))
    parts = []
    for name, sub in commands.choices.items():
        words = [name]
        for action in sub._actions:
            metavar = action.metavar or action.dest.upper()
            if not action.option_strings:
                words.append(f"[{metavar}]" if action.nargs == "?" else metavar)
            elif action.required:
                words.append(f"{action.option_strings[0]} {metavar}")
        parts.append(" ".join(words))
    return "`python -m lib.cli " + " | ".join(parts) + "`"


def main(argv: list[str] | None = None, paths: Paths | None = None) -> int:
    """Run a command; every failure becomes a Swedish message on stderr and exit 2 (3: not authorised)."""
    import os
    import traceback

    args = parser().parse_args(argv)
    paths = paths or Paths()
    try:
        return args.func(paths, args)
    except KeyboardInterrupt:
        print("Avbrutet.", file=sys.stderr)
        return 2
    except Exception as exc:  # noqa: BLE001 - every failure becomes a Swedish message, never a traceback
        code, message = failure(exc, paths)
        print(message, file=sys.stderr)
        if os.environ.get("SAMMANHALLEN_DEBUG") == "1":
            traceback.print_exc()
        return code


def failure(exc: Exception, paths: Paths) -> tuple[int, str]:
    """The exit code and Swedish message for a failed command. Authorisation is 3; everything else, including
    an OS refusal to write (a read-only folder is not about who you are), is 2."""
    import duckdb
    import yaml

    from lib import auth, importer

    first_line = (str(exc).splitlines() or [type(exc).__name__])[0][:300]
    if isinstance(exc, auth.NotAuthorised):
        return 3, f"Nekad: {exc}"
    if isinstance(exc, db.DataError | geo.GeoError | importer.ImportRejected):
        return 2, f"Fel: {exc}"
    if isinstance(exc, OSError):
        return 2, _os_failure(exc)
    # Checked in this order; the first matching type decides the message.
    table: tuple[tuple[type | tuple[type, ...], str | None], ...] = (
        (RecursionError, "Fel: filen är för djupt nästlad för att läsas. Inget ändrades."),
        (yaml.YAMLError, f"Fel: filen är inte giltig YAML ({first_line}). Inget ändrades."),
        (UnicodeError, "Fel: filen är inte text i UTF-8 och kan inte läsas. Inget ändrades."),
        (MemoryError, "Fel: minnet räckte inte till. Inget ändrades."),
        (duckdb.Error, None),
        (
            (pd.errors.ParserError, pd.errors.EmptyDataError),
            f"Fel: en CSV-fil kunde inte läsas ({first_line}). Inget ändrades.",
        ),
    )
    for kinds, message in table:
        if isinstance(exc, kinds):
            return 2, message if message is not None else _database_failure(exc, paths, first_line)
    return 2, f"Oväntat fel: {type(exc).__name__}. Inget ändrades."


def _os_failure(exc: OSError) -> str:
    """The message for an OS refusal. The subclasses come first because they say more than the errno does, and
    the file name is shown when the OS gave one so the user knows which path to fix."""
    import errno

    where = exc.filename
    name = f" {where}" if where else ""
    to = f" till {where}" if where else ""
    if isinstance(exc, IsADirectoryError):
        return f"Fel:{name or ' filen'} är en mapp, inte en fil. Inget ändrades."
    if isinstance(exc, NotADirectoryError):
        return f"Fel: en del av sökvägen{name} är inte en mapp. Inget ändrades."
    if isinstance(exc, FileNotFoundError):
        return f"Fel: filen{name} finns inte. Inget ändrades."
    if exc.errno == errno.ENOSPC:
        return f"Fel: disken är full{' (' + str(where) + ')' if where else ''}. Frigör utrymme; inget ändrades."
    if exc.errno == errno.EROFS:
        return f"Fel: saknar skrivrätt{to}: filsystemet är skrivskyddat. Inget ändrades."
    if isinstance(exc, PermissionError) or exc.errno in (errno.EACCES, errno.EPERM):
        return f"Fel: saknar skrivrätt eller läsrätt{to}. Inget ändrades."
    reason = exc.strerror or type(exc).__name__
    return f"Fel: filen{name} kunde inte läsas eller skrivas ({reason}). Inget ändrades."


def _database_failure(exc: Exception, paths: Paths, first_line: str) -> str:
    """The message for a DuckDB error. DuckDB reports disk and permission trouble only in its text, so the text
    is read to give the same advice as for an OS error; a damaged file names the database to restore."""
    text = str(exc)
    if db.is_corruption(exc):
        return f"Fel: {db.DatabaseUnreadable(paths.db_path)}"
    if "No space left" in text:
        return "Fel: disken är full. Inget ändrades; frigör utrymme."
    if "Permission denied" in text or "Read-only file system" in text:
        return "Fel: saknar skrivrätt till databasen eller dess mapp. Inget ändrades."
    return f"Fel i databasen: {first_line}. Inget ändrades."


if __name__ == "__main__":
    sys.exit(main())
