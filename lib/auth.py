"""Who may change data: editors with argon2 password hashes (local), or signed-in users on an allow-list (OIDC).

Viewing is open. Saving scenarios, editing action plans and importing data go through `require_editor`, so an
anonymous attempt is refused in the same words on the page and in the CLI. No password is shipped: editors are
added with `python -m lib.cli add-editor NAME`, which stores only a hash in `.streamlit/secrets.toml`.
"""

from __future__ import annotations

from collections.abc import Mapping

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

MIN_PASSWORD_LENGTH = 10
REFUSED = "Du måste vara inloggad som redigerare för att ändra något. Att titta går bra utan inloggning."

_hasher = PasswordHasher()


class NotAuthorised(PermissionError):
    """A write without a signed-in editor."""


def hash_password(password: str) -> str:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise ValueError(f"Lösenordet måste ha minst {MIN_PASSWORD_LENGTH} tecken.")
    return _hasher.hash(password)


def verify(editors: Mapping[str, str], name: str, password: str) -> bool:
    """True if `name` is an editor and `password` matches the stored hash (constant-time in argon2)."""
    stored = editors.get(name.strip())
    if not stored or not password:
        return False
    try:
        return _hasher.verify(stored, password)
    except (VerificationError, InvalidHashError):
        return False


def oidc_editor(email: str | None, allowed: list[str] | tuple[str, ...]) -> str | None:
    """A signed-in (OIDC) user is an editor when the e-mail is on the allow-list (case-insensitive)."""
    if not email:
        return None
    return email if email.casefold() in {a.casefold() for a in allowed} else None


def require_editor(editor: str | None) -> str:
    """The editor's name, or `NotAuthorised` with the Swedish refusal."""
    if not editor or not str(editor).strip():
        raise NotAuthorised(REFUSED)
    return str(editor).strip()


def toml_dumps(data: Mapping) -> str:
    """A small TOML writer for the secrets file (tables of strings, numbers, booleans and lists)."""

    def value(v) -> str:
        if isinstance(v, bool):
            return "true" if v else "false"
        if isinstance(v, int | float):
            return repr(v)
        if isinstance(v, list | tuple):
            return "[" + ", ".join(value(x) for x in v) + "]"
        text = str(v).replace("\\", "\\\\").replace('"', '\\"')
        return f'"{text}"'

    def key(k: str) -> str:
        return k if k.replace("_", "").replace("-", "").isalnum() and k.isascii() else value(k)

    lines: list[str] = []

    def table(prefix: str, d: Mapping) -> None:
        scalars = {k: v for k, v in d.items() if not isinstance(v, Mapping)}
        if prefix:
            lines.append(f"[{prefix}]")
        lines.extend(f"{key(k)} = {value(v)}" for k, v in scalars.items())
        if prefix or scalars:
            lines.append("")
        for k, v in d.items():
            if isinstance(v, Mapping):
                table(f"{prefix}.{key(k)}" if prefix else key(k), v)

    table("", data)
    return "\n".join(lines).rstrip() + "\n"
