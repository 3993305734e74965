"""Who may change data: editors with argon2 password hashes (local), or signed-in users on an allow-list (OIDC).

Viewing is open. Saving scenarios, editing action plans and importing data go through `require_editor`, so an
anonymous attempt is refused in the same words on the page and in the CLI. No password is shipped: editors are
added with `python -m lib.cli add-editor NAME`, which stores only a hash in `.streamlit/secrets.toml`.
"""

from __future__ import annotations

import unicodedata
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


def normalise_email(address: str) -> str:
    """An address as the allow-list compares it: NFC, lower case (`str.lower`), no surrounding space.

    Not `casefold`: it folds `ſ` to `s` and `ß` to `ss`, so an address the identity provider verified for
    someone else (`anſa@…`) would match an allow-listed `ansa@…`. NFC only joins what is the same text in two
    encodings (å as one or two code points); NFKC would fold `ſ` too. NFC runs again after lowering, so the
    result is stable under a second pass."""
    return unicodedata.normalize("NFC", unicodedata.normalize("NFC", address).lower()).strip()


def _verified(flag) -> bool:
    """Only an explicit yes: JSON true, or the string "true" some providers send. Missing means no."""
    return flag is True or (isinstance(flag, str) and flag.strip().lower() == "true")


def oidc_editor(
    claims_or_email: Mapping | str | None,
    allowed: list[str] | tuple[str, ...],
    email_verified: bool | str | None = None,
) -> str | None:
    """A signed-in (OIDC) user is an editor when the provider says the e-mail is verified and its normalised
    form is exactly on the allow-list; returns that normalised address, else None.

    Takes the ID-token claims (`email`, `email_verified`) or an address with the flag given separately. An
    unverified address proves nothing: many providers let a user type any address into the profile."""
    if isinstance(claims_or_email, Mapping):
        email = claims_or_email.get("email")
        if email_verified is None:
            email_verified = claims_or_email.get("email_verified")
    else:
        email = claims_or_email
    if not isinstance(email, str) or not email.strip() or not _verified(email_verified):
        return None
    address = normalise_email(email)
    return address if address in {normalise_email(a) for a in allowed if isinstance(a, str)} else None


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
