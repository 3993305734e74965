"""Commands that bring a file in after checking it, for a signed-in editor: `import-values` (real values),
`load-goals` (a goal tree) and `fetch-boundaries` (the city's official boundaries). Each checks before it asks
for a password, and writes in one transaction or not at all."""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING, Any

import duckdb
import pandas as pd

from lib import db, geo
from lib.cli.common import authenticate, open_for_writing
from lib.config import OFFICIAL_BOUNDARIES_SHA256, OFFICIAL_BOUNDARIES_URL, Paths

if TYPE_CHECKING:
    import geopandas as gpd


def cmd_load_goals(paths: Paths, args: argparse.Namespace) -> int:
    """Validate a goal-tree YAML file and (unless --dry-run) install it in the database: the tree, its text, the
    editor and an audit row in one transaction, or nothing. No file in data/ is written (data/goals.yaml is only
    the shipped default), so a refused install leaves everything as it was.

    Exit codes: 0 installed (or a clean dry run), 2 refused (a bad file, or the database in use), 3 no editor."""
    from lib import goals

    source = Path(args.file)
    try:
        text = db.read_goal_source(source)
        known = set(pd.read_csv(paths.data_dir / "indicator.csv")["code"])
        tree = db.goaltrees.check_goal_text(text, source.name, known)
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
    import contextlib

    from lib import importer

    source = Path(args.file)
    with contextlib.ExitStack() as stack:
        opened: list = []

        def model() -> tuple[pd.DataFrame, pd.DataFrame]:
            # asked for only once the file passed its checks: a directory, a device, an oversized file or an XLSX
            # bomb is refused before the database is touched
            db.ensure_database(paths.data_dir, paths.db_path)
            opened.append(stack.enter_context(db.open_database(paths, read_only=args.dry_run)))
            return db.areas(opened[0]), db.indicators(opened[0])

        parsed = importer.read_upload(source, source.name, model, sheet=args.sheet, default_source=args.source or "")
        if parsed.problems:
            print(f"Filen avvisades ({len(parsed.problems)} problem); inget skrevs:", file=sys.stderr)
            for problem in parsed.problems[:200]:
                print(f"- {problem}", file=sys.stderr)
            return 2
        con = opened[0]
        change = importer.preview(parsed.values, db.values_long(con))
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


def install_boundaries(
    con: duckdb.DuckDBPyConnection, editor: str, frame: gpd.GeoDataFrame, target: Path, after: dict[str, Any]
) -> int:
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
