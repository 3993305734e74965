"""Two app processes on one PostgreSQL behind nginx (deploy/replicas.py), in Chromium.

An edit saved through one replica is seen through the other at its next rerun; the proxy keeps a browser's
session (its websocket and every rerun) on one replica; the command line writes while the app runs. Skipped
without PostgreSQL, nginx or Chromium unless REQUIRE_POSTGRES=1 (and REQUIRE_BROWSER=1), as in CI.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
import uuid

import pytest

from conftest import EDITOR, EDITOR_PASSWORD, ROOT, wait_for_app
from deploy.replicas import COOKIE, Replicas, find_nginx, nginx_config

TIMEOUT = 90_000
SCENARIOS = "Scenarier – spara och läs in vikter"
GOAL_TEXT = "Trångboddheten ska minska genom fler och mer varierade bostäder"


def test_the_proxy_config_gives_every_replica_a_route_and_the_others_as_backup(tmp_path):
    text = nginx_config("127.0.0.1:8080", [8601, 8602, 8603], tmp_path)
    for i, port in enumerate((8601, 8602, 8603), start=1):
        block = text.split(f"upstream r{i} {{", 1)[1].split("}", 1)[0]
        assert f"server 127.0.0.1:{port} max_fails" in block
        assert block.count("backup;") == 2 and f"127.0.0.1:{port} backup" not in block
        assert f"        r{i} r{i};" in text
    assert "33.33% r1;" in text and "33.33% r2;" in text and "* r3;" in text
    assert "proxy_set_header Upgrade $http_upgrade;" in text and "{{" not in text
    assert f'add_header Set-Cookie "{COOKIE}=$route;' in text
    if find_nginx():  # nginx itself accepts it
        for name in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"):
            (tmp_path / name).mkdir()
        (tmp_path / "nginx.conf").write_text(text, encoding="utf-8")
        checked = subprocess.run(
            [find_nginx(), "-t", "-p", str(tmp_path), "-c", str(tmp_path / "nginx.conf"), "-e", "stderr"],
            capture_output=True,
            text=True,
        )
        assert checked.returncode == 0, checked.stderr


@pytest.fixture(scope="module")
def replicas(pg_server, tmp_path_factory):
    """Two replicas on a database of their own, nginx in front, one editor; the proxy skipped without nginx
    unless REQUIRE_POSTGRES=1."""
    if find_nginx() is None:
        if os.environ.get("REQUIRE_POSTGRES") == "1":
            pytest.fail("REQUIRE_POSTGRES=1 men nginx saknas (apt-get install nginx-light).")
        pytest.skip("nginx saknas")
    from lib import auth

    state = tmp_path_factory.mktemp("replicas") / "run"
    state.mkdir()
    secrets = state / "secrets.toml"  # `replicas.state / "secrets.toml"` for the command line
    secrets.write_text(auth.toml_dumps({"editors": {EDITOR: auth.hash_password(EDITOR_PASSWORD)}}), encoding="utf-8")
    url = pg_server.create_database("replikor")
    setup = Replicas(
        database_url=url,
        replicas=2,
        args=("--secrets.files", str(secrets)),
        state_dir=state,
        timing_logs=True,
        env={"SAMMANHALLEN_OFFICIAL_DIR": str(state / "official")},
    )
    with setup:
        yield setup
    pg_server.drop_database("replikor")


@pytest.fixture
def context(browser):
    ctx = browser.new_context(viewport={"width": 1280, "height": 900})
    ctx.set_default_timeout(TIMEOUT)
    yield ctx
    ctx.close()


def sign_in(page) -> None:
    page.get_by_text("Logga in för att redigera").click()
    page.get_by_label("Användarnamn").fill(EDITOR)
    page.get_by_label("Lösenord").fill(EDITOR_PASSWORD)
    page.get_by_role("button", name="Logga in").click()
    page.get_by_text(f"Inloggad som {EDITOR}").wait_for()
    wait_for_app(page, TIMEOUT)


def nudge_weight(page, key: str = "ArrowRight") -> None:
    """One step of an area slider: a rerun of the page in the same session."""
    page.get_by_role("slider", name="Försörjning").focus()
    page.keyboard.press(key)
    page.wait_for_timeout(300)
    wait_for_app(page, TIMEOUT)


def saved_scenarios(page) -> list[str]:
    """The names in the list of saved scenarios (the expander opened, the select box's options read)."""
    if not page.get_by_text("Namn på scenariot").is_visible():
        page.get_by_text(SCENARIOS).click()
    box = page.locator("[data-testid='stSelectbox']", has_text="Sparade scenarier")
    box.or_(page.get_by_text("Inga sparade scenarier ännu.")).first.wait_for()
    if not box.count():
        return []
    box.locator("[role='combobox'], input").first.click()
    options = page.get_by_role("option")
    options.first.wait_for()
    names = [text.strip() for text in options.all_inner_texts()]
    page.keyboard.press("Escape")
    return names


@pytest.mark.postgres
@pytest.mark.browser
def test_a_scenario_saved_on_one_replica_is_listed_on_the_other_at_its_next_rerun(replicas, context):
    first, second = replicas.replica_urls
    name = f"Replikscenario {uuid.uuid4().hex[:6]}"
    reader = context.new_page()
    reader.goto(f"{second}/index_weights")  # open before the save, so its process has read the list already
    wait_for_app(reader, TIMEOUT)
    assert name not in saved_scenarios(reader)

    editor = context.browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    try:
        editor.context.set_default_timeout(TIMEOUT)
        editor.goto(f"{first}/index_weights")
        wait_for_app(editor, TIMEOUT)
        sign_in(editor)
        nudge_weight(editor)
        editor.get_by_text(SCENARIOS).click()
        editor.get_by_label("Namn på scenariot").fill(name)
        editor.get_by_role("button", name="Spara nuvarande vikter").click()
        editor.get_by_text(f"Sparade ”{name}”").wait_for()
    finally:
        editor.context.close()

    # The other replica's next run of the page in the same session (the scenarios are a fragment of their own,
    # which a slider move does not rerun): away and back through the sidebar.
    for title in ("Översikt", "Index och vikter"):
        reader.get_by_role("link", name=title).first.click()
        reader.wait_for_timeout(300)
        wait_for_app(reader, TIMEOUT)
    assert name in saved_scenarios(reader)


def page_runs(log) -> list[float]:
    return [float(line.split("\t")[0]) for line in log.read_text(encoding="utf-8").splitlines()] if log.exists() else []


@pytest.mark.postgres
@pytest.mark.browser
def test_the_proxy_keeps_a_browser_session_on_one_replica(replicas, context):
    page = context.new_page()
    page.goto(replicas.url + "/")
    wait_for_app(page, TIMEOUT)
    route = {c["name"]: c["value"] for c in context.cookies()}.get(COOKIE)
    assert route in {"r1", "r2"}, context.cookies()
    mine, other = (1, 2) if route == "r1" else (2, 1)
    since = time.time()
    for title in ("Index och vikter", "Mål och uppföljning", "Översikt"):  # in-app: the same websocket, new runs
        page.get_by_role("link", name=title).first.click()
        page.wait_for_timeout(300)
        wait_for_app(page, TIMEOUT)
    page.goto(f"{replicas.url}/index_weights")  # a new load: the cookie goes with it
    wait_for_app(page, TIMEOUT)
    nudge_weight(page)
    assert {c["name"]: c["value"] for c in context.cookies()}[COOKIE] == route
    assert len([t for t in page_runs(replicas.timing_log(mine)) if t >= since]) >= 5
    assert [t for t in page_runs(replicas.timing_log(other)) if t >= since] == []


@pytest.mark.postgres
@pytest.mark.browser
def test_the_command_line_installs_a_goal_tree_while_both_replicas_run(replicas, context, tmp_path):
    new = tmp_path / "replikmal.yaml"
    shipped = (ROOT / "data" / "goals.yaml").read_text(encoding="utf-8")
    assert GOAL_TEXT in shipped
    new.write_text(shipped.replace(GOAL_TEXT, "Fler bostäder av fler slag i ytterstaden"), encoding="utf-8")
    cli_db = tmp_path / "cli.duckdb"
    shutil.copyfile(replicas.state / "base.duckdb", cli_db)  # the CLI's own DuckDB copy, as each replica has
    env = {
        **os.environ,
        "SAMMANHALLEN_DB": str(cli_db),
        "SAMMANHALLEN_DATABASE_URL": replicas.database_url,
        "SAMMANHALLEN_SECRETS": str(replicas.state / "secrets.toml"),
        "SAMMANHALLEN_PASSWORD": EDITOR_PASSWORD,
    }
    page = context.new_page()
    page.goto(f"{replicas.replica_urls[1]}/data_sources")
    wait_for_app(page, TIMEOUT)
    page.get_by_text("Gäller nu:").first.wait_for()

    done = subprocess.run(
        [sys.executable, "-m", "lib.cli", "load-goals", str(new), "--editor", EDITOR],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "installerat (nr 1)" in done.stdout

    for url in replicas.replica_urls:  # each replica, on its next run
        page.goto(f"{url}/data_sources")
        wait_for_app(page, TIMEOUT)
        page.get_by_text("Gäller nu: installerat målträd nr 1").wait_for()
        assert page.get_by_text(f"installerat av {EDITOR}").count()
