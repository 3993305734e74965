"""The command line as a newcomer and CI use it."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from conftest import ROOT

_ENV: dict[str, str] = {}


@pytest.fixture(scope="module", autouse=True)
def own_database(tmp_path_factory):
    """The CLI runs in other processes while the test process holds the shared test database open (DuckDB lets
    one process write), so the CLI gets a database of its own."""
    _ENV["SAMMANHALLEN_DB"] = str(tmp_path_factory.mktemp("cli") / "cli.duckdb")
    yield


def run_cli(*args: str, stdin: str = "", **env: str) -> subprocess.CompletedProcess:
    """The CLI in its own process on the module's database; `env` adds or overrides environment variables."""
    return subprocess.run(
        [sys.executable, "-m", "lib.cli", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        input=stdin,
        env={**os.environ, **_ENV, **env},
    )


def test_info_json_reports_the_data_model():
    result = run_cli("info", "--json")
    assert result.returncode == 0, result.stderr
    info = json.loads(result.stdout)
    assert info["areas"] == 117
    assert info["programme_areas"] == 22
    assert info["indicators"] >= 14
    assert all(
        info["indicators_by_domain"][d] >= 3 for d in ("sociala_risker", "halsa", "sakerhet_trygghet", "forsorjning")
    )
    assert info["values"] == info["synthetic_values"] + info["real_values"] > 10_000
    assert info["years"] == list(range(2012, 2026))
    assert info["geometry"] == "official"  # the shipped official map (no import in data/official)


def test_build_db_is_idempotent():
    first = run_cli("build-db")
    second = run_cli("build-db")
    assert first.returncode == second.returncode == 0
    assert "redan aktuell" in second.stdout


def test_bad_arguments_exit_2():
    assert run_cli("no-such-command").returncode == 2


def test_missing_boundary_file_is_a_swedish_error():
    result = run_cli("fetch-boundaries", "/nonexistent/file.gpkg", "--editor", "någon")
    assert result.returncode == 2  # every CLI failure is exit 2 with a Swedish message
    assert "finns inte" in result.stderr


def test_index_prints_the_same_numbers_as_the_library(con):
    import io

    import pandas as pd

    from lib import db
    from lib import index as ix

    result = run_cli(
        "index",
        "--weights",
        "försörjning=4,hälsa=2,sociala risker=2,säkerhet och trygghet=2",
        "--year",
        "2018",
        "--method",
        "zscore",
    )
    assert result.returncode == 0, result.stderr
    table = pd.read_csv(io.StringIO(result.stdout))
    assert list(table.columns[:4]) == ["code", "name", "composite", "rank"]
    assert table["rank"].iloc[0] == 1
    fw = ix.Framework.from_meta(db.indicators(con), list(db.domains(con)["code"]))
    params = ix.IndexParams(
        year=2018,
        method="zscore",
        domain_weights=(("forsorjning", 4.0), ("halsa", 2.0), ("sakerhet_trygghet", 2.0), ("sociala_risker", 2.0)),
    )
    data, fw = ix.build_index_data(db.values_long(con), db.areas(con), fw, 2018)
    expected = ix.compute_index(data, fw, params)
    top = expected.scores.sort_values("rank").iloc[0]
    assert table["code"].iloc[0] == top["area_code"]
    assert table["composite"].iloc[0] == round(top["composite"], 3)


def test_index_json_and_bad_arguments():
    ok = run_cli("index", "--format", "json", "--universe", "programme")
    assert ok.returncode == 0
    rows = json.loads(ok.stdout)
    assert sum(1 for r in rows if r["rank"] is not None) == 22
    bad = run_cli("index", "--weights", "lycka=3")
    assert bad.returncode == 2 and "Okänt område" in bad.stderr
    assert run_cli("index", "--method", "magic").returncode == 2
    assert "finns inte i data" in run_cli("index", "--year", "2031").stderr


def test_goals_per_body_and_load_goals(tmp_path):
    out = run_cli("goals", "--body", "Farsta stadsdelsnämnd", "--format", "json", "--year", "2017")
    assert out.returncode == 0, out.stderr
    rows = json.loads(out.stdout)
    assert {r["delmal"] for r in rows} >= {"D9", "D10"}
    assert all(r["indicator_status"] in {"helt uppfyllt", "delvis uppfyllt", "ej uppfyllt", "ej bedömd"} for r in rows)
    assert run_cli("goals", "--body", "Okänd nämnd").returncode == 2
    ok = run_cli("load-goals", str(ROOT / "data" / "goals.yaml"), "--dry-run")
    assert ok.returncode == 0 and "13 delmål" in ok.stdout
    bad = tmp_path / "bad.yaml"
    bad.write_text(
        "nodes:\n  - {id: P, level: program, text: P}\n  - {id: A, level: mål, parent: P, text: a}\n", encoding="utf-8"
    )
    result = run_cli("load-goals", str(bad))
    assert result.returncode == 2 and "kan inte ligga under" in result.stderr
    broken = tmp_path / "broken.yaml"
    broken.write_text("nodes: [unclosed\n", encoding="utf-8")
    result = run_cli("load-goals", str(broken))
    assert result.returncode == 2 and "inte giltig YAML" in result.stderr


def test_writes_from_the_cli_need_an_editor(tmp_path):
    secrets = tmp_path / "secrets.toml"
    env_extra = {"SAMMANHALLEN_SECRETS": str(secrets)}

    def cli(*args, stdin="", **env):
        return run_cli(*args, stdin=stdin, **env_extra, **env)

    short = cli("add-editor", "anna", "--password-stdin", stdin="kort\n")
    assert short.returncode == 2 and "minst 10 tecken" in short.stderr
    assert cli("add-editor", "anna", "--password-stdin", stdin="ett-langt-losen\n").returncode == 0
    assert "argon2" in secrets.read_text(encoding="utf-8") and "ett-langt-losen" not in secrets.read_text(
        encoding="utf-8"
    )
    goals_file = str(ROOT / "data" / "goals.yaml")
    anonymous = cli("load-goals", goals_file)
    assert anonymous.returncode == 3 and "inloggad som redigerare" in anonymous.stderr
    wrong = cli("load-goals", goals_file, "--editor", "anna", SAMMANHALLEN_PASSWORD="fel-losen-123")
    assert wrong.returncode == 3 and "Fel användarnamn eller lösenord" in wrong.stderr


def test_readme_lists_every_command():
    """The README's command-line reference is exactly the line generated from the parser behind `--help`, and
    that line names every subcommand `python -m lib.cli --help` offers with its positional arguments."""
    import re

    from lib.cli import reference_line

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Command line", 1)[1].split("\n## ", 1)[0]
    listed = [row for row in section.splitlines() if row.startswith("`python -m lib.cli ") and "|" in row]
    assert listed == [reference_line()], "README: klistra in python -c 'from lib.cli import reference_line…'"

    usage = subprocess.run(
        [sys.executable, "-m", "lib.cli", "--help"], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout
    offered = re.search(r"\{([a-z,-]+)\}", usage).group(1).split(",")
    line = reference_line().strip("`").removeprefix("python -m lib.cli ")
    assert [part.split()[0] for part in line.split(" | ")] == offered
    for command, argument in (("load-goals", "FILE"), ("add-editor", "NAME"), ("restore", "FILE")):
        assert f"{command} {argument}" in line
    for flag in ("--level", "--real-only"):
        assert re.search(rf"index .*{flag}", readme), flag


GOAL_TEXT = "Trångboddheten ska minska genom fler och mer varierade bostäder"
#: Another process that holds the database open for writing, as the running app does.
LOCK_HOLDER = "import duckdb, sys, time; c = duckdb.connect(sys.argv[1]); print('LÅST', flush=True); time.sleep(120)"


@pytest.fixture
def goal_cli(data_copy, tmp_path, monkeypatch):
    """Paths for running the CLI in this process on a private copy of data/ with a database of its own (not built
    yet) and one editor whose password is in the environment."""
    from conftest import EDITOR, EDITOR_PASSWORD
    from lib import auth
    from lib.config import Paths

    secrets = tmp_path / "secrets.toml"
    secrets.write_text(auth.toml_dumps({"editors": {EDITOR: auth.hash_password(EDITOR_PASSWORD)}}), encoding="utf-8")
    monkeypatch.setenv("SAMMANHALLEN_DB", str(tmp_path / "goals_cli.duckdb"))
    monkeypatch.setenv("SAMMANHALLEN_SECRETS", str(secrets))
    monkeypatch.setenv("SAMMANHALLEN_PASSWORD", EDITOR_PASSWORD)
    return Paths(root=data_copy.parent)


def test_load_goals_while_the_app_holds_the_database_changes_nothing(goal_cli, tmp_path, capsys):
    from conftest import EDITOR
    from lib import cli, db

    db.build_database(goal_cli.data_dir, goal_cli.db_path)
    shipped = (goal_cli.data_dir / "goals.yaml").read_bytes()
    new = tmp_path / "nytt.yaml"
    new.write_text(shipped.decode("utf-8").replace(GOAL_TEXT, "Fler bostäder"), encoding="utf-8")
    holder = subprocess.Popen(
        [sys.executable, "-c", LOCK_HOLDER, str(goal_cli.db_path)], stdout=subprocess.PIPE, text=True
    )
    try:
        assert holder.stdout.readline().strip() == "LÅST"
        code = cli.main(["load-goals", str(new), "--editor", EDITOR], goal_cli)
    finally:
        holder.terminate()
        holder.wait(10)
    err = capsys.readouterr().err
    assert code == 2 and "används av en annan process" in err and "Inget ändrades" in err, err
    assert (goal_cli.data_dir / "goals.yaml").read_bytes() == shipped  # the next start installs nothing either
    with db.connect(goal_cli.db_path, read_only=True) as con:
        assert db.goal_tree_installs(con).empty
        assert "Fler bostäder" not in set(db.goal_tree(con).nodes["text"])

    assert cli.main(["load-goals", str(new), "--editor", EDITOR], goal_cli) == 0  # the app stopped: installed
    assert "installerat (nr 1)" in capsys.readouterr().out
    assert (goal_cli.data_dir / "goals.yaml").read_bytes() == shipped
    with db.connect(goal_cli.db_path, read_only=True) as con:
        assert list(db.goal_tree_installs(con)["filename"]) == ["nytt.yaml"]
        assert "Fler bostäder" in set(db.goal_tree(con).nodes["text"])
        audit = db.query(con, "SELECT editor, action FROM audit WHERE table_name = 'goal_tree'")
        assert audit.values.tolist() == [[EDITOR, "installerat"]]


def _shipped_with(tmp_path, old: str, new: str):
    path = tmp_path / "mal.yaml"
    path.write_text((ROOT / "data" / "goals.yaml").read_text(encoding="utf-8").replace(old, new, 1), encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda tmp: tmp / "finns_inte.yaml", "finns inte"),
        (lambda tmp: tmp, "ingen vanlig fil"),
        (lambda tmp: (tmp / "djup.yaml", (tmp / "djup.yaml").write_text("- " * 100_000 + "x\n"))[0], "nästlad"),
        (lambda tmp: (tmp / "stor.yaml", (tmp / "stor.yaml").write_bytes(b"#" * 2_000_000))[0], "högst 1 MB"),
        (lambda tmp: (tmp / "latin1.yaml", (tmp / "latin1.yaml").write_bytes("mål: å".encode("latin-1")))[0], "UTF-8"),
        (lambda tmp: _shipped_with(tmp, "id: D13", "id: D 13"), "reglerna för id"),
        (lambda tmp: _shipped_with(tmp, "parent: M7", "parent: NOPE"), "föräldralös"),
    ],
)
def test_load_goals_refuses_a_bad_file_with_a_swedish_message(goal_cli, tmp_path, capsys, make, message):
    from conftest import EDITOR
    from lib import cli

    shipped = (goal_cli.data_dir / "goals.yaml").read_bytes()
    code = cli.main(["load-goals", str(make(tmp_path)), "--editor", EDITOR], goal_cli)
    err = capsys.readouterr().err
    assert code == 2 and message in err and "Traceback" not in err, err
    assert err.startswith("Fel: ") and "Inget ändrades" in err
    assert (goal_cli.data_dir / "goals.yaml").read_bytes() == shipped
    assert not goal_cli.db_path.exists()  # refused before the database was even opened


def test_fetch_boundaries_needs_an_editor_checks_and_audits(tmp_path):
    """The whole command as an operator runs it: an editor added with add-editor, boundaries refused without one,
    a file with an unreadable CRS refused in Swedish, then installed by the editor with an audit row."""
    from pathlib import Path

    import geopandas as gpd

    from lib import db, geo

    official = tmp_path / "official"
    env = {"SAMMANHALLEN_SECRETS": str(tmp_path / "s.toml"), "SAMMANHALLEN_OFFICIAL_DIR": str(official)}

    def cli(*args, stdin="", **extra):
        return run_cli(*args, stdin=stdin, **env, **extra)

    assert cli("add-editor", "karta", "--password-stdin", stdin="ett-langt-kartlosen\n").returncode == 0
    source = tmp_path / "stadsdelar.gpkg"
    gpd.read_file(ROOT / "geo" / "stadsdelar.geojson").to_crs("EPSG:3006").to_file(source, driver="GPKG")

    anonymous = cli("fetch-boundaries", str(source))
    assert anonymous.returncode == 3 and "inloggad som redigerare" in anonymous.stderr
    assert not official.exists() or not any(official.iterdir())

    broken = tmp_path / "ritning.shp"
    gpd.read_file(ROOT / "geo" / "stadsdelar.geojson").to_file(broken)
    (tmp_path / "ritning.prj").write_text('LOCAL_CS["ritning",UNIT["metre",1]]', encoding="utf-8")
    bad_crs = cli("fetch-boundaries", str(broken), "--editor", "karta", SAMMANHALLEN_PASSWORD="ett-langt-kartlosen")
    assert bad_crs.returncode == 2 and "Traceback" not in bad_crs.stderr, bad_crs.stderr
    assert "Koordinatsystemet i gränsfilen ritning.shp" in bad_crs.stderr and "Inget installerades" in bad_crs.stderr

    done = cli("fetch-boundaries", str(source), "--editor", "karta", SAMMANHALLEN_PASSWORD="ett-langt-kartlosen")
    assert done.returncode == 0, done.stderr
    assert "117 av 117" in done.stdout and "installerat av karta" in done.stdout
    assert geo.load_boundaries(ROOT / "geo" / "stadsdelar.geojson", official / "stadsdelar.geojson").imported
    with db.connect(Path(_ENV["SAMMANHALLEN_DB"]), read_only=True) as con:
        audit = db.query(con, "SELECT editor, action, after FROM audit WHERE table_name = 'boundaries'")
    assert audit[["editor", "action"]].values.tolist() == [["karta", "installerade"]]
    assert json.loads(audit["after"].iloc[0])["source"] == "stadsdelar.gpkg"
