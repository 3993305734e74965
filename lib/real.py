"""Real, openly licensed statistics: derived from `../shared/reference/real/` into the project's `data/` files.

Why a derivation step: the sources come in their publishers' shapes (DeSO-2025 areas, RegSO-2020 link tables,
shares of DeSO covered by the Police's list). The app works on DeSO-2018 polygons and on the city's stadsdelar,
so the 25 DeSO-2025 areas that split a 2018 area are folded back into their parent here, weighted by
population, and every row that leaves this module carries its source, licence and year. `derive_all` is
deterministic: running `python -m lib.cli derive-real` again writes the same bytes.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from lib.aggregate import aggregate_units
from lib.reference import slugify

SCB_LICENCE = "CC0 1.0"
CITY_LICENCE = "CC0 1.0"
POLICE_LICENCE = "ingen licens angiven av Polisen; andelar och namn återges med källa"
DESO_SOURCE = "SCB, statistik per DeSO ({table})"
LINK_SOURCE = "SCB, DeSO 2018 → RegSO 2020; stadsdel efter största överlapp med Stockholms stads stadsdelsgränser"
REGSO_TYPE_SOURCE = "SCB, socioekonomisk områdestyp per RegSO (Delmos)"
POLICE_SOURCE = "Polisen, utsatta och särskilt utsatta områden 2025 (andel av DeSO, beräknad överlappning)"
CITY_POP_SOURCE = "Stockholms stad, befolkning per basområde (summerad till stadsdel)"


@dataclass(frozen=True)
class RealIndicator:
    """One column of the DeSO file and the indicator it becomes (with its year and SCB table)."""

    column: str
    indicator_code: str
    year: int
    table: str


#: The DeSO file's columns and what they are in the indicator catalogue. Definitions decide the code: SCB's
#: employment rate 20–64 is our förvärvsfrekvens; its register-based unemployment (of the labour force 20–64) and
#: post-secondary education of any length are not the Arbetsförmedlingen or "≥ 3 years" measures, so they are
#: indicators of their own.
DESO_INDICATORS: tuple[RealIndicator, ...] = (
    RealIndicator("pop_2025", "befolkning", 2025, "folkmängd"),
    RealIndicator("foreign_bg_pct_2025", "utlandsk_bakgrund", 2025, "utländsk bakgrund"),
    RealIndicator("net_income_mean_tkr_2024", "nettoinkomst", 2024, "TAB6683"),
    RealIndicator("econ_standard_median_tkr_2024", "ekonomisk_standard", 2024, "TAB6684"),
    RealIndicator("low_econ_standard_pct_2024", "lag_ekonomisk_standard", 2024, "TAB6685"),
    RealIndicator("unemployment_pct_20_64_2024", "arbetsloshet_scb", 2024, "TAB6680"),
    RealIndicator("employment_pct_20_64_2024", "forvarvsfrekvens", 2024, "TAB6680"),
    RealIndicator("post_secondary_pct_25_65_2025", "eftergymnasial_alla", 2025, "TAB6534"),
)


def _real_dir(shared: Path) -> Path:
    return shared / "reference" / "real"


def deso_units(shared: Path, area_names: pd.Series) -> pd.DataFrame:
    """The 544 DeSO-2018 areas with their RegSO, stadsdel (largest overlap) and how well they fit it."""
    link = pd.read_csv(_real_dir(shared) / "deso2018_till_stadsdel.csv")
    code_of = {name: slugify(name) for name in area_names}
    unknown = set(link["stadsdel_max_overlap"]) - set(code_of)
    if unknown:
        raise ValueError(f"Okända stadsdelar i länktabellen: {sorted(unknown)}")
    out = pd.DataFrame(
        {
            "code": link["deso_2018"],
            "regso_code": link["regsokod_2020"],
            "regso": link["regso_2020"],
            "area_code": link["stadsdel_max_overlap"].map(code_of),
            "overlap_share": link["overlap_share"],
            "n_stadsdelar": link["n_stadsdelar_touched"],
            "source": LINK_SOURCE,
            "licence": SCB_LICENCE,
        }
    )
    return out.sort_values("code").reset_index(drop=True)


def regso_units(shared: Path) -> pd.DataFrame:
    """The 127 RegSO-2020 areas with SCB's socioekonomisk områdestyp, long over 2022 and 2023."""
    raw = pd.read_csv(_real_dir(shared) / "regso2020_omradestyp_2022_2023.csv")
    long = raw.melt(
        id_vars=["RegSOkod_2020", "RegSO_2020"],
        value_vars=["omradestyp_2022", "omradestyp_2023"],
        var_name="year",
        value_name="omradestyp",
    )
    long["year"] = long["year"].str[-4:].astype(int)
    out = pd.DataFrame(
        {
            "regso_code": long["RegSOkod_2020"],
            "regso": long["RegSO_2020"],
            "year": long["year"],
            "omradestyp": long["omradestyp"].astype(int),
            "source": REGSO_TYPE_SOURCE,
            "licence": SCB_LICENCE,
        }
    )
    return out.sort_values(["regso_code", "year"]).reset_index(drop=True)


def deso_values(shared: Path) -> pd.DataFrame:
    """Long real values per DeSO-2018 (unit_code, indicator_code, year, value, source, licence, synthetic).

    A DeSO-2025 area that splits a 2018 area is folded into its parent: population is summed, every other
    measure is the population-weighted mean of the parts (the only weight the file offers)."""
    raw = pd.read_csv(_real_dir(shared) / "deso2025_indikatorer_2024_2025.csv")
    long = pd.concat(
        [
            pd.DataFrame(
                {
                    "area_code": raw["deso_2025"],
                    "indicator_code": spec.indicator_code,
                    "year": spec.year,
                    "value": raw[spec.column].astype(float),
                }
            )
            for spec in DESO_INDICATORS
        ],
        ignore_index=True,
    )
    weights = raw.set_index("deso_2025")["pop_2025"].astype(float)
    parent = raw.set_index("deso_2025")["deso_2018_match"]
    folded = aggregate_units(long, parent, weights)
    tables = {spec.indicator_code: spec.table for spec in DESO_INDICATORS}
    parts = raw.groupby("deso_2018_match").size()
    folded["source"] = [
        DESO_SOURCE.format(table=tables[ind]) + (f"; {parts[code]} DeSO 2025 sammanslagna" if parts[code] > 1 else "")
        for code, ind in zip(folded["area_code"], folded["indicator_code"], strict=True)
    ]
    folded["licence"] = SCB_LICENCE
    folded["synthetic"] = False
    folded["value"] = folded["value"].round(3)
    folded = folded.rename(columns={"area_code": "unit_code"}).drop(columns=["units"])
    return folded.sort_values(["indicator_code", "unit_code", "year"]).reset_index(drop=True)


def police_areas(shared: Path) -> pd.DataFrame:
    """The Police's 2025 list as shares of DeSO, named by the DeSO-2018 parent (RegSO and stadsdel come from it)."""
    raw = pd.read_csv(_real_dir(shared) / "polisen_utsatta_omraden_2025.csv", sep=";")
    deso = raw[raw["level"] == "deso"].copy()
    deso["deso_2025"] = deso["code"].str.split("_").str[0]
    parent = pd.read_csv(_real_dir(shared) / "deso2025_indikatorer_2024_2025.csv").set_index("deso_2025")
    deso["deso_2018"] = deso["deso_2025"].map(parent["deso_2018_match"])
    deso = deso[deso["deso_2018"].notna()]
    out = pd.DataFrame(
        {
            "deso_2025": deso["deso_2025"],
            "deso_2018": deso["deso_2018"],
            "klass": deso["class"].map({"utsatt": "utsatt område", "sarskilt": "särskilt utsatt område"}),
            "share_pct": deso["share_pct"].astype(float),
            "utsatt_pct": deso["utsatt_pct"].astype(float),
            "sarskilt_pct": deso["sarskilt_pct"].astype(float),
            "year": 2025,
            "source": POLICE_SOURCE,
            "licence": POLICE_LICENCE,
        }
    )
    return out.sort_values("deso_2025").reset_index(drop=True)


def city_population(shared: Path, area_names: pd.Series) -> pd.DataFrame:
    """Real population per stadsdel 2014–2016 (the city's basområden summed), as long real values."""
    raw = pd.read_csv(_real_dir(shared) / "stadsdel_befolkning_2014_2016.csv")
    code_of = {name: slugify(name) for name in area_names}
    out = pd.DataFrame(
        {
            "area_code": raw["stadsdel"].map(code_of),
            "indicator_code": "befolkning",
            "year": raw["year"].astype(int),
            "value": raw["total"].astype(float),
            "source": CITY_POP_SOURCE,
            "licence": CITY_LICENCE,
            "synthetic": False,
        }
    )
    if out["area_code"].isna().any():
        raise ValueError("Okänd stadsdel i befolkningsfilen.")
    return out.sort_values(["area_code", "year"]).reset_index(drop=True)


def derive_all(shared: Path, data_dir: Path) -> dict[str, int]:
    """Write every derived file into `data_dir`; returns rows per file."""
    area_names = pd.read_csv(data_dir / "area.csv")["name"]
    frames = {
        "deso.csv": deso_units(shared, area_names),
        "regso_type.csv": regso_units(shared),
        "deso_value.csv": deso_values(shared),
        "police_area.csv": police_areas(shared),
        "real_value.csv": city_population(shared, area_names),
    }
    for name, frame in frames.items():
        frame.to_csv(data_dir / name, index=False)
    return {name: len(frame) for name, frame in frames.items()}


STADSDEL_SOURCE = (
    "SCB, statistik per DeSO summerad till stadsdel ({table}; befolkningsvägd, DeSO efter största överlapp)"
)


def stadsdel_values(units: pd.DataFrame, deso: pd.DataFrame, city_population: pd.DataFrame) -> pd.DataFrame:
    """Real values per stadsdel: DeSO figures aggregated by population, plus the city's own population counts.

    Each DeSO goes wholly to the stadsdel it overlaps most (`units.area_code`); 9 of the 544 overlap their stadsdel
    by less than 80 %, so for the stadsdelar around them the figure is an approximation, said in the source. Six
    small stadsdelar contain no DeSO of their own and get no DeSO-based value."""
    long = deso.rename(columns={"unit_code": "area_code"})
    population = long[long["indicator_code"] == "befolkning"].set_index("area_code")["value"]
    parent = units.set_index("code")["area_code"]
    out = aggregate_units(long, parent, population)
    tables = {spec.indicator_code: spec.table for spec in DESO_INDICATORS}
    out["value"] = out["value"].round(3)
    out["source"] = out["indicator_code"].map(lambda code: STADSDEL_SOURCE.format(table=tables[code]))
    out["licence"] = SCB_LICENCE
    out["synthetic"] = False
    out = out.drop(columns=["units"])
    return pd.concat([city_population, out], ignore_index=True).sort_values(
        ["indicator_code", "area_code", "year"], ignore_index=True
    )


def read_stadsdel_values(data_dir: Path) -> pd.DataFrame:
    """`stadsdel_values` from the derived files in `data_dir`."""
    return stadsdel_values(
        pd.read_csv(data_dir / "deso.csv"),
        pd.read_csv(data_dir / "deso_value.csv"),
        pd.read_csv(data_dir / "real_value.csv"),
    )
