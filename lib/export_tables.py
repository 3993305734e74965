"""Each downloadable table as it leaves the app: which column says syntetisk or verklig, where its numbers come
from and how many decimals each has – all through `lib.export.prepare`, the one way out.

Why a module of its own: the pages' tables are built for the screen by their own modules (comparison, trends,
ranking, allocation, profile, the map, the sources); what a sheet must add to them – a marking per row, a
source per row, each indicator's decimals from the metadata – is the same question everywhere and is answered here.
Pure pandas: no database, no Streamlit.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import pandas as pd

from lib import export, provenance
from lib.export import ILLUSTRATIVE, REAL, SYNTHETIC

#: Where an index figure comes from: the tool computes it from the values shown on Data och källor.
INDEX_SOURCE = {
    SYNTHETIC: "Beräknat av verktyget ur syntetiska (modellerade) och verkliga värden; se Data och källor",
    REAL: "Beräknat av verktyget ur verklig statistik (SCB, CC0 1.0); se Data och källor",
}
ALLOCATION_SOURCE = "Beräknat av verktyget: fördelningsmodellen på indexet (syntetiska värden) och folkmängden"
#: The real data tables without a source column of their own, and the decimals of their shares.
REAL_TABLE_DECIMALS = {
    "Andel av DeSO i stadsdelen": 3,
    "Andel av DeSO (%)": 1,
    "varav utsatt (%)": 1,
    "varav särskilt utsatt (%)": 1,
}


def _model_source(measure_source: object) -> str:
    return provenance.source_text(None, None, True, str(measure_source) if measure_source else None)


def _by_name(indicators: pd.DataFrame, column: str) -> dict[str, object]:
    """Indicator name (also with " (sammanhang)") → `column` of its metadata."""
    pairs = dict(zip(indicators["name"], indicators[column], strict=True))
    return pairs | {f"{name} (sammanhang)": value for name, value in pairs.items()}


def indicator_decimals(names: pd.Series, indicators: pd.DataFrame, default: int = 1) -> list[int]:
    """Each row's indicator's own decimals (by Swedish name), for the download and the screen alike."""
    places = _by_name(indicators, "decimals")
    return [int(places.get(n, default)) for n in names]  # type: ignore[call-overload]


def comparison(
    table: pd.DataFrame, real_mask: pd.DataFrame, decimals: Sequence[int], indicators: pd.DataFrame
) -> pd.DataFrame:
    """Jämför: a row is verklig only when every series' value in it is (`real_mask`), each series' column rounded
    to the row's indicator's decimals."""
    all_real, some_real = real_mask.all(axis=1).tolist(), real_mask.any(axis=1).tolist()
    sources = _by_name(indicators, "source")
    source = [
        str(sources.get(n, ""))
        if real
        else _model_source(sources.get(n)) + ("; verkliga värden enligt status" if some else "")
        for n, real, some in zip(table["Indikator"], all_real, some_real, strict=True)
    ]
    return export.prepare(
        table,
        marking=[REAL if real else SYNTHETIC for real in all_real],
        source=source,
        decimals={label: list(decimals) for label in real_mask.columns},
    )


def trend(download: pd.DataFrame, decimals: int) -> pd.DataFrame:
    """Utveckling: one indicator's series; the status becomes the marking, the licence joins the source."""
    synthetic = download["Status"].eq(provenance.SYNTHETIC)
    licence = download["Licens"].fillna("").astype(str)
    source = [
        str(s) + (f" · licens: {lic}" if lic and not syn else "")
        for s, lic, syn in zip(download["Källa"], licence, synthetic, strict=True)
    ]
    return export.prepare(
        download.drop(columns=["Status", "Licens", "Källa"]),
        marking=[export.mark(s) for s in synthetic],
        source=source,
        decimals={"Värde": decimals},
    )


def _index_marking(counts: pd.Series) -> list[str]:
    """'0 av 20' synthetic values behind an index → verklig; anything else (or unknown) → syntetisk."""
    return [REAL if str(c).startswith("0 av") else SYNTHETIC for c in counts]


def ranking(table: pd.DataFrame) -> pd.DataFrame:
    """Index och vikter: the ranking, each row marked by the values its index rests on."""
    marking = _index_marking(table["Syntetiska"])
    return export.prepare(
        table,
        marking=marking,
        source=[INDEX_SOURCE[m] for m in marking],
        decimals={"Index": 1, "Topp 22": 2, "Täckning (%)": 1},
    )


def validation(table: pd.DataFrame, types_year: int) -> pd.DataFrame:
    """The RegSO validation: an index of real values only against SCB's type."""
    return export.prepare(
        table,
        marking=REAL,
        source=f"{INDEX_SOURCE[REAL]}; SCB:s socioekonomiska områdestyp {types_year} (CC0 1.0)",
        decimals={"Index": 1},
    )


def allocation(table: pd.DataFrame) -> pd.DataFrame:
    """Fördelning: whole kronor from an index of mostly synthetic values."""
    return export.prepare(
        table, marking=SYNTHETIC, source=ALLOCATION_SOURCE, decimals={"Risk (1 = staden)": 3, "Andel": 6}
    )


def sensitivity(
    table: pd.DataFrame, marking: str | Sequence[str], note: str, decimals: Mapping[str, int]
) -> pd.DataFrame:
    """Känslighetsanalys: ranks and Sobol indices computed from the index, marked like the index they vary (per
    stadsdel, or one marking for the whole table); `note` (how many runs, which seed) joins the source."""
    marks = [marking] * len(table) if isinstance(marking, str) else list(marking)
    return export.prepare(
        table,
        marking=marks,
        source=[f"{INDEX_SOURCE[m]}; osäkerhets- och känslighetsanalys med SALib, {note}" for m in marks],
        decimals=decimals,
    )


def profile(numeric: pd.DataFrame, decimals: Sequence[int]) -> pd.DataFrame:
    """Stadsdel: the indicator table; its status is the marking, its full source the source."""
    places = list(decimals)
    return export.prepare(
        numeric.drop(columns=["Status", "Källa och licens"]),
        marking=[REAL if s == provenance.REAL else SYNTHETIC for s in numeric["Status"]],
        source=numeric["Källa och licens"].fillna("").astype(str).tolist(),
        decimals={"Värde": places, "Staden": places, "Programområdet": places, "Risk mot staden (100)": 0},
    )


def _map_mark(status: object) -> str:
    text = str(status)
    return SYNTHETIC if "syntetisk" in text or text == "inget värde" else REAL


def map_table(table: pd.DataFrame, source_line: str, decimals: int) -> pd.DataFrame:
    """Karta: the map's figures; a unit's status (real, synthetic, "s av n värden syntetiska") is its marking."""
    marking = [_map_mark(s) for s in table["Status"]]
    line = source_line.removeprefix("Källa: ")
    value = next(c for c in table.columns if str(c).startswith("Värde"))
    return export.prepare(
        table,
        marking=marking,
        source=[line if m == REAL else f"Syntetisk modell · {line}" for m in marking],
        decimals={value: decimals, "Andel i stadsdelen (%)": 0},
    )


def real_table(table: pd.DataFrame, indicators: pd.DataFrame, source: str) -> pd.DataFrame:
    """Data och källor: a table of real data, every row verklig; `source` where the table has no source column."""
    has_source = "Källa" in table.columns
    licence = table["Licens"].fillna("licens ej angiven").astype(str) if "Licens" in table.columns else None
    sources = table["Källa"].fillna(source).astype(str) if has_source else pd.Series(source, index=table.index)
    if licence is not None:
        sources = sources + " · licens: " + licence
    places: dict[str, int | Sequence[int]] = dict(REAL_TABLE_DECIMALS)
    if "Indikator" in table.columns and "Värde" in table.columns:
        places["Värde"] = indicator_decimals(table["Indikator"], indicators)
    dropped = [c for c in ("Källa", "Licens") if c in table.columns]
    return export.prepare(table.drop(columns=dropped), marking=REAL, source=sources.tolist(), decimals=places)


def form(table: pd.DataFrame, names: Mapping[str, str] | None = None) -> pd.DataFrame:
    """A table that carries no values: an import template to fill in (a marking column would be read back as an
    unknown column), the indicator catalogue, an editor's own unsaved rows."""
    return export.prepare(table, names=names, values=False)


def ils(underlag: pd.DataFrame, indicators: pd.DataFrame, synthetic: Mapping[tuple[str, int], bool]) -> pd.DataFrame:
    """The ILS underlag: each row's outcome is syntetisk or verklig by the values behind it (`synthetic`:
    (indicator code, year) → any of them modelled); a real outcome of an invented goal is illustrativ. The baseline,
    target and outcome are rounded to the indicator's decimals."""
    code_of = _by_name(indicators, "code")
    source_of = _by_name(indicators, "source")
    marking, source = [], []
    for name, year, parts in zip(underlag["Indikator"], underlag["Utfallsår"], underlag["Illustrativt"], strict=True):
        key = (str(code_of.get(name, name)), int(year)) if pd.notna(year) else None
        modelled = True if key is None else synthetic.get(key, True)
        marking.append(SYNTHETIC if modelled else ILLUSTRATIVE if parts != "nej" else REAL)
        measured = _model_source(source_of.get(name)) if modelled else str(source_of.get(name, ""))
        source.append(f"Utfall: {measured} · mål och aktiviteter: målträdet")
    places = indicator_decimals(underlag["Indikator"], indicators)
    numbers = [c for c in underlag.columns if str(c).startswith(("Basvärde", "Årsmål", "Utfall "))]
    return export.prepare(underlag, marking=marking, source=source, decimals=dict.fromkeys(numbers, places))


def cli_index(table: pd.DataFrame, synthetic_count: Mapping[str, int]) -> pd.DataFrame:
    """`python -m lib.cli index`: each unit marked by the values its index rests on (`synthetic_count`: modelled
    values by unit code; a unit without a count is marked syntetisk). Keys stay English for scripts."""
    marking = [SYNTHETIC if int(synthetic_count.get(c, 1)) else REAL for c in table["code"]]
    numbers = [c for c in table.columns if c == "composite" or str(c).startswith("domain_")]
    return export.prepare(
        table,
        marking=marking,
        source=[INDEX_SOURCE[m] for m in marking],
        decimals=dict.fromkeys(numbers, 3) | {"coverage": 3},
    )


def cli_sensitivity(table: pd.DataFrame, synthetic: bool) -> pd.DataFrame:
    """`python -m lib.cli sensitivity`: Sobol indices of the ranks, derived from every unit's index, so the whole
    table is syntetisk when any value behind the index is modelled. Indices and their intervals to 3 decimals."""
    marking = SYNTHETIC if synthetic else REAL
    numbers = [c for c in table.columns if "index" in str(c)]
    return export.prepare(
        table,
        marking=marking,
        source=f"{INDEX_SOURCE[marking]}; osäkerhets- och känslighetsanalys (SALib, Sobolindex)",
        decimals=dict.fromkeys(numbers, 3),
    )


def outcome_synthetic(values: pd.DataFrame, codes: set[str]) -> dict[tuple[str, int], bool]:
    """(indicator code, year) → whether any of the stadsdelar `codes` has a modelled value then: an outcome of a
    group of them (the programme area, a stadsdelsområde, one stadsdel) is verklig only when none has."""
    mine = values[values["area_code"].isin(codes)]
    flags = mine.groupby(["indicator_code", "year"])["synthetic"].any()
    return {(str(c), int(y)): bool(s) for (c, y), s in flags.items()}


def cli_goals(table: pd.DataFrame, indicators: pd.DataFrame, synthetic: Mapping[tuple[str, int], bool]) -> pd.DataFrame:
    """`python -m lib.cli goals`: each outcome marked by the values behind it (`synthetic`, as `outcome_synthetic`;
    a real outcome of an invented goal is illustrativ, as in the ILS underlag), each number to its indicator's
    decimals."""
    places = indicator_decimals(table["indicator"], indicators)
    code_of, sources = _by_name(indicators, "code"), _by_name(indicators, "source")
    modelled = [
        True if pd.isna(y) else synthetic.get((str(code_of.get(n, n)), int(y)), True)
        for n, y in zip(table["indicator"], table["outcome_year"], strict=True)
    ]
    return export.prepare(
        table,
        marking=[
            SYNTHETIC if m else ILLUSTRATIVE if bool(ill) or str(parts or "") else REAL
            for m, ill, parts in zip(modelled, table["illustrative"], table["illustrative_parts"], strict=True)
        ],
        source=[
            f"Utfall: {_model_source(sources.get(n)) if m else sources.get(n, '')} · mål: målträdet"
            for n, m in zip(table["indicator"], modelled, strict=True)
        ],
        decimals=dict.fromkeys(("baseline", "target", "outcome"), places),
    )
