"""`python -m lib.cli allocate`: the Fördelning page's numbers in whole kronor from the command line."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys

import numpy as np
import pandas as pd
import pytest
from test_pages import open_page

from conftest import ROOT
from lib import allocation as al

_ENV: dict[str, str] = {}


@pytest.fixture(scope="module", autouse=True)
def own_database(tmp_path_factory):
    """The CLI runs in another process while this one may hold the test database open: a database of its own,
    built from the same data/, so the numbers are the same."""
    _ENV["SAMMANHALLEN_DB"] = str(tmp_path_factory.mktemp("cli_allocate") / "cli.duckdb")
    yield


def allocate(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "lib.cli", "allocate", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=180,
        env={**os.environ, **_ENV},
    )


def test_csv_in_whole_kronor_that_sums_exactly_to_the_total():
    result = allocate("--total", "150,5", "--format", "csv")
    assert result.returncode == 0, result.stderr
    table = pd.read_csv(io.StringIO(result.stdout))
    assert table.columns.tolist()[:5] == ["Enhet", "Stadsdelar", "Invånare", "Risk (1 = staden)", "Efter behov (kr)"]
    for column in ("Efter behov (kr)", "Lika delar (kr)", "Efter folkmängd (kr)"):
        assert table[column].dtype.kind == "i" and table[column].sum() == 150_500_000
    assert table["Enhet"].str.endswith("stadsdelsnämnd").all() and table["Stadsdelar"].sum() == 22


def test_json_per_stadsdel_with_weights_floor_and_exponent():
    result = allocate(
        "--per", "stadsdel", "--weights", "Hälsa=2,Försörjning=1", "--floor", "1,5", "--exponent", "2", "--format",
        "json",
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    rows = json.loads(result.stdout)
    assert len(rows) == 22 and sum(r["Efter behov (kr)"] for r in rows) == 150_000_000
    assert min(r["Efter behov (kr)"] for r in rows) >= 1_500_000
    assert all(isinstance(r["Efter behov (kr)"], int) for r in rows)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--total", "1,5,5"), "--total: ”1,5,5” är inte ett tal"),
        (("--total", "0"), "ligger utanför det tillåtna 1–10"),
        (("--floor", "40"), "Sänk golvet"),
        (("--weights", "lycka=3"), "Okänt område"),
        (("--year", "1990"), "finns inte i data"),
        (("--per", "kommun"), "ogiltigt val"),
        (("--exponent", "nan"), "--exponent"),
    ],
)
def test_bad_input_is_a_swedish_message_and_exit_2(args, message):
    result = allocate(*args)
    assert result.returncode == 2 and message in result.stderr and not result.stdout


def test_the_same_numbers_as_the_page():
    """The page at the same settings shows the CLI's kronor as mnkr (largest remainder on the kronor)."""
    at = open_page(
        "pages/allocation.py", enhet="Stadsdelar", exponent="2,0", golv="1,5", summa="150,5", ar="2020", vikt_halsa="10"
    )
    assert not at.exception, [e.value for e in at.exception]
    page = at.dataframe[0].value.set_index("Enhet")
    result = allocate(
        "--per", "stadsdel", "--exponent", "2", "--floor", "1,5", "--total", "150,5", "--year", "2020", "--weights",
        "hälsa=2",
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    cli = pd.read_csv(io.StringIO(result.stdout)).set_index("Enhet")
    assert sorted(cli.index) == sorted(page.index)
    shown = pd.Series(al.in_mnkr(cli["Efter behov (kr)"].to_numpy(), 2), index=cli.index)
    np.testing.assert_array_equal(shown.loc[page.index].to_numpy(), page["Efter behov (mnkr)"].to_numpy())
    np.testing.assert_array_equal(cli.loc[page.index, "Kr per invånare"].to_numpy(), page["Kr per invånare"])
    assert page["Efter behov (mnkr)"].sum() == pytest.approx(150.5)
