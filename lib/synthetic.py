"""Deterministic synthetic values for every stadsdel × indicator × year, calibrated to real figures.

Why synthetic: stadsdel-level statistics for 2012–2020 are not in the material we may ship, yet the
dashboard needs a complete, plausible data set to be useful before the city loads its own. Every value
made here carries `synthetic = true`.

The model, in order:

1. **Population.** The real population of each stadsdel: the city's basområden for 2014–2016 and SCB's DeSO
   figures summed per stadsdel for 2025; the years between are interpolated geometrically, 2012–2013 extend
   the 2014–2016 growth backwards. A stadsdel without real figures (Riddarholmen) gets a share of its
   stadsdelsområde's 2011 population from its size.
2. **Latent disadvantage** `z` per stadsdel, from real data only: the stadsdel's standardised logit of real
   låg ekonomisk standard 2024 (SCB, DeSO aggregated to stadsdel; × 0.8), plus its stadsdelsområde's
   standardised log share on ekonomiskt bistånd 2015 (a published figure, × 0.4), plus normal noise (sd 0.3).
   The model never reads the programme's list of stadsdelar, so comparing an index built on these values with
   that list does not measure the model's own assumption.
3. **Indicators** on a link scale (logit for shares, log for rates, days and money):
   `link(base) + loading·z + inner·[inner city] + spread·u + (trend + slope)·(year − 2014) + ε`,
   with `u` a stadsdel × indicator effect, `slope` a small stadsdel trend and ε yearly noise that
   grows as the population shrinks. Shared `z` makes the indicators correlate as in real data.
4. **Suppression.** Stadsdelar with fewer than 1 000 inhabitants get no indicator values, as
   official statistics would be withheld for them.
5. **Calibration.** For each year with a comparable real figure, a shift on the link scale makes the
   population-weighted mean (or sum, for population) of the stadsdelar equal the figure: first for
   stadsdel figures, then for stadsdelsområde figures over the stadsdelar not yet fixed, then for
   the city over the rest. Each level's shifts are interpolated between its years and held flat
   outside them, so trends stay smooth.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from lib.reference import LEVEL_AREA, LEVEL_CITY, LEVEL_DISTRICT, slugify

MODEL_VERSION = "2"
SYNTHETIC_SOURCE = f"syntetisk modell v{MODEL_VERSION}"
MIN_POPULATION = 1_000
STORED_DECIMALS = 2  # display rounding is per indicator; storage keeps calibration exact
INNER_CITY = ("Norrmalm", "Östermalm", "Södermalm", "Kungsholmen")
LOW_RESIDENTIAL = (
    "Hansta",
    "Ulvsunda industriområde",
    "Riddarholmen",
    "Skeppsholmen",
    "Långholmen",
    "Norra Djurgården",
    "Djurgården",
    "Flaten",
    "Skrubba",
    "Orhem",
)
LATENT_INDICATOR, LATENT_YEAR = "lag_ekonomisk_standard", 2024
PARTLY_RESIDENTIAL = ("Kista", "Akalla", "Ladugårdsgärdet", "Västberga", "Riksby", "Hässelby villastad", "Solhem")


@dataclass(frozen=True)
class IndicatorModel:
    """Generation parameters of one indicator (link scale; positive loading = worse with disadvantage)."""

    code: str
    kind: str  # "share" (0–100, logit link) or "positive" (log link)
    base: float  # typical city value 2014, natural units
    loading: float
    trend: float
    spread: float = 0.15
    inner: float = 0.0
    noise: float = 0.04  # yearly noise sd on the link scale at 10 000 inhabitants


MODELS: tuple[IndicatorModel, ...] = (
    IndicatorModel("ekonomiskt_bistand", "share", 2.6, 0.75, -0.06, 0.20),
    IndicatorModel("forvarvsfrekvens", "share", 79.0, -0.40, 0.03, 0.10),
    IndicatorModel("arbetsloshet", "share", 5.2, 0.50, -0.04, 0.15),
    IndicatorModel("disponibel_inkomst", "positive", 540.0, -0.20, 0.025, 0.08, 0.10, 0.012),
    IndicatorModel("ohalsotal", "positive", 20.0, 0.28, -0.03, 0.10, -0.10),
    IndicatorModel("sjukpenningtal", "positive", 7.5, 0.18, 0.01, 0.10, -0.05),
    IndicatorModel("overvikt_4ar", "share", 10.0, 0.30, -0.01, 0.15, -0.20),
    IndicatorModel("anmalda_brott", "positive", 120.0, 0.12, -0.015, 0.25, 0.80, 0.05),
    IndicatorModel("valdsbrott", "positive", 9.0, 0.30, -0.01, 0.25, 0.50),
    IndicatorModel("anlagda_brander", "positive", 0.9, 0.45, 0.0, 0.30, 0.0, 0.12),
    IndicatorModel("oro_for_brott", "share", 9.0, 0.35, 0.0, 0.15),
    IndicatorModel("behorighet_gymnasiet", "share", 85.0, -0.50, 0.02, 0.15),
    IndicatorModel("eftergymnasial_utbildning", "share", 39.0, -0.45, 0.02, 0.15, 0.25),
    IndicatorModel("valdeltagande", "share", 82.0, -0.40, 0.02, 0.10),
    IndicatorModel("trangboddhet", "share", 14.0, 0.45, 0.01, 0.15),
    IndicatorModel("barn_ekonomiskt_bistand", "share", 5.0, 0.80, -0.06, 0.20),
)


def _link(values: np.ndarray, kind: str) -> np.ndarray:
    if kind == "share":
        p = np.clip(values / 100.0, 1e-6, 1 - 1e-6)
        return np.log(p / (1 - p))
    return np.log(np.maximum(values, 1e-9))


def _inverse_link(values: np.ndarray, kind: str) -> np.ndarray:
    if kind == "share":
        return 100.0 / (1.0 + np.exp(-values))
    return np.exp(values)


def parse_years(spec: str) -> list[int]:
    """'2012-2020' → [2012, …, 2020]; '2014,2018' → [2014, 2018]."""
    years: list[int] = []
    for part in str(spec).split(","):
        part = part.strip()
        if "-" in part:
            lo, hi = (int(x) for x in part.split("-"))
            years.extend(range(lo, hi + 1))
        elif part:
            years.append(int(part))
    return sorted(set(years))


def _aggregate(values: np.ndarray, weights: np.ndarray, how: str) -> float:
    ok = ~np.isnan(values)
    if how == "sum":
        return float(values[ok].sum())
    return float(np.average(values[ok], weights=weights[ok]))


def _solve_shift(
    link_vals: np.ndarray, free: np.ndarray, weights: np.ndarray, target: float, kind: str, how: str
) -> float:
    """Bisection for the link-scale shift on `free` units that brings the aggregate to `target`."""

    def aggregate(shift: float) -> float:
        shifted = link_vals + np.where(free, shift, 0.0)
        return _aggregate(_inverse_link(shifted, kind), weights, how)

    lo, hi = -15.0, 15.0
    for _ in range(80):
        mid = (lo + hi) / 2
        if aggregate(mid) < target:
            lo = mid
        else:
            hi = mid
    return (lo + hi) / 2


def calibrate(
    matrix: np.ndarray,
    weights: np.ndarray,
    years: list[int],
    area_codes: list[str],
    area_districts: list[str],
    targets: pd.DataFrame,
    kind: str,
    how: str,
) -> np.ndarray:
    """Shift `matrix` (areas × years, NaN = no value) so its aggregates meet `targets`.

    Level by level (stadsdel, stadsdelsområde, city), each level's shifts are solved at its target
    years on top of the finer levels' shifts, interpolated over the years and held flat outside
    them. Areas a finer level has fixed are left alone by coarser levels, so every target holds.
    """
    link = _link(matrix, kind)
    codes = np.asarray(area_codes)
    districts = np.asarray(area_districts)
    has_value = ~np.isnan(matrix)
    year_arr = np.asarray(years, dtype=float)
    total = np.zeros_like(link)
    pinned = np.zeros(len(codes), dtype=bool)
    for level, members_of in (
        (LEVEL_AREA, lambda t: codes == t.area_code),
        (LEVEL_DISTRICT, lambda t: districts == t.area),
        (LEVEL_CITY, lambda t: np.ones(len(codes), dtype=bool)),
    ):
        level_targets = targets[(targets["area_level"] == level) & targets["year"].isin(years)]
        shift = np.full_like(link, np.nan)
        fixed_here = np.zeros(len(codes), dtype=bool)
        for t in level_targets.itertuples(index=False):
            j = years.index(int(t.year))
            members = members_of(t)
            free = members & ~pinned & has_value[:, j]
            if not free.any():
                continue
            col = link[members, j] + total[members, j]
            c = _solve_shift(col, free[members], weights[members, j], float(t.value), kind, how)
            shift[free, j] = c
            fixed_here |= members
        for i in np.flatnonzero(~np.isnan(shift).all(axis=1)):
            known = ~np.isnan(shift[i])
            total[i] += np.interp(year_arr, year_arr[known], shift[i][known])
        pinned |= fixed_here
    return np.where(has_value, _inverse_link(link + total, kind), np.nan)


def _latent(areas: pd.DataFrame, targets: pd.DataFrame, real: pd.DataFrame, rng: np.random.Generator) -> np.ndarray:
    """Latent disadvantage from real figures: stadsdel low economic standard, district ekonomiskt bistånd."""
    eb = targets[
        (targets["indicator_code"] == "ekonomiskt_bistand")
        & (targets["area_level"] == LEVEL_DISTRICT)
        & (targets["year"] == 2015)
    ].set_index("area")["value"]
    district_z = pd.Series(0.0, index=areas["district"].unique())
    if len(eb) > 1:
        logs = np.log(eb)
        district_z.loc[eb.index] = ((logs - logs.mean()) / logs.std()).to_numpy()
    low = real[(real["indicator_code"] == LATENT_INDICATOR) & (real["year"] == LATENT_YEAR)]
    low = low.set_index("area_code")["value"].reindex(areas["code"]).to_numpy(dtype=float)
    logit = _link(low, "share")
    ok = np.isfinite(low)
    area_z = np.zeros(len(areas))
    if ok.sum() > 1:
        area_z[ok] = (logit[ok] - logit[ok].mean()) / logit[ok].std()
        fill = pd.Series(area_z[ok], index=areas["district"].to_numpy()[ok]).groupby(level=0).mean()
        area_z[~ok] = fill.reindex(areas["district"].to_numpy()[~ok]).fillna(0.0).to_numpy()
    z = 0.4 * district_z.reindex(areas["district"]).to_numpy() + 0.8 * area_z
    return z + rng.normal(0.0, 0.3, len(areas))


def _population(
    areas: pd.DataFrame, figures: pd.DataFrame, real: pd.DataFrame, years: list[int], rng: np.random.Generator
) -> np.ndarray:
    """Areas × years population from the real counts, interpolated geometrically between them."""
    pop = real[real["indicator_code"] == "befolkning"].pivot(index="area_code", columns="year", values="value")
    pop = pop.reindex(areas["code"])
    out = np.full((len(areas), len(years)), np.nan)
    fallback = _population_by_size(areas, figures, years, rng)
    for i, code in enumerate(areas["code"]):
        known = pop.loc[code].dropna()
        known = known[known > 0]
        if known.empty:
            out[i] = fallback[i]
            continue
        ky = known.index.to_numpy(dtype=float)
        logs = np.log(known.to_numpy(dtype=float))
        early = known.reindex([2014, 2016]).dropna()
        growth = float(np.log(early[2016] / early[2014]) / 2) if len(early) == 2 else 0.012
        growth = float(np.clip(growth, -0.02, 0.05))
        row = np.interp(years, ky, logs)
        row = np.where(np.asarray(years) < ky.min(), logs[0] + growth * (np.asarray(years) - ky.min()), row)
        row = np.where(np.asarray(years) > ky.max(), logs[-1] + growth * (np.asarray(years) - ky.max()), row)
        out[i] = np.exp(row)
    return out


def _population_by_size(
    areas: pd.DataFrame, figures: pd.DataFrame, years: list[int], rng: np.random.Generator
) -> np.ndarray:
    """A stadsdelsområde's 2011 population shared by size (for stadsdelar without real counts)."""
    weight = areas["area_km2"].to_numpy() ** 0.6
    weight = weight * np.where(areas["district"].isin(INNER_CITY), 2.5, 1.0)
    weight = weight * np.where(areas["name"].isin(PARTLY_RESIDENTIAL), 0.4, 1.0)
    weight = weight * rng.lognormal(0.0, 0.35, len(areas))
    weight = weight * np.where(areas["name"].isin(LOW_RESIDENTIAL), 0.01, 1.0)
    base = figures[
        (figures["indicator"] == "befolkning") & (figures["area_level"] == LEVEL_DISTRICT) & (figures["year"] == 2011)
    ].set_index("area")["value"]
    pop2011 = np.zeros(len(areas))
    for district, idx in areas.groupby("district").indices.items():
        total = float(base.get(district, 60_000.0))
        pop2011[idx] = total * weight[idx] / weight[idx].sum()
    return np.stack([pop2011 * 1.012 ** (y - 2011) for y in years], axis=1)


def generate_values(
    areas: pd.DataFrame,
    indicators: pd.DataFrame,
    figures: pd.DataFrame,
    targets: pd.DataFrame,
    real: pd.DataFrame,
    years: tuple[int, ...],
    seed: int = 2015,
) -> pd.DataFrame:
    """Long-format synthetic values (area_code, indicator_code, year, value, source, synthetic).

    `figures` are the raw real figures (for the 2011 population base); `targets` the comparable
    figures inside `years` that the result is calibrated to; `real` the real values per stadsdel (long:
    area_code, indicator_code, year, value) that population and latent disadvantage are drawn from. Nothing
    here knows which stadsdelar the programme covers.
    """
    rng = np.random.default_rng(seed)
    areas = areas.reset_index(drop=True)
    codes = areas["code"].tolist()
    districts = areas["district"].tolist()
    all_years = list(years)
    z = _latent(areas, targets, real, rng)
    pop = _population(areas, figures, real, all_years, rng)
    pop_targets = targets[targets["indicator_code"] == "befolkning"]
    pop = np.round(calibrate(pop, np.ones_like(pop), all_years, codes, districts, pop_targets, "positive", "sum"))
    inner = areas["district"].isin(INNER_CITY).to_numpy().astype(float)
    suppressed = pop[:, all_years.index(2014) if 2014 in all_years else 0] < MIN_POPULATION
    frames = [_long(codes, all_years, pop, "befolkning")]
    meta = indicators.set_index("code")
    for model in MODELS:
        ind_years = [y for y in parse_years(meta.loc[model.code, "measured_years"]) if y in all_years]
        cols = [all_years.index(y) for y in ind_years]
        t = np.asarray(ind_years, dtype=float) - 2014
        u = rng.normal(0.0, 1.0, len(areas))
        slope = rng.normal(0.0, 0.01, len(areas))
        noise_sd = model.noise * np.sqrt(10_000 / np.maximum(pop[:, cols], MIN_POPULATION))
        eps = rng.normal(0.0, 1.0, (len(areas), len(cols))) * noise_sd
        level = (
            _link(np.asarray([model.base]), model.kind)[0] + model.loading * z + model.inner * inner + model.spread * u
        )
        link_vals = level[:, None] + (model.trend + slope[:, None]) * t[None, :] + eps
        matrix = _inverse_link(link_vals, model.kind)
        matrix[suppressed, :] = np.nan
        ind_targets = targets[targets["indicator_code"] == model.code]
        how = str(meta.loc[model.code, "aggregation"])
        matrix = calibrate(matrix, pop[:, cols], ind_years, codes, districts, ind_targets, model.kind, how)
        frames.append(_long(codes, ind_years, np.round(matrix, STORED_DECIMALS), model.code))
    out = pd.concat(frames, ignore_index=True)
    out = out.dropna(subset=["value"])
    out["source"] = SYNTHETIC_SOURCE
    out["synthetic"] = True
    return out.sort_values(["indicator_code", "area_code", "year"]).reset_index(drop=True)


def _long(codes: list[str], years: list[int], matrix: np.ndarray, indicator: str) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "area_code": np.repeat(codes, len(years)),
            "indicator_code": indicator,
            "year": np.tile(years, len(codes)),
            "value": matrix.reshape(-1),
        }
    )


def build_areas(centroids: pd.DataFrame) -> pd.DataFrame:
    """The area table's source rows from the centroid list (name, district, centre and size)."""
    out = pd.DataFrame(
        {
            "code": centroids["stadsdel"].map(slugify),
            "name": centroids["stadsdel"],
            "district": centroids["stadsdelsomrade"],
            "lon": centroids["lon"],
            "lat": centroids["lat"],
            "area_km2": centroids["area_km2"],
        }
    )
    if out["code"].duplicated().any():
        raise ValueError("Två stadsdelar fick samma kod.")
    return out.sort_values("code").reset_index(drop=True)
