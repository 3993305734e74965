"""`python -m lib.cli sensitivity`: Sobol indices per assumption, overall and for one stadsdel, marked and rounded
as every CLI table; bad input is a Swedish message and exit 2 with nothing computed."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from contextlib import redirect_stderr

import pandas as pd
import pytest

from conftest import ROOT
from lib import export_tables
from lib import index as ix

_ENV: dict[str, str] = {}
ZERO = "Sociala risker=0,Hälsa=0,Säkerhet och trygghet=0,Försörjning=0"
COLUMNS = [
    "Antagande",
    "Första ordningens index",
    "Första ordningens index, 95 % konfidensintervall, låg",
    "Första ordningens index, 95 % konfidensintervall, hög",
    "Totalt index",
    "Totalt index, 95 % konfidensintervall, låg",
    "Totalt index, 95 % konfidensintervall, hög",
    "Utfall",
    "Körningar",
    "Frö",
    "Syntetisk/verklig",
    "Källa",
]


@pytest.fixture(scope="module", autouse=True)
def own_database(tmp_path_factory):
    """The CLI runs in other processes while the test process may hold the test database: one of its own."""
    _ENV["SAMMANHALLEN_DB"] = str(tmp_path_factory.mktemp("cli_sensitivity") / "cli.duckdb")


def run_cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "lib.cli", "sensitivity", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, **_ENV},
    )


def test_overall_indices_one_row_per_assumption():
    result = run_cli("--samples", "256", "--seed", "5", "--year", "2020")
    assert result.returncode == 0, result.stderr
    table = pd.read_csv(io.StringIO(result.stdout))
    assert list(table.columns) == COLUMNS
    assert list(table["Antagande"]) == list(ix.ASSUMPTION_NAMES.values())
    assert (table["Körningar"] == 256 * 7).all() and (table["Frö"] == 5).all()
    assert table["Utfall"].str.startswith("medelförflyttning").all()
    low, high = COLUMNS[2], COLUMNS[3]
    assert (table[low] <= table[COLUMNS[1]]).all() and (table[COLUMNS[1]] <= table[high]).all()
    assert set(table["Syntetisk/verklig"]) == {"syntetisk"}  # the stadsdel values are partly modelled
    assert table["Källa"].str.contains("SALib").all()
    numbers = table[COLUMNS[1:7]].to_numpy()
    assert (abs(numbers * 1000 - (numbers * 1000).round()) < 1e-6).all()  # three decimals


def test_one_stadsdel_is_reproducible_with_a_seed():
    first = run_cli("--stadsdel", "rinkeby", "--samples", "256", "--seed", "9", "--format", "json")
    again = run_cli("--stadsdel", "Rinkeby", "--samples", "256", "--seed", "9", "--format", "json")
    assert first.returncode == 0, first.stderr
    assert first.stdout == again.stdout
    rows = json.loads(first.stdout)
    assert [r["Antagande"] for r in rows] == list(ix.ASSUMPTION_NAMES.values())
    assert {r["Utfall"] for r in rows} == {"rangen för Rinkeby"}


def test_deso_level_names_a_deso_by_code():
    result = run_cli("--level", "deso", "--stadsdel", "0180C1010", "--samples", "256")
    assert result.returncode == 0, result.stderr
    table = pd.read_csv(io.StringIO(result.stdout))
    assert len(table) == 5 and table["Utfall"].str.contains("0180C1010").all()


def test_unknown_stadsdel_gets_close_names_and_exit_2():
    result = run_cli("--stadsdel", "Rinkby", "--samples", "256")
    assert result.returncode == 2 and not result.stdout
    assert result.stderr.startswith("Fel: ingen stadsdel heter 'Rinkby'.") and "Menade du: Rinkeby" in result.stderr


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--weights", ZERO), f"Fel: {ix.framework.ALL_AREAS_ZERO}"),
        (("--weights", "Hälsa=x"), "Fel: Vikten för 'Hälsa' är inte ett tal: 'x'."),
        (("--year", "1990"), "Fel: året 1990 finns inte i data för nivån"),
        (("--samples", "tusen"), "Fel: argumentet --samples: inte ett heltal"),
    ],
)
def test_bad_input_is_a_swedish_message_and_exit_2(args, message):
    result = run_cli("--samples", "256", *args)
    assert result.returncode == 2 and not result.stdout
    assert message in result.stderr


@pytest.mark.parametrize(("option", "value"), [("--samples", "1000"), ("--seed", "-1"), ("--seed", "2147483648")])
def test_bad_samples_or_seed_stop_before_any_work(monkeypatch, option, value):
    from lib import db
    from lib.cli import main

    def forbidden(*_args, **_kwargs):
        raise AssertionError("nothing may be read or computed")

    monkeypatch.setattr(db, "ensure_database", forbidden)
    monkeypatch.setattr(ix, "run_sensitivity", forbidden)
    err = io.StringIO()
    with redirect_stderr(err):
        assert main(["sensitivity", option, value]) == 2
    assert err.getvalue().startswith("Fel: ") and ("stickprov" in err.getvalue() or "Fröet" in err.getvalue())


@pytest.mark.parametrize(("synthetic", "mark"), [(True, "syntetisk"), (False, "verklig")])
def test_the_table_is_marked_by_the_values_behind_the_index(synthetic, mark):
    from lib.cli.sensitivity import sensitivity_table

    indices = pd.DataFrame(
        {"name": ["Normalisering"], "S1": [0.12345], "S1_conf": [0.01], "ST": [0.5], "ST_conf": [0.02]}
    )
    table = export_tables.cli_sensitivity(sensitivity_table(indices, "rangen för X", 1792, 1), synthetic)
    assert list(table.columns) == COLUMNS
    assert table.loc[0, "Syntetisk/verklig"] == mark and table.loc[0, "Första ordningens index"] == 0.123
