"""Data och källor: what every indicator means, where it comes from, which values are real (with source, licence
and year) and which are synthetic."""

import streamlit as st

from lib import source_tables
from lib.config import YEARS
from lib.fmt import number
from ui import downloads, import_panels, layout, readers, sources, urlstate

layout.page_setup()

st.title("Data och källor")
st.markdown(
    "Varje värde i verktyget har en källa och ett år – eller är markerat som **syntetiskt**. Här finns "
    "indikatorkatalogen, de verkliga data som följer med (SCB 2024/2025, stadens folkmängd 2014–2016, Polisens lista "
    "2025), hur de syntetiska värdena är gjorda och de publicerade siffror de kalibrerats mot."
)
st.caption(f"Källhänvisning: {layout.ATTRIBUTION_NOTE}")

status = readers.data_status()
c1, c2, c3, c4 = st.columns(4)
c1.metric("Syntetiska värden", number(status["synthetic_values"], 0))
c2.metric("Verkliga värden", number(status["real_values"], 0))
c3.metric("Publicerade jämförelsesiffror", number(status["reference_figures"], 0))
c4.metric(
    "Varav kalibreringsmål",
    number(sources.calibration_count(), 0),
    help=f"Siffror som mäter samma sak som en indikator {YEARS[0]}–{YEARS[-1]}; de syntetiska värdena återger dem.",
)

st.subheader("Indikatorkatalog")
st.caption(
    "Efter Västra Götalandsmodellens fyra områden. Riktningen anger vad som räknas som högre risk. Antalet verkliga "
    "och syntetiska värden per stadsdel och deras år står först; verkliga värden per DeSO räknas för sig."
)
inds = readers.indicators()
catalogue, catalogue_sheet, text_counts = sources.catalogue()
st.dataframe(
    catalogue,
    hide_index=True,
    width="stretch",
    column_config={
        "Definition": st.column_config.TextColumn(width="large"),
        # Counts of 1 000 and more are Swedish text ("1 456"); aligned right like the counts that stay numbers.
        **{c: st.column_config.TextColumn(alignment="right") for c in text_counts},
    },
)
downloads.csv_button(catalogue_sheet, "Ladda ner katalogen (CSV)", "indikatorkatalog.csv")

st.subheader("Verkliga data")
st.markdown(
    "Öppet licensierad statistik som följer med verktyget. Verkliga värden visas som **verkliga** med källa, licens "
    "och år i hela verktyget; där de finns ersätter de modellens värde för samma stadsdel, indikator och år."
)
st.table(sources.real_sources())
st.caption(
    "Rader: värden, områden eller kartytor i verktyget. Stadskartan är utgåvan 2021-04-13. Polisens lista återges "
    "som andelar av DeSO med källa; Polisen anger ingen licens. Namnen på kartorna är tecknade med bokstäver ur "
    "typsnittet DejaVu Sans Condensed Bold (fri licens från Bitstream och DejaVu; följer med i geo/glyphs.json)."
)
st.markdown(f"**Källhänvisning:** {layout.ATTRIBUTION_NOTE}")

facts = sources.deso_facts()
low_overlap, no_deso, parents, parts = facts.low_overlap, facts.no_deso, facts.parents, facts.parts
st.markdown(
    f"""
**Så hör DeSO till stadsdelar.** Varje DeSO (SCB:s indelning 2018, {facts.units} i Stockholm) räknas helt till
den stadsdel det överlappar mest enligt stadens stadsdelsgränser. {low_overlap} av {facts.units} DeSO överlappar
sin stadsdel mindre än 80 %; för stadsdelarna runt dem är de DeSO-baserade värdena en uppskattning, och stadsdelens
profil flaggar dem. {len(no_deso)} små stadsdelar – {", ".join(no_deso)} – innehåller inget eget DeSO och har därför
inga DeSO-baserade värden. En stadsdels värde är det befolkningsvägda medlet av dess DeSO (folkmängd 2025), och
folkmängden summeras; för ekonomisk standard, en median, blir det ett medel av medianer, inte en median.

**DeSO 2025 blir DeSO 2018.** SCB redovisar 2024 och 2025 per DeSO enligt 2025 års indelning, där några områden
har delats. {parts} DeSO från 2025 ligger i {parents} delade DeSO från 2018 och slås ihop med sitt 2018-område:
folkmängden summeras, övriga mått vägs med folkmängden. Polisens lista anges per DeSO 2025 och knyts till
2018-området på samma sätt. Två DeSO med studentbostäder på Norra Djurgården (0180C5431, 0180C5900) har extrema
men verkliga värden.
"""
)

REAL_TABLES = source_tables.REAL_TABLES
which = st.selectbox("Tabell att visa och ladda ner", REAL_TABLES, key=urlstate.REAL_TABLE, bind="query-params")
real = sources.real_table(which)  # only the table asked for is read; its screen copy is Swedish text, ready
st.dataframe(real.text, hide_index=True, width="stretch", height=280)
downloads.download_buttons(real.sheet, f"verkliga_data_{REAL_TABLES.index(which) + 1}", "verklig_tabell_ned")
st.caption(f"{number(real.rows, 0)} rader · varje rad med källa, licens och år. {layout.ATTRIBUTION_NOTE}.")

st.subheader("Så är de syntetiska värdena gjorda")
st.markdown(
    """
Stadsdelsstatistik för programperioden 2015–2020 finns inte i det material verktyget får levereras med. Därför är
stadsdelarnas värden 2012–2025 **syntetiska** (modellerade) utom där verkliga data finns ovan – förvärvsfrekvens 2024,
de nya SCB-måtten 2024/2025 och folkmängd 2014–2016 och 2025 – eller staden läser in sina egna:

1. **Folkmängd**: stadsdelens verkliga folkmängd 2014–2016 (staden) och 2025 (SCB); åren däremellan interpoleras
   och 2012–2013 skrivs bakåt med samma tillväxt.
2. **En gemensam underliggande utsatthet** per stadsdel, bara ur verkliga data: stadsdelens låga ekonomiska
   standard 2024 (SCB) och stadsdelsområdets andel med ekonomiskt bistånd 2015, plus slump. Modellen läser aldrig
   programmets lista över stadsdelar. Utsattheten gör att indikatorerna samvarierar som i verkligheten.
3. **Indikatorerna** får rimliga nivåer, trender och årlig variation – större variation där färre bor.
   Stadsdelar med färre än 1 000 invånare får inga värden, som i officiell statistik.
4. **Kalibrering**: där en jämförbar verklig siffra finns för en stadsdel, ett stadsdelsområde eller staden
   justeras värdena så att det befolkningsvägda medelvärdet stämmer med den.

Modellens värden finns kvar även där ett verkligt värde ersätter dem, så att stadsdelens profil kan visa båda sida
vid sida. Modellen är deterministisk (`python -m lib.cli generate-data`) och beskrivs i `lib/synthetic.py`.
"""
)

st.subheader("Preliminärt urval av stadsdelar")
st.dataframe(sources.programme_selection(), hide_index=True, width="stretch")

st.subheader("Verkliga publicerade siffror")
st.caption(
    "Siffror ur Statistisk årsbok för Stockholm och andra källor, mest per stadsdelsområde. "
    f"”Kalibrering” = ja när siffran mäter samma sak som en indikator för ett år {YEARS[0]}–{YEARS[-1]} och därför "
    "styr de syntetiska värdena. ”Källtyp” = andrahandskälla när länken inte går till utgivaren själv utan till "
    "t.ex. ett uppslagsverk, en nyhetsartikel eller en kopia på en dokumentsajt."
)
st.dataframe(
    sources.reference_table(),
    hide_index=True,
    width="stretch",
    column_config={"Källa": st.column_config.LinkColumn(display_text="öppna")},
)

st.subheader("Läs in verkliga värden")
st.markdown(
    "Ladda upp stadens egna siffror som CSV eller Excel – i **lång** layout (stadsdel, indikator, år, värde, källa) "
    f"eller **bred** (stadsdel, år, källa och en kolumn per indikator), för åren {YEARS[0]}–{YEARS[-1]}. Ett inläst "
    "värde ersätter det som finns för samma stadsdel, indikator och år. Svenska format fungerar: semikolon, "
    "decimalkomma, mellanslag mellan tusental, UTF-8, UTF-16 eller Windows-1252. Filen kontrolleras först; inget "
    "skrivs förrän allt stämmer, och en inläsning kan ångras. Högst "
    f"{import_panels.limits_text()}; en kolumn som inte kan läsas in räknas som ett problem."
)

areas_all = readers.areas()
mall_lang, mall_bred = sources.templates()
t1, t2 = st.columns(2)
with t1:
    st.markdown("**Mall, lång layout**")
    downloads.download_buttons(mall_lang, "mall_lang", "mall_lang")
with t2:
    st.markdown("**Mall, bred layout**")
    downloads.download_buttons(mall_bred, "mall_bred", "mall_bred")
import_panels.values_upload(areas_all, inds)
import_panels.import_history()

st.subheader("Målträdet")
st.markdown(
    "Programmets mål, ansvar, indikatorer och aktiviteter beskrivs i en YAML-fil. Ladda ner målträdet som gäller, "
    "ersätt de illustrativa texterna med programmets riktiga och läs in det igen – det kontrolleras först och "
    "installeras sedan i databasen med vem som gjorde det och när, och finns kvar när databasen byggs om. Ett "
    "påhittat mål märks `illustrative: true`, påhittade delar av ett känt mål `illustrative_parts` (parent, "
    "ansvarig, berörda, target). Ett delmål som inte är illustrativt får bara ha en stadsdelsnämnd som ansvarig om "
    "det är delmålet om ekonomiskt bistånd. Id för noder, organisationer och aktiviteter får ha högst 40 tecken: "
    "bokstäver a–z, siffror, `_`, `.` och `-`."
)

import_panels.goal_tree_download()
import_panels.goal_tree_upload()
import_panels.goal_tree_history()
