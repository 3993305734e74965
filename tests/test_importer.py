"""Importing real values: Swedish formats, the malformed-file corpus, hostile files refused before they cost
anything, values checked against their indicator, atomicity, undo and round-trip."""

from __future__ import annotations

import csv
import os
import subprocess
import sys
from pathlib import Path

import make_import_corpus as hostile
import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from conftest import BACKENDS, EDITOR, EDITOR_PASSWORD, ROOT, open_backend
from lib import auth, cli, db, importer
from lib.config import YEARS, Paths

CORPUS = ROOT / "tests" / "import_corpus"
SPAN = (YEARS[0], YEARS[-1])
HEAD = hostile.HEAD


@pytest.fixture(params=BACKENDS)
def fresh(request, data_copy, tmp_path, monkeypatch):
    """A fresh database; with PostgreSQL the import is kept there and laid over the process's DuckDB copy."""
    target = tmp_path / "i.duckdb"
    db.build_database(data_copy, target)
    yield from open_backend(request, target, monkeypatch)


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


@pytest.mark.parametrize("text", ["1" + "0" * 400, "1e400", "-1,5E+999", float("inf")])
def test_numbers_too_large_for_a_float_are_refused_not_stored_as_infinity(text):
    with pytest.raises(importer.NotFinite):
        importer.parse_number(text)


@pytest.mark.parametrize(("text", "year"), [("2017", 2017), (" 2017 ", 2017), (2017, 2017), ("2017.0", 2017)])
def test_whole_years(text, year):
    assert importer.parse_year(text) == year


@pytest.mark.parametrize("text", ["2017,9", "2017.5", "2017%", "20 17", "2017 x", "2017e0", 2017.5, "", "i fjol"])
def test_years_that_are_not_whole_are_refused_not_truncated(text):
    with pytest.raises(ValueError):
        importer.parse_year(text)


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

    folder = cli(str(tmp_path))
    assert folder.returncode == 2 and "är en mapp, inte en fil" in folder.stderr and "Traceback" not in folder.stderr
    bad = cli(str(CORPUS / "unknown_area.csv"))
    assert bad.returncode == 2 and "Okänd stadsdel ”Atlantis”" in bad.stderr and "inget skrevs" in bad.stderr
    good = tmp_path / "good.csv"
    good.write_text("stadsdel;indikator;år;värde;källa\nHusby;Ohälsotal;2016;21,5;FK\n", encoding="utf-8")
    dry = cli(str(good), "--dry-run")
    assert dry.returncode == 0 and "1 ändrade" in dry.stdout
    refused = cli(str(good))
    assert refused.returncode == 3 and "inloggad som redigerare" in refused.stderr


# --- Values checked against the indicator ------------------------------------------------------------------------


def test_every_indicator_has_finite_bounds(con):
    """Without an upper bound 1e308 would pass as a population; every indicator needs a plausible maximum."""
    inds = db.indicators(con).set_index("code")
    assert inds["value_min"].notna().all() and inds["value_max"].notna().all()
    assert inds.loc["befolkning", "value_max"] <= 2_000_000  # more than the whole city in one stadsdel is absurd


def test_1e400_and_1e308_population_are_refused_and_nothing_is_imported(con):
    text = HEAD + "Husby;Ohälsotal;2016;1" + "0" * 400 + ";SCB\nHusby;Folkmängd;2016;1e308;SCB\n"
    parsed = importer.parse_values(importer.read_table(text.encode(), "f.csv"), db.areas(con), db.indicators(con), SPAN)
    messages = [str(p) for p in parsed.problems]
    assert messages[0].startswith("rad 2, kolumn värde: Värdet ”1000") and "för stort" in messages[0]
    assert "ändligt tal" in messages[0] and len(messages[0]) < 200  # the 401 digits are not repeated in full
    assert messages[1].startswith("rad 3, kolumn värde: Värdet 1e+308 ligger utanför det möjliga för invånare")
    assert parsed.values.empty and not parsed.ok


def test_fractional_and_percent_years_are_refused(con):
    text = HEAD + "".join(f"Husby;Ohälsotal;{y};20;SCB\n" for y in ("2017,9", "2017.5", "2017%", "2017 "))
    parsed = importer.parse_values(importer.read_table(text.encode(), "f.csv"), db.areas(con), db.indicators(con), SPAN)
    assert [str(p) for p in parsed.problems] == [
        "rad 2, kolumn år: Året ”2017,9” är inte ett helt årtal.",
        "rad 3, kolumn år: Året ”2017.5” är inte ett helt årtal.",
        "rad 4, kolumn år: Året ”2017%” är inte ett helt årtal.",
    ]  # "2017 " with a trailing space is a whole year


def test_a_column_next_to_the_long_layout_is_a_problem_not_ignored(con):
    text = "stadsdel;indikator;år;värde;källa;Ohälsotal;kommentar\nHusby;Trångboddhet;2016;12;SCB;25;prel.\n"
    parsed = importer.parse_values(importer.read_table(text.encode(), "f.csv"), db.areas(con), db.indicators(con), SPAN)
    assert not parsed.ok
    assert [(p.row, p.column) for p in parsed.problems] == [(1, "Ohälsotal"), (1, "kommentar")]
    assert "är en indikator, men filen har lång layout" in parsed.problems[0].message


@pytest.mark.parametrize(
    "raw",
    [
        ("\ufeff" + HEAD + "Husby;Ohälsotal;2016;21,5;FK\n").encode("utf-16-le"),
        ("\ufeff" + HEAD + "Husby;Ohälsotal;2016;21,5;FK\n").encode("utf-16-be"),
        (HEAD + "Husby;Ohälsotal;2016;21,5;FK\n").encode("utf-16-le"),
        ("\ufeff" + HEAD.replace(";", "\t") + "Husby\tOhälsotal\t2016\t21,5\tFK\n").encode("utf-16-le"),
    ],
    ids=["le-bom", "be-bom", "le-no-bom", "excel-unicode-text"],
)
def test_utf16_files_are_read(con, raw):
    parsed = importer.parse_values(importer.read_table(raw, "f.txt"), db.areas(con), db.indicators(con), SPAN)
    assert parsed.ok, [str(p) for p in parsed.problems]
    assert parsed.values.iloc[0][["area_code", "indicator_code", "year", "value"]].tolist() == [
        "husby",
        "ohalsotal",
        2016,
        21.5,
    ]


def test_a_broken_utf16_file_is_refused_with_a_message_that_says_utf16():
    raw = ("\ufeff" + HEAD + "Husby;Ohälsotal;2016;21,5;FK\n").encode("utf-16-le") + b"\x00"
    with pytest.raises(importer.ImportRejected, match="UTF-16"):
        importer.read_table(raw, "f.csv")


def test_xlsx_with_shared_strings_rich_text_and_exponents_is_read(con):
    strings = (
        f'<sst xmlns="{hostile.MAIN}"><si><t>stadsdel</t></si><si><t>år</t></si><si><t>källa</t></si>'
        "<si><t>Ohälsotal</t></si><si><r><t>Hässelby </t></r><r><t>gård</t></r><rPh><t>x</t></rPh></si>"
        "<si><t>SCB</t></si></sst>"
    ).encode()
    sheet = (
        f'<worksheet xmlns="{hostile.MAIN}"><dimension ref="A1:D2"/><sheetData>'
        '<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c><c r="C1" t="s"><v>2</v></c>'
        '<c r="D1" t="s"><v>3</v></c></row>'
        '<row r="3"><c r="A3" t="s"><v>4</v></c><c r="B3"><v>2017</v></c><c r="C3" t="s"><v>5</v></c>'
        '<c r="D3"><f>A1</f><v>2.35E1</v></c></row></sheetData></worksheet>'
    ).encode()
    frame = importer.read_table(hostile.package({"Data": sheet}, shared_strings=strings), "f.xlsx")
    assert frame.columns.tolist() == ["stadsdel", "år", "källa", "Ohälsotal"]
    assert frame.index.tolist() == [1]  # spreadsheet row 3: problems name the row the user sees
    parsed = importer.parse_values(frame, db.areas(con), db.indicators(con), SPAN)
    assert parsed.ok and parsed.values.iloc[0][["area_code", "year", "value"]].tolist() == ["hasselby-gard", 2017, 23.5]


# --- Bounded work before trust -----------------------------------------------------------------------------------

HOSTILE = {
    "csv_600000_columns.csv": (lambda: hostile.csv_many_columns(600_000), "600\u202f005 kolumner (högst 200)"),
    "csv_170000_rows.csv": (hostile.csv_many_rows, "För många rader"),
    "csv_unclosed_quote.csv": (hostile.csv_open_quote, "saknas ett avslutande citattecken"),
    "xlsx_bomb.xlsx": (lambda: hostile.xlsx_bomb(200_000_000, level=1), "Excelfilen packas upp till"),
    "xlsx_rows_behind_small_dimension.xlsx": (lambda: hostile.xlsx_many_rows(300_000), "fler än 100"),
    "xlsx_rows_without_dimension.xlsx": (lambda: hostile.xlsx_many_rows(300_000, None), "fler än 100"),
    "xlsx_dimension_claims_millions.xlsx": (lambda: hostile.xlsx_claims_rows(5_000_000), "rader och 5 kolumner"),
    "xlsx_one_row_of_a_million_cells.xlsx": (hostile.xlsx_wide_row, "packad ovanligt hårt"),
    "xlsx_500_sheets.xlsx": (lambda: hostile.xlsx_many_sheets(500), "Excelfilen har 500 blad (högst 20)"),
    "xlsx_billion_laughs.xlsx": (hostile.xlsx_laughs, "innehåller en DTD"),
}


@pytest.fixture(scope="module")
def own_db(tmp_path_factory):
    """A database of its own, so that 'nothing was written' is checked where nothing else writes."""
    target = tmp_path_factory.mktemp("hostile") / "h.duckdb"
    db.build_database(Paths().data_dir, target)
    return target


def snapshot(target) -> tuple:
    with db.connect(target, read_only=True) as con:
        return len(db.imports(con)), db.values_long(con)["value"].sum(), db.data_status(con)["real_values"]


@pytest.mark.timeout(20)
@pytest.mark.parametrize("name", list(HOSTILE))
def test_a_hostile_file_is_refused_by_the_cli_with_a_message_and_nothing_written(
    name, tmp_path, own_db, monkeypatch, capsys
):
    make, message = HOSTILE[name]
    path = tmp_path / name
    path.write_bytes(make())
    assert path.stat().st_size <= importer.MAX_BYTES  # it passes the old size check: the shape is the problem
    monkeypatch.setenv("SAMMANHALLEN_DB", str(own_db))
    monkeypatch.setenv("SAMMANHALLEN_PASSWORD", EDITOR_PASSWORD)
    before = snapshot(own_db)
    code = cli.main(["import-values", str(path), "--editor", EDITOR])
    err = capsys.readouterr().err
    assert code == 2 and "inget skrevs" in err and message in err, err
    assert "Traceback" not in err
    assert snapshot(own_db) == before


@pytest.mark.timeout(20)
@pytest.mark.parametrize("name", list(HOSTILE))
def test_check_file_refuses_each_hostile_upload_before_parsing(name):
    make, message = HOSTILE[name]
    raw = make()
    try:
        importer.check_file(raw, name)
        importer.read_table(raw, name)
    except importer.ImportRejected as exc:
        assert any(message in str(p) for p in exc.problems), [str(p) for p in exc.problems]
    else:
        pytest.fail(f"{name} was accepted")


def test_the_cli_refuses_a_directory_a_device_and_an_oversized_file_without_reading(tmp_path, capsys):
    folder = tmp_path / "mapp.csv"
    folder.mkdir()
    big = tmp_path / "stor.csv"
    with open(big, "wb") as f:
        f.truncate(importer.MAX_BYTES + 1)  # sparse: refused by its size before a byte is read
    cases = [(folder, "är en mapp, inte en fil"), (Path("/dev/zero"), "är ingen vanlig fil"), (big, "för stor")]
    fifo = tmp_path / "ror.csv"
    os.mkfifo(fifo)  # opening it would block: it must be refused by stat alone
    cases.append((fifo, "är ingen vanlig fil"))
    for path, message in cases:
        assert cli.main(["import-values", str(path), "--dry-run"]) == 2
        err = capsys.readouterr().err
        assert message in err and "Traceback" not in err, err


def open_data_page(editor: str | None = None) -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    if editor:
        at.session_state["_redigerare"] = editor
    at.run()
    at.switch_page("pages/data_sources.py")
    at.run()
    return at


def test_an_anonymous_visitor_gets_no_upload_and_is_told_to_sign_in():
    at = open_data_page()
    assert not at.exception, [e.value for e in at.exception]
    assert "importfil" not in [u.key for u in at.get("file_uploader")]
    assert any("Logga in som redigerare" in i.value and "läsa in en fil" in i.value for i in at.info)
    assert any(b.label == "Ladda ner CSV" or "mall" in str(b.key) for b in at.get("download_button"))


@pytest.mark.timeout(60)
def test_an_editor_uploading_the_600000_column_csv_gets_a_message_and_nothing_changes(con):
    before = db.data_status(con)
    at = open_data_page(editor="testare")
    uploader = next(u for u in at.get("file_uploader") if u.key == "importfil")
    uploader.set_value(("kolumner.csv", hostile.csv_many_columns(600_000), "text/csv"))
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    assert any("kan inte läsas in: 1 problem" in e.value for e in at.error)
    assert "600\u202f005 kolumner (högst 200)" in at.dataframe[-1].value["Problem"].iloc[0]
    assert db.data_status(con) == before


def test_a_file_full_of_problems_is_reported_in_part(con):
    text = HEAD + "Atlantis;Ohälsotal;2016;20;SCB\n" * 2_000
    parsed = importer.parse_values(importer.read_table(text.encode(), "f.csv"), db.areas(con), db.indicators(con), SPAN)
    assert len(parsed.problems) == importer.MAX_PROBLEMS + 1
    assert str(parsed.problems[-1]) == "Fler än 500 problem; resten av filen kontrollerades inte."
