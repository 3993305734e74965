"""Statistisk granskning: the audit of `lib.index.audit` as Swedish tables, sentences, chart rows and downloads.

Why apart from `lib.index.audit`: that module computes figures with short codes for any caller (tests, the CLI);
what a planner reads – which pair overlaps, in words, which weight is far from its nominal value – is wording,
and the downloads' marking and source belong with the tables they mark. Pure pandas, no Streamlit.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from lib import export
from lib.export import REAL, SYNTHETIC
from lib.export_tables import INDEX_SOURCE
from lib.fmt import number
from lib.index.audit import DOUBLE_COUNT_R, IndexAudit

#: The default index's answer to double counting: of each overlapping pair one indicator has the default weight 0 in
#: data/indicator.csv (left out → kept). Why this one of the pair: measured 2024 on the stadsdel data, leaving out
#: barn i ekonomiskt bistånd takes the pair from 25 % of the index's variance (nominal 9 %) to 11 % (nominal 4 %)
#: and the sum of |effective − nominal| weight from 0,56 to 0,50; leaving out ekonomiskt bistånd instead, 0,52.
DEFAULT_LEFT_OUT = {"barn_ekonomiskt_bistand": "ekonomiskt_bistand"}

#: Effective weight at least this many times the nominal one, or at most its inverse, is "far from nominal".
FAR_FACTOR = 2.0

DOMAIN_COLUMNS = {
    "domain": "Område",
    "n_indicators": "Indikatorer",
    "n_units": "Enheter",
    "pc1_share": "Första komponentens andel",
    "alpha": "Cronbachs α",
}
WEIGHT_COLUMNS = {
    "indicator": "Indikator",
    "domain": "Område",
    "nominal_weight": "Nominell vikt",
    "effective_weight": "Effektiv vikt",
    "importance_share": "Betydelse",
    "r_domain": "r mot området",
    "r_composite": "r mot indexet",
}
PAIR_COLUMNS = {
    "indicator_a": "Indikator A",
    "indicator_b": "Indikator B",
    "domain_a": "Område A",
    "domain_b": "Område B",
    "r": "r",
    "n": "Enheter",
    "same_domain": "Samma område",
    "flagged": "Möjlig dubbelräkning",
}


def r_text(r: float) -> str:
    """A correlation as "r = 0,93" (two decimals, Swedish)."""
    return f"r = {number(float(r), 2)}"


def pair_sentence(audit: IndexAudit, names: Mapping[str, str]) -> str:
    """The flagged pairs in words, strongest first, or that there are none."""
    flagged = audit.flagged
    limit = number(DOUBLE_COUNT_R, 1)
    if flagged.empty:
        return f"Inga indikatorpar samvarierar med |r| ≥ {limit}: ingen indikator verkar räknas dubbelt."
    weight = audit.indicators.set_index("indicator")["nominal_weight"]
    unweighted = [c for c in weight.index if weight[c] == 0]

    def note(a: str, b: str, same: bool) -> str:
        zero = [names.get(c, c).lower() for c in (a, b) if c in unweighted]
        return ("" if same else ", i olika områden") + "".join(f", {z} väger 0 i indexet" for z in zero)

    pairs = [
        f"**{names.get(a, a)}** och **{names.get(b, b)}** ({r_text(r)}{note(a, b, same)})"
        for a, b, r, same in flagged[["indicator_a", "indicator_b", "r", "same_domain"]].itertuples(index=False)
    ]
    listed = pairs[0] if len(pairs) == 1 else ", ".join(pairs[:-1]) + " samt " + pairs[-1]
    many = "Dessa par samvarierar" if len(pairs) > 1 else "Paret samvarierar"
    return (
        f"{listed}. {many} så starkt (|r| ≥ {limit}) att de troligen mäter nästan samma sak – om båda har vikt "
        "väger de tillsammans tyngre i indexet än deras vikter säger."
    )


def double_counting_note(names: Mapping[str, str], audit: IndexAudit | None = None) -> str:
    """What the default index does about the overlapping pair, with the pair's r in the data shown when `audit` has
    it – so Index och vikter and the granskning say the same thing."""
    parts = []
    for left, kept in DEFAULT_LEFT_OUT.items():
        r = ""
        if audit is not None and {left, kept} <= set(audit.matrix.index):
            value = float(audit.matrix.loc[left, kept])
            r = f" ({r_text(value)} här)" if np.isfinite(value) else ""
        parts.append(
            f"**{names.get(left, left)}** har standardvikten 0 i indexet: den mäter nästan samma sak som "
            f"**{names.get(kept, kept)}**{r}, och med båda räknades ekonomiskt bistånd två gånger – 2024 bar paret en "
            "fjärdedel av indexets variation mot 9 % nominell vikt. Av de två lämnades barnindikatorn utanför "
            "eftersom det gav minst skillnad mellan nominell och effektiv vikt. Den visas fortfarande i profilerna "
            "och kan ges en vikt på sidan Index och vikter."
        )
    return " ".join(parts)


def domain_frame(audit: IndexAudit, domain_names: Mapping[str, str]) -> pd.DataFrame:
    """Områdenas samstämmighet: per area its indicators, units, first component's share (0–1) and α."""
    out = audit.domains.assign(domain=audit.domains["domain"].map(lambda c: domain_names.get(c, c)))
    return out.rename(columns=DOMAIN_COLUMNS)


def weight_frame(audit: IndexAudit, names: Mapping[str, str], domain_names: Mapping[str, str]) -> pd.DataFrame:
    """Nominell och effektiv vikt: per indicator its shares (0–1) and correlations, largest effective weight first."""
    t = audit.indicators.sort_values("effective_weight", ascending=False, na_position="last")
    t = t.assign(indicator=t["indicator"].map(lambda c: names.get(c, c)), domain=t["domain"].map(domain_names))
    return t[list(WEIGHT_COLUMNS)].rename(columns=WEIGHT_COLUMNS).reset_index(drop=True)


def far_from_nominal(audit: IndexAudit) -> tuple[list[str], list[str]]:
    """Codes of the indicators whose effective weight is at least `FAR_FACTOR` times the nominal one, and of those
    at most 1/`FAR_FACTOR` of it – each list by how far, furthest first."""
    t = audit.indicators
    ratio = (t["effective_weight"] / t["nominal_weight"].where(t["nominal_weight"] > 0)).to_numpy(dtype=float)
    order = np.argsort(-np.nan_to_num(ratio, nan=1.0))
    codes = [t["indicator"].iloc[i] for i in order]
    heavy = [c for c, r in zip(codes, ratio[order], strict=True) if r >= FAR_FACTOR]
    light = [c for c, r in zip(codes, ratio[order], strict=True) if r <= 1 / FAR_FACTOR][::-1]
    return heavy, light


def _listing(codes: list[str], names: Mapping[str, str], audit: IndexAudit) -> str:
    t = audit.indicators.set_index("indicator")
    parts = [
        f"{names.get(c, c)} ({_pct(t.loc[c, 'effective_weight'])} mot {_pct(t.loc[c, 'nominal_weight'])})"
        for c in codes
    ]
    return parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " och " + parts[-1]


def _pct(share: float) -> str:
    return f"{number(100 * float(share), 1)} %"


def weight_sentence(audit: IndexAudit, names: Mapping[str, str]) -> str:
    """The indicators whose effective weight is far from the nominal one, in words."""
    heavy, light = far_from_nominal(audit)
    if not heavy and not light:
        return "Ingen indikators effektiva vikt är mer än dubbelt så stor eller mindre än hälften av den nominella."
    parts = []
    if heavy:
        parts.append(f"Mer än dubbelt så stor effektiv som nominell vikt: {_listing(heavy, names, audit)}.")
    if light:
        parts.append(f"Mindre än hälften av den nominella vikten: {_listing(light, names, audit)}.")
    return " ".join(parts)


def distortion(audit: IndexAudit) -> float:
    """Sum over indicators of |effective − nominal weight| (0 = every indicator weighs what it is said to; 2 = none)."""
    t = audit.indicators
    return float((t["effective_weight"] - t["nominal_weight"]).abs().sum())


def method_comparison(audit: IndexAudit, other: IndexAudit, other_label: str, names: Mapping[str, str]) -> str:
    """What the normalisation does to the weights: how far effective weights lie from nominal under the method in
    use and under `other`, and the indicators whose effective weight moves most between them."""
    now = audit.indicators.set_index("indicator")["effective_weight"]
    then = other.indicators.set_index("indicator")["effective_weight"].reindex(now.index)
    moved = (now - then).abs().sort_values(ascending=False).dropna()
    top = [f"{names.get(c, c)} {_pct(then[c])} → {_pct(now[c])}" for c in moved.index[:3] if moved[c] >= 0.005]
    listed = (": " + ", ".join(top)) if top else ""
    return (
        f"**Normaliseringens verkan på vikterna.** Summan av avvikelserna mellan effektiv och nominell vikt är "
        f"{number(distortion(audit), 2)} med vald normalisering och {number(distortion(other), 2)} med "
        f"”{other_label}” (0 = varje indikator väger det den sägs väga). Störst skillnad i effektiv vikt, från "
        f"”{other_label}” till vald metod{listed}."
        if top
        else f"**Normaliseringens verkan på vikterna.** Summan av avvikelserna mellan effektiv och nominell vikt är "
        f"{number(distortion(audit), 2)} med vald normalisering och {number(distortion(other), 2)} med "
        f"”{other_label}”."
    )


def heatmap_rows(audit: IndexAudit, names: Mapping[str, str]) -> pd.DataFrame:
    """The correlation matrix as long rows for the heatmap: rad, kolumn (indicator names), r, flaggad (|r| ≥ the
    mark, off the diagonal)."""
    m = audit.matrix.rename(index=names, columns=names)
    long = m.rename_axis(index="rad", columns="kolumn").stack(future_stack=True).rename("r").reset_index()
    long["flaggad"] = (long["r"].abs() >= DOUBLE_COUNT_R) & (long["rad"] != long["kolumn"])
    return long


def weight_bar_rows(audit: IndexAudit, names: Mapping[str, str]) -> pd.DataFrame:
    """Nominal and effective weight per indicator as long rows for the bar chart: indikator, vikt, andel."""
    t = audit.indicators.sort_values("effective_weight", ascending=False)
    wide = pd.DataFrame(
        {
            "indikator": t["indicator"].map(lambda c: names.get(c, c)),
            "Nominell vikt": t["nominal_weight"],
            "Effektiv vikt": t["effective_weight"],
        }
    )
    return wide.melt(id_vars="indikator", var_name="vikt", value_name="andel")


def marking(synthetic_counts: pd.Series) -> str:
    """ "syntetisk" when any value behind the audited units is synthetic (count > 0 or unknown), else "verklig"."""
    counts = pd.to_numeric(synthetic_counts, errors="coerce")
    return SYNTHETIC if counts.empty or counts.isna().any() or (counts > 0).any() else REAL


def downloads(
    audit: IndexAudit, names: Mapping[str, str], domain_names: Mapping[str, str], mark: str
) -> dict[str, pd.DataFrame]:
    """The three tables of the page, prepared for download (lib.export.prepare) with one marking and source."""
    pairs = audit.correlations.assign(
        indicator_a=audit.correlations["indicator_a"].map(lambda c: names.get(c, c)),
        indicator_b=audit.correlations["indicator_b"].map(lambda c: names.get(c, c)),
        domain_a=audit.correlations["domain_a"].map(domain_names),
        domain_b=audit.correlations["domain_b"].map(domain_names),
    ).rename(columns=PAIR_COLUMNS)
    source = INDEX_SOURCE[mark]
    return {
        "korrelationer": export.prepare(pairs, marking=mark, source=source, decimals={"r": 3}),
        "omraden": export.prepare(
            domain_frame(audit, domain_names),
            marking=mark,
            source=source,
            decimals={"Första komponentens andel": 3, "Cronbachs α": 3},
        ),
        "vikter": export.prepare(
            weight_frame(audit, names, domain_names),
            marking=mark,
            source=source,
            decimals=dict.fromkeys(list(WEIGHT_COLUMNS.values())[2:], 3),
        ),
    }
