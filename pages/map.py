"""Karta: the index, an area score or one indicator on a map of the 117 stadsdelar or the 544 DeSO; darker = more
social risk. Context measures (utländsk bakgrund, folkmängd …) are coloured by value in a neutral scale, never as
risk. Every value says whether it is real (SCB 2024) or synthetic, in the tooltip, the side panel and the table."""

from dataclasses import replace

import numpy as np
import pandas as pd
import streamlit as st

from lib import classify, levels, mapview, provenance
from lib import index as ix
from lib.fmt import number
from ui import downloads, geometry, layout, maps, readers, results, urlstate, wording

layout.page_setup()

VIEWS = ("Programmet", "Hela staden")
COMPOSITE = "Sammanvägt index"
AREA_PREFIX = "Område: "
CONTEXT_PREFIX = "Sammanhang: "
LEVEL_OF = {label: code for code, label in wording.LEVEL_LABELS.items()}
MAP_HEIGHT, MAP_WIDTH = 440, 640
MAP_KEYS = {"stadsdel": "karta", "deso": "karta_deso"}  # one chart per level: a selection never outlives its map
SYNTHETIC, NO_REAL = "syntetiskt värde", "inget verkligt värde"


def percent(share: float) -> str:
    return f"{number(100 * share, 0)} %"


def real_status(source: str | None, year: int) -> str:
    """ "verkligt värde (SCB 2024)" """
    return f"verkligt värde ({provenance.publisher(source)} {int(year)})"


def population(level: str, year: int, codes) -> np.ndarray:
    """Folkmängd per unit in the year nearest to `year` (DeSO: 2025), for the population-weighted city level."""
    return np.nan_to_num(ix.nearest_population(readers.level_values(level), year, list(codes)), nan=0.0)


st.title("Karta")  # how to read the colours is said beside the legend, layer by layer (context is not risk)

# --- The choices (all bound to the URL: a link reproduces the view) ------------------------------------------------
r1 = st.columns([1.25, 2.3, 2.0])
level_label = r1[0].segmented_control(
    "Nivå",
    tuple(wording.LEVEL_LABELS.values()),
    default=wording.LEVEL_LABELS["stadsdel"],
    required=True,
    key="niva",
    bind="query-params",
    help=(
        "Stadsdel: stadens 117 stadsdelar. DeSO: SCB:s 544 demografiska statistikområden (2018 års gränser), "
        "bara verkliga värden 2024–2025. Varje DeSO räknas helt till den stadsdel den överlappar mest."
    ),
)
level = LEVEL_OF[level_label]
at_deso = level == "deso"
value_choice = r1[1].segmented_control(
    "Värden",
    (wording.ALL_VALUES, wording.REAL_ONLY),
    default=wording.ALL_VALUES,
    required=True,
    key="verkliga",
    bind="query-params",
    disabled=at_deso,
    help=(
        "Alla värden: verkliga där de finns, annars syntetiska (modellerade). Endast verkliga värden: bara SCB:s och "
        "stadens siffror; det som saknas blir grått. På DeSO-nivå är alla värden verkliga."
    ),
)
real_only = not at_deso and value_choice == wording.REAL_ONLY
only_real = at_deso or real_only  # every value on the map is real
view = r1[2].segmented_control(
    "Urval",
    VIEWS,
    default=VIEWS[0],
    required=True,
    key="urval",
    bind="query-params",
    help=(
        "Programmet: de 22 stadsdelarna i det preliminära urvalet (på DeSO-nivå: DeSO-områdena i dem) jämförs med "
        "varandra. Hela staden: alla."
    ),
)
in_programme = view == VIEWS[0]

units = readers.units(level).set_index("code")
long = readers.level_values(level, real_only)
present = long[long["value"].notna()]
inds = readers.indicators()
risk_inds = inds[(inds["domain"] != readers.CONTEXT) & inds["code"].isin(set(present["indicator_code"]))]
context_inds = inds[(inds["domain"] == readers.CONTEXT) & inds["code"].isin(set(present["indicator_code"]))]
doms = readers.index_domains()
doms = doms[doms["code"].isin(set(risk_inds["domain"]))]
area_label = {f"{AREA_PREFIX}{n}": c for c, n in zip(doms["code"], doms["name"], strict=True)}
ind_code = dict(zip(risk_inds["name"], risk_inds["code"], strict=True))
ind_code |= {f"{CONTEXT_PREFIX}{n}": c for n, c in zip(context_inds["name"], context_inds["code"], strict=True)}
layers = [COMPOSITE, *area_label, *ind_code]

# Bound widgets put the shown label in the URL, so options are readable names (?lager=Ohälsotal).
r2 = st.columns([2.6, 1, 2.3])
layer = r2[0].selectbox("Visa på kartan", layers, key="lager", bind="query-params")
is_indicator = layer in ind_code
if is_indicator:
    years = sorted(int(y) for y in present.loc[present["indicator_code"] == ind_code[layer], "year"].unique())
else:
    years = readers.index_years(level, real_only)
year = int(r2[1].selectbox("År", years[::-1], key="ar", bind="query-params"))
scheme_of = {label: key for key, label in classify.SCHEMES.items()}
scheme = scheme_of[r2[2].selectbox("Klassindelning", list(scheme_of), key="klassning", bind="query-params")]

map_col, side_col = st.columns([3, 1.15])
toggles = side_col.container()  # the overlays first in the side panel, so the map starts right under the choices
show_police = toggles.toggle(
    "Utsatta områden 2025",
    key="polisen",
    bind="query-params",
    help="De DeSO som ligger helt eller delvis i ett utsatt eller särskilt utsatt område enligt Polisen 2025: "
    "kant och streck, tätare färg ju större del av DeSO-området.",
)
show_shift = False
if not at_deso:
    show_shift = toggles.toggle(
        "Indexets urval av 22",
        key="urvalsskifte",
        bind="query-params",
        help="Visa hur indexet med nuvarande vikter skulle ändra urvalet av 22 stadsdelar: blå kant = skulle komma "
        "in, lila kant = skulle falla ut.",
    )

# --- The values of the chosen layer ----------------------------------------------------------------------------------
params = replace(urlstate.current_index_params(year), level=level, real_only=real_only)
context = is_indicator and ind_code[layer] in set(context_inds["code"])
coverage = pd.Series(np.nan, index=units.index)
if is_indicator:
    meta = inds.set_index("code").loc[ind_code[layer]]
    rows = present[(present["indicator_code"] == meta.name) & (present["year"] == year)].set_index("area_code")
    values = rows["value"].reindex(units.index)
    unit, decimals = meta["unit"], int(meta["decimals"])
    worse_high = True if context else bool(meta["higher_is_worse"])
    source_line = f"Källa: {meta['source']}. {meta['definition']}"
    status = pd.Series(
        [
            (NO_REAL if only_real else "inget värde")
            if pd.isna(v)
            else SYNTHETIC
            if bool(rows.at[c, "synthetic"])
            else real_status(rows.at[c, "source"], year)
            for c, v in values.items()
        ],
        index=units.index,
    )
    weights = population(level, year, units.index)
    ratio = pd.Series(
        ix.ratio_scores(values.to_numpy()[:, None], np.array([worse_high]), weights, np.ones(len(values), bool))[:, 0],
        index=units.index,
    )

    def value_text(v: float) -> str:
        return f"{number(v, decimals)} {unit}"

    value_line = f"{{v}} {unit}"
else:
    result = results.index_result(params)
    scores = result.scores.set_index("area_code").reindex(units.index)
    column = "composite" if layer == COMPOSITE else f"area_{area_label[layer]}"
    values = scores[column]
    coverage = scores["coverage"]
    decimals, worse_high = 1, True
    ref100 = params.method == "ref100"
    universe_text = (
        {"all": "alla 544 DeSO", "outer": "DeSO i ytterstaden", "programme": "DeSO i programmets stadsdelar"}
        if at_deso
        else wording.UNIVERSES
    )[params.universe]
    unit = "index, 100 = jämförelsegruppen" if ref100 else wording.METHODS[params.method].lower()
    source_line = (
        f"Beräknat av indikatorerna: {wording.METHODS[params.method].lower()}, "
        f"{wording.AGGREGATIONS[params.aggregation].lower()}, jämförelsegrupp {universe_text}. "
        "Vikterna ställs in på sidan Index och vikter. Täckning: andel av indexets 20 indikatorer med värde."
    )
    _, fw = results.index_inputs(level, year, real_only)
    used_inds = [
        c for c, d in zip(fw.indicators, fw.domains, strict=True) if column == "composite" or f"area_{d}" == column
    ]
    used = present[(present["year"] <= year) & present["indicator_code"].isin(used_inds)]
    used = used.sort_values("year").drop_duplicates(["area_code", "indicator_code"], keep="last")
    real_used = used[~used["synthetic"].astype(bool)]
    real_from = ", ".join(
        f"{pub} {provenance.year_span(g['year'])}"
        for pub, g in real_used.assign(pub=real_used["source"].map(provenance.publisher)).groupby("pub")
    )
    n_used = used.groupby("area_code").size().reindex(units.index).fillna(0).astype(int)
    n_synth = used.groupby("area_code")["synthetic"].sum().reindex(units.index).fillna(0).astype(int)
    status = pd.Series(
        [
            (NO_REAL if only_real else "inget värde")
            if pd.isna(values.get(c))
            else f"verkliga värden ({real_from})"
            if s == 0
            else "syntetiska värden"
            if s == n
            else f"{s} av {n} värden syntetiska"
            for c, s, n in zip(units.index, n_synth, n_used, strict=True)
        ],
        index=units.index,
    )
    ratio = values if ref100 else pd.Series(np.nan, index=units.index)

    def value_text(v: float) -> str:
        return f"index {number(v, decimals)}" if ref100 else f"{number(v, decimals)} ({unit})"

    value_line = "index {v}" if ref100 else f"{{v}} ({unit})"

synthetic_shown = status.str.contains("syntetisk")
shown_codes = set(units.index[units["in_programme"]]) if in_programme else set(units.index)
pick = None
if not at_deso:
    result = results.index_result(params)
    order = units.reindex(result.scores["area_code"])
    pick = ix.selection(result.scores, order["outer_city"].to_numpy(bool), order["in_programme"].to_numpy(bool))
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
colours = classify.neutral_palette(cls.k) if context else classify.palette(cls.k)

# Rank by risk (context: by value, highest first), within the view.
risk_sorted = shown.dropna().sort_values(ascending=not worse_high)
rank_of = {code: i + 1 for i, code in enumerate(risk_sorted.index)}
view_word = "programmet" if in_programme else "hela staden"
rank_text = {c: f"plats {r} av {len(rank_of)} ({view_word})" for c, r in rank_of.items()}
cover_text = {c: f"täckning {percent(s)}" for c, s in coverage.items() if pd.notna(s)}

police = maps.police_by_deso() if show_police else None
selected_stadsdel = st.session_state.get("stadsdel") if not at_deso else None

# A DeSO link (?deso=0180C6070) names the DeSO by its code; the selectbox shows and writes "Rinkeby (0180C6070)".
deso_names = results.unit_labels("deso")
if at_deso:
    raw = st.query_params.get("deso")
    if raw in deso_names and "deso" not in st.session_state:
        st.session_state["deso"] = raw
selected_deso = st.session_state.get("deso") if at_deso else None
name_of = dict(zip(units.index, units["name"], strict=True))
code_of = {n: c for c, n in name_of.items()}


def on_map_select() -> None:
    """A click on the map selects the stadsdel or the DeSO in its selectbox (and so in the URL)."""
    state = st.session_state.get(MAP_KEYS[level]) or {}
    objects = state.get("selection", {}).get("objects", {})
    for layer_id, key in ((mapview.AREA_LAYER_ID, "stadsdel"), (mapview.DESO_LAYER_ID, "deso")):
        for obj in objects.get(layer_id, []):
            code = obj.get("properties", obj).get("code")
            if key == "stadsdel" and code in readers.area_names():
                st.session_state["stadsdel"] = readers.area_names()[code]
            elif key == "deso" and code in deso_names:
                st.session_state["deso"] = code


# --- The map -----------------------------------------------------------------------------------------------------
labels = geometry.programme_labels() if in_programme else geometry.district_labels()
if at_deso:
    data = mapview.MapData(
        step_of,
        cls.k,
        {c: number(v, decimals) for c, v in values.items() if pd.notna(v)},
        shown_codes,
        {},
        {},  # no rank in the DeSO tooltip: 544 of them would outgrow the 150 KB per rerun (the side panel has it)
        colours=colours,
    )
    covers = set(cover_text.values())
    line = value_line + (f" · {covers.pop()}" if len(covers) == 1 else "")
    statuses = set(status)
    deck = maps.deso_deck(
        data,
        labels,
        (MAP_HEIGHT, MAP_WIDTH),
        line,
        statuses.pop() if len(statuses) == 1 else "verkliga värden (SCB)",
        police=show_police,
        selected=selected_deso,
    )
else:
    note = {c: status[c] for c in units.index}
    if police is not None:
        listed = police.groupby("area_code").agg(n=("code", "size"), severe=("severe", "any"))
        for c, r in listed.iterrows():
            klass = "särskilt utsatt område" if r["severe"] else "utsatt område"
            note[c] = f"{note[c]} · Polisen 2025: {r['n']} DeSO i {klass}"
    value_texts = {
        c: value_text(v) + (f" · {cover_text[c]}" if c in cover_text and not is_indicator else "")
        for c, v in values.items()
        if pd.notna(v)
    }
    outline: dict[str, list[int]] = {}
    if show_shift and pick is not None:
        outline |= dict.fromkeys(pick["entering"], mapview.ENTERING_RGBA)
        outline |= dict.fromkeys(pick["leaving"], mapview.LEAVING_RGBA)
    if selected_stadsdel in code_of:
        outline[code_of[selected_stadsdel]] = mapview.SELECTED_RGBA
    data = mapview.MapData(step_of, cls.k, value_texts, shown_codes, note, rank_text, outline, colours=colours)
    bounds = geometry.boundaries()
    deck = mapview.build_deck(
        mapview.feature_collection(bounds.frame, data, shapes=geometry.shapes()),
        geometry.district_outline_json(),
        labels,
        mapview.view_state(bounds.frame, height_px=MAP_HEIGHT, width_px=MAP_WIDTH),
        "<b>{name}</b><br/>{district}<br/>{value_text}<br/>{rank_text}<br/><i>{note}</i>",
        water=geometry.water_json(),
        overlays=maps.police_overlay()[0] if show_police else (),
    )

lvl = levels.get(level)
with map_col:
    st.pydeck_chart(
        deck,
        height=MAP_HEIGHT,
        key=MAP_KEYS[level],
        on_select=on_map_select,
        selection_mode="single-object",
        alt=f"Karta: {layer.lower()} {year} per {lvl.label.lower()}. Samma siffror finns i tabellen under kartan.",
    )
    credits = [geometry.geometry_caption()]
    if at_deso:
        credits.append(layout.DESO_ATTRIBUTION)
    if only_real or not synthetic_shown.all():
        credits.append(layout.STATISTICS_ATTRIBUTION)
    if show_police:
        credits.append(provenance.POLICE_ATTRIBUTION)
    st.caption(" · ".join(credits))
    # What the map rests on, in words, right under it.
    if at_deso:
        st.info(
            "På DeSO-nivå är alla värden **verkliga** (SCB 2024–2025). Varje DeSO räknas helt till den stadsdel den "
            "överlappar mest; 9 av 544 ligger till mindre än 80 % i sin stadsdel.",
            icon=":material/verified:",
        )
    elif real_only:
        st.info(
            "Endast **verkliga värden**: SCB:s siffror per DeSO summerade till stadsdel (befolkningsvägda medel). "
            "Stadsdelar utan verkligt värde är grå; sex små stadsdelar saknar egna DeSO.",
            icon=":material/verified:",
        )
    if not is_indicator and only_real:
        missing = results.missing_areas_text(level, real_only, year)
        if missing:
            st.markdown(f"**{missing}**")
    selected_code = st.session_state.get("deso") if at_deso else None
    if selected_code in units.index:
        # The selected DeSO's real values, each with its own year, unit and source (wide enough here, under the map).
        own = readers.level_values("deso")
        own = own[(own["area_code"] == selected_code) & own["value"].notna()]
        meta_all = inds.set_index("code")
        lines = [
            f"**Verkliga värden för {units.at[selected_code, 'name']}**",
            "",
            "| Mått | Värde | Enhet | Källa |",
            "|:--|--:|:--|:--|",
        ]
        for code in [c for c in inds["code"] if c in set(own["indicator_code"])]:
            m = meta_all.loc[code]
            for r in own[own["indicator_code"] == code].sort_values("year").itertuples():
                lines.append(
                    f"| {m['name']} | {number(r.value, int(m['decimals']))} | {m['unit']} | "
                    f"{provenance.publisher(r.source)}\u00a0{int(r.year)} |"  # "SCB 2024" on one line
                )
        st.markdown("\n".join(lines))

with side_col:
    if at_deso:
        st.selectbox(
            "DeSO",
            sorted(deso_names, key=lambda c: deso_names[c]),
            index=None,
            format_func=lambda c: deso_names.get(c, c),
            placeholder="Klicka på kartan eller välj",
            key="deso",
            bind="query-params",
        )
    else:
        st.selectbox(
            "Stadsdel",
            sorted(name_of.values()),
            index=None,
            placeholder="Klicka på kartan eller välj",
            key="stadsdel",
            bind="query-params",
        )
    choice_code = st.session_state.get("deso") if at_deso else code_of.get(st.session_state.get("stadsdel") or "")
    if choice_code in units.index:
        u = units.loc[choice_code]
        shown_value = status[choice_code]
        if pd.notna(values.get(choice_code)):
            v = values[choice_code]
            shown_value = value_text(v) if is_indicator else number(v, decimals)
        extra = [cover_text[choice_code]] if choice_code in cover_text and not is_indicator else []
        where = rank_text.get(choice_code, "utanför urvalet")
        if at_deso:
            st.markdown(f"**{u['name']}**  \n{u['stadsdel']} · {u['district']} · RegSO {u['regso']}")
            inside = float(u["overlap_share"])
            if inside < provenance.OVERLAP_WARNING:
                st.markdown(
                    f":orange[Bara {percent(inside)} av DeSO-området ligger i {u['stadsdel']}] – hela DeSO räknas "
                    "dit, men siffrorna beskriver delvis en grannstadsdel."
                )
            else:
                st.caption(f"{percent(inside)} av DeSO-området ligger i {u['stadsdel']}.")
        else:
            st.markdown(f"**{u['name']}** · {u['district']}")
        st.markdown(f"{layer} {year}: **{shown_value}**  \n{' · '.join([where, *extra])}  \n*{status[choice_code]}*")
        if at_deso:
            p = maps.police_by_deso()
            p = p[p["code"] == choice_code]
            if not p.empty:
                st.markdown(p["text"].iloc[0] + ".")
        st.page_link(
            "pages/profile.py",
            label=f"Visa profil för {u['stadsdel']}" if at_deso else "Visa profil",
            icon=":material/person_pin_circle:",
            query_params={"stadsdel": u["stadsdel"] if at_deso else u["name"]},
        )
    st.markdown(f"**{layer} {year}**  \n{legend_unit}")
    scheme_help = classify.SCHEME_HELP[scheme].replace("stadsdelar", lvl.plural)
    legend = classify.legend_table(cls, legend_decimals, True if scheme == "fixed" else worse_high)
    if context:
        legend["colour"] = [colours[s] for s in legend["step"]]
    maps.legend_chart(legend)
    if context:
        st.caption(
            "Sammanhang, inte en risk: mörkare = högre värde. Måttet ingår aldrig i indexet. "
            f"Ljusgrått: utanför urvalet. {classify.SCHEMES[scheme]}: {scheme_help}."
        )
    else:
        risk_word = "Högre värde" if worse_high else "Lägre värde"
        missing_word = NO_REAL if only_real else "inget värde (färre än 1 000 invånare)"
        st.caption(
            f"{risk_word} = högre risk = mörkare. Ljusgrått: utanför urvalet; grått: {missing_word}. "
            f"{classify.SCHEMES[scheme]}: {scheme_help}."
        )
    if show_police:
        st.caption(
            "**Streckat med mörk kant**: DeSO på Polisens lista 2025 (utsatt eller särskilt utsatt område; tjockare "
            "kant = särskilt utsatt, tätare streck = större del av DeSO). Källa: "
            f"{provenance.POLICE_ATTRIBUTION}."
        )
    if show_shift:
        st.caption("**Blå kant**: skulle komma in i urvalet · **lila kant**: skulle falla ut.")
    if synthetic_shown.reindex(list(shown_codes)).fillna(False).any():
        st.caption(":orange[**Syntetiska värden**] – se Data och källor.")

if not risk_sorted.empty:
    sep, fmt = ("; ", "{}: {}") if at_deso else (", ", "{} ({})")  # DeSO names have parentheses of their own
    top = sep.join(fmt.format(name_of[c], number(v, decimals)) for c, v in risk_sorted.head(3).items())
    st.markdown(f"**{'Högst värde' if context else 'Högst risk'} {year}:** {top}.")
if show_shift and pick is not None:
    st.markdown(
        f"**Skulle komma in:** {', '.join(name_of[c] for c in pick['entering']) or 'inga'} · "
        f"**skulle falla ut:** {', '.join(name_of[c] for c in pick['leaving']) or 'inga'}."
    )

with st.expander("Tabell – samma siffror som kartan", expanded=False):
    codes = list(risk_sorted.index)
    table = pd.DataFrame({"Plats": [rank_of[c] for c in codes], lvl.label: [name_of[c] for c in codes]})
    if at_deso:
        table["Stadsdel"] = units.loc[codes, "stadsdel"].to_numpy()
    table["Stadsdelsområde"] = units.loc[codes, "district"].to_numpy()
    table[f"Värde ({unit})"] = risk_sorted.round(decimals).to_numpy()
    table["Klass (1 = lägst)" if context else "Riskklass (1 = lägst)"] = [step_of.get(c, -1) + 1 for c in codes]
    table["Status"] = status.reindex(codes).to_numpy()
    table["År"] = year
    if not is_indicator:
        table["Täckning"] = [cover_text.get(c, "–").removeprefix("täckning ") for c in codes]
    if at_deso:
        table["Andel i stadsdelen (%)"] = (100 * units.loc[codes, "overlap_share"]).round(0).to_numpy()
    if police is not None:
        ptext = dict(zip(police["code"], police["text"], strict=True)) if at_deso else {}
        if not at_deso:
            counts = police.groupby("area_code").size()
            ptext = {c: f"{int(n)} DeSO på listan" for c, n in counts.items()}
        table["Polisen 2025"] = [ptext.get(c, "–").removeprefix("Polisen 2025: ") for c in codes]
    st.dataframe(table, hide_index=True, width="stretch", column_config=wording.number_columns(table))
    st.caption(source_line)
    table_name = f"karta_{level}_{layer}_{year}".replace(" ", "_").replace(":", "")
    downloads.download_buttons(table, table_name, "karta_tabell")


def map_png() -> bytes:
    from lib import render

    figure = render.MapFigure(
        {c: colours[s] for c, s in step_of.items() if s >= 0},
        list(zip(legend["label"][::-1], legend["colour"][::-1], strict=True)),
        f"{layer} {year} ({legend_unit})",
        " · ".join(credits).replace("**", "").replace("`", "") + ". " + source_line,
    )
    return render.map_png(geometry.boundaries().frame, figure, geometry.district_outlines())


# The printed map draws the stadsdelar over the water and says "darker = more risk": not for DeSO (they cover the
# lakes) nor for context measures.
if not context and not at_deso:
    st.download_button(
        "Kartan som bild (PNG)",
        map_png,
        file_name=f"karta_{year}.png",
        mime="image/png",
        icon=":material/image:",
        on_click="ignore",
    )
