"""The pages' writes go through `ui.writes`: the signed-in editor is the one who writes, and the caches are
dropped after a write (and not after a refused one)."""

from __future__ import annotations

import pandas as pd
import pytest

from lib import auth, db, importer
from lib.config import YEARS
from ui import writes


@pytest.fixture
def fresh(data_copy, tmp_path):
    target = tmp_path / "w.duckdb"
    db.build_database(data_copy, target)
    with db.connect(target) as con:
        yield con


@pytest.fixture
def app(fresh, monkeypatch):
    """`ui.writes` against a fresh database, with the editor and the cache drops under the test's control."""
    state = {"editor": "anna", "cleared": 0}
    monkeypatch.setattr(writes.readers, "connection", lambda: fresh)
    monkeypatch.setattr(writes.sign_in, "current_editor", lambda: state["editor"])

    def cleared() -> None:
        state["cleared"] += 1

    monkeypatch.setattr(writes.results, "data_changed", cleared)
    return state


def values(con) -> pd.DataFrame:
    text = "stadsdel;indikator;år;värde;källa\nRinkeby;Ekonomiskt bistånd;2016;8,4;Socialförvaltningen\n"
    parsed = importer.parse_values(
        importer.read_table(text.encode("cp1252"), "f.csv"), db.areas(con), db.indicators(con), (YEARS[0], YEARS[-1])
    )
    assert parsed.ok
    return parsed.values


def test_import_and_undo_write_as_the_signed_in_editor_and_drop_the_caches(fresh, app):
    before = db.values_long(fresh)
    import_id = writes.import_values(values(fresh), "f.csv")
    after = db.values_long(fresh).set_index(["area_code", "indicator_code", "year"])
    assert after.loc[("rinkeby", "ekonomiskt_bistand", 2016), "value"] == 8.4
    assert db.imports(fresh)["editor"].iloc[0] == "anna"
    assert app["cleared"] == 1
    writes.undo_import(import_id)
    assert app["cleared"] == 2
    assert db.imports(fresh)["undone_by"].iloc[0] == "anna"
    pd.testing.assert_frame_equal(
        db.values_long(fresh).sort_values(["area_code", "indicator_code", "year"]).reset_index(drop=True),
        before.sort_values(["area_code", "indicator_code", "year"]).reset_index(drop=True),
    )


def test_a_visitor_cannot_import_and_nothing_is_cleared(fresh, app):
    app["editor"] = None
    before = db.values_long(fresh)
    with pytest.raises(auth.NotAuthorised):
        writes.import_values(values(fresh), "f.csv")
    pd.testing.assert_frame_equal(db.values_long(fresh), before)
    assert app["cleared"] == 0
