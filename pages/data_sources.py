"""Data och källor: what every indicator means, where it comes from, and which values are synthetic."""

import pandas as pd
import streamlit as st
import yaml

from lib import auth, db, importer
from lib import goals as goal_rules
from lib.config import YEARS
from lib.fmt import number
from pages import common

common.page_setup()

st.title("Data och källor")
st.markdown(
    "Varje värde i verktyget har en källa och ett år – eller är markerat som **syntetiskt**. "
    "Här finns indikatorkatalogen, hur de syntetiska värdena är gjorda och de verkliga siffror de kalibrerats mot."
)

status = common.data_status()
c1, c2, c3 = st.columns(3)
c1.metric("Syntetiska värden", number(status["synthetic_values"], 0))
c2.metric("Verkliga värden", number(status["real_values"], 0))
c3.metric("Publicerade jämförelsesiffror", number(status["reference_figures"], 0))

st.subheader("Indikatorkatalog")
st.caption("Efter Västra Götalandsmodellens fyra områden. Riktningen anger vad som räknas som högre risk.")
inds = common.indicators()
catalogue = pd.DataFrame(
    {
        "Område": inds["domain_name"],
        "Indikator": inds["name"],
        "Enhet": inds["unit"],
        "Högre risk när": inds["higher_is_worse"].map({True: "värdet är högt", False: "värdet är lågt"}),
        "Definition": inds["definition"],
        "Källa (utgivare)": inds["source"],
        "Mätår": inds["measured_years"].str.replace("-", "–"),
        "Ingår i index": inds["domain"].ne(common.CONTEXT).map({True: "ja", False: "nej (kontext)"}),
    }
)
st.dataframe(
    catalogue,
    hide_index=True,
    width="stretch",
    column_config={"Definition": st.column_config.TextColumn(width="large")},
)
st.download_button(
    "Ladda ner katalogen (CSV)",
    catalogue.to_csv(index=False).encode("utf-8-sig"),
    file_name="indikatorkatalog.csv",
    mime="text/csv",
    icon=":material/download:",
)

st.subheader("Så är de syntetiska värdena gjorda")
st.markdown(
    """
Stadsdelsstatistik för 2012–2020 finns inte i det material verktyget får levereras med. Därför är alla
indikatorvärden **syntetiska** tills staden läser in sina egna:

1. **Folkmängd**: stadsdelsområdenas verkliga folkmängd 2011 fördelas på stadsdelarna efter yta och
   bebyggelsetyp och skrivs fram med en tillväxt kring 1,2 % per år.
2. **En gemensam underliggande utsatthet** per stadsdel (stadsdelsområdets verkliga andel med ekonomiskt
   bistånd 2015, högre för programmets stadsdelar, plus slump) gör att indikatorerna samvarierar som i
   verkligheten.
3. **Indikatorerna** får rimliga nivåer, trender och årlig variation – större variation där färre bor.
   Stadsdelar med färre än 1 000 invånare får inga värden, som i officiell statistik.
4. **Kalibrering**: där en jämförbar verklig siffra finns för en stadsdel, ett stadsdelsområde eller staden
   justeras värdena så att det befolkningsvägda medelvärdet stämmer med den.

Modellen är deterministisk (`python -m lib.cli generate-data`) och beskrivs i `lib/synthetic.py`.
"""
)

st.subheader("Preliminärt urval av stadsdelar")
areas = common.areas()
sel = areas[areas["in_programme"]][["name", "district", "selection_confidence", "selection_motivation"]]
st.dataframe(
    sel.rename(
        columns={
            "name": "Stadsdel",
            "district": "Stadsdelsområde",
            "selection_confidence": "Säkerhet",
            "selection_motivation": "Motivering",
        }
    ),
    hide_index=True,
    width="stretch",
)

st.subheader("Verkliga publicerade siffror")
st.caption(
    "Siffror ur Statistisk årsbok för Stockholm och andra källor, mest per stadsdelsområde. "
    "”Kalibrering” visar om siffran mäter samma sak som en indikator och därför styr de syntetiska värdena."
)
refs = common.reference_figures()
names = dict(zip(inds["code"], inds["name"], strict=True))
ref_table = pd.DataFrame(
    {
        "Område": refs["area"],
        "Nivå": refs["area_level"].map(
            {"kommun": "staden", "stadsdelsomrade": "stadsdelsområde", "stadsdel": "stadsdel"}
        ),
        "Mått": refs["figure_indicator"],
        "Indikator": refs["indicator_code"].map(names).fillna("–"),
        "År": refs["year"],
        "Värde": refs["value"],
        "Enhet": refs["unit"],
        "Kalibrering": refs["comparable"].map({True: "ja", False: "nej"}),
        "Kommentar": refs["mapping_comment"],
        "Källa": refs["source_url"],
    }
)
st.dataframe(
    ref_table,
    hide_index=True,
    width="stretch",
    column_config={
        "Källa": st.column_config.LinkColumn(display_text="öppna"),
        "År": st.column_config.NumberColumn(format="%d"),
    },
)

st.subheader("Läs in verkliga värden")
st.markdown(
    "Ladda upp stadens egna siffror som CSV eller Excel – i **lång** layout (stadsdel, indikator, år, värde, källa) "
    "eller **bred** (stadsdel, år, källa och en kolumn per indikator). Svenska format fungerar: semikolon, "
    "decimalkomma, mellanslag mellan tusental, UTF-8 eller Windows-1252. Filen kontrolleras först; inget skrivs "
    "förrän allt stämmer, och en inläsning kan ångras."
)

areas_all = common.areas()
t1, t2 = st.columns(2)
with t1:
    st.markdown("**Mall, lång layout**")
    common.download_buttons(importer.template("long", areas_all, inds, YEARS[-1]), "mall_lang", "mall_lang")
with t2:
    st.markdown("**Mall, bred layout**")
    common.download_buttons(
        importer.template("wide", areas_all, common.index_indicators(), YEARS[-1]), "mall_bred", "mall_bred"
    )

upload = st.file_uploader("Fil att läsa in", type=["csv", "txt", "xlsx"], key="importfil")
u1, u2 = st.columns(2)
sheet = u1.text_input("Blad i Excelfilen (tomt = första)", key="importblad")
default_source = u2.text_input(
    "Källa för rader utan egen källa", key="importkalla", placeholder="T.ex. Stockholms stad, Statistikenheten 2021"
)
if upload is not None:
    try:
        table_in = importer.read_table(upload.getvalue(), upload.name, sheet or None)
        parsed = importer.parse_values(table_in, areas_all, inds, (YEARS[0], YEARS[-1]), default_source)
    except importer.ImportRejected as exc:
        parsed = importer.Parsed(pd.DataFrame(), exc.problems)
    if parsed.problems:
        st.error(f"Filen kan inte läsas in: {len(parsed.problems)} problem. Inget har ändrats.")
        st.dataframe(
            pd.DataFrame([{"Rad": p.row, "Kolumn": p.column, "Problem": p.message} for p in parsed.problems]),
            hide_index=True,
            width="stretch",
        )
    else:
        change = importer.preview(parsed.values, common.values_long())
        st.success(
            f"Filen är korrekt ({parsed.layout} layout): {change['new']} nya värden, {change['changed']} "
            f"ändrade, {change['unchanged']} oförändrade."
        )
        sample = change["sample"].rename(
            columns={
                "area_code": "Stadsdel",
                "indicator_code": "Indikator",
                "year": "År",
                "value_before": "Före",
                "value": "Efter",
            }
        )
        st.dataframe(sample, hide_index=True, width="stretch")
        editor = common.current_editor()
        if st.button("Läs in värdena", disabled=not editor, icon=":material/upload:", key="las_in"):
            try:
                import_id = db.import_values(common.connection(), editor, parsed.values, upload.name)
                common.data_changed()
                st.success(f"Inläst (nr {import_id}). Värdena visas nu som verkliga i hela verktyget.")
            except (auth.NotAuthorised, db.DataError) as exc:
                st.error(str(exc))
        if not editor:
            st.caption(auth.REFUSED)

history = db.imports(common.connection())
if not history.empty:
    st.markdown("**Inläsningar**")
    st.dataframe(
        history.rename(
            columns={
                "id": "Nr",
                "imported_at": "Tid",
                "editor": "Redigerare",
                "filename": "Fil",
                "rows": "Värden",
                "new_values": "Nya",
                "changed_values": "Ändrade",
                "undone_at": "Ångrad",
                "undone_by": "Ångrad av",
            }
        ),
        hide_index=True,
        width="stretch",
    )
    active = history[history["undone_at"].isna()]
    if not active.empty:
        latest = int(active["id"].max())
        editor = common.current_editor()
        if st.button(f"Ångra inläsning nr {latest}", disabled=not editor, key="angra", icon=":material/undo:"):
            try:
                db.undo_import(common.connection(), editor, latest)
                common.data_changed()
                st.success(f"Inläsning nr {latest} är ångrad; de tidigare värdena gäller igen.")
            except (auth.NotAuthorised, db.DataError) as exc:
                st.error(str(exc))

st.subheader("Målträdet")
st.markdown(
    "Programmets mål, ansvar, indikatorer och aktiviteter finns i en YAML-fil. Ladda ner den, ersätt de "
    "illustrativa texterna med programmets riktiga och läs in den igen – den kontrolleras först."
)
goal_file = common.Paths().data_dir / "goals.yaml"
st.download_button(
    "Ladda ner målträdet (YAML)",
    goal_file.read_bytes(),
    file_name="goals.yaml",
    mime="application/x-yaml",
    icon=":material/download:",
)
goal_upload = st.file_uploader("Nytt målträd", type=["yaml", "yml"], key="malfil")
if goal_upload is not None:
    text = goal_upload.getvalue().decode("utf-8", errors="replace")
    known = set(inds["code"])
    try:
        tree = goal_rules.parse_tree(yaml.safe_load(text) or {}, known, YEARS)
        counts = tree.nodes["level"].value_counts()
        st.success(
            f"Målträdet är giltigt: {counts.get('målområde', 0)} målområden, {counts.get('mål', 0)} mål, "
            f"{counts.get('delmål', 0)} delmål, {len(tree.activities)} aktiviteter."
        )
        editor = common.current_editor()
        if st.button("Installera målträdet", disabled=not editor, key="installera_mal", icon=":material/upload:"):
            common.replace_goal_tree(text, editor)
            st.success("Målträdet är installerat. Sidan Mål och uppföljning visar det nya trädet.")
        if not editor:
            st.caption(auth.REFUSED)
    except yaml.YAMLError as exc:
        st.error(f"Filen är inte giltig YAML: {exc}")
    except goal_rules.TreeError as exc:
        st.error("Målträdet kan inte läsas in:\n\n" + "\n".join(f"- {p}" for p in exc.problems))
