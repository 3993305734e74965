"""Weights at the edges: the coverage rule in every robustness draw, and weights that leave nothing to rank (the
one check `ix.check_weights`, and how the CLI and the pages answer it)."""

from __future__ import annotations

import os
import subprocess
import sys

import numpy as np
import pytest

from conftest import ROOT
from lib import index as ix

AREAS = ("sociala_risker", "halsa", "sakerhet_trygghet", "forsorjning")
# Three indicators in sociala risker (s1 weighs most), one in each other area.
FW = ix.Framework(
    ("s1", "s2", "s3", "h1", "t1", "f1"),
    ("sociala_risker",) * 3 + AREAS[1:],
    (True, True, True, True, True, False),
    AREAS,
    (4.0, 1.0, 1.0, 1.0, 1.0, 1.0),
)
RNG = np.random.default_rng(16)
X = RNG.uniform(10, 100, (8, 6))
X[0, 0] = np.nan  # unit "u0" lacks s1: 2 of 3 sociala-risker indicators, just above the 65 % rule
X[1, 4] = np.nan  # "u1" lacks t1, the only indicator of its area
DATA = ix.IndexData(tuple(f"u{i}" for i in range(8)), X, RNG.uniform(100, 1000, 8))


def expected_shift(params: ix.IndexParams, left_out: str) -> np.ndarray:
    """Rank shift when `left_out` weighs 0, computed as the index itself computes it (no batching)."""
    nominal = ix.compute_index(DATA, FW, params).scores["rank"].to_numpy()
    weights = dict(zip(FW.indicators, FW.indicator_weights, strict=True)) | {left_out: 0.0}
    return ix.compute_index(DATA, FW, params.with_weights(indicator=weights)).scores["rank"].to_numpy() - nominal


@pytest.mark.parametrize("aggregation", ix.AGGREGATIONS)
def test_leave_one_out_applies_the_coverage_rule_to_each_left_out_indicator(aggregation):
    params = ix.IndexParams(aggregation=aggregation)
    loo = ix.leave_one_out(DATA, FW, params)
    # Without s2, u0 has 1 of the 2 counted indicators (s1, s3) – below 65 %: it is not ranked, not "unaffected".
    assert np.isnan(loo.loc["u0", "s2"]) and np.isnan(loo.loc["u0", "s3"])
    assert np.isfinite(loo.loc["u0", "s1"])  # without s1 it has both remaining ones
    # Without t1 its area weighs nothing (as for the nominal index), so u1, lacking only t1, is ranked again.
    v, w = ix.weight_vectors(FW, params)
    left_out = np.where(np.eye(6, dtype=bool), 0.0, v)
    _, eligible = ix._composites_for(DATA, FW, params, left_out, np.tile(w, (6, 1)))
    assert eligible[4, 1] and not eligible[1, 0] and not eligible[3, 1]
    for code in FW.indicators:
        np.testing.assert_array_equal(loo[code].to_numpy(), expected_shift(params, code), err_msg=code)


@pytest.mark.parametrize("aggregation", ix.AGGREGATIONS)
@pytest.mark.parametrize("chunk", [1, 7, 200])
def test_every_draw_is_the_index_with_that_draws_weights(aggregation, chunk):
    """Draws in which indicators are in or out (weight 0) and area weights vary: each draw's composite and who is
    ranked equal `compute_index` with those weights, whatever the chunk size."""
    params = ix.IndexParams(method="minmax", aggregation=aggregation)
    rng = np.random.default_rng(5)
    v = rng.uniform(0.5, 4, (40, 6)) * (rng.random((40, 6)) > 0.35)
    v[:, 0] = np.where(np.arange(40) % 2 == 0, 8.0, v[:, 0])  # s1 heavily weighted in every other draw
    w = rng.uniform(0.1, 1, (40, 4))
    comp, elig = ix._composites_for(DATA, FW, params, v, w, chunk=chunk)
    checked = 0
    for b in range(len(v)):
        p = params.with_weights(dict(zip(AREAS, w[b], strict=True)), dict(zip(FW.indicators, v[b], strict=True)))
        if ix.check_weights(FW, p) is not None:
            assert not elig[b].any()
            continue
        scores = ix.compute_index(DATA, FW, p).scores
        ranked = scores["rank"].notna().to_numpy()
        np.testing.assert_array_equal(elig[b], ranked, err_msg=f"draw {b}")
        np.testing.assert_allclose(comp[b, ranked], scores["composite"].to_numpy()[ranked], rtol=1e-9)
        checked += 1
    assert checked > 20
    assert not elig[:, 0].all() and elig[:, 0].any()  # u0 loses its coverage in some draws, not in all


def test_monte_carlo_keeps_its_numbers_when_no_weight_reaches_zero():
    mc = ix.monte_carlo(DATA, FW, ix.IndexParams(), draws=50, seed=3)
    nominal = ix.compute_index(DATA, FW, ix.IndexParams()).scores["rank"]
    assert mc["rank_median"].notna().tolist() == nominal.notna().tolist()


# --- weights that leave nothing to rank ---------------------------------------------------------------------------


def test_check_weights_names_what_is_wrong_in_swedish():
    ok = ix.IndexParams()
    assert ix.check_weights(FW, ok) is None
    no_areas = ok.with_weights(dict.fromkeys(AREAS, 0.0))
    assert ix.check_weights(FW, no_areas) == ix.framework.ALL_AREAS_ZERO
    no_indicators = ok.with_weights(indicator=dict.fromkeys(FW.indicators, 0.0))
    assert ix.check_weights(FW, no_indicators) == ix.framework.NO_INDICATOR_WEIGHT
    # Only hälsa weighs, and its one indicator weighs 0: nothing left, though other indicators weigh.
    only_health = ok.with_weights({"halsa": 1.0} | dict.fromkeys(AREAS[::2] + AREAS[3:], 0.0), {"h1": 0.0})
    assert ix.check_weights(FW, only_health) == ix.framework.NO_INDICATOR_WEIGHT
    # One area's indicators all at 0 is fine: that area drops out.
    assert ix.check_weights(FW, ok.with_weights(indicator={"s1": 0.0, "s2": 0.0, "s3": 0.0})) is None
    # A restricted framework: the weighted area has no indicator with values.
    assert ix.check_weights(FW.restrict({"s1", "s2", "s3"}), ok.with_weights({"sociala_risker": 0.0})) is not None
    for bad in (no_areas, no_indicators, only_health):
        with pytest.raises(ix.WeightsError, match="större än noll") as caught:
            ix.compute_index(DATA, FW, bad)
        assert isinstance(caught.value, ValueError) and str(caught.value) == ix.check_weights(FW, bad)


# --- the command line ---------------------------------------------------------------------------------------------

_ENV: dict[str, str] = {}
ZERO = "Sociala risker=0,Hälsa=0,Säkerhet och trygghet=0,Försörjning=0"


@pytest.fixture(scope="module")
def cli_db(tmp_path_factory):
    """The CLI runs in other processes while the test process may hold the test database: one of its own."""
    _ENV["SAMMANHALLEN_DB"] = str(tmp_path_factory.mktemp("cli_weights") / "cli.duckdb")
    return _ENV


def run_cli(env: dict[str, str], *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "lib.cli", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=180,
        env={**os.environ, **env},
    )


@pytest.mark.parametrize("command", ["index", "allocate", "brief"])
def test_cli_refuses_all_zero_weights_with_exit_2(cli_db, tmp_path, command):
    out = tmp_path / "brief.pdf"
    extra = ("--out", str(out)) if command == "brief" else ()
    result = run_cli(cli_db, command, "--weights", ZERO, *extra)
    assert result.returncode == 2, result.stderr
    assert result.stderr.strip() == f"Fel: {ix.framework.ALL_AREAS_ZERO}"
    assert not result.stdout and not out.exists()


# --- the pages ----------------------------------------------------------------------------------------------------


def test_allocation_page_with_all_area_weights_zero_says_so_and_computes_nothing():
    from test_pages import open_page

    at = open_page("pages/allocation.py", **{f"vikt_{a}": "0" for a in AREAS})
    assert not at.exception, [e.value for e in at.exception]
    assert [w.value for w in at.warning] == [
        f"{ix.framework.ALL_AREAS_ZERO} Inget fördelas med de här vikterna – ändra dem på sidan Index och vikter."
    ]
    assert not at.metric and not at.dataframe


def test_index_page_with_every_indicator_weight_zero_says_so(con):
    from test_pages import open_page

    from lib import db

    codes = db.indicators(con).query("domain != 'kontext'")["code"]
    at = open_page("pages/index_weights.py", **{f"ind_{c}": "0" for c in codes})
    assert not at.exception, [e.value for e in at.exception]
    assert any(w.value.startswith(ix.framework.NO_INDICATOR_WEIGHT) for w in at.warning)
    assert not at.dataframe


@pytest.mark.parametrize("path", ["pages/map.py", "pages/profile.py", "pages/compare.py", "pages/present.py"])
def test_other_pages_say_so_and_use_the_standard_weights(con, path):
    from test_pages import open_page

    from lib import db

    codes = db.indicators(con).query("domain != 'kontext'")["code"]
    at = open_page(path, **{f"ind_{c}": "0" for c in codes})
    assert not at.exception, [e.value for e in at.exception]
    assert any(i.value.startswith(ix.framework.NO_INDICATOR_WEIGHT) for i in at.info)
