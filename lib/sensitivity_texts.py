"""Känslighetsanalys: the uncertainty and sensitivity analysis of `lib.index.sensitivity` as Swedish sentences,
tables, chart rows and downloads.

Why apart from the engine: it returns figures under short codes for any caller (the CLI, the brief, tests); which
assumption a planner is told moves a stadsdel's rank, and how a band of ranks is read aloud, is wording. Pure pandas,
no Streamlit, so every sentence is unit-tested.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from lib import export_tables
from lib.export import REAL, SYNTHETIC
from lib.fmt import number

#: How a sentence names an assumption ("… beror främst på valet av normalisering").
DRIVER_PHRASES = {
    "normalisation": "valet av normalisering",
    "aggregation": "valet av aggregering",
    "area_weights": "områdesvikterna",
    "indicator_set": "vilka indikatorer som ingår",
    "coverage": "täckningskravet",
}
#: The rank bands' columns on screen and in the download (plats 1 = högst risk).
BAND_COLUMNS = {
    "name": "Stadsdel",
    "nominal_rank": "Plats",
    "median_rank": "Medianplats",
    "p05": "Plats 5 %",
    "p95": "Plats 95 %",
    "best": "Högsta plats",
    "worst": "Lägsta plats",
    "unranked_share": "Utan index",
}
S1, ST = "Förstagradsindex", "Totalindex"
#: A total index whose 95 % half-width is wider than this is too unsure to name a driver without saying so: it
#: happens where a rank hardly ever moves (the variance the estimators divide by is close to 0).
UNSURE_CONF = 0.25
INDEX_COLUMNS = {"name": "Antagande", "S1": S1, "S1_conf": f"{S1} ±", "ST": ST, "ST_conf": f"{ST} ±"}
INDEX_KINDS = (S1, ST)


def run_count(samples: int, assumptions: int) -> int:
    """Model evaluations of a Saltelli sample without second-order terms: N · (k + 2)."""
    return int(samples) * (int(assumptions) + 2)


def runs_label(samples: int, assumptions: int) -> str:
    """ "7 168 körningar" for 1 024 base samples and five assumptions (the select's option)."""
    return f"{number(run_count(samples, assumptions), 0)} körningar"


def settings_text(samples: int, seed: int, assumptions: int) -> str:
    """ "7 168 körningar, slumpfrö 2015": what a result was computed with (the seed as typed, no grouping)."""
    return f"{runs_label(samples, assumptions)}, slumpfrö {int(seed)}"


def index_text(value: float) -> str:
    """A Sobol index with two decimals, Swedish: 0.6213 → "0,62"."""
    return number(float(value), 2)


def genitive(name: str) -> str:
    """Swedish genitive of a place name: "Rinkebys", but "Hägerstens" → unchanged after s, x or z."""
    return name if name.endswith(("s", "x", "z")) else f"{name}s"


def _places(value: float) -> str:
    text = number(float(value), 1)
    return f"{text} plats" if text == "1,0" else f"{text} platser"


def driver(indices: pd.DataFrame) -> pd.Series | None:
    """The row of the assumption with the largest total index, or None when no total index is known."""
    known = indices.dropna(subset=["ST"])
    return None if known.empty else known.loc[known["ST"].idxmax()]


def overall_sentence(overall: pd.DataFrame, mean_shift: float) -> str:
    """How far ranks move on average, and the assumption that moves them most (by its total index)."""
    if not np.isfinite(mean_shift) or mean_shift <= 0:
        return "Ingen stadsdel byter plats när antagandena varieras: rangordningen är densamma i alla körningar."
    top = driver(overall)
    head = f"I genomsnitt flyttar en stadsdel {_places(mean_shift)}"
    if top is None:
        return f"{head}."
    return f"{head}; mest beror det på {DRIVER_PHRASES[top['assumption']]} (totalt index {index_text(top['ST'])})."


def stored_sentence(stored: Mapping[str, object]) -> str | None:
    """A saved scenario's analysis (`lib.index.sensitivity.sensitivity_summary`) in words, or None when it cannot be
    read – a scenario is still loadable without it."""
    try:
        samples, seed = int(stored["samples"]), int(stored["seed"])  # type: ignore[call-overload]
        overall = pd.DataFrame(list(stored["overall"]))  # type: ignore[call-overload]
        found = overall_sentence(overall, float(stored["mean_shift"]))  # type: ignore[arg-type]
    except (KeyError, TypeError, ValueError):
        return None
    return (
        f"Sparad med en känslighetsanalys ({settings_text(samples, seed, len(DRIVER_PHRASES))}): {found} Läs in "
        "scenariot och öppna Känslighetsanalys med samma körningar och slumpfrö för att se hela analysen."
    )


def band_sentence(name: str, band: Mapping[str, float], n_units: int) -> str:
    """One stadsdel's rank with the standard choices and where it lands in 90 % of the runs."""
    nominal, low, high = (int(round(float(band[k]))) for k in ("nominal_rank", "p05", "p95"))
    best, worst = int(round(float(band["best"]))), int(round(float(band["worst"])))
    where = f"på plats {low}" if low == high else f"mellan plats {low} och {high}"
    extremes = "" if best == worst else f" (som högst plats {best}, som lägst {worst})"
    return (
        f"Med indexets egna val har {name} plats {nominal} av {n_units}. I 90 % av körningarna hamnar "
        f"{name} {where}{extremes}."
    )


def unit_sentence(name: str, indices: pd.DataFrame | None) -> str:
    """Which assumption a stadsdel's rank depends on most, by its total index, and how much of the rank's variation
    it explains alone (first-order) and with its interactions (total). `indices` None: not ranked in every run."""
    if indices is None:
        return (
            f"{name} får inte ett index i alla körningar (täckningskravet), så variationen i platsen kan inte "
            "delas upp på antagandena."
        )
    top = driver(indices)
    if top is None or float(top["ST"]) <= 0:
        return f"{genitive(name)} plats ändras inte av något av antagandena."
    alone = max(float(top["S1"]), 0.0)
    total = min(float(top["ST"]), 1.0)
    phrase = DRIVER_PHRASES[top["assumption"]]
    half = float(top.get("ST_conf", np.nan))
    if np.isfinite(half) and half > UNSURE_CONF:
        return (
            f"{genitive(name)} plats ändras så sällan att indexen per antagande blir osäkra: mest pekar mot "
            f"{phrase} (totalt index {index_text(total)} ± {index_text(half)}). Fler körningar ger säkrare index; "
            "spridningen ovan säger hur lite platsen rör sig."
        )
    head = f"{genitive(name)} plats beror främst på {phrase} (totalt index {index_text(total)}): ensamt förklarar det"
    with_others = f"{number(100 * total, 0)} % när samspelet med de andra antagandena räknas med"
    if alone < 0.05:
        return f"{head} nästan inget av variationen i platsen, men {with_others}."
    return f"{head} omkring {number(100 * alone, 0)} % av variationen i platsen, och {with_others}."


def band_frame(bands: pd.DataFrame, names: Mapping[str, str], codes: Sequence[str] | None = None) -> pd.DataFrame:
    """The rank bands as a Swedish table, by rank with the standard choices; only `codes` when given."""
    t = bands if codes is None else bands[bands["area_code"].isin(set(codes))]
    t = t.sort_values("nominal_rank").assign(name=t["area_code"].map(lambda c: names.get(c, c)))
    return t[list(BAND_COLUMNS)].rename(columns=BAND_COLUMNS).reset_index(drop=True)


def band_rows(bands: pd.DataFrame, names: Mapping[str, str], codes: Sequence[str] | None = None) -> pd.DataFrame:
    """Rows for the rank band chart: stadsdel, plats, median, p05, p95, hogst, lagst (ranks as numbers)."""
    t = band_frame(bands, names, codes)
    return pd.DataFrame(
        {
            "stadsdel": t["Stadsdel"],
            "plats": t["Plats"],
            "median": t["Medianplats"],
            "p05": t["Plats 5 %"],
            "p95": t["Plats 95 %"],
            "hogst": t["Högsta plats"],
            "lagst": t["Lägsta plats"],
        }
    )


def clipped(indices: pd.DataFrame) -> pd.DataFrame:
    """The indices as shown: an estimate below 0 (sampling noise around an index of 0) is shown as 0."""
    return indices.assign(S1=indices["S1"].clip(lower=0), ST=indices["ST"].clip(lower=0))


def index_frame(indices: pd.DataFrame) -> pd.DataFrame:
    """First-order and total index per assumption with their 95 % half-widths, in the engine's order."""
    return indices[list(INDEX_COLUMNS)].rename(columns=INDEX_COLUMNS).reset_index(drop=True)


def index_rows(indices: pd.DataFrame) -> pd.DataFrame:
    """Long rows for the index bars: antagande, index (Förstagradsindex/Totalindex), varde, lag, hog (95 %)."""
    parts = []
    for kind, value, conf in ((S1, "S1", "S1_conf"), (ST, "ST", "ST_conf")):
        half = indices[conf] if conf in indices else pd.Series(np.nan, index=indices.index)
        parts.append(
            pd.DataFrame(
                {
                    "antagande": indices["name"],
                    "index": kind,
                    "varde": indices[value],
                    "lag": indices[value] - half,
                    "hog": indices[value] + half,
                }
            )
        )
    return pd.concat(parts, ignore_index=True)


def per_unit_frame(per_unit: pd.DataFrame, names: Mapping[str, str]) -> pd.DataFrame:
    """Every stadsdel's first-order and total index per assumption (no intervals: the all-units estimator)."""
    t = per_unit.assign(area=per_unit["area_code"].map(lambda c: names.get(c, c)))
    return t[["area", "name", "S1", "ST"]].rename(columns={"area": "Stadsdel", "name": "Antagande", "S1": S1, "ST": ST})


def marking(synthetic_counts: Mapping[str, object], codes: Sequence[str]) -> list[str]:
    """Per unit: "verklig" when none of the values behind its index is modelled, else (or unknown) "syntetisk"."""
    out = []
    for code in codes:
        count = pd.to_numeric(pd.Series([synthetic_counts.get(code)]), errors="coerce").iloc[0]
        out.append(REAL if pd.notna(count) and count == 0 else SYNTHETIC)
    return out


def downloads(
    bands: pd.DataFrame,
    overall: pd.DataFrame,
    per_unit: pd.DataFrame,
    names: Mapping[str, str],
    synthetic_counts: Mapping[str, object],
    note: str,
) -> dict[str, pd.DataFrame]:
    """The page's three tables prepared for download: the bands and the per-unit indices marked per stadsdel, the
    overall indices marked syntetisk when any stadsdel's index rests on a modelled value. `note` says how they
    were computed (runs and seed), and joins every row's source."""
    band = band_frame(bands, names)
    by_name = {names.get(c, c): c for c in bands["area_code"]}
    band_marks = marking(synthetic_counts, [by_name[n] for n in band["Stadsdel"]])
    unit = per_unit_frame(per_unit, names)
    unit_marks = marking(synthetic_counts, list(per_unit["area_code"]))
    overall_mark = SYNTHETIC if SYNTHETIC in band_marks else REAL
    ranks = dict.fromkeys(("Medianplats", "Plats 5 %", "Plats 95 %"), 1) | {"Utan index": 3}
    whole = dict.fromkeys(("Plats", "Högsta plats", "Lägsta plats"), 0)
    return {
        "platser": export_tables.sensitivity(band, band_marks, note, ranks | whole),
        "index": export_tables.sensitivity(
            index_frame(overall), overall_mark, note, dict.fromkeys(list(INDEX_COLUMNS.values())[1:], 3)
        ),
        "index_per_stadsdel": export_tables.sensitivity(unit, unit_marks, note, {S1: 3, ST: 3}),
    }
