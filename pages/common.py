"""Shared, cached data access for the pages (the only Streamlit code outside the page files)."""

from __future__ import annotations

import functools
import os
import time
from dataclasses import replace

import pandas as pd
import streamlit as st

from lib import db, geo, levels
from lib import index as ix
from lib.config import Paths
from ui.streamlit_compat import leave_legacy_pages_mode


def page_setup() -> None:
    """Called first on every page, so a page opened by a deep link on a fresh server still runs inside app.py's
    navigation (the why, and the only Streamlit internal the app touches, are in ui/streamlit_compat.py)."""
    leave_legacy_pages_mode()


#: The app's pages by section: file, title, icon. The first is the start page.
NAVIGATION = {
    "Programmet": (
        ("pages/overview.py", "Översikt", ":material/home:"),
        ("pages/present.py", "Presentera", ":material/slideshow:"),
    ),
    "Analys": (
        ("pages/map.py", "Karta", ":material/map:"),
        ("pages/index_weights.py", "Index och vikter", ":material/tune:"),
        ("pages/profile.py", "Stadsdel", ":material/person_pin_circle:"),
        ("pages/compare.py", "Jämför", ":material/compare_arrows:"),
        ("pages/trends.py", "Utveckling", ":material/show_chart:"),
    ),
    "Styrning": (
        ("pages/goals.py", "Mål och uppföljning", ":material/flag:"),
        ("pages/plans.py", "Lokala handlingsplaner", ":material/assignment:"),
        ("pages/allocation.py", "Fördelning av medel", ":material/payments:"),
    ),
    "Data": (("pages/data_sources.py", "Data och källor", ":material/database:"),),
}
PAGE_FILES = tuple(path for items in NAVIGATION.values() for path, _, _ in items)

PAGE_CSS = """<style>
[data-testid="stMainBlockContainer"] {padding-top: 2.2rem; padding-bottom: 2rem;}
h1 {padding-top: 0.2rem;}
</style>"""

METHODS = {
    "ref100": "Index, 100 = jämförelsegruppen",
    "zscore": "z-poäng",
    "minmax": "Min–max, 0–100",
    "percentile": "Percentil, 0–100",
}
AGGREGATIONS = {"arithmetic": "Aritmetiskt medel", "geometric": "Geometriskt medel"}
UNIVERSES = {"all": "Hela staden (117)", "outer": "Ytterstaden (46)", "programme": "Programmet (22)"}
#: The level choice as the URL (?niva=DeSO) and the segmented controls show it; only levels with a map.
LEVEL_LABELS = {"stadsdel": "Stadsdel", "deso": "DeSO"}
#: The value switch: ?verkliga=Endast verkliga värden; absent = all values.
ALL_VALUES, REAL_ONLY = "Alla värden", "Endast verkliga värden"
WEIGHT_KEYS = ("metod", "aggregering", "jamforelse", "kapa")  # with vikt_* and ind_*: how the index is weighed
SECTION_TIMES = "_sektion_ms"  # session key: server time of timed page sections, newest last
LAST_INDEX_PARAMS = "_senaste_index"  # session key: the index last set on the Index page

SYNTHETIC_NOTE = (
    "Stadsdelarnas värden 2012–2025 är mest **syntetiska**: modellerade och kalibrerade mot publicerad statistik. "
    "**Verkliga** är SCB:s statistik 2024/2025 och stadens folkmängd 2014–2016, markerade med källa och år. "
    "Urvalet av 22 stadsdelar är **preliminärt**."
)


@st.cache_resource(show_spinner=False)
def connection():
    """One DuckDB connection for the whole server; queries take their own cursor. `python -m ui.server` opens it
    before the server starts (so the server holds the write lock from the start); otherwise the first page does."""
    return db.open_app_connection(Paths())


@st.cache_data(show_spinner=False)
def areas() -> pd.DataFrame:
    return db.areas(connection())


@st.cache_data(show_spinner=False)
def districts() -> pd.DataFrame:
    return db.districts(connection())


@st.cache_data(show_spinner=False)
def domains() -> pd.DataFrame:
    return db.domains(connection())


@st.cache_data(show_spinner=False)
def indicators() -> pd.DataFrame:
    return db.indicators(connection())


CONTEXT = "kontext"  # the domain of context measures (population …), shown but never in the index


def index_domains() -> pd.DataFrame:
    """The four areas of the index, without the context domain."""
    doms = domains()
    return doms[doms["code"] != CONTEXT]


def index_indicators() -> pd.DataFrame:
    """The indicators of the index, without the context measures."""
    inds = indicators()
    return inds[inds["domain"] != CONTEXT]


@st.cache_data(show_spinner=False)
def data_years() -> list[int]:
    """The years that have values, oldest first."""
    return sorted(values_long()["year"].unique().tolist())


@st.cache_data(show_spinner=False)
def indicator_values(code: str, year: int) -> pd.DataFrame:
    return db.indicator_values(connection(), code, year)


@st.cache_data(show_spinner=False)
def indicator_years(code: str) -> list[int]:
    return db.indicator_years(connection(), code)


@st.cache_data(show_spinner=False)
def reference_figures() -> pd.DataFrame:
    return db.reference_figures(connection())


@st.cache_data(show_spinner=False)
def value_status_by_indicator() -> pd.DataFrame:
    return db.value_status_by_indicator(connection())


@st.cache_data(show_spinner=False)
def data_status() -> dict:
    return db.data_status(connection())


@st.cache_resource(show_spinner=False)
def boundaries() -> geo.Boundaries:
    """The city's official stadsdel map shipped in geo/, or newer boundaries imported into data/official/."""
    paths = Paths()
    return geo.load_boundaries(paths.stadsdel_geo, paths.official_geo)


@st.cache_resource(show_spinner=False)
def shapes() -> list[dict]:
    from lib import mapview

    return mapview.geometries(boundaries().frame)


@st.cache_resource(show_spinner=False)
def water_json() -> dict:
    """Lakes and the sea (geo/vatten.geojson), drawn under the areas on every map."""
    return geo.read_geojson(Paths().water_geo)


@st.cache_resource(show_spinner=False)
def deso_frame():
    """The 544 DeSO-2018 polygons (WGS 84) with `code`; their figures come from the database."""
    import geopandas as gpd

    return gpd.read_file(Paths().deso_geo)


@st.cache_resource(show_spinner=False)
def deso_shapes() -> list[dict]:
    """Each DeSO's GeoJSON geometry, in `deso_frame` order."""
    from lib import mapview

    return mapview.geometries(deso_frame())


@st.cache_resource(show_spinner=False)
def deso_map_frame():
    """`deso_frame` with what a map tooltip shows: the DeSO's name ("RegSO (code)") and, as `district`, its
    stadsdel and stadsdelsområde ("Rinkeby · Rinkeby-Kista"). Same order as `deso_shapes`."""
    frame = deso_frame()[["code", "geometry"]]
    named = units("deso").set_index("code")
    return frame.assign(
        name=frame["code"].map(named["name"]).fillna(frame["code"]),
        district=frame["code"].map(named["stadsdel"] + " · " + named["district"]).fillna(""),
    )


@st.cache_resource(show_spinner=False)
def district_outline_json() -> dict:
    """The map's stadsdelsområde context lines: where two districts meet on land (the water shows the coasts)."""
    return geo.district_borders(boundaries().frame).__geo_interface__


@st.cache_resource(show_spinner=False)
def district_outlines():
    """Whole stadsdelsområde polygons (label positions, printed maps)."""
    return geo.district_outlines(boundaries().frame)


@st.cache_data(show_spinner=False)
def programme_labels() -> pd.DataFrame:
    """Label positions of the programme stadsdelar; where two would overlap the larger area keeps its label."""
    frame = boundaries().frame
    pts = geo.label_points(frame).assign(priority=_label_priority(frame))
    pts = pts.merge(areas()[["code", "name", "in_programme"]], on="code")
    return pts[pts["in_programme"]][["lon", "lat", "name", "priority"]].reset_index(drop=True)


@st.cache_data(show_spinner=False)
def district_labels() -> pd.DataFrame:
    """Label positions of the 14 stadsdelsområden (larger first where they would overlap)."""
    outlines = district_outlines().rename(columns={"district": "code"})
    pts = geo.label_points(outlines).assign(priority=_label_priority(outlines))
    return pts.rename(columns={"code": "name"})[["lon", "lat", "name", "priority"]]


def _label_priority(frame) -> list[int]:
    """Label collision priority (1…1000): area rank, the largest highest."""
    ranks = geo.geodesic_area_km2(frame).rank(method="first").astype(int)
    return ranks.clip(upper=1000).tolist()


def composite_deck(
    values: pd.Series,
    labels: pd.DataFrame,
    size: tuple[int, int],
    rank_text: dict[str, str] | None = None,
    decimals: int = 1,
    tooltip: str = "<b>{name}</b><br/>{district}<br/>{value_text}<br/>{rank_text}<br/><i>{note}</i>",
    *,
    level: str = "stadsdel",
    notes: dict[str, str] | None = None,
):
    """The composite index of the units in `values` (code → index) on the map, in quantile classes,
    darker = more risk; the rest are grey context. Returns the deck and its legend table.

    `level`: "stadsdel" (the official stadsdel map) or "deso" (the 544 DeSO polygons, named by RegSO and code,
    with their stadsdel and stadsdelsområde in the tooltip). `notes`: the tooltip's last line per code; by
    default "syntetiskt värde" for stadsdelar and "verkligt värde (SCB)" for DeSO, whose values are all real."""
    from lib import classify, mapview
    from lib.fmt import number

    cls = classify.classify(values.to_numpy(), "quantiles", 5)
    default_note = "verkligt värde (SCB)" if level == "deso" else "syntetiskt värde"
    data = mapview.MapData(
        dict(zip(values.index, cls.bins.tolist(), strict=True)),
        cls.k,
        {c: f"index {number(v, decimals)}" for c, v in values.items() if pd.notna(v)},
        set(values.index),
        notes if notes is not None else dict.fromkeys(values.index, default_note),
        rank_text or {},
    )
    if level == "deso":  # the compact DeSO layer: a GeoJSON of 544 areas would send twice the 150 KB per rerun
        status = {str(n) for n in data.note.values()}
        # One status line for all (every DeSO value is real), not 544 copies; no rank per DeSO either (the table
        # has it): 544 rank texts would take a weight change past 150 KB.
        data = replace(data, note={}, rank_text={})
        deck = deso_deck(data, labels, size, "index {v}", status.pop() if len(status) == 1 else default_note)
        return deck, classify.legend_table(cls, decimals, True)
    frame, geometries = boundaries().frame, shapes()
    height, width = size
    deck = mapview.build_deck(
        mapview.feature_collection(frame, data, shapes=geometries),
        district_outline_json(),
        labels,
        mapview.view_state(frame, height_px=height, width_px=width),
        tooltip,
        water=water_json(),
    )
    return deck, classify.legend_table(cls, decimals, True)


def legend_chart(legend: pd.DataFrame) -> None:
    """The map legend: swatches and ranges, the riskiest class on top."""
    from lib import charts

    if not legend.empty:
        st.vega_lite_chart(legend, charts.map_legend(len(legend)), width="content")


def run_clock() -> tuple[float, float]:
    """Wall and this thread's CPU time, to pass to `log_run` when the run ends."""
    return time.perf_counter(), time.thread_time()


PAGE_ERROR = (
    "Något gick fel när sidan skulle visas. Felet är loggat på servern; ladda om sidan eller välj en annan vy. "
    "Inget du sparat har påverkats."
)


DATABASE_BUSY = (
    "Databasen används just nu av ett annat program (till exempel en inläsning från kommandoraden). Ladda om sidan "
    "om en stund. Inget du sparat har påverkats."
)


def run_page(page) -> None:
    """Run a page; an unexpected error is logged with its traceback on the server and the visitor gets a Swedish
    message instead of a stack trace. SAMMANHALLEN_RAISE_ERRORS=1 (the tests) lets the error through, so a test
    sees it. Streamlit's own reruns and stops are BaseExceptions and pass untouched."""
    import logging

    try:
        connection()  # first, so a database that cannot be opened is the page's one message, at the top
        page.run()
    except db.DatabaseUnreadable as exc:  # not a bug: the operator's message (the file is left untouched)
        logging.getLogger("sammanhallen").error("%s", exc)
        st.title("Databasen kan inte läsas")
        st.error(str(exc), icon=":material/error:")
    except db.DatabaseLocked:
        logging.getLogger("sammanhallen").warning("Databasen hålls av en annan process")
        st.title("Databasen är upptagen")
        st.error(DATABASE_BUSY, icon=":material/error:")
    except Exception:
        logging.getLogger("sammanhallen").exception("Sidan %s kunde inte visas", getattr(page, "url_path", page))
        if os.environ.get("SAMMANHALLEN_RAISE_ERRORS") == "1":
            raise
        st.error(PAGE_ERROR, icon=":material/error:")


def log_run(name: str, started: tuple[float, float]) -> None:
    """Append one line per finished run — epoch time, page, server wall ms, CPU ms of the script thread — to the
    file named by SAMMANHALLEN_TIMING_LOG, if set: for load tests, and for operations watching a busy server.
    CPU time is the run's own cost; wall time also counts waiting for the processor under load."""
    path = os.environ.get("SAMMANHALLEN_TIMING_LOG")
    if path:
        wall = (time.perf_counter() - started[0]) * 1000
        cpu = (time.thread_time() - started[1]) * 1000
        with open(path, "a", encoding="utf-8") as log:
            log.write(f"{time.time():.3f}\t{name}\t{wall:.1f}\t{cpu:.1f}\n")


def timed(fn):
    """Keep how long the last runs of a page section took on the server (session key `_sektion_ms`), so the
    benchmarks can report a fragment's own rerun time."""

    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        start = run_clock()
        try:
            return fn(*args, **kwargs)
        finally:
            runs = st.session_state.setdefault(SECTION_TIMES, {}).setdefault(fn.__name__, [])
            runs.append((time.perf_counter() - start[0]) * 1000)
            del runs[:-200]
            log_run(f"{fn.__name__} (fragment)", start)

    return wrapper


def geometry_caption() -> str:
    """The map's attribution line; it also says when installed boundaries were set aside for failing the checks."""
    caption = geo.ATTRIBUTION + " (stadsdelsgränser och vatten, förenklade för webben)."
    if refused := boundaries().refused:
        caption += " De installerade gränserna i data/official/ används inte: " + " ".join(refused)
    return caption


@st.cache_data(show_spinner=False)
def values_long() -> pd.DataFrame:
    return db.values_long(connection())


@st.cache_resource(show_spinner=False)
def framework() -> ix.Framework:
    return ix.Framework.from_meta(indicators(), list(domains()["code"]), domains())


@st.cache_data(show_spinner=False)
def units(level: str) -> pd.DataFrame:
    """The units of a level (stadsdel, deso, regso) with their stadsdel, district and RegSO."""
    return levels.units(connection(), level)


@st.cache_data(show_spinner=False)
def level_values(level: str, real_only: bool = False) -> pd.DataFrame:
    """Long values of a level; `real_only` keeps only values with synthetic = false."""
    return levels.values(connection(), level, real_only)


@st.cache_data(show_spinner=False)
def index_years(level: str, real_only: bool = False) -> list[int]:
    """Years an index can be computed for at this level (some index indicator has a value)."""
    return levels.index_years(level_values(level, real_only), framework().indicators)


@st.cache_resource(show_spinner=False)
def index_inputs(level: str, year: int, real_only: bool) -> tuple[ix.IndexData, ix.Framework]:
    """Inputs of the index and the framework of the indicators that exist; shared by every session (read-only)."""
    return ix.build_index_data(level_values(level, real_only), units(level), framework(), year)


@st.cache_data(show_spinner=False, max_entries=128)
def index_result(params: ix.IndexParams) -> ix.IndexResult:
    data, fw = index_inputs(params.level, params.year, params.real_only)
    return ix.compute_index(data, fw, params)


@st.cache_data(show_spinner=False, max_entries=64)
def robustness(params: ix.IndexParams) -> pd.DataFrame:
    """Monte Carlo (1 000 draws, ±25 %) and the best/worst rank with each area weight in 10–40 %."""
    data, fw = index_inputs(params.level, params.year, params.real_only)
    mc = ix.monte_carlo(data, fw, params, draws=1000, noise=0.25)
    return mc.merge(ix.rank_range(data, fw, params, band=(0.10, 0.40)), on="area_code")


@st.cache_data(show_spinner=False, max_entries=32)
def leave_one_out(params: ix.IndexParams) -> pd.DataFrame:
    data, fw = index_inputs(params.level, params.year, params.real_only)
    return ix.leave_one_out(data, fw, params)


#: "på stadsdelsnivå", "på DeSO-nivå": a level in running text.
LEVEL_PHRASES = {"stadsdel": "stadsdelsnivå", "deso": "DeSO-nivå", "regso": "RegSO-nivå"}


def level_year(level: str, real_only: bool, year: int) -> int:
    """`year` if an index can be computed for it at this level, else the latest such year before it, else the
    latest of all (a 2016 link opened at DeSO level, where only 2024/2025 exist)."""
    years = index_years(level, real_only)
    if year in years:
        return int(year)
    earlier = [y for y in years if y <= year]
    return int(earlier[-1] if earlier else years[-1])


@st.cache_data(show_spinner=False)
def unit_labels(level: str) -> dict[str, str]:
    """Code → name of each unit of a level ("Rinkeby", or "Rinkeby (0180C6070)" for a DeSO)."""
    u = units(level)
    return dict(zip(u["code"], u["name"], strict=True))


@st.cache_data(show_spinner=False, max_entries=32)
def value_origin(level: str, year: int, real_only: bool) -> pd.DataFrame:
    """Per unit, how many of the index values behind `year` are synthetic: area_code, used, synthetic and a text
    for tables ("verkliga", "16 av 20 syntetiska", "syntetiska")."""
    _, fw = index_inputs(level, year, real_only)
    long = level_values(level, real_only)
    sub = long[(long["year"] <= year) & long["indicator_code"].isin(fw.indicators) & long["value"].notna()]
    latest = sub.sort_values("year").drop_duplicates(["area_code", "indicator_code"], keep="last")
    counts = latest.assign(synthetic=latest["synthetic"].astype(bool)).groupby("area_code")["synthetic"]
    out = counts.agg(used="size", synthetic="sum").reset_index()
    out["synthetic"] = out["synthetic"].astype(int)
    out["text"] = [
        "verkliga" if s == 0 else "syntetiska" if s == n else f"{s} av {n} syntetiska"
        for s, n in zip(out["synthetic"], out["used"], strict=True)
    ]
    return out


def _join_names(names: list[str]) -> str:
    """["Hälsa", "Säkerhet och trygghet"] → "Hälsa och säkerhet och trygghet" (the first keeps its capital)."""
    parts = [names[0], *(n[:1].lower() + n[1:] for n in names[1:])]
    return parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " och " + parts[-1]


def missing_areas_text(level: str, real_only: bool, year: int) -> str | None:
    """The plain sentence naming the index areas with no value at this level (None when all four have data):
    "Hälsa och säkerhet och trygghet saknar verkliga data på stadsdelsnivå – indexet bygger här på försörjning
    och sociala risker." The areas it rests on come in order of how many indicators they have here."""
    missing = levels.missing_domains(level_values(level, real_only), indicators(), year)
    if not missing:
        return None
    names = dict(zip(domains()["code"], domains()["name"], strict=True))
    _, fw = index_inputs(level, year, real_only)
    present = pd.Series(fw.domains).value_counts(sort=False).sort_values(ascending=False, kind="stable")
    rest = _join_names([names[d] for d in present.index]).lower() if len(present) else "inga områden alls"
    lacking = _join_names([names[d] for d in missing])
    return f"{lacking} saknar verkliga data på {LEVEL_PHRASES[level]} – indexet bygger här på {rest}."


@st.cache_data(show_spinner=False)
def regso_types() -> pd.DataFrame:
    """SCB's socioekonomisk områdestyp per RegSO and year."""
    return levels.regso_types(connection())


def validation_params(params: ix.IndexParams) -> ix.IndexParams:
    """The index of `params` (weights, method, aggregation, capping) at RegSO level, for the latest year with
    real values, over all RegSO: what is set against SCB's områdestyp."""
    year = index_years("regso")[-1]
    return ix.IndexParams(**{**params.__dict__, "level": "regso", "real_only": False, "year": year, "universe": "all"})


@st.cache_data(show_spinner=False, max_entries=32)
def regso_validation(params: ix.IndexParams, types_year: int, worst: int = 10):
    """The RegSO index of `params` (see `validation_params`) against SCB's områdestyp of `types_year`.

    Raises ValueError when the weights leave nothing to compute at RegSO level."""
    from lib import validation

    p = validation_params(params)
    scores = index_result(p).scores.merge(units("regso")[["code", "name"]], left_on="area_code", right_on="code")
    return validation.compare(scores, regso_types(), types_year, worst=worst)


def validation_tables(val) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The cross table (rows: index class with SCB's class sizes; columns: SCB's type, "Typ 1" … – name them with
    `type_legend`) and the named disagreements (RegSO, stadsdel, index rank, index class, SCB's type, which way the
    index differs), ready to show or print."""
    sizes = val.crosstab.sum(axis=1)
    cross = val.crosstab.copy()
    cross.index = [f"{k} ({n} RegSO)" for k, n in sizes.items()]
    cross.columns = [f"Typ {int(t)}" for t in cross.columns]
    cross = cross.rename_axis("Indexklass").reset_index()
    stadsdel = units("regso").set_index("code")["stadsdel"]
    d = val.disagreements
    n = len(val.table)
    gaps = pd.DataFrame(
        {
            "RegSO": d["regso"],
            "Stadsdel": d["regso_code"].map(stadsdel).fillna("–"),
            "Plats i indexet": [f"{int(r)} av {n}" for r in d["rank"]],
            "Indexklass": d["index_class"].astype(int),
            "SCB:s typ": [f"Typ {int(t)}" for t in d["omradestyp"]],
            "Indexet visar": ["högre risk" if x < 0 else "lägre risk" for x in d["difference"]],
        }
    )
    return cross, gaps


def type_legend() -> str:
    """SCB's five types by name: "Typ 1 = stora socioekonomiska utmaningar; …"."""
    from lib import validation

    return "; ".join(f"Typ {t} = {label[0].lower()}{label[1:]}" for t, label in validation.TYPE_LABELS.items())


def validation_summary(val, index_year: int) -> list[str]:
    """The validation's figures as sentences, numbers in Swedish form."""
    from lib.fmt import number

    n = len(val.table)
    return [
        f"Indexet {index_year} för Stockholms {n} RegSO (verkliga värden, samma vikter och metod) mot SCB:s "
        f"socioekonomiska områdestyp {val.year}: rangkorrelation (Spearman) {number(val.spearman, 2)}; "
        f"{number(100 * val.agree, 0)} % hamnar i samma klass och {number(100 * val.within_one, 0)} % högst en "
        "klass isär.",
        "Indexets klasser har SCB:s klasstorlekar: lika många RegSO i indexklass 1 som SCB har av typ 1, och så "
        "vidare – diagonalen betyder samma plats i ordningen, inte samma gränsvärden.",
        "På RegSO-nivå finns verkliga data bara för försörjning och sociala risker. SCB:s typ bygger själv på "
        "inkomst, utbildning och sysselsättning, så hög överensstämmelse är väntad; det intressanta är där de "
        "skiljer sig.",
        "Källa: SCB, socioekonomisk områdestyp per RegSO (CC0).",
    ]


def scenarios() -> pd.DataFrame:
    return db.scenarios(connection())


def save_scenario(name: str, params: ix.IndexParams) -> None:
    db.save_scenario(connection(), name, ix.params_to_json(params), current_editor())


def default_ratings() -> tuple[dict[str, int], dict[str, int]]:
    """Slider positions (0–10) of the standard weights (standardvikter): 5 × each default weight. They are the
    tool's starting point, equal for every area – not weights anyone has decided on. Read from the framework, the
    same weights `IndexParams` without explicit weights means, so the CLI and the app agree by construction."""
    fw = framework()
    area = {c: min(10, int(round(5 * w))) for c, w in zip(fw.areas, fw.domain_weights, strict=True)}
    ind = {c: min(10, int(round(5 * w))) for c, w in zip(fw.indicators, fw.indicator_weights, strict=True)}
    return area, ind



def index_query(params: ix.IndexParams) -> dict[str, str]:
    """The URL parameters (as the Index page names them) that differ from the standard index."""
    area, ind = default_ratings()
    out = {f"vikt_{c}": str(int(r)) for c, r in params.area_weights if int(r) != area.get(c)}
    out |= {f"ind_{c}": str(int(r)) for c, r in params.indicator_weights if int(r) != ind.get(c)}
    if params.method != "ref100":
        out["metod"] = METHODS[params.method]
    if params.aggregation != "arithmetic":
        out["aggregering"] = AGGREGATIONS[params.aggregation]
    if params.universe != "all":
        out["jamforelse"] = UNIVERSES[params.universe]
    if params.winsor > 0:
        out["kapa"] = "true"
    if params.level != "stadsdel":
        out["niva"] = LEVEL_LABELS.get(params.level, params.level)
    if params.real_only:
        out["verkliga"] = REAL_ONLY
    return out


def index_params_from(query: dict[str, str], year: int) -> ix.IndexParams:
    """The index a link describes; anything missing or invalid falls back to the standard choice."""
    area, ind = default_ratings()

    def rating(key: str, default: int) -> float:
        try:
            return float(min(10, max(0, int(query.get(key, default)))))
        except (TypeError, ValueError):
            return float(default)

    inverse = {label: code for table in (METHODS, AGGREGATIONS, UNIVERSES) for code, label in table.items()}
    method = inverse.get(query.get("metod", ""), "ref100")
    aggregation = inverse.get(query.get("aggregering", ""), "arithmetic")
    universe = inverse.get(query.get("jamforelse", ""), "all")
    level = {label: code for code, label in LEVEL_LABELS.items()}.get(query.get("niva", ""), "stadsdel")
    params = ix.IndexParams(
        level=level,
        real_only=query.get("verkliga") == REAL_ONLY,
        year=year,
        method=method if method in METHODS else "ref100",
        aggregation=aggregation if aggregation in AGGREGATIONS else "arithmetic",
        universe=universe if universe in UNIVERSES else "all",
        winsor=0.05 if str(query.get("kapa", "")).lower() == "true" else 0.0,
        area_weights=tuple(sorted((c, rating(f"vikt_{c}", r)) for c, r in area.items())),
        indicator_weights=tuple(sorted((c, rating(f"ind_{c}", r)) for c, r in ind.items())),
    )
    if sum(w for _, w in params.area_weights) == 0:
        params = params.with_weights({c: float(r) for c, r in area.items()})
    return params


def current_index_params(year: int, level: str | None = "stadsdel") -> ix.IndexParams:
    """The index the user is looking at: a link's weights if it has any, else the ones last set on the Index
    page in this session, else the standard ones – always for `year`.

    `level`: the level the calling page shows. A stadsdel page ranks stadsdelar whatever level the Index page was
    last set to (the weights and the method carry over, the units cannot); None keeps the user's level. "Endast
    verkliga värden" carries over only to a year that has real index values at that level."""
    query = st.query_params.to_dict()
    linked = index_params_from(query, year)  # the level and value switch are always the URL's
    if not any(k.startswith(("vikt_", "ind_")) or k in WEIGHT_KEYS for k in query):
        last = st.session_state.get(LAST_INDEX_PARAMS)
        if isinstance(last, ix.IndexParams):
            linked = replace(last, year=year, level=linked.level, real_only=linked.real_only)
    params = linked
    if level is not None and params.level != level:
        params = replace(params, level=level)
    if params.real_only and year not in index_years(params.level, True):
        params = replace(params, real_only=False)
    return params


@st.cache_data(show_spinner=False)
def group_values() -> pd.DataFrame:
    """Population-weighted city, outer-city and programme-area values per indicator and year."""
    from lib import aggregate

    return aggregate.group_values(values_long(), aggregate.standard_groups(areas()))


@st.cache_data(show_spinner=False)
def district_values() -> pd.DataFrame:
    from lib import aggregate

    a = areas()
    groups = {d: set(a.loc[a["district"] == d, "code"]) for d in a["district"].unique()}
    return aggregate.group_values(values_long(), groups)


def area_names() -> dict[str, str]:
    a = areas()
    return dict(zip(a["code"], a["name"], strict=True))


def number_columns(frame: pd.DataFrame, skip: tuple[str, ...] = ()) -> dict:
    """Column config showing every numeric column in the reader's locale (decimal comma in Swedish browsers)."""
    return {
        col: st.column_config.NumberColumn(format="localized")
        for col in frame.columns
        if col not in skip and pd.api.types.is_float_dtype(frame[col])
    }


@st.cache_resource(show_spinner=False)
def goal_tree():
    return db.goal_tree(connection())


@st.cache_data(show_spinner=False)
def goal_outcomes(place: str) -> pd.DataFrame:
    """Outcomes (indicator_code, year, value) for the programme area, the city, a stadsdelsområde or a stadsdel."""
    if place in ("Programområdet", "Staden"):
        g = group_values()
        return g[g["group"] == place][["indicator_code", "year", "value"]]
    a = areas()
    if place in set(a["district"]):
        d = district_values()
        return d[d["group"] == place][["indicator_code", "year", "value"]]
    code = dict(zip(a["name"], a["code"], strict=True)).get(place)
    v = values_long()
    return v[v["area_code"] == code][["indicator_code", "year", "value"]]


EDITOR_KEY = "_redigerare"


def _secrets() -> dict:
    """The secrets as a plain dict; an app without a secrets file simply has no editors.

    Streamlit reads `.streamlit/secrets.toml`, or the files given with `--secrets.files`; the CLI reads
    `Paths().secrets_file` (`SAMMANHALLEN_SECRETS`). Point both at the same file when moving it."""
    try:
        return st.secrets.to_dict()
    except Exception:  # noqa: BLE001 - no secrets file is a normal, read-only installation
        return {}


def oidc_configured() -> bool:
    return "auth" in _secrets()


def _oidc_user() -> dict | None:
    """The ID-token claims of a user signed in with the city's account, or None."""
    if not oidc_configured() or not getattr(st.user, "is_logged_in", False):
        return None
    return st.user.to_dict()


def current_editor() -> str | None:
    """The signed-in editor: an allow-listed OIDC user whose provider verified the address, or a local editor
    who signed in with a password."""
    from lib import auth

    claims = _oidc_user()
    if claims is not None:
        allowed = _secrets().get("editors_oidc", {}).get("allowed", [])
        return auth.oidc_editor(claims.get("email"), allowed, st.user.get("email_verified"))
    return st.session_state.get(EDITOR_KEY)


def _client_key() -> str:
    """The client failed sign-ins count against: a hash of the connection's IP address (no proxy header is
    trusted, they are set by the client). Streamlit shows no address for localhost: then 'okänd'."""
    from lib import signin

    try:
        ip = st.context.ip_address
    except Exception:  # noqa: BLE001 - no client context (a test harness): counted as unknown
        ip = None
    return signin.client_key(ip)


def sign_in_panel() -> None:
    """Sidebar: who is signed in, or a sign-in form. Viewing never needs it.

    Failed password attempts are counted in the database per account and per client (lib/signin.py), so a
    reload or a new browser does not reset them, and each one is in the audit."""
    from lib import auth, signin

    def plain(text: str) -> str:
        """A name or address as inline code: shown as typed, never read as Markdown, maths or a mail link."""
        return "`" + " ".join(str(text).replace("`", "'").split()) + "`"

    editor = current_editor()
    claims = _oidc_user()
    if editor or claims is not None:
        if editor:
            st.caption(f"Inloggad som {plain(editor)} (redigerare).")
        else:
            shown = str(claims.get("email") or claims.get("name") or claims.get("sub") or "okänd användare")
            st.caption(f"Inloggad som {plain(shown)} – inte redigerare.")
            email = claims.get("email")
            if not isinstance(email, str) or not email.strip():
                st.caption("Stadens konto gav ingen e-postadress, så det ger inte rätt att redigera.")
            elif auth.oidc_editor(email, [email], claims.get("email_verified")) is None:
                st.caption("Stadens konto har inte bekräftat e-postadressen, så den ger inte rätt att redigera.")
            else:
                st.caption("Adressen finns inte bland redigerarna. Att titta går bra.")
        if st.button("Logga ut", key="logga_ut"):
            st.session_state.pop(EDITOR_KEY, None)
            if claims is not None:
                st.logout()
            st.rerun()
        return
    with st.expander("Logga in för att redigera"):
        if oidc_configured():
            if st.button("Logga in med stadens konto", key="oidc_login"):
                st.login()
            return
        editors = _secrets().get("editors", {})
        if not editors:
            st.caption(
                "Inga redigerare är upplagda. En administratör lägger till med `python -m lib.cli add-editor NAMN`."
            )
            return
        with st.form("inloggning", clear_on_submit=True, border=False):
            name = st.text_input("Användarnamn", max_chars=signin.KEY_MAX)
            password = st.text_input("Lösenord", type="password", max_chars=1000)
            if st.form_submit_button("Logga in"):
                try:
                    _password_sign_in(editors, name, password)
                except db.DataError as exc:  # the database is unreadable or busy: say so, sign no one in
                    st.error(f"Inloggningen kunde inte prövas. {exc}")


def _password_sign_in(editors: dict, name: str, password: str) -> None:
    """Check a submitted name and password against the persisted throttle, then the hash; counts the outcome."""
    from lib import auth, signin

    con, client = connection(), _client_key()
    wait = signin.check_allowed(con, name, client)
    if wait is not None:
        st.error(signin.wait_message(wait))
    elif auth.verify(editors, name, password):
        signin.record_success(con, name, client, name.strip())
        st.session_state[EDITOR_KEY] = name.strip()
        st.rerun()
    else:
        wait = signin.record_failure(con, name, client)
        st.error("Fel användarnamn eller lösenord." + (f" {signin.wait_message(wait)}" if wait else ""))


def plan(committee: str) -> dict[str, pd.DataFrame]:
    """A nämnd's plan, read fresh (plans change while the app runs)."""
    return db.plan(connection(), committee)


@st.cache_data(show_spinner=False)
def committee_outcomes(district: str) -> pd.DataFrame:
    """Outcomes of a stadsdelsnämnd's programme stadsdelar taken together (population-weighted)."""
    from lib import aggregate

    a = areas()
    members = set(a.loc[(a["district"] == district) & a["in_programme"], "code"])
    out = aggregate.group_values(values_long(), {district: members})
    return out[["indicator_code", "year", "value"]]


def data_changed() -> None:
    """After an import: drop every cached copy of the data so all pages show the new values."""
    st.cache_data.clear()
    index_inputs.clear()
    framework.clear()
    goal_tree.clear()


def excel_bytes(frame: pd.DataFrame, sheet: str = "Data") -> bytes:
    """XLSX of a table in which no text is a live formula (see lib.export)."""
    from lib import export

    return export.xlsx_bytes(frame, sheet)


def download_buttons(frame: pd.DataFrame, name: str, key: str) -> None:
    """CSV (semicolon, decimal comma, UTF-8 with BOM: opens in Swedish Excel) and XLSX of a table, made on click;
    both inert, so a goal or plan text can never run as a formula in the reader's spreadsheet (lib.export)."""
    from lib import export

    row = st.container(horizontal=True, gap="small")
    row.download_button(
        "CSV",
        lambda: export.csv_bytes(frame),
        file_name=f"{name}.csv",
        mime="text/csv",
        key=f"{key}_csv",
        icon=":material/download:",
        on_click="ignore",
    )
    row.download_button(
        "Excel",
        lambda: excel_bytes(frame),
        file_name=f"{name}.xlsx",
        mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        key=f"{key}_xlsx",
        icon=":material/download:",
        on_click="ignore",
    )


def _composite_map_figure(params: ix.IndexParams, title: str):
    """Colours of the composite index over the programme stadsdelar – or, at DeSO level, the DeSO in them
    (quantiles), for print. The caption says whether the values are synthetic or real."""
    from lib import classify, render

    scores = index_result(params).scores.set_index("area_code")
    u = units(params.level)
    prog = u.loc[u["in_programme"].astype(bool), "code"]
    shown = scores.loc[scores.index.intersection(prog), "composite"]
    cls = classify.classify(shown.to_numpy(), "quantiles", 5)
    colours = classify.palette(cls.k)
    table = classify.legend_table(cls, 0, True)
    if params.level == "deso":
        caption = (
            "Kartdata: SCB (DeSO 2018), CC0; stadsdelsområden: Stockholms stad, CC0. Statistik: SCB (CC0) – alla "
            "värden verkliga. Färgade: DeSO i det preliminära urvalets 22 stadsdelar."
        )
    elif params.real_only:
        caption = (
            f"{geo.ATTRIBUTION}. Endast verkliga värden (Statistik: SCB, CC0); preliminärt urval av 22 stadsdelar."
        )
    else:
        caption = f"{geo.ATTRIBUTION}. Till största delen syntetiska värden; preliminärt urval av 22 stadsdelar."
    fig = render.MapFigure(
        {code: colours[step] for code, step in zip(shown.index, cls.bins, strict=True) if step >= 0},
        list(zip(table["label"][::-1], table["colour"][::-1], strict=True)),
        title,
        caption,
    )
    return fig


def usable_weights(params: ix.IndexParams) -> ix.IndexParams:
    """`params`, or – when no area with values at its level and year weighs anything (say only hälsa at DeSO
    level) – the same choices with the standard weights, as the Index page falls back to them."""
    _, fw = index_inputs(params.level, params.year, params.real_only)
    area, ind = default_ratings()
    for candidate in (
        params,
        params.with_weights(area={c: float(r) for c, r in area.items()}),
        params.with_weights({c: float(r) for c, r in area.items()}, {c: float(r) for c, r in ind.items()}),
    ):
        try:
            ix.weight_vectors(fw, candidate)
            return candidate
        except ValueError:
            continue
    return params


def brief_values_line(params: ix.IndexParams) -> str:
    """Whether the brief's figures are real or synthetic, in one sentence."""
    if params.level == "deso":
        return (
            "Värden: alla verkliga – SCB:s statistik per DeSO 2024/2025 (Statistik: SCB, CC0). Varje DeSO räknas "
            "till den stadsdel den överlappar mest."
        )
    if params.real_only:
        return "Värden: endast verkliga – SCB:s statistik 2024/2025 (Statistik: SCB, CC0); inga syntetiska värden."
    origin = value_origin(params.level, params.year, params.real_only)
    mixed = int((origin["synthetic"] > 0).sum())
    return (
        "Värden: verkliga där de finns (SCB 2024/2025, CC0), annars syntetiska – modellerade och kalibrerade mot "
        f"publicerade siffror tills staden läser in sina egna. {mixed} av {len(origin)} stadsdelars index "
        f"{params.year} bygger helt eller delvis på syntetiska värden; kolumnen Värden visar hur många per stadsdel."
    )


def programme_brief_pdf(year: int, params: ix.IndexParams | None = None) -> bytes:
    """The printable programme brief for `year` under the current index choices – at stadsdel or DeSO level, with
    all values or only real ones – and the index validated against SCB's socioekonomisk områdestyp. A year the
    level has no values for gives way to the latest one before it (DeSO: 2024/2025 only).

    `params`: the index to show, read with `current_index_params(year)` during the script run. A download
    button's callable runs later in a thread of its own, where neither the session nor the URL can be read, so
    without it the brief would always show the standard index."""
    from lib import allocation, goals, render
    from lib.config import YEARS
    from lib.fmt import number

    params = params if params is not None else current_index_params(year, level=None)
    params = usable_weights(
        ix.IndexParams(**{**params.__dict__, "year": level_year(params.level, params.real_only, year)})
    )
    level = levels.get(params.level)
    result = index_result(params)
    robust = robustness(params)
    table = result.scores.merge(robust, on="area_code").dropna(subset=["rank"]).sort_values("rank").head(22)
    u = units(params.level).set_index("code")
    names = u["name"]
    origin = value_origin(params.level, params.year, params.real_only).set_index("area_code")["text"]
    columns = {"Plats": table["rank"].astype(int), level.label: table["area_code"].map(names)}
    if params.level == "deso":
        columns["Stadsdel"] = table["area_code"].map(u["stadsdel"])
    else:
        columns["Stadsdelsområde"] = table["area_code"].map(u["district"])
    columns |= {
        "Index": [number(v, 1) for v in table["composite"]],
        "Plats i 90 %": [f"{int(a)}–{int(b)}" for a, b in zip(table["rank_p05"], table["rank_p95"], strict=True)],
    }
    if params.level != "deso":
        columns["Bland 22 högsta"] = [f"{number(100 * s, 0)} %" for s in table["share_top_22"]]
    columns["Täckning"] = [f"{number(100 * c, 1)} %" for c in table["coverage"]]
    columns["Värden"] = table["area_code"].map(origin).fillna("–")
    ranking = pd.DataFrame(columns)
    widths = (
        [0.06, 0.33, 0.16, 0.08, 0.1, 0.11, 0.16]
        if params.level == "deso"
        else [0.05, 0.16, 0.2, 0.07, 0.09, 0.13, 0.09, 0.18]
    )
    top5 = table.head(5)
    stability = (
        f"De fem med högst risk ({', '.join(top5['area_code'].map(names))}) ligger kvar bland de fem högsta i minst "
        f"{number(100 * top5['share_top_5'].min(), 0)} % av 1 000 slumpade viktningar (varje vikt ±25 %). Täckning: "
        "andel av indexets 20 indikatorer som har ett värde."
    )
    tree = goal_tree()
    outcomes = goal_outcomes("Programområdet")
    rows = goals.indicator_assessment(tree, outcomes, year, YEARS)
    evaluation = goals.evaluate(tree, rows).set_index("id")
    nodes = tree.nodes[tree.nodes["level"] != "program"]
    goals_table = pd.DataFrame(
        {
            "Nivå": nodes["level"],
            "Mål": [_print_goal(n, 70) for _, n in nodes.iterrows()],
            "Bedömning": [f"{evaluation.loc[i, 'status']}" for i in nodes["id"]],
        }
    )
    # The 150 mnkr go to stadsdelsnämnder: their stadsdelar's index, whatever level the ranking is shown at.
    alloc_year = level_year("stadsdel", params.real_only, year)
    alloc_params = ix.IndexParams(**{**params.__dict__, "level": "stadsdel", "year": alloc_year})
    alloc = allocation.allocate(allocation_units(alloc_params, alloc_year, "committee"), allocation.AllocationParams())
    alloc_table = pd.DataFrame(
        {
            "Stadsdelsnämnd": alloc["unit"],
            "Efter behov (mnkr)": [number(v, 1) for v in alloc["amount"]],
            "Lika delar": [number(v, 1) for v in alloc["equal"]],
            "Efter folkmängd": [number(v, 1) for v in alloc["population_only"]],
        }
    )
    level_line = (
        f"Nivå: {level.label} – rangordningen visar de 22 {level.plural} med högst index {params.year}."
        if params.level == "deso"
        else f"Nivå: stadsdel – rangordningen visar de 22 stadsdelar med högst index {params.year}."
    )
    intro = [
        "Stockholms stads program för ytterstaden: ett socialt riskindex per stadsdel (sociala risker, hälsa, säkerhet "
        "och trygghet, försörjning) pekar ut 22 stadsdelar, och arbetets omfattning och intensitet bör stå i "
        "proportion till graden av social risk. Urvalet av 22 stadsdelar är preliminärt.",
        level_line,
        brief_values_line(params),
        *filter(None, [missing_areas_text(params.level, params.real_only, params.year)]),
        f"Index: {METHODS[params.method].lower()}, {AGGREGATIONS[params.aggregation].lower()}, vikter enligt "
        "verktygets vy när briefen skapades.",
    ]
    validation_page = None
    types_year = int(regso_types()["year"].max())
    try:
        val = regso_validation(params, types_year)
    except ValueError:
        val = None
    if val is not None:
        cross, gaps = validation_tables(val)
        validation_page = render.ValidationPage(
            [
                *validation_summary(val, validation_params(params).year),
                f"SCB:s typer: {type_legend()}. Indexet visar: högre eller lägre risk än SCB:s typ.",
            ],
            cross,
            gaps,
        )
    return render.programme_brief(
        params.year,
        intro,
        deso_frame() if params.level == "deso" else boundaries().frame,
        _composite_map_figure(params, f"Sammanvägt index {params.year} – {level.plural}"),
        ranking,
        stability,
        goals_table,
        alloc_table,
        district_outlines(),
        ranking_widths=widths,
        validation=validation_page,
    )


def _print_goal(node: pd.Series, width: int) -> str:
    """A goal for a printed table, at most `width` characters, marked "(illustrativt)" when invented or
    "(illustrativt: placering, …)" when known but with invented parts (then under its short name, to leave room)."""
    from lib import goals

    if node["illustrative"]:
        text, mark = node["text"], " (illustrativt)"
    else:
        parts = goals.illustrative_parts(node)
        mark = f" (illustrativt: {', '.join(goals.DOT_PARTS[p] for p in parts)})" if parts else ""
        text = node["short"] if parts and isinstance(node["short"], str) and node["short"] else node["text"]
    return textwrap_short(text, max(20, width - len(mark))) + mark


def textwrap_short(text: str, width: int) -> str:
    import textwrap

    return textwrap.shorten(str(text), width, placeholder=" …")


def area_brief_pdf(code: str, year: int) -> bytes:
    """The printable brief for one stadsdel: profile, every indicator, trends and its nämnd's plan."""
    from lib import provenance, render
    from lib.aggregate import relative_risk
    from lib.fmt import number

    a = areas().set_index("code").loc[code]
    name = a["name"]
    params = current_index_params(year)
    row = index_result(params).scores.set_index("area_code").loc[code]
    robust = robustness(params).set_index("area_code").loc[code]
    own = stadsdel_values()
    own = own[own["area_code"] == code]
    groups = group_values()
    inds = indicators()
    lines = [
        f"Stadsdelsområde: {a['district']} · {a['committee']}.",
        "Ingår i programmets preliminära urval." if a["in_programme"] else "Ingår inte i det preliminära urvalet.",
    ]
    if pd.notna(row["rank"]):
        lines.append(
            f"Index {number(row['composite'], 1)} – plats {int(row['rank'])}; i 90 % av 1 000 slumpade viktningar "
            f"plats {int(robust['rank_p05'])}–{int(robust['rank_p95'])}."
        )
    latest = own[own["year"] <= year].sort_values("year").drop_duplicates("indicator_code", keep="last")
    latest = latest.set_index("indicator_code")
    n_real = int((~latest["synthetic"].astype(bool)).sum())
    lines.append(
        f"{n_real} av {len(latest)} indikatorvärden i tabellen är verkliga (SCB 2024/2025, CC0; stadens folkmängd "
        "2014–2016, CC0); övriga är syntetiska (modellerade). Varje värde står med sitt eget år."
    )
    for pair in real_and_model(code).itertuples():
        meta = inds.set_index("code").loc[pair.indicator_code]
        decimals = int(meta["decimals"])
        lines.append(
            f"{meta['name']} {int(pair.year)}: verkligt ({provenance.publisher(pair.real_source)}) "
            f"{number(pair.real, decimals)}, modell (syntetisk) {number(pair.model, decimals)}; skillnad "
            f"{provenance.difference_text(pair.real, pair.model, meta['unit'], decimals)}."
        )
    police = police_shares()
    police = police[police["area_code"] == code]
    if not (units("deso")["area_code"] == code).any():
        lines.append("Stadsdelen innehåller inget eget DeSO; Polisens lista (per DeSO) säger inget om den.")
    elif police.empty:
        lines.append(provenance.NO_POLICE_AREA)
    else:
        lines.append(f"{provenance.police_summary(police)} Källa: {provenance.POLICE_ATTRIBUTION}.")
    city = groups[(groups["group"] == "Staden")]
    rows = []
    for ind in inds.itertuples():
        if ind.code not in latest.index:
            continue
        v = latest.loc[ind.code]
        c = city[(city["indicator_code"] == ind.code) & (city["year"] == v["year"])]["value"]
        cv = float(c.iloc[0]) if len(c) else float("nan")
        risk = relative_risk(v["value"], cv, ind.higher_is_worse)
        rows.append(
            {
                "Indikator": textwrap_short(ind.name, 34),
                "År": int(v["year"]),
                "Värde": number(float(v["value"]), int(ind.decimals)),
                "Staden": number(cv, int(ind.decimals)),
                "Risk (100 = staden)": "" if ind.domain == CONTEXT or not pd.notna(risk) else number(risk, 0),
                "Status": provenance.status(v["synthetic"]),
                "Källa": provenance.short_source(v["source"], v["licence"], v["synthetic"]),
            }
        )
    trend_groups = groups[groups["group"].isin(["Programområdet", "Staden"])].merge(
        group_status(), on=["group", "indicator_code", "year"], how="left"
    )
    trend = pd.concat(
        [own.assign(serie=name), trend_groups.rename(columns={"group": "serie"})],
        ignore_index=True,
    ).merge(inds[["code", "name", "domain"]], left_on="indicator_code", right_on="code")
    trend["status"] = trend["synthetic"].fillna(True).map(provenance.status)
    trend = trend[trend["domain"] != CONTEXT].sort_values(["name", "serie", "year"])
    plan = db.plan(connection(), a["committee"])
    plan_lines = [f"{a['committee']}."]
    texts = plan["text"].set_index("section")["text"] if not plan["text"].empty else pd.Series(dtype=str)
    plan_lines.append("Prioriteringar: " + (texts.get("prioriteringar") or "inga registrerade ännu."))
    for g in plan["goals"].itertuples():
        plan_lines.append(f"Lokalt mål: {g.text or g.indicator_code} – {g.target:g} år {g.target_year}.")
    for act in plan["activities"].itertuples():
        plan_lines.append(
            f"Aktivitet: {act.title} ({act.status}; {act.start}–{act.end}; {act.budget:g} mnkr; "
            f"{act.owner or '–'}; {act.partners or '–'})."
        )
    if plan["goals"].empty and plan["activities"].empty:
        plan_lines.append("Inga lokala mål eller aktiviteter registrerade ännu.")
    figures, figure_lines = published_figures_table(a["district"], name)
    return render.area_brief(
        name,
        lines,
        pd.DataFrame(rows),
        trend[["name", "serie", "year", "value", "status"]],
        plan_lines,
        figures,
        figure_lines,
        indicator_widths=[0.3, 0.06, 0.1, 0.11, 0.14, 0.12, 0.17],
    )


def published_figures_table(district: str, name: str) -> tuple[pd.DataFrame, list[str]]:
    """The published figures for a stadsdelsområde and one of its stadsdelar as a print table, each source marked
    first- or second-hand, with the lines that explain it."""
    from urllib.parse import urlsplit

    from lib import provenance, reference
    from lib.fmt import number

    refs = reference_figures()
    mine = refs[
        ((refs["area_level"] == "stadsdelsomrade") & (refs["area"] == district))
        | ((refs["area_level"] == "stadsdel") & (refs["area"] == name))
    ]
    ind_names = dict(zip(indicators()["code"], indicators()["name"], strict=True))
    table = pd.DataFrame(
        {
            "Mått": [
                textwrap_short(
                    ind_names.get(c) if isinstance(c, str) and c in ind_names else provenance.reference_measure(f), 44
                )
                for c, f in zip(mine["indicator_code"], mine["figure_indicator"], strict=True)
            ],
            "Område": mine["area"],
            "År": mine["year"].astype(int),
            "Värde": [number(v, 0 if float(v).is_integer() else 1 if round(v, 1) == v else 2) for v in mine["value"]],
            "Källa": [
                f"{(urlsplit(str(u)).hostname or '–').removeprefix('www.')}"
                + (f" ({reference.SECOND_HAND})" if reference.is_second_hand(u) else "")
                for u in mine["source_url"]
            ],
        }
    )
    lines = [
        f"Verkliga siffror för {district} och {name} (fullständiga länkar under Data och källor i verktyget).",
        f"{reference.SECOND_HAND.capitalize()}: siffran kommer inte direkt från utgivaren utan från t.ex. ett "
        "uppslagsverk, en nyhetsartikel eller en kopia på en dokumentsajt.",
    ]
    return table.reset_index(drop=True), lines


def replace_goal_tree(text: str, editor: str | None, filename: str | None = None):
    """Install a goal tree in the database (checked, one transaction with its audit row; nothing written if it
    fails) and drop the cached copies so every page shows it. The connection stays open: no rebuild is needed."""
    tree = db.install_goal_tree(connection(), editor, text, filename)
    data_changed()
    return tree


def allocation_units(params: ix.IndexParams, year: int, by: str) -> pd.DataFrame:
    """The 22 programme stadsdelar as allocation rows: unit (`by`: committee, district or name), population and
    risk (1 = city level) from the index with the current weights, normalised against the whole city."""
    ref = index_result(ix.IndexParams(**{**params.__dict__, "method": "ref100", "universe": "all"}))
    risk = ref.scores.set_index("area_code")["composite"] / 100
    values = values_long()
    pop = values[(values["indicator_code"] == "befolkning") & (values["year"] == year)].set_index("area_code")["value"]
    prog = areas()[areas()["in_programme"]]
    return pd.DataFrame(
        {
            "unit": prog[by].to_numpy(),
            "population": prog["code"].map(pop).to_numpy(),
            "risk": prog["code"].map(risk).to_numpy(),
        }
    )


#: The attribution of the real data, on the data page and under the sidebar note.
ATTRIBUTION_NOTE = "Statistik: SCB (CC0) · Kartdata: Stockholms stad (CC0) · Polisen 2025"
#: Filled points are real values, hollow ones modelled; every chart that marks them uses this legend.
STATUS_LEGEND_TITLE = "Värde"
#: A ring (outer circle, inner hole) as a Vega symbol path: the mark of a synthetic value.
RING = "M-1,0A1,1 0 1,0 1,0A1,1 0 1,0 -1,0ZM-0.55,0A0.55,0.55 0 1,1 0.55,0A0.55,0.55 0 1,1 -0.55,0Z"


@st.cache_data(show_spinner=False)
def real_and_model(code: str) -> pd.DataFrame:
    """A stadsdel's cells with both a real and a modelled value (see `db.real_and_model`)."""
    return db.real_and_model(connection(), code)


@st.cache_data(show_spinner=False)
def police_shares() -> pd.DataFrame:
    """Polisen's 2025 list as shares of DeSO, with RegSO, stadsdel and district."""
    return levels.police_shares(connection())


@st.cache_data(show_spinner=False)
def real_sources() -> pd.DataFrame:
    return db.real_sources(connection())


@st.cache_data(show_spinner=False)
def stadsdel_values() -> pd.DataFrame:
    """Every stadsdel value with its source, licence and synthetic flag (long)."""
    return levels.values(connection(), "stadsdel")


@st.cache_data(show_spinner=False)
def group_status() -> pd.DataFrame:
    """Per comparison group (the city, the outer city, the programme area and every stadsdelsområde), indicator and
    year: synthetic = True when any stadsdel in it contributes a modelled value."""
    from lib import aggregate, provenance

    a = areas()
    groups = aggregate.standard_groups(a) | {d: set(a.loc[a["district"] == d, "code"]) for d in a["district"].unique()}
    return provenance.group_status(values_long(), groups)


def status_channels(field: str = "status", legend: bool = True, orient: str = "top", short: bool = False) -> dict:
    """Altair channels that draw real points as filled discs and modelled points as rings, with a Swedish legend;
    use on a `mark_point(filled=True, strokeWidth=0)` layer whose `fill` carries the series colour. (A ring is a
    shape, not an opacity: Vega-Lite draws no legend for fill opacity.)"""
    import altair as alt

    from lib import provenance

    leg = (
        alt.Legend(
            title=None,
            orient=orient,
            labelFontSize=14 if orient == "top" else 13,
            symbolFillColor="#444",
            symbolStrokeWidth=0,
            symbolSize=120,
            labelExpr="datum.label" if short else "datum.label == 'verkligt' ? 'verkligt värde' : 'syntetiskt värde'",
        )
        if legend
        else None
    )
    scale = alt.Scale(domain=list(provenance.STATUS_ORDER), range=["circle", RING])
    return {"shape": alt.Shape(f"{field}:N", scale=scale, legend=leg)}


# --- The map at DeSO level (pages/map.py; reusable by the Index page) ---------------------------------------------

#: The attributions under a map, by what it shows.
DESO_ATTRIBUTION = "DeSO: SCB, CC0"
STATISTICS_ATTRIBUTION = "Statistik: SCB (CC0)"


@st.cache_resource(show_spinner=False)
def deso_polygons():
    """The 544 DeSO as compact polygons in metres around the city's centre (`mapview.LocalPolygons`), shared by
    every session: a DeSO map of at most 150 KB per rerun."""
    from lib import mapview

    return mapview.local_polygons(deso_frame())


@st.cache_resource(show_spinner=False)
def compact_context_json() -> tuple[dict, dict]:
    """The stadsdelsområde lines and the water with coordinates rounded to 4 decimals, for the DeSO map."""
    from lib import mapview

    return mapview.round_coordinates(district_outline_json()), mapview.round_coordinates(water_json())


def _police_text(rows: pd.DataFrame) -> str:
    """Polisen's class and share for one DeSO 2018 (one or more DeSO-2025 rows): "särskilt utsatt område, 61 %
    av DeSO"; a DeSO split in 2025 names its parts."""
    from lib.fmt import number

    def share(r) -> str:
        if r.utsatt_pct > 0 and r.sarskilt_pct > 0:
            return f"{number(r.sarskilt_pct, 0)} % särskilt utsatt och {number(r.utsatt_pct, 0)} % utsatt"
        return f"{number(r.share_pct, 0)} %"

    klass = "särskilt utsatt område" if (rows["sarskilt_pct"] > 0).any() else "utsatt område"
    if len(rows) == 1 and rows["deso_2025"].iloc[0] == rows["deso_2018"].iloc[0]:
        return f"Polisen 2025: {klass}, {share(next(rows.itertuples()))} av DeSO"
    parts = " och ".join(f"{share(r)} av {r.deso_2025}" for r in rows.itertuples())
    return f"Polisen 2025: {klass}, {parts} (DeSO 2025)"


@st.cache_data(show_spinner=False)
def police_by_deso() -> pd.DataFrame:
    """Polisen's 2025 areas per DeSO 2018 (the map's DeSO): code, share (largest share of a part, 0–100), severe
    (särskilt utsatt), text (class and share), regso, stadsdel, area_code, district."""
    shares = police_shares()
    rows = []
    for code, group in shares.groupby("deso_2018", sort=True):
        first = group.iloc[0]
        rows.append(
            {
                "code": code,
                "share": float(group["share_pct"].max()),
                "severe": bool((group["sarskilt_pct"] > 0).any()),
                "text": _police_text(group),
                "regso": first["regso"],
                "stadsdel": first["stadsdel"],
                "area_code": first["area_code"],
                "district": first["district"],
            }
        )
    return pd.DataFrame(rows)


def police_overlay() -> tuple:
    """Polisen's areas as a map overlay (outlined, hatched by share) for the stadsdel or the DeSO map: its layers
    (hatch, outline) and the DeSO codes it covers. The DeSO polygons are drawn, never police polygons."""
    from lib import mapview

    police = police_by_deso()
    rows = mapview.police_rows(
        deso_polygons(),
        dict(zip(police["code"], police["share"], strict=True)),
        set(police.loc[police["severe"], "code"]),
    )
    return mapview.police_layers(rows, deso_polygons().origin), set(police["code"])


def deso_deck(
    data,
    labels: pd.DataFrame,
    size: tuple[int, int],
    value_line: str,
    status: str,
    *,
    police: bool = False,
    selected: str | None = None,
    colours: tuple[str, ...] | None = None,
):
    """The 544 DeSO coloured by `data` (a `mapview.MapData` keyed by DeSO code), with the stadsdelsområde lines, the
    water over the DeSO (which cover the lakes), `labels` (stadsdelar or stadsdelsområden, never 544), and
    optionally Polisen's areas and the selected DeSO outlined. `value_line` is the tooltip's value ("{v} % av
    befolkningen"); `status` the tooltip's last line, the same for every DeSO ("verkligt värde (SCB 2024)").
    The view is the stadsdel map's, so switching level keeps the picture still."""
    from lib import mapview

    u = units("deso").set_index("code")
    polygons = deso_polygons()
    police_text = None
    overlays = []
    if police:
        p = police_by_deso()
        police_text = dict(zip(p["code"], p["text"], strict=True))
        overlays.extend(police_overlay()[0])
    if selected:
        overlays.append(mapview.selected_layer(polygons, [selected]))
    rows = mapview.deso_rows(
        polygons,
        data,
        u["regso"].fillna("").to_dict(),
        u["stadsdel"].to_dict(),
        police_text,
        colours,
    )
    outlines, water = compact_context_json()
    height, width = size
    return mapview.build_deck(
        None,
        outlines,
        labels,
        mapview.view_state(boundaries().frame, height_px=height, width_px=width),
        mapview.deso_tooltip(rows, value_line, status),
        water=water,
        area_layer=mapview.deso_layer(rows, polygons.origin),
        overlays=tuple(overlays),
        water_on_top=True,
    )
