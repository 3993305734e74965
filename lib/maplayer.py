"""What the Karta page shows for the chosen layer, computed from plain tables so it can be tested without a browser:
the value, status and ratio of each unit, its colour class and rank, and every text built from those numbers
(tooltip lines, notes, legend captions, the "highest risk" line, the table under the map).

A layer is one indicator (risk or context measure) or the composite index / one domain score. Context measures
are coloured by value in a neutral scale, never as risk; every value says whether it is real or synthetic.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from lib import aggregate, classify, provenance, ranks
from lib import index as ix
from lib.fmt import number

COMPOSITE = "Sammanvägt index"
DOMAIN_PREFIX = "Område: "
CONTEXT_PREFIX = "Sammanhang: "
SYNTHETIC, NO_REAL = "syntetiskt värde", "inget verkligt värde"
#: The comparison group of the index in words, at DeSO level (at stadsdel level: `wording.UNIVERSES`).
DESO_UNIVERSES = {"all": "alla 544 DeSO", "outer": "DeSO i ytterstaden", "programme": "DeSO i programmets stadsdelar"}


def percent(share: float) -> str:
    """A share 0–1 as "61 %" (Swedish number format)."""
    return f"{number(100 * share, 0)} %"


def real_status(source: str | None, year: int) -> str:
    """ "verkligt värde (SCB 2024)": the publisher of a real value, and its year."""
    return f"verkligt värde ({provenance.publisher(source)} {int(year)})"


def missing_status(only_real: bool) -> str:
    """The status of a unit without a value: with real values only, the gap is the lack of a *real* value."""
    return NO_REAL if only_real else "inget värde"


@dataclass(frozen=True)
class LayerValues:
    """The chosen layer's numbers per unit code, and how to speak about them."""

    values: pd.Series
    status: pd.Series  # "verkligt värde (SCB 2024)", "syntetiskt värde", "2 av 5 värden syntetiska" …
    ratio: pd.Series  # value relative to the city (100), for fixed classes; NaN where not defined
    coverage: pd.Series  # index layers: share of the index's indicators with a value; NaN for indicators
    unit: str
    decimals: int
    worse_high: bool
    context: bool  # a context measure: coloured by value, never as risk
    is_indicator: bool
    ref100: bool  # index normalised to 100 = the comparison group
    source_line: str

    @property
    def value_line(self) -> str:
        """The DeSO tooltip's value line, with `{v}` where the value goes."""
        if self.is_indicator:
            return f"{{v}} {self.unit}"
        return "index {v}" if self.ref100 else f"{{v}} ({self.unit})"

    def value_text(self, v: float) -> str:
        """One value with its unit, as in the tooltip and the side panel."""
        if self.is_indicator:
            return f"{number(v, self.decimals)} {self.unit}"
        return f"index {number(v, self.decimals)}" if self.ref100 else f"{number(v, self.decimals)} ({self.unit})"

    @property
    def synthetic(self) -> pd.Series:
        """Whether each unit's value is (partly) synthetic."""
        return self.status.str.contains("syntetisk")


def indicator_layer(
    index: pd.Index,
    present: pd.DataFrame,
    meta: pd.Series,
    year: int,
    *,
    context: bool,
    only_real: bool,
    weights: np.ndarray,
) -> LayerValues:
    """One indicator (`meta`: its catalogue row, named by its code) in `year` for the units in `index`; `present`
    holds the level's non-missing values (area_code, indicator_code, year, value, synthetic, source); `weights` the
    population per unit, for the population-weighted city level of the ratio."""
    rows = present[(present["indicator_code"] == meta.name) & (present["year"] == year)].set_index("area_code")
    values = rows["value"].reindex(index)
    worse_high = True if context else bool(meta["higher_is_worse"])
    status = pd.Series(
        [
            missing_status(only_real)
            if pd.isna(v)
            else SYNTHETIC
            if bool(rows.at[c, "synthetic"])
            else real_status(rows.at[c, "source"], year)
            for c, v in values.items()
        ],
        index=index,
    )
    ratio = ix.ratio_scores(values.to_numpy()[:, None], np.array([worse_high]), weights, np.ones(len(values), bool))
    return LayerValues(
        values=values,
        status=status,
        ratio=pd.Series(ratio[:, 0], index=index),
        coverage=pd.Series(np.nan, index=index),
        unit=meta["unit"],
        decimals=int(meta["decimals"]),
        worse_high=worse_high,
        context=context,
        is_indicator=True,
        ref100=False,
        source_line=f"Källa: {meta['source']}. {meta['definition']}",
    )


def layer_options(
    indicators: pd.DataFrame, domains: pd.DataFrame, present_codes: set[str], context_domain: str
) -> tuple[dict[str, str], dict[str, str], set[str]]:
    """The layers the map can show at a level, as readable option → code: the index domains with a risk indicator
    ("Område: Hälsa"), the risk indicators ("Ohälsotal") and the context measures ("Sammanhang: …") with values;
    and the codes of those context measures."""
    has = indicators["code"].isin(present_codes)
    risk = indicators[(indicators["domain"] != context_domain) & has]
    context = indicators[(indicators["domain"] == context_domain) & has]
    doms = domains[domains["code"].isin(set(risk["domain"]))]
    domain_label = {f"{DOMAIN_PREFIX}{n}": c for c, n in zip(doms["code"], doms["name"], strict=True)}
    ind_code = dict(zip(risk["name"], risk["code"], strict=True))
    ind_code |= {f"{CONTEXT_PREFIX}{n}": c for n, c in zip(context["name"], context["code"], strict=True)}
    return domain_label, ind_code, set(context["code"])


def real_sources(used: pd.DataFrame) -> str:
    """ "SCB 2024–2025, Stockholms stad 2023": who published the real values an index rests on, and when."""
    real_used = used[~used["synthetic"].astype(bool)]
    return ", ".join(
        f"{pub} {provenance.year_span(g['year'])}"
        for pub, g in real_used.assign(pub=real_used["source"].map(provenance.publisher)).groupby("pub")
    )


def index_status(index: pd.Index, values: pd.Series, used: pd.DataFrame, only_real: bool) -> pd.Series:
    """Per unit: real, synthetic or "s av n värden syntetiska", from the indicator values its score rests on."""
    real_from = real_sources(used)
    n_used = used.groupby("area_code").size().reindex(index).fillna(0).astype(int)
    n_synth = used.groupby("area_code")["synthetic"].sum().reindex(index).fillna(0).astype(int)
    return pd.Series(
        [
            missing_status(only_real)
            if pd.isna(values.get(c))
            else f"verkliga värden ({real_from})"
            if s == 0
            else "syntetiska värden"
            if s == n
            else f"{s} av {n} värden syntetiska"
            for c, s, n in zip(index, n_synth, n_used, strict=True)
        ],
        index=index,
    )


def latest_used(present: pd.DataFrame, indicators: Iterable[str], year: int) -> pd.DataFrame:
    """The values an index of `year` rests on: per unit and indicator the latest at or before `year`."""
    used = present[present["indicator_code"].isin(list(indicators))]
    return aggregate.latest_at(used, year, ("area_code", "indicator_code"))


@dataclass(frozen=True)
class IndexMethod:
    """How the index was computed, in the words of the page (`wording.METHODS` … already looked up)."""

    method: str  # code, e.g. "ref100"
    method_text: str  # e.g. "Index, 100 = jämförelsegruppen"
    aggregation_text: str
    universe_text: str


def index_layer(
    index: pd.Index,
    scores: pd.DataFrame,
    column: str,
    used: pd.DataFrame,
    how: IndexMethod,
    only_real: bool,
) -> LayerValues:
    """The composite index or one domain score (`column` of `scores`, indexed by unit code) for the units in `index`;
    `used`: the indicator values it rests on (`latest_used`)."""
    scores = scores.reindex(index)
    values = scores[column]
    ref100 = how.method == "ref100"
    return LayerValues(
        values=values,
        status=index_status(index, values, used, only_real),
        ratio=values if ref100 else pd.Series(np.nan, index=index),
        coverage=scores["coverage"],
        unit="index, 100 = jämförelsegruppen" if ref100 else how.method_text.lower(),
        decimals=1,
        worse_high=True,
        context=False,
        is_indicator=False,
        ref100=ref100,
        source_line=(
            f"Beräknat av indikatorerna: {how.method_text.lower()}, {how.aggregation_text.lower()}, "
            f"jämförelsegrupp {how.universe_text}. Vikterna ställs in på sidan Index och vikter. Täckning: andel av "
            "indexets 20 indikatorer med värde."
        ),
    )


@dataclass(frozen=True)
class Classes:
    """The colour classes of the shown units."""

    cls: classify.Classification
    step_of: dict[str, int]  # unit code → colour step (−1: no value)
    colours: tuple[str, ...]
    legend: pd.DataFrame
    legend_unit: str


def usable_scheme(scheme: str, layer: LayerValues) -> str:
    """Fixed classes around 100 need a ratio to the city; without one, quantiles."""
    return "quantiles" if scheme == "fixed" and not bool(layer.ratio.notna().any()) else scheme


def classes(layer: LayerValues, shown: pd.Series, scheme: str) -> Classes:
    """Classify the shown units' values (five classes; `fixed`: around the city's 100) and build the legend."""
    if scheme == "fixed":
        cls = classify.classify_fixed(layer.ratio.reindex(shown.index).to_numpy())
        steps = cls.bins
        legend_decimals, legend_unit = 0, "i förhållande till staden (100)"
    else:
        cls = classify.classify(shown.to_numpy(), scheme, k=5)
        steps = classify.risk_order(cls, layer.worse_high)
        legend_decimals, legend_unit = layer.decimals, layer.unit
    colours = classify.neutral_palette(cls.k) if layer.context else classify.palette(cls.k)
    legend = classify.legend_table(cls, legend_decimals, True if scheme == "fixed" else layer.worse_high)
    if layer.context:
        legend["colour"] = [colours[s] for s in legend["step"]]
    return Classes(cls, dict(zip(shown.index, steps.tolist(), strict=True)), tuple(colours), legend, legend_unit)


@dataclass(frozen=True)
class Ranking:
    """Units ranked by risk (context: by value, highest first) within the view."""

    order: pd.Series  # the shown values, riskiest first, without missing values
    rank_of: dict[str, int]
    rank_text: dict[str, str]  # "plats 3 av 22 i programmet" (`lib.ranks`)
    cover_text: dict[str, str] = field(default_factory=dict)  # "täckning 80 %"


def ranking(layer: LayerValues, shown: pd.Series, in_programme: bool) -> Ranking:
    """Rank the shown units and say each place and coverage in words."""
    order = shown.dropna().sort_values(ascending=not layer.worse_high)
    rank_of = {code: i + 1 for i, code in enumerate(order.index)}
    rank_text = {c: ranks.place(r, len(rank_of), ranks.map_where(in_programme)) for c, r in rank_of.items()}
    cover_text = {c: f"täckning {percent(s)}" for c, s in layer.coverage.items() if pd.notna(s)}
    return Ranking(order, rank_of, rank_text, cover_text)


def stadsdel_notes(status: pd.Series, police: pd.DataFrame | None) -> dict[str, str]:
    """The tooltip's last line per stadsdel: its status, and with Polisen's areas shown how many of its DeSO are
    listed."""
    note = {c: status[c] for c in status.index}
    if police is not None:
        listed = police.groupby("area_code").agg(n=("code", "size"), severe=("severe", "any"))
        for c, r in listed.iterrows():
            klass = "särskilt utsatt område" if r["severe"] else "utsatt område"
            note[c] = f"{note[c]} · Polisen 2025: {r['n']} DeSO i {klass}"
    return note


def stadsdel_value_texts(layer: LayerValues, cover_text: dict[str, str]) -> dict[str, str]:
    """The tooltip's value per stadsdel, with the index's coverage."""
    return {
        c: layer.value_text(v) + (f" · {cover_text[c]}" if c in cover_text and not layer.is_indicator else "")
        for c, v in layer.values.items()
        if pd.notna(v)
    }


def deso_value_line(layer: LayerValues, cover_text: dict[str, str]) -> str:
    """The DeSO tooltip's value line; the coverage is added when it is the same for every DeSO."""
    covers = set(cover_text.values())
    return layer.value_line + (f" · {covers.pop()}" if len(covers) == 1 else "")


def deso_status(status: pd.Series) -> str:
    """The DeSO tooltip's one status line (the same for every DeSO: all are real)."""
    statuses = set(status)
    return statuses.pop() if len(statuses) == 1 else "verkliga värden (SCB)"


def outlines(pick: dict | None, show_shift: bool, selected_code: str | None) -> dict[str, list[int]]:
    """Highlighted borders on the stadsdel map: the index's shift of the selection, and the selected stadsdel."""
    from lib.mapview import ENTERING_RGBA, LEAVING_RGBA, SELECTED_RGBA

    out: dict[str, list[int]] = {}
    if show_shift and pick is not None:
        out |= dict.fromkeys(pick["entering"], ENTERING_RGBA)
        out |= dict.fromkeys(pick["leaving"], LEAVING_RGBA)
    if selected_code is not None:
        out[selected_code] = SELECTED_RGBA
    return out


def top_line(ranked: Ranking, names: dict[str, str], decimals: int, year: int, *, at_deso: bool, context: bool) -> str:
    """ "**Högst risk 2025:** Rinkeby (206,9), …": the three riskiest units (empty when none has a value)."""
    if ranked.order.empty:
        return ""
    sep, fmt = ("; ", "{}: {}") if at_deso else (", ", "{} ({})")  # DeSO names have parentheses of their own
    top = sep.join(fmt.format(names[c], number(v, decimals)) for c, v in ranked.order.head(3).items())
    return f"**{'Högst värde' if context else 'Högst risk'} {year}:** {top}."


def shift_line(pick: dict, names: dict[str, str]) -> str:
    """Which stadsdelar the index would bring into the selection of 22, and which it would drop."""
    return (
        f"**Skulle komma in:** {', '.join(names[c] for c in pick['entering']) or 'inga'} · "
        f"**skulle falla ut:** {', '.join(names[c] for c in pick['leaving']) or 'inga'}."
    )


def legend_caption(layer: LayerValues, scheme: str, plural: str, only_real: bool) -> str:
    """How to read the colours, under the legend: context is not risk."""
    scheme_help = classify.SCHEME_HELP[scheme].replace("stadsdelar", plural)
    if layer.context:
        return (
            "Sammanhang, inte en risk: mörkare = högre värde. Måttet ingår aldrig i indexet. "
            f"Ljusgrått: utanför urvalet. {classify.SCHEMES[scheme]}: {scheme_help}."
        )
    risk_word = "Högre värde" if layer.worse_high else "Lägre värde"
    missing_word = NO_REAL if only_real else "inget värde (färre än 1 000 invånare)"
    return (
        f"{risk_word} = högre risk = mörkare. Ljusgrått: utanför urvalet; grått: {missing_word}. "
        f"{classify.SCHEMES[scheme]}: {scheme_help}."
    )


def police_column(police: pd.DataFrame, at_deso: bool) -> dict[str, str]:
    """The table's Polisen column per unit code: the DeSO's class and share, or a stadsdel's count of listed DeSO."""
    if at_deso:
        return dict(zip(police["code"], police["text"], strict=True))
    counts = police.groupby("area_code").size()
    return {c: f"{int(n)} DeSO på listan" for c, n in counts.items()}


def table(
    layer: LayerValues,
    ranked: Ranking,
    step_of: dict[str, int],
    units: pd.DataFrame,
    level_label: str,
    year: int,
    police: pd.DataFrame | None,
    *,
    at_deso: bool,
) -> pd.DataFrame:
    """The same figures as the map, riskiest first: place, unit, value, class, status, year, coverage (index),
    share in the stadsdel (DeSO) and Polisen's areas (when shown). `units` is indexed by code."""
    codes = list(ranked.order.index)
    out = pd.DataFrame({"Plats": [ranked.rank_of[c] for c in codes], level_label: units.loc[codes, "name"].tolist()})
    if at_deso:
        out["Stadsdel"] = units.loc[codes, "stadsdel"].to_numpy()
    out["Stadsdelsområde"] = units.loc[codes, "district"].to_numpy()
    out[f"Värde ({layer.unit})"] = ranked.order.round(layer.decimals).to_numpy()
    out["Klass (1 = lägst)" if layer.context else "Riskklass (1 = lägst)"] = [step_of.get(c, -1) + 1 for c in codes]
    out["Status"] = layer.status.reindex(codes).to_numpy()
    out["År"] = year
    if not layer.is_indicator:
        out["Täckning"] = [ranked.cover_text.get(c, "–").removeprefix("täckning ") for c in codes]
    if at_deso:
        out["Andel i stadsdelen (%)"] = (100 * units.loc[codes, "overlap_share"]).round(0).to_numpy()
    if police is not None:
        ptext = police_column(police, at_deso)
        out["Polisen 2025"] = [ptext.get(c, "–").removeprefix("Polisen 2025: ") for c in codes]
    return out


def real_values_markdown(name: str, own: pd.DataFrame, indicators: pd.DataFrame) -> str:
    """A DeSO's real values as a Markdown table, each with its own year, unit and source, in catalogue order;
    `own`: its non-missing values (indicator_code, year, value, source)."""
    meta_all = indicators.set_index("code")
    lines = [f"**Verkliga värden för {name}**", "", "| Mått | Värde | Enhet | Källa |", "|:--|--:|:--|:--|"]
    for code in [c for c in indicators["code"] if c in set(own["indicator_code"])]:
        m = meta_all.loc[code]
        for r in own[own["indicator_code"] == code].sort_values("year").itertuples():
            lines.append(
                f"| {m['name']} | {number(r.value, int(m['decimals']))} | {m['unit']} | "
                f"{provenance.publisher(r.source)}\u00a0{int(r.year)} |"  # "SCB 2024" on one line
            )
    return "\n".join(lines)
