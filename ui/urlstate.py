"""The URL codec of the index: query parameters <-> `IndexParams`, and the index last set in the session."""

from __future__ import annotations

from dataclasses import replace

import streamlit as st

from lib import index as ix
from ui import readers, wording

WEIGHT_KEYS = ("metod", "aggregering", "jamforelse", "kapa")  # with vikt_* and ind_*: how the index is weighed
LAST_INDEX_PARAMS = "_senaste_index"  # session key: the index last set on the Index page


def default_ratings() -> tuple[dict[str, int], dict[str, int]]:
    """Slider positions (0–10) of the standard weights (standardvikter): 5 × each default weight. They are the
    tool's starting point, equal for every area – not weights anyone has decided on. Read from the framework, the
    same weights `IndexParams` without explicit weights means, so the CLI and the app agree by construction."""
    fw = readers.framework()
    area = {c: min(10, int(round(5 * w))) for c, w in zip(fw.domains, fw.domain_weights, strict=True)}
    ind = {c: min(10, int(round(5 * w))) for c, w in zip(fw.indicators, fw.indicator_weights, strict=True)}
    return area, ind


def index_query(params: ix.IndexParams) -> dict[str, str]:
    """The URL parameters (as the Index page names them) that differ from the standard index."""
    area, ind = default_ratings()
    out = {f"vikt_{c}": str(int(r)) for c, r in params.domain_weights if int(r) != area.get(c)}
    out |= {f"ind_{c}": str(int(r)) for c, r in params.indicator_weights if int(r) != ind.get(c)}
    if params.method != "ref100":
        out["metod"] = wording.METHODS[params.method]
    if params.aggregation != "arithmetic":
        out["aggregering"] = wording.AGGREGATIONS[params.aggregation]
    if params.universe != "all":
        out["jamforelse"] = wording.UNIVERSES[params.universe]
    if params.winsor > 0:
        out["kapa"] = "true"
    if params.level != "stadsdel":
        out["niva"] = wording.LEVEL_LABELS.get(params.level, params.level)
    if params.real_only:
        out["verkliga"] = wording.REAL_ONLY
    return out


def index_params_from(query: dict[str, str], year: int) -> ix.IndexParams:
    """The index a link describes; anything missing or invalid falls back to the standard choice."""
    area, ind = default_ratings()

    def rating(key: str, default: int) -> float:
        try:
            return float(min(10, max(0, int(query.get(key, default)))))
        except (TypeError, ValueError):
            return float(default)

    inverse = {
        label: code
        for table in (wording.METHODS, wording.AGGREGATIONS, wording.UNIVERSES)
        for code, label in table.items()
    }
    method = inverse.get(query.get("metod", ""), "ref100")
    aggregation = inverse.get(query.get("aggregering", ""), "arithmetic")
    universe = inverse.get(query.get("jamforelse", ""), "all")
    level = {label: code for code, label in wording.LEVEL_LABELS.items()}.get(query.get("niva", ""), "stadsdel")
    params = ix.IndexParams(
        level=level,
        real_only=query.get("verkliga") == wording.REAL_ONLY,
        year=year,
        method=method if method in wording.METHODS else "ref100",
        aggregation=aggregation if aggregation in wording.AGGREGATIONS else "arithmetic",
        universe=universe if universe in wording.UNIVERSES else "all",
        winsor=0.05 if str(query.get("kapa", "")).lower() == "true" else 0.0,
        domain_weights=tuple(sorted((c, rating(f"vikt_{c}", r)) for c, r in area.items())),
        indicator_weights=tuple(sorted((c, rating(f"ind_{c}", r)) for c, r in ind.items())),
    )
    if sum(w for _, w in params.domain_weights) == 0:
        params = params.with_weights({c: float(r) for c, r in area.items()})
    return params


def current_index_params(year: int, level: str | None = "stadsdel") -> ix.IndexParams:
    """The index the user is looking at: a link's weights if it has any, else the ones last set on the Index
    page in this session, else the standard ones – always for `year`.

    `level`: the level the calling page shows. A stadsdel page ranks stadsdelar whatever level the Index page was
    last set to (the weights and the method carry over, the units cannot); None keeps the user's level. "Endast
    verkliga värden" carries over only to a year that has real index values at that level."""
    query = st.query_params.to_dict()
    linked = index_params_from(query, year)  # the level and value switch are always the URL's
    if not any(k.startswith(("vikt_", "ind_")) or k in WEIGHT_KEYS for k in query):
        last = st.session_state.get(LAST_INDEX_PARAMS)
        if isinstance(last, ix.IndexParams):
            linked = replace(last, year=year, level=linked.level, real_only=linked.real_only)
    params = linked
    if level is not None and params.level != level:
        params = replace(params, level=level)
    if params.real_only and year not in readers.index_years(params.level, True):
        params = replace(params, real_only=False)
    return params
