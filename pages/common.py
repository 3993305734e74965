"""Shared, cached data access for the pages (the only Streamlit code outside the page files)."""

from __future__ import annotations

import functools
import os
import time

import pandas as pd
import streamlit as st
from streamlit.runtime.pages_manager import PagesManager

from lib import db, geo
from lib import index as ix
from lib.config import Paths


def page_setup() -> None:
    """Called first on every page. Streamlit runs the first request of a fresh server in its legacy `pages/`
    mode when that folder exists, so a bookmarked deep link would open the page without app.py's navigation;
    leave that mode and run again through app.py. Only a session's first run is repeated, so a later run
    (AppTest puts every run in that mode) keeps its button presses."""
    if PagesManager.uses_pages_directory:
        PagesManager.uses_pages_directory = False
        if not st.session_state.get("_navigation_ready"):
            st.session_state["_navigation_ready"] = True
            st.rerun()
    st.session_state["_navigation_ready"] = True


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
SECTION_TIMES = "_sektion_ms"  # session key: server time of timed page sections, newest last
LAST_INDEX_PARAMS = "_senaste_index"  # session key: the index last set on the Index page

SYNTHETIC_NOTE = (
    "Alla indikatorvärden är **syntetiska**: modellerade och kalibrerade mot publicerad statistik där sådan "
    "finns, tills staden läser in sina egna siffror. Urvalet av 22 stadsdelar är **preliminärt**."
)


@st.cache_resource(show_spinner=False)
def connection():
    """One DuckDB connection for the whole server; queries take their own cursor."""
    paths = Paths()
    db.ensure_database(paths.data_dir, paths.db_path)
    return db.connect(paths.db_path)


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
    paths = Paths()
    return geo.load_boundaries(paths.schematic_geo, paths.official_geo)


@st.cache_resource(show_spinner=False)
def shapes() -> list[dict]:
    from lib import mapview

    return mapview.geometries(boundaries().frame)


@st.cache_resource(show_spinner=False)
def district_outline_json() -> dict:
    return district_outlines().__geo_interface__


@st.cache_resource(show_spinner=False)
def district_outlines():
    return geo.district_outlines(boundaries().frame)


@st.cache_data(show_spinner=False)
def programme_labels() -> pd.DataFrame:
    """Label positions of the programme stadsdelar."""
    pts = geo.label_points(boundaries().frame).merge(areas()[["code", "name", "in_programme"]], on="code")
    return pts[pts["in_programme"]][["lon", "lat", "name"]]


@st.cache_data(show_spinner=False)
def district_labels() -> pd.DataFrame:
    """Label positions of the 14 stadsdelsområden."""
    outlines = district_outlines().rename(columns={"district": "code"})
    return geo.label_points(outlines).rename(columns={"code": "name"})


def composite_deck(
    values: pd.Series,
    labels: pd.DataFrame,
    size: tuple[int, int],
    rank_text: dict[str, str] | None = None,
    decimals: int = 1,
    tooltip: str = "<b>{name}</b><br/>{district}<br/>{value_text}<br/>{rank_text}<br/><i>{note}</i>",
):
    """The composite index of the stadsdelar in `values` (code → index) on the map, in quantile classes,
    darker = more risk; the rest are grey context. Returns the deck and its legend table."""
    from lib import classify, mapview
    from lib.fmt import number

    cls = classify.classify(values.to_numpy(), "quantiles", 5)
    data = mapview.MapData(
        dict(zip(values.index, cls.bins.tolist(), strict=True)),
        cls.k,
        {c: f"index {number(v, decimals)}" for c, v in values.items() if pd.notna(v)},
        set(values.index),
        dict.fromkeys(values.index, "syntetiskt värde"),
        rank_text or {},
    )
    frame = boundaries().frame
    height, width = size
    deck = mapview.build_deck(
        mapview.feature_collection(frame, data, shapes=shapes()),
        district_outline_json(),
        labels,
        mapview.view_state(frame, height_px=height, width_px=width),
        tooltip,
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
    b = boundaries()
    if b.schematic:
        return (
            "**Schematisk karta** – stadsdelarnas läge och ungefärliga storlek, inte deras verkliga gränser. "
            "Officiella gränser: `make geo-official`."
        )
    return "Stadsdelsgränser: Stockholms stad (CC0), förenklade för webben."


@st.cache_data(show_spinner=False)
def values_long() -> pd.DataFrame:
    return db.values_long(connection())


@st.cache_resource(show_spinner=False)
def framework() -> ix.Framework:
    return ix.Framework.from_meta(indicators(), list(domains()["code"]))


@st.cache_resource(show_spinner=False)
def index_data(year: int) -> ix.IndexData:
    """Inputs of the index for a year; shared by every session (read-only arrays)."""
    return ix.build_index_data(values_long(), areas(), framework(), year)


@st.cache_data(show_spinner=False, max_entries=128)
def index_result(params: ix.IndexParams) -> ix.IndexResult:
    return ix.compute_index(index_data(params.year), framework(), params)


@st.cache_data(show_spinner=False, max_entries=64)
def robustness(params: ix.IndexParams) -> pd.DataFrame:
    """Monte Carlo (1 000 draws, ±25 %) and the best/worst rank with each area weight in 10–40 %."""
    data, fw = index_data(params.year), framework()
    mc = ix.monte_carlo(data, fw, params, draws=1000, noise=0.25)
    return mc.merge(ix.rank_range(data, fw, params, band=(0.10, 0.40)), on="area_code")


@st.cache_data(show_spinner=False, max_entries=32)
def leave_one_out(params: ix.IndexParams) -> pd.DataFrame:
    return ix.leave_one_out(index_data(params.year), framework(), params)


def scenarios() -> pd.DataFrame:
    return db.scenarios(connection())


def save_scenario(name: str, params: ix.IndexParams) -> None:
    db.save_scenario(connection(), name, ix.params_to_json(params), current_editor())


def decided_ratings() -> tuple[dict[str, int], dict[str, int]]:
    """Slider positions (0–10) of the decided weights: 5 × each default weight."""
    doms, inds = index_domains(), index_indicators()
    area = {c: min(10, int(round(5 * w))) for c, w in zip(doms["code"], doms["default_weight"], strict=True)}
    ind = {c: min(10, int(round(5 * w))) for c, w in zip(inds["code"], inds["default_weight"], strict=True)}
    return area, ind


def index_query(params: ix.IndexParams) -> dict[str, str]:
    """The URL parameters (as the Index page names them) that differ from the decided index."""
    area, ind = decided_ratings()
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
    return out


def index_params_from(query: dict[str, str], year: int) -> ix.IndexParams:
    """The index a link describes; anything missing or invalid falls back to the decided choice."""
    area, ind = decided_ratings()

    def rating(key: str, default: int) -> float:
        try:
            return float(min(10, max(0, int(query.get(key, default)))))
        except (TypeError, ValueError):
            return float(default)

    inverse = {label: code for table in (METHODS, AGGREGATIONS, UNIVERSES) for code, label in table.items()}
    method = inverse.get(query.get("metod", ""), "ref100")
    aggregation = inverse.get(query.get("aggregering", ""), "arithmetic")
    universe = inverse.get(query.get("jamforelse", ""), "all")
    params = ix.IndexParams(
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


def current_index_params(year: int) -> ix.IndexParams:
    """The index the user is looking at: a link's weights if it has any, else the ones last set on the Index
    page in this session, else the decided ones – always for `year`."""
    query = st.query_params.to_dict()
    if any(k.startswith(("vikt_", "ind_")) or k in ("metod", "aggregering", "jamforelse", "kapa") for k in query):
        return index_params_from(query, year)
    last = st.session_state.get(LAST_INDEX_PARAMS)
    if isinstance(last, ix.IndexParams):
        return ix.IndexParams(**{**last.__dict__, "year": year})
    return index_params_from({}, year)


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
MAX_ATTEMPTS = 5


def _secrets() -> dict:
    """The secrets as a plain dict; an app without a secrets file simply has no editors."""
    try:
        return st.secrets.to_dict()
    except Exception:  # noqa: BLE001 - no secrets file is a normal, read-only installation
        return {}


def oidc_configured() -> bool:
    return "auth" in _secrets()


def current_editor() -> str | None:
    """The signed-in editor: an allow-listed OIDC user, or a local editor who signed in with a password."""
    from lib import auth

    if oidc_configured() and getattr(st.user, "is_logged_in", False):
        allowed = _secrets().get("editors_oidc", {}).get("allowed", [])
        return auth.oidc_editor(st.user.get("email"), allowed)
    return st.session_state.get(EDITOR_KEY)


def sign_in_panel() -> None:
    """Sidebar: who is signed in, or a sign-in form. Viewing never needs it."""
    from lib import auth

    editor = current_editor()
    if editor:
        st.caption(f"Inloggad som **{editor}** (redigerare).")
        if st.button("Logga ut", key="logga_ut"):
            st.session_state.pop(EDITOR_KEY, None)
            if oidc_configured() and getattr(st.user, "is_logged_in", False):
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
        attempts = st.session_state.get("_inloggningsforsok", 0)
        if attempts >= MAX_ATTEMPTS:
            st.error("För många misslyckade försök. Ladda om sidan och försök igen.")
            return
        with st.form("inloggning", clear_on_submit=True, border=False):
            name = st.text_input("Användarnamn")
            password = st.text_input("Lösenord", type="password")
            if st.form_submit_button("Logga in"):
                if auth.verify(editors, name, password):
                    st.session_state[EDITOR_KEY] = name.strip()
                    st.session_state["_inloggningsforsok"] = 0
                    st.rerun()
                st.session_state["_inloggningsforsok"] = attempts + 1
                st.error("Fel användarnamn eller lösenord.")


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
    index_data.clear()
    framework.clear()
    goal_tree.clear()


def excel_bytes(frame: pd.DataFrame, sheet: str = "Data") -> bytes:
    import io

    buffer = io.BytesIO()
    with pd.ExcelWriter(buffer, engine="openpyxl") as writer:
        frame.to_excel(writer, index=False, sheet_name=sheet[:31])
    return buffer.getvalue()


def download_buttons(frame: pd.DataFrame, name: str, key: str) -> None:
    """CSV (semicolon, decimal comma, UTF-8 with BOM: opens in Swedish Excel) and XLSX of a table, made on click."""
    row = st.container(horizontal=True, gap="small")
    row.download_button(
        "CSV",
        lambda: frame.to_csv(index=False, sep=";", decimal=",").encode("utf-8-sig"),
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
    """Colours of the composite index over the programme stadsdelar (quantiles), for print."""
    from lib import classify, render

    scores = index_result(params).scores.set_index("area_code")
    prog = areas().loc[areas()["in_programme"], "code"]
    shown = scores.loc[prog, "composite"]
    cls = classify.classify(shown.to_numpy(), "quantiles", 5)
    colours = classify.palette(cls.k)
    table = classify.legend_table(cls, 0, True)
    fig = render.MapFigure(
        {code: colours[step] for code, step in zip(shown.index, cls.bins, strict=True) if step >= 0},
        list(zip(table["label"][::-1], table["colour"][::-1], strict=True)),
        title,
        (
            "Schematisk karta – lägen och ungefärlig storlek, inte verkliga gränser. "
            if boundaries().schematic
            else "Stadsdelsgränser: Stockholms stad (CC0). "
        )
        + "Syntetiska värden; preliminärt urval av 22 stadsdelar.",
    )
    return fig


def programme_brief_pdf(year: int) -> bytes:
    """The printable programme brief for `year` under the current index choices."""
    from lib import allocation, goals, render
    from lib.config import YEARS

    params = current_index_params(year)
    result = index_result(params)
    robust = robustness(params)
    table = result.scores.merge(robust, on="area_code").dropna(subset=["rank"]).sort_values("rank").head(22)
    names = area_names()
    district = dict(zip(areas()["code"], areas()["district"], strict=True))
    ranking = pd.DataFrame(
        {
            "Plats": table["rank"].astype(int),
            "Stadsdel": table["area_code"].map(names),
            "Stadsdelsområde": table["area_code"].map(district),
            "Index": table["composite"].round(1),
            "Plats i 90 %": [f"{int(a)}–{int(b)}" for a, b in zip(table["rank_p05"], table["rank_p95"], strict=True)],
            "Bland 22 högsta": [f"{round(100 * s)} %" for s in table["share_top_22"]],
        }
    )
    top5 = table.head(5)
    stability = (
        f"De fem med högst risk ({', '.join(top5['area_code'].map(names))}) ligger kvar bland de fem högsta i minst "
        f"{round(100 * top5['share_top_5'].min())} % av 1 000 slumpade viktningar (varje vikt ±25 %)."
    )
    tree = goal_tree()
    outcomes = goal_outcomes("Programområdet")
    rows = goals.indicator_assessment(tree, outcomes, year, YEARS)
    evaluation = goals.evaluate(tree, rows).set_index("id")
    nodes = tree.nodes[tree.nodes["level"] != "program"]
    goals_table = pd.DataFrame(
        {
            "Nivå": nodes["level"],
            "Mål": [
                textwrap_short(t + (" (illustrativt)" if ill else ""), 70)
                for t, ill in zip(nodes["text"], nodes["illustrative"], strict=True)
            ],
            "Bedömning": [f"{evaluation.loc[i, 'status']}" for i in nodes["id"]],
        }
    )
    alloc = allocation.allocate(allocation_units(params, year, "committee"), allocation.AllocationParams())
    alloc_table = pd.DataFrame(
        {
            "Stadsdelsnämnd": alloc["unit"],
            "Efter behov (mnkr)": alloc["amount"].round(1),
            "Lika delar": alloc["equal"].round(1),
            "Efter folkmängd": alloc["population_only"].round(1),
        }
    )
    intro = [
        "Stockholms stads program för ytterstaden: ett socialt riskindex per stadsdel (sociala risker, hälsa, säkerhet "
        "och trygghet, försörjning) pekar ut 22 stadsdelar, och insatserna ska stå i proportion till riskerna.",
        "OBS: alla indikatorvärden är syntetiska (modellerade, kalibrerade mot publicerad statistik) tills staden "
        "läser in sina egna; urvalet av 22 stadsdelar är preliminärt.",
        f"Index: {METHODS[params.method].lower()}, {AGGREGATIONS[params.aggregation].lower()}, vikter enligt "
        "verktygets vy när briefen skapades.",
    ]
    return render.programme_brief(
        year,
        intro,
        boundaries().frame,
        _composite_map_figure(params, f"Sammanvägt index {year}"),
        ranking,
        stability,
        goals_table,
        alloc_table,
        district_outlines(),
    )


def textwrap_short(text: str, width: int) -> str:
    import textwrap

    return textwrap.shorten(str(text), width, placeholder=" …")


def area_brief_pdf(code: str, year: int) -> bytes:
    """The printable brief for one stadsdel: profile, every indicator, trends and its nämnd's plan."""
    from lib import render
    from lib.aggregate import relative_risk

    a = areas().set_index("code").loc[code]
    name = a["name"]
    params = current_index_params(year)
    row = index_result(params).scores.set_index("area_code").loc[code]
    robust = robustness(params).set_index("area_code").loc[code]
    values = values_long()
    own = values[values["area_code"] == code]
    groups = group_values()
    inds = indicators()
    lines = [
        f"Stadsdelsområde: {a['district']} · {a['committee']}.",
        "Ingår i programmets preliminära urval." if a["in_programme"] else "Ingår inte i det preliminära urvalet.",
    ]
    if pd.notna(row["rank"]):
        lines.append(
            f"Index {row['composite']:.1f} – plats {int(row['rank'])}; i 90 % av 1 000 slumpade viktningar "
            f"plats {int(robust['rank_p05'])}–{int(robust['rank_p95'])}."
        )
    lines.append("Alla värden är syntetiska tills staden läser in sina egna.")
    latest = own[own["year"] <= year].sort_values("year").drop_duplicates("indicator_code", keep="last")
    latest = latest.set_index("indicator_code")
    city = groups[(groups["group"] == "Staden")]
    rows = []
    for ind in inds.itertuples():
        if ind.code not in latest.index:
            continue
        v = latest.loc[ind.code]
        c = city[(city["indicator_code"] == ind.code) & (city["year"] == v["year"])]["value"]
        cv = float(c.iloc[0]) if len(c) else float("nan")
        rows.append(
            {
                "Indikator": textwrap_short(ind.name, 38),
                "År": int(v["year"]),
                "Värde": round(float(v["value"]), 1),
                "Staden": round(cv, 1),
                "Risk (100 = staden)": ""
                if ind.domain == CONTEXT
                else round(relative_risk(v["value"], cv, ind.higher_is_worse)),
                "Status": "syntetisk" if v["synthetic"] else "verklig",
            }
        )
    trend = pd.concat(
        [
            own.assign(serie=name),
            groups[groups["group"].isin(["Programområdet", "Staden"])].rename(columns={"group": "serie"}),
        ],
        ignore_index=True,
    ).merge(inds[["code", "name", "domain"]], left_on="indicator_code", right_on="code")
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
    return render.area_brief(name, lines, pd.DataFrame(rows), trend[["name", "serie", "year", "value"]], plan_lines)


def replace_goal_tree(text: str, editor: str | None) -> None:
    """Install a new goal tree: close this server's connection, rebuild, and start afresh."""
    paths = Paths()
    connection().close()
    connection.clear()
    try:
        db.install_goal_file(paths.data_dir, paths.db_path, text, editor)
    finally:
        data_changed()


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
