"""One stadsdel's indicators against the city and the programme area: the table the Stadsdel page shows and the
area brief prints. One function computes it so the page and the PDF cannot disagree about a value or its risk."""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from lib import aggregate, provenance
from lib.aggregate import relative_risk
from lib.fmt import number

CONTEXT = "kontext"  # the domain of context measures (population …): shown, never in the index or on a risk scale

COLUMNS = [
    "indicator_code",
    "name",
    "context",
    "unit",
    "decimals",
    "measure_source",
    "year",
    "value",
    "synthetic",
    "source",
    "licence",
    "city",
    "programme",
    "risk",
]


def group_value(groups: pd.DataFrame, group: str, indicator: str, year: int) -> float:
    """A group's value ("Staden", "Programområdet") of one indicator in one year, NaN when there is none."""
    sub = groups[(groups["group"] == group) & (groups["indicator_code"] == indicator) & (groups["year"] == year)]
    return float(sub["value"].iloc[0]) if len(sub) else float("nan")


def _group_lookup(groups: pd.DataFrame, names: tuple[str, ...]) -> dict[tuple[str, str, int], float]:
    """(group, indicator, year) → the group's value, the first row of each as `group_value` reads it: one pass
    instead of a filter of the whole frame per indicator."""
    sub = groups[groups["group"].isin(names)].drop_duplicates(["group", "indicator_code", "year"], keep="first")
    return {
        (g, c, int(y)): float(v)
        for g, c, y, v in zip(sub["group"], sub["indicator_code"], sub["year"], sub["value"], strict=True)
    }


def indicator_table(own: pd.DataFrame, groups: pd.DataFrame, indicators: pd.DataFrame, year: int) -> pd.DataFrame:
    """Per indicator (in the metadata's order), the unit's latest value at or before `year` with its own year,
    status and source, the city's and the programme area's value that year, and the relative risk against the
    city (100 = city; NaN for context measures). `own`: one unit's long values (indicator_code, year, value,
    synthetic, source, licence)."""
    latest = aggregate.latest_at(own, year).set_index("indicator_code")
    lookup = _group_lookup(groups, ("Staden", "Programområdet"))
    rows = []
    for ind in indicators.itertuples():
        if ind.code not in latest.index:
            continue
        v = latest.loc[ind.code]
        at = int(v["year"])
        city = lookup.get(("Staden", ind.code, at), float("nan"))
        context = ind.domain == CONTEXT
        rows.append(
            {
                "indicator_code": ind.code,
                "name": ind.name,
                "context": context,
                "unit": ind.unit,
                "decimals": int(ind.decimals),
                "measure_source": ind.source,
                "year": at,
                "value": float(v["value"]),
                "synthetic": v["synthetic"],
                "source": v["source"],
                "licence": v["licence"],
                "city": city,
                "programme": lookup.get(("Programområdet", ind.code, at), float("nan")),
                "risk": float("nan") if context else relative_risk(float(v["value"]), city, bool(ind.higher_is_worse)),
            }
        )
    return pd.DataFrame(rows, columns=COLUMNS)


def page_tables(table: pd.DataFrame, flags: Mapping[str, bool]) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The indicator table as the Stadsdel page shows it (numbers as Swedish text) and as it is downloaded
    (numbers as numbers, the full source). `flags`: indicator code → flagged by the index."""
    rows, numeric = [], []
    for r in table.itertuples():
        decimals = int(r.decimals)
        row = {
            "Indikator": r.name + (" (sammanhang)" if r.context else ""),
            "År": r.year,
            "Värde": number(r.value, decimals),
            "Status": provenance.status(r.synthetic),
            "Källa och licens": provenance.compact_source(r.source, r.licence, r.synthetic),
            "Staden": number(r.city, decimals),
            "Programområdet": number(r.programme, decimals),
            "Risk mot staden (100)": None if r.context or not np.isfinite(r.risk) else int(round(r.risk)),
            "Flagga": bool(flags.get(r.indicator_code, False)) if not r.context else False,
            "Enhet": r.unit,
        }
        rows.append(row)
        numeric.append(
            row
            | {
                "Värde": round(float(r.value), decimals),
                "Staden": round(r.city, decimals),
                "Programområdet": round(r.programme, decimals),
                "Källa och licens": provenance.source_text(r.source, r.licence, r.synthetic, r.measure_source),
                "Flagga": "ja" if row["Flagga"] else "nej",  # words in the sheet, not True/False
            }
        )
    return pd.DataFrame(rows), pd.DataFrame(numeric)


def domain_scores(
    scores: pd.DataFrame, code: str, programme: pd.Series, population: pd.Series, domain_names: Mapping[str, str]
) -> pd.DataFrame:
    """Per index domain (in order): the unit's domain score and the programme area's population-weighted mean of
    it. `programme`: the codes of the programme's units; `population`: population by unit code."""
    row = scores.set_index("area_code").loc[code]
    prog = scores[scores["area_code"].isin(programme)]
    weights = population.reindex(prog["area_code"]).to_numpy()
    rows = []
    for k, (dcode, dname) in enumerate(domain_names.items()):
        col = prog[f"domain_{dcode}"].to_numpy()
        ok = np.isfinite(col)
        rows.append(
            {
                "område": dname,
                "poäng": row[f"domain_{dcode}"],
                "programområdet": float(np.average(col[ok], weights=weights[ok])) if ok.any() else np.nan,
                "ordning": k,
            }
        )
    return pd.DataFrame(rows)


def trend_frame(
    own: pd.DataFrame, groups: pd.DataFrame, statuses: pd.DataFrame, indicators: pd.DataFrame, name: str
) -> pd.DataFrame:
    """The unit's, the programme area's and the city's series of every index indicator (serie, indicator_code,
    year, value, synthetic, code, name, unit, domain, status). A group's value counts as real only when all its
    units' values are (`statuses`)."""
    trend_own = own.assign(serie=name)
    trend_groups = groups[groups["group"].isin(["Programområdet", "Staden"])].rename(columns={"group": "serie"})
    trend_groups = trend_groups.merge(
        statuses.rename(columns={"group": "serie"}), on=["serie", "indicator_code", "year"], how="left"
    )
    trend = pd.concat(
        [trend_own[["serie", "indicator_code", "year", "value", "synthetic"]], trend_groups], ignore_index=True
    ).merge(indicators[["code", "name", "unit", "domain"]], left_on="indicator_code", right_on="code")
    trend = trend[trend["domain"] != CONTEXT]
    trend["status"] = trend["synthetic"].fillna(True).map(provenance.status)
    return trend
