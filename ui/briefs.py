"""PDF briefs (programme and area) assembled from the cached readers and index results."""

from __future__ import annotations

import pandas as pd

from lib import db, levels
from lib import index as ix
from ui import geometry, maps, readers, results, urlstate, wording


def usable_weights(params: ix.IndexParams) -> ix.IndexParams:
    """`params`, or – when no area with values at its level and year weighs anything (say only hälsa at DeSO
    level) – the same choices with the standard weights, as the Index page falls back to them."""
    _, fw = results.index_inputs(params.level, params.year, params.real_only)
    area, ind = urlstate.default_ratings()
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
    origin = results.value_origin(params.level, params.year, params.real_only)
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

    params = params if params is not None else urlstate.current_index_params(year, level=None)
    params = usable_weights(
        ix.IndexParams(**{**params.__dict__, "year": results.level_year(params.level, params.real_only, year)})
    )
    level = levels.get(params.level)
    result = results.index_result(params)
    robust = results.robustness(params)
    table = result.scores.merge(robust, on="area_code").dropna(subset=["rank"]).sort_values("rank").head(22)
    u = readers.units(params.level).set_index("code")
    names = u["name"]
    origin = results.value_origin(params.level, params.year, params.real_only).set_index("area_code")["text"]
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
    tree = readers.goal_tree()
    outcomes = readers.goal_outcomes("Programområdet")
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
    alloc_year = results.level_year("stadsdel", params.real_only, year)
    alloc_params = ix.IndexParams(**{**params.__dict__, "level": "stadsdel", "year": alloc_year})
    alloc = allocation.allocate(
        results.allocation_units(alloc_params, alloc_year, "committee"), allocation.AllocationParams()
    )
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
        *filter(None, [results.missing_areas_text(params.level, params.real_only, params.year)]),
        f"Index: {wording.METHODS[params.method].lower()}, "
        f"{wording.AGGREGATIONS[params.aggregation].lower()}, vikter enligt "
        "verktygets vy när briefen skapades.",
    ]
    validation_page = None
    types_year = int(readers.regso_types()["year"].max())
    try:
        val = results.regso_validation(params, types_year)
    except ValueError:
        val = None
    if val is not None:
        cross, gaps = results.validation_tables(val)
        validation_page = render.ValidationPage(
            [
                *results.validation_summary(val, results.validation_params(params).year),
                f"SCB:s typer: {results.type_legend()}. Indexet visar: högre eller lägre risk än SCB:s typ.",
            ],
            cross,
            gaps,
        )
    return render.programme_brief(
        params.year,
        intro,
        geometry.deso_frame() if params.level == "deso" else geometry.boundaries().frame,
        maps._composite_map_figure(params, f"Sammanvägt index {params.year} – {level.plural}"),
        ranking,
        stability,
        goals_table,
        alloc_table,
        geometry.district_outlines(),
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

    a = readers.areas().set_index("code").loc[code]
    name = a["name"]
    params = urlstate.current_index_params(year)
    row = results.index_result(params).scores.set_index("area_code").loc[code]
    robust = results.robustness(params).set_index("area_code").loc[code]
    own = readers.stadsdel_values()
    own = own[own["area_code"] == code]
    groups = readers.group_values()
    inds = readers.indicators()
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
    for pair in readers.real_and_model(code).itertuples():
        meta = inds.set_index("code").loc[pair.indicator_code]
        decimals = int(meta["decimals"])
        lines.append(
            f"{meta['name']} {int(pair.year)}: verkligt ({provenance.publisher(pair.real_source)}) "
            f"{number(pair.real, decimals)}, modell (syntetisk) {number(pair.model, decimals)}; skillnad "
            f"{provenance.difference_text(pair.real, pair.model, meta['unit'], decimals)}."
        )
    police = readers.police_shares()
    police = police[police["area_code"] == code]
    if not (readers.units("deso")["area_code"] == code).any():
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
                "Risk (100 = staden)": "" if ind.domain == readers.CONTEXT or not pd.notna(risk) else number(risk, 0),
                "Status": provenance.status(v["synthetic"]),
                "Källa": provenance.short_source(v["source"], v["licence"], v["synthetic"]),
            }
        )
    trend_groups = groups[groups["group"].isin(["Programområdet", "Staden"])].merge(
        readers.group_status(), on=["group", "indicator_code", "year"], how="left"
    )
    trend = pd.concat(
        [own.assign(serie=name), trend_groups.rename(columns={"group": "serie"})],
        ignore_index=True,
    ).merge(inds[["code", "name", "domain"]], left_on="indicator_code", right_on="code")
    trend["status"] = trend["synthetic"].fillna(True).map(provenance.status)
    trend = trend[trend["domain"] != readers.CONTEXT].sort_values(["name", "serie", "year"])
    plan = db.plan(readers.connection(), a["committee"])
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

    refs = readers.reference_figures()
    mine = refs[
        ((refs["area_level"] == "stadsdelsomrade") & (refs["area"] == district))
        | ((refs["area_level"] == "stadsdel") & (refs["area"] == name))
    ]
    ind_names = dict(zip(readers.indicators()["code"], readers.indicators()["name"], strict=True))
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
