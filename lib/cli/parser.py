"""The argparse parser of `python -m lib.cli`: every command with its options and Swedish help, argparse's own
errors in Swedish, and `reference_line()`, the README's one-line reference generated from the same parser."""

from __future__ import annotations

import argparse
import sys
from typing import NoReturn

from lib import index as ix
from lib.cli.allocate import add_parser as add_allocate
from lib.cli.brief import cmd_brief
from lib.cli.common import cmd_add_editor
from lib.cli.data import (
    cmd_backup,
    cmd_build_db,
    cmd_derive_real,
    cmd_generate_data,
    cmd_info,
    cmd_make_map,
    cmd_restore,
)
from lib.cli.imports import cmd_fetch_boundaries, cmd_import_values, cmd_load_goals
from lib.cli.reports import cmd_goals, cmd_index
from lib.cli.sensitivity import add_parser as add_sensitivity
from lib.config import YEARS


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

    def error(self, message: str) -> NoReturn:
        for english, swedish in self.TRANSLATIONS:
            message = message.replace(english, swedish)
        self.print_usage(sys.stderr)
        self.exit(2, f"Fel: {message}\n")


#: Option help shared by every write command and every command that reads ../shared.
EDITOR_HELP = "redigerare (lösenord i SAMMANHALLEN_PASSWORD eller vid fråga)"
SHARED_HELP = "mapp med referensmaterial (standard ../shared)"


def parser() -> argparse.ArgumentParser:
    """Every command with its options; each subparser's `func` is the command it runs (`lib.cli.main` calls it)."""
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
    add_allocate(sub)
    add_sensitivity(sub)
    br = sub.add_parser("brief", help="programmets eller en stadsdels brief som PDF (för utskrift)")
    br.add_argument("--stadsdel", help="stadsdelens namn; utan den: programmets brief")
    br.add_argument("--year", type=int, default=YEARS[-1], help="år (2012–2025)")
    br.add_argument("--weights", help='områdenas vikter, t.ex. "Hälsa=2,Försörjning=1" (övriga 1; standard: lika)')
    br.add_argument("--out", required=True, metavar="FIL.pdf", help="PDF-filen som skrivs")
    br.add_argument("--samples", type=int, default=1024, help="känslighetsanalysens urval: 256, 512, 1024, 2048, 4096")
    br.add_argument("--seed", type=int, default=2015, help="känslighetsanalysens frö (standard 2015)")
    br.set_defaults(func=cmd_brief)
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
    rs = sub.add_parser(
        "restore",
        help="återställ en säkerhetskopia (databasen byggs om från data/ med dess innehåll; med PostgreSQL: "
        "läses in i en tom databas)",
    )
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
