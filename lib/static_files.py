"""Files the browser loads by address instead of receiving them in every rerun: the map's name outlines.

Streamlit serves the folder static/ next to app.py at app/static/ (`server.enableStaticServing`). A file is named
by its content's hash, so an address never changes meaning, two app processes write the same bytes under the same
name, and a browser that has loaded it once keeps using it while the address stays in the map's spec.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

URL_PREFIX = "app/static/"  # relative: resolves under the page's own address, also behind a proxy's path prefix


def publish(text: str, prefix: str, directory: Path) -> str | None:
    """Write `text` to `directory`/`prefix`-<hash>.json unless it is there, and return its address; None when the
    folder cannot be written (a read-only installation: the caller then sends the content itself)."""
    name = f"{prefix}-{hashlib.sha256(text.encode('utf-8')).hexdigest()[:24]}.json"
    target = directory / name
    if not target.exists():
        try:
            directory.mkdir(parents=True, exist_ok=True)
            tmp = directory / f".{name}.{os.getpid()}.tmp"
            tmp.write_text(text, "utf-8")
            tmp.replace(target)  # atomic: a browser never loads half a file
        except OSError:
            return None
    return URL_PREFIX + name


def read(address: str, directory: Path) -> str:
    """The content behind an address `publish` returned (what the browser receives)."""
    if not address.startswith(URL_PREFIX) or "/" in address[len(URL_PREFIX) :]:
        raise ValueError(f"not a published address: {address!r}")
    return (directory / address[len(URL_PREFIX) :]).read_text("utf-8")
