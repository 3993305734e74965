"""Index och vikter: weigh the four areas, see the ranking move, and how much of it is the weights – per stadsdel or
per DeSO, with all values or only the real ones, and set against SCB's socioekonomisk områdestyp."""

from dataclasses import replace

import numpy as np
import pandas as pd
import streamlit as st

from lib import auth, charts, db, levels, validation
from lib import index as ix
from lib.fmt import number
from ui import downloads, geometry, layout, maps, readers, results, sign_in, urlstate, wording, writes

layout.page_setup()

METHODS, AGGREGATIONS, UNIVERSES = wording.METHODS, wording.AGGREGATIONS, wording.UNIVERSES
AREA_COLOURS = ["#1f4e8c", "#2a9d8f", "#e9a03b", "#b5179e"]
TABLE_ROWS = 25
VIEWS = ("Tabell", "Karta", "Osäkerhet", "Urval", "Validering")
MAP_HEIGHT = 430
LEVEL_OPTIONS = list(wording.LEVEL_LABELS.values())
VALUE_OPTIONS = [wording.ALL_VALUES, wording.REAL_ONLY]
#: The comparison group in running text, for units that are not stadsdelar.
UNIVERSE_TEXT = {"all": "hela staden", "outer": "ytterstaden", "programme": "programmets stadsdelar"}


def inverse(d: dict[str, str]) -> dict[str, str]:
    return {v: k for k, v in d.items()}


LEVEL_CODE = inverse(wording.LEVEL_LABELS)
domains = readers.index_domains()
area_names = dict(zip(domains["code"], domains["name"], strict=True))
inds = readers.index_indicators()
ind_names = dict(zip(inds["code"], inds["name"], strict=True))
areas = readers.areas()
area_label = dict(zip(areas["code"], areas["name"], strict=True))

DEFAULT_AREA, DEFAULT_IND = urlstate.default_ratings()
DEFAULTS = {
    **{f"vikt_{c}": r for c, r in DEFAULT_AREA.items()},
    **{f"ind_{c}": r for c, r in DEFAULT_IND.items()},
    "metod": METHODS["ref100"],
    "aggregering": AGGREGATIONS["arithmetic"],
    "jamforelse": UNIVERSES["all"],
    "kapa": False,
}


def chosen_level() -> tuple[str, bool]:
    """The level and value switch as the widgets hold them (for callbacks, which run before the widgets)."""
    level = LEVEL_CODE.get(st.session_state.get("niva"), "stadsdel")
    return level, st.session_state.get("verkliga") == wording.REAL_ONLY


def reset_weights() -> None:
    """Back to the standard (equal) weights, the default method and the latest year; level, value switch and the
    URL follow what is chosen."""
    for key, value in DEFAULTS.items():
        st.session_state[key] = value
    st.session_state["ar"] = readers.index_years(*chosen_level())[-1]


def load_scenario(text: str) -> None:
    params = ix.params_from_json(text)
    for code, rating in dict(params.area_weights).items():
        st.session_state[f"vikt_{code}"] = int(rating)
    for code, rating in dict(params.indicator_weights).items():
        st.session_state[f"ind_{code}"] = int(rating)
    level = params.level if params.level in wording.LEVEL_LABELS else "stadsdel"
    st.session_state["niva"] = wording.LEVEL_LABELS[level]
    st.session_state["verkliga"] = wording.REAL_ONLY if params.real_only else wording.ALL_VALUES
    years = readers.index_years(level, params.real_only)
    st.session_state["ar"] = params.year if params.year in years else years[-1]
    st.session_state["metod"] = METHODS[params.method]
    st.session_state["aggregering"] = AGGREGATIONS[params.aggregation]
    st.session_state["jamforelse"] = UNIVERSES[params.universe]
    st.session_state["kapa"] = params.winsor > 0


def change_label(delta: float) -> str:
    if not np.isfinite(delta) or delta == 0:
        return "–"
    return f"▲ {int(delta)}" if delta > 0 else f"▼ {int(-delta)}"


def percent(share: float, decimals: int = 1) -> str:
    """0.25 → "25,0 %"."""
    return f"{number(100 * share, decimals)} %"


def level_controls() -> tuple[str, bool, int]:
    """Level, value switch and year, bound to the URL: what the whole page is about."""
    c1, c2, c3 = st.columns([1.1, 1.9, 0.9])
    level = LEVEL_CODE[
        c1.segmented_control(
            "Nivå",
            LEVEL_OPTIONS,
            default=LEVEL_OPTIONS[0],
            required=True,
            key="niva",
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
        key="verkliga",
        bind="query-params",
        disabled=deso,
        help="På DeSO-nivå är alla värden verkliga (SCB 2024/2025), så valet gör ingen skillnad."
        if deso
        else "Endast verkliga värden: SCB:s statistik 2024/2025, utan några syntetiska (modellerade) värden.",
    )
    real_only = value_choice == wording.REAL_ONLY
    years = readers.index_years(level, real_only)
    held = st.session_state.get("ar")
    if held is not None and held not in years:
        # A year the new level lacks (2016 → DeSO): Streamlit would show the default but leave ?ar=2016 in the
        # URL; setting the state makes the URL follow what is shown.
        st.session_state["ar"] = years[-1]
    year = int(c3.selectbox("År", years[::-1], key="ar", bind="query-params"))
    if deso:
        st.caption(
            "På DeSO-nivå är alla värden verkliga – SCB:s statistik per DeSO 2024/2025 – så värdeväljaren är låst."
        )
    missing = results.missing_areas_text(level, real_only, year)
    if missing:
        st.info(missing, icon=":material/info:")
    return level, real_only, year


def settings_controls() -> ix.IndexParams:
    """Level, values and year, then indicator weights and method, bound to the URL: the index but for its area
    weights. A change reruns the whole page, which hands the new settings to the index fragment; keeping these
    widgets out of the fragment halves what a slider move makes the browser redraw."""
    level, real_only, year = level_controls()
    _, used = results.index_inputs(level, year, real_only)
    present = set(used.indicators)
    where = wording.LEVEL_PHRASES[level]
    with st.expander("Indikatorvikter och metod", icon=":material/tune:"):
        columns = st.columns(5)
        ind_ratings = {}
        for column, (code, name) in zip(columns, area_names.items(), strict=False):
            column.markdown(f"**{name}**")
            for ind in inds[inds["domain"] == code].itertuples():
                ind_ratings[ind.code] = column.slider(
                    ind.name,
                    0,
                    10,
                    DEFAULT_IND[ind.code],
                    key=f"ind_{ind.code}",
                    bind="query-params",
                    disabled=ind.code not in present,
                    help=None if ind.code in present else f"Inget värde på {where} {year} – påverkar inte indexet.",
                )
        with columns[4]:
            method = inverse(METHODS)[
                st.selectbox("Normalisering", list(METHODS.values()), key="metod", bind="query-params")
            ]
            aggregation = inverse(AGGREGATIONS)[
                st.radio("Sammanvägning", list(AGGREGATIONS.values()), key="aggregering", bind="query-params")
            ]
            universe = inverse(UNIVERSES)[
                st.radio(
                    "Jämförelsegrupp",
                    list(UNIVERSES.values()),
                    key="jamforelse",
                    bind="query-params",
                    help="Vid DeSO: de DeSO-områden som ligger i gruppens stadsdelar." if level == "deso" else None,
                )
            ]
            winsor = st.checkbox("Kapa extremvärden (5 %)", key="kapa", bind="query-params")
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


def controls(settings: ix.IndexParams, missing: list[str]) -> ix.IndexParams:
    """The four area weight sliders, bound to the URL, applied to `settings`. An area without values at this
    level (`missing`) keeps its slider, disabled: it weighs nothing here."""
    st.subheader("Vikter")
    where = wording.LEVEL_PHRASES[settings.level]
    ratings = {
        code: st.slider(
            name,
            0,
            10,
            DEFAULT_AREA[code],
            key=f"vikt_{code}",
            bind="query-params",
            disabled=code in missing,
            help=f"{name} saknar verkliga data på {where} – reglaget påverkar inte indexet här."
            if code in missing
            else None,
        )
        for code, name in area_names.items()
    }
    used = {c: (0 if c in missing else r) for c, r in ratings.items()}
    total = sum(used.values())
    if total == 0:
        st.error("Minst ett område med data måste ha en vikt över noll. Indexet visas med lika vikter.")
        used = {c: (0 if c in missing else r) for c, r in DEFAULT_AREA.items()}
        ratings = {**ratings, **{c: r for c, r in DEFAULT_AREA.items() if c not in missing}}
        total = sum(used.values())
    shares = pd.DataFrame(
        {"område": list(area_names.values()), "andel": [used[c] / total for c in area_names], "ordning": range(4)}
    )
    st.vega_lite_chart(shares, charts.share_bar(list(area_names.values()), AREA_COLOURS), width="stretch")
    st.caption(
        " · ".join(
            f"{area_names[c]} (saknas)"
            if c in missing
            else f"{area_names[c]} **{number(100 * used[c] / total, 0)}\u00a0%**"
            for c in area_names
        )
    )
    if st.button(
        "Återställ standardvikter",
        on_click=reset_weights,
        icon=":material/restart_alt:",
        help="Standardvikter: lika vikter för områden och indikatorer. Verktygets utgångsläge – programmets egna "
        "vikter är inte offentliga.",
    ):
        st.rerun()  # the indicator sliders outside this fragment show their reset values too
    return replace(settings, area_weights=tuple(sorted((c, float(r)) for c, r in ratings.items())))


def stability_sentence(table: pd.DataFrame, draws: int, labels: dict[str, str]) -> str:
    top5 = table.nsmallest(5, "rank")
    names = ", ".join(labels[c] for c in top5["area_code"])
    least = top5["share_top_5"].min()
    shown = min(TABLE_ROWS, len(table))
    wobbly = table.nsmallest(shown, "rank").assign(width=lambda d: d["rank_p95"] - d["rank_p05"])
    w = wobbly.loc[wobbly["width"].idxmax()]
    return (
        f"De fem med högst risk – {names} – ligger kvar bland de fem högsta i minst **{number(least * 100, 0)} %** av "
        f"{number(draws, 0)} slumpade viktningar där varje vikt ändras upp till ±25 %. "
        f"Mest osäker bland de {shown} första är **{labels[w['area_code']]}**, som hamnar mellan plats "
        f"{int(w['rank_p05'])} och {int(w['rank_p95'])} i 90 % av dragningarna."
    )


def ranking_table(table: pd.DataFrame, show_all: bool, params: ix.IndexParams, origin: pd.DataFrame) -> None:
    """The ranking; the columns that fit beside the sliders are shown, the rest (stadsdelsområde, top-22 share,
    flags …) are in the table's column menu and in the exports."""
    rows = table if show_all else table.head(TABLE_ROWS)
    deso = params.level == "deso"
    units = readers.units(params.level).set_index("code")
    synthetic = [
        f"{int(origin.at[c, 'synthetic'])} av {int(origin.at[c, 'used'])}" if c in origin.index else "–"
        for c in rows["area_code"]
    ]
    columns: dict[str, object] = {
        "Plats": rows["rank"].astype(int).to_numpy(),
        "Ändring": [change_label(d) for d in rows["delta"]],
    }
    if deso:
        columns["DeSO"] = rows["area_code"].map(units["name"]).to_numpy()
        columns["Stadsdel"] = rows["area_code"].map(units["stadsdel"]).to_numpy()
    else:
        columns["Stadsdel"] = rows["area_code"].map(area_label).to_numpy()
    columns["Område"] = rows["area_code"].map(units["district"]).to_numpy()
    columns |= {
        "Index": rows["composite"].round(1).to_numpy(),
        "Täckning": [percent(c) for c in rows["coverage"]],
        "Syntetiska": synthetic,
        "90 %-spann": [f"{int(a)}–{int(b)}" for a, b in zip(rows["rank_p05"], rows["rank_p95"], strict=True)],
        "Topp 22": rows["share_top_22"].to_numpy(),
        "Flaggor": rows["flag_count"].astype(int).to_numpy(),
        "Urval": rows["area_code"].map(units["in_programme"].astype(bool)).to_numpy(),
    }
    view = pd.DataFrame(columns)
    shown = (
        ["Plats", "Ändring", "DeSO", "Stadsdel", "Index", "Täckning", "90 %-spann"]
        if deso
        else ["Plats", "Ändring", "Stadsdel", "Index", "Täckning", "Syntetiska", "90 %-spann", "Urval"]
    )
    unit_word = "DeSO-området" if deso else "stadsdelen"
    st.dataframe(
        view.style.format({"Index": lambda v: number(v, 1)}),  # Swedish form, one decimal, still sorts as a number
        hide_index=True,
        width="stretch",
        height=min(38 * (len(view) + 1), 560),
        column_order=shown,
        column_config={
            "Plats": st.column_config.NumberColumn(width=52),
            "Index": st.column_config.NumberColumn(width=60),
            "Täckning": st.column_config.TextColumn(
                help="Andel av indexets 20 indikatorer som har ett värde för " + unit_word, width=78
            ),
            "Syntetiska": st.column_config.TextColumn(
                help="Hur många av indexets värden som är syntetiska (modellerade): ”0 av 5” = bara verkliga värden",
                width=84,
            ),
            "90 %-spann": st.column_config.TextColumn(
                help=f"Mellan vilka platser {unit_word} hamnar i 90 % av 1 000 slumpade viktningar (±25 %)", width=84
            ),
            "Topp 22": st.column_config.ProgressColumn(
                format="percent", min_value=0, max_value=1, help="Andel av dragningarna bland de 22 högsta"
            ),
            "Ändring": st.column_config.TextColumn(
                help="Jämfört med standardvikterna: ▲ = högre risk-placering", width=68
            ),
            "Flaggor": st.column_config.NumberColumn(
                help=f"Antal indikatorer där {unit_word} ligger över 90:e percentilen eller minst 1,2 × referensen"
            ),
            "Urval": st.column_config.CheckboxColumn(
                help="Stadsdelen ingår i det preliminära urvalet av 22 stadsdelar"
                if deso
                else "Med i det preliminära urvalet av 22 stadsdelar",
                width=56,
            ),
        },
    )
    export = view.drop(columns=["Täckning"]).assign(**{"Täckning (%)": (100 * rows["coverage"]).round(1).to_numpy()})
    name = "rangordning_deso" if deso else "rangordning"
    downloads.download_buttons(export, name, "rangordning")
    hidden = [c for c in view.columns if c not in shown]
    st.caption(f"Fler kolumner ({', '.join(hidden).lower()}) finns i tabellens kolumnmeny och i exporten.")


def band_chart(table: pd.DataFrame, labels: dict[str, str], level: str) -> None:
    """Rank bands of the first rows; a DeSO is labelled code first, so a shortened label still tells them apart."""
    if level == "deso":
        regso = readers.units("deso").set_index("code")["regso"]
        labels = {c: f"{c} {regso.get(c, '')}".strip() for c in table["area_code"]}
    rows = table.head(TABLE_ROWS).assign(stadsdel=lambda d: d["area_code"].map(labels))
    x_max = max(float(rows["rank_worst"].max()), float(rows["rank_p95"].max())) + 1
    columns = ["stadsdel", "rank", "rank_best", "rank_worst", "rank_p05", "rank_p95", "rank_median"]
    st.vega_lite_chart(rows[columns], charts.rank_bands(list(rows["stadsdel"]), x_max), width="stretch")


def weight_chart(result: ix.IndexResult) -> None:
    eff = result.effective_weights.rename_axis("code").reset_index()
    eff["indikator"] = eff["code"].map(ind_names)
    eff["område"] = eff["code"].map(dict(zip(inds["code"], inds["domain"], strict=True))).map(area_names)
    spec = charts.effective_weights(len(eff), list(area_names.values()), AREA_COLOURS)
    st.vega_lite_chart(eff[["indikator", "område", "effective_weight"]], spec, width="stretch")


def map_notes(origin: pd.DataFrame) -> dict[str, str]:
    """The tooltip's last line: whether the unit's index rests on synthetic values."""
    notes = {}
    for r in origin.itertuples():
        if r.synthetic == 0:
            notes[r.area_code] = "verkliga värden"
        elif r.synthetic == r.used:
            notes[r.area_code] = "syntetiska värden"
        else:
            notes[r.area_code] = f"{r.synthetic} av {r.used} värden syntetiska"
    return notes


def ranking_map(table: pd.DataFrame, params: ix.IndexParams, origin: pd.DataFrame) -> None:
    """The index with the chosen weights on the map, per stadsdel or per DeSO: the same classes the Karta page
    uses, redrawn per move."""
    level = levels.get(params.level)
    shown = table.set_index("area_code")["composite"]
    rank_text = {}
    for r in table.itertuples():
        change = change_label(r.delta)
        moved = "" if change == "–" else f" · {change} mot standardvikterna"
        rank_text[r.area_code] = f"plats {int(r.rank)} av {len(table)}{moved}"
    deso = params.level == "deso"
    labels = geometry.programme_labels() if params.universe == "programme" and not deso else geometry.district_labels()
    deck, legend = maps.composite_deck(
        shown, labels, (MAP_HEIGHT, 400), rank_text, level=params.level, notes=map_notes(origin)
    )
    map_col, legend_col = st.columns([3, 1])
    with map_col:
        st.pydeck_chart(
            deck,
            height=MAP_HEIGHT,
            key="viktkarta",
            alt=f"Karta: det sammanvägda indexet med valda vikter per {level.label}. Samma siffror finns i tabellen.",
        )
    with legend_col:
        st.markdown("**Index**  \nmörkare = högre risk")
        maps.legend_chart(legend)
        if deso:
            st.caption(
                "Kartdata: SCB (DeSO 2018), CC0 · Stockholms stad, CC0 (stadsdelsområden och vatten, förenklade "
                "för webben). Statistik: SCB (CC0)."
            )
        else:
            st.caption(geometry.geometry_caption())


def values_caption(params: ix.IndexParams, origin: pd.DataFrame, table_shown: bool) -> str:
    """What the ranked values are: real or synthetic, and from where."""
    if params.level == "deso":
        return (
            "Alla värden är verkliga: SCB:s statistik per DeSO 2024/2025 (Statistik: SCB, CC0). Varje DeSO räknas "
            "till den stadsdel den överlappar mest; 9 av 544 överlappar sin stadsdel mindre än 80 %."
        )
    if params.real_only:
        return (
            "Endast verkliga värden: SCB:s statistik 2024/2025 per DeSO, sammanvägd till stadsdel som "
            "befolkningsvägda medelvärden (Statistik: SCB, CC0). Inga syntetiska värden ingår."
        )
    mixed = int((origin["synthetic"] > 0).sum())
    return (
        f":orange[Syntetiska värden] – {mixed} av {len(origin)} stadsdelars index bygger helt eller delvis på "
        f"syntetiska (modellerade) värden{', se kolumnen *Syntetiska*' if table_shown else ''}. Rangordningen visar "
        "hur verktyget fungerar, inte verkliga förhållanden; välj *Endast verkliga värden* för SCB:s siffror."
    )


def unranked_caption(result: ix.IndexResult, params: ix.IndexParams, labels: dict[str, str]) -> str | None:
    incomplete = result.scores[result.scores["incomplete"] & result.scores["in_universe"]]
    if not len(incomplete):
        return None
    level = levels.get(params.level)
    names = sorted(labels[c] for c in incomplete["area_code"])
    listed = ", ".join(names) if len(names) <= 16 else ", ".join(names[:16]) + " …"
    if params.level == "deso":
        reason = "SCB redovisar inte alla värden för dem"
    elif params.real_only:
        reason = "små stadsdelar utan eget DeSO-område har inga värden från SCB"
    else:
        reason = "färre än 1 000 invånare ger inga modellerade värden, och små stadsdelar utan eget DeSO-område "
        reason += "har inga värden från SCB"
    return f"{len(incomplete)} {level.plural} saknar värden och rangordnas inte ({reason}): {listed}."


def dominance_warning(table: pd.DataFrame, labels: dict[str, str], params: ix.IndexParams) -> None:
    dominated = table[table["dominance"]]
    if not len(dominated):
        return
    if len(dominated) <= 10:
        st.warning(
            "En enda indikator står för mer än halva indexet i: "
            + ", ".join(f"{labels[r.area_code]} ({ind_names[r.dominant_indicator]})" for r in dominated.itertuples()),
            icon=":material/warning:",
        )
        return
    level = levels.get(params.level)
    common_ind = dominated["dominant_indicator"].value_counts()
    top = common_ind.index[0]
    st.warning(
        f"En enda indikator står för mer än halva indexet i {number(len(dominated), 0)} av {number(len(table), 0)} "
        f"{level.plural} – i {number(int(common_ind.iloc[0]), 0)} av dem {ind_names[top].lower()}. Med få "
        "indikatorer per område väger varje indikator tungt.",
        icon=":material/warning:",
    )


@st.fragment
@layout.timed
def index_view(settings: ix.IndexParams) -> None:
    level = levels.get(settings.level)
    labels = results.unit_labels(settings.level)
    missing = levels.missing_domains(
        readers.level_values(settings.level, settings.real_only), readers.indicators(), settings.year
    )
    left, right = st.columns([0.95, 2.6], gap="small")
    with left:
        params = controls(settings, missing)
    st.session_state[urlstate.LAST_INDEX_PARAMS] = params
    result = results.index_result(params)
    standard = results.index_result(replace(params, area_weights=(), indicator_weights=()))  # equal weights
    table = (
        result.scores.merge(standard.scores[["area_code", "rank"]].rename(columns={"rank": "standard"}), on="area_code")
        .dropna(subset=["rank"])
        .sort_values("rank")
    )
    table["delta"] = table["standard"] - table["rank"]
    origin = results.value_origin(params.level, params.year, params.real_only)
    with right:
        heading = st.empty()
        view = st.segmented_control(
            "Visa",
            VIEWS,
            default=VIEWS[0],
            required=True,
            key="visa",
            bind="query-params",
            label_visibility="collapsed",
        )
        if view == VIEWS[4]:
            heading.subheader(f"Validering {results.validation_params(params).year} – RegSO mot SCB:s områdestyp")
            validation_view(params)
            return
        if params.level == "stadsdel":
            heading.subheader(f"Rangordning {params.year} – {UNIVERSES[params.universe].lower()}")
        else:
            heading.subheader(f"Rangordning {params.year} – {level.label} i {UNIVERSE_TEXT[params.universe]}")
        if view == VIEWS[1]:
            ranking_map(table, params, origin)  # needs no robustness draws: the fastest what-if
        else:
            robust = results.robustness(params)
            table = table.merge(robust, on="area_code")
            st.info(stability_sentence(table, int(robust["draws"].iloc[0]), labels), icon=":material/balance:")
        if view == VIEWS[2]:
            uncertainty_view(table, result, params, labels)
        elif view == VIEWS[3]:
            selection_view(params)
        elif view == VIEWS[0]:
            show_all = st.toggle(f"Visa alla {len(table)}", key="visa_alla")
            ranking_table(table, show_all, params, origin.set_index("area_code"))
        unranked = unranked_caption(result, params, labels)
        if unranked:
            st.caption(unranked)
        dominance_warning(table, labels, params)
        st.caption(values_caption(params, origin, view == VIEWS[0]))


def uncertainty_view(
    table: pd.DataFrame, result: ix.IndexResult, params: ix.IndexParams, labels: dict[str, str]
) -> None:
    st.markdown("**Hur säker är placeringen?**")
    band_chart(table, labels, params.level)
    st.caption(
        "◆ plats med valda vikter · mörk stapel: plats i 90 % av 1 000 slumpade viktningar (±25 %) · "
        "streck: median · grå linje: bästa och sämsta plats när varje område får väga 10–40 %."
    )
    loo = results.leave_one_out(params)
    shift = loo.loc[table["area_code"]].abs().mean().sort_values(ascending=False)
    top = shift.index[0]
    st.markdown(
        f"Tas **{ind_names[top].lower()}** bort flyttar {levels.get(params.level).definite_plural} i snitt "
        f"{number(shift.iloc[0], 1)} platser – mer än någon annan indikator."
    )
    st.markdown("**Vad väger egentligen mest?**")
    weight_chart(result)
    st.caption("Effektiv vikt = områdets andel × indikatorns andel inom området.")


def programme_pick(params: ix.IndexParams, real_only: bool) -> tuple[int, dict[str, list[str]]]:
    """The 22 outer-city stadsdelar the index picks at stadsdel level with these weights: (year, selection)."""
    year = results.level_year("stadsdel", real_only, params.year)
    p = replace(params, level="stadsdel", real_only=real_only, year=year)
    scores = results.index_result(p).scores
    by_code = areas.set_index("code")
    candidates = scores["area_code"].map(by_code["outer_city"]).to_numpy(dtype=bool)
    current = scores["area_code"].map(by_code["in_programme"]).to_numpy(dtype=bool)
    return year, ix.selection(scores, candidates, current)


def selection_view(params: ix.IndexParams) -> None:
    st.markdown("**Vilka 22 skulle indexet välja?**")
    st.markdown(
        "De 22 ytterstadsstadsdelar med högst index bland de 46 i de sex stadsdelsområdena, jämfört med programmets "
        "**preliminära urval**. Enligt programmet bör arbetets omfattning och intensitet stå i proportion till "
        "graden av social risk."
    )
    if params.level != "stadsdel":
        st.caption("Urvalet gäller stadsdelar, så jämförelsen görs på stadsdelsnivå med samma vikter och metod.")
    all_year, all_pick = programme_pick(params, real_only=False)
    real_year, real_pick = programme_pick(params, real_only=True)
    pick = real_pick if params.real_only else all_pick
    chosen = (wording.REAL_ONLY if params.real_only else wording.ALL_VALUES).lower()
    c1, c2, c3 = st.columns(3)
    with c1:
        st.markdown("**Samma som urvalet**")
        st.metric(f"{wording.ALL_VALUES} {all_year}", f"{len(all_pick['kept'])} av 22")
        st.metric(f"{wording.REAL_ONLY} {real_year}", f"{len(real_pick['kept'])} av 22")
    with c2:
        st.markdown(f"**Skulle komma in**  \n{chosen}")
        st.markdown("\n".join(f"- {area_label[c]}" for c in pick["entering"]) or "Inga")
    with c3:
        st.markdown(f"**Skulle falla ut**  \n{chosen}")
        st.markdown("\n".join(f"- {area_label[c]}" for c in pick["leaving"]) or "Inga")
    origin = results.value_origin("stadsdel", all_year, False)
    modelled = int(origin["synthetic"].median()) if len(origin) else 0
    used = int(origin["used"].median()) if len(origin) else 0
    st.markdown(
        "**Vad jämförelsen kan och inte kan visa.** Den syntetiska modellen läser inte längre programmets lista – "
        "den bygger på verklig låg ekonomisk standard 2024 och publicerade siffror per stadsdelsområde – så "
        "överensstämmelsen är inte inbyggd. Men med *Alla värden* är ändå de flesta av indexets indikatorer "
        f"modellerade ({modelled} av {used} för en typisk stadsdel {all_year}), så där säger jämförelsen mest om "
        "modellen. Med *Endast verkliga värden* vilar jämförelsen bara på SCB:s siffror för 2024/2025 – försörjning "
        "och sociala risker, utan hälsa och trygghet – tio–elva år efter att programmet valde sina 22 stadsdelar "
        "2014. "
        "Att en stadsdel faller ut kan alltså betyda att den har förändrats, inte att urvalet var fel."
    )


def validation_view(params: ix.IndexParams) -> None:
    """The index at RegSO level against SCB's socioekonomisk områdestyp: cross table, rank correlation and the
    RegSO where the two disagree most."""
    types = readers.regso_types()
    type_years = sorted(int(y) for y in types["year"].unique())
    st.markdown("**Stämmer indexet med SCB:s socioekonomiska områdestyp?**")
    types_year = st.segmented_control(
        "SCB:s områdestyp, år",
        type_years,
        default=type_years[-1],
        required=True,
        key="omradestyp_ar",
        bind="query-params",
    )
    try:
        val = results.regso_validation(params, int(types_year))
    except ValueError:
        st.warning(
            "Jämförelsen kan inte göras med de här vikterna: på RegSO-nivå finns bara försörjning och sociala "
            "risker – ge minst ett av dem en vikt över noll.",
            icon=":material/warning:",
        )
        return
    index_year = results.validation_params(params).year
    st.markdown(
        f"Indexet {index_year} räknat för Stockholms {len(val.table)} RegSO med sidans vikter, normalisering och "
        f"sammanvägning (verkliga värden), mot SCB:s indelning {types_year}."
    )
    c1, c2, c3 = st.columns([1.4, 1, 1])
    c1.metric(
        "Rangkorrelation (Spearman)",
        number(val.spearman, 2),
        help="1 = samma ordning som SCB:s typer, 0 = inget samband",
    )
    c2.metric("Samma klass", percent(val.agree, 0))
    c3.metric("Högst en klass isär", percent(val.within_one, 0))
    cross, gaps = results.validation_tables(val)
    type_help = {
        f"Typ {t}": st.column_config.NumberColumn(help=f"SCB: {label}", width=64)
        for t, label in validation.TYPE_LABELS.items()
    }
    st.markdown("**Indexklass (rader) mot SCB:s typ (kolumner)**, antal RegSO")
    diagonal = cross.style.apply(
        lambda row: [
            "background-color: #dcefe3; font-weight: 600" if col == f"Typ {row.name + 1}" else "" for col in row.index
        ],
        axis=1,
    )
    st.dataframe(
        diagonal,
        hide_index=True,
        width="content",
        column_config={
            "Indexklass": st.column_config.TextColumn(help="Indexklass och hur många RegSO den har (= SCB:s antal)"),
            **type_help,
        },
    )
    st.caption(f"{results.type_legend()}. Grön diagonal: samma klass.")
    st.markdown("**Där indexet och SCB skiljer sig mest**")
    if gaps.empty:
        st.markdown("Inga: varje RegSO hamnar i samma klass som SCB:s typ.")
    else:
        st.dataframe(
            gaps,
            hide_index=True,
            width="stretch",
            column_config={
                "Plats i indexet": st.column_config.TextColumn(width=104),
                "Indexklass": st.column_config.NumberColumn(width=84),
                "SCB:s typ": st.column_config.TextColumn(width=80, help="Se typerna ovan"),
                "Indexet visar": st.column_config.TextColumn(width=96, help="Högre eller lägre risk än SCB:s typ"),
            },
        )
    full = val.table.assign(
        stadsdel=val.table["regso_code"].map(readers.units("regso").set_index("code")["stadsdel"]),
        composite=val.table["composite"].round(1),
    ).rename(
        columns={
            "regso_code": "RegSO-kod",
            "regso": "RegSO",
            "stadsdel": "Stadsdel",
            "composite": "Index",
            "rank": "Plats",
            "index_class": "Indexklass",
            "omradestyp": "SCB:s typ",
            "difference": "Skillnad (klass − typ)",
        }
    )
    downloads.download_buttons(full, f"validering_regso_{types_year}", "validering")
    st.markdown(
        f"""
- **Så görs klasserna.** Indexets RegSO delas i fem klasser med SCB:s klasstorlekar: lika många i indexklass 1 som
  SCB har av typ 1, och så vidare. Diagonalen betyder alltså samma plats i ordningen, inte samma gränsvärden.
- **Vad som ingår.** På RegSO-nivå finns verkliga data bara för försörjning och sociala risker (SCB 2024/2025);
  hälsa och säkerhet och trygghet ingår inte. RegSO-värdena är DeSO-värden sammanvägda efter folkmängd.
- **Hur det ska läsas.** SCB:s typ bygger själv på inkomst, utbildning och sysselsättning – samma slags mått som
  indexet har här – så hög överensstämmelse är väntad och bevisar inte att indexet fångar social risk. Det
  intressanta är där de skiljer sig: {number(100 * (1 - val.agree), 0)} % av RegSO hamnar i en annan klass.
"""
    )
    st.caption("Källa: SCB, socioekonomisk områdestyp per RegSO (CC0). Statistik: SCB (CC0).")


@st.fragment
def scenario_view() -> None:
    """Its own fragment: saving reads the weights the index view last used, so a slider move need not redraw
    this form, and loading reruns the whole page so the sliders take the loaded values."""
    params = st.session_state[urlstate.LAST_INDEX_PARAMS]
    with st.expander("Scenarier – spara och läs in vikter"):
        saved = readers.scenarios()
        c1, c2 = st.columns(2)
        with c1, st.form("spara_scenario", clear_on_submit=True, border=False):
            name = st.text_input("Namn på scenariot", max_chars=db.SCENARIO_NAME_MAX)
            editor = sign_in.current_editor()
            if st.form_submit_button("Spara nuvarande vikter", icon=":material/save:", disabled=not editor):
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
                if st.button("Läs in", on_click=load_scenario, args=(text,), icon=":material/upload:"):
                    st.rerun()


st.title("Index och vikter")
st.markdown(
    "Det sammanvägda indexet visar var de sociala riskerna är störst. **Flytta reglagen** och se vilka stadsdelar "
    "eller DeSO-områden som byter plats – och hur mycket av rangordningen som beror på vikterna."
)
index_view(settings_controls())
scenario_view()
with st.expander("Så räknas indexet"):
    st.markdown(
        """
1. Varje indikator vänds så att **högre alltid betyder mer risk** och jämförs med jämförelsegruppen: som standard
   är 100 gruppens befolkningsvägda medelvärde och 150 betyder 1,5 gånger gruppens risknivå: där ett högt värde
   är sämre ligger värdet 50 % över gruppens, där ett lågt värde är sämre räknas poängen som 100 · gruppens
   värde / värdet, så 150 betyder att värdet är en tredjedel lägre än gruppens.
2. Indikatorerna vägs samman till fyra **områdespoäng** (ett område kräver minst 65 % av sina indikatorer).
   Indikatorer som mäts mer sällan (val, trygghetsmätning) använder senaste mätningen. Indikatorer som saknar
   värden på vald nivå och år räknas inte med.
3. Områdena vägs samman med **reglagens vikter** till ett index. Geometriskt medel gör att ett lågt område inte
   helt kan kompensera ett högt. Ett område utan data på vald nivå väger noll.
4. **Osäkerheten** visas genom att räkna om indexet 1 000 gånger med slumpvis ändrade vikter (±25 %): stapeln
   visar mellan vilka platser enheten hamnar i 90 % av fallen.
5. **Nivåer.** Stadsdel: programmets 117 stadsdelar, med verkliga värden där de finns och annars syntetiska. DeSO:
   SCB:s 544 områden med verkliga värden 2024/2025; varje DeSO räknas till den stadsdel den överlappar mest.
   Stadsdelsvärden från DeSO är befolkningsvägda medelvärden (medianer som vägs samman är inte medianer).
"""
    )
