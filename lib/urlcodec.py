"""Every query parameter of every page, in one place: its name, which pages read it, and the links between pages.

Why one registry: a copied link must reproduce the page it was copied from. That holds only if every setting a page
shows is in its URL under a name that no other page reads differently, and every link into a page carries the index
settings in effect (the weights set on *Index och vikter*). The pages take their widget keys from here, the links are
built here (`link_query`), and a test reads pages/ and ui/ so that no widget bound to the URL, no read of the URL and
no link can go round it.

Most parameters belong to a widget bound to the URL (`bind="query-params"`): Streamlit parses them against the
widget's options and falls back to the widget's default when a value is not one of them. The index settings, the
map's stadsdel and DeSO and `present` are read by hand; their parsing and defaults are in `ui/urlstate.py` and here.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import PurePosixPath

__all__ = [
    "AGGREGATION",
    "ANALYSIS",
    "AREA_TYPE_YEAR",
    "CLASSES",
    "COMMITTEE",
    "COMPARE_MODE",
    "DESO",
    "DOMAIN_PREFIX",
    "EXPONENT",
    "FLOOR",
    "GOAL",
    "GOAL_AREA",
    "INDEX_KEYS",
    "INDEX_VIEW",
    "INDICATOR",
    "INDICATOR_PREFIX",
    "LAYER",
    "LEVEL",
    "MAP_SCOPE",
    "MAP_TABLE",
    "METHOD",
    "OUTCOME_FOR",
    "PAGES",
    "POLICE",
    "PRESENT",
    "REAL_ONLY",
    "REAL_TABLE",
    "REFERENCES",
    "RESPONSIBLE",
    "SAMPLES",
    "SEED",
    "SELECTION_SHIFT",
    "SLIDE",
    "STADSDEL",
    "STADSDELAR",
    "STADSDEL_B",
    "STRONG_TREND",
    "THRESHOLD",
    "TOLERANCE",
    "TOTAL",
    "TREND_WINDOW",
    "UNIT",
    "UNIVERSE",
    "WEIGHT_KEYS",
    "WINSOR",
    "YEAR",
    "domain_key",
    "indicator_key",
    "is_registered",
    "is_weight_key",
    "link_query",
    "page_name",
    "weights_only",
]

# --- The index settings: set on Index och vikter, read by every page that shows the index ---------------------------
DOMAIN_PREFIX, INDICATOR_PREFIX = "vikt_", "ind_"  # vikt_<domain> and ind_<indicator>: slider positions 0–10
METHOD, AGGREGATION, UNIVERSE, WINSOR = "metod", "aggregering", "jamforelse", "kapa"
LEVEL, REAL_ONLY = "niva", "verkliga"  # the level (Stadsdel, DeSO) and "Endast verkliga värden"
#: How the index is weighed (with vikt_* and ind_*): what carries from page to page. The level and the value
#: switch do not: a stadsdel page ranks stadsdelar whatever level the Index page shows.
WEIGHT_KEYS = (METHOD, AGGREGATION, UNIVERSE, WINSOR)
INDEX_KEYS = (*WEIGHT_KEYS, LEVEL, REAL_ONLY)

# --- The pages' own settings ----------------------------------------------------------------------------------------
PRESENT = "present"  # ?present=1 on any page: the projector mode of Presentera
YEAR, STADSDEL = "ar", "stadsdel"
MAP_SCOPE, LAYER, CLASSES = "urval", "lager", "klassning"
POLICE, SELECTION_SHIFT, DESO = "polisen", "urvalsskifte", "deso"
MAP_TABLE = "tabell"
INDEX_VIEW, AREA_TYPE_YEAR = "visa", "omradestyp_ar"
COMPARE_MODE, STADSDEL_B = "jamfor", "stadsdel_b"
INDICATOR, STADSDELAR, REFERENCES = "indikator", "stadsdelar", "referens"
RESPONSIBLE, GOAL_AREA, OUTCOME_FOR, GOAL = "ansvar", "malomrade", "utfall", "mal"
TOLERANCE, STRONG_TREND, TREND_WINDOW = "tolerans", "trend", "fonster"
COMMITTEE = "namnd"
TOTAL, UNIT, EXPONENT, THRESHOLD, FLOOR = "summa", "enhet", "exponent", "troskel", "golv"
REAL_TABLE = "verklig_tabell"
SLIDE = "bild"
SAMPLES, SEED, ANALYSIS = "korningar", "slumpfro", "analys"


@dataclass(frozen=True)
class PageParams:
    """What one page reads from its URL: its own settings (name → what it says), and whether it shows the index
    (then it reads the index settings, and every link into it carries the weights in effect)."""

    own: Mapping[str, str]
    index: bool = False
    levels: tuple[str, ...] = field(default=())  # index keys besides the weights that the page reads itself


#: page (its file's stem, as Streamlit names it in a URL) → what it reads. Overview is also served at "/".
PAGES: dict[str, PageParams] = {
    "overview": PageParams({}, index=True, levels=(LEVEL, REAL_ONLY)),
    "present": PageParams({SLIDE: "the slide", STADSDEL: "slide 4's stadsdel"}, index=True, levels=(REAL_ONLY,)),
    "map": PageParams(
        {
            LEVEL: "Stadsdel or DeSO",
            REAL_ONLY: "all values or only real ones",
            MAP_SCOPE: "the programme or the whole city",
            LAYER: "the layer's name",
            YEAR: "the year",
            CLASSES: "the classes' scheme",
            POLICE: "Polisen's areas on the map",
            SELECTION_SHIFT: "the index's selection of 22 drawn",
            STADSDEL: "the chosen stadsdel (read by hand: see ui/urlstate.stadsdel_from_url)",
            DESO: "the chosen DeSO, by its code",
            MAP_TABLE: "the table under the map open",
        },
        index=True,
    ),
    "index_weights": PageParams(
        {
            LEVEL: "Stadsdel or DeSO",
            REAL_ONLY: "all values or only real ones",
            YEAR: "the index year",
            INDEX_VIEW: "table, map, uncertainty, selection or validation",
            AREA_TYPE_YEAR: "the year of SCB's områdestyp in the validation",
        },
        index=True,
    ),
    "profile": PageParams({STADSDEL: "the stadsdel", YEAR: "the year"}, index=True, levels=(REAL_ONLY,)),
    "audit": PageParams({YEAR: "the index year"}, index=True, levels=(REAL_ONLY,)),
    "sensitivity": PageParams(
        {
            YEAR: "the index year",
            SAMPLES: "the runs (a Saltelli base sample)",
            SEED: "the seed (Swedish number)",
            ANALYSIS: "whether the result is shown",
            MAP_SCOPE: "the programme's 22 or every ranked stadsdel in the bands",
            STADSDEL: "the stadsdel whose rank is explained",
        },
        index=True,
        levels=(REAL_ONLY,),
    ),
    "compare": PageParams(
        {
            COMPARE_MODE: "two stadsdelar or one against its groups",
            STADSDEL: "the first stadsdel",
            STADSDEL_B: "the second",
            YEAR: "the year",
        },
        index=True,
        levels=(REAL_ONLY,),
    ),
    "trends": PageParams(
        {INDICATOR: "the measure's name", STADSDELAR: "the stadsdelar", REFERENCES: "the groups beside them"}
    ),
    "goals": PageParams(
        {
            YEAR: "the year",
            RESPONSIBLE: "the responsible body",
            GOAL_AREA: "the goal area",
            OUTCOME_FOR: "where the outcome is measured",
            TOLERANCE: "tolerance against the yearly target (%)",
            STRONG_TREND: "a strong trend (% per year)",
            TREND_WINDOW: "measurements the trend is drawn over",
            GOAL: "the chosen goal or delmål",
        }
    ),
    "plans": PageParams({COMMITTEE: "the stadsdelsnämnd", YEAR: "the year"}, index=True, levels=(REAL_ONLY,)),
    "allocation": PageParams(
        {
            TOTAL: "the sum (mnkr, Swedish number)",
            UNIT: "nämnder or stadsdelar",
            YEAR: "the index year",
            EXPONENT: "how strongly the risk weighs",
            THRESHOLD: "the risk threshold",
            FLOOR: "the floor per unit (mnkr, Swedish number)",
        },
        index=True,
        levels=(REAL_ONLY,),
    ),
    "data_sources": PageParams({REAL_TABLE: "the table of real data shown"}),
}
GLOBAL_KEYS = (PRESENT,)


def page_name(page: str) -> str:
    """ "pages/map.py" or "map" → "map" (the name Streamlit gives the page in its URL)."""
    return PurePosixPath(page).stem


def domain_key(code: str) -> str:
    return f"{DOMAIN_PREFIX}{code}"


def indicator_key(code: str) -> str:
    return f"{INDICATOR_PREFIX}{code}"


def is_weight_key(key: str) -> bool:
    """True for the keys that say how the index is weighed (vikt_*, ind_*, metod, aggregering, jamforelse, kapa)."""
    return key.startswith((DOMAIN_PREFIX, INDICATOR_PREFIX)) or key in WEIGHT_KEYS


def weights_only(query: Mapping[str, str]) -> dict[str, str]:
    """The weight keys of a query, in their order."""
    return {k: v for k, v in query.items() if is_weight_key(k)}


def is_registered(page: str, key: str) -> bool:
    """Whether `page` reads `key` from its URL (`present` is read on every page)."""
    spec = PAGES[page_name(page)]
    return key in GLOBAL_KEYS or key in spec.own or key in spec.levels or (spec.index and is_weight_key(key))


def all_keys() -> set[str]:
    """Every fixed key some page reads (vikt_* and ind_* are prefixes: see `is_weight_key`)."""
    return {*GLOBAL_KEYS, *INDEX_KEYS, *(k for spec in PAGES.values() for k in (*spec.own, *spec.levels))}


def link_query(page: str, params: Mapping[str, object], carried: Mapping[str, str]) -> dict[str, str]:
    """The query of a link into `page`: its own `params` (None left out) and, when the page shows the index, the
    weights in effect (`carried`, as `weights_only` gives them). A key the page does not read is a programming
    error: the link would promise a view the page cannot show."""
    unknown = [k for k in params if not is_registered(page, k)]
    if unknown:
        raise ValueError(f"{page_name(page)} reads no query parameter {', '.join(unknown)}")
    query = {k: str(v) for k, v in params.items() if v is not None}
    if PAGES[page_name(page)].index:
        query |= {k: v for k, v in weights_only(carried).items() if k not in query}
    return query


def choose(raw: object, options: Iterable[str]) -> str | None:
    """A hand-read parameter's value if it is one of `options`, else None (the page's default applies)."""
    return raw if isinstance(raw, str) and raw in set(options) else None
