"""The URL of every page: the keys (from `lib.urlcodec`, re-exported here), the index settings ↔ `IndexParams`, the
index last set in the session and how it gets into the URL, the parameters read by hand, and every internal link.

Why the page's URL is written when the session's index is used: a page opened from the sidebar after weights were
set on *Index och vikter* shows those weights; if they were not in its URL, a copied link would show another
ranking in a fresh browser."""

from __future__ import annotations

import contextlib
from dataclasses import replace

import streamlit as st
from streamlit.errors import StreamlitAPIException

from lib import index as ix
from lib import urlcodec
from lib.urlcodec import *  # noqa: F403 – the keys the pages and ui/ modules name their widgets with
from lib.urlcodec import DESO, PRESENT, STADSDEL, domain_key, indicator_key, is_weight_key, weights_only
from ui import readers, wording

LAST_INDEX_PARAMS = "_senaste_index"  # session key: the index last set on the Index page
URL_STADSDEL = "_karta_stadsdel_i_url"  # session key: the stadsdel the map last wrote into its URL
URL_DESO = "_karta_deso_i_url"  # session key: the DeSO the map last took from its URL


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
    out = {domain_key(c): str(int(r)) for c, r in params.domain_weights if int(r) != area.get(c)}
    out |= {indicator_key(c): str(int(r)) for c, r in params.indicator_weights if int(r) != ind.get(c)}
    if params.method != "ref100":
        out[urlcodec.METHOD] = wording.METHODS[params.method]
    if params.aggregation != "arithmetic":
        out[urlcodec.AGGREGATION] = wording.AGGREGATIONS[params.aggregation]
    if params.universe != "all":
        out[urlcodec.UNIVERSE] = wording.UNIVERSES[params.universe]
    if params.winsor > 0:
        out[urlcodec.WINSOR] = "true"
    if params.level != "stadsdel":
        out[urlcodec.LEVEL] = wording.LEVEL_LABELS.get(params.level, params.level)
    if params.real_only:
        out[urlcodec.REAL_ONLY] = wording.REAL_ONLY
    return out


def index_params_from(query: dict[str, str], year: int, fallback: bool = True) -> ix.IndexParams:
    """The index a link describes; anything missing or invalid falls back to the standard choice, and so do area
    weights that make no index (`ix.check_weights`: all areas at 0, or every indicator of the weighted areas) unless
    `fallback` is False."""
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
    method = inverse.get(query.get(urlcodec.METHOD, ""), "ref100")
    aggregation = inverse.get(query.get(urlcodec.AGGREGATION, ""), "arithmetic")
    universe = inverse.get(query.get(urlcodec.UNIVERSE, ""), "all")
    levels = {label: code for code, label in wording.LEVEL_LABELS.items()}
    params = ix.IndexParams(
        level=levels.get(query.get(urlcodec.LEVEL, ""), "stadsdel"),
        real_only=query.get(urlcodec.REAL_ONLY) == wording.REAL_ONLY,
        year=year,
        method=method if method in wording.METHODS else "ref100",
        aggregation=aggregation if aggregation in wording.AGGREGATIONS else "arithmetic",
        universe=universe if universe in wording.UNIVERSES else "all",
        winsor=0.05 if str(query.get(urlcodec.WINSOR, "")).lower() == "true" else 0.0,
        domain_weights=tuple(sorted((c, rating(domain_key(c), r)) for c, r in area.items())),
        indicator_weights=tuple(sorted((c, rating(indicator_key(c), r)) for c, r in ind.items())),
    )
    return usable(params) if fallback else params


def usable(params: ix.IndexParams) -> ix.IndexParams:
    """`params`, or where its weights make no index (`ix.check_weights`) the standard area weights instead, and if
    that is not enough the standard indicator weights too."""
    area, ind = default_ratings()
    fw = readers.framework()
    if ix.check_weights(fw, params) is not None:
        params = params.with_weights({c: float(r) for c, r in area.items()})
    if ix.check_weights(fw, params) is not None:
        params = params.with_weights(indicator={c: float(r) for c, r in ind.items()})
    return params


def current_index_params(
    year: int, level: str | None = "stadsdel", in_url: bool = True, fallback: bool = True
) -> ix.IndexParams:
    """The index the user is looking at: a link's weights if it has any, else the ones last set on the Index
    page in this session, else the standard ones – always for `year`.

    `level`: the level the calling page shows. A stadsdel page ranks stadsdelar whatever level the Index page was
    last set to (the weights and the method carry over, the units cannot); None keeps the user's level. "Endast
    verkliga värden" carries over only to a year that has real index values at that level.

    `in_url`: weights taken from the session are written into this page's URL in the same run, so the page and
    its link never differ (False where no page is running, e.g. inside a download's callable).

    `fallback`: weights that make no index are replaced by the standard ones (`usable`), and the page says so; False
    keeps them, for a page that says why it shows nothing instead."""
    query = st.query_params.to_dict()
    linked = index_params_from(query, year, fallback=False)  # the level and value switch are always the URL's
    if not any(is_weight_key(k) for k in query):
        last = st.session_state.get(LAST_INDEX_PARAMS)
        if isinstance(last, ix.IndexParams):
            linked = replace(last, year=year, level=linked.level, real_only=linked.real_only)
            if in_url:
                _into_url(weights_only(index_query(linked)))
    params = linked
    if level is not None and params.level != level:
        params = replace(params, level=level)
    if params.real_only and year not in readers.index_years(params.level, True):
        params = replace(params, real_only=False)
    if fallback and (problem := ix.check_weights(readers.framework(), params)) is not None:
        if in_url:
            st.info(f"{problem} Sidan räknar i stället med standardvikterna.")
        params = usable(params)
    return params


def _into_url(query: dict[str, str]) -> None:
    """Write `query` into this page's URL.

    A key still bound to a widget of the page just left (Index och vikter binds every vikt_*) cannot be written.
    A browser's page change lets go of those bindings before the new page runs; where they are still held (a page
    switch without the browser, as in AppTest), the page's next run writes them."""
    with contextlib.suppress(StreamlitAPIException):
        for key, value in query.items():
            st.query_params[key] = value


def weights_in_effect() -> dict[str, str]:
    """The weight keys of the index this page shows: its URL's (as read, so an invalid value is not passed on),
    else the session's; empty for the standard weights."""
    query = st.query_params.to_dict()
    if any(is_weight_key(k) for k in query):
        return weights_only(index_query(index_params_from(query, 0)))
    last = st.session_state.get(LAST_INDEX_PARAMS)
    return weights_only(index_query(last)) if isinstance(last, ix.IndexParams) else {}


def link_params(page: str, **params: object) -> dict[str, str]:
    """The `query_params` of every internal link: the target page's own settings, checked against what it reads,
    and the index weights in effect when that page shows the index (so "Visa profil" ranks as the map did)."""
    return urlcodec.link_query(page, params, weights_in_effect())


def presenting() -> bool:
    """?present=1: the projector mode (no navigation, no chrome)."""
    return st.query_params.get(PRESENT) == "1"


def deso_from_url(deso_names: dict[str, str]) -> None:
    """A DeSO link (?deso=0180C6070) names the DeSO by its code; the selectbox bound to `deso` shows, and keeps in
    the URL, "Rinkeby (0180C6070)" and drops the code as no option of its own. So the code becomes that label in
    the URL, and the page runs once more for the selectbox to read it: the URL says what is shown. The choice is
    set in the session too, for what the page draws before the selectbox – once per link, so that a click on the
    map is not undone by the URL it has not yet changed."""
    raw = st.query_params.get(DESO)
    code = raw if raw in deso_names else {label: c for c, label in deso_names.items()}.get(str(raw))
    if code is None:
        return
    if code != st.session_state.get(URL_DESO):
        st.session_state[DESO] = st.session_state[URL_DESO] = code
    if raw == deso_names[code]:
        return
    try:
        st.query_params[DESO] = deso_names[code]
    except StreamlitAPIException:  # bound since an earlier run of the map, which then keeps the label itself
        return
    st.rerun()


def stadsdel_from_url() -> None:
    """A link's stadsdel (?stadsdel=Sätra) selects it on the map, unless the URL only holds what the map wrote.

    Why not `bind="query-params"`: on a page change Streamlit drops a parameter of the new URL that is bound to a
    widget of the page being left, so with the map's selectbox bound, "Visa profil" (?stadsdel=Sätra) opened the
    Stadsdel page on Rinkeby. The map therefore keeps its URL in step by hand (`stadsdel_to_url`)."""
    raw = urlcodec.choose(st.query_params.get(STADSDEL), readers.area_names().values())
    if raw is not None and raw != st.session_state.get(URL_STADSDEL):
        st.session_state[STADSDEL] = raw
        st.session_state[URL_STADSDEL] = raw


def stadsdel_to_url() -> None:
    """The map's chosen stadsdel into its URL, so a copied link shows it (nothing chosen: no parameter)."""
    chosen = st.session_state.get(STADSDEL)
    try:
        if chosen:
            st.query_params[STADSDEL] = chosen
        else:
            st.query_params.pop(STADSDEL, None)
    except StreamlitAPIException:  # still bound by the Stadsdel page's selectbox in the run right after it
        return
    st.session_state[URL_STADSDEL] = chosen
