"""The Stadsdel page's views: key figures, the domain and contribution charts, the indicator, DeSO and published
figure tables and the small multiples of trends. The page composes them; the numbers come from `lib/profile.py`."""

from __future__ import annotations

from dataclasses import dataclass

import altair as alt
import pandas as pd
import streamlit as st

from lib import charts, export_tables, profile, provenance, ranks
from lib import index as ix
from lib.config import BASELINE_YEAR, PROGRAMME_START, YEARS
from lib.fmt import number
from lib.reference import source_kind
from ui import downloads, readers, results, urlstate, wording
from ui.cached_views import Scores, Spec, chart, params_key
from ui.streamlit_compat import altair_spec

DOMAIN_COLOURS = ["#1f4e8c", "#2a9d8f", "#e9a03b", "#b5179e"]
LINE_COLOURS = {"stadsdel": "#b30000", "Programområdet": "#e08214", "Staden": "#5b6470"}


@st.cache_data(show_spinner=False, max_entries=256)
def _population(code: str, year: int) -> tuple[float | None, str]:
    """The unit's population in `year` (None when there is none) and the help saying where it comes from."""
    values = readers.values_long()
    pop = values[(values["area_code"] == code) & (values["indicator_code"] == "befolkning") & (values["year"] == year)]
    if not len(pop):
        return None, "Ingen uppgift."
    return float(pop["value"].iloc[0]), _population_help(code, year)


def _population_help(code: str, year: int) -> str:
    """Whether the population figure is real or modelled, and its source."""
    pop_row = readers.stadsdel_values()
    pop_row = pop_row[
        (pop_row["area_code"] == code) & (pop_row["indicator_code"] == "befolkning") & (pop_row["year"] == year)
    ]
    if not len(pop_row):
        return "Syntetiskt värde."
    return f"{provenance.status(pop_row['synthetic'].iloc[0]).capitalize()} värde, {year}. " + provenance.source_text(
        pop_row["source"].iloc[0], pop_row["licence"].iloc[0], pop_row["synthetic"].iloc[0]
    )


@st.cache_data(show_spinner=False, max_entries=256)
def _rank_texts(code: str, key: str, _params: ix.IndexParams) -> tuple[str, str, str]:
    """The ranked unit's place as a metric, the sentence under it and its help (`ranks.profile_rank`)."""
    params = _params
    scores = results.index_result(params).scores
    in_programme = readers.areas().query("in_programme")["code"]
    return ranks.profile_rank(
        int(scores.set_index("area_code").loc[code, "rank"]),
        int(scores["rank"].notna().sum()),
        params.universe,
        ranks.programme_place(scores, list(in_programme), code),
    )


def key_figures(code: str, choice: str, year: int, params: ix.IndexParams, unit_score: Scores) -> None:
    """Population, index, rank and flags as metrics, with the rank's range under random weights."""
    row, robust = unit_score.row, unit_score.robust
    pop, pop_help = _population(code, year)
    m1, m2, m3, m4 = st.columns(4)
    m1.metric(f"Folkmängd {year}", number(pop, 0) if pop is not None else "–", help=pop_help)
    if pd.isna(row["composite"]):
        m2.metric("Index", "–")
        st.warning("Stadsdelen har färre än 1 000 invånare och därför inga indikatorvärden, som i officiell statistik.")
        return
    m2.metric(
        "Index", number(row["composite"], 1), help=f"{wording.METHODS[params.method]}; vikter från Index och vikter."
    )
    if pd.notna(row["rank"]):
        value, sentence, rank_help = _rank_texts(code, params_key(params), params)
        m3.metric("Plats", value, help=rank_help)
        st.caption(sentence)
        st.info(
            f"I 90 % av 1 000 slumpade viktningar (varje vikt ±25 %) hamnar {choice} mellan plats "
            f"**{int(robust['rank_p05'])}** och **{int(robust['rank_p95'])}**; bland de 22 högsta i "
            f"**{number(100 * robust['share_top_22'], 0)} %** av dragningarna. Med varje område på 10–40 % av vikten "
            f"kan den hamna mellan plats {int(robust['rank_best'])} och {int(robust['rank_worst'])}.",
            icon=":material/balance:",
        )
    m4.metric(
        "Flaggor",
        int(row["flag_count"]),
        help="Indikatorer där stadsdelen ligger över 90:e percentilen eller minst 1,2 × jämförelsegruppens nivå.",
    )


def _top_contributions(result: ix.IndexResult, code: str, domain_name: dict[str, str]) -> pd.DataFrame:
    """The eight indicators that weigh most in the unit's index (name, område, andel)."""
    shares = result.contributions.loc[code].rename("andel").rename_axis("code").reset_index()
    shares = shares.merge(readers.index_indicators()[["code", "name", "domain"]], on="code")
    shares["område"] = shares["domain"].map(domain_name)
    return shares.nlargest(8, "andel")


@st.cache_data(show_spinner=False, max_entries=64)
def _domain_charts(code: str, year: int, key: str, _params: ix.IndexParams) -> tuple[Spec, Spec]:
    """The domain scores against the programme area's mean, and the top contributions, as chart specs."""
    params = _params
    result = results.index_result(params)
    areas = readers.areas()
    domains = readers.index_domains()
    domain_name = dict(zip(domains["code"], domains["name"], strict=True))
    values = readers.values_long()
    population = values[(values["indicator_code"] == "befolkning") & (values["year"] == year)].set_index("area_code")[
        "value"
    ]
    area_df = profile.domain_scores(
        result.scores, code, areas.loc[areas["in_programme"], "code"], population, domain_name
    )
    domain_chart = charts.profile_domains(
        area_df, list(domain_name.values()), DOMAIN_COLOURS, params.method == "ref100"
    )
    top = _top_contributions(result, code, domain_name)
    contributions = charts.profile_contributions(top, list(domain_name.values()), DOMAIN_COLOURS)
    return altair_spec(domain_chart), altair_spec(contributions)


def domains_view(code: str, choice: str, year: int, params: ix.IndexParams, unit_score: Scores) -> None:
    """The four domain scores against the programme area's mean, what contributes most, and warnings."""
    domain_spec, contribution_spec = _domain_charts(code, year, params_key(params), params)
    c1, c2 = st.columns([1.3, 1], gap="large")
    with c1:
        chart(domain_spec, width="stretch")
        reference = "streckad linje: jämförelsegruppen = 100 · " if params.method == "ref100" else ""
        st.caption(f"Stapel: {choice} · {reference}orange streck: programområdets befolkningsvägda medel.")
    with c2:
        chart(contribution_spec, width="stretch")
    row = unit_score.row
    names = readers.indicators().set_index("code")["name"]
    if row["dominance"]:
        st.warning(
            f"En enda indikator – {names.loc[row['dominant_indicator']].lower()} – står för "
            f"{number(100 * row['dominant_share'], 0)} % av indexet. Rangordningen vilar då mycket på ett enda mått.",
            icon=":material/warning:",
        )
    flagged = [names.loc[c] for c, f in unit_score.flags.items() if f]
    if flagged:
        st.markdown(
            "**Flaggade indikatorer** (över 90:e percentilen eller minst 20 % sämre än jämförelsegruppen): "
            + ", ".join(flagged)
            + "."
        )


@st.cache_data(show_spinner=False, max_entries=256)
def _indicator_tables(code: str, year: int, flags: tuple[tuple[str, bool], ...]) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The indicator table as shown and as its prepared download (`flags`: indicator code, flagged)."""
    own = readers.stadsdel_values()
    table = profile.indicator_table(own[own["area_code"] == code], readers.group_values(), readers.indicators(), year)
    shown, numeric = profile.page_tables(table, dict(flags))
    return shown, export_tables.profile(numeric, table["decimals"].tolist())


def indicator_view(code: str, year: int, flags: pd.Series) -> None:
    """Every indicator's latest value with its year, status, source, the city's and programme area's values and
    the relative risk; downloadable with numbers as numbers."""
    shown, sheet = _indicator_tables(code, year, tuple(flags.items()))
    st.dataframe(
        shown,
        hide_index=True,
        width="stretch",
        column_config={
            "År": st.column_config.NumberColumn(format="%d"),
            "Status": st.column_config.TextColumn(
                help="verkligt = publicerad statistik; syntetiskt = modellerat värde."
            ),
            "Risk mot staden (100)": st.column_config.NumberColumn(
                help="Över 100 = högre risk än staden som helhet, oavsett om måttet är bra eller dåligt."
            ),
            "Källa och licens": st.column_config.TextColumn(
                help="Verkliga värden: utgivare, tabell och licens (hela källan i nedladdningen och under Data och "
                "källor). Syntetiska: modellens värde.",
            ),
        },
    )
    downloads.download_buttons(sheet, f"indikatorer_{code}_{year}", "profil_tabell")


def _pair_table(code: str) -> pd.DataFrame | None:
    """The unit's cells with both a real and a modelled value, for display; None when there are none."""
    pairs = readers.real_and_model(code)
    return None if pairs.empty else provenance.side_by_side(pairs, readers.indicators())


def real_and_model_view(choice: str, parts: Unit) -> None:
    """Real and modelled values of the same cell side by side."""
    pair_table = parts.pair_table
    if pair_table is None:
        st.caption(f"{choice} har inga celler där både ett verkligt och ett modellerat värde finns.")
        return
    st.dataframe(
        pair_table, hide_index=True, width="stretch", column_config={"År": st.column_config.NumberColumn(format="%d")}
    )
    st.caption(
        "Där verklig statistik finns för samma indikator och år visas den i hela verktyget; modellens syntetiska "
        "värde står bredvid som jämförelse. Skillnad = verkligt − modell; andelar skiljer sig i procentenheter. "
        "Utgivaren står inom parentes; hela källan i tabellen ovan och under Data och källor."
    )


def _police_lines(code: str) -> list[str]:
    """Polisen's sentences for stadsdel `code` (`provenance.police_lines`)."""
    police = readers.police_shares()
    return provenance.police_lines(police[police["area_code"] == code])


def police_view(choice: str, parts: Unit) -> None:
    """The stadsdel's shares of Polisen's utsatta områden."""
    if parts.deso_units.empty:
        st.markdown(f"{choice} innehåller inget eget DeSO, så Polisens lista (per DeSO) säger inget om stadsdelen.")
    elif parts.police.empty:
        st.markdown(provenance.NO_POLICE_AREA)
    else:
        st.markdown("\n".join(f"- {line}" for line in parts.police_lines))
    st.caption(
        "Källa: Polisen, utsatta och särskilt utsatta områden 2025, som andel av varje DeSO (beräknad överlappning; "
        "ingen licens angiven av Polisen – andelar och namn återges med källa)."
    )


DESO_COLUMNS = {
    "Låg ek. standard 2024, %": st.column_config.TextColumn(help="Låg ekonomisk standard 2024 (SCB, TAB6685)."),
    "Arbetslöshet 2024, %": st.column_config.TextColumn(help="Arbetslöshet 20–64 år 2024 (SCB, TAB6680)."),
    "Polisen 2025": st.column_config.TextColumn(
        help="Andel av DeSO som ligger i ett utsatt eller särskilt utsatt område enligt Polisen 2025."
    ),
    provenance.OVERLAP_COLUMN: st.column_config.TextColumn(
        help="Hur stor del av DeSO-området som ligger i stadsdelen; under 80 % beskriver det delvis en grannstadsdel."
    ),
}


def _deso_table(code: str) -> pd.DataFrame:
    """The DeSO table of stadsdel `code` (`provenance.deso_table`), without the RegSO column when all its DeSO lie
    in one RegSO (said once in the caption, leaving room for Polisen's column)."""
    police = readers.police_shares()
    deso_units = readers.units("deso")
    deso_units = deso_units[deso_units["area_code"] == code]
    table = provenance.deso_table(
        deso_units, readers.level_values("deso", True), police[police["area_code"] == code], readers.indicators()
    )
    return table.drop(columns="RegSO") if deso_units["regso"].nunique() == 1 else table


def deso_view(choice: str, parts: Unit) -> None:
    """The stadsdel's DeSO with their real values, Polisen's shares and overlap, and links to them on the map."""
    deso_units = parts.deso_units
    if deso_units.empty:
        st.info(
            f"{choice} innehåller inget eget DeSO: varje DeSO räknas helt till den stadsdel det överlappar mest, och "
            "inget gör det här (så är det för sex små stadsdelar). Stadsdelen har därför inga DeSO-baserade verkliga "
            "värden.",
            icon=":material/info:",
        )
        return
    deso_table = parts.deso_table
    one_regso = "RegSO" not in deso_table.columns
    st.dataframe(deso_table, hide_index=True, width="stretch", column_config=DESO_COLUMNS)
    low = int((deso_units["overlap_share"] < provenance.OVERLAP_WARNING).sum())
    st.caption(
        (f"Alla ligger i RegSO {deso_units['regso'].iloc[0]}. " if one_regso else "")
        + "Verkliga värden från SCB (CC0), 2024 och folkmängd 2025. Polisen 2025: andel av DeSO i ett utsatt eller "
        "särskilt utsatt område (ett DeSO som delats 2025 visar varje del). Varje DeSO räknas helt till den stadsdel "
        "det överlappar mest"
        + (f"; {low} av dem ligger till under 80 % i {choice} och beskriver delvis en grannstadsdel." if low else ".")
        + " Stadsdelens egna värden är befolkningsvägda medel av dess DeSO."
    )
    links = st.container(horizontal=True, gap="small")
    for deso in deso_units["code"].sort_values():
        links.page_link(
            "pages/map.py",
            label=f"{deso} på kartan",
            icon=":material/map:",
            query_params=urlstate.link_params("map", niva=wording.LEVEL_LABELS["deso"], deso=deso),
        )


def trend_view(parts: Unit) -> None:
    """The small multiples of `trend_chart`, drawn from its cached spec."""
    chart(parts.trend_spec, width="content")


def _trend_spec(code: str, choice: str) -> Spec:
    return altair_spec(trend_chart(code, choice))


def trend_chart(code: str, choice: str) -> alt.FacetChart:
    """Small multiples of the stadsdel, the programme area and the city, real points filled and modelled ringed,
    each value in its indicator's own decimals."""
    own = readers.stadsdel_values()
    inds = readers.indicators()
    trend = profile.trend_frame(
        own[own["area_code"] == code], readers.group_values(), readers.group_status(), inds, choice
    )
    decimals = trend["indicator_code"].map(inds.set_index("code")["decimals"]).fillna(1).astype(int)
    trend = trend.assign(värde=charts.value_text(trend["value"], decimals))
    colours = dict(zip([choice, "Programområdet", "Staden"], LINE_COLOURS.values(), strict=True))
    marks = pd.DataFrame({"year": [BASELINE_YEAR, PROGRAMME_START], "vad": ["basår", "programstart"]})
    order = list(readers.index_indicators()["name"])
    return charts.profile_trends(trend, colours, order, list(YEARS), marks)


def _published(district: str, choice: str) -> pd.DataFrame | None:
    """The published figures for the stadsdelsområde and the stadsdel as shown; None when there are none."""
    refs = readers.reference_figures()
    inds = readers.indicators()
    ind_names = dict(zip(inds["code"], inds["name"], strict=True))
    mine = refs[
        ((refs["area_level"] == "stadsdelsomrade") & (refs["area"] == district))
        | ((refs["area_level"] == "stadsdel") & (refs["area"] == choice))
    ]
    if mine.empty:
        return None
    measures = [
        ind_names[c] if same and c in ind_names else provenance.reference_measure(f)
        for c, f, same in zip(mine["indicator_code"], mine["figure_indicator"], mine["comparable"], strict=True)
    ]
    return pd.DataFrame(
        {
            "Mått": measures,
            "Område": mine["area"],
            "År": mine["year"],
            "Värde": mine["value"].map(provenance.figure_number),
            "Enhet": mine["unit"].map(provenance.reference_unit),
            "Samma mått som indikatorn": mine["comparable"].map({True: "ja", False: "nej"}),
            "Källtyp": mine["source_url"].map(source_kind),
            "Källa": mine["source_url"],
        }
    )


def published_view(parts: Unit) -> None:
    """The published figures for the stadsdelsområde and the stadsdel, each with its source and kind of source."""
    figures = parts.published
    if figures is None:
        st.caption("Inga publicerade siffror hittades för området.")
        return
    st.caption(
        "Verkliga siffror ur Statistisk årsbok för Stockholm m.fl. – de syntetiska värdena ovan är kalibrerade mot "
        f"dem där måttet är detsamma och året ligger inom {YEARS[0]}–{YEARS[-1]}. ”Andrahandskälla”: länken går inte "
        "till utgivaren själv utan till t.ex. ett uppslagsverk, en nyhetsartikel eller en kopia på en dokumentsajt."
    )
    st.dataframe(
        figures,
        hide_index=True,
        width="stretch",
        column_config={
            "Källa": st.column_config.LinkColumn(display_text="öppna källan"),
            "År": st.column_config.NumberColumn(format="%d"),
        },
    )


@dataclass(frozen=True)
class Unit:
    """Everything on the Stadsdel page that depends only on the stadsdel (not on the year or the weights): its rows
    of Polisen's list and its DeSO, Polisen's sentences, the DeSO table, the real-and-modelled pairs, the
    published figures and the trend chart's spec. One cached object, so a rerun reads the cache once for them."""

    police: pd.DataFrame
    deso_units: pd.DataFrame
    police_lines: list[str]
    deso_table: pd.DataFrame
    pair_table: pd.DataFrame | None
    published: pd.DataFrame | None
    trend_spec: Spec


@st.cache_data(show_spinner=False, max_entries=128)
def unit(code: str, choice: str, district: str) -> Unit:
    """The stadsdel-only parts of the page for stadsdel `code` (named `choice`, in stadsdelsområde `district`)."""
    police = readers.police_shares()
    deso_units = readers.units("deso")
    return Unit(
        police=police[police["area_code"] == code],
        deso_units=deso_units[deso_units["area_code"] == code],
        police_lines=_police_lines(code),
        deso_table=_deso_table(code),
        pair_table=_pair_table(code),
        published=_published(district, choice),
        trend_spec=_trend_spec(code, choice),
    )
