"""Importing real values: Swedish formats, the malformed-file corpus, atomicity, undo and round-trip."""

from __future__ import annotations

import csv
import os
import subprocess
import sys

import pandas as pd
import pytest

from conftest import ROOT
from lib import auth, db, importer
from lib.config import YEARS

CORPUS = ROOT / "tests" / "import_corpus"
SPAN = (YEARS[0], YEARS[-1])


@pytest.fixture
def fresh(data_copy, tmp_path):
    target = tmp_path / "i.duckdb"
    db.build_database(data_copy, target)
    with db.connect(target) as con:
        yield con


@pytest.mark.parametrize(
    ("text", "number"),
    [
        ("1 234,5", 1234.5),
        ("1\u00a0234,5", 1234.5),
        ("−3,2", -3.2),
        ("12.5", 12.5),
        ("8,1 %", 8.1),
        ("1.234,5", 1234.5),
        (7, 7.0),
        (" 0,05 ", 0.05),
    ],
)
def test_swedish_numbers(text, number):
    assert importer.parse_number(text) == pytest.approx(number)


@pytest.mark.parametrize("text", ["", "tjugo", "1,2,3", "12 st", "nan", "inf"])
def test_not_numbers(text):
    with pytest.raises(ValueError):
        importer.parse_number(text)


def cases() -> list[tuple[str, str, str]]:
    with open(CORPUS / "expected.csv", encoding="utf-8") as f:
        return [(r["file"], r["sheet"], r["message"]) for r in csv.DictReader(f)]


def test_the_corpus_covers_at_least_25_failure_kinds():
    assert len(cases()) >= 25


@pytest.mark.parametrize(("name", "sheet", "message"), cases(), ids=[c[0] for c in cases()])
def test_each_malformed_file_is_rejected_with_its_message(con, name, sheet, message):
    raw = (CORPUS / name).read_bytes()
    try:
        frame = importer.read_table(raw, name, sheet or None)
        parsed = importer.parse_values(frame, db.areas(con), db.indicators(con), SPAN)
        problems = parsed.problems
    except importer.ImportRejected as exc:
        problems = exc.problems
    assert problems, f"{name} should be rejected"
    assert any(message in str(p) for p in problems), [str(p) for p in problems]


def test_an_oversized_file_is_rejected():
    with pytest.raises(importer.ImportRejected, match="för stor"):
        importer.read_table(b"stadsdel;indikator;\n" + b"x" * (importer.MAX_BYTES + 1), "stor.csv")


def test_wide_xlsx_and_names_in_any_case_are_accepted(con):
    import io

    import openpyxl

    book = openpyxl.Workbook()
    book.active.append(["Stadsdel", "År", "Källa", "ohälsotal", "TRÅNGBODDHET"])
    book.active.append(["HÄSSELBY GÅRD", 2017, "SCB 2018", "23,5", 31])
    buffer = io.BytesIO()
    book.save(buffer)
    parsed = importer.parse_values(
        importer.read_table(buffer.getvalue(), "bred.xlsx"), db.areas(con), db.indicators(con), SPAN
    )
    assert parsed.ok and parsed.layout == "bred"
    assert set(parsed.values["indicator_code"]) == {"ohalsotal", "trangboddhet"}
    assert set(parsed.values["area_code"]) == {"hasselby-gard"}


def rows(con, text: str) -> pd.DataFrame:
    parsed = importer.parse_values(
        importer.read_table(text.encode("cp1252"), "f.csv"), db.areas(con), db.indicators(con), SPAN
    )
    assert parsed.ok, [str(p) for p in parsed.problems]
    return parsed.values


def test_import_makes_values_real_and_can_be_undone(fresh):
    before = db.values_long(fresh)
    real_before = db.data_status(fresh)["real_values"]
    values = rows(fresh, "stadsdel;indikator;år;värde;källa\nRinkeby;Ekonomiskt bistånd;2016;8,4;Socialförvaltningen\n")
    change = importer.preview(values, before)
    assert (change["new"], change["changed"]) == (0, 1)
    import_id = db.import_values(fresh, "anna", values, "f.csv")
    after = db.values_long(fresh).set_index(["area_code", "indicator_code", "year"])
    assert after.loc[("rinkeby", "ekonomiskt_bistand", 2016), "value"] == 8.4
    assert not after.loc[("rinkeby", "ekonomiskt_bistand", 2016), "synthetic"]
    assert db.data_status(fresh)["real_values"] == real_before + 1
    db.undo_import(fresh, "anna", import_id)
    pd.testing.assert_frame_equal(
        db.values_long(fresh).sort_values(["area_code", "indicator_code", "year"]).reset_index(drop=True),
        before.sort_values(["area_code", "indicator_code", "year"]).reset_index(drop=True),
    )
    assert db.imports(fresh)["undone_by"].iloc[0] == "anna"


def test_anonymous_import_is_refused_and_changes_nothing(fresh):
    before = db.values_long(fresh)
    values = rows(fresh, "stadsdel;indikator;år;värde;källa\nHusby;Ohälsotal;2016;20;SCB\n")
    with pytest.raises(auth.NotAuthorised):
        db.import_values(fresh, None, values, "f.csv")
    pd.testing.assert_frame_equal(db.values_long(fresh), before)


def test_imported_values_survive_a_rebuild(data_copy, tmp_path):
    target = tmp_path / "r.duckdb"
    db.build_database(data_copy, target)
    with db.connect(target) as con:
        db.import_values(
            con, "anna", rows(con, "stadsdel;indikator;år;värde;källa\nHusby;Ohälsotal;2016;21,5;FK\n"), "f.csv"
        )
    (data_copy / "district.csv").write_text(
        (data_copy / "district.csv").read_text(encoding="utf-8") + "\n", encoding="utf-8"
    )
    assert db.ensure_database(data_copy, target)
    with db.connect(target) as con:
        v = db.values_long(con).set_index(["area_code", "indicator_code", "year"])
        assert v.loc[("husby", "ohalsotal", 2016), "value"] == 21.5
        assert not v.loc[("husby", "ohalsotal", 2016), "synthetic"]


def test_export_then_import_gives_identical_values(fresh):
    current = db.values_long(fresh)
    sub = current[current["indicator_code"].isin(["ohalsotal", "trangboddhet"]) & (current["year"] == 2017)]
    names = db.areas(fresh).set_index("code")["name"]
    inds = db.indicators(fresh).set_index("code")["name"]
    export = pd.DataFrame(
        {
            "stadsdel": sub["area_code"].map(names),
            "indikator": sub["indicator_code"].map(inds),
            "år": sub["year"],
            "värde": sub["value"],
            "källa": "export",
        }
    )
    text = export.to_csv(index=False, sep=";", decimal=",")
    parsed = importer.parse_values(
        importer.read_table(("\ufeff" + text).encode("utf-8"), "export.csv"),
        db.areas(fresh),
        db.indicators(fresh),
        SPAN,
    )
    assert parsed.ok
    merged = parsed.values.merge(sub, on=["area_code", "indicator_code", "year"], suffixes=("", "_orig"))
    assert len(merged) == len(sub)
    assert (merged["value"] == merged["value_orig"]).all()


def test_a_killed_import_leaves_the_database_as_before(data_copy, tmp_path):
    target = tmp_path / "k.duckdb"
    db.build_database(data_copy, target)
    with db.connect(target, read_only=True) as con:
        before = db.values_long(con)
    secrets = tmp_path / "secrets.toml"
    secrets.write_text(auth.toml_dumps({"editors": {"anna": auth.hash_password("ett-langt-losen")}}), encoding="utf-8")
    csv_file = tmp_path / "real.csv"
    csv_file.write_text("stadsdel;indikator;år;värde;källa\nHusby;Ohälsotal;2016;21,5;FK\n", encoding="utf-8")
    env = {
        **os.environ,
        "SAMMANHALLEN_DB": str(target),
        "SAMMANHALLEN_SECRETS": str(secrets),
        "SAMMANHALLEN_PASSWORD": "ett-langt-losen",
        "SAMMANHALLEN_IMPORT_PAUSE": "60",
    }
    proc = subprocess.Popen(
        [sys.executable, "-m", "lib.cli", "import-values", str(csv_file), "--editor", "anna"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        for line in proc.stdout:
            if "IMPORT_PAUSED" in line:
                break
        proc.kill()
        proc.wait(10)
    finally:
        proc.kill()
    with db.connect(target, read_only=True) as con:
        pd.testing.assert_frame_equal(db.values_long(con), before)
        assert db.imports(con).empty


def test_cli_import_exit_codes(tmp_path, data_copy):
    target = tmp_path / "c.duckdb"
    env = {**os.environ, "SAMMANHALLEN_DB": str(target)}

    def cli(*args):
        return subprocess.run(
            [sys.executable, "-m", "lib.cli", "import-values", *args],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
            stdin=subprocess.DEVNULL,
        )

    bad = cli(str(CORPUS / "unknown_area.csv"))
    assert bad.returncode == 2 and "Okänd stadsdel ”Atlantis”" in bad.stderr and "inget skrevs" in bad.stderr
    good = tmp_path / "good.csv"
    good.write_text("stadsdel;indikator;år;värde;källa\nHusby;Ohälsotal;2016;21,5;FK\n", encoding="utf-8")
    dry = cli(str(good), "--dry-run")
    assert dry.returncode == 0 and "1 ändrade" in dry.stdout
    refused = cli(str(good))
    assert refused.returncode == 3 and "inloggad som redigerare" in refused.stderr
