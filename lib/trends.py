"""The Utveckling page's figures: one indicator's series for chosen stadsdelar and groups, the change since the
baseline, the wide table and the sentences that describe real and modelled values.

Why apart from the page: which series count as real, where a change is measured from and how it is worded are
decisions to test, not layout."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import pandas as pd

from lib import provenance
from lib.aggregate import change_since
from lib.fmt import number

COLUMNS = ["serie", "year", "value", "synthetic", "source", "licence"]
GROUP_SOURCE = "befolkningsvägt medel av stadsdelarnas värden"
DOWNLOAD_NAMES = {
    "serie": "Serie",
    "year": "År",
    "value": "Värde",
    "synthetic": "Syntetiskt",
    "source": "Källa",
    "licence": "Licens",
    "status": "Status",
}


def year_spans(values: pd.DataFrame, code: str) -> tuple[str, str]:
    """The years with real and with synthetic values of one indicator ("2014–2016, 2025", "2012–2025")."""
    own = values[values["indicator_code"] == code]
    synthetic = own["synthetic"].astype(bool)
    return provenance.year_span(own.loc[~synthetic, "year"]), provenance.year_span(own.loc[synthetic, "year"])


def series(
    values: pd.DataFrame,
    groups: pd.DataFrame,
    code: str,
    chosen: Sequence[str],
    name_of: Mapping[str, str],
    refs: Sequence[str],
) -> pd.DataFrame:
    """One indicator's long series (serie, year, value, synthetic, source, licence, status) for the stadsdelar
    named in `chosen` and the groups in `refs`. A group without a status counts as synthetic."""
    code_of = {n: c for c, n in name_of.items()}
    own = values[(values["indicator_code"] == code) & values["area_code"].isin([code_of[c] for c in chosen])]
    own = own.assign(serie=own["area_code"].map(name_of))
    ref = groups[(groups["indicator_code"] == code) & groups["group"].isin(refs)].rename(columns={"group": "serie"})
    ref = ref.assign(source=GROUP_SOURCE, licence=None)
    data = pd.concat([own[COLUMNS], ref[COLUMNS]], ignore_index=True)
    data["synthetic"] = data["synthetic"].fillna(True).astype(bool)
    data["status"] = data["synthetic"].map(provenance.status)
    return data


def explanation(data: pd.DataFrame, definition: str, higher_is_worse: bool, measure_source: str) -> str:
    """The caption under the chart: the definition, which way is better, how many values are real or modelled and
    where the real ones come from."""
    better = "lägre" if higher_is_worse else "högre"
    real = data[~data["synthetic"]]
    real_sources = sorted(
        {provenance.source_text(s, lic, False) for s, lic in zip(real["source"], real["licence"], strict=True)}
        - {provenance.source_text(GROUP_SOURCE, None, False)}
    )
    n_model = int(data["synthetic"].sum())
    status_text = (
        (f"Fyllda punkter: {len(real)} verkliga värden ({provenance.year_span(real['year'])}). " if len(real) else "")
        + (f"Ringar: {n_model} syntetiska (modellerade) värden. " if n_model else "Alla värden här är verkliga. ")
        + "Staden och programområdet räknas som verkliga bara när alla stadsdelars värden är det."
    )
    return (
        f"{definition} Här är {better} värden bättre. {status_text}"
        + (f" Verkliga värden: {'; '.join(real_sources)}." if real_sources else "")
        + (f" Syntetiska värden: modellerade efter måttet från {measure_source}." if data["synthetic"].any() else "")
    )


def change_text(data: pd.DataFrame, order: Sequence[str], baseline: int, decimals: int, unit: str = "") -> str | None:
    """ "Förändring 2015–2025: **Rinkeby**: 1,0 → 2,0 (+100 %) · …" from the baseline (or the first year) to the
    last; a share ("% av …" in `unit`) changes in procentenheter, "12,0 → 20,0 (+8,0 procentenheter)", since
    "+67 %" of a percentage reads as points; for a measure of one year only, a sentence saying so; None when there
    is nothing to say."""
    years = sorted(int(y) for y in data["year"].unique())
    last = int(data["year"].max())
    start = baseline if baseline in set(data["year"]) else int(data["year"].min())
    sentences = []
    for serie in order:
        change = change_since(data[data["serie"] == serie].set_index("year")["value"], start, last)
        if change and start != last:
            a, b, rel = change
            moved = (
                f"{provenance.signed(b - a, decimals)} procentenheter"
                if provenance.is_share(unit)
                else f"{'+' if rel >= 0 else '−'}{number(abs(rel) * 100, 0)} %"
            )
            sentences.append(f"**{serie}**: {number(a, decimals)} → {number(b, decimals)} ({moved})")
    if sentences:
        return f"Förändring {start}–{last}: " + " · ".join(sentences)
    if len(years) == 1:
        return (
            f"Måttet finns bara för **{years[0]}** – som verklig statistik, utan modellerad tidsserie – så "
            "här går ingen förändring att visa."
        )
    return None


def wide(data: pd.DataFrame, order: Sequence[str], decimals: int) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Series × year tables of the values (rounded) and of whether each is synthetic, rows in `order`."""
    values = data.pivot_table(index="serie", columns="year", values="value").reindex(order)
    values = values.round(decimals)
    values.columns = [str(c) for c in values.columns]
    synthetic = data.pivot_table(index="serie", columns="year", values="synthetic", aggfunc="first").reindex(order)
    synthetic.columns = [str(c) for c in synthetic.columns]
    values.index.name = synthetic.index.name = "Serie"
    return values, synthetic


def download(data: pd.DataFrame) -> pd.DataFrame:
    """The series as a download: Swedish column names, the status in words (no true/false column)."""
    return data[COLUMNS + ["status"]].rename(columns=DOWNLOAD_NAMES).drop(columns="Syntetiskt")
