"""Name labels drawn as filled letter outlines, in the same kind of layer as the water and the areas.

deck.gl's TextLayer draws text with a shader of its own. A software-rendered browser (a city laptop without a
graphics driver, a projector's stick PC) compiles that shader before a visitor's first map appears: the graphics
process's work for a new visitor went 4,80 → 4,25 s without it, the same as with no names at all (bench/RESULTS.md,
"Browser, fourth round"). The letters' outlines, laid out here and filled like any polygon, reuse the drawing code
the water and the areas already have.

The outlines come from DejaVu Sans Condensed Bold (Bitstream Vera licence, DejaVu's changes public domain), flattened
into polygons by `build_glyphs` when `python -m lib.cli make-map` runs and shipped in geo/glyphs.json with the font's
copyright and licence. The names are sized for the
first view and grow with the map when zooming in, like the names on a printed map, so they never overlap.
"""

from __future__ import annotations

import functools
import json
from pathlib import Path

import numpy as np
import shapely
import shapely.affinity
from shapely.geometry import Polygon

from lib.mapview.rings import open_ring

#: Where `build_glyphs` reads the outlines (Debian: fonts-dejavu-extra); only needed to rebuild geo/glyphs.json.
FONT_FILE = Path("/usr/share/fonts/truetype/dejavu/DejaVuSansCondensed-Bold.ttf")
#: Every character a name on the map may have; others are laid out as a blank of an average letter's width.
CHARACTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZÅÄÖÉÜÆØabcdefghijklmnopqrstuvwxyzåäöéèüæø0123456789 -–.,:;'’()/&+"
CURVE_STEPS = 3  # line segments per quadratic curve: at 13–18 px a letter's curves need no more
HALO_PX = 1.6  # the white edge around each name, as wide as the TextLayer's outline drew it
TEXT_RGBA = [20, 20, 20, 255]
HALO_RGBA = [255, 255, 255, 230]
UNITS_PER_PX = 4  # the label polygons' coordinates are whole quarter pixels at the first view …
#: … divided by this: deck.gl triangulates a longitude/latitude layer's polygons after projecting their coordinates
#: to Web Mercator, so they must read as small angles (|value| < 20°, where the projection is linear to 2 %, which
#: keeps the triangles of a 13 px letter valid; a name's position and shape come from the model matrix, exactly).
COORD_DIVISOR = 100
MAX_ANGLE = 20.0
TEXT_TOLERANCE_PX = 0.3  # how far a simplified letter's outline may stray (the quarter-pixel grid is finer)
HALO_TOLERANCE_PX = 0.5


def _flatten_contours(glyph_set, name: str) -> list[list[tuple[float, float]]]:
    """The glyph's contours as closed point lists in font units, each quadratic curve as `CURVE_STEPS` lines."""
    from fontTools.pens.basePen import BasePen

    class FlatPen(BasePen):
        def __init__(self, glyphs) -> None:
            super().__init__(glyphs)
            self.contours: list[list[tuple[float, float]]] = []

        def _moveTo(self, pt) -> None:
            self.contours.append([pt])

        def _lineTo(self, pt) -> None:
            self.contours[-1].append(pt)

        def _qCurveToOne(self, pt1, pt2) -> None:
            x0, y0 = self.contours[-1][-1]
            for i in range(1, CURVE_STEPS + 1):
                t = i / CURVE_STEPS
                a, b, c = (1 - t) ** 2, 2 * (1 - t) * t, t**2
                self.contours[-1].append((a * x0 + b * pt1[0] + c * pt2[0], a * y0 + b * pt1[1] + c * pt2[1]))

        def _curveToOne(self, pt1, pt2, pt3) -> None:
            x0, y0 = self.contours[-1][-1]
            for i in range(1, 2 * CURVE_STEPS + 1):
                t = i / (2 * CURVE_STEPS)
                a, b, c, d = (1 - t) ** 3, 3 * (1 - t) ** 2 * t, 3 * (1 - t) * t**2, t**3
                self.contours[-1].append(
                    (
                        a * x0 + b * pt1[0] + c * pt2[0] + d * pt3[0],
                        a * y0 + b * pt1[1] + c * pt2[1] + d * pt3[1],
                    )
                )

    pen = FlatPen(glyph_set)
    glyph_set[name].draw(pen)
    return [c for c in pen.contours if len(c) >= 3]


def build_glyphs(font_file: Path = FONT_FILE, characters: str = CHARACTERS) -> dict:
    """Each character's advance and flattened contours (whole font units, flat [x0, y0, x1, y1, …] lists) from a
    TrueType font, with the font's name, copyright, licence and metrics: what geo/glyphs.json holds."""
    from fontTools.ttLib import TTFont

    font = TTFont(font_file)
    glyph_set, cmap = font.getGlyphSet(), font.getBestCmap()
    glyphs = {}
    for char in characters:
        name = cmap.get(ord(char))
        if name is None:
            continue
        contours = [[round(v) for point in c for v in point] for c in _flatten_contours(glyph_set, name)]
        glyphs[char] = {"advance": glyph_set[name].width, "contours": contours}
    names = font["name"]
    capital = glyphs.get("H", {"contours": [[0, round(0.73 * font["head"].unitsPerEm)]]})["contours"]
    return {
        "font": str(names.getDebugName(4)),
        "version": str(names.getDebugName(5)),
        "source": f"{font_file.name} (Debian: fonts-dejavu-extra), https://dejavu-fonts.github.io/",
        "copyright": str(names.getDebugName(0)),
        "licence": str(names.getDebugName(13)),
        "units_per_em": font["head"].unitsPerEm,
        # measured on the H: the font's OS/2 table says 1434, the H stands 1493 units tall
        "cap_height": max(c[i] for c in capital for i in range(1, len(c), 2)),
        "glyphs": glyphs,
    }


def glyphs_json(table: dict) -> str:
    """geo/glyphs.json's text: compact, Unicode as it is, the same bytes for the same font."""
    return json.dumps(table, ensure_ascii=False, separators=(",", ":"), sort_keys=True) + "\n"


def write_glyphs(target: Path, font_file: Path = FONT_FILE) -> int:
    """Write `build_glyphs` of `font_file` to `target` (via a temporary file, so a failure leaves the old one);
    returns its size in bytes."""
    text = glyphs_json(build_glyphs(font_file))
    tmp = target.with_suffix(".tmp")
    tmp.write_text(text, "utf-8")
    tmp.replace(target)
    return len(text.encode("utf-8"))


@functools.cache
def glyph_table() -> dict:
    """The shipped outlines (geo/glyphs.json), read once."""
    from lib.config import Paths

    return json.loads(Paths().glyphs_geo.read_text("utf-8"))


def _advance(char: str, table: dict) -> float:
    """A character's advance in font units; one the table lacks takes an average letter's width."""
    glyph = table["glyphs"].get(char)
    return glyph["advance"] if glyph else table["units_per_em"] * 0.55


@functools.cache
def _glyph_shape(char: str) -> shapely.Geometry | None:
    """One character's filled shape in font units: its contours combined even-odd (a hole is a contour inside
    another), which is how these fonts' outer and inner contours fill."""
    glyph = glyph_table()["glyphs"].get(char)
    if glyph is None:
        return None
    shape = Polygon()
    for flat in glyph["contours"]:
        shape = shape.symmetric_difference(Polygon(np.asarray(flat, float).reshape(-1, 2)).buffer(0))
    return shape


def text_width_px(text: str, size_px: float) -> float:
    """`text`'s width set at `size_px` (the sum of its characters' advances; no kerning, like deck.gl's text)."""
    table = glyph_table()
    return sum(_advance(c, table) for c in str(text)) * size_px / table["units_per_em"]


@functools.lru_cache(maxsize=512)
def text_shape(text: str, size_px: float) -> shapely.Geometry:
    """`text` set on one line at `size_px`, in pixels with y up, centred on (0, 0): horizontally on its width,
    vertically on the capital letters' middle (where the TextLayer's `middle` / `center` anchor put it)."""
    table = glyph_table()
    x, parts = 0.0, []
    for char in str(text):
        shape = _glyph_shape(char)
        if shape is not None and not shape.is_empty:
            parts.append(shapely.affinity.translate(shape, xoff=x))
        x += _advance(char, table)
    if not parts:
        return Polygon()
    scale = size_px / table["units_per_em"]
    centre = [scale, 0, 0, scale, -x * scale / 2, -table["cap_height"] * scale / 2]
    return shapely.affinity.affine_transform(shapely.union_all(parts), centre)


def _rings(geometry: shapely.Geometry, offset: tuple[float, float], divisor: int) -> list:
    """GeoJSON MultiPolygon coordinates of `geometry` (pixels) moved by `offset` (in `UNITS_PER_PX`), in whole
    units / `divisor`, each ring open and without repeated points."""
    out = []
    for part in getattr(geometry, "geoms", [geometry]):
        if part.is_empty or part.geom_type != "Polygon":
            continue
        rings = []
        for ring in (part.exterior, *part.interiors):
            points = open_ring((np.rint(np.asarray(ring.coords) * UNITS_PER_PX + offset) / divisor).tolist())
            if len(points) >= 3:
                rings.append(points)
        if rings:
            out.append(rings)
    return out


def label_features(
    names: tuple[str, ...], lons: tuple[float, ...], lats: tuple[float, ...], zoom: float, size_px: float
) -> tuple[dict, list[float]]:
    """The names as GeoJSON and the model matrix that places it: two features, the white edges of all names, then
    all names (so no name's edge covers another name), each name centred on its (lon, lat) at `size_px` for a view
    at `zoom`.

    Coordinates are quarter pixels / `COORD_DIVISOR` (or a larger power of ten) around the names' mean position;
    the matrix turns them back into degrees (at the origin's latitude a pixel is 360 / (512 · 2^zoom) degrees of
    longitude and that times cos(latitude) of latitude). Numbers like -7.25 take ~60 % of the bytes of longitudes
    and latitudes to a quarter pixel."""
    origin = (round(float(np.mean(lons)), 4), round(float(np.mean(lats)), 4)) if names else (0.0, 0.0)
    dx = 360 / (512 * 2**zoom) / UNITS_PER_PX  # degrees of longitude per unit
    dy = dx * float(np.cos(np.radians(origin[1])))
    shapes = [text_shape(str(name), float(size_px)) for name in names]
    offsets = [((lon - origin[0]) / dx, (lat - origin[1]) / dy) for lon, lat in zip(lons, lats, strict=True)]
    # Names far outside a view (not drawn by the app's maps) would need larger numbers: a larger divisor keeps
    # every coordinate a small angle at the cost of a decimal.
    widths = [text_width_px(str(name), size_px) * UNITS_PER_PX for name in names]
    reach = max((max(abs(x), abs(y)) + w for (x, y), w in zip(offsets, widths, strict=True)), default=0.0)
    divisor = COORD_DIVISOR
    while reach / divisor >= MAX_ANGLE:
        divisor *= 10
    texts, halos = [], []
    for shape, offset in zip(shapes, offsets, strict=True):
        halos += _rings(shape.buffer(HALO_PX, quad_segs=2).simplify(HALO_TOLERANCE_PX), offset, divisor)
        texts += _rings(shape.simplify(TEXT_TOLERANCE_PX), offset, divisor)
    features = [
        {"type": "Feature", "geometry": {"type": "MultiPolygon", "coordinates": rings}, "properties": {"fill": rgba}}
        for rings, rgba in ((halos, HALO_RGBA), (texts, TEXT_RGBA))
        if rings
    ]
    scale = divisor
    matrix = [dx * scale, 0, 0, 0, 0, dy * scale, 0, 0, 0, 0, 1, 0, origin[0], origin[1], 0, 1]
    return {"type": "FeatureCollection", "features": features}, matrix
