"""Statistisk granskning: the checks a statistician makes of a composite index (the JRC/OECD handbook's), on the
index in effect – where indicators overlap, whether each area measures one thing, and how much each indicator
really weighs against its nominal weight.

The storyboard: the year, the index it audits in words, then three sections (overlap, coherence, weights) and the
downloads. The figures are `lib/index/audit.py`, the words and tables `lib/audit_texts.py`, the charts
`lib/charts/audit.py`, the sections `ui/audit.py`."""

import streamlit as st

from ui import audit as view
from ui import layout, readers, urlstate

layout.page_setup()

st.title("Statistisk granskning")
st.markdown(
    "Ett sammanvägt index är bara så bra som sina delar. Här granskas indexet som det är inställt just nu, på "
    "samma sätt som en statistiker skulle göra: **vilka indikatorer mäter nästan samma sak**, **hänger varje "
    "område ihop**, och **hur mycket väger varje indikator egentligen** jämfört med sin vikt."
)

years = readers.index_years("stadsdel")
left, _ = st.columns([1, 4])
year = int(left.selectbox("Indexår", years[::-1], key=urlstate.YEAR, bind="query-params"))
params = urlstate.current_index_params(year)
audit = view.index_audit(params)
st.markdown(view.index_sentence(params, audit))
st.caption("Vikterna och metoden ändras på sidan Index och vikter; granskningen följer med.")

st.subheader("Överlappande indikatorer")
view.overlap_section(audit)

st.subheader("Områdenas samstämmighet")
view.coherence_section(audit)

st.subheader("Nominell och effektiv vikt")
view.weights_section(audit, params)

st.subheader("Ladda ner")
view.download_section(audit, params)

with st.expander("Så görs granskningen"):
    st.markdown(
        """
Granskningen följer OECD:s och EU-kommissionens handbok för sammansatta index (2008).

1. Alla beräkningar görs på indikatorernas **normaliserade** värden, så som indexet använder dem, för de enheter
   som får ett index i jämförelsegruppen.
2. **Korrelationen** r mellan två indikatorer räknas över de enheter som har värden på båda. Par med |r| ≥ 0,9
   markeras som möjlig dubbelräkning, både inom och mellan områden.
3. **Första komponentens andel** är den största egenvärdet av områdets korrelationsmatris delat med antalet
   indikatorer. **Cronbachs α** räknas på de enheter som har alla områdets indikatorer.
4. **Effektiv vikt** är indikatorns andel av indexets varians: kovariansen mellan indikatorns bidrag och indexet
   delat med indexets varians. Med aritmetiskt medel summerar de effektiva vikterna till 100 %.
5. **Betydelse** är r² mellan indikatorn och indexet – hur mycket av indexets variation indikatorn ensam
   förklarar – räknat som andel av summan för alla indikatorer.
"""
    )
