"""The maps as pydeck Decks: no basemap (works offline), our own context layers.

One package, one concept per module; callers keep using `lib.mapview.X`:

- `deck`: the stadsdel choropleth (features with their colours and tooltip texts), the water, the district lines
  and the assembled deck;
- `labels`: which name labels the first view shows, and their collision boxes and priorities;
- `glyphs`: the names drawn as filled letter outlines (shipped in geo/glyphs.json), in a layer like the water;
- `legend`: the map legend's swatches and range labels as a small SVG picture;
- `rings`: a ring without repeats and its closing point, as the DeSO polygons and the names send it;
- `deso`: the 544 DeSO in compact metre-offset polygons, Polisen's areas as a hatched overlay, the selection
  outline.
"""

from lib.mapview import glyphs
from lib.mapview.deck import (
    AREA_LAYER_ID,
    ENTERING_RGBA,
    LABEL_LAYER_ID,
    LEAVING_RGBA,
    SELECTED_RGBA,
    UNPICKABLE_EDGES,
    WATER_LAYER_ID,
    WATER_RGBA,
    CompactDeck,
    MapData,
    RawJSON,
    SpecDeck,
    build_deck,
    deck_spec,
    feature_collection,
    geometries,
    label_layer,
    shipped_water,
    view_state,
    water_layer,
)
from lib.mapview.deso import (
    DESO_LAYER_ID,
    DESO_LINE_RGBA,
    EARTH_RADIUS_M,
    HATCH_PNG,
    HATCH_SCALE,
    METER_OFFSETS,
    POLICE_LAYER_ID,
    POLICE_RGBA,
    SELECTED_LAYER_ID,
    LocalPolygons,
    deso_layer,
    deso_rows,
    deso_tooltip,
    local_polygon_layer,
    local_polygons,
    local_xy,
    police_layers,
    police_rows,
    polygon_parts,
    round_coordinates,
    selected_layer,
)
from lib.mapview.labels import (
    LABEL_GAP_PX,
    LABEL_SIZE_PX,
    _pixels,
    collision_padding,
    first_view_labels,
    label_width_px,
)
from lib.mapview.legend import legend_svg

__all__ = [
    "AREA_LAYER_ID",
    "DESO_LAYER_ID",
    "DESO_LINE_RGBA",
    "EARTH_RADIUS_M",
    "ENTERING_RGBA",
    "HATCH_PNG",
    "HATCH_SCALE",
    "LABEL_GAP_PX",
    "LABEL_LAYER_ID",
    "LABEL_SIZE_PX",
    "LEAVING_RGBA",
    "METER_OFFSETS",
    "POLICE_LAYER_ID",
    "POLICE_RGBA",
    "SELECTED_LAYER_ID",
    "SELECTED_RGBA",
    "UNPICKABLE_EDGES",
    "WATER_LAYER_ID",
    "WATER_RGBA",
    "CompactDeck",
    "RawJSON",
    "LocalPolygons",
    "MapData",
    "SpecDeck",
    "_pixels",
    "build_deck",
    "collision_padding",
    "deck_spec",
    "deso_layer",
    "deso_rows",
    "deso_tooltip",
    "feature_collection",
    "first_view_labels",
    "geometries",
    "glyphs",
    "label_layer",
    "label_width_px",
    "legend_svg",
    "local_polygon_layer",
    "local_polygons",
    "local_xy",
    "police_layers",
    "police_rows",
    "polygon_parts",
    "round_coordinates",
    "selected_layer",
    "shipped_water",
    "view_state",
    "water_layer",
]
