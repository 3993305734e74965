"""The command line as a newcomer and CI use it."""

from __future__ import annotations

import json
import subprocess
import sys

from conftest import ROOT


def run_cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "lib.cli", *args], cwd=ROOT, capture_output=True, text=True, timeout=120
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
    assert info["years"] == list(range(2012, 2021))
    assert info["geometry"] == "schematic"


def test_build_db_is_idempotent():
    first = run_cli("build-db")
    second = run_cli("build-db")
    assert first.returncode == second.returncode == 0
    assert "redan aktuell" in second.stdout


def test_bad_arguments_exit_2():
    assert run_cli("no-such-command").returncode == 2


def test_missing_boundary_file_is_a_swedish_error():
    result = run_cli("fetch-boundaries", "/nonexistent/file.gpkg")
    assert result.returncode == 1
    assert "finns inte" in result.stderr
