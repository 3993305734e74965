"""The least a Streamlit map page can be: a title, one slider and one GeoJSON layer of the shipped stadsdel (or, with
FLOOR_GEO=deso, DeSO) map that the slider recolours, nothing else.

`bench_browser.py` times its cold start and its slider → repainted map next to the app's, to separate what the
app costs from what Streamlit, deck.gl and the browser cost on this machine anyway.
"""

import json
import os
from pathlib import Path

import pydeck as pdk
import streamlit as st

YLORRD = ([255, 255, 178], [254, 204, 92], [253, 141, 60], [240, 59, 32], [189, 0, 38])

# FLOOR_GEO=deso: the 544 DeSO polygons, the floor for the app's DeSO map.
GEO = "deso.geojson" if os.environ.get("FLOOR_GEO") == "deso" else "stadsdelar.geojson"
collection = json.loads((Path(__file__).resolve().parent.parent / "geo" / GEO).read_text("utf-8"))
st.title("Karta")
step = st.slider("Vikt", 0, 100, 0)
for i, feature in enumerate(collection["features"]):
    feature["properties"]["fill"] = YLORRD[(i * 7 + step * 3) % 5]
layer = pdk.Layer("GeoJsonLayer", collection, get_fill_color="properties.fill", get_line_color=[40, 40, 40, 255])
view = pdk.ViewState(longitude=18.0, latitude=59.33, zoom=9.3)
st.pydeck_chart(pdk.Deck(layers=[layer], initial_view_state=view, map_provider=None), height=440)
