"""Karta: the index, an area score or one indicator on a map of the 117 stadsdelar or the 544 DeSO; darker = more
social risk. Context measures (utländsk bakgrund, folkmängd …) are coloured by value in a neutral scale, never as
risk. Every value says whether it is real (SCB 2024) or synthetic, in the tooltip, the side panel and the table."""

from dataclasses import replace

import streamlit as st

from lib import levels, maplayer
from ui import geometry, layout, mappanels, maps, results, urlstate

layout.page_setup()

st.title("Karta")  # how to read the colours is said beside the legend, layer by layer (context is not risk)

# --- The choices (all bound to the URL: a link reproduces the view) ------------------------------------------------
level, real_only, in_programme = mappanels.level_choices()
at_deso = level == "deso"
only_real = at_deso or real_only  # every value on the map is real
cat = mappanels.catalogue(level, real_only)
layer, year, scheme = mappanels.layer_choices(cat)
map_col, side_col = st.columns([3, 1.15])
# The overlays first in the side panel, so the map starts right under the choices.
show_police, show_shift = mappanels.overlay_toggles(side_col.container(), at_deso)

# --- The values of the chosen layer ----------------------------------------------------------------------------------
params = replace(urlstate.current_index_params(year), level=level, real_only=real_only)
values = mappanels.layer_values(cat, layer, year, params, only_real)
shown_codes = set(cat.units.index[cat.units["in_programme"]]) if in_programme else set(cat.units.index)
pick = None
if not at_deso:
    pick = mappanels.selection_shift(params, cat.units)
    if show_shift:
        shown_codes |= set(pick["entering"])
shown = values.values[values.values.index.isin(shown_codes)]
if maplayer.usable_scheme(scheme, values) != scheme:
    st.info("Fasta gränser kring 100 kräver normaliseringen ”Index, 100 = jämförelsegruppen”. Visar kvantiler.")
    scheme = "quantiles"
classes = maplayer.classes(values, shown, scheme)
ranked = maplayer.ranking(values, shown, in_programme)  # by risk (context: by value, highest first), in the view
police = maps.police_by_deso() if show_police else None
names = cat.names

deso_names = results.unit_labels("deso")
if at_deso:
    urlstate.deso_from_url(deso_names)

# --- The map -----------------------------------------------------------------------------------------------------
labels = geometry.programme_labels() if in_programme else geometry.district_labels()
size = (mappanels.MAP_HEIGHT, mappanels.MAP_WIDTH)
if at_deso:
    selected = st.session_state.get(urlstate.DESO)
    deck = maps.choropleth_deso_deck(values, classes, ranked, shown_codes, labels, size, show_police, selected)
else:
    chosen = {n: c for c, n in names.items()}.get(st.session_state.get(urlstate.STADSDEL) or "")
    outline = maplayer.outlines(pick, show_shift, chosen)
    deck = maps.choropleth_deck(values, classes, ranked, shown_codes, labels, size, police, outline)

lvl = levels.get(level)
with map_col:
    st.pydeck_chart(
        deck,
        height=mappanels.MAP_HEIGHT,
        key=mappanels.MAP_KEYS[level],
        on_select=mappanels.select_on_click(level, deso_names),
        selection_mode="single-object",
        alt=f"Karta: {layer.lower()} {year} per {lvl.label.lower()}. Samma siffror finns i tabellen under kartan.",
    )
    credits = mappanels.credits(at_deso, only_real, values, show_police)
    st.caption(" · ".join(credits))
    mappanels.notes_under_map(level, real_only, values.is_indicator, year)
    if at_deso:
        mappanels.selected_deso_values(cat)

with side_col:
    mappanels.unit_picker(at_deso, deso_names, names)
    code_of = {n: c for c, n in names.items()}
    choice = st.session_state.get("deso") if at_deso else code_of.get(st.session_state.get("stadsdel") or "")
    mappanels.unit_details(choice, cat, values, ranked, layer, year)
    mappanels.legend_panel(layer, year, values, classes, scheme, level, only_real)
    synthetic_in_view = bool(values.synthetic.reindex(list(shown_codes)).fillna(False).any())
    mappanels.overlay_captions(show_police, show_shift, synthetic_in_view)

top = maplayer.top_line(ranked, names, values.decimals, year, at_deso=at_deso, context=values.context)
if top:
    st.markdown(top)
if show_shift and pick is not None:
    st.markdown(maplayer.shift_line(pick, names))

table = maplayer.table(values, ranked, classes.step_of, cat.units, lvl.label, year, police, at_deso=at_deso)
mappanels.table_panel(table, values, f"karta_{level}_{layer}_{year}")

# The printed map draws the stadsdelar over the water and says "darker = more risk": not for DeSO (they cover the
# lakes) nor for context measures.
if not values.context and not at_deso:
    caption = " · ".join(credits).replace("**", "").replace("`", "") + ". " + values.source_line
    mappanels.png_button(classes, f"{layer} {year} ({classes.legend_unit})", caption, year, values.synthetic, names)
