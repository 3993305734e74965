"""The map legend picture: the same swatches and labels as the classes, the riskiest on top, text escaped."""

import re

import pandas as pd

from lib import mapview


def test_legend_svg_lists_the_classes_riskiest_first():
    legend = pd.DataFrame(
        {
            "label": ["104,4–116,2", "116,2–121,6", "148,9–178,0"],
            "colour": ["#ffffb2", "#fecc5c", "#bd0026"],
            "count": [5, 4, 4],
            "step": [0, 1, 2],
        }
    )
    svg = mapview.legend_svg(legend)
    assert svg.startswith("<svg ") and svg.endswith("</svg>")
    assert re.findall(r">([^<]+)</text>", svg) == ["148,9–178,0", "116,2–121,6", "104,4–116,2"]
    assert re.findall(r'fill="(#[0-9a-f]{6})" stroke', svg) == ["#bd0026", "#fecc5c", "#ffffb2"]
    assert 'height="90"' in svg


def test_legend_svg_escapes_its_text():
    legend = pd.DataFrame({"label": ["<script>x</script> & 1"], "colour": ["#fff"], "count": [1], "step": [0]})
    svg = mapview.legend_svg(legend)
    assert "<script>" not in svg and "&lt;script&gt;x&lt;/script&gt; &amp; 1" in svg
