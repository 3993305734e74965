"""The tables of the Data och källor page, built from plain frames so they can be unit-tested without Streamlit:
the indicator catalogue, the list of real sources, the five real-data tables, the published reference figures,
an import's problems and preview, and the histories of imports and goal-tree installs."""

from __future__ import annotations

import pandas as pd

from lib import provenance, real, reference

REAL_TABLES = (
    "DeSO-värden (SCB)",
    "Verkliga stadsdelsvärden",
    "DeSO → RegSO → stadsdel",
    "Områdestyp per RegSO (SCB)",
    "Polisen 2025",
)


def python_text(table: pd.DataFrame) -> pd.DataFrame:
    """`table` with its text columns held as Python strings (object dtype) instead of Arrow-backed ones; the cells
    are the same. Why: a screen table is drawn through a pandas Styler, which walks every row with `itertuples`, and
    an Arrow-backed column converts each cell on its own there – for the thousands of rows of the real DeSO values
    that took most of a rerun."""
    text = [
        c
        for c, dtype in table.dtypes.items()
        if pd.api.types.is_string_dtype(dtype) and not pd.api.types.is_object_dtype(dtype)
    ]
    return table.astype(dict.fromkeys(text, object)) if text else table


def status_counts(rows: pd.DataFrame) -> dict:
    """Real and synthetic values of one indicator per stadsdel and their years: a user asks first how much of an
    indicator is measured and how much modelled."""
    is_model = rows["synthetic"].astype(bool)
    return {
        "real": int((~is_model).sum()),
        "real_years": provenance.year_span(rows.loc[~is_model, "year"]),
        "model": int(is_model.sum()),
        "model_years": provenance.year_span(rows.loc[is_model, "year"]),
    }


def catalogue(inds: pd.DataFrame, stadsdel_values: pd.DataFrame, deso_counts: pd.Series, context: str) -> pd.DataFrame:
    """The indicator catalogue, one row per indicator, with its real and synthetic counts first; `context` is the
    domain of measures shown but never in the index."""
    by_code = dict(tuple(stadsdel_values.groupby("indicator_code")))
    empty = stadsdel_values.iloc[0:0]
    counts = pd.DataFrame([status_counts(by_code.get(c, empty)) for c in inds["code"]], index=inds.index)
    return pd.DataFrame(
        {
            "Område": inds["domain_name"],
            "Indikator": inds["name"],
            "Verkliga värden, stadsdel": counts["real"],
            "År, verkliga": counts["real_years"],
            "Syntetiska värden, stadsdel": counts["model"],
            "År, syntetiska": counts["model_years"],
            "Verkliga värden, DeSO": inds["code"].map(deso_counts).fillna(0).astype(int),
            "Ingår i index": inds["domain"].ne(context).map({True: "ja", False: "nej (sammanhang)"}),
            "Enhet": inds["unit"],
            "Högre risk när": inds["higher_is_worse"].map({True: "värdet är högt", False: "värdet är lågt"}),
            "Definition": inds["definition"],
            "Källa (utgivare)": inds["source"],
            "Mätår": inds["measured_years"].str.replace("-", "–"),
        }
    )


def real_sources(real_counts: pd.DataFrame, stadsdel_geo: int, deso_geo: int) -> pd.DataFrame:
    """Every real source shipped (and the city's imports, when there are any) with its years, licence and number
    of rows; `real_counts` is indexed by dataset with `rows` and `years`."""

    def count(key: str) -> int:
        return int(real_counts.loc[key, "rows"]) if key in real_counts.index else 0

    def years(key: str) -> str:
        found = real_counts.loc[key, "years"] if key in real_counts.index else []
        return provenance.year_span(list(found)) if found is not None and len(found) else "–"

    rows = [
        {
            "Källa": "SCB, statistik per DeSO",
            "Innehåll": "Förvärvsfrekvens och arbetslöshet 20–64 år (TAB6680), nettoinkomst (TAB6683), ekonomisk "
            "standard (TAB6684), låg ekonomisk standard (TAB6685) 2024; eftergymnasial utbildning (TAB6534), "
            "folkmängd och utländsk bakgrund 2025",
            "År": years("deso_value"),
            "Licens": "CC0 1.0",
            "Rader": count("deso_value"),
        },
        {
            "Källa": "SCB, statistik per DeSO summerad till stadsdel",
            "Innehåll": "Samma mått per stadsdel: befolkningsvägt medel av stadsdelens DeSO, folkmängd summerad",
            "År": years("stadsdel_from_deso"),
            "Licens": "CC0 1.0",
            "Rader": count("stadsdel_from_deso"),
        },
        {
            "Källa": "SCB, länktabeller DeSO 2018 → RegSO 2020",
            "Innehåll": f"{count('deso_link')} DeSO i {count('regso_link')} RegSO; varje DeSO till den stadsdel "
            "det överlappar mest",
            "År": "2018 (DeSO), 2020 (RegSO)",
            "Licens": "CC0 1.0",
            "Rader": count("deso_link") + count("regso_link"),
        },
        {
            "Källa": "SCB, socioekonomisk områdestyp per RegSO",
            "Innehåll": "Fem typer, från stora socioekonomiska utmaningar till mycket goda förutsättningar",
            "År": years("regso_type"),
            "Licens": "CC0 1.0",
            "Rader": count("regso_type"),
        },
        {
            "Källa": "Stockholms stad, befolkning per basområde",
            "Innehåll": "Folkmängd per stadsdel (basområden summerade)",
            "År": years("city_population"),
            "Licens": "CC0 1.0",
            "Rader": count("city_population"),
        },
        {
            "Källa": "Stockholms stad, stadsdelsgränser (Stadskarta)",
            "Innehåll": "Kartans stadsdelar och vatten, förenklade för webben",
            "År": "2021",
            "Licens": "CC0 1.0",
            "Rader": stadsdel_geo,
        },
        {
            "Källa": "SCB, DeSO-gränser",
            "Innehåll": "Kartans DeSO, förenklade för webben",
            "År": "2018",
            "Licens": "CC0 1.0",
            "Rader": deso_geo,
        },
        {
            "Källa": "Polisen, utsatta och särskilt utsatta områden",
            "Innehåll": "Andel av varje DeSO som ligger i ett utsatt eller särskilt utsatt område (beräknad "
            "överlappning; inga polisområdesgränser i verktyget)",
            "År": years("police"),
            "Licens": "ingen licens angiven",
            "Rader": count("police"),
        },
    ]
    if count("imported"):
        rows.append(
            {
                "Källa": "Inlästa värden (Data och källor)",
                "Innehåll": "Stadens egna siffror, inlästa av redigerare",
                "År": years("imported"),
                "Licens": "enligt stadens uppgift",
                "Rader": count("imported"),
            }
        )
    return pd.DataFrame(rows)[["Källa", "År", "Licens", "Rader", "Innehåll"]]


def deso_value_table(deso_real: pd.DataFrame, ind_name: dict[str, str]) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "DeSO": deso_real["area_code"],
            "Indikator": deso_real["indicator_code"].map(ind_name),
            "År": deso_real["year"],
            "Värde": deso_real["value"],
            "Källa": deso_real["source"],
            "Licens": deso_real["licence"],
        }
    )


def stadsdel_value_table(
    stadsdel_real: pd.DataFrame, ind_name: dict[str, str], area_name: dict[str, str]
) -> pd.DataFrame:
    """Real stadsdel values; an import carries no licence of its own, so its licence is the city's word."""
    return pd.DataFrame(
        {
            "Stadsdel": stadsdel_real["area_code"].map(area_name),
            "Indikator": stadsdel_real["indicator_code"].map(ind_name),
            "År": stadsdel_real["year"],
            "Värde": stadsdel_real["value"],
            "Källa": stadsdel_real["source"],
            "Licens": stadsdel_real["licence"].fillna("enligt stadens uppgift"),
        }
    )


def link_table(deso_units: pd.DataFrame) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "DeSO": deso_units["code"],
            "RegSO-kod": deso_units["regso_code"],
            "RegSO": deso_units["regso"],
            "Stadsdel": deso_units["stadsdel"],
            "Andel av DeSO i stadsdelen": deso_units["overlap_share"],
            "År": 2018,
            "Källa": real.LINK_SOURCE,
            "Licens": real.SCB_LICENCE,
        }
    )


def regso_type_table(types: pd.DataFrame) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "RegSO-kod": types["regso_code"],
            "RegSO": types["regso"],
            "År": types["year"],
            "Områdestyp": types["omradestyp"],
            "Källa": types["source"],
            "Licens": types["licence"],
        }
    )


def police_table(police_all: pd.DataFrame) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "DeSO 2025": police_all["deso_2025"],
            "DeSO 2018": police_all["deso_2018"],
            "RegSO": police_all["regso"],
            "Stadsdel": police_all["stadsdel"],
            "Klass": police_all["klass"],
            "Andel av DeSO (%)": police_all["share_pct"],
            "varav utsatt (%)": police_all["utsatt_pct"],
            "varav särskilt utsatt (%)": police_all["sarskilt_pct"],
            "År": police_all["year"],
            "Källa": police_all["source"],
            "Licens": police_all["licence"],
        }
    )


def reference_table(refs: pd.DataFrame, ind_name: dict[str, str], calibration: pd.Series) -> pd.DataFrame:
    """The published figures with what they measure, whether they steer the synthetic values and what kind of
    source the link goes to (the publisher or a second-hand copy)."""
    return pd.DataFrame(
        {
            "Område": refs["area"],
            "Nivå": refs["area_level"].map(
                {"kommun": "staden", "stadsdelsomrade": "stadsdelsområde", "stadsdel": "stadsdel"}
            ),
            "Mått": refs["figure_indicator"].map(provenance.reference_measure),
            "Indikator": refs["indicator_code"].map(ind_name).fillna("–"),
            "År": refs["year"],
            "Värde": refs["value"],
            "Enhet": refs["unit"].map(provenance.reference_unit),
            "Kalibrering": calibration.map({True: "ja", False: "nej"}),
            "Kommentar": refs["mapping_comment"],
            "Källtyp": refs["source_url"].map(reference.source_kind),
            "Källa": refs["source_url"],
        }
    )


def programme_selection(areas: pd.DataFrame) -> pd.DataFrame:
    sel = areas[areas["in_programme"]][["name", "district", "selection_confidence", "selection_motivation"]]
    return sel.rename(
        columns={
            "name": "Stadsdel",
            "district": "Stadsdelsområde",
            "selection_confidence": "Säkerhet",
            "selection_motivation": "Motivering",
        }
    )


def problem_table(problems: list) -> pd.DataFrame:
    """An import's problems (`importer.Problem`), one a row, as the user fixes them: row, column, message."""
    return pd.DataFrame([{"Rad": p.row, "Kolumn": p.column, "Problem": p.message} for p in problems])


def preview_sample(sample: pd.DataFrame) -> pd.DataFrame:
    return sample.rename(
        columns={
            "area_code": "Stadsdel",
            "indicator_code": "Indikator",
            "year": "År",
            "value_before": "Före",
            "value": "Efter",
        }
    )


def import_history(history: pd.DataFrame) -> pd.DataFrame:
    return history.rename(
        columns={
            "id": "Nr",
            "imported_at": "Tid",
            "editor": "Redigerare",
            "filename": "Fil",
            "rows": "Värden",
            "new_values": "Nya",
            "changed_values": "Ändrade",
            "undone_at": "Ångrad",
            "undone_by": "Ångrad av",
        }
    )


def goal_tree_history(installs: pd.DataFrame) -> pd.DataFrame:
    """Goal-tree installs with a short checksum: enough to tell two files apart, short enough to read."""
    return pd.DataFrame(
        {
            "Nr": installs["id"],
            "Tid": pd.to_datetime(installs["installed_at"]).dt.strftime("%Y-%m-%d %H:%M"),
            "Redigerare": installs["editor"],
            "Fil": installs["filename"].fillna("–"),
            "Kontrollsumma (SHA-256)": installs["sha256"].str[:12] + "…",
        }
    )
