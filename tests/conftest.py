"""Test set-up: every test run gets its own database and no official boundaries, whatever the checkout has."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pandas as pd
import pytest

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]
ARTIFACTS = ROOT / "tests" / "artifacts"
EDITOR, EDITOR_PASSWORD = "provredigerare", "ett-langt-provlosen"

sys.path.insert(0, str(ROOT))


@pytest.fixture(scope="session", autouse=True)
def isolated_env(tmp_path_factory):
    base = tmp_path_factory.mktemp("env")
    os.environ["SAMMANHALLEN_DB"] = str(base / "test.duckdb")
    os.environ["SAMMANHALLEN_OFFICIAL_DIR"] = str(base / "official")
    os.environ["SAMMANHALLEN_RAISE_ERRORS"] = "1"  # a page error fails the test instead of becoming a message
    os.environ["SAMMANHALLEN_SIGNIN_DELAY"] = "0"  # the fixed pause of a failed sign-in (tested on its own)
    from lib import db
    from lib.config import Paths

    db.build_database(Paths().data_dir, Paths().db_path)
    yield base


@pytest.fixture(scope="session")
def con(isolated_env):
    from lib import db
    from lib.config import Paths

    with db.connect(Paths().db_path) as connection:
        yield connection


@pytest.fixture(scope="session")
def areas() -> pd.DataFrame:
    return pd.read_csv(ROOT / "data" / "area.csv")


@pytest.fixture
def data_copy(tmp_path) -> Path:
    """A private copy of data/ that a test may break."""
    target = tmp_path / "data"
    shutil.copytree(ROOT / "data", target, ignore=shutil.ignore_patterns("*.duckdb*", "official"))
    return target


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="session")
def browser():
    """Debian's Chromium through Playwright; skipped without it unless REQUIRE_BROWSER=1."""
    required = os.environ.get("REQUIRE_BROWSER") == "1"
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        if required:
            pytest.fail("REQUIRE_BROWSER=1 men Playwright är inte installerat.")
        pytest.skip("Playwright saknas")
    if not CHROMIUM.exists():
        if required:
            pytest.fail("REQUIRE_BROWSER=1 men /usr/bin/chromium saknas (apt-get install chromium).")
        pytest.skip("Chromium saknas")
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield b
        b.close()


@pytest.fixture(scope="session")
def app_url(isolated_env):
    """A fresh Streamlit server on a free port, serving the app on the test database."""
    from lib import auth

    secrets = isolated_env / "secrets.toml"
    secrets.write_text(auth.toml_dumps({"editors": {EDITOR: auth.hash_password(EDITOR_PASSWORD)}}), encoding="utf-8")
    port = _free_port()
    # A database of its own: the test process keeps the shared one open, and DuckDB allows one writer process.
    proc = start_server(port, {"SAMMANHALLEN_DB": str(isolated_env / "app.duckdb")}, "--secrets.files", str(secrets))
    url = f"http://127.0.0.1:{port}"
    if not wait_healthy(url, proc):
        stop_server(proc)
        pytest.fail("Streamlit-servern startade inte: " + proc.stdout.read().decode(errors="replace")[-2000:])
    yield url
    stop_server(proc)


def start_server(port: int, env: dict, *args: str, module: str = "streamlit", stdout=subprocess.PIPE):
    """The app in a server process of its own on `port`: `streamlit run app.py`, or the launcher
    (`module="ui.server"`, which opens the database before it serves). `env` is added to this process's."""
    command = [sys.executable, "-m", module] + (["run", str(ROOT / "app.py")] if module == "streamlit" else [])
    command += ["--server.port", str(port), "--server.headless", "true", "--browser.gatherUsageStats", "false"]
    return subprocess.Popen(
        [*command, *args],
        cwd=ROOT,
        env={**os.environ, "PYTHONUNBUFFERED": "1", **env},
        stdout=stdout,
        stderr=subprocess.STDOUT,
    )


def wait_healthy(url: str, proc: subprocess.Popen, timeout: float = 60) -> bool:
    """True once the server answers its health check; False if it stops or `timeout` seconds pass."""
    deadline = time.time() + timeout
    while time.time() < deadline and proc.poll() is None:
        try:
            with urllib.request.urlopen(url + "/_stcore/health", timeout=2) as r:
                if r.status == 200:
                    return True
        except OSError:
            time.sleep(0.3)
    return False


def stop_server(proc: subprocess.Popen) -> None:
    proc.terminate()
    try:
        proc.wait(15)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


def wait_for_app(page, timeout: float = 60_000) -> None:
    """Streamlit's own end-to-end idiom: the script has finished running."""
    page.wait_for_selector("[data-testid='stApp'][data-test-script-state='notRunning']", timeout=timeout)


def pytest_configure(config) -> None:
    config.addinivalue_line("markers", "postgres: needs PostgreSQL (skipped unless REQUIRE_POSTGRES=1)")


@pytest.fixture(scope="session")
def pg_server():
    """A throwaway PostgreSQL cluster for the session (tests/pgserver.py); skipped without PostgreSQL's binaries
    unless REQUIRE_POSTGRES=1, as in CI."""
    from tests.pgserver import PgServer, find_bin_dir

    if find_bin_dir() is None:
        if os.environ.get("REQUIRE_POSTGRES") == "1":
            pytest.fail("REQUIRE_POSTGRES=1 men PostgreSQL saknas (apt-get install postgresql).")
        pytest.skip("PostgreSQL saknas")
    with PgServer() as server:
        yield server


@pytest.fixture(scope="session")
def pg_url(pg_server) -> str:
    """The URL of the session cluster's database `sammanhallen` (SAMMANHALLEN_DATABASE_URL's form)."""
    return pg_server.url()


_pg_counter = iter(range(1, 1_000_000))


@pytest.fixture
def pg_db(pg_server):
    """A fresh empty database for one test, dropped afterwards, so no test sees another's rows."""
    name = f"test_{os.getpid()}_{next(_pg_counter)}"
    url = pg_server.create_database(name)
    yield url
    pg_server.drop_database(name)


#: The two homes of what users write: the embedded DuckDB file, and PostgreSQL (each test its own database).
BACKENDS = ["duckdb", pytest.param("postgres", marks=pytest.mark.postgres)]


def open_backend(request, built: Path, monkeypatch):
    """A connection to the database file `built` as the app would have it: the file itself, or (postgres) a working
    copy with the user tables in a fresh PostgreSQL database; yields it and closes everything afterwards."""
    from lib import db
    from lib.db import pg

    if request.param == "postgres":
        monkeypatch.setenv(pg.URL_ENV, request.getfixturevalue("pg_db"))
        con = db.working_copy(built)
        try:
            yield con
        finally:
            con.close()
            pg.close_all()
        return
    with db.connect(built) as con:
        yield con
