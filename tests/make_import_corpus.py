"""Writes tests/import_corpus/: one malformed file per way an import can fail, and expected.csv saying which
Swedish message each must produce. Run once; the files are committed so the corpus is plain to read."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import openpyxl

HERE = Path(__file__).resolve().parent / "import_corpus"
HEAD = "stadsdel;indikator;år;värde;källa\n"
OK = "Rinkeby;Ekonomiskt bistånd;2016;8,1;SCB\n"


def xlsx(rows: list[list], sheet: str = "Data") -> bytes:
    book = openpyxl.Workbook()
    ws = book.active
    ws.title = sheet
    for row in rows:
        ws.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


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
        "Värdet 1234.5 ligger utanför det möjliga",
    ),
    ("unknown_indicator_code.csv", (HEAD + "husby;ohalsotal_2;2016;20;SCB\n").encode(), "", "Okänd indikator"),
    (
        "tab_separated_unknown_area.txt",
        "stadsdel\tindikator\tår\tvärde\tkälla\nNarnia\tOhälsotal\t2016\t20\tSCB\n".encode(),
        "",
        "Okänd stadsdel ”Narnia”",
    ),
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
