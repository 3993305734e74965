"""Sign-in with the city's account, end to end: a real OpenID Connect provider on this machine (the
`oidc-provider-mock` package), the app with an `[auth]` section, and Chromium clicking through both.

Only an allow-listed address that the provider marks as verified may edit; another verified user and an
allow-listed address that is not verified are signed in but read only, and the sidebar says so."""

from __future__ import annotations

import os
from urllib.parse import quote

import pytest

from conftest import ARTIFACTS, _free_port, start_server, stop_server, wait_for_app, wait_healthy

pytestmark = pytest.mark.browser

ALLOWED = "planerare@stad.example"
USERS = {  # the provider's sub → the claims it signs into the ID token
    "planerare": {"email": ALLOWED, "email_verified": True, "name": "Pia Planerare"},
    "annan": {"email": "annan@stad.example", "email_verified": True, "name": "Anders Annan"},
    "overifierad": {"email": ALLOWED, "email_verified": False, "name": "Otto Overifierad"},
}
PLANS = "/plans?namnd=" + quote("Farsta stadsdelsnämnd")


def _need(module: str):
    """Import a test-only package, or skip (fail under REQUIRE_BROWSER=1, as the browser fixture does)."""
    try:
        return __import__(module)
    except ImportError:
        if os.environ.get("REQUIRE_BROWSER") == "1":
            pytest.fail(f"REQUIRE_BROWSER=1 men {module} är inte installerat (pip install -r requirements-dev.txt).")
        pytest.skip(f"{module} saknas")


@pytest.fixture(scope="module")
def provider(browser):
    _need("authlib")  # st.login needs it
    mock = _need("oidc_provider_mock")
    users = [mock.User(sub=sub, claims=claims) for sub, claims in USERS.items()]
    with mock.run_server_in_thread(user_claims=users) as server:
        yield f"http://localhost:{server.server_port}"


@pytest.fixture(scope="module")
def oidc_app(provider, isolated_env):
    """The app on a free port with secrets that point st.login at the local provider."""
    from lib import auth

    port = _free_port()
    base = f"http://localhost:{port}"
    secrets = isolated_env / "oidc_secrets.toml"
    secrets.write_text(
        auth.toml_dumps(
            {
                "auth": {
                    "redirect_uri": f"{base}/oauth2callback",
                    "cookie_secret": "en-lang-slumpad-kaka-for-provet-" + "x" * 16,
                    "client_id": "sammanhallen-stad",
                    "client_secret": "provhemlighet",
                    "server_metadata_url": f"{provider}/.well-known/openid-configuration",
                },
                "editors_oidc": {"allowed": [ALLOWED]},
            }
        ),
        encoding="utf-8",
    )
    env = {
        "SAMMANHALLEN_DB": str(isolated_env / "oidc.duckdb"),  # DuckDB allows one writer process per file
        "SAMMANHALLEN_SECRETS": str(secrets),  # the CLI reads the same file the app is given
    }
    log = open(isolated_env / "oidc_app.log", "wb")  # noqa: SIM115 - open for the server's lifetime
    proc = start_server(port, env, "--secrets.files", str(secrets), stdout=log)
    try:
        if not wait_healthy(base, proc):
            pytest.fail("Streamlit startade inte: " + (isolated_env / "oidc_app.log").read_text()[-2000:])
        yield base
    finally:
        stop_server(proc)
        log.close()


def sign_in_as(browser, app: str, sub: str):
    """A fresh browser (no cookies) signs in at the provider's form as `sub`; returns the page, back in the app."""
    context = browser.new_context(viewport={"width": 1280, "height": 720}, locale="sv-SE")
    page = context.new_page()
    page.goto(app + PLANS)
    wait_for_app(page)
    page.get_by_text("Logga in för att redigera").click()
    page.get_by_role("button", name="Logga in med stadens konto").click()
    page.get_by_role("button", name=sub, exact=True).click(timeout=30_000)  # the provider's form
    page.wait_for_url(lambda url: url.startswith(app), timeout=30_000)
    wait_for_app(page)
    page.get_by_text("Inloggad som").first.wait_for(timeout=30_000)
    return context, page


def add_button_enabled(page, app: str) -> bool:
    page.goto(app + PLANS)
    wait_for_app(page)
    page.locator("[data-testid='stTab']:visible", has_text="Aktiviteter").last.click()
    button = page.get_by_role("button", name="Lägg till")
    button.wait_for(timeout=30_000)
    return button.is_enabled()


def sidebar_text(page) -> str:
    return page.locator("[data-testid='stSidebar']").inner_text()


def test_an_allow_listed_verified_user_can_edit(browser, oidc_app):
    context, page = sign_in_as(browser, oidc_app, "planerare")
    try:
        page.get_by_text(f"Inloggad som {ALLOWED} (redigerare).").wait_for(timeout=30_000)
        assert add_button_enabled(page, oidc_app)
        page.get_by_label("Aktivitet", exact=True).fill("Läxhjälp på Farsta bibliotek")
        page.get_by_role("button", name="Lägg till").click()
        page.get_by_text("Lade till ”Läxhjälp på Farsta bibliotek”").wait_for(timeout=30_000)
        page.get_by_role("button", name="Logga ut").scroll_into_view_if_needed()
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "oidc_redigerare.png"))
    finally:
        context.close()


def test_another_verified_user_is_signed_in_but_cannot_edit(browser, oidc_app):
    context, page = sign_in_as(browser, oidc_app, "annan")
    try:
        page.get_by_text("Inloggad som annan@stad.example – inte redigerare.").wait_for(timeout=30_000)
        assert "Adressen finns inte bland redigerarna" in sidebar_text(page)
        assert "(redigerare)" not in sidebar_text(page)
        assert not add_button_enabled(page, oidc_app)
        wait_for_app(page)
        page.get_by_role("button", name="Logga ut").scroll_into_view_if_needed()
        page.screenshot(path=str(ARTIFACTS / "oidc_inte_redigerare.png"))
    finally:
        context.close()


def test_an_allow_listed_address_the_provider_has_not_verified_cannot_edit(browser, oidc_app):
    context, page = sign_in_as(browser, oidc_app, "overifierad")
    try:
        page.get_by_text(f"Inloggad som {ALLOWED} – inte redigerare.").wait_for(timeout=30_000)
        assert "har inte bekräftat e-postadressen" in sidebar_text(page)
        assert not add_button_enabled(page, oidc_app)
    finally:
        context.close()
