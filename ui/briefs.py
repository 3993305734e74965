"""PDF briefs (programme and area): the cached inputs gathered for `lib/briefs.py`, which assembles the PDF."""

from __future__ import annotations

from lib import allocation, db, levels
from lib import briefs as lib_briefs
from lib import index as ix
from ui import geometry, maps, readers, results, urlstate, wording
from ui import sensitivity as sensitivity_view


def usable_weights(params: ix.IndexParams) -> ix.IndexParams:
    """`params`, or – when no area with values at its level and year weighs anything (say only hälsa at DeSO
    level) – the same choices with the standard weights, as the Index page falls back to them."""
    _, fw = results.index_inputs(params.level, params.year, params.real_only)
    area, ind = urlstate.default_ratings()
    for candidate in (
        params,
        params.with_weights(domain={c: float(r) for c, r in area.items()}),
        params.with_weights({c: float(r) for c, r in area.items()}, {c: float(r) for c, r in ind.items()}),
    ):
        try:
            ix.weight_vectors(fw, candidate)
            return candidate
        except ValueError:
            continue
    return params


def _validation_page(params: ix.IndexParams):
    """The index against SCB's områdestyp as a brief page, or None when the weights leave nothing at RegSO level."""
    from lib import render

    types_year = int(readers.regso_types()["year"].max())
    try:
        val = results.regso_validation(params, types_year)
    except ValueError:
        return None
    cross, gaps = results.validation_tables(val)
    return render.ValidationPage(
        [
            *results.validation_summary(val, results.validation_params(params).year),
            f"SCB:s typer: {results.type_legend()}. Indexet visar: högre eller lägre risk än SCB:s typ.",
        ],
        cross,
        gaps,
    )


def brief_sensitivity(params: ix.IndexParams) -> ix.SensitivityResult | None:
    """The sensitivity analysis the brief shows: one in the store for `params`, or – for the standard index, which
    any visitor may have – computed now with the default settings and stored for the page too; else None (the brief
    says where to run it), so a download never makes the server compute an analysis a visitor may not ask for.

    Called from a download's callable, in a thread without a script run: no progress bar, the store and the engine
    directly, under the store's one lock as the page's run."""
    data, fw = results.index_inputs(params.level, params.year, params.real_only)
    store, settings = sensitivity_view.store(), sensitivity_view.DEFAULT_SETTINGS
    found = store.get((params, settings), data) or store.latest(params, data)
    if found is not None or params != sensitivity_view.standard_params(params.year):
        return found
    return store.compute((params, settings), data, lambda: ix.run_sensitivity(data, fw, params, settings))


def programme_brief_pdf(year: int, params: ix.IndexParams | None = None) -> bytes:
    """The printable programme brief for `year` under the current index choices – at stadsdel or DeSO level, with
    all values or only real ones – and the index validated against SCB's socioekonomisk områdestyp. A year the
    level has no values for gives way to the latest one before it (DeSO: 2024/2025 only).

    `params`: the index to show, read with `current_index_params(year)` during the script run. A download
    button's callable runs later in a thread of its own, where neither the session nor the URL can be read, so
    without it the brief would always show the standard index."""
    params = params if params is not None else urlstate.current_index_params(year, level=None, in_url=False)
    params = usable_weights(
        ix.IndexParams(**{**params.__dict__, "year": results.level_year(params.level, params.real_only, year)})
    )
    # The 150 mnkr go to stadsdelsnämnder: their stadsdelar's index, whatever level the ranking is shown at.
    alloc_year = results.level_year("stadsdel", params.real_only, year)
    alloc_params = ix.IndexParams(**{**params.__dict__, "level": "stadsdel", "year": alloc_year})
    deso = params.level == "deso"
    plural = levels.get(params.level).plural
    return lib_briefs.programme_brief_pdf(
        lib_briefs.ProgrammeInputs(
            params=params,
            scores=results.index_result(params).scores,
            robust=results.robustness(params),
            units=readers.units(params.level),
            origin=results.value_origin(params.level, params.year, params.real_only),
            goal_tree=readers.goal_tree(),
            goal_outcomes=readers.goal_outcomes("Programområdet"),
            goal_year=year,
            allocation=allocation.allocate(
                results.allocation_units(alloc_params, alloc_year, "committee"), allocation.AllocationParams()
            ),
            method_label=wording.METHODS[params.method],
            aggregation_label=wording.AGGREGATIONS[params.aggregation],
            frame=geometry.deso_frame() if deso else geometry.boundaries().frame,
            map_figure=maps._composite_map_figure(params, f"Sammanvägt index {params.year} – {plural}"),
            outlines=geometry.district_outlines(),
            missing_text=results.missing_domains_text(params.level, params.real_only, params.year),
            validation=_validation_page(params),
            followups=db.goal_followups(readers.connection(), year=year),
            domain_names=dict(zip(readers.domains()["code"], readers.domains()["name"], strict=True)),
            sensitivity=brief_sensitivity(params),
        )
    )


def area_brief_pdf(code: str, year: int, params: ix.IndexParams | None = None) -> bytes:
    """The printable brief for one stadsdel: profile, every indicator, trends and its nämnd's plan.

    `params`: the index the page shows, read during the script run. A download callable runs after the run, when
    neither the URL nor the session can be read, so without it the brief would fall back to the standard index."""
    area = readers.areas().set_index("code").loc[code]
    params = params if params is not None else urlstate.current_index_params(year, in_url=False)
    own = readers.stadsdel_values()
    police = readers.police_shares()
    return lib_briefs.area_brief_pdf(
        lib_briefs.AreaInputs(
            area=area,
            score=results.index_result(params).scores.set_index("area_code").loc[code],
            robust=results.robustness(params).set_index("area_code").loc[code],
            own=own[own["area_code"] == code],
            groups=readers.group_values(),
            group_status=readers.group_status(),
            indicators=readers.indicators(),
            pairs=readers.real_and_model(code),
            police=police[police["area_code"] == code],
            has_deso=bool((readers.units("deso")["area_code"] == code).any()),
            plan=db.plan(readers.connection(), area["committee"]),
            references=readers.reference_figures(),
            year=year,
            goal_tree=readers.goal_tree(),
            followups=db.goal_followups(readers.connection(), year=year),
        )
    )
