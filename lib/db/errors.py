"""The database's errors: every failure a user can cause is one of these, with a short Swedish message.

They live apart from the code that raises them because the CLI, the pages and several modules of this package
catch them (`DataError` is the common base), and `StaleEdit` carries the description of another editor's change
that the plan page shows.
"""

from __future__ import annotations

from pathlib import Path


class DataError(ValueError):
    """A source file breaks the data model; the message is Swedish and names the file."""


class DatabaseLocked(DataError):
    """Another process holds DuckDB's single-writer lock on the file (usually the running app)."""


class DatabaseUnreadable(DataError):
    """The database file exists but DuckDB cannot read it (corrupted bytes, not a DuckDB file).

    It is never rebuilt, replaced or written: it may hold the only copy of what planners saved, and a rebuild from
    `data/` would silently drop it. The message names the file and points to the newest backup."""

    def __init__(self, path: Path):
        from lib import backup

        self.path = Path(path)
        newest = backup.latest_backup(self.path)
        if newest is None:
            hint = (
                f"Det finns ingen säkerhetskopia i {_shown_path(backup.backup_dir(self.path))}. Flytta undan filen "
                "(radera den inte) om du vill bygga en ny databas från data/ med `python -m lib.cli build-db`; det "
                "som sparats i appen finns då bara kvar i den undanflyttade filen."
            )
        else:
            hint = (
                f"Den senaste säkerhetskopian är {_shown_path(newest)}. Återställ den med "
                f"`python -m lib.cli restore {_shown_path(newest)} --editor NAMN`."
            )
        super().__init__(
            f"Databasen {_shown_path(self.path)} kan inte läsas: filen är skadad eller ingen DuckDB-databas. "
            f"Inget ändrades – filen byggs inte om och skrivs inte över. {hint}"
        )

    def __reduce__(self):
        return (type(self), (self.path,))


def _shown_path(path: Path) -> str:
    """A path as the operator types it: relative to the working folder when inside it (no server paths in the
    app's message), else absolute."""
    try:
        return str(Path(path).resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


def is_corruption(exc: BaseException) -> bool:
    """True for DuckDB errors that mean the file's bytes are bad (not a lock, not a query mistake)."""
    text = str(exc)
    return any(
        marker in text
        for marker in (
            "not a valid DuckDB database file",
            "Corrupt database file",
            "Could not read enough bytes",
            "checksum",
            "Serialization Error",
            "INTERNAL Error",
        )
    )


#: Swedish names of plan fields and rows, for the message that shows another editor's change.
PLAN_FIELD_LABELS = {
    "indicator_code": "indikator",
    "target": "målvärde",
    "target_year": "målår",
    "text": "text",
    "title": "rubrik",
    "owner": "ansvarig",
    "partners": "samarbetspartner",
    "start": "start",
    "end": "slut",
    "budget": "budget",
    "status": "status",
}
PLAN_ROW_NAMES = {"plan_goal": "Målet", "plan_activity": "Aktiviteten", "plan_text": "Texten"}


class StaleEdit(DataError):
    """A save against plan rows (or a text) that another editor changed or removed after this editor loaded them.

    The whole save is refused, so nothing the other editor wrote is overwritten unseen and nothing is half-saved.
    `conflicts` lists, per row: table, id, label, loaded_version, version (None when removed), deleted,
    updated_by and updated_at (who made the newer version and when), changes (field -> (then, now), the other
    editor's change as far as the audit trail tells), then (the row as loaded, if the audit trail tells),
    current (the stored values) and mine (what this editor wanted to save), so the page can show both while the
    user's own edits stay where they were."""

    def __init__(self, conflicts: list[dict]):
        self.conflicts = conflicts
        super().__init__(
            "Ändringen sparades inte: någon annan har sparat planen efter att du öppnade den.\n- "
            + "\n- ".join(_describe_conflict(c) for c in conflicts)
        )


def _shown(value) -> str:
    """A plan value as a short Swedish text (decimal comma, blanks as "(tom)") for a conflict message."""
    if value is None or value == "":
        return "(tom)"
    if isinstance(value, float):
        return (str(int(value)) if value.is_integer() else repr(value)).replace(".", ",")
    text = " ".join(str(value).split())
    return f"”{text[:80]}…”" if len(text) > 80 else f"”{text}”" if isinstance(value, str) else text


def _describe_conflict(c: dict) -> str:
    when = c["updated_at"].strftime("%Y-%m-%d %H:%M") if c.get("updated_at") is not None else "nyss"
    who = c.get("updated_by") or "en annan redigerare"
    head = f"{PLAN_ROW_NAMES.get(c['table'], 'Raden')} {_shown(c['label'])}"
    if c["deleted"]:
        return f"{head} togs bort av {who} ({when})."
    changes = "; ".join(
        f"{PLAN_FIELD_LABELS.get(f, f)} {_shown(then)} → {_shown(now)}" for f, (then, now) in c["changes"].items()
    )
    return f"{head} ändrades av {who} ({when})" + (f": {changes}." if changes else ".")
