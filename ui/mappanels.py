"""The panels of the Karta page: its choices (all bound to the URL, so a link reproduces the view), the deck, the
notes under the map, the selected unit and the legend beside it, and the table and downloads below. The numbers
and texts come from `lib.maplayer`, cached per choice in `ui.mapdata`; this module only reads, asks and draws."""

from __future__ import annotations

from collections.abc import Callable, Mapping

import pandas as pd
import streamlit as st

from lib import classify, levels, maplayer, mapview, provenance, ranks
from lib.fmt import number
from lib.maplayer import LayerValues
from ui import downloads, geometry, layout, maps, readers, results, tables, urlstate, wording
from ui.mapdata import Catalogue, Figures

VIEWS = ("Programmet", "Hela staden")
LEVEL_OF = {label: code for code, label in wording.LEVEL_LABELS.items()}
MAP_HEIGHT, MAP_WIDTH = 440, 640
MAP_KEYS = {"stadsdel": "karta", "deso": "karta_deso"}  # one chart per level: a selection never outlives its map
PICK_PLACEHOLDER = "Klicka på kartan eller välj"


def level_choices() -> tuple[str, bool, bool]:
    """The first row: level, real values only, programme or whole city. Returns (level, real_only, in_programme)."""
    r1 = st.columns([1.25, 2.3, 2.0])
    level_label = r1[0].segmented_control(
        "Nivå",
        tuple(wording.LEVEL_LABELS.values()),
        default=wording.LEVEL_LABELS["stadsdel"],
        required=True,
        key=urlstate.LEVEL,
        bind="query-params",
        help=(
            "Stadsdel: stadens 117 stadsdelar. DeSO: SCB:s 544 demografiska statistikområden (2018 års gränser), "
            "bara verkliga värden 2024–2025. Varje DeSO räknas helt till den stadsdel den överlappar mest."
        ),
    )
    level = LEVEL_OF[level_label]
    at_deso = level == "deso"
    if not at_deso:
        urlstate.stadsdel_from_url()
    value_choice = r1[1].segmented_control(
        "Värden",
        (wording.ALL_VALUES, wording.REAL_ONLY),
        default=wording.ALL_VALUES,
        required=True,
        key=urlstate.REAL_ONLY,
        bind="query-params",
        disabled=at_deso,
        help=(
            "Alla värden: verkliga där de finns, annars syntetiska (modellerade). Endast verkliga värden: bara SCB:s "
            "och stadens siffror; det som saknas blir grått. På DeSO-nivå är alla värden verkliga."
        ),
    )
    view = r1[2].segmented_control(
        "Urval",
        VIEWS,
        default=VIEWS[0],
        required=True,
        key=urlstate.MAP_SCOPE,
        bind="query-params",
        help=(
            "Programmet: de 22 stadsdelarna i det preliminära urvalet (på DeSO-nivå: DeSO-områdena i dem) jämförs "
            "med varandra. Hela staden: alla."
        ),
    )
    return level, not at_deso and value_choice == wording.REAL_ONLY, view == VIEWS[0]


def layer_choices(cat: Catalogue) -> tuple[str, int, str]:
    """The second row: layer, year, classes. Bound widgets put the shown label in the URL, so options are readable
    names (?lager=Ohälsotal). Returns (layer, year, scheme)."""
    r2 = st.columns([2.6, 1, 2.3])
    layer = r2[0].selectbox("Visa på kartan", cat.layers, key=urlstate.LAYER, bind="query-params")
    if layer in cat.ind_code:
        years = cat.years_of[cat.ind_code[layer]]
    else:
        years = readers.index_years(cat.level, cat.real_only)
    year = int(r2[1].selectbox("År", years[::-1], key=urlstate.YEAR, bind="query-params"))
    scheme_of = {label: key for key, label in classify.SCHEMES.items()}
    scheme = scheme_of[r2[2].selectbox("Klassindelning", list(scheme_of), key=urlstate.CLASSES, bind="query-params")]
    return layer, year, scheme


def overlay_toggles(box, at_deso: bool) -> tuple[bool, bool]:
    """Polisen's areas, and (stadsdel level) the index's shift of the selection of 22, in the container `box`."""
    show_police = box.toggle(
        "Utsatta områden 2025",
        key=urlstate.POLICE,
        bind="query-params",
        help="De DeSO som ligger helt eller delvis i ett utsatt eller särskilt utsatt område enligt Polisen 2025: "
        "kant och streck, tätare färg ju större del av DeSO-området.",
    )
    show_shift = False
    if not at_deso:
        show_shift = box.toggle(
            "Indexets urval av 22",
            key=urlstate.SELECTION_SHIFT,
            bind="query-params",
            help="Visa hur indexet med nuvarande vikter skulle ändra urvalet av 22 stadsdelar: blå kant = skulle "
            "komma in, lila kant = skulle falla ut.",
        )
    return show_police, show_shift


def select_on_click(level: str, deso_names: dict[str, str]) -> Callable[[], None]:
    """The map's on_select: a click selects the stadsdel or the DeSO in its selectbox (and so in the URL)."""

    def on_map_select() -> None:
        state = st.session_state.get(MAP_KEYS[level]) or {}
        objects = state.get("selection", {}).get("objects", {})
        for layer_id, key in ((mapview.AREA_LAYER_ID, "stadsdel"), (mapview.DESO_LAYER_ID, "deso")):
            for obj in objects.get(layer_id, []):
                code = obj.get("properties", obj).get("code")
                if key == "stadsdel" and code in readers.area_names():
                    st.session_state["stadsdel"] = readers.area_names()[code]
                elif key == "deso" and code in deso_names:
                    st.session_state["deso"] = code

    return on_map_select


def credits(at_deso: bool, only_real: bool, values: LayerValues, show_police: bool) -> list[str]:
    """The map's sources: geometry, DeSO, statistics (when any real value is shown), Polisen."""
    out = [geometry.geometry_caption()]
    if at_deso:
        out.append(layout.DESO_ATTRIBUTION)
    if only_real or not values.synthetic.all():
        out.append(layout.STATISTICS_ATTRIBUTION)
    if show_police:
        out.append(provenance.POLICE_ATTRIBUTION)
    return out


def notes_under_map(level: str, real_only: bool, is_indicator: bool, year: int) -> None:
    """What the map rests on, in words, right under it."""
    at_deso = level == "deso"
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
    if not is_indicator and (at_deso or real_only):
        missing = results.missing_domains_text(level, real_only, year)
        if missing:
            st.markdown(f"**{missing}**")


def selected_deso_values(cat: Catalogue) -> None:
    """The selected DeSO's real values, each with its own year, unit and source (wide enough under the map)."""
    code = st.session_state.get("deso")
    if code in cat.units.index:
        own = readers.level_values("deso")
        own = own[(own["area_code"] == code) & own["value"].notna()]
        st.markdown(maplayer.real_values_markdown(cat.units.at[code, "name"], own, cat.indicators))


def unit_picker(at_deso: bool, deso_names: dict[str, str], names: dict[str, str]) -> None:
    """The selectbox a map click also sets."""
    if at_deso:
        st.selectbox(
            "DeSO",
            sorted(deso_names, key=lambda c: deso_names[c]),
            index=None,
            format_func=lambda c: deso_names.get(c, c),
            placeholder=PICK_PLACEHOLDER,
            key=urlstate.DESO,
            bind="query-params",
        )
    else:
        st.selectbox(
            "Stadsdel",
            sorted(names.values()),
            index=None,
            placeholder=PICK_PLACEHOLDER,
            key=urlstate.STADSDEL,
            help="Ett klick på kartan väljer stadsdelen här. Under visas dess värde och plats och en länk till "
            "stadsdelens profil.",
        )
        urlstate.stadsdel_to_url()


def _where_deso(u: pd.Series) -> None:
    st.markdown(f"**{u['name']}**  \n{u['stadsdel']} · {u['district']} · RegSO {u['regso']}")
    inside = float(u["overlap_share"])
    if inside < provenance.OVERLAP_WARNING:
        st.markdown(
            f":orange[Bara {maplayer.percent(inside)} av DeSO-området ligger i {u['stadsdel']}] – hela DeSO räknas "
            "dit, men siffrorna beskriver delvis en grannstadsdel."
        )
    else:
        st.caption(f"{maplayer.percent(inside)} av DeSO-området ligger i {u['stadsdel']}.")


def unit_details(
    code: str | None, cat: Catalogue, values: LayerValues, ranked: maplayer.Ranking, layer: str, year: int
) -> None:
    """The selected unit: where it lies, its value, place and status, Polisen's class, a link to its profile."""
    if code is None or code not in cat.units.index:
        return
    at_deso = cat.level == "deso"
    u = cat.units.loc[code]
    shown_value = values.status[code]
    if pd.notna(values.values.get(code)):
        v = values.values[code]
        shown_value = values.value_text(v) if values.is_indicator else number(v, values.decimals)
    extra = [ranked.cover_text[code]] if code in ranked.cover_text and not values.is_indicator else []
    where = ranked.rank_text.get(code, "utanför urvalet")
    if at_deso:
        _where_deso(u)
    else:
        st.markdown(f"**{u['name']}** · {u['district']}")
    st.markdown(f"{layer} {year}: **{shown_value}**  \n{' · '.join([where, *extra])}  \n*{values.status[code]}*")
    if code in ranked.rank_of:
        in_programme = st.session_state.get(urlstate.MAP_SCOPE, VIEWS[0]) == VIEWS[0]
        plural = levels.get(cat.level).plural
        st.caption(ranks.map_rank_help(len(ranked.rank_of), plural, in_programme, values.context))
    if at_deso:
        p = maps.police_by_deso()
        p = p[p["code"] == code]
        if not p.empty:
            st.markdown(p["text"].iloc[0] + ".")
    st.page_link(
        "pages/profile.py",
        label=f"Visa profil för {u['stadsdel'] if at_deso else u['name']}",
        icon=":material/person_pin_circle:",
        query_params=urlstate.link_params("profile", stadsdel=u["stadsdel"] if at_deso else u["name"]),
    )


def legend_panel(
    layer: str, year: int, values: LayerValues, classes: maplayer.Classes, scheme: str, level: str, only_real: bool
) -> None:
    """Title, unit, colour swatches and how to read them (context is not risk)."""
    st.markdown(f"**{layer} {year}**  \n{classes.legend_unit}")
    maps.legend_chart(classes.legend)
    st.caption(maplayer.legend_caption(values, scheme, levels.get(level).plural, only_real))


def overlay_captions(show_police: bool, show_shift: bool, synthetic_in_view: bool) -> None:
    """What the overlays' edges and hatches mean, and a pointer to where synthetic values are explained."""
    if show_police:
        st.caption(
            "**Streckat med mörk kant**: DeSO på Polisens lista 2025 (utsatt eller särskilt utsatt område; tjockare "
            "kant = särskilt utsatt, tätare streck = större del av DeSO). Källa: "
            f"{provenance.POLICE_ATTRIBUTION}."
        )
    if show_shift:
        st.caption("**Blå kant**: skulle komma in i urvalet · **lila kant**: skulle falla ut.")
    if synthetic_in_view:
        st.caption(":orange[**Syntetiska värden**] – se Data och källor.")


def table_panel(fig: Figures, values: LayerValues, name: str) -> None:
    """The map's figures as a table, with its source and downloads (marked and rounded as the layer is).

    Drawn only while the panel is open (its state is in the URL, ?tabell=true): closed, as a map page opens, neither
    the server formats the table nor the browser loads and draws a data grid before the map is done."""
    table = fig.table
    panel = st.expander("Tabell – samma siffror som kartan", key=urlstate.MAP_TABLE, bind="query-params")
    if not panel.open:
        return
    with panel:
        st.dataframe(
            tables.numeric(table, {c: values.decimals for c in table.columns if str(c).startswith("Värde")}),
            hide_index=True,
            width="stretch",
        )
        st.caption(values.source_line)
        downloads.download_buttons(fig.sheet, name.replace(" ", "_").replace(":", ""), "karta_tabell")


def png_button(
    classes: maplayer.Classes, title: str, caption: str, year: int, synthetic: pd.Series, names: Mapping[str, str]
) -> None:
    """The stadsdel map as a picture for print, saying next to the map which of its values are synthetic
    (`synthetic`: by unit code; `names`: unit names by code)."""

    def map_png() -> bytes:
        from lib import render

        legend = classes.legend
        shown = [c for c, s in classes.step_of.items() if s >= 0]
        figure = render.MapFigure(
            {c: classes.colours[classes.step_of[c]] for c in shown},
            list(zip(legend["label"][::-1], legend["colour"][::-1], strict=True)),
            title,
            caption,
            render.map_marking(synthetic.reindex(shown).fillna(True).astype(bool).to_dict(), names),
        )
        return render.map_png(geometry.boundaries().frame, figure, geometry.district_outlines())

    st.download_button(
        "Kartan som bild (PNG)",
        map_png,
        file_name=f"karta_{year}.png",
        mime="image/png",
        icon=":material/image:",
        on_click="ignore",
    )
