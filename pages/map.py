"""Karta: the index, an area score or one indicator on a map of the 117 stadsdelar or the 544 DeSO; darker = more
social risk. Context measures (utländsk bakgrund, folkmängd …) are coloured by value in a neutral scale, never as
risk. Every value says whether it is real (SCB 2024) or synthetic, in the tooltip, the side panel and the table."""

from dataclasses import replace

import streamlit as st

from lib import levels, maplayer
from ui import layout, mapdata, mappanels, results, urlstate

layout.page_setup()

st.title("Karta")  # how to read the colours is said beside the legend, layer by layer (context is not risk)

# --- The choices (all bound to the URL: a link reproduces the view) ------------------------------------------------
level, real_only, in_programme = mappanels.level_choices()
at_deso = level == "deso"
only_real = at_deso or real_only  # every value on the map is real
cat = mapdata.catalogue(level, real_only)
layer, year, scheme = mappanels.layer_choices(cat)
map_col, side_col = st.columns([3, 1.15])
# The overlays first in the side panel, so the map starts right under the choices.
show_police, show_shift = mappanels.overlay_toggles(side_col.container(), at_deso)

# --- The values of the chosen layer ----------------------------------------------------------------------------------
params = replace(urlstate.current_index_params(year), level=level, real_only=real_only)
values = mapdata.layer_values(cat, layer, year, params, only_real)
view = mapdata.Choice(layer, year, scheme, params, only_real, in_programme, show_police, show_shift)
fig = mapdata.figures(cat, view)  # the units in view, classes, ranks (by risk; context: by value), the table
pick, classes, ranked = fig.pick, fig.classes, fig.ranked
if fig.scheme != scheme:
    st.info("Fasta gränser kring 100 kräver normaliseringen ”Index, 100 = jämförelsegruppen”. Visar kvantiler.")
    scheme = fig.scheme
names = cat.names

deso_names = results.unit_labels("deso")
if at_deso:
    urlstate.deso_from_url(deso_names)

# --- The map -----------------------------------------------------------------------------------------------------
if at_deso:
    selected = st.session_state.get(urlstate.DESO)
else:  # the chosen stadsdel, outlined
    selected = {n: c for c, n in names.items()}.get(st.session_state.get(urlstate.STADSDEL) or "")
deck = mapdata.deck(level, real_only, view, selected, (mappanels.MAP_HEIGHT, mappanels.MAP_WIDTH))

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
    mappanels.overlay_captions(show_police, show_shift, fig.synthetic_in_view)

top = maplayer.top_line(ranked, names, values.decimals, year, at_deso=at_deso, context=values.context)
if top:
    st.markdown(top)
if show_shift and pick is not None:
    st.markdown(maplayer.shift_line(pick, names))

mappanels.table_panel(fig, values, f"karta_{level}_{layer}_{year}")

# The printed map draws the stadsdelar over the water and says "darker = more risk": not for DeSO (they cover the
# lakes) nor for context measures.
if not values.context and not at_deso:
    caption = " · ".join(credits).replace("**", "").replace("`", "") + ". " + values.source_line
    mappanels.png_button(classes, f"{layer} {year} ({classes.legend_unit})", caption, year, values.synthetic, names)
