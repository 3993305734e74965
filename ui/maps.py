"""Map and legend building: the pydeck decks, the legend chart, status channels and the map figure for briefs."""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

import pandas as pd
import streamlit as st

from lib import geo
from lib import index as ix
from ui import geometry, readers, results

if TYPE_CHECKING:
    from lib import maplayer


def publish_labels(text: str) -> str | None:
    """The map names' outlines as an address under app/static/ (`lib.static_files`), so a rerun sends the address
    rather than ~40 KB of outlines; None (the outlines go in the spec) when static serving is off."""
    from lib import static_files
    from lib.config import Paths

    if not st.get_option("server.enableStaticServing"):
        return None
    return static_files.publish(text, "namn", Paths().static_dir)


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
    label_size: float | None = None,
):
    """The composite index of the units in `values` (code → index) on the map, in quantile classes,
    darker = more risk; the rest are grey context. Returns the deck and its legend table.

    `level`: "stadsdel" (the official stadsdel map) or "deso" (the 544 DeSO polygons, named by RegSO and code,
    with their stadsdel and stadsdelsområde in the tooltip). `notes`: the tooltip's last line per code; by
    default "syntetiskt värde" for stadsdelar and "verkligt värde (SCB)" for DeSO, whose values are all real.
    `label_size`: the stadsdel labels' size in pixels (None: the maps' usual size; larger on a slide)."""
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
    frame, geometries = geometry.boundaries().frame, geometry.shapes()
    height, width = size
    deck = mapview.build_deck(
        mapview.feature_collection(frame, data, shapes=geometries),
        geometry.district_outline_json(),
        labels,
        mapview.view_state(frame, height_px=height, width_px=width),
        tooltip,
        water=geometry.water_json(),
        label_size=label_size or mapview.LABEL_SIZE_PX,
        publish=publish_labels,
    )
    return deck, classify.legend_table(cls, decimals, True)


def legend_chart(legend: pd.DataFrame) -> None:
    """The map legend: swatches and ranges, the riskiest class on top, as a picture (`mapview.legend_svg`: a
    Vega-Lite chart here made the browser load and start Vega before the map page was done)."""
    from lib import mapview

    if not legend.empty:
        st.image(mapview.legend_svg(legend), width="content")


def _composite_map_figure(params: ix.IndexParams, title: str):
    """Colours of the composite index over the programme stadsdelar – or, at DeSO level, the DeSO in them
    (quantiles), for print. The caption says whether the values are synthetic or real."""
    from lib import render

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
    return render.programme_map_figure(results.index_result(params).scores, readers.units(params.level), title, caption)


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
    shares = readers.police_shares()
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
        geometry.deso_polygons(),
        dict(zip(police["code"], police["share"], strict=True)),
        set(police.loc[police["severe"], "code"]),
    )
    return mapview.police_layers(rows, geometry.deso_polygons().origin), set(police["code"])


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

    u = readers.units("deso").set_index("code")
    polygons = geometry.deso_polygons()
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
    outlines, water = geometry.compact_context_json()
    height, width = size
    return mapview.build_deck(
        None,
        outlines,
        labels,
        mapview.view_state(geometry.boundaries().frame, height_px=height, width_px=width),
        mapview.deso_tooltip(rows, value_line, status),
        water=water,
        area_layer=mapview.deso_layer(rows, polygons.origin),
        overlays=tuple(overlays),
        water_on_top=True,
        publish=publish_labels,
    )


# --- The Karta page's decks: any layer, its classes, ranks and overlays ----------------------------------------


def choropleth_deck(
    values: maplayer.LayerValues,
    classes: maplayer.Classes,
    ranked: maplayer.Ranking,
    shown_codes: set[str],
    labels: pd.DataFrame,
    size: tuple[int, int],
    police: pd.DataFrame | None,
    outline: dict[str, list[int]],
):
    """The Karta page's stadsdel map of any layer: coloured units with value, rank and status in the tooltip,
    Polisen's areas on top."""
    from lib import maplayer, mapview

    data = mapview.MapData(
        classes.step_of,
        classes.cls.k,
        maplayer.stadsdel_value_texts(values, ranked.cover_text),
        shown_codes,
        maplayer.stadsdel_notes(values.status, police),
        ranked.rank_text,
        outline,
        colours=classes.colours,
    )
    bounds = geometry.boundaries()
    return mapview.build_deck(
        mapview.feature_collection(bounds.frame, data, shapes=geometry.shapes()),
        geometry.district_outline_json(),
        labels,
        mapview.view_state(bounds.frame, height_px=size[0], width_px=size[1]),
        "<b>{name}</b><br/>{district}<br/>{value_text}<br/>{rank_text}<br/><i>{note}</i>",
        water=geometry.water_json(),
        overlays=police_overlay()[0] if police is not None else (),
        publish=publish_labels,
    )


def choropleth_deso_deck(
    values: maplayer.LayerValues,
    classes: maplayer.Classes,
    ranked: maplayer.Ranking,
    shown_codes: set[str],
    labels: pd.DataFrame,
    size: tuple[int, int],
    police: bool,
    selected: str | None,
):
    """The Karta page's DeSO map of any layer; no rank in its tooltip: 544 of them would outgrow the 150 KB per
    rerun (the side panel has it)."""
    from lib import maplayer, mapview
    from lib.fmt import number

    data = mapview.MapData(
        classes.step_of,
        classes.cls.k,
        {c: number(v, values.decimals) for c, v in values.values.items() if pd.notna(v)},
        shown_codes,
        {},
        {},
        colours=classes.colours,
    )
    return deso_deck(
        data,
        labels,
        size,
        maplayer.deso_value_line(values, ranked.cover_text),
        maplayer.deso_status(values.status),
        police=police,
        selected=selected,
    )
