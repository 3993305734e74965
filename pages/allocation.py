"""Fördelning av medel: share the proposed 150 mnkr in proportion to need, and compare with simpler splits."""

import streamlit as st

from lib import allocation as al
from lib import allocation_tables, charts
from lib.fmt import number
from ui import downloads, layout, numbers, readers, results, tables, urlstate

layout.page_setup()

UNITS = {"Stadsdelsnämnder": "nämnd", "Stadsdelar": "stadsdel"}
METHOD_LABELS = allocation_tables.METHOD_LABELS

st.title("Fördelning av medel")
st.markdown(
    "För programperioden 2015–2020 föreslås 150 miljoner kronor för stadsdelsnämndernas lokala arbete med social "
    "hållbarhet, och arbetets omfattning och intensitet bör stå i proportion till graden av social risk. Här "
    "fördelas summan som ett räkneexempel efter **behov = folkmängd × social risk** med indexets nuvarande vikter."
)

years = readers.data_years()
c1, c2, c3 = st.columns([1.2, 1.6, 1])
total = numbers.amount_input(c1, "Summa (mnkr)", key=urlstate.TOTAL, default=150.0, minimum=1.0, maximum=10_000.0)
unit_label = c2.segmented_control(
    "Fördela på", list(UNITS), default="Stadsdelsnämnder", required=True, key=urlstate.UNIT, bind="query-params"
)
year = int(c3.selectbox("Indexår", years[::-1], key=urlstate.YEAR, bind="query-params"))
c4, c5, c6 = st.columns(3)
exponent = c4.select_slider(
    "Hur starkt risken väger (exponent)",
    [0.0, 0.5, 1.0, 1.5, 2.0, 3.0],
    value=1.0,
    format_func=lambda v: number(v, 1),
    key=urlstate.EXPONENT,
    bind="query-params",
    help="0 = bara folkmängd, 1 = proportionellt mot risken, 2 = risken i kvadrat.",
)
threshold = c5.select_slider(  # a select slider, so the steps read 0,05 and not 0.05
    "Tröskel (1,0 = stadens nivå)",
    [round(0.05 * i, 2) for i in range(31)],
    value=0.0,
    format_func=lambda v: number(v, 2),
    key=urlstate.THRESHOLD,
    bind="query-params",
    help="Bara risk över tröskeln räknas som behov. 1,0 = bara det som ligger över stadens nivå.",
)
floor = numbers.amount_input(
    c6,
    "Golv per enhet (mnkr)",
    key=urlstate.FLOOR,
    default=0.0,
    minimum=0.0,
    maximum=10_000.0,
    help="Varje enhet får först golvet; resten fördelas efter behov.",
)

index_params = urlstate.current_index_params(year, fallback=False)
if (problem := results.weights_problem(index_params)) is not None:
    st.warning(f"{problem} Inget fördelas med de här vikterna – ändra dem på sidan Index och vikter.")
    st.stop()
by = "committee" if UNITS[unit_label] == "nämnd" else "name"
try:
    params = al.AllocationParams(
        total=float(total),
        unit=UNITS[unit_label],
        exponent=float(exponent),
        threshold=float(threshold),
        floor=float(floor),
    )
    figures = results.allocation_view(index_params, year, by, params)
except ValueError as exc:
    st.error(str(exc))
    st.stop()
result = figures.result

top = result.iloc[0]
m1, m2, m3 = st.columns(3)
m1.metric(
    "Störst andel",
    allocation_tables.short_name(top["unit"]),
    f"{number(top['amount_kr'] / al.KR_PER_MNKR, 1)} mnkr",
    delta_color="off",
    help=str(top["unit"]),
)
m2.metric("Per invånare, högst", f"{number(result['per_capita_kr'].max(), 0)} kr")
m3.metric("Per invånare, lägst", f"{number(result['per_capita_kr'].min(), 0)} kr")

chart = charts.allocation_bars(
    figures.by_method, list(result["unit"]), list(METHOD_LABELS.values()), UNITS[unit_label].capitalize()
)
st.altair_chart(chart, width="stretch")

styled, columns = tables.allocation(figures.table, UNITS[unit_label].capitalize())
st.dataframe(styled, hide_index=True, width="stretch", column_config=columns)
downloads.download_buttons(figures.sheet, f"fordelning_{year}", "fordelning")
st.caption(
    f"Behov = folkmängd {year} × (risk − tröskel)^exponent, där risk är det sammanvägda indexet mot staden (1 = "
    "stadens nivå) med vikterna från sidan Index och vikter. Fördelningen gäller programmets 22 stadsdelar i det "
    "**preliminära urvalet**. :orange[Syntetiska värden] – räkneexempel, inte ett beslutsunderlag. Beloppen är "
    f"hela kronor (största resten avrundas uppåt), så varje fördelning summerar exakt till "
    f"{number(params.total_kr, 0)} "
    "kr; tabellen visar mnkr med två decimaler, nedladdningen hela kronor."
)
