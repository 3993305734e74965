"""Writes tests/import_corpus/: one malformed file per way an import can fail, and expected.csv saying which
Swedish message each must produce. Run once; the files are committed so the corpus is plain to read.

The hostile files that are large by nature (a 4.7 MB CSV with 600 000 columns, XLSX bombs) are not committed:
the functions below make them at test and benchmark time (tests/test_importer.py, bench/bench_hostile.py)."""

from __future__ import annotations

import csv
import io
import random
import zipfile
from collections.abc import Iterable
from pathlib import Path
from xml.sax.saxutils import escape

import openpyxl

HERE = Path(__file__).resolve().parent / "import_corpus"
HEAD = "stadsdel;indikator;år;värde;källa\n"
OK = "Rinkeby;Ekonomiskt bistånd;2016;8,1;SCB\n"
MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
RELS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PACKAGE_RELS = "http://schemas.openxmlformats.org/package/2006/relationships"
LAUGHS = (
    '<?xml version="1.0"?>\n<!DOCTYPE lolz [\n <!ENTITY lol "lol">\n'
    + "".join(f' <!ENTITY lol{i} "{f"&lol{i - 1};" * 10 if i > 1 else "&lol;" * 10}">\n' for i in range(1, 10))
    + "]>\n"
)


def xlsx(rows: list[list], sheet: str = "Data") -> bytes:
    book = openpyxl.Workbook()
    ws = book.active
    ws.title = sheet
    for row in rows:
        ws.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


# --- Hand-made XLSX packages: what openpyxl would never write --------------------------------------------------


def cell(column: int, row: int, value) -> str:
    ref = ""
    n = column
    while n:
        n, rest = divmod(n - 1, 26)
        ref = chr(65 + rest) + ref
    if isinstance(value, int | float):
        return f'<c r="{ref}{row}"><v>{value}</v></c>'
    return f'<c r="{ref}{row}" t="inlineStr"><is><t>{escape(str(value))}</t></is></c>'


def sheet_xml(rows: list[list], dimension: str | None = None, prolog: str = "") -> bytes:
    """A worksheet part with inline strings; `dimension` may claim anything."""
    body = "".join(
        f'<row r="{r}">' + "".join(cell(c, r, v) for c, v in enumerate(row, 1)) + "</row>"
        for r, row in enumerate(rows, 1)
    )
    dim = f'<dimension ref="{dimension}"/>' if dimension else ""
    return f'{prolog}<worksheet xmlns="{MAIN}">{dim}<sheetData>{body}</sheetData></worksheet>'.encode()


def package(
    sheets: dict[str, bytes | Iterable[bytes]],
    level: int = 6,
    workbook_prolog: str = "",
    shared_strings: bytes | None = None,
) -> bytes:
    """A minimal XLSX (content types, relationships, workbook, one part per sheet, optionally shared strings). A
    sheet given as an iterable of chunks is streamed into the zip, so a sheet of a gigabyte never exists in
    memory."""
    out = io.BytesIO()
    names = list(sheets)
    overrides = "".join(
        f'<Override PartName="/xl/worksheets/sheet{i}.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
        for i in range(1, len(names) + 1)
    )
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=level) as z:
        z.writestr(
            "[Content_Types].xml",
            '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            '<Override PartName="/xl/workbook.xml" '
            'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
            f"{overrides}</Types>",
        )
        z.writestr(
            "_rels/.rels",
            f'<Relationships xmlns="{PACKAGE_RELS}"><Relationship Id="rId1" '
            f'Type="{RELS}/officeDocument" Target="xl/workbook.xml"/></Relationships>',
        )
        z.writestr(
            "xl/workbook.xml",
            f'{workbook_prolog}<workbook xmlns="{MAIN}" xmlns:r="{RELS}"><sheets>'
            + "".join(f'<sheet name="{escape(name)}" sheetId="{i}" r:id="rId{i}"/>' for i, name in enumerate(names, 1))
            + "</sheets></workbook>",
        )
        z.writestr(
            "xl/_rels/workbook.xml.rels",
            f'<Relationships xmlns="{PACKAGE_RELS}">'
            + "".join(
                f'<Relationship Id="rId{i}" Type="{RELS}/worksheet" Target="worksheets/sheet{i}.xml"/>'
                for i in range(1, len(names) + 1)
            )
            + (
                f'<Relationship Id="rIdS" Type="{RELS}/sharedStrings" Target="/xl/strings.xml"/>'
                if shared_strings is not None
                else ""
            )
            + "</Relationships>",
        )
        if shared_strings is not None:
            z.writestr("xl/strings.xml", shared_strings)
        for i, name in enumerate(names, 1):
            content = sheets[name]
            if isinstance(content, bytes):
                z.writestr(f"xl/worksheets/sheet{i}.xml", content)
            else:
                with z.open(f"xl/worksheets/sheet{i}.xml", "w", force_zip64=True) as part:
                    for chunk in content:
                        part.write(chunk)
    return out.getvalue()


def _sheet_stream(head: bytes, row: bytes, count: int, tail: bytes = b"</sheetData></worksheet>") -> Iterable[bytes]:
    yield head
    block = row * 10_000
    whole, rest = divmod(count, 10_000)
    for _ in range(whole):
        yield block
    yield row * rest
    yield tail


def xlsx_bomb(unpacked: int = 1_000_000_000, level: int = 6) -> bytes:
    """A few MB that unpack to `unpacked` bytes of one sheet: the same inline-string row again and again."""
    row = b'<row><c t="inlineStr"><is><t>x</t></is></c></row>'
    head = f'<worksheet xmlns="{MAIN}"><sheetData>'.encode()
    return package({"Data": _sheet_stream(head, row, unpacked // len(row))}, level=level)


def xlsx_many_rows(rows: int = 1_000_000, dimension: str | None = "A1:E10") -> bytes:
    """A sheet that holds `rows` rows of random numbers (so it packs about 10:1, like a real sheet, and a million
    rows fit in 5 MB); its `<dimension>` claims only `dimension`, or is absent."""
    dim = f'<dimension ref="{dimension}"/>' if dimension else ""
    header = sheet_xml([["stadsdel", "indikator", "år", "värde", "källa"]]).split(b"<sheetData>")[1]
    head = f'<worksheet xmlns="{MAIN}">{dim}<sheetData>'.encode() + header.removesuffix(b"</sheetData></worksheet>")
    draw = random.Random(1).getrandbits

    def chunks():
        yield head
        for start in range(0, rows, 10_000):
            yield b"".join(b"<row><c><v>%d</v></c></row>" % draw(20) for _ in range(min(10_000, rows - start)))
        yield b"</sheetData></worksheet>"

    return package({"Data": chunks()})


def xlsx_claims_rows(rows: int = 2_000_000) -> bytes:
    """A small sheet whose `<dimension>` claims millions of rows."""
    return package({"Data": sheet_xml([["stadsdel", "år"], ["Husby", 2016]], dimension=f"A1:E{rows}")})


def xlsx_wide_row(cells: int = 1_000_000) -> bytes:
    """One row with a million cells (what makes openpyxl build a gigabyte-sized row element)."""
    head = f'<worksheet xmlns="{MAIN}"><sheetData><row r="1">'.encode()
    return package({"Data": _sheet_stream(head, b"<c><v>1</v></c>", cells, b"</row></sheetData></worksheet>")})


def xlsx_many_sheets(count: int = 1_000) -> bytes:
    small = sheet_xml([["stadsdel", "år"]])
    return package({f"Blad{i}": small for i in range(1, count + 1)})


def xlsx_laughs(where: str = "sheet") -> bytes:
    """The 'billion laughs': a DTD whose entities expand to a billion 'lol's, in the sheet or the workbook."""
    rows = [["stadsdel", "indikator", "år", "värde", "källa"], ["&lol9;", "Ohälsotal", 2016, 20, "SCB"]]
    sheet = sheet_xml(rows, prolog=LAUGHS if where == "sheet" else "").replace(b"&amp;lol9;", b"&lol9;")
    return package({"Data": sheet}, workbook_prolog=LAUGHS if where == "workbook" else "")


def csv_many_columns(columns: int = 600_000) -> bytes:
    """About 4.7 MB: a header of 600 000 columns and one row."""
    names = ";".join(f"k{i}" for i in range(columns))
    return f"stadsdel;indikator;år;värde;källa;{names}\nHusby;Ohälsotal;2016;20;SCB\n".encode()


def csv_many_rows(size: int = 4_900_000) -> bytes:
    line = "Husby;Ohälsotal;2016;20;SCB\n".encode()
    return HEAD.encode() + line * ((size - len(HEAD.encode())) // len(line))


def csv_open_quote(size: int = 4_900_000) -> bytes:
    """A quote that never closes: the rest of the file would be one field."""
    return (HEAD + 'Husby;"Ohälsotal;2016;20;SCB\n').encode() + (b"x" * 59 + b"\n") * (size // 60)


def utf16(text: str, encoding: str, bom: bool = True) -> bytes:
    return (("\ufeff" if bom else "") + text).encode(encoding)


UNKNOWN_AREA = HEAD + OK + "Atlantis;Ohälsotal;2016;20;SCB\n"

CASES: list[tuple[str, bytes, str, str]] = [
    ("unknown_area.csv", (HEAD + OK + "Atlantis;Ohälsotal;2016;20;SCB\n").encode(), "", "Okänd stadsdel ”Atlantis”"),
    ("unknown_indicator.csv", (HEAD + "Husby;Lycka;2016;3;SCB\n").encode(), "", "Okänd indikator ”Lycka”"),
    ("non_numeric.csv", (HEAD + "Husby;Ohälsotal;2016;många;SCB\n").encode(), "", "Värdet ”många” är inte ett tal"),
    ("share_over_100.csv", (HEAD + "Husby;Ekonomiskt bistånd;2016;112,5;SCB\n").encode(), "", "utanför det möjliga"),
    ("negative_rate.csv", (HEAD + "Husby;Anmälda brott;2016;-4;SCB\n").encode(), "", "utanför det möjliga"),
    (
        "duplicate_keys.csv",
        (HEAD + OK + "rinkeby;ekonomiskt_bistand;2016;7,9;SCB\n").encode(),
        "",
        "Samma stadsdel, indikator och år finns redan på rad 2",
    ),
    ("missing_columns.csv", b"namn;tal\nHusby;3\n", "", "Kolumner saknas"),
    (
        "missing_year_column.csv",
        "stadsdel;indikator;värde;källa\nHusby;Ohälsotal;20;SCB\n".encode(),
        "",
        "Kolumnen ”år” saknas",
    ),
    ("year_outside_span.csv", (HEAD + "Husby;Ohälsotal;2031;20;SCB\n").encode(), "", "Året 2031 ligger utanför"),
    ("year_not_a_year.csv", (HEAD + "Husby;Ohälsotal;i fjol;20;SCB\n").encode(), "", "är inte ett årtal"),
    ("empty.csv", b"", "", "Filen är tom"),
    ("only_blank_lines.csv", b"\n\n   \n", "", "Filen är tom"),
    ("header_only.csv", HEAD.encode(), "", "inga rader med värden"),
    ("all_values_blank.csv", (HEAD + "Husby;Ohälsotal;2016;;SCB\n").encode(), "", "inga värden"),
    ("missing_source.csv", (HEAD.replace(";källa", "") + "Husby;Ohälsotal;2016;20\n").encode(), "", "Källa saknas"),
    (
        "wide_unknown_column.csv",
        "stadsdel;år;källa;Ohälsotal;Lycka\nHusby;2016;SCB;20;3\n".encode(),
        "",
        "Okänd indikator ”Lycka” (kolumnrubrik)",
    ),
    (
        "wide_non_numeric.xlsx",
        xlsx([["stadsdel", "år", "källa", "Ohälsotal"], ["Husby", 2016, "SCB", "tjugo"]]),
        "",
        "Värdet ”tjugo” är inte ett tal",
    ),
    (
        "wrong_sheet.xlsx",
        xlsx([["stadsdel", "indikator", "år", "värde", "källa"]], sheet="Blad1"),
        "Data",
        "Bladet ”Data” finns inte",
    ),
    ("not_really_excel.xlsx", b"this is not a zip file", "", "Excelfilen kan inte läsas"),
    ("wrong_format.json", b'{"stadsdel": "Husby"}', "", "Okänt filformat"),
    (
        "ragged_rows.csv",
        b"stadsdel,indikator,\xc3\xa5r,v\xc3\xa4rde,k\xc3\xa4lla\nHusby,Oh\xc3\xa4lsotal,2016,20,SCB,x,y,z\n",
        "",
        "CSV-filen kan inte tolkas",
    ),
    (
        "cp1252_unknown_area.csv",
        (HEAD + "Åkersberga;Ohälsotal;2016;20;SCB\n").encode("cp1252"),
        "",
        "Okänd stadsdel ”Åkersberga”",
    ),
    (
        "utf8_bom_bad_value.csv",
        b"\xef\xbb\xbf" + (HEAD + "Husby;Ohälsotal;2016;20 dagar;SCB\n").encode(),
        "",
        "Värdet ”20 dagar” är inte ett tal",
    ),
    (
        "comma_separated_share_over.csv",
        "stadsdel,indikator,år,värde,källa\nHusby,Trångboddhet,2016,101,SCB\n".encode(),
        "",
        "utanför det möjliga",
    ),
    (
        "days_over_a_year.csv",
        (HEAD + "Husby;Ohälsotal;2016;1 234,5;SCB\n").encode(),
        "",
        "234,5 ligger utanför det möjliga för dagar per person 16–64 år (0–365)",
    ),
    ("unknown_indicator_code.csv", (HEAD + "husby;ohalsotal_2;2016;20;SCB\n").encode(), "", "Okänd indikator"),
    (
        "tab_separated_unknown_area.txt",
        "stadsdel\tindikator\tår\tvärde\tkälla\nNarnia\tOhälsotal\t2016\t20\tSCB\n".encode(),
        "",
        "Okänd stadsdel ”Narnia”",
    ),
    # Numbers that are not finite or not plausible for the indicator.
    (
        "value_1e400.csv",
        (HEAD + "Husby;Ohälsotal;2016;1" + "0" * 400 + ";SCB\n").encode(),
        "",
        "är för stort (inte ett ändligt tal)",
    ),
    (
        "population_1e308.csv",
        (HEAD + "Husby;Folkmängd;2016;1e308;SCB\n").encode(),
        "",
        "ligger utanför det möjliga för invånare 31 december",
    ),
    (
        "population_308_digits.csv",
        (HEAD + "Husby;befolkning;2016;1" + "0" * 308 + ";SCB\n").encode(),
        "",
        "ligger utanför det möjliga för invånare 31 december",
    ),
    # Years that used to be truncated to a year.
    (
        "year_decimal_comma.csv",
        (HEAD + "Husby;Ohälsotal;2017,9;20;SCB\n").encode(),
        "",
        "Året ”2017,9” är inte ett helt",
    ),
    (
        "year_decimal_point.csv",
        (HEAD + "Husby;Ohälsotal;2017.5;20;SCB\n").encode(),
        "",
        "Året ”2017.5” är inte ett helt",
    ),
    ("year_percent.csv", (HEAD + "Husby;Ohälsotal;2017%;20;SCB\n").encode(), "", "Året ”2017%” är inte ett helt"),
    ("year_split.csv", (HEAD + "Husby;Ohälsotal;20 17;20;SCB\n").encode(), "", "Året ”20 17” är inte ett helt"),
    # Columns that would not be read.
    (
        "long_with_indicator_column.csv",
        "stadsdel;indikator;år;värde;källa;Ohälsotal\nHusby;Trångboddhet;2016;12;SCB;25\n".encode(),
        "",
        "Kolumnen ”Ohälsotal” är en indikator, men filen har lång layout",
    ),
    (
        "long_with_unknown_column.csv",
        "stadsdel;indikator;år;värde;källa;kommentar\nHusby;Trångboddhet;2016;12;SCB;prel.\n".encode(),
        "",
        "Okänd kolumn ”kommentar”",
    ),
    (
        "duplicate_column.csv",
        "stadsdel;år;källa;Ohälsotal;ohälsotal\nHusby;2016;SCB;20;21\n".encode(),
        "",
        "Kolumnen finns redan (kolumn nr 4)",
    ),
    (
        "values_without_header.csv",
        (HEAD.rstrip("\n") + ";\nHusby;Ohälsotal;2016;20;SCB;x\n").encode(),
        "",
        "Kolumnen saknar rubrik men har värden",
    ),
    # Encodings.
    ("utf16_le_unknown_area.csv", utf16(UNKNOWN_AREA, "utf-16-le"), "", "Okänd stadsdel ”Atlantis”"),
    ("utf16_be_unknown_area.csv", utf16(UNKNOWN_AREA, "utf-16-be"), "", "Okänd stadsdel ”Atlantis”"),
    ("utf16_no_bom_unknown_area.txt", utf16(UNKNOWN_AREA, "utf-16-le", bom=False), "", "Okänd stadsdel ”Atlantis”"),
    ("utf16_broken.csv", utf16(UNKNOWN_AREA, "utf-16-le") + b"\x00", "", "UTF-16 men kan inte avkodas"),
    ("binary.csv", bytes(range(256)) * 4, "", "nolltecken"),
    ("excel_named_csv.csv", xlsx([["stadsdel"]]), "", "Filen är en Excelfil"),
    # Hostile shapes, small enough to keep (the big ones are made in tests/test_importer.py).
    ("csv_300_columns.csv", (";".join(f"k{i}" for i in range(300)) + "\n1\n").encode(), "", "kolumner (högst 200)"),
    ("xlsx_billion_laughs.xlsx", xlsx_laughs("sheet"), "", "innehåller en DTD"),
    ("xlsx_laughs_in_workbook.xlsx", xlsx_laughs("workbook"), "", "innehåller en DTD"),
    ("xlsx_25_sheets.xlsx", xlsx_many_sheets(25), "", "Excelfilen har 25 blad (högst 20)"),
    ("xlsx_claims_2_million_rows.xlsx", xlsx_claims_rows(2_000_000), "", "kolumner stort (högst"),
    (
        "xlsx_300_columns_no_dimension.xlsx",
        package({"Data": sheet_xml([[f"k{i}" for i in range(300)], [1]])}),
        "",
        "har värden i kolumn 201 (högst 200 kolumner)",
    ),
    ("xlsx_old_format.xlsx", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504, "", "gamla .xls-formatet"),
]


def main() -> None:
    HERE.mkdir(exist_ok=True)
    with open(HERE / "expected.csv", "w", newline="", encoding="utf-8") as manifest:
        writer = csv.writer(manifest)
        writer.writerow(["file", "sheet", "message"])
        for name, payload, sheet, message in CASES:
            (HERE / name).write_bytes(payload)
            writer.writerow([name, sheet, message])
    print(f"Wrote {len(CASES)} files to {HERE}")


if __name__ == "__main__":
    main()
