"""Commands for the data files and the database: `build-db`, `info`, `backup`, `restore`, and the commands that
recreate the committed files from ../shared (`derive-real`, `generate-data`, `make-map`)."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import pandas as pd

from lib import db, geo, real, reference, synthetic
from lib.cli.common import authenticate
from lib.config import YEARS, Paths
from lib.db import pg


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
    with db.open_database(paths, read_only=True) as con:
        summary = db.info(con, kind)
    if args.json:
        print(json.dumps(summary, ensure_ascii=False))
    else:
        for key, val in summary.items():
            print(f"{key}: {val}")
        newest = backup.latest_backup(paths.db_path)
        print(f"latest_backup: {newest if newest else '–'}")
    return 0


def _not_with_postgres() -> None:
    """Backups here copy the user tables of the DuckDB file; with PostgreSQL they live in the city's database."""
    if pg.database_url():
        raise db.DataError(
            "Med PostgreSQL (SAMMANHALLEN_DATABASE_URL) ligger det som sparats i appen i PostgreSQL-databasen: "
            "säkerhetskopiera den med PostgreSQL:s egna verktyg (pg_dump). Inget ändrades."
        )


def cmd_backup(paths: Paths, args: argparse.Namespace) -> int:
    """Copy what users saved (plans, scenarios, history, imports) to a new file in backups/; editors only, with an
    audit row. Needs the database to itself, like every write (refused while the app runs)."""
    from lib import backup

    _not_with_postgres()
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
    if pg.database_url():
        moved = backup.restore_to_postgres(source, editor)
        print(f"Läste in {moved.path.name} i PostgreSQL-databasen (av {editor}).")
        return 0
    done = backup.restore(paths.data_dir, paths.db_path, source, editor)
    print(f"Återställde {done.backup_file.name} (av {editor}); databasen byggdes om från data/ med dess innehåll.")
    if done.previous_backup is not None:
        print(f"Databasen som den var före återställningen finns i {done.previous_backup}.")
    if done.moved_aside is not None:
        print(f"Den oläsbara databasen flyttades till {done.moved_aside} (inget raderades).")
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
    """Build the shipped maps in geo/ (stadsdelar, water, DeSO) from the official reference files, and the map
    labels' letter outlines from the font when it is installed (deterministic)."""
    from lib.mapview import glyphs

    shared = Path(args.shared) if args.shared else paths.shared_dir
    areas = pd.read_csv(paths.data_dir / "area.csv")
    sizes = geo.build_maps(shared, areas, paths.geo_dir)
    for name, size in sizes.items():
        print(f"Skrev {paths.geo_dir / name} ({size / 1024:.0f} kB).")
    if glyphs.FONT_FILE.exists():
        size = glyphs.write_glyphs(paths.glyphs_geo)
        print(f"Skrev {paths.glyphs_geo} ({size / 1024:.0f} kB).")
    else:
        print(f"Typsnittet {glyphs.FONT_FILE} saknas (Debian: fonts-dejavu-extra); {paths.glyphs_geo} behålls.")
    return 0
