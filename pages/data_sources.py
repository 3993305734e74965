"""Data och källor: what every indicator means, where it comes from, which values are real (with source, licence
and year) and which are synthetic."""

import re

import pandas as pd
import streamlit as st

from lib import auth, db, export, importer, provenance, real, reference
from lib.config import YEARS, Paths
from lib.fmt import number
from ui import downloads, geometry, layout, readers, results, sign_in, wording, writes

layout.page_setup()

st.title("Data och källor")
st.markdown(
    "Varje värde i verktyget har en källa och ett år – eller är markerat som **syntetiskt**. Här finns "
    "indikatorkatalogen, de verkliga data som följer med (SCB 2024/2025, stadens folkmängd 2014–2016, Polisens lista "
    "2025), hur de syntetiska värdena är gjorda och de publicerade siffror de kalibrerats mot."
)
st.caption(f"Källhänvisning: {layout.ATTRIBUTION_NOTE}")

status = readers.data_status()
refs = readers.reference_figures()
calibration = reference.is_calibration_target(refs, YEARS)
c1, c2, c3, c4 = st.columns(4)
c1.metric("Syntetiska värden", number(status["synthetic_values"], 0))
c2.metric("Verkliga värden", number(status["real_values"], 0))
c3.metric("Publicerade jämförelsesiffror", number(status["reference_figures"], 0))
c4.metric(
    "Varav kalibreringsmål",
    number(int(calibration.sum()), 0),
    help=f"Siffror som mäter samma sak som en indikator {YEARS[0]}–{YEARS[-1]}; de syntetiska värdena återger dem.",
)

st.subheader("Indikatorkatalog")
st.caption(
    "Efter Västra Götalandsmodellens fyra områden. Riktningen anger vad som räknas som högre risk. Antalet verkliga "
    "och syntetiska värden per stadsdel och deras år står först; verkliga värden per DeSO räknas för sig."
)
inds = readers.indicators()
stadsdel_all = readers.stadsdel_values()
deso_counts = readers.level_values("deso", True).groupby("indicator_code").size()


def _status_counts(code: str) -> dict:
    rows = stadsdel_all[stadsdel_all["indicator_code"] == code]
    is_model = rows["synthetic"].astype(bool)
    return {
        "real": int((~is_model).sum()),
        "real_years": provenance.year_span(rows.loc[~is_model, "year"]),
        "model": int(is_model.sum()),
        "model_years": provenance.year_span(rows.loc[is_model, "year"]),
    }


counts = pd.DataFrame([_status_counts(c) for c in inds["code"]], index=inds.index)
catalogue = pd.DataFrame(
    {
        "Område": inds["domain_name"],
        "Indikator": inds["name"],
        "Verkliga värden, stadsdel": counts["real"],
        "År, verkliga": counts["real_years"],
        "Syntetiska värden, stadsdel": counts["model"],
        "År, syntetiska": counts["model_years"],
        "Verkliga värden, DeSO": inds["code"].map(deso_counts).fillna(0).astype(int),
        "Ingår i index": inds["domain"].ne(readers.CONTEXT).map({True: "ja", False: "nej (sammanhang)"}),
        "Enhet": inds["unit"],
        "Högre risk när": inds["higher_is_worse"].map({True: "värdet är högt", False: "värdet är lågt"}),
        "Definition": inds["definition"],
        "Källa (utgivare)": inds["source"],
        "Mätår": inds["measured_years"].str.replace("-", "–"),
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
    export.csv_bytes(catalogue),
    file_name="indikatorkatalog.csv",
    mime="text/csv",
    icon=":material/download:",
)
areas_for_real = readers.areas()

st.subheader("Verkliga data")
st.markdown(
    "Öppet licensierad statistik som följer med verktyget. Verkliga värden visas som **verkliga** med källa, licens "
    "och år i hela verktyget; där de finns ersätter de modellens värde för samma stadsdel, indikator och år."
)
real_counts = readers.real_sources().set_index("dataset")


def _count(key: str) -> int:
    return int(real_counts.loc[key, "rows"]) if key in real_counts.index else 0


def _years(key: str) -> str:
    years = real_counts.loc[key, "years"] if key in real_counts.index else []
    return provenance.year_span(list(years)) if years is not None and len(years) else "–"


deso_units = readers.units("deso")
deso_geo = len(geometry.deso_frame())
stadsdel_geo = len(geometry.boundaries().frame)
sources = pd.DataFrame(
    [
        {
            "Källa": "SCB, statistik per DeSO",
            "Innehåll": "Förvärvsfrekvens och arbetslöshet 20–64 år (TAB6680), nettoinkomst (TAB6683), ekonomisk "
            "standard (TAB6684), låg ekonomisk standard (TAB6685) 2024; eftergymnasial utbildning (TAB6534), "
            "folkmängd och utländsk bakgrund 2025",
            "År": _years("deso_value"),
            "Licens": "CC0 1.0",
            "Rader": _count("deso_value"),
        },
        {
            "Källa": "SCB, statistik per DeSO summerad till stadsdel",
            "Innehåll": "Samma mått per stadsdel: befolkningsvägt medel av stadsdelens DeSO, folkmängd summerad",
            "År": _years("stadsdel_from_deso"),
            "Licens": "CC0 1.0",
            "Rader": _count("stadsdel_from_deso"),
        },
        {
            "Källa": "SCB, länktabeller DeSO 2018 → RegSO 2020",
            "Innehåll": f"{_count('deso_link')} DeSO i {_count('regso_link')} RegSO; varje DeSO till den stadsdel "
            "det överlappar mest",
            "År": "2018 (DeSO), 2020 (RegSO)",
            "Licens": "CC0 1.0",
            "Rader": _count("deso_link") + _count("regso_link"),
        },
        {
            "Källa": "SCB, socioekonomisk områdestyp per RegSO",
            "Innehåll": "Fem typer, från stora socioekonomiska utmaningar till mycket goda förutsättningar",
            "År": _years("regso_type"),
            "Licens": "CC0 1.0",
            "Rader": _count("regso_type"),
        },
        {
            "Källa": "Stockholms stad, befolkning per basområde",
            "Innehåll": "Folkmängd per stadsdel (basområden summerade)",
            "År": _years("city_population"),
            "Licens": "CC0 1.0",
            "Rader": _count("city_population"),
        },
        {
            "Källa": "Stockholms stad, stadsdelsgränser (Stadskarta)",
            "Innehåll": "Kartans stadsdelar och vatten, förenklade för webben",
            "År": "2021",
            "Licens": "CC0 1.0",
            "Rader": stadsdel_geo,
        },
        {
            "Källa": "SCB, DeSO-gränser",
            "Innehåll": "Kartans DeSO, förenklade för webben",
            "År": "2018",
            "Licens": "CC0 1.0",
            "Rader": deso_geo,
        },
        {
            "Källa": "Polisen, utsatta och särskilt utsatta områden",
            "Innehåll": "Andel av varje DeSO som ligger i ett utsatt eller särskilt utsatt område (beräknad "
            "överlappning; inga polisområdesgränser i verktyget)",
            "År": _years("police"),
            "Licens": "ingen licens angiven",
            "Rader": _count("police"),
        },
    ]
    + (
        [
            {
                "Källa": "Inlästa värden (Data och källor)",
                "Innehåll": "Stadens egna siffror, inlästa av redigerare",
                "År": _years("imported"),
                "Licens": "enligt stadens uppgift",
                "Rader": _count("imported"),
            }
        ]
        if _count("imported")
        else []
    )
)
sources = sources[["Källa", "År", "Licens", "Rader", "Innehåll"]]
st.table(sources.assign(Rader=sources["Rader"].map(lambda n: number(n, 0))).set_index("Källa"))
st.caption(
    "Rader: värden, områden eller kartytor i verktyget. Stadskartan är utgåvan 2021-04-13. Polisens lista återges "
    "som andelar av DeSO med källa; Polisen anger ingen licens."
)
st.markdown(f"**Källhänvisning:** {layout.ATTRIBUTION_NOTE}")

low_overlap = int((deso_units["overlap_share"] < provenance.OVERLAP_WARNING).sum())
no_deso = sorted(set(areas_for_real["name"]) - set(deso_units["stadsdel"]))
deso_real = readers.level_values("deso", True)
parents, parts = provenance.folded_deso(deso_real["source"], deso_real["area_code"])
st.markdown(
    f"""
**Så hör DeSO till stadsdelar.** Varje DeSO (SCB:s indelning 2018, {len(deso_units)} i Stockholm) räknas helt till
den stadsdel det överlappar mest enligt stadens stadsdelsgränser. {low_overlap} av {len(deso_units)} DeSO överlappar
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

REAL_TABLES = (
    "DeSO-värden (SCB)",
    "Verkliga stadsdelsvärden",
    "DeSO → RegSO → stadsdel",
    "Områdestyp per RegSO (SCB)",
    "Polisen 2025",
)
which = st.selectbox("Tabell att visa och ladda ner", REAL_TABLES, key="verklig_tabell", bind="query-params")
ind_name = dict(zip(inds["code"], inds["name"], strict=True))
if which == REAL_TABLES[0]:
    real_table = pd.DataFrame(
        {
            "DeSO": deso_real["area_code"],
            "Indikator": deso_real["indicator_code"].map(ind_name),
            "År": deso_real["year"],
            "Värde": deso_real["value"],
            "Källa": deso_real["source"],
            "Licens": deso_real["licence"],
        }
    )
elif which == REAL_TABLES[1]:
    stadsdel_real = readers.level_values("stadsdel", True)
    real_table = pd.DataFrame(
        {
            "Stadsdel": stadsdel_real["area_code"].map(readers.area_names()),
            "Indikator": stadsdel_real["indicator_code"].map(ind_name),
            "År": stadsdel_real["year"],
            "Värde": stadsdel_real["value"],
            "Källa": stadsdel_real["source"],
            "Licens": stadsdel_real["licence"].fillna("enligt stadens uppgift"),
        }
    )
elif which == REAL_TABLES[2]:
    real_table = pd.DataFrame(
        {
            "DeSO": deso_units["code"],
            "RegSO-kod": deso_units["regso_code"],
            "RegSO": deso_units["regso"],
            "Stadsdel": deso_units["stadsdel"],
            "Andel av DeSO i stadsdelen": deso_units["overlap_share"],
            "År": 2018,
            "Källa": real.LINK_SOURCE,
            "Licens": real.SCB_LICENCE,
        }
    )
elif which == REAL_TABLES[3]:
    types = readers.regso_types()
    real_table = pd.DataFrame(
        {
            "RegSO-kod": types["regso_code"],
            "RegSO": types["regso"],
            "År": types["year"],
            "Områdestyp": types["omradestyp"],
            "Källa": types["source"],
            "Licens": types["licence"],
        }
    )
else:
    police_all = readers.police_shares()
    real_table = pd.DataFrame(
        {
            "DeSO 2025": police_all["deso_2025"],
            "DeSO 2018": police_all["deso_2018"],
            "RegSO": police_all["regso"],
            "Stadsdel": police_all["stadsdel"],
            "Klass": police_all["klass"],
            "Andel av DeSO (%)": police_all["share_pct"],
            "varav utsatt (%)": police_all["utsatt_pct"],
            "varav särskilt utsatt (%)": police_all["sarskilt_pct"],
            "År": police_all["year"],
            "Källa": police_all["source"],
            "Licens": police_all["licence"],
        }
    )
st.dataframe(
    real_table,
    hide_index=True,
    width="stretch",
    height=280,
    column_config=wording.number_columns(real_table) | {"År": st.column_config.NumberColumn(format="%d")},
)
downloads.download_buttons(real_table, f"verkliga_data_{REAL_TABLES.index(which) + 1}", "verklig_tabell_ned")
st.caption(f"{number(len(real_table), 0)} rader · varje rad med källa, licens och år. {layout.ATTRIBUTION_NOTE}.")

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
areas = readers.areas()
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
    f"”Kalibrering” = ja när siffran mäter samma sak som en indikator för ett år {YEARS[0]}–{YEARS[-1]} och därför "
    "styr de syntetiska värdena. ”Källtyp” = andrahandskälla när länken inte går till utgivaren själv utan till "
    "t.ex. ett uppslagsverk, en nyhetsartikel eller en kopia på en dokumentsajt."
)
names = dict(zip(inds["code"], inds["name"], strict=True))
ref_table = pd.DataFrame(
    {
        "Område": refs["area"],
        "Nivå": refs["area_level"].map(
            {"kommun": "staden", "stadsdelsomrade": "stadsdelsområde", "stadsdel": "stadsdel"}
        ),
        "Mått": refs["figure_indicator"].map(provenance.reference_measure),
        "Indikator": refs["indicator_code"].map(names).fillna("–"),
        "År": refs["year"],
        "Värde": refs["value"],
        "Enhet": refs["unit"].map(provenance.reference_unit),
        "Kalibrering": calibration.map({True: "ja", False: "nej"}),
        "Kommentar": refs["mapping_comment"],
        "Källtyp": refs["source_url"].map(reference.source_kind),
        "Källa": refs["source_url"],
    }
)
st.dataframe(
    ref_table,
    hide_index=True,
    width="stretch",
    column_config=wording.number_columns(ref_table)
    | {
        "Källa": st.column_config.LinkColumn(display_text="öppna"),
        "År": st.column_config.NumberColumn(format="%d"),
    },
)

st.subheader("Läs in verkliga värden")
st.markdown(
    "Ladda upp stadens egna siffror som CSV eller Excel – i **lång** layout (stadsdel, indikator, år, värde, källa) "
    f"eller **bred** (stadsdel, år, källa och en kolumn per indikator), för åren {YEARS[0]}–{YEARS[-1]}. Ett inläst "
    "värde ersätter det som finns för samma stadsdel, indikator och år. Svenska format fungerar: semikolon, "
    "decimalkomma, mellanslag mellan tusental, UTF-8, UTF-16 eller Windows-1252. Filen kontrolleras först; inget "
    "skrivs förrän allt stämmer, och en inläsning kan ångras. Högst "
    f"{importer.MAX_BYTES // 1024 // 1024} MB, {number(importer.MAX_ROWS, 0)} rader och {importer.MAX_COLUMNS} "
    "kolumner; en kolumn som inte kan läsas in räknas som ett problem."
)

areas_all = readers.areas()
t1, t2 = st.columns(2)
with t1:
    st.markdown("**Mall, lång layout**")
    downloads.download_buttons(importer.template("long", areas_all, inds, YEARS[-1]), "mall_lang", "mall_lang")
with t2:
    st.markdown("**Mall, bred layout**")
    downloads.download_buttons(
        importer.template("wide", areas_all, readers.index_indicators(), YEARS[-1]), "mall_bred", "mall_bred"
    )

# Parsing a file costs the server real work, so only a signed-in editor gets the upload; a visitor cannot make
# the server read anything. The file is checked (size, zip directory, sheet size, no DTD) before it is parsed.
import_editor = sign_in.current_editor()
if not import_editor:
    st.info(
        "Logga in som redigerare (”Logga in för att redigera” i sidomenyn) för att läsa in en fil. Mallarna kan "
        "alla ladda ner."
    )
else:
    upload = st.file_uploader("Fil att läsa in", type=["csv", "txt", "xlsx"], key="importfil")
    u1, u2 = st.columns(2)
    sheet = u1.text_input("Blad i Excelfilen (tomt = första)", key="importblad")
    default_source = u2.text_input(
        "Källa för rader utan egen källa", key="importkalla", placeholder="T.ex. Stockholms stad, Statistikenheten 2021"
    )
    if upload is not None:
        try:
            importer.check_size(upload.size)
            raw = importer.check_file(upload.getvalue(), upload.name, sheet or None)
            table_in = importer.read_table(raw, upload.name, sheet or None)
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
            change = importer.preview(parsed.values, readers.values_long())
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
            if st.button("Läs in värdena", icon=":material/upload:", key="las_in"):
                try:
                    import_id = db.import_values(readers.connection(), import_editor, parsed.values, upload.name)
                    results.data_changed()
                    st.success(f"Inläst (nr {import_id}). Värdena visas nu som verkliga i hela verktyget.")
                except (auth.NotAuthorised, db.DataError) as exc:
                    st.error(str(exc))

history = db.imports(readers.connection())
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
        editor = sign_in.current_editor()
        if st.button(f"Ångra inläsning nr {latest}", disabled=not editor, key="angra", icon=":material/undo:"):
            try:
                db.undo_import(readers.connection(), editor, latest)
                results.data_changed()
                st.success(f"Inläsning nr {latest} är ångrad; de tidigare värdena gäller igen.")
            except (auth.NotAuthorised, db.DataError) as exc:
                st.error(str(exc))

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


def _md_plain(text) -> str:
    """Text someone typed (a file name) shown literally in Markdown: its Markdown characters are escaped."""
    return re.sub(r"([\\`*_{}\[\]()#+\-.!<>|~$])", r"\\\1", str(text))


goal_con = readers.connection()
goal_installed = db.installed_goal_text(goal_con)
if goal_installed is not None:
    goal_text = goal_installed["yaml_text"]
    goal_file_name = f"maltrad_{int(goal_installed['id'])}.yaml"
    st.caption(
        f"Gäller nu: installerat målträd nr {int(goal_installed['id'])}"
        + (f" (filen {_md_plain(goal_installed['filename'])})" if isinstance(goal_installed["filename"], str) else "")
        + f", installerat av {_md_plain(goal_installed['editor'])} "
        f"{pd.Timestamp(goal_installed['installed_at']):%Y-%m-%d %H:%M}."
    )
else:
    goal_text = (Paths().data_dir / "goals.yaml").read_text(encoding="utf-8")
    goal_file_name = "goals.yaml"
    st.caption("Gäller nu: det medföljande målträdet (data/goals.yaml); inget målträd har installerats.")
st.download_button(
    "Ladda ner målträdet som gäller (YAML)",
    goal_text.encode("utf-8"),
    file_name=goal_file_name,
    mime="application/x-yaml",
    icon=":material/download:",
    key="ladda_ner_mal",
)
goal_editor = sign_in.current_editor()
if not goal_editor:
    st.caption("Logga in som redigerare för att läsa in ett nytt målträd.")
else:
    goal_upload = st.file_uploader(
        f"Nytt målträd (YAML, högst {number(db.GOAL_TREE_MAX_BYTES / 1e6, 0)} MB)", type=["yaml", "yml"], key="malfil"
    )
    if goal_upload is not None:
        try:
            goal_new = db.decode_goal_bytes(goal_upload.getvalue(), goal_upload.name)
            goal_tree_new = db.check_goal_tree(goal_con, goal_new, goal_upload.name)
        except db.DataError as exc:
            first, *rest = str(exc).split("\n- ")
            st.error(f"{first.rstrip(':')}. Inget har ändrats." if rest else f"{exc} Inget har ändrats.")
            if rest:
                st.dataframe(pd.DataFrame({"Problem": rest}), hide_index=True, width="stretch")
        else:
            st.success(f"Målträdet är giltigt: {db.goal_tree_summary(goal_tree_new)}.")
            if st.button("Installera målträdet", key="installera_mal", icon=":material/upload:"):
                try:
                    writes.replace_goal_tree(goal_new, goal_editor, goal_upload.name)
                    st.success("Målträdet är installerat. Sidan Mål och uppföljning visar det nya trädet.")
                except (auth.NotAuthorised, db.DataError) as exc:
                    st.error(str(exc))
goal_history = db.goal_tree_installs(goal_con)
if not goal_history.empty:
    st.markdown("**Historik**")
    st.dataframe(
        pd.DataFrame(
            {
                "Nr": goal_history["id"],
                "Tid": pd.to_datetime(goal_history["installed_at"]).dt.strftime("%Y-%m-%d %H:%M"),
                "Redigerare": goal_history["editor"],
                "Fil": goal_history["filename"].fillna("–"),
                "Kontrollsumma (SHA-256)": goal_history["sha256"].str[:12] + "…",
            }
        ),
        hide_index=True,
        width="stretch",
    )
