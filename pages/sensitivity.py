"""Känslighetsanalys: for any stadsdel, which modelling choice moves its rank and by how much – the JRC/OECD
handbook's uncertainty and sensitivity analysis of the index in effect, on request.

The storyboard: the year, the stadsdel, the runs and the seed, the button; then the rank bands, the assumptions
overall, the chosen stadsdel, the downloads and how it is done. The figures are `lib/index/sensitivity.py`, the
words and tables `lib/sensitivity_texts.py`, the charts `lib/charts/sensitivity.py`, the store, who may run what
and the sections `ui/sensitivity.py`."""

import streamlit as st

from lib import sensitivity_texts as texts
from lib.index import sensitivity as sens
from ui import layout, readers, sign_in, urlstate
from ui import sensitivity as view

SCOPES = ("Programmets 22", "Alla som rangordnas")
DEFAULT = view.DEFAULT_SETTINGS

layout.page_setup()

st.title("Känslighetsanalys")
intro = st.container()

years = readers.index_years("stadsdel")
names = sorted(readers.area_names().values())
code_of = {n: c for c, n in readers.area_names().items()}
c1, c2, c3, c4 = st.columns([1, 2, 1.4, 1.2])
year = int(c1.selectbox("Indexår", years[::-1], key=urlstate.YEAR, bind="query-params"))
choice = c2.selectbox("Stadsdel", names, index=names.index("Rinkeby"), key=urlstate.STADSDEL, bind="query-params")
samples = c3.selectbox(
    "Antal körningar",
    sens.SAMPLE_CHOICES,
    index=sens.SAMPLE_CHOICES.index(DEFAULT.samples),
    format_func=lambda n: texts.runs_label(n, view.N_ASSUMPTIONS),
    key=urlstate.SAMPLES,
    bind="query-params",
    help="Fler körningar ger säkrare index men tar längre tid.",
)
seed = int(
    c4.number_input(
        "Slumpfrö",
        min_value=0,
        max_value=2**31 - 1,
        value=DEFAULT.seed,
        step=1,
        format="%d",
        key=urlstate.SEED,
        bind="query-params",
        help="Ett heltal. Samma slumpfrö och samma inställningar ger exakt samma resultat.",
    )
)

asked = sens.SensitivitySettings(samples=int(samples), seed=seed)
params, settings, restricted = view.allowed(urlstate.current_index_params(year), asked, sign_in.current_editor())
runs = texts.runs_label(settings.samples, view.N_ASSUMPTIONS)
intro.markdown(
    "Hur säker är en stadsdels plats i indexet? Här varieras indexets modellval – **normalisering**, "
    "**aggregering**, **områdesvikter ±50\u00a0%**, **en indikator i taget utelämnad** och "
    "**täckningskrav 50–80\u00a0%** – "
    f"samtidigt, i {runs}, och analysen visar vilket val som flyttar platserna mest."
)
if restricted:
    st.info(
        "Logga in som redigerare för att köra analysen med andra vikter eller inställningar; här visas standardindexet."
    )
st.markdown(view.index_sentence(params, settings, restricted))

b1, b2 = st.columns([1, 4], vertical_alignment="center")
clicked = b1.button("Kör analysen", type="primary", icon=":material/play_arrow:", on_click=view.show)
shown = b2.toggle("Visa resultatet", key=urlstate.ANALYSIS, bind="query-params")
result = view.cached(params, settings)
if clicked and result is None:
    result = view.run(params, settings)

if result is None or not shown:
    st.caption(
        "Analysen med de här inställningarna är inte beräknad ännu. Tryck på **Kör analysen**; den tar några "
        "sekunder och sparas sedan för alla som öppnar samma länk."
        if result is None
        else "Analysen är beräknad. Slå på **Visa resultatet** eller tryck på **Kör analysen** för att se den."
    )
else:
    st.subheader("Platsernas spridning")
    scope = st.segmented_control(
        "Visa", SCOPES, default=SCOPES[0], required=True, key=urlstate.MAP_SCOPE, bind="query-params"
    )
    view.bands_section(result, whole=scope == SCOPES[1])

    st.subheader("Vilket antagande flyttar platserna mest")
    view.overall_section(result)

    st.subheader(choice)
    view.unit_section(result, code_of[choice])

    st.subheader("Ladda ner")
    view.download_section(result, params)

    st.subheader("Spara med ett scenario")
    view.save_section(result, params)

with st.expander("Så görs analysen"):
    st.markdown(
        f"""
Analysen följer OECD:s och EU-kommissionens handbok för sammansatta index (2008): först osäkerhetsanalys (hur mycket
platserna varierar), sedan känslighetsanalys (vilket antagande variationen beror på).

1. **Antagandena och deras fördelningar.** Normaliseringen dras lika ofta bland ”100 = jämförelsegruppen”, z-poäng,
   min–max och percentil. Aggregeringen är aritmetiskt eller geometriskt medel med lika sannolikhet. Varje områdes vikt
   dras jämnt mellan hälften och en och en halv gånger den inställda vikten. Indikatorurvalet är antingen alla
   viktade indikatorer eller alla utom en, där varje indikator lika ofta är den som lämnas ute. Täckningskravet –
   hur stor del av ett områdes indikatorer en stadsdel måste ha värden för – dras jämnt mellan 50 och 80 %.
2. **Saltelli-urval.** Alla antaganden dras samtidigt ur ett kvasislumpmässigt Sobol-urval, ordnat så att
   varje antagande kan bytas ut ett i taget. Med {runs} räknas indexet och varje stadsdels plats om lika
   många gånger. Samma slumpfrö ger samma urval och samma resultat.
3. **Förstagradsindex** (S1) är hur stor del av variationen i platsen som ett antagande förklarar **ensamt**.
   **Totalindex** (ST) räknar dessutom med dess **samspel** med de andra antagandena, till exempel att valet av
   normalisering betyder mer med geometriskt medel. Båda ligger mellan 0 och 1; ett totalindex nära 0 betyder att
   antagandet inte spelar någon roll, och skillnaden mellan totalindex och förstagradsindex är samspelets del.
4. För hela rangordningen är måttet hur många platser stadsdelarna i genomsnitt flyttar från indexets egna val.
   För en stadsdel är det dess egen plats; en stadsdel som saknar index i någon körning (täckningskravet) får
   inga index per antagande.
5. Indexen och deras 95 % konfidensintervall (omsampling, 100 gånger) räknas med det öppna Python-biblioteket
   **SALib**, inte med egna formler. Intervallen blir smalare med fler körningar. En skattning strax under 0 är
   slumpbrus kring 0 och visas som 0; nedladdningen har skattningarna som de är.
"""
    )
