"""Känslighetsanalys: the server's store of computed analyses, who may compute which, the run with its progress bar,
and the page's sections (rank bands, the assumptions overall, one stadsdel, downloads). The figures are
`lib.index.sensitivity`, the words and tables `lib.sensitivity_texts`, the charts `lib.charts.sensitivity`.

Why a store of its own rather than `st.cache_data`: the page must know whether a result is there *without*
computing it (a copied URL shows the result if it is, else the button), and thousands of index computations are
the most expensive thing the app does: one lock lets only one analysis run at a time on the server, and the
standard analysis is computed once and shared by every visitor."""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable

import pandas as pd
import streamlit as st

from lib import auth, db
from lib import index as ix
from lib import sensitivity_texts as texts
from lib.charts import sensitivity as charts
from lib.index import sensitivity as sens
from ui import downloads, readers, results, sign_in, tables, urlstate, wording, writes

MAX_ENTRIES = 8  # analyses kept per server, least recently used dropped first
MAX_BYTES = 400 * 2**20  # and at most this much memory in their rank matrices
DEFAULT_SETTINGS = sens.SensitivitySettings()
N_ASSUMPTIONS = len(sens.ASSUMPTIONS)


class Store:
    """Analyses by (index, settings); an entry counts only for the data it was computed from (an import makes new
    `IndexData`, and with it a new analysis)."""

    def __init__(self) -> None:
        self.lock, self.running = threading.Lock(), threading.Lock()
        self.items: OrderedDict[Hashable, tuple[object, sens.SensitivityResult]] = OrderedDict()

    def get(self, key: Hashable, data: object) -> sens.SensitivityResult | None:
        with self.lock:
            entry = self.items.get(key)
            if entry is None or entry[0] is not data:
                return None
            self.items.move_to_end(key)
            return entry[1]

    def latest(self, params: ix.IndexParams, data: object) -> sens.SensitivityResult | None:
        """The analysis of `params` on `data` used most recently, whatever its runs and seed (the programme brief
        shows it and says which it is)."""
        with self.lock:
            for key, (key_data, result) in reversed(self.items.items()):
                if isinstance(key, tuple) and key[0] == params and key_data is data:
                    return result
        return None

    def compute(
        self,
        key: tuple[ix.IndexParams, sens.SensitivitySettings],
        data: object,
        work: Callable[[], sens.SensitivityResult],
    ) -> sens.SensitivityResult:
        """The stored analysis for `key`, or `work()` stored under it – under the one lock that lets a single
        analysis run at a time, checking the store again once inside (another visitor may have just computed it)."""
        with self.running:
            result = self.get(key, data)
            if result is None:
                result = work()
                self.put(key, data, result)
        return result

    def put(self, key: Hashable, data: object, result: sens.SensitivityResult) -> None:
        with self.lock:
            self.items[key] = (data, result)
            self.items.move_to_end(key)
            while len(self.items) > 1 and (
                len(self.items) > MAX_ENTRIES or sum(r.ranks.nbytes for _, r in self.items.values()) > MAX_BYTES
            ):
                self.items.popitem(last=False)


@st.cache_resource(show_spinner=False)
def store() -> Store:
    return Store()


def standard_params(year: int) -> ix.IndexParams:
    """The standard index of `year` (no weights in a URL): what an anonymous visitor's analysis is of."""
    return urlstate.index_params_from({}, year)


def allowed(
    params: ix.IndexParams, settings: sens.SensitivitySettings, editor: str | None
) -> tuple[ix.IndexParams, sens.SensitivitySettings, bool]:
    """What this visitor's analysis is of, and whether that differs from what was asked: anyone may have the
    standard index with the default settings (computed once, shared); other weights or settings only an editor,
    so an anonymous visitor cannot make the server work harder than a page view."""
    standard = (standard_params(params.year), DEFAULT_SETTINGS)
    if editor is not None or (params, settings) == standard:
        return params, settings, False
    return *standard, True


def cached(params: ix.IndexParams, settings: sens.SensitivitySettings) -> sens.SensitivityResult | None:
    data, _ = results.index_inputs(params.level, params.year, params.real_only)
    return store().get((params, settings), data)


def run(params: ix.IndexParams, settings: sens.SensitivitySettings) -> sens.SensitivityResult:
    """The analysis, computed under the server's one lock with a progress bar (or taken from the store when
    another visitor computed it meanwhile)."""
    data, fw = results.index_inputs(params.level, params.year, params.real_only)
    bar = st.progress(0.0, text="Väntar på att en annan analys ska bli klar …")

    def progress(fraction: float, text: str) -> None:
        bar.progress(min(max(float(fraction), 0.0), 1.0), text=text)

    def work() -> sens.SensitivityResult:
        progress(0.0, "Förbereder analysen …")
        return sens.run_sensitivity(data, fw, params, settings, progress=progress)

    result = store().compute((params, settings), data, work)
    bar.empty()
    return result


def names() -> dict[str, str]:
    return readers.area_names()


def bands_section(result: sens.SensitivityResult, whole: bool) -> None:
    """(a) Each stadsdel's rank with the index's own choices and its band across the runs: chart and table."""
    areas = readers.areas()
    programme = set(areas.loc[areas["in_programme"].astype(bool), "code"])
    codes = None if whole else [c for c in result.unit_codes if c in programme]
    rows = texts.band_rows(result.bands, names(), codes)
    spec = charts.rank_bands(list(rows["stadsdel"]), len(result.unit_codes), step=18 if len(rows) <= 40 else 13)
    st.vega_lite_chart(rows, spec, width="stretch")
    st.caption(
        "Punkten är platsen med indexets egna val, den tjocka stapeln platserna i 90 % av körningarna (5–95 %) och "
        "den tunna linjen högsta och lägsta plats i någon körning. Plats 1 = högst risk."
    )
    frame = texts.band_frame(result.bands, names(), codes)
    styled = tables.swedish(
        frame,
        decimals={"Plats": 0, "Medianplats": 1, "Plats 5 %": 1, "Plats 95 %": 1, "Högsta plats": 0, "Lägsta plats": 0},
        shares={"Utan index": 0},
    )
    st.dataframe(
        styled,
        hide_index=True,
        width="stretch",
        height=35 * (min(len(frame), 22) + 1) + 3,
        column_config={"Utan index": st.column_config.Column(help="Andel av körningarna där stadsdelen saknar index.")},
    )


def overall_section(result: sens.SensitivityResult) -> None:
    """(b) Which assumption moves the ranks most, overall: the sentence, the bars and the table."""
    st.markdown(texts.overall_sentence(result.overall, result.mean_shift))
    _indices_view(result.overall, "overall")
    st.caption(
        "Måttet är hur många platser stadsdelarna i genomsnitt flyttar jämfört med indexets egna val. Linjerna "
        "visar 95 % konfidensintervall."
    )


def _indices_view(indices: pd.DataFrame, key: str) -> None:
    indices = texts.clipped(indices)
    rows = texts.index_rows(indices)
    st.vega_lite_chart(rows, charts.index_bars(list(indices["name"])), width="stretch", key=f"kanslighet_{key}")
    frame = texts.index_frame(indices)
    st.dataframe(
        tables.swedish(frame, decimals=dict.fromkeys(list(frame.columns)[1:], 2)),
        hide_index=True,
        width="content",
        column_config={
            texts.S1: st.column_config.Column(help="Hur mycket av variationen antagandet förklarar ensamt."),
            texts.ST: st.column_config.Column(help="Hur mycket det förklarar ensamt och i samspel med de andra."),
            f"{texts.S1} ±": st.column_config.Column(help="Halva bredden av 95 % konfidensintervall."),
            f"{texts.ST} ±": st.column_config.Column(help="Halva bredden av 95 % konfidensintervall."),
        },
    )


def unit_section(result: sens.SensitivityResult, code: str) -> None:
    """(c) One stadsdel: its rank and band in words, and what its rank depends on (S1/ST with intervals)."""
    name = names().get(code, code)
    bands = result.bands.set_index("area_code")
    if code not in bands.index:
        st.info(f"{name} får inget index med indexets egna val och ingår därför inte i analysen.")
        return
    st.markdown(texts.band_sentence(name, bands.loc[code].to_dict(), len(result.unit_codes)))
    try:
        indices = sens.unit_indices(result, code)
    except KeyError:
        st.markdown(texts.unit_sentence(name, None))
        return
    st.markdown(texts.unit_sentence(name, indices))
    _indices_view(indices, "unit")
    st.caption(
        f"Måttet är {texts.genitive(name)} plats i varje körning. Linjerna visar 95 % konfidensintervall; ett brett "
        "intervall betyder att fler körningar behövs för ett säkert index."
    )


def download_section(result: sens.SensitivityResult, params: ix.IndexParams) -> None:
    """(d) The bands, the indices overall and per stadsdel as CSV and Excel, marked with their source."""
    origin = results.value_origin(params.level, params.year, params.real_only)
    counts = dict(zip(origin["area_code"], origin["synthetic"], strict=True))
    note = texts.settings_text(result.settings.samples, result.settings.seed, N_ASSUMPTIONS)
    prepared = texts.downloads(result.bands, result.overall, result.per_unit, names(), counts, note)
    labels = {"platser": "Platserna", "index": "Index per antagande", "index_per_stadsdel": "Index per stadsdel"}
    for col, (name, frame) in zip(st.columns(3), prepared.items(), strict=True):
        with col:
            st.markdown(f"**{labels[name]}**")
            downloads.download_buttons(frame, f"kanslighet_{name}_{params.year}", key=f"kanslighet_{name}")


def save_section(result: sens.SensitivityResult, params: ix.IndexParams) -> None:
    """Save the analysis with a weight scenario (editors): the scenario keeps its weights, the runs and seed that
    reproduce the analysis, and what it found – so Index och vikter can say so when the scenario is chosen."""
    editor = sign_in.current_editor()
    with st.form("spara_kanslighet", clear_on_submit=True, border=False):
        c1, c2 = st.columns([3, 2], vertical_alignment="bottom")
        name = c1.text_input("Namn på scenariot", max_chars=db.SCENARIO_NAME_MAX)
        if c2.form_submit_button("Spara vikter och analys", icon=":material/save:", disabled=not editor):
            try:
                writes.save_scenario(name, params, sensitivity=sens.sensitivity_summary(result))
                st.success(f"Sparade ”{' '.join(name.split())}” med analysen.")
            except (db.DataError, auth.NotAuthorised) as exc:
                st.error(str(exc))
    if not editor:
        st.caption(auth.REFUSED)


def show() -> None:
    """The button's callback: the result is shown, and the URL's `analys` says so (the toggle bound to it)."""
    st.session_state[urlstate.ANALYSIS] = True


def index_sentence(params: ix.IndexParams, settings: sens.SensitivitySettings, restricted: bool) -> str:
    """Which index is analysed and with which settings, in words."""
    custom = not restricted and bool(urlstate.weights_in_effect())
    weights = "egna vikter från Index och vikter" if custom else "standardvikterna"
    values = " (endast verkliga värden)" if params.real_only else ""
    return (
        f"Analyserat index: **{params.year}**, stadsdelsnivå{values}, jämförelsegrupp "
        f"{wording.UNIVERSES[params.universe].lower()}, normalisering ”{wording.METHODS[params.method]}”, "
        f"{wording.AGGREGATIONS[params.aggregation].lower()}, {weights}; "
        f"{texts.settings_text(settings.samples, settings.seed, N_ASSUMPTIONS)}."
    )
