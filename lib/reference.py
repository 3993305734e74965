"""Real published figures: tie each to one of our indicators and to an area the data model knows."""

from __future__ import annotations

import re
import unicodedata

import pandas as pd

LEVEL_CITY = "kommun"
LEVEL_DISTRICT = "stadsdelsomrade"
LEVEL_AREA = "stadsdel"


def slugify(name: str) -> str:
    """URL- and code-friendly form of a Swedish place name ("Hässelby gård" → "hasselby-gard")."""
    plain = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode("ascii")
    return re.sub(r"[^a-z0-9]+", "-", plain.lower()).strip("-")


def map_reference_figures(figures: pd.DataFrame, mapping: pd.DataFrame, areas: pd.DataFrame) -> pd.DataFrame:
    """Attach `indicator_code`, `comparable` and (for stadsdel figures) `area_code` to each figure.

    The first mapping rule whose `figure_indicator` matches, whose `area_level` (if any) is the
    figure's and whose `source_contains` (if any) occurs in the source URL wins. So one real series
    can be "the same measure" while a sibling table with another denominator, or a city total that
    also counts people without a stadsdel, is kept for comparison only.
    """
    out = figures.copy()
    codes, comparable, comments = [], [], []
    rules = mapping.fillna({"source_contains": "", "area_level": ""}).to_dict("records")
    for fig in out.itertuples(index=False):
        rule = next(
            (
                r
                for r in rules
                if r["figure_indicator"] == fig.indicator
                and (not r["area_level"] or r["area_level"] == fig.area_level)
                and (not r["source_contains"] or r["source_contains"] in str(fig.source_url))
            ),
            None,
        )
        codes.append(rule["indicator_code"] if rule else None)
        comparable.append(bool(rule and str(rule["comparable"]).lower() == "true"))
        comments.append(rule["comment"] if rule else "Inget motsvarande mått i indikatorkatalogen.")
    out["indicator_code"] = codes
    out["comparable"] = comparable
    out["mapping_comment"] = comments
    by_name = dict(zip(areas["name"], areas["code"], strict=True))
    out["area_code"] = [
        by_name.get(a) if level == LEVEL_AREA else None for a, level in zip(out["area"], out["area_level"], strict=True)
    ]
    return out


def calibration_targets(mapped: pd.DataFrame, years: tuple[int, ...]) -> pd.DataFrame:
    """The comparable figures that synthetic values must reproduce: one row per level, area, indicator, year."""
    keep = mapped[mapped["comparable"] & mapped["year"].isin(years)]
    keep = keep[(keep["area_level"] != LEVEL_AREA) | keep["area_code"].notna()]
    return keep[["area_level", "area", "area_code", "indicator_code", "year", "value"]].reset_index(drop=True)
