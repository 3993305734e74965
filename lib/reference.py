"""Real published figures: tie each to one of our indicators and to an area the data model knows."""

from __future__ import annotations

import re
import unicodedata
from urllib.parse import urlsplit

import pandas as pd

LEVEL_CITY = "kommun"
LEVEL_DISTRICT = "stadsdelsomrade"
LEVEL_AREA = "stadsdel"

#: Hosts that publish the statistics themselves (a host matches itself and its subdomains): the city's own
#: statistics and web sites, and the national statistics agencies. Any other host – an encyclopaedia, a news
#: article, a document-sharing site with a copy of a report – passes figures on second hand.
FIRST_HAND_HOSTS = (
    "stockholm.se",
    "stockholm",  # the city's own top-level domain: start.stockholm, vaxer.stockholm, foretagsservice.stockholm
    "scb.se",
    "bra.se",
    "folkhalsomyndigheten.se",
    "skolverket.se",
    "val.se",
    "kolada.se",
    "boverket.se",
)
SECOND_HAND = "andrahandskälla"
FIRST_HAND = "förstahandskälla"


def slugify(name: str) -> str:
    """URL- and code-friendly form of a Swedish place name ("Hässelby gård" → "hasselby-gard")."""
    plain = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode("ascii")
    return re.sub(r"[^a-z0-9]+", "-", plain.lower()).strip("-")


def is_second_hand(url: str) -> bool:
    """True unless `url` is on the host of an original publisher (`FIRST_HAND_HOSTS`); unreadable URLs count as
    second hand, so a figure is never presented as more direct than it is."""
    try:
        host = (urlsplit(str(url).strip()).hostname or "").rstrip(".").lower()
    except ValueError:
        return True
    return not any(host == h or host.endswith("." + h) for h in FIRST_HAND_HOSTS)


def source_kind(url: str) -> str:
    """The word for a figure's source URL: "andrahandskälla" or "förstahandskälla" (see `is_second_hand`)."""
    return SECOND_HAND if is_second_hand(url) else FIRST_HAND


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


def is_calibration_target(mapped: pd.DataFrame, years: tuple[int, ...]) -> pd.Series:
    """Per mapped figure: does the synthetic model reproduce it? Only a comparable figure for a year the model
    covers, and (for a stadsdel) an area the data model knows."""
    comparable = mapped["comparable"].fillna(False).astype(bool)
    known_area = (mapped["area_level"] != LEVEL_AREA) | mapped["area_code"].notna()
    return comparable & mapped["year"].isin(years) & known_area


def calibration_targets(mapped: pd.DataFrame, years: tuple[int, ...]) -> pd.DataFrame:
    """The comparable figures that synthetic values must reproduce: one row per level, area, indicator, year."""
    keep = mapped[is_calibration_target(mapped, years)]
    return keep[["area_level", "area", "area_code", "indicator_code", "year", "value"]].reset_index(drop=True)
