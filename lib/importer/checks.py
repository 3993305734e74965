"""Checks before any parsing: a file is untrusted until its size (and for XLSX its zip directory) says that
reading it costs no more than a plausible import."""

from __future__ import annotations

import os
import stat
from pathlib import Path, PurePosixPath

from lib.importer.base import MAX_BYTES, TEXT_SUFFIXES, XLSX_SUFFIXES, ImportRejected, _mb, _reject
from lib.importer.xlsx_package import _Workbook


def check_file(source: bytes | str | Path, filename: str | None = None, sheet: str | None = None) -> bytes:
    """Refuse a file that would cost more than a plausible import before anything parses it; return its bytes.

    `source` is a path (the CLI: it must be a regular file, checked with stat before it is opened, and at most
    MAX_BYTES are ever read) or the bytes of an upload. For XLSX the zip directory, the first bytes of each XML
    part and the `<dimension>` of the sheet to be read are looked at, then that sheet's rows and cells are counted
    in its unpacked bytes without parsing them; the CSV limits are applied while reading (`read_table`), since a
    CSV has no directory. Raises `ImportRejected` with a Swedish message."""
    if isinstance(source, bytes | bytearray | memoryview):
        raw = bytes(source)
        name = filename or ""
        if len(raw) > MAX_BYTES:
            raise _too_big(len(raw))
    else:
        path = Path(source)
        name = filename or path.name
        raw = _read_path(path)
    if not raw.strip():
        raise _reject("Filen är tom.")
    suffix = PurePosixPath(name.lower()).suffix
    if suffix in XLSX_SUFFIXES:
        _Workbook(raw).check(sheet)
    elif suffix in TEXT_SUFFIXES:
        if raw.startswith(b"PK\x03\x04"):
            raise _reject("Filen är en Excelfil (eller en annan zip-fil) men heter " + suffix + ". Byt till .xlsx.")
        if raw.startswith(b"\xd0\xcf\x11\xe0"):
            raise _reject("Filen är en gammal Excelfil (.xls), ingen CSV. Spara den som .xlsx eller CSV (UTF-8).")
    elif suffix == ".xls":
        raise _reject("Det gamla Excelformatet (.xls) stöds inte. Spara filen som .xlsx eller CSV (UTF-8).")
    else:
        raise _reject("Okänt filformat. Använd CSV eller Excel (.xlsx).")
    return raw


def _too_big(size: int) -> ImportRejected:
    return _reject(f"Filen är för stor ({_mb(size)}; högst {MAX_BYTES // 1024 // 1024} MB).")


def check_size(size: int) -> None:
    """Refuse by the size alone (an upload's declared size, before its bytes are touched)."""
    if size > MAX_BYTES:
        raise _too_big(size)


def _read_path(path: Path) -> bytes:
    """The bytes of a regular file of at most MAX_BYTES; a directory, device or pipe is never opened."""
    try:
        info = path.stat()
    except FileNotFoundError:
        raise _reject(f"Filen {path} finns inte.") from None
    except PermissionError:
        raise _reject(f"Filen {path} kan inte läsas (behörighet saknas).") from None
    except OSError:
        raise _reject(f"Filen {path} kan inte läsas.") from None
    if stat.S_ISDIR(info.st_mode):
        raise _reject(f"{path} är en mapp, inte en fil.")
    if not stat.S_ISREG(info.st_mode):
        raise _reject(f"{path} är ingen vanlig fil (utan t.ex. en enhet eller en pipe).")
    if info.st_size > MAX_BYTES:
        raise _too_big(info.st_size)
    try:  # non-blocking and checked again once open: a pipe swapped in after stat must not hang the read
        with os.fdopen(os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0)), "rb") as f:
            if not stat.S_ISREG(os.fstat(f.fileno()).st_mode):
                raise _reject(f"{path} är ingen vanlig fil (utan t.ex. en enhet eller en pipe).")
            raw = f.read(info.st_size + 1)  # not MAX_BYTES: read(n) allocates n bytes first
            if len(raw) > info.st_size:  # it grew after stat
                raw += f.read(MAX_BYTES + 1 - len(raw))
    except PermissionError:
        raise _reject(f"Filen {path} kan inte läsas (behörighet saknas).") from None
    except OSError:
        raise _reject(f"Filen {path} kan inte läsas.") from None
    if len(raw) > MAX_BYTES:
        raise _too_big(len(raw))
    return raw
