"""The map's names as letter outlines: the shipped outlines are the font's, every name can be drawn, and each name
lands where its label point is, at the size asked for, inside its white edge."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import shapely
from hypothesis import given, settings
from hypothesis import strategies as st
from shapely.geometry import Polygon

from conftest import ROOT
from lib.mapview import glyphs


def test_the_shipped_outlines_are_the_fonts_with_its_copyright_and_licence():
    table = glyphs.glyph_table()
    assert table["font"] == "DejaVu Sans Condensed Bold"
    assert "Bitstream" in table["copyright"] and "Permission is hereby granted" in table["licence"]
    if not glyphs.FONT_FILE.exists():
        pytest.skip(f"{glyphs.FONT_FILE} is not installed here (Debian: fonts-dejavu-extra)")
    shipped = (ROOT / "geo" / "glyphs.json").read_text("utf-8")
    assert glyphs.glyphs_json(glyphs.build_glyphs()) == shipped, "geo/glyphs.json differs: python -m lib.cli make-map"


def test_every_name_on_a_map_has_its_letters():
    names = pd.concat(
        [pd.read_csv(ROOT / "data" / f)["name"] for f in ("area.csv", "district.csv")]
        + [pd.read_csv(ROOT / "data" / "area.csv")["district"]]
    )
    letters = set("".join(names.astype(str)))
    assert letters <= set(glyphs.glyph_table()["glyphs"]), letters - set(glyphs.glyph_table()["glyphs"])


def test_a_name_is_centred_as_wide_as_its_advances_and_as_tall_as_its_capitals():
    shape = glyphs.text_shape("HÅ", 13)
    minx, miny, maxx, maxy = shape.bounds
    assert (minx + maxx) / 2 == pytest.approx(0, abs=0.8)  # centred (side bearings differ a little)
    assert maxx - minx == pytest.approx(glyphs.text_width_px("HÅ", 13), abs=2)
    h = glyphs.text_shape("H", 13).bounds
    cap = glyphs.glyph_table()["cap_height"] / glyphs.glyph_table()["units_per_em"] * 13
    assert h[3] - h[1] == pytest.approx(cap, abs=0.1) and h[1] == pytest.approx(-cap / 2, abs=0.1)
    o = glyphs.text_shape("o", 13)
    assert o.geom_type == "Polygon" and len(o.interiors) == 1, "an o has its hole"
    # a character the outlines lack takes a blank of a letter's width, not an error
    assert glyphs.text_width_px("a\u263aa", 13) > glyphs.text_width_px("aa", 13)


def _to_degrees(points: np.ndarray, matrix: list[float]) -> np.ndarray:
    m = np.asarray(matrix).reshape(4, 4).T  # column-major, as deck.gl reads a model matrix
    return (m[:2, :2] @ points.T).T + m[:2, 3]


@settings(max_examples=40, deadline=None)
@given(
    lon=st.floats(17.8, 18.15),
    lat=st.floats(59.22, 59.42),
    zoom=st.floats(9.0, 10.3),
    size=st.sampled_from([13.0, 18.0]),
)
def test_each_name_lands_on_its_point_at_its_size_inside_its_white_edge(lon, lat, zoom, size):
    names, lons, lats = ("Rinkeby", "Högdalen"), (lon, 17.95), (lat, 59.27)
    collection, matrix = glyphs.label_features(names, lons, lats, zoom, size)
    halos, texts = collection["features"]
    assert halos["properties"]["fill"] == glyphs.HALO_RGBA and texts["properties"]["fill"] == glyphs.TEXT_RGBA
    coords = np.array([p for polygon in texts["geometry"]["coordinates"] for ring in polygon for p in ring])
    # deck.gl triangulates a lon/lat layer in Web Mercator: the numbers must read as small angles
    assert np.abs(coords).max() < glyphs.MAX_ANGLE
    # the first name's letters (the leftmost polygons up to its last letter) centre on its point
    text_polys = [Polygon(p[0], p[1:]) for p in texts["geometry"]["coordinates"]]
    shape = glyphs.text_shape("Rinkeby", size)
    first = shapely.union_all(text_polys[: len(getattr(shape, "geoms", [shape]))])
    minx, miny, maxx, maxy = first.bounds
    centre = _to_degrees(np.array([[(minx + maxx) / 2, (miny + maxy) / 2]]), matrix)[0]
    px_deg = 360 / (512 * 2**zoom)  # degrees of longitude per pixel
    assert abs(centre[0] - lon) < 1.5 * px_deg  # centred within a pixel and a half ('R' and 'y' differ a little)
    unit = glyphs.COORD_DIVISOR / glyphs.UNITS_PER_PX
    assert (maxx - minx) * unit == pytest.approx(glyphs.text_width_px("Rinkeby", size), abs=2.5)
    # every letter lies within the white edges
    edges = shapely.union_all([Polygon(p[0], p[1:]) for p in halos["geometry"]["coordinates"]])
    assert edges.buffer(1e-6).contains(shapely.union_all(text_polys))


def test_names_far_outside_the_view_still_read_as_small_angles():
    collection, matrix = glyphs.label_features(("Akalla", "Farsta"), (17.5, 18.5), (59.0, 59.6), 12.0, 13)
    coords = np.array(
        [p for f in collection["features"] for poly in f["geometry"]["coordinates"] for r in poly for p in r]
    )
    assert np.abs(coords).max() < glyphs.MAX_ANGLE
    ends = _to_degrees(coords[[coords[:, 0].argmin(), coords[:, 0].argmax()]], matrix)[:, 0]
    assert ends[0] == pytest.approx(17.5, abs=0.01) and ends[1] == pytest.approx(18.5, abs=0.01)


def test_no_names_no_features():
    collection, matrix = glyphs.label_features((), (), (), 10.0, 13)
    assert collection == {"type": "FeatureCollection", "features": []} and len(matrix) == 16
