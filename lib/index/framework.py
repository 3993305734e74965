"""What an index is made of and every choice behind one: the framework, the parameters, the weights.

`Framework` says which indicators exist, the domain of each, their direction and the metadata's default weights;
`IndexParams` holds one setting of the index (year, method, aggregation, universe, winsor, weights, level) and
round-trips through JSON for saved scenarios. Both are free of data and of the database, so the CLI, the URL codec
and the computation share one definition of a setting.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, replace

import numpy as np
import pandas as pd

#: "ref100" is the linear distance to the comparison group (100 = its population-weighted mean, for every direction);
#: "ratio" is the index's earlier method (100 · reference / value where low is bad), kept to compare against.
METHODS = ("ref100", "zscore", "minmax", "percentile", "ratio")
#: Scenario JSON from before "ref100" became linear has no "method_version"; its "ref100" is today's "ratio".
METHOD_VERSION = 2
AGGREGATIONS = ("arithmetic", "geometric")
UNIVERSES = ("all", "outer", "programme")
LEVELS = ("stadsdel", "deso", "regso")  # lib.levels names them; kept here so the index stays free of the database


@dataclass(frozen=True)
class Framework:
    """Which indicators exist, the domain of each, their direction and their default weights.

    The default weights are the metadata's (`default_weight` in data/indicator.csv and data/domain.csv, COINr's
    iMeta weights), so an index without explicit weights means the same thing in the CLI and in the app."""

    indicators: tuple[str, ...]
    indicator_domains: tuple[str, ...]  # the domain of each indicator
    higher_is_worse: tuple[bool, ...]
    domains: tuple[str, ...]  # the domains, in display order
    indicator_weights: tuple[float, ...] = ()  # default weight of each indicator; empty = all 1
    domain_weights: tuple[float, ...] = ()  # default weight of each domain (aligned with `domains`); empty = all 1

    def __post_init__(self) -> None:
        if not self.indicator_weights:
            object.__setattr__(self, "indicator_weights", (1.0,) * len(self.indicators))
        if not self.domain_weights:
            object.__setattr__(self, "domain_weights", (1.0,) * len(self.domains))
        if len(self.indicator_weights) != len(self.indicators) or len(self.domain_weights) != len(self.domains):
            raise ValueError("Standardvikterna passar inte ramverkets indikatorer och områden.")

    @classmethod
    def from_meta(
        cls, meta: pd.DataFrame, domain_order: list[str] | None = None, domain_meta: pd.DataFrame | None = None
    ) -> Framework:
        """From the indicator table (code, domain, higher_is_worse, default_weight) and, for the domains' default
        weights, the domain table (code, default_weight); 'kontext' indicators are left out. A missing
        default_weight column or cell counts as 1."""
        meta = meta[meta["domain"] != "kontext"]
        order = domain_order or list(dict.fromkeys(meta["domain"]))
        order = [a for a in order if a in set(meta["domain"])]
        ind_w = _weights_of(meta, list(meta["code"]))
        dom_w = _weights_of(domain_meta, order) if domain_meta is not None else (1.0,) * len(order)
        return cls(
            tuple(meta["code"]),
            tuple(meta["domain"]),
            tuple(bool(x) for x in meta["higher_is_worse"]),
            tuple(order),
            ind_w,
            dom_w,
        )

    def restrict(self, present: set[str]) -> Framework:
        """The framework with only the indicators in `present` (a domain left without indicators weighs nothing).

        Why: an indicator nobody has a value for in a year or at a level (SCB's 2024 figures before 2024, health
        at DeSO level) must not count against the 65 % coverage rule of the indicators that do exist."""
        keep = [j for j, code in enumerate(self.indicators) if code in present]
        return Framework(
            tuple(self.indicators[j] for j in keep),
            tuple(self.indicator_domains[j] for j in keep),
            tuple(self.higher_is_worse[j] for j in keep),
            self.domains,
            tuple(self.indicator_weights[j] for j in keep),
            self.domain_weights,
        )

    @property
    def membership(self) -> np.ndarray:
        """m × K matrix: 1 where indicator j belongs to domain k."""
        return np.array([[d == a for a in self.domains] for d in self.indicator_domains], dtype=float)


def _weights_of(table: pd.DataFrame, codes: list[str]) -> tuple[float, ...]:
    """The `default_weight` of each code in `table` (code, default_weight); 1 where the table has none."""
    if "default_weight" not in table.columns:
        return (1.0,) * len(codes)
    weights = pd.to_numeric(table.set_index("code")["default_weight"], errors="coerce")
    out = tuple(float(weights.get(c, np.nan)) for c in codes)
    if any(w < 0 for w in out):
        raise ValueError("En standardvikt i metadata är negativ.")
    return tuple(w if np.isfinite(w) else 1.0 for w in out)


@dataclass(frozen=True)
class IndexParams:
    """Every choice behind one index; weights are ratings (any non-negative scale, normalised inside)."""

    year: int = 2020
    method: str = "ref100"
    aggregation: str = "arithmetic"
    universe: str = "all"
    winsor: float = 0.0  # share clipped at each tail, 0 = off
    domain_weights: tuple[tuple[str, float], ...] = ()  # empty = the framework's default weights
    indicator_weights: tuple[tuple[str, float], ...] = ()  # empty = the framework's default weights
    coverage: float = 0.65
    level: str = "stadsdel"
    real_only: bool = False  # only values with synthetic = false

    def __post_init__(self) -> None:
        if self.level not in LEVELS:
            raise ValueError(f"Okänd nivå: {self.level}")
        if self.method not in METHODS:
            raise ValueError(f"Okänd normalisering: {self.method}")
        if self.aggregation not in AGGREGATIONS:
            raise ValueError(f"Okänd aggregering: {self.aggregation}")
        if self.universe not in UNIVERSES:
            raise ValueError(f"Okänt urval: {self.universe}")
        if not 0.0 <= self.winsor < 0.5:
            raise ValueError("Winsorisering måste vara mellan 0 och 0,5.")
        if any(w < 0 for _, w in (*self.domain_weights, *self.indicator_weights)):
            raise ValueError("Vikter kan inte vara negativa.")

    def with_weights(
        self, domain: Mapping[str, float] | None = None, indicator: Mapping[str, float] | None = None
    ) -> IndexParams:
        return replace(
            self,
            domain_weights=tuple(sorted((domain or dict(self.domain_weights)).items())),
            indicator_weights=tuple(sorted((indicator or dict(self.indicator_weights)).items())),
        )


ALL_AREAS_ZERO = "Alla områden har vikten 0. Ge minst ett område en vikt större än noll."
NO_INDICATOR_WEIGHT = (
    "Inget område med vikt har någon indikator med värden och en vikt större än noll. "
    "Ge minst en av deras indikatorer en vikt större än noll."
)


class WeightsError(ValueError):
    """Weights that leave nothing to rank (`check_weights` says why, in Swedish)."""


def _raw_weights(framework: Framework, params: IndexParams) -> tuple[np.ndarray, np.ndarray]:
    """Indicator (m) and domain (K) weights as set; an entry `params` does not name takes the metadata's default."""
    iw = dict(params.indicator_weights)
    aw = dict(params.domain_weights)
    v = np.array([float(iw.get(c, d)) for c, d in zip(framework.indicators, framework.indicator_weights, strict=True)])
    w = np.array([float(aw.get(a, d)) for a, d in zip(framework.domains, framework.domain_weights, strict=True)])
    return v, w


def check_weights(framework: Framework, params: IndexParams) -> str | None:
    """Why these weights cannot make an index, as a Swedish sentence, or None when they can.

    Why one check: every area at 0, or every indicator of the weighted areas at 0 (or without values in
    `framework`, which may be restricted to the indicators that exist), leaves nothing to divide by. The pages
    and the CLI ask before any work starts and show this sentence – never a traceback, nothing computed."""
    v, w = _raw_weights(framework, params)
    if not (w > 0).any():
        return ALL_AREAS_ZERO
    if not ((w > 0) & (v @ framework.membership > 0)).any():
        return NO_INDICATOR_WEIGHT
    return None


def weight_vectors(framework: Framework, params: IndexParams) -> tuple[np.ndarray, np.ndarray]:
    """Indicator weights (m) and domain weights (K, summing to 1); an entry `params` does not name takes the
    framework's default weight from the metadata. Raises `WeightsError` where `check_weights` finds a fault."""
    problem = check_weights(framework, params)
    if problem is not None:
        raise WeightsError(problem)
    v, w = _raw_weights(framework, params)
    w = np.where(v @ framework.membership > 0, w, 0.0)  # a domain whose indicators all weigh zero drops out
    return v, w / w.sum()


def parse_weights(text: str, names: Mapping[str, str]) -> dict[str, float]:
    """'försörjning=4, hälsa=2' → {'forsorjning': 4.0, 'halsa': 2.0}; keys by code or name, any case.

    Raises ValueError with a Swedish message naming what is wrong."""
    lookup = {k.casefold(): k for k in names} | {v.casefold(): k for k, v in names.items()}
    out: dict[str, float] = {}
    for part in filter(None, (p.strip() for p in text.split(","))):
        key, sep, val = part.partition("=")
        if not sep:
            raise ValueError(f"Vikten '{part}' ska skrivas område=tal.")
        code = lookup.get(" ".join(key.split()).casefold())
        if code is None:
            raise ValueError(f"Okänt område '{key.strip()}'. Välj bland: {', '.join(names.values())}.")
        try:
            weight = float(val.strip().replace(",", "."))
        except ValueError:
            raise ValueError(f"Vikten för '{key.strip()}' är inte ett tal: '{val.strip()}'.") from None
        if weight < 0 or not np.isfinite(weight):
            raise ValueError(f"Vikten för '{key.strip()}' måste vara noll eller större.")
        out[code] = weight
    return out


def params_to_json(params: IndexParams, sensitivity: Mapping[str, object] | None = None) -> str:
    """Serialise for saved scenarios; `sensitivity` (the uncertainty analysis's settings and summary, when one was
    run) is stored alongside so the scenario reproduces it. The method version says which "ref100" is meant."""
    extra = {"sensitivity": dict(sensitivity)} if sensitivity else {}
    return json.dumps(
        {
            "year": params.year,
            "method": params.method,
            "method_version": METHOD_VERSION,
            "aggregation": params.aggregation,
            "universe": params.universe,
            "winsor": params.winsor,
            "domain_weights": dict(params.domain_weights),
            "indicator_weights": dict(params.indicator_weights),
            "level": params.level,
            "real_only": params.real_only,
        }
        | extra,
        ensure_ascii=False,
        sort_keys=True,
    )


def params_from_json(text: str) -> IndexParams:
    """Read a saved scenario. Scenarios saved before the index's four areas (domains) were named so in the code carry
    their weights under "area_weights"; they are read the same way, so no planner's saved scenario is lost. A scenario
    saved before "ref100" became the linear distance (no "method_version") computed "ref100" as today's "ratio", and
    is read as "ratio", so it gives the numbers it was saved with."""
    raw = json.loads(text)
    domain_weights = raw.get("domain_weights", raw.get("area_weights", {}))
    method = raw["method"]
    if method == "ref100" and int(raw.get("method_version", 1)) < METHOD_VERSION:
        method = "ratio"
    return IndexParams(
        year=int(raw["year"]),
        method=method,
        aggregation=raw["aggregation"],
        universe=raw["universe"],
        winsor=float(raw.get("winsor", 0.0)),
        domain_weights=tuple(sorted((k, float(v)) for k, v in domain_weights.items())),
        indicator_weights=tuple(sorted((k, float(v)) for k, v in raw.get("indicator_weights", {}).items())),
        level=str(raw.get("level", "stadsdel")),
        real_only=bool(raw.get("real_only", False)),
    )


def scenario_sensitivity(text: str) -> dict[str, object] | None:
    """The uncertainty analysis stored with a saved scenario (`params_to_json(..., sensitivity=...)`), if any."""
    stored = json.loads(text).get("sensitivity")
    return dict(stored) if isinstance(stored, dict) else None
