"""Cached index computations (composite, robustness, leave-one-out, validation) and their texts."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pandas as pd
import streamlit as st

from lib import allocation, allocation_tables, export_tables, levels, plans, provenance, validation
from lib import index as ix
from ui import readers, wording

#: How the caches key an `IndexParams`: by its repr, which names every field. Streamlit hashes a dataclass field by
#: field through `dataclasses.asdict` (~1 ms for a set of weights against 0,03 ms), and a slider move asks several
#: caches with the same settings.
PARAMS_HASH: dict[str | type[Any], Callable[[Any], Any]] = {ix.IndexParams: repr}


@st.cache_resource(show_spinner=False)
def index_inputs(level: str, year: int, real_only: bool) -> tuple[ix.IndexData, ix.Framework]:
    """Inputs of the index and the framework of the indicators that exist; shared by every session (read-only)."""
    return ix.build_index_data(readers.level_values(level, real_only), readers.units(level), readers.framework(), year)


def weights_problem(params: ix.IndexParams) -> str | None:
    """Why `params` cannot make an index at its level and year (`ix.check_weights` on the indicators that exist
    there), or None: pages ask this before computing anything from the weights."""
    _, fw = index_inputs(params.level, params.year, params.real_only)
    return ix.check_weights(fw, params)


@st.cache_data(show_spinner=False, max_entries=128, hash_funcs=PARAMS_HASH)
def index_result(params: ix.IndexParams) -> ix.IndexResult:
    data, fw = index_inputs(params.level, params.year, params.real_only)
    return ix.compute_index(data, fw, params)


@st.cache_data(show_spinner=False, max_entries=64, hash_funcs=PARAMS_HASH)
def robustness(params: ix.IndexParams) -> pd.DataFrame:
    """Monte Carlo (1 000 draws, ±25 %) and the best/worst rank with each area weight in 10–40 %."""
    data, fw = index_inputs(params.level, params.year, params.real_only)
    mc = ix.monte_carlo(data, fw, params, draws=1000, noise=0.25)
    return mc.merge(ix.rank_range(data, fw, params, band=(0.10, 0.40)), on="area_code")


@st.cache_data(show_spinner=False, max_entries=32, hash_funcs=PARAMS_HASH)
def leave_one_out(params: ix.IndexParams) -> pd.DataFrame:
    data, fw = index_inputs(params.level, params.year, params.real_only)
    return ix.leave_one_out(data, fw, params)


def level_year(level: str, real_only: bool, year: int) -> int:
    """`year` if an index can be computed for it at this level, else the latest such year before it, else the
    latest of all (a 2016 link opened at DeSO level, where only 2024/2025 exist)."""
    years = readers.index_years(level, real_only)
    if year in years:
        return int(year)
    earlier = [y for y in years if y <= year]
    return int(earlier[-1] if earlier else years[-1])


@st.cache_data(show_spinner=False)
def unit_labels(level: str) -> dict[str, str]:
    """Code → name of each unit of a level ("Rinkeby", or "Rinkeby (0180C6070)" for a DeSO)."""
    u = readers.units(level)
    return dict(zip(u["code"], u["name"], strict=True))


@st.cache_data(show_spinner=False, max_entries=32)
def value_origin(level: str, year: int, real_only: bool) -> pd.DataFrame:
    """Per unit, how many of the index values behind `year` are synthetic: area_code, used, synthetic and a text
    for tables ("verkliga", "16 av 20 syntetiska", "syntetiska")."""
    _, fw = index_inputs(level, year, real_only)
    return provenance.value_origin(readers.level_values(level, real_only), fw.indicators, year)


@st.cache_data(show_spinner=False, max_entries=64)
def missing_domains(level: str, real_only: bool, year: int) -> list[str]:
    """The index areas with no value at or before `year` at this level (`levels.missing_domains`), cached: the
    scan of the level's long values took a large share of each rerun of the pages that name them."""
    return levels.missing_domains(readers.level_values(level, real_only), readers.indicators(), year)


@st.cache_data(show_spinner=False, max_entries=64)
def missing_domains_text(level: str, real_only: bool, year: int) -> str | None:
    """The plain sentence naming the index areas with no value at this level (None when all four have data):
    "Hälsa och säkerhet och trygghet saknar verkliga data på stadsdelsnivå – indexet bygger här på försörjning
    och sociala risker." The areas it rests on come in order of how many indicators they have here."""
    missing = missing_domains(level, real_only, year)
    if not missing:
        return None
    names = dict(zip(readers.domains()["code"], readers.domains()["name"], strict=True))
    _, fw = index_inputs(level, year, real_only)
    present = pd.Series(fw.indicator_domains).value_counts(sort=False).sort_values(ascending=False, kind="stable")
    rest = wording._join_names([names[d] for d in present.index]).lower() if len(present) else "inga områden alls"
    lacking = wording._join_names([names[d] for d in missing])
    return f"{lacking} saknar verkliga data på {wording.LEVEL_PHRASES[level]} – indexet bygger här på {rest}."


def validation_params(params: ix.IndexParams) -> ix.IndexParams:
    """The index of `params` (weights, method, aggregation, capping) at RegSO level, for the latest year with
    real values, over all RegSO: what is set against SCB's områdestyp."""
    year = readers.index_years("regso")[-1]
    return ix.IndexParams(**{**params.__dict__, "level": "regso", "real_only": False, "year": year, "universe": "all"})


@st.cache_data(show_spinner=False, max_entries=32, hash_funcs=PARAMS_HASH)
def regso_validation(params: ix.IndexParams, types_year: int, worst: int = 10) -> validation.Validation:
    """The RegSO index of `params` (see `validation_params`) against SCB's områdestyp of `types_year`.

    Raises ValueError when the weights leave nothing to compute at RegSO level."""
    p = validation_params(params)
    scores = index_result(p).scores.merge(
        readers.units("regso")[["code", "name"]], left_on="area_code", right_on="code"
    )
    return validation.compare(scores, readers.regso_types(), types_year, worst=worst)


def validation_tables(val: validation.Validation) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The cross table and the named disagreements (`validation.tables`), each RegSO named by its stadsdel."""
    return validation.tables(val, readers.units("regso").set_index("code")["stadsdel"])


def type_legend() -> str:
    """SCB's five types by name: "Typ 1 = stora socioekonomiska utmaningar; …"."""
    return validation.type_legend()


def validation_summary(val: validation.Validation, index_year: int) -> list[str]:
    """The validation's figures as sentences, numbers in Swedish form."""
    return validation.summary(val, index_year)


def data_changed() -> None:
    """After an import: drop every cached copy of the data so all pages show the new values."""
    st.cache_data.clear()
    index_inputs.clear()
    readers.framework.clear()
    readers.goal_tree.clear()


def follow_shared_writes() -> None:
    """With PostgreSQL, at every rerun: an import or goal tree saved through another app process or the CLI is laid
    over this process's data (one small query when nothing changed), and the cached views are dropped if it was."""
    from lib import db

    try:
        changed = db.catch_up(readers.connection())
    except db.DataError as exc:
        st.warning(f"{exc} Sidan visar data utan de senaste inläsningarna.")
        return
    if changed:
        data_changed()


@dataclass(frozen=True)
class Allocation:
    """One allocation as the Fördelning page draws it: the rows (largest first), the chart's rows per method, the
    screen table and the prepared download."""

    result: pd.DataFrame
    by_method: pd.DataFrame
    table: pd.DataFrame
    sheet: pd.DataFrame


@st.cache_data(show_spinner=False, max_entries=64)
def allocation_view(
    index_params: ix.IndexParams, year: int, by: str, params: allocation.AllocationParams
) -> Allocation:
    """`allocation.allocate` of the programme's units (`allocation_units`) and its tables, cached per choice: a
    rerun that changes nothing need not allocate and prepare again. Raises ValueError as `allocate` does."""
    result = allocation.allocate(allocation_units(index_params, year, by), params)
    sheet = export_tables.allocation(allocation_tables.export(result))
    return Allocation(result, allocation_tables.by_method(result), allocation_tables.table(result), sheet)


@st.cache_data(show_spinner=False, max_entries=64, hash_funcs=PARAMS_HASH)
def plan_situation(params: ix.IndexParams, district: str) -> pd.DataFrame:
    """The stadsdelar of `district` with their index and area scores (`plans.situation`), cached per index: the
    nulägesanalys of a plan depends on the data and the weights only."""
    domains = readers.domains()
    columns = {f"domain_{c}": n for c, n in zip(domains["code"], domains["name"], strict=True) if c != readers.CONTEXT}
    return plans.situation(index_result(params).scores, readers.areas(), district, columns)


@st.cache_data(show_spinner=False, max_entries=64)
def weakest_indicators(district: str, year: int) -> pd.DataFrame:
    """The indicators where `district`'s programme stadsdelar are weakest against the city (`plans`), cached."""
    return plans.weakest_indicators(
        readers.committee_outcomes(district), readers.goal_outcomes("Staden"), readers.indicators(), year
    )


def allocation_units(params: ix.IndexParams, year: int, by: str) -> pd.DataFrame:
    """The 22 programme stadsdelar as allocation rows: unit (`by`: committee, district or name), population and
    risk (1 = city level) from the index with the current weights, normalised against the whole city."""
    ref = index_result(ix.IndexParams(**{**params.__dict__, "method": "ref100", "universe": "all"}))
    composite = ref.scores.set_index("area_code")["composite"]
    return allocation.programme_units(readers.areas(), readers.values_long(), composite, year, by)
