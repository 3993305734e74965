"""Index och vikter: weigh the four areas, see the ranking move, and how much of it is the weights – per stadsdel or
per DeSO, with all values or only the real ones, and set against SCB's socioekonomisk områdestyp.

The storyboard: settings (level, values, year, indicator weights, method) rerun the page; the area sliders and the
view beside them are one fragment, so a slider move redraws only that; the scenarios are a fragment of their own.
The controls are in `ui/weights.py`, the views in `ui/weight_views.py`, the numbers and sentences in
`lib/ranking.py`."""

import streamlit as st

from lib import index as ix
from lib import ranking
from ui import layout, results, urlstate, wording
from ui import weight_views as views
from ui import weights as controls

layout.page_setup()


@st.fragment
@layout.timed
def index_view(settings: ix.IndexParams) -> None:
    """The area weights beside the ranking they give, in the view chosen (table, map, uncertainty, selection or
    validation)."""
    missing = results.missing_domains(settings.level, settings.real_only, settings.year)
    left, right = st.columns([0.95, 2.6], gap="small")
    with left:
        params = controls.area_sliders(settings, missing)
    if (problem := results.weights_problem(params)) is not None:
        st.session_state.pop(urlstate.LAST_INDEX_PARAMS, None)  # other pages and the scenarios never get them
        right.warning(f"{problem} Ingen rangordning räknas med de här vikterna.")
        return
    st.session_state[urlstate.LAST_INDEX_PARAMS] = params
    table = views.change_table(params)  # the ranking and its change against the standard (equal) weights
    with right:
        heading = st.empty()
        view = views.view_choice()
        if view == views.VALIDATION:
            heading.subheader(f"Validering {results.validation_params(params).year} – RegSO mot SCB:s områdestyp")
            views.validation_view(params)
            return
        universe = wording.UNIVERSES[params.universe]
        heading.subheader(ranking.ranking_heading(params.year, params.level, params.universe, universe))
        if view == views.MAP:
            views.ranking_map(table, params)  # needs no robustness draws: the fastest what-if
        else:
            table = views.robustness_note(params)
        if view == views.UNCERTAINTY:
            views.uncertainty_view(table, results.index_result(params), params, results.unit_labels(params.level))
        elif view == views.SELECTION:
            views.selection_view(params)
        elif view == views.TABLE:
            views.ranking_table(params)
        views.ranking_notes(table, params, table_shown=view == views.TABLE)


st.title("Index och vikter")
st.markdown(
    "Det sammanvägda indexet visar var de sociala riskerna är störst. **Flytta reglagen** och se vilka stadsdelar "
    "eller DeSO-områden som byter plats – och hur mycket av rangordningen som beror på vikterna."
)
index_view(controls.settings_controls())
controls.scenario_view()
with st.expander("Så räknas indexet"):
    st.markdown(
        """
1. Varje indikator vänds så att **högre alltid betyder mer risk** och jämförs med jämförelsegruppen: som standard
   är 100 gruppens befolkningsvägda medelvärde, för varje indikator. 120 betyder 20 % sämre än gruppen åt
   vilket håll indikatorn än pekar: 20 % fler med ekonomiskt bistånd eller 20 % lägre inkomst (200 − 100 ·
   värdet / gruppens värde). Den tidigare metoden (kvot, 100 · gruppens värde / värdet där lågt är sämre) finns
   kvar att jämföra med; den gav låga inkomster större vikt än sin vikt.
2. Indikatorerna vägs samman till fyra **områdespoäng** (ett område kräver minst 65 % av sina indikatorer).
   **Barn i hushåll med ekonomiskt bistånd** har standardvikten 0: den mäter nästan samma sak som ekonomiskt
   bistånd, så med båda räknades biståndet två gånger (se Statistisk granskning). Den kan ges en vikt ovan.
   Indikatorer som mäts mer sällan (val, trygghetsmätning) använder senaste mätningen. Indikatorer som saknar
   värden på vald nivå och år räknas inte med.
3. Områdena vägs samman med **reglagens vikter** till ett index. Geometriskt medel gör att ett lågt område inte
   helt kan kompensera ett högt. Ett område utan data på vald nivå väger noll.
4. **Osäkerheten** visas genom att räkna om indexet 1 000 gånger med slumpvis ändrade vikter (±25 %): stapeln
   visar mellan vilka platser enheten hamnar i 90 % av fallen. Alla modellval samtidigt – normalisering,
   aggregering, vikter, indikatorurval och täckningskrav – och vilket av dem som flyttar platserna mest visar
   sidan **Känslighetsanalys**.
5. **Nivåer.** Stadsdel: programmets 117 stadsdelar, med verkliga värden där de finns och annars syntetiska. DeSO:
   SCB:s 544 områden med verkliga värden 2024/2025; varje DeSO räknas till den stadsdel den överlappar mest.
   Stadsdelsvärden från DeSO är befolkningsvägda medelvärden (medianer som vägs samman är inte medianer).
"""
    )
