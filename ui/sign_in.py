"""Who is editing: sign-in panel, OIDC and password helpers, and the current editor."""

from __future__ import annotations

import streamlit as st

from lib import db
from ui import readers

EDITOR_KEY = "_redigerare"


def _secrets() -> dict:
    """The secrets as a plain dict; an app without a secrets file simply has no editors.

    Streamlit reads `.streamlit/secrets.toml`, or the files given with `--secrets.files`; the CLI reads
    `Paths().secrets_file` (`SAMMANHALLEN_SECRETS`). Point both at the same file when moving it."""
    try:
        return st.secrets.to_dict()
    except Exception:  # noqa: BLE001 - no secrets file is a normal, read-only installation
        return {}


def oidc_configured() -> bool:
    return "auth" in _secrets()


def _oidc_user() -> dict | None:
    """The ID-token claims of a user signed in with the city's account, or None."""
    if not oidc_configured() or not getattr(st.user, "is_logged_in", False):
        return None
    return st.user.to_dict()


def current_editor() -> str | None:
    """The signed-in editor: an allow-listed OIDC user whose provider verified the address, or a local editor
    who signed in with a password."""
    from lib import auth

    claims = _oidc_user()
    if claims is not None:
        allowed = _secrets().get("editors_oidc", {}).get("allowed", [])
        verified = st.user.get("email_verified")
        return auth.oidc_editor(claims.get("email"), allowed, verified if isinstance(verified, bool | str) else None)
    return st.session_state.get(EDITOR_KEY)


def _client_key() -> str:
    """The client failed sign-ins count against: a hash of the connection's IP address (no proxy header is
    trusted, they are set by the client). Streamlit shows no address for localhost: then 'okänd'."""
    from lib import signin

    try:
        ip = st.context.ip_address
    except Exception:  # noqa: BLE001 - no client context (a test harness): counted as unknown
        ip = None
    return signin.client_key(ip)


def sign_in_panel() -> None:
    """Sidebar: who is signed in, or a sign-in form. Viewing never needs it.

    Failed password attempts are counted in the database per account and per client (lib/signin.py), so a
    reload or a new browser does not reset them, and each one is in the audit."""
    from lib import auth, signin

    def plain(text: str) -> str:
        """A name or address as inline code: shown as typed, never read as Markdown, maths or a mail link."""
        return "`" + " ".join(str(text).replace("`", "'").split()) + "`"

    editor = current_editor()
    claims = _oidc_user()
    if editor or claims is not None:
        if editor:
            st.caption(f"Inloggad som {plain(editor)} (redigerare).")
        elif claims is not None:
            shown = str(claims.get("email") or claims.get("name") or claims.get("sub") or "okänd användare")
            st.caption(f"Inloggad som {plain(shown)} – inte redigerare.")
            email = claims.get("email")
            if not isinstance(email, str) or not email.strip():
                st.caption("Stadens konto gav ingen e-postadress, så det ger inte rätt att redigera.")
            elif auth.oidc_editor(email, [email], claims.get("email_verified")) is None:
                st.caption("Stadens konto har inte bekräftat e-postadressen, så den ger inte rätt att redigera.")
            else:
                st.caption("Adressen finns inte bland redigerarna. Att titta går bra.")
        if st.button("Logga ut", key="logga_ut"):
            st.session_state.pop(EDITOR_KEY, None)
            if claims is not None:
                st.logout()
            st.rerun()
        return
    with st.expander("Logga in för att redigera"):
        if oidc_configured():
            if st.button("Logga in med stadens konto", key="oidc_login"):
                st.login()
            return
        editors = _secrets().get("editors", {})
        if not editors:
            st.caption(
                "Inga redigerare är upplagda. En administratör lägger till med `python -m lib.cli add-editor NAMN`."
            )
            return
        with st.form("inloggning", clear_on_submit=True, border=False):
            name = st.text_input("Användarnamn", max_chars=signin.KEY_MAX)
            password = st.text_input("Lösenord", type="password", max_chars=1000)
            if st.form_submit_button("Logga in"):
                try:
                    _password_sign_in(editors, name, password)
                except db.DataError as exc:  # the database is unreadable or busy: say so, sign no one in
                    st.error(f"Inloggningen kunde inte prövas. {exc}")


def _password_sign_in(editors: dict, name: str, password: str) -> None:
    """Check a submitted name and password against the persisted throttle, then the hash; counts the outcome."""
    from lib import auth, signin

    con, client = readers.connection(), _client_key()
    wait = signin.check_allowed(con, name, client)
    if wait is not None:
        st.error(signin.wait_message(wait))
    elif auth.verify(editors, name, password):
        signin.record_success(con, name, client, name.strip())
        st.session_state[EDITOR_KEY] = name.strip()
        st.rerun()
    else:
        wait = signin.record_failure(con, name, client)
        st.error("Fel användarnamn eller lösenord." + (f" {signin.wait_message(wait)}" if wait else ""))
