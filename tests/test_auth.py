"""Sign-in that holds: persisted throttling per account and per client, audited failures, and an OIDC allow-list
that needs a verified address and compares exactly (no case folding)."""

from __future__ import annotations

import json
import re
import unicodedata
from datetime import datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st
from streamlit.testing.v1 import AppTest

from conftest import EDITOR, EDITOR_PASSWORD
from lib import auth, db, signin

ALLOWED = ["planerare@stad.example"]
T0 = datetime(2030, 1, 1, 12, 0, 0)


@pytest.fixture(autouse=True)
def no_pause(monkeypatch):
    monkeypatch.setenv(signin.DELAY_ENV, "0")


def forget(con, *keys: str) -> None:
    """Tests share one database: start and end without counts for the keys they use."""
    with db.transaction(con) as cur:
        for key in keys:
            cur.execute("DELETE FROM sign_in_failure WHERE key = ?", [key])


def sign_in_audit(con, account: str) -> list[tuple]:
    return con.execute(
        "SELECT editor, table_name, record_id, committee, action, before, after FROM audit "
        "WHERE table_name = 'sign_in' AND record_id = ? ORDER BY id",
        [account],
    ).fetchall()


# --- OIDC allow-list -------------------------------------------------------------------------------------------


@pytest.mark.parametrize("flag", [None, False, "false", "", 0, 1, "yes"])
def test_an_unverified_address_is_never_an_editor(flag):
    assert auth.oidc_editor("planerare@stad.example", ALLOWED, flag) is None
    assert auth.oidc_editor({"email": "planerare@stad.example", "email_verified": flag}, ALLOWED) is None


def test_a_verified_allow_listed_address_is_an_editor_in_any_case_and_spacing():
    assert auth.oidc_editor(" Planerare@STAD.example ", ALLOWED, True) == "planerare@stad.example"
    assert auth.oidc_editor({"email": "planerare@stad.example", "email_verified": True}, ALLOWED)
    assert auth.oidc_editor({"email": "planerare@stad.example", "email_verified": "true"}, ALLOWED)
    assert auth.oidc_editor("annan@stad.example", ALLOWED, True) is None
    assert auth.oidc_editor(None, ALLOWED, True) is None
    assert auth.oidc_editor({"email_verified": True}, ALLOWED) is None


@pytest.mark.parametrize(
    ("signed_in", "listed"),
    [
        ("anſa@stad.example", "ansa@stad.example"),  # long s: casefold makes it s
        ("straße@stad.example", "strasse@stad.example"),  # sharp s: casefold makes it ss
        ("strasse@stad.example", "straße@stad.example"),
        ("ﬁlip@stad.example", "filip@stad.example"),  # the fi ligature
    ],
)
def test_a_casefold_only_match_is_refused(signed_in, listed):
    assert signed_in.casefold() == listed.casefold()
    assert auth.oidc_editor(signed_in, [listed], True) is None


def test_composed_and_decomposed_letters_are_the_same_address():
    composed, decomposed = "åsa@stad.example", unicodedata.normalize("NFD", "Åsa@stad.example")
    assert composed != decomposed.lower()
    assert auth.oidc_editor(decomposed, [composed], True) == composed


@given(st.text())
def test_normalising_an_address_twice_changes_nothing(text):
    once = auth.normalise_email(text)
    assert auth.normalise_email(once) == once
    assert unicodedata.is_normalized("NFC", once)


@given(st.text(), st.text())
def test_only_equal_normalised_addresses_match(a, b):
    matched = auth.oidc_editor(a, [b], True)
    if auth.normalise_email(a) != auth.normalise_email(b) or not a.strip():
        assert matched is None
    else:
        assert matched == auth.normalise_email(b)


FOLDS = {"s": "ſ", "ss": "ß", "fi": "ﬁ", "st": "ﬆ", "ff": "ﬀ"}


@given(st.lists(st.sampled_from(["a", "e", "l", "n", "s", "ss", "fi", "st", "ff"]), min_size=1, max_size=8), st.data())
def test_a_look_alike_that_only_casefold_equates_is_never_accepted(parts, data):
    listed = "".join(parts) + "@stad.example"
    swap = [data.draw(st.booleans()) if p in FOLDS else False for p in parts]
    signed_in = "".join(FOLDS[p] if s else p for p, s in zip(parts, swap, strict=True)) + "@stad.example"
    assert signed_in.casefold() == listed.casefold()
    accepted = auth.oidc_editor(signed_in, [listed], True)
    assert (accepted is not None) == (not any(swap))


# --- persisted throttling (lib) --------------------------------------------------------------------------------


def test_three_free_failures_then_an_exponential_wait_up_to_fifteen_minutes(con):
    forget(con, "vaxande", "k-vaxande")
    waits = []
    for i in range(16):
        at = T0 + timedelta(seconds=i * 0.001)
        signin.record_failure(con, "vaxande", "k-vaxande", at)
        waits.append(signin.check_allowed(con, "vaxande", "k-vaxande", at))
    assert waits[:2] == [None, None]
    assert [round(w, 2) for w in waits[2:8]] == [1.0, 2.0, 4.0, 8.0, 16.0, 32.0]
    assert max(waits[2:]) == pytest.approx(15 * 60, abs=0.1)
    assert signin.wait_message(waits[-1]) == "För många misslyckade försök. Försök igen om 15 minuter."
    assert signin.wait_message(0.2).endswith("om 1 sekund.") and signin.wait_message(59.5).endswith("om 1 minut.")
    forget(con, "vaxande", "k-vaxande")


def test_the_count_is_in_the_database_so_a_new_connection_sees_it(con, isolated_env):
    from lib.config import Paths

    forget(con, "ny-session", "k-ny-session")
    for i in range(5):
        signin.record_failure(con, "Ny-Session ", "k-ny-session", T0 + timedelta(seconds=i))
    with db.connect(Paths().db_path) as other:
        wait = signin.check_allowed(other, "ny-session", "k-annan", T0 + timedelta(seconds=5))
    assert wait == pytest.approx(3.0)  # 2^(5-3) s after the last failure, whatever the client
    forget(con, "ny-session", "k-ny-session")


def test_a_client_guessing_many_accounts_is_held_back(con):
    forget(con, "k-sprutar", *[f"konto-{i}" for i in range(4)])
    for i in range(4):
        signin.record_failure(con, f"konto-{i}", "k-sprutar", T0)
    assert signin.check_allowed(con, "konto-ny", "k-sprutar", T0) == pytest.approx(2.0)
    assert signin.check_allowed(con, "konto-ny", "k-annan", T0) is None
    forget(con, "k-sprutar", *[f"konto-{i}" for i in range(4)])


def test_the_count_is_forgotten_after_a_quiet_period_and_cleared_by_a_sign_in(con):
    forget(con, "glomsk", "k-glomsk")
    for _ in range(4):
        signin.record_failure(con, "glomsk", "k-glomsk", T0)
    assert signin.check_allowed(con, "glomsk", "k-glomsk", T0 + timedelta(seconds=1)) == pytest.approx(1.0)
    assert signin.check_allowed(con, "glomsk", "k-glomsk", T0 + timedelta(seconds=3)) is None
    later = T0 + timedelta(minutes=16)
    assert signin.record_failure(con, "glomsk", "k-glomsk", later) == 0  # a fresh count of 1
    assert con.execute("SELECT failures FROM sign_in_failure WHERE key = 'glomsk'").fetchall() == [(1,)]
    signin.record_success(con, "glomsk", "k-glomsk", "Glomsk")
    assert con.execute("SELECT count(*) FROM sign_in_failure WHERE key IN ('glomsk', 'k-glomsk')").fetchall() == [(0,)]
    assert sign_in_audit(con, "glomsk")[-1][:5] == ("Glomsk", "sign_in", "glomsk", None, "inloggad")


def test_a_failure_is_audited_with_name_and_client_and_never_the_password(con):
    forget(con, "revision", "k-revision")
    secret = "hemligt-lösen-7319"
    signin.record_failure(con, "Revision", "k-revision", T0)
    rows = sign_in_audit(con, "revision")
    assert rows[-1][:5] == ("anonym", "sign_in", "revision", None, "misslyckad inloggning")
    assert json.loads(rows[-1][6]) == {"klient": "k-revision"}
    assert not con.execute(
        "SELECT count(*) FROM audit WHERE contains(coalesce(after, '') || coalesce(before, '') || record_id, ?)",
        [secret],
    ).fetchall()[0][0]
    forget(con, "revision", "k-revision")


def test_every_failure_takes_a_fixed_server_side_pause(con, monkeypatch):
    import time

    forget(con, "paus", "k-paus")
    monkeypatch.setenv(signin.DELAY_ENV, "0.3")
    started = time.perf_counter()
    signin.record_failure(con, "paus", "k-paus")
    assert time.perf_counter() - started >= 0.3
    forget(con, "paus", "k-paus")


def test_client_keys_do_not_store_the_address():
    key = signin.client_key("203.0.113.9")
    assert "203.0.113.9" not in key and key == signin.client_key(" 203.0.113.9 ")
    assert signin.client_key(None) == "okänd" and signin.client_key("198.51.100.1") != key


# --- the sidebar form (AppTest) --------------------------------------------------------------------------------


@pytest.fixture
def slow_waits(monkeypatch):
    """Waits in minutes instead of seconds, so a slow test machine cannot outlast a lock between two runs."""
    real = signin.wait_after
    monkeypatch.setattr(signin, "wait_after", lambda failures: 600 * real(failures))


def _sidebar_script():
    import streamlit as st

    from ui.sign_in import sign_in_panel

    with st.sidebar:
        sign_in_panel()


def sign_in(password: str, name: str = EDITOR) -> AppTest:
    """A new browser session (a fresh AppTest) that submits the sidebar's sign-in form once."""
    at = AppTest.from_function(_sidebar_script, default_timeout=60)
    at.secrets["editors"] = {EDITOR: auth.hash_password(EDITOR_PASSWORD)}
    at.run()
    next(t for t in at.text_input if t.label == "Användarnamn").input(name)
    next(t for t in at.text_input if t.label == "Lösenord").input(password)
    next(b for b in at.button if b.label == "Logga in").click()
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def texts(at: AppTest) -> str:
    return " ".join([e.value for e in at.error] + [c.value for c in at.caption])


def test_wrong_passwords_lock_the_account_even_from_a_new_session(con, slow_waits):
    client = signin.client_key(None)
    account = signin.account_key(EDITOR)
    forget(con, account, client)
    try:
        for _ in range(3):
            assert "Fel användarnamn eller lösenord" in texts(sign_in("fel-losenord-123"))
        fresh = sign_in(EDITOR_PASSWORD)  # a reload: new session, and this time the right password
        assert re.search(r"För många misslyckade försök\. Försök igen om (10|9) minuter\.", texts(fresh))
        assert "Inloggad som" not in texts(fresh) and "_redigerare" not in fresh.session_state
    finally:
        forget(con, account, client)
    assert f"Inloggad som `{EDITOR}` (redigerare)." in texts(sign_in(EDITOR_PASSWORD))
    assert sign_in_audit(con, account)[-1][4] == "inloggad"


def test_a_failed_sign_in_in_the_app_is_in_the_audit_without_the_password(con):
    client, account = signin.client_key(None), signin.account_key("inkräktare")
    forget(con, account, client)
    try:
        before = con.execute("SELECT count(*) FROM audit").fetchall()[0][0]
        sign_in("gissat-lösen-5521", name="Inkräktare")
        rows = sign_in_audit(con, account)
        assert rows and rows[-1][4] == "misslyckad inloggning" and rows[-1][0] == "anonym"
        new = con.execute("SELECT * FROM audit ORDER BY id OFFSET ?", [before]).fetchall()
        assert "gissat-lösen-5521" not in repr(new)
    finally:
        forget(con, account, client)


# --- the CLI ---------------------------------------------------------------------------------------------------


@pytest.fixture
def cli_paths(tmp_path, monkeypatch):
    """A small database with only the user tables, and a secrets file with one editor."""
    from lib.config import Paths

    path = tmp_path / "cli.duckdb"
    with db.connect(path) as c:
        c.execute(db.USER_SCHEMA)
    secrets = tmp_path / "secrets.toml"
    secrets.write_text(auth.toml_dumps({"editors": {"anna": auth.hash_password("ett-langt-losen")}}), "utf-8")
    monkeypatch.setenv("SAMMANHALLEN_DB", str(path))
    monkeypatch.setenv("SAMMANHALLEN_SECRETS", str(secrets))
    return Paths()


def test_the_cli_counts_failures_in_the_database_and_refuses_while_locked(cli_paths, monkeypatch, slow_waits):
    from lib import cli

    monkeypatch.setenv("SAMMANHALLEN_PASSWORD", "fel-losen-123")
    for _ in range(3):
        with pytest.raises(auth.NotAuthorised, match="Fel användarnamn eller lösenord"):
            cli.authenticate(cli_paths, "anna")
    monkeypatch.setenv("SAMMANHALLEN_PASSWORD", "ett-langt-losen")
    with pytest.raises(auth.NotAuthorised, match="För många misslyckade försök"):
        cli.authenticate(cli_paths, "anna")
    with db.connect(cli_paths.db_path) as c:
        actions = c.execute("SELECT editor, action, after FROM audit ORDER BY id").fetchall()
        assert actions == [("anonym", "misslyckad inloggning", '{"klient": "cli"}')] * 3
        c.execute("UPDATE sign_in_failure SET last_failure = last_failure - INTERVAL 1 HOUR")
    assert cli.authenticate(cli_paths, "anna") == "anna"


def test_the_cli_still_signs_in_when_the_database_cannot_be_opened(cli_paths, monkeypatch):
    from lib import cli

    cli_paths.db_path.write_bytes(b"inte en databas" * 100)
    before = cli_paths.db_path.read_bytes()
    monkeypatch.setenv("SAMMANHALLEN_PASSWORD", "ett-langt-losen")
    assert cli.authenticate(cli_paths, "anna") == "anna"
    monkeypatch.setenv("SAMMANHALLEN_PASSWORD", "fel-losen-123")
    with pytest.raises(auth.NotAuthorised, match="Fel användarnamn"):
        cli.authenticate(cli_paths, "anna")
    assert cli_paths.db_path.read_bytes() == before
