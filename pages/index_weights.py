"""Index och vikter: weigh the four areas, see the ranking move, and how much of it is the weights."""

from dataclasses import replace

import numpy as np
import pandas as pd
import streamlit as st

from lib import auth, charts, db
from lib import index as ix
from lib.fmt import number
from pages import common

common.page_setup()

METHODS, AGGREGATIONS, UNIVERSES = common.METHODS, common.AGGREGATIONS, common.UNIVERSES
AREA_COLOURS = ["#1f4e8c", "#2a9d8f", "#e9a03b", "#b5179e"]
TABLE_ROWS = 25
VIEWS = ("Tabell", "Karta", "Osäkerhet", "Urval")
MAP_HEIGHT = 430


def inverse(d: dict[str, str]) -> dict[str, str]:
    return {v: k for k, v in d.items()}


domains = common.index_domains()
area_names = dict(zip(domains["code"], domains["name"], strict=True))
inds = common.index_indicators()
ind_names = dict(zip(inds["code"], inds["name"], strict=True))
areas = common.areas()
area_label = dict(zip(areas["code"], areas["name"], strict=True))
years = common.data_years()

DECIDED_AREA, DECIDED_IND = common.decided_ratings()
DEFAULTS = {
    **{f"vikt_{c}": r for c, r in DECIDED_AREA.items()},
    **{f"ind_{c}": r for c, r in DECIDED_IND.items()},
    "ar": years[-1],
    "metod": METHODS["ref100"],
    "aggregering": AGGREGATIONS["arithmetic"],
    "jamforelse": UNIVERSES["all"],
    "kapa": False,
}


def reset_weights() -> None:
    """Back to the decided (equal) weights and the default method; the URL follows."""
    for key, value in DEFAULTS.items():
        st.session_state[key] = value


def load_scenario(text: str) -> None:
    params = ix.params_from_json(text)
    for code, rating in dict(params.area_weights).items():
        st.session_state[f"vikt_{code}"] = int(rating)
    for code, rating in dict(params.indicator_weights).items():
        st.session_state[f"ind_{code}"] = int(rating)
    st.session_state["ar"] = params.year if params.year in years else years[-1]
    st.session_state["metod"] = METHODS[params.method]
    st.session_state["aggregering"] = AGGREGATIONS[params.aggregation]
    st.session_state["jamforelse"] = UNIVERSES[params.universe]
    st.session_state["kapa"] = params.winsor > 0


def change_label(delta: float) -> str:
    if not np.isfinite(delta) or delta == 0:
        return "–"
    return f"▲ {int(delta)}" if delta > 0 else f"▼ {int(-delta)}"


def settings_controls() -> ix.IndexParams:
    """Indicator weights, year and method, bound to the URL: the index but for its area weights. A change reruns
    the whole page, which hands the new settings to the index fragment; keeping these 21 widgets out of the
    fragment halves what a slider move makes the browser redraw."""
    with st.expander("Indikatorvikter, år och metod", icon=":material/tune:"):
        columns = st.columns(5)
        ind_ratings = {}
        for column, (code, name) in zip(columns, area_names.items(), strict=False):
            column.markdown(f"**{name}**")
            for ind in inds[inds["domain"] == code].itertuples():
                ind_ratings[ind.code] = column.slider(
                    ind.name, 0, 10, DECIDED_IND[ind.code], key=f"ind_{ind.code}", bind="query-params"
                )
        with columns[4]:
            year = st.selectbox("År", years[::-1], key="ar", bind="query-params")
            method = inverse(METHODS)[
                st.selectbox("Normalisering", list(METHODS.values()), key="metod", bind="query-params")
            ]
            aggregation = inverse(AGGREGATIONS)[
                st.radio("Sammanvägning", list(AGGREGATIONS.values()), key="aggregering", bind="query-params")
            ]
            universe = inverse(UNIVERSES)[
                st.radio("Jämförelsegrupp", list(UNIVERSES.values()), key="jamforelse", bind="query-params")
            ]
            winsor = st.checkbox("Kapa extremvärden (5 %)", key="kapa", bind="query-params")
    return ix.IndexParams(
        year=int(year),
        method=method,
        aggregation=aggregation,
        universe=universe,
        winsor=0.05 if winsor else 0.0,
        indicator_weights=tuple(sorted((c, float(r)) for c, r in ind_ratings.items())),
    )


def controls(settings: ix.IndexParams) -> ix.IndexParams:
    """The four area weight sliders, bound to the URL, applied to `settings`."""
    st.subheader("Vikter")
    ratings = {
        code: st.slider(name, 0, 10, DECIDED_AREA[code], key=f"vikt_{code}", bind="query-params")
        for code, name in area_names.items()
    }
    total = sum(ratings.values())
    if total == 0:
        st.error("Minst ett område måste ha en vikt över noll. Indexet visas med lika vikter.")
        ratings = dict(DECIDED_AREA)
        total = sum(ratings.values())
    shares = pd.DataFrame(
        {"område": list(area_names.values()), "andel": [ratings[c] / total for c in area_names], "ordning": range(4)}
    )
    st.vega_lite_chart(shares, charts.share_bar(list(area_names.values()), AREA_COLOURS), width="stretch")
    st.caption(" · ".join(f"{area_names[c]} **{number(100 * ratings[c] / total, 0)} %**" for c in area_names))
    if st.button(
        "Återställ beslutade vikter",
        on_click=reset_weights,
        icon=":material/restart_alt:",
        help="Lika vikter för områden och indikatorer (preliminärt: programmets egna vikter är inte offentliga).",
    ):
        st.rerun()  # the indicator sliders outside this fragment show their reset values too
    return replace(settings, area_weights=tuple(sorted((c, float(r)) for c, r in ratings.items())))


def stability_sentence(table: pd.DataFrame, draws: int) -> str:
    top5 = table.nsmallest(5, "rank")
    names = ", ".join(area_label[c] for c in top5["area_code"])
    least = top5["share_top_5"].min()
    shown = min(TABLE_ROWS, len(table))
    wobbly = table.nsmallest(shown, "rank").assign(width=lambda d: d["rank_p95"] - d["rank_p05"])
    w = wobbly.loc[wobbly["width"].idxmax()]
    return (
        f"De fem med högst risk – {names} – ligger kvar bland de fem högsta i minst **{number(least * 100, 0)} %** av "
        f"{number(draws, 0)} slumpade viktningar där varje vikt ändras upp till ±25 %. "
        f"Mest osäker bland de {shown} första är **{area_label[w['area_code']]}**, som hamnar mellan plats "
        f"{int(w['rank_p05'])} och {int(w['rank_p95'])} i 90 % av dragningarna."
    )


def ranking_table(table: pd.DataFrame, show_all: bool) -> None:
    rows = table if show_all else table.head(TABLE_ROWS)
    view = pd.DataFrame(
        {
            "Plats": rows["rank"].astype(int),
            "Ändring": [change_label(d) for d in rows["delta"]],
            "Stadsdel": rows["area_code"].map(area_label),
            "Område": rows["area_code"].map(dict(zip(areas["code"], areas["district"], strict=True))),
            "Index": rows["composite"].round(1),
            "90 %-spann": [f"{int(a)}–{int(b)}" for a, b in zip(rows["rank_p05"], rows["rank_p95"], strict=True)],
            "Topp 22": rows["share_top_22"],
            "Flaggor": rows["flag_count"].astype(int),
            "Urval": rows["area_code"].map(dict(zip(areas["code"], areas["in_programme"], strict=True))),
        }
    )
    st.dataframe(
        view,
        hide_index=True,
        width="stretch",
        height=min(38 * (len(view) + 1), 560),
        column_config={
            "Index": st.column_config.NumberColumn(format="localized"),
            "90 %-spann": st.column_config.TextColumn(
                help="Mellan vilka platser stadsdelen hamnar i 90 % av 1 000 slumpade viktningar (±25 %)"
            ),
            "Topp 22": st.column_config.ProgressColumn(
                format="percent", min_value=0, max_value=1, help="Andel av dragningarna bland de 22 högsta"
            ),
            "Ändring": st.column_config.TextColumn(help="Jämfört med de beslutade vikterna: ▲ = högre risk-placering"),
            "Flaggor": st.column_config.NumberColumn(
                help="Antal indikatorer där stadsdelen ligger över 90:e percentilen eller minst 1,2 × referensen"
            ),
            "Urval": st.column_config.CheckboxColumn(help="Med i det preliminära urvalet av 22 stadsdelar"),
        },
    )
    common.download_buttons(view, "rangordning", "rangordning")


def band_chart(table: pd.DataFrame) -> None:
    rows = table.head(TABLE_ROWS).assign(stadsdel=lambda d: d["area_code"].map(area_label))
    x_max = max(float(rows["rank_worst"].max()), float(rows["rank_p95"].max())) + 1
    columns = ["stadsdel", "rank", "rank_best", "rank_worst", "rank_p05", "rank_p95", "rank_median"]
    st.vega_lite_chart(rows[columns], charts.rank_bands(list(rows["stadsdel"]), x_max), width="stretch")


def weight_chart(result: ix.IndexResult) -> None:
    eff = result.effective_weights.rename_axis("code").reset_index()
    eff["indikator"] = eff["code"].map(ind_names)
    eff["område"] = eff["code"].map(dict(zip(inds["code"], inds["domain"], strict=True))).map(area_names)
    spec = charts.effective_weights(len(eff), list(area_names.values()), AREA_COLOURS)
    st.vega_lite_chart(eff[["indikator", "område", "effective_weight"]], spec, width="stretch")


def ranking_map(table: pd.DataFrame, universe: str) -> None:
    """The index with the chosen weights on the map: the same classes the Karta page uses, redrawn per move."""
    shown = table.set_index("area_code")["composite"]
    rank_text = {}
    for r in table.itertuples():
        change = change_label(r.delta)
        moved = "" if change == "–" else f" · {change} mot beslutade vikter"
        rank_text[r.area_code] = f"plats {int(r.rank)} av {len(table)}{moved}"
    labels = common.programme_labels() if universe == "programme" else common.district_labels()
    deck, legend = common.composite_deck(shown, labels, (MAP_HEIGHT, 400), rank_text)
    map_col, legend_col = st.columns([3, 1])
    with map_col:
        st.pydeck_chart(
            deck,
            height=MAP_HEIGHT,
            key="viktkarta",
            alt="Karta: det sammanvägda indexet med valda vikter per stadsdel. Samma siffror finns i tabellen.",
        )
    with legend_col:
        st.markdown("**Index**  \nmörkare = högre risk")
        common.legend_chart(legend)
        st.caption(common.geometry_caption())


@st.fragment
@common.timed
def index_view(settings: ix.IndexParams) -> None:
    left, right = st.columns([1, 2.3], gap="large")
    with left:
        params = controls(settings)
    st.session_state[common.LAST_INDEX_PARAMS] = params
    result = common.index_result(params)
    decided = common.index_result(replace(params, area_weights=(), indicator_weights=()))  # equal weights
    table = (
        result.scores.merge(decided.scores[["area_code", "rank"]].rename(columns={"rank": "decided"}), on="area_code")
        .dropna(subset=["rank"])
        .sort_values("rank")
    )
    table["delta"] = table["decided"] - table["rank"]
    with right:
        st.subheader(f"Rangordning {params.year} – {UNIVERSES[params.universe].lower()}")
        view = st.segmented_control(
            "Visa",
            VIEWS,
            default=VIEWS[0],
            required=True,
            key="visa",
            bind="query-params",
            label_visibility="collapsed",
        )
        if view == VIEWS[1]:
            ranking_map(table, params.universe)  # needs no robustness draws: the fastest what-if
        else:
            robust = common.robustness(params)
            table = table.merge(robust, on="area_code")
            st.info(stability_sentence(table, int(robust["draws"].iloc[0])), icon=":material/balance:")
        if view == VIEWS[2]:
            uncertainty_view(table, result, params)
        elif view == VIEWS[3]:
            selection_view(result)
        elif view == VIEWS[0]:
            show_all = st.toggle(f"Visa alla {len(table)}", key="visa_alla")
            ranking_table(table, show_all)
        incomplete = result.scores[result.scores["incomplete"] & result.scores["in_universe"]]
        if len(incomplete):
            st.caption(f"{len(incomplete)} stadsdelar saknar värden (färre än 1 000 invånare) och rangordnas inte.")
        dominated = table[table["dominance"]]
        if len(dominated):
            st.warning(
                "En enda indikator står för mer än halva indexet i: "
                + ", ".join(
                    f"{area_label[r.area_code]} ({ind_names[r.dominant_indicator]})" for r in dominated.itertuples()
                ),
                icon=":material/warning:",
            )
        st.caption(
            ":orange[Syntetiska värden] – rangordningen visar hur verktyget fungerar, inte verkliga förhållanden."
        )


def uncertainty_view(table: pd.DataFrame, result: ix.IndexResult, params: ix.IndexParams) -> None:
    st.markdown("**Hur säker är placeringen?**")
    band_chart(table)
    st.caption(
        "◆ plats med valda vikter · mörk stapel: plats i 90 % av 1 000 slumpade viktningar (±25 %) · "
        "streck: median · grå linje: bästa och sämsta plats när varje område får väga 10–40 %."
    )
    loo = common.leave_one_out(params)
    shift = loo.loc[table["area_code"]].abs().mean().sort_values(ascending=False)
    top = shift.index[0]
    st.markdown(
        f"Tas **{ind_names[top].lower()}** bort flyttar stadsdelarna i snitt {number(shift.iloc[0], 1)} platser – "
        f"mer än någon annan indikator."
    )
    st.markdown("**Vad väger egentligen mest?**")
    weight_chart(result)
    st.caption("Effektiv vikt = områdets andel × indikatorns andel inom området.")


def selection_view(result: ix.IndexResult) -> None:
    st.markdown("**Vilka 22 skulle indexet välja?**")
    st.markdown(
        "De 22 ytterstadsstadsdelar med högst index bland de 46 i de sex stadsdelsområdena, jämfört med det "
        "**preliminära urvalet**."
    )
    pick = ix.selection(
        result.scores, areas["outer_city"].to_numpy(dtype=bool), areas["in_programme"].to_numpy(dtype=bool)
    )
    c1, c2, c3 = st.columns(3)
    c1.metric("Samma som urvalet", len(pick["kept"]))
    with c2:
        st.markdown("**Skulle komma in**")
        st.markdown("\n".join(f"- {area_label[c]}" for c in pick["entering"]) or "Inga")
    with c3:
        st.markdown("**Skulle falla ut**")
        st.markdown("\n".join(f"- {area_label[c]}" for c in pick["leaving"]) or "Inga")


@st.fragment
def scenario_view() -> None:
    """Its own fragment: saving reads the weights the index view last used, so a slider move need not redraw
    this form, and loading reruns the whole page so the sliders take the loaded values."""
    params = st.session_state[common.LAST_INDEX_PARAMS]
    with st.expander("Scenarier – spara och läs in vikter"):
        saved = common.scenarios()
        c1, c2 = st.columns(2)
        with c1, st.form("spara_scenario", clear_on_submit=True, border=False):
            name = st.text_input("Namn på scenariot", max_chars=db.SCENARIO_NAME_MAX)
            editor = common.current_editor()
            if st.form_submit_button("Spara nuvarande vikter", icon=":material/save:", disabled=not editor):
                try:
                    common.save_scenario(name, params)
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
    "som byter plats – och hur mycket av rangordningen som beror på vikterna."
)
index_view(settings_controls())
scenario_view()
with st.expander("Så räknas indexet"):
    st.markdown(
        """
1. Varje indikator vänds så att **högre alltid betyder mer risk** och jämförs med jämförelsegruppen: som standard
   är 100 gruppens befolkningsvägda medelvärde, 150 betyder 50 % sämre.
2. Indikatorerna vägs samman till fyra **områdespoäng** (ett område kräver minst 65 % av sina indikatorer).
   Indikatorer som mäts mer sällan (val, trygghetsmätning) använder senaste mätningen.
3. Områdena vägs samman med **reglagens vikter** till ett index. Geometriskt medel gör att ett lågt område inte
   helt kan kompensera ett högt.
4. **Osäkerheten** visas genom att räkna om indexet 1 000 gånger med slumpvis ändrade vikter (±25 %): stapeln
   visar mellan vilka platser stadsdelen hamnar i 90 % av fallen.
"""
    )
