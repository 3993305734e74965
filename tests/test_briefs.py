"""The PDF briefs built from data read through lib (no Streamlit): what they say, read back with pypdf."""

from __future__ import annotations

import io

import pandas as pd
from pypdf import PdfReader

from lib import aggregate, allocation, briefs, db, geo, levels, profile, provenance, render
from lib import index as ix
from lib.config import Paths

YEAR = 2025


def pdf_text(pdf: bytes) -> str:
    return " ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages)


def framework(con) -> ix.Framework:
    return ix.Framework.from_meta(db.indicators(con), list(db.domains(con)["code"]), db.domains(con))


def index_at(con, params: ix.IndexParams) -> tuple[ix.IndexResult, pd.DataFrame]:
    data, fw = ix.build_index_data(
        levels.values(con, params.level, params.real_only), levels.units(con, params.level), framework(con), params.year
    )
    robust = ix.monte_carlo(data, fw, params, draws=50, noise=0.25).merge(
        ix.rank_range(data, fw, params, band=(0.10, 0.40)), on="area_code"
    )
    return ix.compute_index(data, fw, params), robust


def origin(con, params: ix.IndexParams) -> pd.DataFrame:
    """Per unit, how many of its index values behind the year are synthetic (as the app's `value_origin`)."""
    latest = aggregate.latest_at(
        levels.values(con, params.level, params.real_only), params.year, ("area_code", "indicator_code")
    )
    latest = latest[latest["indicator_code"].isin(framework(con).indicators) & latest["value"].notna()]
    out = latest.assign(synthetic=latest["synthetic"].astype(bool)).groupby("area_code")["synthetic"]
    out = out.agg(used="size", synthetic="sum").reset_index()
    out["text"] = [
        "verkliga" if s == 0 else f"{s} av {n} syntetiska" for s, n in zip(out["synthetic"], out["used"], strict=True)
    ]
    return out


def groups(con) -> pd.DataFrame:
    return aggregate.group_values(db.values_long(con), aggregate.standard_groups(db.areas(con)))


def test_programme_brief_names_the_level_marks_synthetic_values_and_prints_the_ranking(con):
    params = ix.IndexParams(year=YEAR)
    result, robust = index_at(con, params)
    areas = db.areas(con)
    prog = areas[areas["in_programme"]]
    risk = result.scores.set_index("area_code")["composite"] / result.scores["composite"].mean()
    units = pd.DataFrame({"unit": prog["committee"], "population": 10_000.0, "risk": prog["code"].map(risk)})
    boundaries = geo.load_boundaries(Paths().stadsdel_geo, Paths().official_geo).frame
    g = groups(con)
    pdf = briefs.programme_brief_pdf(
        briefs.ProgrammeInputs(
            params=params,
            scores=result.scores,
            robust=robust,
            units=levels.units(con, "stadsdel"),
            origin=origin(con, params),
            goal_tree=db.goal_tree(con),
            goal_outcomes=g[g["group"] == "Programområdet"][["indicator_code", "year", "value"]],
            goal_year=YEAR,
            allocation=allocation.allocate(units, allocation.AllocationParams()),
            method_label="Referensvärde",
            aggregation_label="Aritmetiskt medel",
            frame=boundaries,
            map_figure=render.MapFigure({}, [("hög", "#b30000")], "Sammanvägt index 2025 – stadsdelar", "Karta"),
            outlines=geo.district_outlines(boundaries),
        )
    )
    text = pdf_text(pdf)
    assert "Nivå: stadsdel" in text
    assert "syntetiska" in text  # the values line and the ranking's Värden column mark modelled values
    assert "Rinkeby" in text
    assert "Stadsdelsnämnd" in text and "Efter behov (mnkr)" in text
    top = result.scores.dropna(subset=["rank"]).sort_values("rank").iloc[0]
    assert str(levels.units(con, "stadsdel").set_index("code").loc[top["area_code"], "name"]) in text


def test_values_line_says_all_real_at_deso_level_and_counts_synthetic_stadsdelar():
    origin = pd.DataFrame({"area_code": ["a", "b", "c"], "synthetic": [0, 3, 20], "text": ["", "", ""]})
    assert "alla verkliga" in briefs.values_line(ix.IndexParams(level="deso", year=YEAR), origin)
    assert "endast verkliga" in briefs.values_line(ix.IndexParams(real_only=True, year=YEAR), origin)
    assert "2 av 3 stadsdelars index 2025" in briefs.values_line(ix.IndexParams(year=YEAR), origin)


def test_area_brief_names_the_stadsdel_and_prints_the_indicator_table_with_status(con):
    code = "rinkeby"
    params = ix.IndexParams(year=YEAR)
    result, robust = index_at(con, params)
    area = db.areas(con).set_index("code").loc[code]
    values = levels.values(con, "stadsdel")
    police = levels.police_shares(con)
    long = db.values_long(con)
    pdf = briefs.area_brief_pdf(
        briefs.AreaInputs(
            area=area,
            score=result.scores.set_index("area_code").loc[code],
            robust=robust.set_index("area_code").loc[code],
            own=values[values["area_code"] == code],
            groups=groups(con),
            group_status=provenance.group_status(long, aggregate.standard_groups(db.areas(con))),
            indicators=db.indicators(con),
            pairs=db.real_and_model(con, code),
            police=police[police["area_code"] == code],
            has_deso=True,
            plan=db.plan(con, area["committee"]),
            references=db.reference_figures(con),
            year=YEAR,
        )
    )
    text = pdf_text(pdf)
    assert "Rinkeby" in text
    assert "Indikator" in text and "Risk (100 = staden)" in text and "Källa" in text
    assert "syntetisk" in text  # modelled values are marked as such
    assert area["committee"] in text


def test_one_indicator_table_for_page_and_brief(con):
    """The page's and the brief's tables come from the same rows: same years, values and risks."""
    values = levels.values(con, "stadsdel")
    own = values[values["area_code"] == "husby"]
    table = profile.indicator_table(own, groups(con), db.indicators(con), 2016)
    assert (table["year"] <= 2016).all()
    shown, numeric = profile.page_tables(table, {})
    printed = briefs.print_indicators(table)
    assert list(shown["År"]) == list(printed["År"]) == list(numeric["År"])
    context = table["context"]
    assert shown.loc[context.to_numpy(), "Risk mot staden (100)"].isna().all()
    assert (printed.loc[context.to_numpy(), "Risk (100 = staden)"] == "").all()


def test_latest_at_takes_each_keys_last_value_up_to_the_year():
    frame = pd.DataFrame(
        {"indicator_code": ["a", "a", "a", "b"], "year": [2020, 2014, 2016, 2019], "value": [1, 2, 3, 4]}
    )
    got = aggregate.latest_at(frame, 2018).set_index("indicator_code")["value"].to_dict()
    assert got == {"a": 3}
