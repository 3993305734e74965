"""Where a value comes from, in the words the pages and briefs show: real or modelled, its year, source and licence.

Why one module: the profile, the trends, the comparison, the data page and the printed brief all say the same things
about the same rows ("verkligt (SCB 2024)", "Modell (syntetisk)", "+3,5 procentenheter", Polisen's shares of DeSO).
Writing those sentences once keeps them identical everywhere. Pure pandas: no database, no Streamlit.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping

import numpy as np
import pandas as pd

from lib.aggregate import latest_at
from lib.fmt import number

REAL, SYNTHETIC = "verkligt", "syntetiskt"
#: The legend of every chart that marks real points: filled = real, hollow = modelled.
STATUS_ORDER = (REAL, SYNTHETIC)
ATTRIBUTION = "Statistik: SCB (CC0) · Kartdata: Stockholms stad (CC0) · Polisen 2025"
POLICE_ATTRIBUTION = "Polisen 2025 (andelar av DeSO; ingen licens angiven)"
#: Below this share of its area inside the stadsdel, a DeSO is flagged: its figures partly describe a neighbour.
OVERLAP_WARNING = 0.8
MINUS = "\u2212"


def status(synthetic: bool) -> str:
    """'verkligt' or 'syntetiskt' for one value."""
    return SYNTHETIC if bool(synthetic) else REAL


def publisher(source: str | None) -> str:
    """The publisher at the head of a source text: 'SCB, statistik per DeSO …' → 'SCB'; the model → 'modell'."""
    text = str(source or "").strip()
    if not text:
        return "–"
    if text.lower().startswith("syntetisk"):
        return "modell"
    return text.split(",")[0].split(" (")[0].strip()


def real_label(source: str | None, year: int) -> str:
    """'Verkligt (SCB 2024)' – the heading of a real value in a side-by-side."""
    return f"Verkligt ({publisher(source)} {int(year)})"


def short_source(source: str | None, licence: str | None, synthetic: bool) -> str:
    """'SCB (CC0)' / 'Stockholms stad (CC0)' / 'modell' – for narrow print columns."""
    if synthetic:
        return "modell"
    has_licence = isinstance(licence, str) and licence.strip()
    lic = str(licence).replace(" 1.0", "").strip() if has_licence else "licens ej angiven"
    return f"{publisher(source)} ({lic})"


def compact_source(source: str | None, licence: str | None, synthetic: bool) -> str:
    """A source and licence short enough for a table cell: 'SCB (TAB6680) · CC0 1.0', 'Stockholms stad (basområden)
    · CC0 1.0', 'Syntetisk modell'. The full text is in the downloads and on Data och källor."""
    if synthetic:
        return "Syntetisk modell"
    text = str(source or "")
    table = re.search(r"\((TAB\d+|folkmängd|utländsk bakgrund)", text)
    detail = table.group(1) if table else ""
    stated = licence.strip() if isinstance(licence, str) else ""
    head = f"{publisher(text)} ({detail})" if detail else publisher(text)
    return f"{head} · {stated or 'licens ej angiven'}"


def source_text(source: str | None, licence: str | None, synthetic: bool, measure_source: str | None = None) -> str:
    """One line naming where a value comes from: the real source and its licence, or the model (and whose measure
    it imitates)."""
    if synthetic:
        return "Syntetisk modell" + (f" (efter måttet från {measure_source})" if measure_source else "")
    licence_text = str(licence).strip() if isinstance(licence, str) and licence.strip() else "licens ej angiven"
    return f"{source} · licens: {licence_text}"


def year_span(years: Iterable[int]) -> str:
    """[2014, 2015, 2016, 2025] → '2014–2016, 2025'; nothing → '–'."""
    ordered = sorted({int(y) for y in years})
    if not ordered:
        return "–"
    runs: list[list[int]] = [[ordered[0], ordered[0]]]
    for year in ordered[1:]:
        if year == runs[-1][1] + 1:
            runs[-1][1] = year
        else:
            runs.append([year, year])
    return ", ".join(str(a) if a == b else f"{a}–{b}" for a, b in runs)


def is_share(unit: str) -> bool:
    """Units that are percentages: their differences are procentenheter."""
    return str(unit).lstrip().startswith("%")


def signed(value: float, decimals: int) -> str:
    """+3,5 / −381 / ±0 with the typographic minus."""
    if not np.isfinite(value):
        return "–"
    text = number(abs(value), decimals)
    if text.strip("0,") == "":
        return f"±{text}"
    return ("+" if value > 0 else MINUS) + text


def difference_text(real: float, model: float, unit: str, decimals: int) -> str:
    """How far the real value lies from the model's: procentenheter for shares, else the difference in the unit's
    own terms and in per cent of the model value."""
    diff = float(real) - float(model)
    if is_share(unit):
        return f"{signed(diff, decimals)} procentenheter"
    head = f"{signed(diff, decimals)} {str(unit).split(' ')[0]}".strip()
    if model:
        return f"{head} ({signed(100 * diff / float(model), 1)} %)"
    return head


def side_by_side(pairs: pd.DataFrame, meta: pd.DataFrame) -> pd.DataFrame:
    """The table of cells with both a real and a modelled value, for display.

    `pairs`: indicator_code, year, real, real_source, licence, model (as `db.real_and_model`); `meta`: the indicator
    catalogue (code, name, unit, decimals). Numbers are Swedish strings with each indicator's own decimals."""
    info = meta.set_index("code")
    rows = []
    for p in pairs.itertuples():
        ind = info.loc[p.indicator_code]
        decimals = int(ind["decimals"])
        rows.append(
            {
                "Indikator": ind["name"],
                "År": int(p.year),
                "Verkligt": f"{number(p.real, decimals)} ({publisher(p.real_source)} {int(p.year)})",
                "Modell (syntetisk)": number(p.model, decimals),
                "Skillnad": difference_text(p.real, p.model, ind["unit"], decimals),
                "Licens": p.licence if isinstance(p.licence, str) and p.licence.strip() else "licens ej angiven",
                "Enhet": ind["unit"],
            }
        )
    columns = ["Indikator", "År", "Verkligt", "Modell (syntetisk)", "Skillnad", "Licens", "Enhet"]
    return pd.DataFrame(rows, columns=columns)


def group_status(values: pd.DataFrame, groups: Mapping[str, set[str]]) -> pd.DataFrame:
    """Whether a group's aggregate (city, programme area, stadsdelsområde) rests on real values only.

    `values`: long stadsdel values with `synthetic`. Returns group, indicator_code, year, synthetic – True when any
    contributing stadsdel's value is modelled, so an aggregate counts as real only when all of it is."""
    frames = []
    for name, members in groups.items():
        sub = values[values["area_code"].isin(members) & values["value"].notna()]
        if sub.empty:
            continue
        agg = sub.groupby(["indicator_code", "year"], as_index=False)["synthetic"].agg(lambda s: bool(s.any()))
        frames.append(agg.assign(group=name))
    if not frames:
        return pd.DataFrame(columns=["group", "indicator_code", "year", "synthetic"])
    out = pd.concat(frames, ignore_index=True)
    out["synthetic"] = out["synthetic"].astype(bool)
    return out[["group", "indicator_code", "year", "synthetic"]]


def police_class(utsatt: float, sarskilt: float) -> str:
    """'ett särskilt utsatt område', 'ett utsatt område' or both, by which shares are above zero."""
    parts = []
    if sarskilt > 0:
        parts.append("särskilt utsatt")
    if utsatt > 0:
        parts.append("utsatt")
    return "ett " + " eller ".join(parts) + " område" if parts else "inget utsatt område"


def police_lines(shares: pd.DataFrame) -> list[str]:
    """One sentence per DeSO on Polisen's 2025 list (rows of `levels.police_shares` for one stadsdel).

    Polisen's list names DeSO-2025 codes; a code that splits a 2018 DeSO says which one it belongs to."""
    lines = []
    for row in shares.sort_values("deso_2025").itertuples():
        where = [f"RegSO {row.regso}"] if isinstance(row.regso, str) and row.regso else []
        if row.deso_2025 != row.deso_2018:
            where.insert(0, f"del av DeSO 2018 {row.deso_2018}")
        if row.utsatt_pct > 0 and row.sarskilt_pct > 0:
            how = (
                f"{number(row.sarskilt_pct, 0)} % i ett särskilt utsatt och {number(row.utsatt_pct, 0)} % i ett "
                "utsatt område"
            )
            text = f"Polisen {int(row.year)}: av DeSO {row.deso_2025} ({', '.join(where)}) ligger {how}"
        else:
            text = (
                f"Polisen {int(row.year)}: {number(row.share_pct, 0)} % av DeSO {row.deso_2025} "
                f"({', '.join(where)}) ligger i {police_class(row.utsatt_pct, row.sarskilt_pct)}"
            )
        lines.append(text + ".")
    return lines


def police_summary(shares: pd.DataFrame) -> str:
    """All of a stadsdel's rows on Polisen's list in one sentence (for print): how many DeSO, which class, and each
    DeSO's share."""
    if shares.empty:
        return NO_POLICE_AREA
    classes = {police_class(r.utsatt_pct, r.sarskilt_pct).removeprefix("ett ") for r in shares.itertuples()}
    parts = ", ".join(f"{r.deso_2025} {number(r.share_pct, 0)} %" for r in shares.sort_values("deso_2025").itertuples())
    n = len(shares)
    return (
        f"Polisen {int(shares['year'].max())}: {n} DeSO i stadsdelen ligger helt eller delvis i "
        f"{' eller '.join(sorted(classes))} (andel av DeSO: {parts})."
    )


NO_POLICE_AREA = "Inga DeSO i stadsdelen finns på Polisens lista 2025 över utsatta och särskilt utsatta områden."


#: The real DeSO figures a stadsdel's profile lists: indicator → (year, column heading).
DESO_COLUMNS = {
    "lag_ekonomisk_standard": (2024, "Låg ek. standard 2024, %"),
    "arbetsloshet_scb": (2024, "Arbetslöshet 2024, %"),
    "befolkning": (2025, "Folkmängd 2025"),
}
OVERLAP_COLUMN = "Andel i stadsdelen"


def _deso_figures(deso_values: pd.DataFrame, codes: set[str]) -> dict[tuple[str, str, int], float]:
    """(DeSO, indicator, year) → the first value of `DESO_COLUMNS`' cells for the given DeSO, in one pass rather
    than a filter of every DeSO value per cell."""
    wanted = deso_values[deso_values["area_code"].isin(codes) & deso_values["indicator_code"].isin(DESO_COLUMNS)]
    wanted = wanted.drop_duplicates(["area_code", "indicator_code", "year"], keep="first")
    return {
        (a, c, int(y)): float(v)
        for a, c, y, v in zip(
            wanted["area_code"], wanted["indicator_code"], wanted["year"], wanted["value"], strict=True
        )
    }


def deso_table(
    units: pd.DataFrame, deso_values: pd.DataFrame, shares: pd.DataFrame, meta: pd.DataFrame
) -> pd.DataFrame:
    """A stadsdel's DeSO with their real låg ekonomisk standard and arbetslöshet 2024, folkmängd 2025, Polisen's
    class and how much of each DeSO lies in the stadsdel (flagged below 80 %). Numbers are Swedish strings.

    `units`: rows of `levels.units(con, 'deso')` for one stadsdel; `deso_values`: real DeSO values (area_code =
    DeSO code); `shares`: `levels.police_shares` rows; `meta`: the indicator catalogue."""
    info = meta.set_index("code")
    found = _deso_figures(deso_values, set(units["code"]))
    by_deso = dict(iter(shares.groupby("deso_2018", sort=False))) if len(shares) else {}
    rows = []
    for unit in units.sort_values("code").itertuples():
        row = {"DeSO": unit.code, "RegSO": unit.regso}
        for code, (year, label) in DESO_COLUMNS.items():
            hit = found.get((unit.code, code, year))
            row[label] = "–" if hit is None else number(hit, int(info.loc[code, "decimals"]))
        police = by_deso.get(unit.code, shares.iloc[:0])
        if police.empty:
            row["Polisen 2025"] = "–"
        else:
            kinds = {"särskilt utsatt" if p.sarskilt_pct >= p.utsatt_pct else "utsatt" for p in police.itertuples()}
            shares_text = " / ".join(number(p.share_pct, 0) for p in police.sort_values("deso_2025").itertuples())
            row["Polisen 2025"] = f"{shares_text} % {' / '.join(sorted(kinds))}"
        overlap = float(unit.overlap_share)
        row[OVERLAP_COLUMN] = f"{number(100 * overlap, 0)} %" + (
            " – under 80 %, delvis i grannstadsdel" if overlap < OVERLAP_WARNING else ""
        )
        rows.append(row)
    order = ["DeSO", "RegSO", *(label for _, label in DESO_COLUMNS.values()), OVERLAP_COLUMN, "Polisen 2025"]
    return pd.DataFrame(rows, columns=order)


def folded_deso(sources: Iterable[str], units: Iterable[str]) -> tuple[int, int]:
    """How many DeSO-2018 areas were split in 2025 and how many 2025 areas were folded back into them, read from the
    'N DeSO 2025 sammanslagna' note in each DeSO value's source. Returns (parents, parts)."""
    parts: dict[str, int] = {}
    for source, unit in zip(sources, units, strict=True):
        found = re.search(r"(\d+) DeSO 2025 sammanslagna", str(source))
        if found:
            parts[unit] = int(found.group(1))
    return len(parts), sum(parts.values())


#: The published figures (data/reference_figure.csv) keep their units and measure codes as collected; these are
#: what the pages and briefs show in their place.
REFERENCE_UNITS = {
    "persons (31 Dec)": "invånare (31 dec)",
    "persons": "invånare",
    "persons (rounded)": "invånare (avrundat)",
    "% of population": "% av befolkningen",
    "% of population 16-64": "% av befolkningen 16–64 år",
    "% of population 16-64 (Aug)": "% av befolkningen 16–64 år (aug)",
    "% of population 18-64 (Oct)": "% av befolkningen 18–64 år (okt)",
    "% of population 20-64": "% av befolkningen 20–64 år",
    "% of population 25-64": "% av befolkningen 25–64 år",
    "% of foreign-born 20-64": "% av utrikes födda 20–64 år",
    "% of children (0-17 incl. overage children at home)": "% av barn 0–17 år (inkl. hemmaboende överåriga)",
    "% of children 0-17": "% av barn 0–17 år",
    "% of respondents 16-79": "% av svarande 16–79 år",
    "% of eligible voters": "% av röstberättigade",
    "% of year-9 pupils": "% av elever i årskurs 9",
    "SEK thousand per household (mean)": "tkr per hushåll (medel)",
    "SEK thousand per household (median)": "tkr per hushåll (median)",
    "SEK per year": "kr per år",
    "reports per 100 000 inhabitants": "anmälningar per 100 000 invånare",
    "days per person 16-64": "dagar per person 16–64 år",
}
REFERENCE_MEASURES = {
    "anmald_valdtakt_mot_kvinna_per_100k": "Anmälda våldtäkter mot kvinnor",
    "arbetslosa_inkl_program_andel_18_64": "Arbetslösa inkl. program 18–64 år",
    "arbetsloshet": "Arbetslöshet",
    "befolkning": "Folkmängd",
    "behorighet_gymnasiet": "Behörighet till gymnasiet",
    "disponibel_inkomst_hushall_medel": "Disponibel inkomst per hushåll, medel",
    "disponibel_inkomst_hushall_median": "Disponibel inkomst per hushåll, median",
    "ekonomiskt_bistand_andel_barn": "Barn i hushåll med ekonomiskt bistånd",
    "ekonomiskt_bistand_andel_befolkning": "Ekonomiskt bistånd",
    "forvarvsfrekvens_16_64": "Förvärvsfrekvens 16–64 år",
    "forvarvsfrekvens_20_64": "Förvärvsfrekvens 20–64 år",
    "forvarvsfrekvens_utrikes_fodda_20_64": "Förvärvsfrekvens, utrikes födda 20–64 år",
    "hogutbildade_minst_3ar_eftergymnasial": "Eftergymnasial utbildning ≥ 3 år",
    "medelinkomst": "Medelinkomst",
    "medelinkomst_forvarvsarbetande": "Medelinkomst, förvärvsarbetande",
    "median_sammanraknad_forvarvsinkomst_20_64_kvinnor": "Sammanräknad förvärvsinkomst 20–64 år, median, kvinnor",
    "median_sammanraknad_forvarvsinkomst_20_64_man": "Sammanräknad förvärvsinkomst 20–64 år, median, män",
    "ohalsotal": "Ohälsotal",
    "oppet_arbetslosa_andel_18_64": "Öppet arbetslösa 18–64 år",
    "oro_for_brott_andel": "Oro för brott",
    "otrygg_ensam_sent_kvall_andel": "Otrygg ute ensam sent en kväll",
    "program_med_aktivitetsstod_andel_18_64": "I program med aktivitetsstöd 18–64 år",
    "utlandsk_bakgrund_andel": "Utländsk bakgrund, andel",
    "utlandsk_bakgrund_antal": "Utländsk bakgrund, antal",
    "valdeltagande_kommunval": "Valdeltagande i kommunval",
}


def reference_unit(unit: str) -> str:
    """A published figure's unit in Swedish (unknown units as collected)."""
    return REFERENCE_UNITS.get(str(unit), str(unit))


def reference_measure(code: str) -> str:
    """A published figure's measure in Swedish: 'utlandsk_bakgrund_andel' → 'Utländsk bakgrund, andel'."""
    return REFERENCE_MEASURES.get(str(code), str(code).replace("_", " ").capitalize())


def figure_number(value: float) -> str:
    """A published figure as printed: whole numbers without decimals, others with one (two if needed)."""
    value = float(value)
    if value.is_integer():
        return number(value, 0)
    return number(value, 1 if round(value, 1) == value else 2)


def value_origin(long: pd.DataFrame, indicators: Iterable[str], year: int) -> pd.DataFrame:
    """Per unit, how many of the index values behind `year` are synthetic: area_code, used, synthetic and a text
    for tables ("verkliga", "16 av 20 syntetiska", "syntetiska") – the count the pages, the brief and the CLI
    show."""
    sub = long[long["indicator_code"].isin(list(indicators)) & long["value"].notna()]
    latest = latest_at(sub, year, ("area_code", "indicator_code"))
    counts = latest.assign(synthetic=latest["synthetic"].astype(bool)).groupby("area_code")["synthetic"]
    out = counts.agg(used="size", synthetic="sum").reset_index()
    out["synthetic"] = out["synthetic"].astype(int)
    out["text"] = [
        "verkliga" if s == 0 else "syntetiska" if s == n else f"{s} av {n} syntetiska"
        for s, n in zip(out["synthetic"], out["used"], strict=True)
    ]
    return out
