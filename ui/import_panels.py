"""The write panels of Data och källor: reading in the city's values (check, preview, import, undo) and
installing a goal tree. Parsing a file costs the server real work, so only a signed-in editor gets an upload;
a visitor cannot make the server read anything."""

from __future__ import annotations

import re

import pandas as pd
import streamlit as st

from lib import auth, db, importer, source_tables
from lib.config import Paths
from lib.fmt import number
from ui import readers, sign_in, writes


def upload_note(limit_bytes: int, kinds: str) -> str:
    """The upload box's own words in Swedish, above it: Streamlit draws "Drag and drop file here", "Limit … per
    file" and "Browse files" in English and offers no option to translate them (see the README)."""
    limit = number(limit_bytes / 1e6, 0) if limit_bytes % 1_000_000 == 0 else number(limit_bytes / 2**20, 0)
    return (
        f"Dra en fil till rutan eller välj den med knappen ”Browse files”. Högst {limit} MB per fil; {kinds}. "
        "Rutans egna texter är på engelska."
    )


def values_upload(areas: pd.DataFrame, inds: pd.DataFrame) -> None:
    """Upload a file of values: it is checked (size, zip directory, sheet size, no DTD) before it is parsed, by
    the same `importer.read_upload` as the CLI; nothing is written until the editor presses the button."""
    editor = sign_in.current_editor()
    if not editor:
        st.info(
            "Logga in som redigerare (”Logga in för att redigera” i sidomenyn) för att läsa in en fil. Mallarna kan "
            "alla ladda ner."
        )
        return
    st.caption(upload_note(importer.MAX_BYTES, "CSV, TXT eller XLSX"))
    upload = st.file_uploader("Fil att läsa in", type=["csv", "txt", "xlsx"], key="importfil")
    u1, u2 = st.columns(2)
    sheet = u1.text_input("Blad i Excelfilen (tomt = första)", key="importblad")
    default_source = u2.text_input(
        "Källa för rader utan egen källa", key="importkalla", placeholder="T.ex. Stockholms stad, Statistikenheten 2021"
    )
    if upload is None:
        return
    parsed = importer.read_upload(
        upload.getvalue(), upload.name, (areas, inds), sheet=sheet or None, default_source=default_source,
        size=upload.size,
    )  # fmt: skip
    if parsed.problems:
        st.error(f"Filen kan inte läsas in: {len(parsed.problems)} problem. Inget har ändrats.")
        st.dataframe(source_tables.problem_table(parsed.problems), hide_index=True, width="stretch")
        return
    change = importer.preview(parsed.values, readers.values_long())
    st.success(
        f"Filen är korrekt ({parsed.layout} layout): {change['new']} nya värden, {change['changed']} "
        f"ändrade, {change['unchanged']} oförändrade."
    )
    st.dataframe(source_tables.preview_sample(change["sample"]), hide_index=True, width="stretch")
    if st.button("Läs in värdena", icon=":material/upload:", key="las_in"):
        try:
            import_id = writes.import_values(parsed.values, upload.name)
            st.success(f"Inläst (nr {import_id}). Värdena visas nu som verkliga i hela verktyget.")
        except (auth.NotAuthorised, db.DataError) as exc:
            st.error(str(exc))


def import_history() -> None:
    """Earlier imports, and the button that undoes the latest one still in force."""
    history = db.imports(readers.connection())
    if history.empty:
        return
    st.markdown("**Inläsningar**")
    st.dataframe(source_tables.import_history(history), hide_index=True, width="stretch")
    active = history[history["undone_at"].isna()]
    if active.empty:
        return
    latest = int(active["id"].max())
    editor = sign_in.current_editor()
    if st.button(f"Ångra inläsning nr {latest}", disabled=not editor, key="angra", icon=":material/undo:"):
        try:
            writes.undo_import(latest)
            st.success(f"Inläsning nr {latest} är ångrad; de tidigare värdena gäller igen.")
        except (auth.NotAuthorised, db.DataError) as exc:
            st.error(str(exc))


def _md_plain(text: object) -> str:
    """Text someone typed (a file name) shown literally in Markdown: its Markdown characters are escaped."""
    return re.sub(r"([\\`*_{}\[\]()#+\-.!<>|~$])", r"\\\1", str(text))


def goal_tree_download() -> None:
    """Say which goal tree is in force (installed, or the shipped file) and offer it for download."""
    installed = db.installed_goal_text(readers.connection())
    if installed is not None:
        text = installed["yaml_text"]
        file_name = f"maltrad_{int(installed['id'])}.yaml"
        st.caption(
            f"Gäller nu: installerat målträd nr {int(installed['id'])}"
            + (f" (filen {_md_plain(installed['filename'])})" if isinstance(installed["filename"], str) else "")
            + f", installerat av {_md_plain(installed['editor'])} "
            f"{pd.Timestamp(installed['installed_at']):%Y-%m-%d %H:%M}."
        )
    else:
        text = (Paths().data_dir / "goals.yaml").read_text(encoding="utf-8")
        file_name = "goals.yaml"
        st.caption("Gäller nu: det medföljande målträdet (data/goals.yaml); inget målträd har installerats.")
    st.download_button(
        "Ladda ner målträdet som gäller (YAML)",
        text.encode("utf-8"),
        file_name=file_name,
        mime="application/x-yaml",
        icon=":material/download:",
        key="ladda_ner_mal",
    )


def goal_tree_upload() -> None:
    """An editor's new goal tree: checked against the database first, installed only on the button."""
    con = readers.connection()
    editor = sign_in.current_editor()
    if not editor:
        st.caption("Logga in som redigerare för att läsa in ett nytt målträd.")
        return
    st.caption(upload_note(db.GOAL_TREE_MAX_BYTES, "YAML"))
    upload = st.file_uploader(
        f"Nytt målträd (YAML, högst {number(db.GOAL_TREE_MAX_BYTES / 1e6, 0)} MB)", type=["yaml", "yml"], key="malfil"
    )
    if upload is None:
        return
    try:
        text = db.decode_goal_bytes(upload.getvalue(), upload.name)
        tree = db.check_goal_tree(con, text, upload.name)
    except db.DataError as exc:
        first, *rest = str(exc).split("\n- ")
        st.error(f"{first.rstrip(':')}. Inget har ändrats." if rest else f"{exc} Inget har ändrats.")
        if rest:
            st.dataframe(pd.DataFrame({"Problem": rest}), hide_index=True, width="stretch")
        return
    st.success(f"Målträdet är giltigt: {db.goal_tree_summary(tree)}.")
    if st.button("Installera målträdet", key="installera_mal", icon=":material/upload:"):
        try:
            writes.replace_goal_tree(text, editor, upload.name)
            st.success("Målträdet är installerat. Sidan Mål och uppföljning visar det nya trädet.")
        except (auth.NotAuthorised, db.DataError) as exc:
            st.error(str(exc))


def goal_tree_history() -> None:
    installs = db.goal_tree_installs(readers.connection())
    if not installs.empty:
        st.markdown("**Historik**")
        st.dataframe(source_tables.goal_tree_history(installs), hide_index=True, width="stretch")


def limits_text() -> str:
    """The import limits as the page quotes them, from the same constants the checks use."""
    return (
        f"{importer.MAX_BYTES // 1024 // 1024} MB, {number(importer.MAX_ROWS, 0)} rader och {importer.MAX_COLUMNS} "
        "kolumner"
    )
