"""The ranking the Index och vikter page shows, and the sentences that explain it.

Why a module of its own: everything the page computes from the index's results — the area weights' shares, the
change against the standard weights, the ranking table and its export, the map's tooltips, the stability and
leave-one-out sentences, the captions about missing and synthetic values, the RegSO validation's export — is a
pure function of frames and numbers. Here it is unit-tested without Streamlit, and the page only draws it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd

from lib import index as ix
from lib import levels
from lib.fmt import number

#: Rows of the ranking shown before "Visa alla", and the rows the rank bands and the stability sentence look at.
TABLE_ROWS = 25
#: The comparison group in running text, for units that are not stadsdelar.
UNIVERSE_TEXT = {"all": "hela staden", "outer": "ytterstaden", "programme": "programmets stadsdelar"}
#: The ranking's columns beside the sliders; the others are in the table's column menu and in the exports.
SHOWN_COLUMNS = ["Plats", "Ändring", "Stadsdel", "Index", "Täckning", "Syntetiska", "90 %-spann", "Urval"]
SHOWN_COLUMNS_DESO = ["Plats", "Ändring", "DeSO", "Stadsdel", "Index", "Täckning", "90 %-spann"]
#: The RegSO validation's columns as the export names them.
VALIDATION_EXPORT_COLUMNS = {
    "regso_code": "RegSO-kod",
    "regso": "RegSO",
    "stadsdel": "Stadsdel",
    "composite": "Index",
    "rank": "Plats",
    "index_class": "Indexklass",
    "omradestyp": "SCB:s typ",
    "difference": "Skillnad (klass − typ)",
}
DIAGONAL_STYLE = "background-color: #dcefe3; font-weight: 600"


def change_label(delta: float) -> str:
    """A rank change against the standard weights: 3 → "▲ 3" (higher risk place), −2 → "▼ 2", none → "–"."""
    if not np.isfinite(delta) or delta == 0:
        return "–"
    return f"▲ {int(delta)}" if delta > 0 else f"▼ {int(-delta)}"


def percent(share: float, decimals: int = 1) -> str:
    """0.25 → "25,0 %"."""
    return f"{number(100 * share, decimals)} %"


@dataclass(frozen=True)
class DomainShares:
    """The area sliders as the index uses them: `ratings` are what it is computed with, `used` the same with 0
    for an area without values at this level; `fell_back` when every area with data was at zero, so the standard
    weights stand in (an index of nothing cannot be ranked)."""

    ratings: dict[str, int]
    used: dict[str, int]
    fell_back: bool

    @property
    def total(self) -> int:
        return sum(self.used.values())

    def share(self, code: str) -> float:
        return self.used[code] / self.total


def domain_shares(ratings: Mapping[str, int], defaults: Mapping[str, int], missing: list[str]) -> DomainShares:
    """The sliders' `ratings` with the areas in `missing` weighing nothing; all zero → the `defaults`."""
    used = {c: (0 if c in missing else r) for c, r in ratings.items()}
    if sum(used.values()) != 0:
        return DomainShares(dict(ratings), used, False)
    used = {c: (0 if c in missing else r) for c, r in defaults.items()}
    shown = {**ratings, **{c: r for c, r in defaults.items() if c not in missing}}
    return DomainShares(shown, used, True)


def domain_weights(shares: DomainShares) -> tuple[tuple[str, float], ...]:
    """The ratings as `IndexParams.domain_weights`."""
    return tuple(sorted((c, float(r)) for c, r in shares.ratings.items()))


def share_caption(names: Mapping[str, str], shares: DomainShares, missing: list[str]) -> str:
    """The line under the share bar: "Sociala risker **25 %** · Hälsa (saknas) · …"."""
    return " · ".join(
        f"{names[c]} (saknas)" if c in missing else f"{names[c]} **{number(100 * shares.share(c), 0)}\u00a0%**"
        for c in names
    )


def ranking_with_change(scores: pd.DataFrame, standard: pd.DataFrame) -> pd.DataFrame:
    """The ranked units in rank order, with the rank under the standard weights (`standard`) and the change
    (`delta` > 0: a higher risk place than with the standard weights)."""
    table = (
        scores.merge(standard[["area_code", "rank"]].rename(columns={"rank": "standard"}), on="area_code")
        .dropna(subset=["rank"])
        .sort_values("rank")
    )
    table["delta"] = table["standard"] - table["rank"]
    return table


def ranking_heading(year: int, level: str, universe: str, universe_label: str) -> str:
    """The ranking's heading: "Rangordning 2025 – hela staden (117)" for stadsdelar, else "Rangordning 2025 – DeSO
    i hela staden"."""
    if level == "stadsdel":
        return f"Rangordning {year} – {universe_label.lower()}"
    return f"Rangordning {year} – {levels.get(level).label} i {UNIVERSE_TEXT[universe]}"


def stability_sentence(table: pd.DataFrame, draws: int, labels: Mapping[str, str]) -> str:
    """How firm the top five are under random weights, and the most uncertain of the first rows (`table`: the
    ranking with its robustness columns)."""
    top5 = table.nsmallest(5, "rank")
    names = ", ".join(labels[c] for c in top5["area_code"])
    least = top5["share_top_5"].min()
    shown = min(TABLE_ROWS, len(table))
    wobbly = table.nsmallest(shown, "rank").assign(width=lambda d: d["rank_p95"] - d["rank_p05"])
    w = wobbly.loc[wobbly["width"].idxmax()]
    return (
        f"De fem med högst risk – {names} – ligger kvar bland de fem högsta i minst **{number(least * 100, 0)} %** av "
        f"{number(draws, 0)} slumpade viktningar där varje vikt ändras upp till ±25 %. "
        f"Mest osäker bland de {shown} första är **{labels[w['area_code']]}**, som hamnar mellan plats "
        f"{int(w['rank_p05'])} och {int(w['rank_p95'])} i 90 % av dragningarna."
    )


def ranking_frame(
    rows: pd.DataFrame, units: pd.DataFrame, stadsdel_names: Mapping[str, str], origin: pd.DataFrame, deso: bool
) -> pd.DataFrame:
    """The ranking as the table and its export show it. `units`: the level's units by code; `origin`: synthetic
    and used values by area_code (`ui.results.value_origin`)."""
    synthetic = [
        f"{int(origin.at[c, 'synthetic'])} av {int(origin.at[c, 'used'])}" if c in origin.index else "–"
        for c in rows["area_code"]
    ]
    columns: dict[str, object] = {
        "Plats": rows["rank"].astype(int).to_numpy(),
        "Ändring": [change_label(d) for d in rows["delta"]],
    }
    if deso:
        columns["DeSO"] = rows["area_code"].map(units["name"]).to_numpy()
        columns["Stadsdel"] = rows["area_code"].map(units["stadsdel"]).to_numpy()
    else:
        columns["Stadsdel"] = rows["area_code"].map(stadsdel_names).to_numpy()
    columns["Område"] = rows["area_code"].map(units["district"]).to_numpy()
    columns |= {
        "Index": rows["composite"].round(1).to_numpy(),
        "Täckning": [percent(c) for c in rows["coverage"]],
        "Syntetiska": synthetic,
        "90 %-spann": [f"{int(a)}–{int(b)}" for a, b in zip(rows["rank_p05"], rows["rank_p95"], strict=True)],
        "Topp 22": rows["share_top_22"].to_numpy(),
        "Flaggor": rows["flag_count"].astype(int).to_numpy(),
        "Urval": rows["area_code"].map(units["in_programme"].astype(bool)).to_numpy(),
    }
    return pd.DataFrame(columns)


def shown_columns(deso: bool) -> list[str]:
    return SHOWN_COLUMNS_DESO if deso else SHOWN_COLUMNS


def ranking_export(view: pd.DataFrame, coverage: pd.Series) -> pd.DataFrame:
    """The table as downloaded: coverage as a number (per cent, one decimal) instead of text."""
    return view.drop(columns=["Täckning"]).assign(**{"Täckning (%)": (100 * coverage).round(1).to_numpy()})


def hidden_columns_caption(columns: list[str], shown: list[str]) -> str:
    hidden = [c for c in columns if c not in shown]
    return f"Fler kolumner ({', '.join(hidden).lower()}) finns i tabellens kolumnmeny och i exporten."


def band_rows(
    table: pd.DataFrame, labels: Mapping[str, str], regso: pd.Series | None = None
) -> tuple[pd.DataFrame, float]:
    """The rank bands of the first rows and the chart's x extent. With `regso` (RegSO name by DeSO code) a DeSO
    is labelled code first, so a shortened label still tells them apart."""
    if regso is not None:
        labels = {c: f"{c} {regso.get(c, '')}".strip() for c in table["area_code"]}
    rows = table.head(TABLE_ROWS).assign(stadsdel=lambda d: d["area_code"].map(labels))
    x_max = max(float(rows["rank_worst"].max()), float(rows["rank_p95"].max())) + 1
    columns = ["stadsdel", "rank", "rank_best", "rank_worst", "rank_p05", "rank_p95", "rank_median"]
    return rows[columns], x_max


def effective_weight_frame(
    effective: pd.Series, indicators: pd.DataFrame, domain_names: Mapping[str, str]
) -> pd.DataFrame:
    """Each indicator's effective weight (area share × share within the area) with its name and area's name."""
    eff = effective.rename_axis("code").reset_index()
    eff["indikator"] = eff["code"].map(dict(zip(indicators["code"], indicators["name"], strict=True)))
    domain = dict(zip(indicators["code"], indicators["domain"], strict=True))
    eff["område"] = eff["code"].map(domain).map(domain_names)
    return eff[["indikator", "område", "effective_weight"]]


def leave_one_out_sentence(loo: pd.DataFrame, codes: pd.Series, indicator_names: Mapping[str, str], level: str) -> str:
    """The indicator whose removal moves the ranked units (`codes`) furthest on average."""
    shift = loo.loc[codes].abs().mean().sort_values(ascending=False)
    top = shift.index[0]
    return (
        f"Tas **{indicator_names[top].lower()}** bort flyttar {levels.get(level).definite_plural} i snitt "
        f"{number(shift.iloc[0], 1)} platser – mer än någon annan indikator."
    )


def map_notes(origin: pd.DataFrame) -> dict[str, str]:
    """The tooltip's last line: whether the unit's index rests on synthetic values."""
    notes = {}
    # zip over plain lists, not itertuples: this runs on every slider move, and itertuples costs ~1 ms in pandas 3
    for code, synthetic, used in zip(origin["area_code"], origin["synthetic"], origin["used"], strict=True):
        if synthetic == 0:
            notes[code] = "verkliga värden"
        elif synthetic == used:
            notes[code] = "syntetiska värden"
        else:
            notes[code] = f"{synthetic} av {used} värden syntetiska"
    return notes


def rank_texts(table: pd.DataFrame) -> dict[str, str]:
    """The tooltip's place: "plats 3 av 117 · ▲ 2 mot standardvikterna"."""
    texts = {}
    total = len(table)
    for code, rank, delta in zip(table["area_code"], table["rank"].tolist(), table["delta"].tolist(), strict=True):
        change = change_label(delta)
        moved = "" if change == "–" else f" · {change} mot standardvikterna"
        texts[code] = f"plats {int(rank)} av {total}{moved}"
    return texts


def values_caption(level: str, real_only: bool, origin: pd.DataFrame, table_shown: bool) -> str:
    """What the ranked values are: real or synthetic, and from where."""
    if level == "deso":
        return (
            "Alla värden är verkliga: SCB:s statistik per DeSO 2024/2025 (Statistik: SCB, CC0). Varje DeSO räknas "
            "till den stadsdel den överlappar mest; 9 av 544 överlappar sin stadsdel mindre än 80 %."
        )
    if real_only:
        return (
            "Endast verkliga värden: SCB:s statistik 2024/2025 per DeSO, sammanvägd till stadsdel som "
            "befolkningsvägda medelvärden (Statistik: SCB, CC0). Inga syntetiska värden ingår."
        )
    mixed = int((origin["synthetic"] > 0).sum())
    return (
        f":orange[Syntetiska värden] – {mixed} av {len(origin)} stadsdelars index bygger helt eller delvis på "
        f"syntetiska (modellerade) värden{', se kolumnen *Syntetiska*' if table_shown else ''}. Rangordningen visar "
        "hur verktyget fungerar, inte verkliga förhållanden; välj *Endast verkliga värden* för SCB:s siffror."
    )


def unranked_caption(scores: pd.DataFrame, level: str, real_only: bool, labels: Mapping[str, str]) -> str | None:
    """The units of the comparison group without enough values to be ranked, and why (None if there are none)."""
    incomplete = scores[scores["incomplete"] & scores["in_universe"]]
    if not len(incomplete):
        return None
    names = sorted(labels[c] for c in incomplete["area_code"])
    listed = ", ".join(names) if len(names) <= 16 else ", ".join(names[:16]) + " …"
    if level == "deso":
        reason = "SCB redovisar inte alla värden för dem"
    elif real_only:
        reason = "små stadsdelar utan eget DeSO-område har inga värden från SCB"
    else:
        reason = "färre än 1 000 invånare ger inga modellerade värden, och små stadsdelar utan eget DeSO-område "
        reason += "har inga värden från SCB"
    return f"{len(incomplete)} {levels.get(level).plural} saknar värden och rangordnas inte ({reason}): {listed}."


def dominance_text(
    table: pd.DataFrame, labels: Mapping[str, str], indicator_names: Mapping[str, str], level: str
) -> str | None:
    """Where one indicator is more than half of the index: named unit by unit when few, counted when many."""
    mask = table["dominance"].to_numpy(dtype=bool)
    if not mask.any():  # the usual case, checked without building a frame (this runs on every slider move)
        return None
    dominated = table[mask]
    if len(dominated) <= 10:
        return "En enda indikator står för mer än halva indexet i: " + ", ".join(
            f"{labels[r.area_code]} ({indicator_names[r.dominant_indicator]})" for r in dominated.itertuples()
        )
    common = dominated["dominant_indicator"].value_counts()
    top = common.index[0]
    return (
        f"En enda indikator står för mer än halva indexet i {number(len(dominated), 0)} av {number(len(table), 0)} "
        f"{levels.get(level).plural} – i {number(int(common.iloc[0]), 0)} av dem {indicator_names[top].lower()}. Med "
        "få indikatorer per område väger varje indikator tungt."
    )


def programme_selection(scores: pd.DataFrame, areas: pd.DataFrame) -> dict[str, list[str]]:
    """The 22 outer-city stadsdelar the stadsdel `scores` pick, against the programme's list (`areas`: the
    stadsdelar with outer_city and in_programme)."""
    by_code = areas.set_index("code")
    candidates = scores["area_code"].map(by_code["outer_city"]).to_numpy(dtype=bool)
    current = scores["area_code"].map(by_code["in_programme"]).to_numpy(dtype=bool)
    return ix.selection(scores, candidates, current)


def selection_caveat(origin: pd.DataFrame, year: int) -> str:
    """What the comparison with the programme's list can show, with how modelled a typical stadsdel is (`origin`
    of all values at stadsdel level in `year`)."""
    modelled = int(origin["synthetic"].median()) if len(origin) else 0
    used = int(origin["used"].median()) if len(origin) else 0
    return (
        "**Vad jämförelsen kan och inte kan visa.** Den syntetiska modellen läser inte längre programmets lista – "
        "den bygger på verklig låg ekonomisk standard 2024 och publicerade siffror per stadsdelsområde – så "
        "överensstämmelsen är inte inbyggd. Men med *Alla värden* är ändå de flesta av indexets indikatorer "
        f"modellerade ({modelled} av {used} för en typisk stadsdel {year}), så där säger jämförelsen mest om "
        "modellen. Med *Endast verkliga värden* vilar jämförelsen bara på SCB:s siffror för 2024/2025 – försörjning "
        "och sociala risker, utan hälsa och trygghet – tio–elva år efter att programmet valde sina 22 stadsdelar "
        "2014. "
        "Att en stadsdel faller ut kan alltså betyda att den har förändrats, inte att urvalet var fel."
    )


def diagonal_style(row: pd.Series) -> list[str]:
    """The cross table's cells where the index class equals SCB's type (row i, column "Typ i+1"), for a Styler."""
    return [DIAGONAL_STYLE if col == f"Typ {row.name + 1}" else "" for col in row.index]


def validation_intro(index_year: int, regso_count: int, types_year: int) -> str:
    return (
        f"Indexet {index_year} räknat för Stockholms {regso_count} RegSO med sidans vikter, normalisering och "
        f"sammanvägning (verkliga värden), mot SCB:s indelning {types_year}."
    )


def validation_export(table: pd.DataFrame, regso_stadsdel: pd.Series) -> pd.DataFrame:
    """The RegSO validation as downloaded: with each RegSO's stadsdel (`regso_stadsdel`, by RegSO code), the index
    rounded to one decimal and Swedish column names."""
    return table.assign(stadsdel=table["regso_code"].map(regso_stadsdel), composite=table["composite"].round(1)).rename(
        columns=VALIDATION_EXPORT_COLUMNS
    )


def validation_notes(agree: float) -> str:
    """How the classes are made, what is in them and how to read the agreement (`agree`: share in the same class)."""
    return f"""
- **Så görs klasserna.** Indexets RegSO delas i fem klasser med SCB:s klasstorlekar: lika många i indexklass 1 som
  SCB har av typ 1, och så vidare. Diagonalen betyder alltså samma plats i ordningen, inte samma gränsvärden.
- **Vad som ingår.** På RegSO-nivå finns verkliga data bara för försörjning och sociala risker (SCB 2024/2025);
  hälsa och säkerhet och trygghet ingår inte. RegSO-värdena är DeSO-värden sammanvägda efter folkmängd.
- **Hur det ska läsas.** SCB:s typ bygger själv på inkomst, utbildning och sysselsättning – samma slags mått som
  indexet har här – så hög överensstämmelse är väntad och bevisar inte att indexet fångar social risk. Det
  intressanta är där de skiljer sig: {number(100 * (1 - agree), 0)} % av RegSO hamnar i en annan klass.
"""
