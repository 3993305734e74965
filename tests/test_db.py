"""The database build: tables, counts, staleness, atomicity and parameterised queries."""

from __future__ import annotations

import duckdb
import pytest

from lib import db


def test_tables_and_counts(con):
    info = db.info(con, "official")
    assert info["areas"] == 117
    assert info["programme_areas"] == 22
    assert info["districts"] == 14
    assert info["indicators"] >= 14
    assert {"sociala_risker", "halsa", "sakerhet_trygghet", "forsorjning"} <= set(info["indicators_by_domain"])
    assert info["years"] == list(range(2012, 2026))
    assert info["values"] == info["synthetic_values"] + info["real_values"]
    assert info["reference_figures"] == 302


def test_programme_areas_are_the_preliminary_22(con):
    prog = db.query(con, "SELECT name, district, programme_status FROM area WHERE in_programme ORDER BY name")
    assert set(prog["programme_status"]) == {"preliminär"}
    assert {"Rinkeby", "Tensta", "Husby", "Skärholmen", "Fagersjö", "Östberga"} <= set(prog["name"])
    assert set(prog["district"]) == {
        "Rinkeby-Kista",
        "Spånga-Tensta",
        "Hässelby-Vällingby",
        "Skärholmen",
        "Enskede-Årsta-Vantör",
        "Farsta",
    }


def test_every_area_has_a_district_of_the_2007_division(con, areas):
    rows = db.areas(con)
    assert len(rows) == 117
    counts = rows.groupby("district").size().to_dict()
    assert counts["Bromma"] == 24
    assert counts["Rinkeby-Kista"] == 5


def test_indicator_values_returns_all_areas_with_population(con):
    df = db.indicator_values(con, "ohalsotal", 2016)
    assert len(df) == 117
    assert df["population"].notna().all()
    small = db.query(
        con,
        "SELECT count(*) AS n FROM model_value WHERE indicator_code = 'befolkning' AND year = 2014 AND value < 1000",
    )
    assert df["value"].notna().sum() == 117 - int(small["n"].iloc[0])  # under 1 000 inhabitants: no value


def test_sql_is_parameterised(con):
    df = db.indicator_values(con, "x' OR '1'='1", 2016)
    assert df["value"].isna().all()
    assert db.indicator_years(con, "'; DROP TABLE value; --") == []
    assert db.query(con, "SELECT count(*) AS n FROM value").iloc[0]["n"] > 0


def test_reference_figures_are_tied_to_indicators(con):
    refs = db.reference_figures(con, "ekonomiskt_bistand")
    assert len(refs) >= 45
    assert refs["source_url"].str.startswith("http").all()
    city = refs[refs["area_level"] == "kommun"]
    assert not city["comparable"].any(), "the city figure counts people without a stadsdel"


def test_rebuilds_when_a_source_file_changes(data_copy, tmp_path):
    target = tmp_path / "x.duckdb"
    assert db.ensure_database(data_copy, target) is True
    assert db.ensure_database(data_copy, target) is False
    path = data_copy / "district.csv"
    path.write_text(path.read_text(encoding="utf-8").replace("Farsta stadsdelsnämnd", "Farsta SDN"), encoding="utf-8")
    assert db.ensure_database(data_copy, target) is True
    with duckdb.connect(str(target), read_only=True) as c:
        assert c.execute("SELECT committee FROM district WHERE name = ?", ["Farsta"]).fetchone()[0] == "Farsta SDN"


def test_a_broken_source_leaves_the_old_database_intact(data_copy, tmp_path):
    target = tmp_path / "x.duckdb"
    db.build_database(data_copy, target)
    before = target.read_bytes()
    values = data_copy / "value.csv"
    values.write_text(
        values.read_text(encoding="utf-8") + "okand-stadsdel,ohalsotal,2015,1.0,x,True\n", encoding="utf-8"
    )
    with pytest.raises(db.DataError, match="okända koder"):
        db.ensure_database(data_copy, target)
    assert target.read_bytes() == before
    assert not list(tmp_path.glob("x.duckdb.tmp*"))


def test_unknown_programme_area_is_rejected(data_copy, tmp_path):
    sel = data_copy / "programme_selection.csv"
    sel.write_text(sel.read_text(encoding="utf-8") + "Atlantis,Farsta,låg,test\n", encoding="utf-8")
    with pytest.raises(db.DataError, match="Atlantis"):
        db.build_database(data_copy, tmp_path / "y.duckdb")


def test_missing_source_file_names_the_file(data_copy, tmp_path):
    (data_copy / "indicator.csv").unlink()
    with pytest.raises(db.DataError, match="indicator.csv"):
        db.build_database(data_copy, tmp_path / "z.duckdb")


def test_data_status_counts_missing_cells(con):
    status = db.data_status(con)
    assert status["missing_values"] == status["expected_values"] - status["values"]
    assert status["missing_values"] > 0


def test_value_status_by_indicator_counts_synthetic_values(con):
    status = db.value_status_by_indicator(con).set_index("code")
    modelled = status.loc["ekonomiskt_bistand", "synthetic"] // 14  # stadsdelar with 1 000 inhabitants or more
    assert status.loc["ekonomiskt_bistand", "synthetic"] == modelled * 14  # 2012–2025
    assert status.loc["valdeltagande", "synthetic"] == modelled * 3  # 2014, 2018, 2022
    assert 100 <= modelled <= 106
    assert status.loc["ekonomiskt_bistand", "real"] == 0
    assert status.loc["lag_ekonomisk_standard", "synthetic"] == 0
    assert status.loc["lag_ekonomisk_standard", "real"] == 111  # the stadsdelar that contain a DeSO


def test_scenarios_are_saved_replaced_and_survive_a_rebuild(data_copy, tmp_path):
    target = tmp_path / "s.duckdb"
    db.build_database(data_copy, target)
    with db.connect(target) as c:
        db.save_scenario(c, "  Jobb   först ", '{"a": 1}', "anna")
        db.save_scenario(c, "Jobb först", '{"a": 2}', "anna")
        assert db.scenarios(c)[["name", "params"]].values.tolist() == [["Jobb först", '{"a": 2}']]
    path = data_copy / "district.csv"
    path.write_text(path.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    assert db.ensure_database(data_copy, target)
    with db.connect(target) as c:
        assert db.scenarios(c)["name"].tolist() == ["Jobb först"]
        with pytest.raises(PermissionError):
            db.delete_scenario(c, "Jobb först", None)
        assert db.delete_scenario(c, "Jobb först", "anna") and not db.delete_scenario(c, "Jobb först", "anna")
        assert db.scenarios(c).empty
        gone = db.audit_log(c).iloc[0]
        assert (gone["action"], gone["editor"], gone["record_id"]) == ("borttagen", "anna", "Jobb först")
        assert '{\\"a\\": 2}' in gone["before"]  # what it held, so it can be typed in again


@pytest.mark.parametrize(("name", "message"), [("   ", "namn"), ("x" * 61, "högst 60")])
def test_bad_scenario_names_are_refused(con, name, message):
    with pytest.raises(db.DataError, match=message):
        db.save_scenario(con, name, "{}", "anna")


def test_a_locked_database_gives_a_swedish_message(tmp_path, data_copy):
    import subprocess
    import sys
    import textwrap

    target = tmp_path / "l.duckdb"
    db.build_database(data_copy, target)
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            textwrap.dedent(f"""
            import duckdb, sys, time
            c = duckdb.connect({str(target)!r}); print('ok', flush=True); time.sleep(30)
        """),
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout.readline().strip() == "ok"
        with pytest.raises(db.DataError, match="används av en annan process"):
            db.connect(target)
    finally:
        holder.kill()
