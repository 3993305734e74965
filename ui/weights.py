"""The controls of the Index och vikter page, all bound to the URL: level, values and year; indicator weights and
method; the four area weight sliders with their shares; and the saved scenarios.

Why the split between settings and area weights: the settings rerun the whole page, the area sliders only the
index fragment, which halves what a slider move makes the browser redraw."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

import streamlit as st
from streamlit.delta_generator import DeltaGenerator

from lib import audit_texts, auth, charts, db, ranking, sensitivity_texts
from lib import index as ix
from ui import readers, results, sign_in, urlstate, wording, writes

DOMAIN_COLOURS = ["#1f4e8c", "#2a9d8f", "#e9a03b", "#b5179e"]
LEVEL_OPTIONS = list(wording.LEVEL_LABELS.values())
VALUE_OPTIONS = [wording.ALL_VALUES, wording.REAL_ONLY]
METHODS, AGGREGATIONS, UNIVERSES = wording.METHODS, wording.AGGREGATIONS, wording.UNIVERSES


def inverse(d: dict[str, str]) -> dict[str, str]:
    return {v: k for k, v in d.items()}


LEVEL_CODE = inverse(wording.LEVEL_LABELS)


@st.cache_data(show_spinner=False)
def domain_names() -> dict[str, str]:
    """Code → name of the index's four areas, in the sliders' order."""
    domains = readers.index_domains()
    return dict(zip(domains["code"], domains["name"], strict=True))


@st.cache_data(show_spinner=False)
def indicator_names() -> dict[str, str]:
    inds = readers.index_indicators()
    return dict(zip(inds["code"], inds["name"], strict=True))


@st.cache_data(show_spinner=False)
def _indicators_by_domain() -> dict[str, list[tuple[str, str]]]:
    """(code, name) of each index indicator per area code, in catalogue order: read once, not per slider column."""
    inds = readers.index_indicators()
    out: dict[str, list[tuple[str, str]]] = {code: [] for code in domain_names()}
    for code, name, domain in zip(inds["code"], inds["name"], inds["domain"], strict=True):
        if domain in out:
            out[domain].append((code, name))
    return out


def standard_state() -> dict[str, object]:
    """The widgets' values of the standard index: equal weights, the default method, all units compared."""
    area, ind = urlstate.default_ratings()
    return {
        **{urlstate.domain_key(c): r for c, r in area.items()},
        **{urlstate.indicator_key(c): r for c, r in ind.items()},
        urlstate.METHOD: METHODS["ref100"],
        urlstate.AGGREGATION: AGGREGATIONS["arithmetic"],
        urlstate.UNIVERSE: UNIVERSES["all"],
        urlstate.WINSOR: False,
    }


def chosen_level() -> tuple[str, bool]:
    """The level and value switch as the widgets hold them (for callbacks, which run before the widgets)."""
    level = LEVEL_CODE.get(str(st.session_state.get(urlstate.LEVEL)), "stadsdel")
    return level, st.session_state.get(urlstate.REAL_ONLY) == wording.REAL_ONLY


def reset_weights() -> None:
    """Back to the standard (equal) weights, the default method and the latest year; level, value switch and the
    URL follow what is chosen."""
    for key, value in standard_state().items():
        st.session_state[key] = value
    st.session_state[urlstate.YEAR] = readers.index_years(*chosen_level())[-1]


def load_scenario(text: str) -> None:
    """Set every widget to a saved scenario (a callback: the widgets take the values on the rerun)."""
    params = ix.params_from_json(text)
    for code, rating in dict(params.domain_weights).items():
        st.session_state[urlstate.domain_key(code)] = int(rating)
    for code, rating in dict(params.indicator_weights).items():
        st.session_state[urlstate.indicator_key(code)] = int(rating)
    level = params.level if params.level in wording.LEVEL_LABELS else "stadsdel"
    st.session_state[urlstate.LEVEL] = wording.LEVEL_LABELS[level]
    st.session_state[urlstate.REAL_ONLY] = wording.REAL_ONLY if params.real_only else wording.ALL_VALUES
    years = readers.index_years(level, params.real_only)
    st.session_state[urlstate.YEAR] = params.year if params.year in years else years[-1]
    st.session_state[urlstate.METHOD] = METHODS[params.method]
    st.session_state[urlstate.AGGREGATION] = AGGREGATIONS[params.aggregation]
    st.session_state[urlstate.UNIVERSE] = UNIVERSES[params.universe]
    st.session_state[urlstate.WINSOR] = params.winsor > 0


def level_controls() -> tuple[str, bool, int]:
    """Level, value switch and year, bound to the URL: what the whole page is about."""
    c1, c2, c3 = st.columns([1.1, 1.9, 0.9])
    level = LEVEL_CODE[
        c1.segmented_control(
            "Nivå",
            LEVEL_OPTIONS,
            default=LEVEL_OPTIONS[0],
            required=True,
            key=urlstate.LEVEL,
            bind="query-params",
            help="Stadsdel: programmets 117 stadsdelar. DeSO: SCB:s 544 demografiska statistikområden (2018), "
            "med verkliga värden 2024/2025.",
        )
    ]
    deso = level == "deso"
    value_choice = c2.segmented_control(
        "Värden",
        VALUE_OPTIONS,
        default=VALUE_OPTIONS[0],
        required=True,
        key=urlstate.REAL_ONLY,
        bind="query-params",
        disabled=deso,
        help="På DeSO-nivå är alla värden verkliga (SCB 2024/2025), så valet gör ingen skillnad."
        if deso
        else "Endast verkliga värden: SCB:s statistik 2024/2025, utan några syntetiska (modellerade) värden.",
    )
    real_only = value_choice == wording.REAL_ONLY
    years = readers.index_years(level, real_only)
    held = st.session_state.get(urlstate.YEAR)
    if held is not None and held not in years:
        # A year the new level lacks (2016 → DeSO): Streamlit would show the default but leave ?ar=2016 in the
        # URL; setting the state makes the URL follow what is shown.
        st.session_state[urlstate.YEAR] = years[-1]
    year = int(c3.selectbox("År", years[::-1], key=urlstate.YEAR, bind="query-params"))
    if deso:
        st.caption(
            "På DeSO-nivå är alla värden verkliga – SCB:s statistik per DeSO 2024/2025 – så värdeväljaren är låst."
        )
    missing = results.missing_domains_text(level, real_only, year)
    if missing:
        st.info(missing, icon=":material/info:")
    return level, real_only, year


def indicator_sliders(columns: Sequence[DeltaGenerator], level: str, year: int, present: set[str]) -> dict[str, int]:
    """One slider per indicator, in its area's column; an indicator without values here is disabled."""
    _, defaults = urlstate.default_ratings()
    by_domain = _indicators_by_domain()
    where = wording.LEVEL_PHRASES[level]
    ratings = {}
    for column, (code, name) in zip(columns, domain_names().items(), strict=False):
        column.markdown(f"**{name}**")
        for ind_code, ind_name in by_domain[code]:
            ratings[ind_code] = column.slider(
                ind_name,
                0,
                10,
                defaults[ind_code],
                key=urlstate.indicator_key(ind_code),
                bind="query-params",
                disabled=ind_code not in present,
                help=None if ind_code in present else f"Inget värde på {where} {year} – påverkar inte indexet.",
            )
    return ratings


def method_controls(level: str) -> tuple[str, str, str, bool]:
    """Normalisation, aggregation, comparison group and capping, as codes."""
    method = inverse(METHODS)[
        st.selectbox("Normalisering", list(METHODS.values()), key=urlstate.METHOD, bind="query-params")
    ]
    aggregation = inverse(AGGREGATIONS)[
        st.radio("Sammanvägning", list(AGGREGATIONS.values()), key=urlstate.AGGREGATION, bind="query-params")
    ]
    universe = inverse(UNIVERSES)[
        st.radio(
            "Jämförelsegrupp",
            list(UNIVERSES.values()),
            key=urlstate.UNIVERSE,
            bind="query-params",
            help="Vid DeSO: de DeSO-områden som ligger i gruppens stadsdelar." if level == "deso" else None,
        )
    ]
    winsor = st.checkbox("Kapa extremvärden (5 %)", key=urlstate.WINSOR, bind="query-params")
    return method, aggregation, universe, winsor


def settings_controls() -> ix.IndexParams:
    """Level, values and year, then indicator weights and method, bound to the URL: the index but for its area
    weights. A change reruns the whole page, which hands the new settings to the index fragment; keeping these
    widgets out of the fragment halves what a slider move makes the browser redraw."""
    level, real_only, year = level_controls()
    _, used = results.index_inputs(level, year, real_only)
    with st.expander("Indikatorvikter och metod", icon=":material/tune:"):
        columns = st.columns(5)
        ind_ratings = indicator_sliders(columns, level, year, set(used.indicators))
        with columns[4]:
            method, aggregation, universe, winsor = method_controls(level)
        st.caption(audit_texts.double_counting_note(indicator_names()))
    return ix.IndexParams(
        level=level,
        real_only=real_only,
        year=year,
        method=method,
        aggregation=aggregation,
        universe=universe,
        winsor=0.05 if winsor else 0.0,
        indicator_weights=tuple(sorted((c, float(r)) for c, r in ind_ratings.items())),
    )


def area_sliders(settings: ix.IndexParams, missing: list[str]) -> ix.IndexParams:
    """The four area weight sliders, bound to the URL, applied to `settings`, with their shares and the reset
    button. An area without values at this level (`missing`) keeps its slider, disabled: it weighs nothing here."""
    st.subheader("Vikter")
    defaults, _ = urlstate.default_ratings()
    names = domain_names()
    where = wording.LEVEL_PHRASES[settings.level]
    ratings = {
        code: st.slider(
            name,
            0,
            10,
            defaults[code],
            key=urlstate.domain_key(code),
            bind="query-params",
            disabled=code in missing,
            help=f"{name} saknar verkliga data på {where} – reglaget påverkar inte indexet här."
            if code in missing
            else None,
        )
        for code, name in names.items()
    }
    shares = ranking.domain_shares(ratings, defaults, missing)
    if shares.fell_back:
        st.error("Minst ett område med data måste ha en vikt över noll. Indexet visas med lika vikter.")
    st.image(charts.share_bar_svg([shares.share(c) for c in names], DOMAIN_COLOURS), width="stretch")
    st.caption(ranking.share_caption(names, shares, missing))
    if st.button(
        "Återställ standardvikter",
        on_click=reset_weights,
        icon=":material/restart_alt:",
        help="Standardvikter: lika vikter för områden och indikatorer. Verktygets utgångsläge – programmets egna "
        "vikter är inte offentliga.",
    ):
        st.rerun()  # the indicator sliders outside this fragment show their reset values too
    return replace(settings, domain_weights=ranking.domain_weights(shares))


@st.fragment
def scenario_view() -> None:
    """Its own fragment: saving reads the weights the index view last used, so a slider move need not redraw
    this form, and loading reruns the whole page so the sliders take the loaded values. Weights that make no
    index (`ix.check_weights`) are never stored, so there is nothing to save then, but a scenario can be loaded."""
    params = st.session_state.get(urlstate.LAST_INDEX_PARAMS)
    with st.expander("Scenarier – spara och läs in vikter"):
        saved = readers.scenarios()
        c1, c2 = st.columns(2)
        with c1, st.form("spara_scenario", clear_on_submit=True, border=False):
            name = st.text_input("Namn på scenariot", max_chars=db.SCENARIO_NAME_MAX)
            editor = sign_in.current_editor()
            if (
                st.form_submit_button(
                    "Spara nuvarande vikter", icon=":material/save:", disabled=not editor or params is None
                )
                and params is not None
            ):
                try:
                    writes.save_scenario(name, params)
                    st.success(f"Sparade ”{' '.join(name.split())}”.")
                except (db.DataError, auth.NotAuthorised) as exc:
                    st.error(str(exc))
            if not editor:
                st.caption(auth.REFUSED)
        with c2:
            if saved.empty:
                st.caption("Inga sparade scenarier ännu.")
            else:
                choice = st.selectbox("Sparade scenarier", saved["name"].tolist(), key="scenario_val")
                text = saved.set_index("name").loc[choice, "params"]
                stored = ix.scenario_sensitivity(text)
                if stored and (said := sensitivity_texts.stored_sentence(stored)):
                    st.caption(said)
                if st.button("Läs in", on_click=load_scenario, args=(text,), icon=":material/upload:"):
                    st.rerun()
