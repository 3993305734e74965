"""Karta: the index, an area score or one indicator on a map of the stadsdelar; darker = more social risk."""

import numpy as np
import pandas as pd
import streamlit as st

from lib import classify, mapview
from lib import index as ix
from lib.fmt import number
from pages import common

common.page_setup()

VIEWS = ("Programmet", "Hela staden")
COMPOSITE = "Sammanvägt index"
AREA_PREFIX = "Område: "

st.title("Karta")
st.markdown(
    "Välj vad kartan ska visa. **Mörkare färg betyder högre social risk** – oavsett om måttet i sig är bra eller "
    "dåligt. Klicka på en stadsdel för att se dess profil."
)

areas = common.areas()
name_of = common.area_names()
code_of = {n: c for c, n in name_of.items()}
domains = common.index_domains()
area_label = {f"{AREA_PREFIX}{n}": c for c, n in zip(domains["code"], domains["name"], strict=True)}
inds = common.index_indicators()
ind_code = dict(zip(inds["name"], inds["code"], strict=True))
layers = [COMPOSITE, *area_label, *ind_code]


def on_map_select() -> None:
    """A click on the map selects the stadsdel in the selectbox (and so in the URL)."""
    state = st.session_state.get("karta")
    objects = (state or {}).get("selection", {}).get("objects", {}).get(mapview.AREA_LAYER_ID, [])
    if objects:
        props = objects[0].get("properties", objects[0])
        if props.get("code") in name_of:
            st.session_state["stadsdel"] = name_of[props["code"]]


# Bound widgets put the shown label in the URL, so options are readable names (?lager=Ohälsotal).
c1, c2, c3, c4 = st.columns([2.6, 1, 2.3, 2.1])
layer = c1.selectbox("Visa på kartan", layers, key="lager", bind="query-params")
is_indicator = layer in ind_code
all_years = common.data_years()
years = common.indicator_years(ind_code[layer]) if is_indicator else all_years
year = int(c2.selectbox("År", years[::-1], key="ar", bind="query-params"))
view = c3.segmented_control(
    "Stadsdelar",
    VIEWS,
    default=VIEWS[0],
    required=True,
    key="urval",
    bind="query-params",
    help="Programmet: de 22 stadsdelarna i det preliminära urvalet jämförs med varandra. Hela staden: alla 117.",
)
scheme_of = {label: key for key, label in classify.SCHEMES.items()}
scheme = scheme_of[c4.selectbox("Klassindelning", list(scheme_of), key="klassning", bind="query-params")]

params = common.current_index_params(year)
result = common.index_result(params)
scores = result.scores.set_index("area_code")
in_programme = areas.set_index("code")["in_programme"]
shown_codes = set(areas["code"]) if view == VIEWS[1] else set(areas.loc[areas["in_programme"], "code"])

if is_indicator:
    meta = inds.set_index("code").loc[ind_code[layer]]
    raw = common.indicator_values(meta.name, year).set_index("area_code")
    values = raw["value"]
    unit, decimals, worse_high = meta["unit"], int(meta["decimals"]), bool(meta["higher_is_worse"])
    source_line = f"Källa: {meta['source']}. {meta['definition']}"
    synthetic = raw["synthetic"].fillna(False).astype(bool)
    ratio = pd.Series(
        ix.ratio_scores(
            values.to_numpy()[:, None], np.array([worse_high]), raw["population"].to_numpy(), np.ones(len(raw), bool)
        )[:, 0],
        index=values.index,
    )
else:
    column = "composite" if layer == COMPOSITE else f"area_{area_label[layer]}"
    values = scores[column]
    unit = "index, 100 = jämförelsegruppen" if params.method == "ref100" else common.METHODS[params.method].lower()
    decimals, worse_high = 1, True
    source_line = (
        f"Beräknat av indikatorerna: {common.METHODS[params.method].lower()}, "
        f"{common.AGGREGATIONS[params.aggregation].lower()}, jämförelsegrupp {common.UNIVERSES[params.universe]}. "
        "Vikterna ställs in på sidan Index och vikter."
    )
    synthetic = pd.Series(True, index=values.index)  # every indicator value is synthetic until real data are loaded
    ratio = values if params.method == "ref100" else pd.Series(np.nan, index=values.index)

show_shift = st.toggle(
    "Visa hur indexet skulle ändra urvalet av 22",
    key="urvalsskifte",
    bind="query-params",
    help="Blå kant: skulle komma in med nuvarande vikter. Lila kant: skulle falla ut.",
)
pick = ix.selection(result.scores, areas["outer_city"].to_numpy(bool), areas["in_programme"].to_numpy(bool))
if show_shift:
    shown_codes |= set(pick["entering"])

shown = values[values.index.isin(shown_codes)]
fixed_possible = bool(ratio.notna().any())
if scheme == "fixed" and not fixed_possible:
    st.info("Fasta gränser kring 100 kräver normaliseringen ”Index, 100 = jämförelsegruppen”. Visar kvantiler.")
    scheme = "quantiles"
if scheme == "fixed":
    cls = classify.classify_fixed(ratio.reindex(shown.index).to_numpy())
    steps = cls.bins
    legend_decimals, legend_unit = 0, "i förhållande till staden (100)"
else:
    cls = classify.classify(shown.to_numpy(), scheme, k=5)
    steps = classify.risk_order(cls, worse_high)
    legend_decimals, legend_unit = decimals, unit
step_of = dict(zip(shown.index, steps.tolist(), strict=True))

risk_sorted = shown.dropna().sort_values(ascending=not worse_high)
rank_of = {code: i + 1 for i, code in enumerate(risk_sorted.index)}
value_text = {c: f"{number(v, decimals)} {unit}" for c, v in values.items() if pd.notna(v)}
rank_text = {
    c: f"plats {r} av {len(rank_of)} ({VIEWS[0].lower() if view == VIEWS[0] else 'hela staden'})"
    for c, r in rank_of.items()
}
note = {c: "syntetiskt värde" for c, s in synthetic.items() if s}

selected_name = st.session_state.get("stadsdel")
selected = code_of.get(selected_name) if selected_name else None
outline: dict[str, list[int]] = {}
if show_shift:
    outline |= dict.fromkeys(pick["entering"], mapview.ENTERING_RGBA)
    outline |= dict.fromkeys(pick["leaving"], mapview.LEAVING_RGBA)
if selected:
    outline[selected] = mapview.SELECTED_RGBA
data = mapview.MapData(step_of, cls.k, value_text, shown_codes, note, rank_text, outline)

bounds = common.boundaries()
labels = common.programme_labels() if view == VIEWS[0] else common.district_labels()
deck = mapview.build_deck(
    mapview.feature_collection(bounds.frame, data, shapes=common.shapes()),
    common.district_outline_json(),
    labels,
    mapview.view_state(bounds.frame, height_px=440, width_px=640),
    "<b>{name}</b><br/>{district}<br/>{value_text}<br/>{rank_text}<br/><i>{note}</i>",
)

map_col, side_col = st.columns([3, 1.15])
with map_col:
    st.pydeck_chart(
        deck,
        height=440,
        key="karta",
        on_select=on_map_select,
        selection_mode="single-object",
        alt=f"Karta: {layer.lower()} {year} per stadsdel. Samma siffror finns i tabellen under kartan.",
    )
    st.caption(common.geometry_caption())

with side_col:
    choice = st.selectbox(
        "Stadsdel",
        sorted(name_of.values()),
        index=None,
        placeholder="Klicka på kartan eller välj",
        key="stadsdel",
        bind="query-params",
    )
    if choice:
        code = code_of[choice]
        st.markdown(
            f"**{choice}** · {areas.set_index('code').loc[code, 'district']}  \n"
            f"{value_text.get(code, 'inget värde')}  \n{rank_text.get(code, 'utanför urvalet')}"
        )
        st.page_link(
            "pages/profile.py",
            label="Visa profil",
            icon=":material/person_pin_circle:",
            query_params={"stadsdel": choice},
        )
    st.markdown(f"**{layer} {year}**  \n{legend_unit}")
    common.legend_chart(classify.legend_table(cls, legend_decimals, True if scheme == "fixed" else worse_high))
    risk_word = "Högre värde" if worse_high else "Lägre värde"
    st.caption(
        f"{risk_word} = högre risk = mörkare. Ljusgrått: utanför urvalet; grått: inget värde (färre än 1 000 "
        f"invånare). {classify.SCHEMES[scheme]}: {classify.SCHEME_HELP[scheme]}."
    )
    if show_shift:
        st.caption("**Blå kant**: skulle komma in i urvalet · **lila kant**: skulle falla ut.")
    if synthetic.reindex(list(shown_codes)).fillna(False).any():
        st.caption(":orange[**Syntetiska värden**] – se Data och källor.")

if not risk_sorted.empty:
    top = ", ".join(f"{name_of[c]} ({number(v, decimals)})" for c, v in risk_sorted.head(3).items())
    st.markdown(f"**Högst risk {year}:** {top}.")
if show_shift:
    st.markdown(
        f"**Skulle komma in:** {', '.join(name_of[c] for c in pick['entering']) or 'inga'} · "
        f"**skulle falla ut:** {', '.join(name_of[c] for c in pick['leaving']) or 'inga'}."
    )

with st.expander("Tabell – samma siffror som kartan", expanded=False):
    table = pd.DataFrame(
        {
            "Plats": [rank_of[c] for c in risk_sorted.index],
            "Stadsdel": [name_of[c] for c in risk_sorted.index],
            "Stadsdelsområde": areas.set_index("code").loc[risk_sorted.index, "district"].to_numpy(),
            f"Värde ({unit})": risk_sorted.round(decimals).to_numpy(),
            "Riskklass (1 = lägst)": [step_of.get(c, -1) + 1 for c in risk_sorted.index],
            "Status": np.where(synthetic.reindex(risk_sorted.index).fillna(False), "syntetisk", "verklig"),
        }
    )
    st.dataframe(table, hide_index=True, width="stretch", column_config=common.number_columns(table))
    st.caption(source_line)
    common.download_buttons(table, f"karta_{layer}_{year}".replace(" ", "_").replace(":", ""), "karta_tabell")


def map_png() -> bytes:
    from lib import render

    colours = classify.palette(cls.k)
    legend = classify.legend_table(cls, legend_decimals, True if scheme == "fixed" else worse_high)
    figure = render.MapFigure(
        {c: colours[s] for c, s in step_of.items() if s >= 0},
        list(zip(legend["label"][::-1], legend["colour"][::-1], strict=True)),
        f"{layer} {year} ({legend_unit})",
        common.geometry_caption().replace("**", "").replace("`", "") + " " + source_line,
    )
    return render.map_png(bounds.frame, figure, common.district_outlines())


st.download_button(
    "Kartan som bild (PNG)",
    map_png,
    file_name=f"karta_{year}.png",
    mime="image/png",
    icon=":material/image:",
    on_click="ignore",
)
