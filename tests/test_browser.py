"""Real-browser tests in Debian's Chromium: what only a browser shows (the map canvas, URL state, navigation)."""

from __future__ import annotations

import io
from urllib.parse import quote

import numpy as np
import pytest
from PIL import Image

from conftest import ARTIFACTS, wait_for_app

pytestmark = pytest.mark.browser
GRID_HAS = "text => [...document.querySelectorAll('[role=gridcell]')].some(c => c.textContent.includes(text))"
YLORRD = [(255, 255, 178), (254, 204, 92), (253, 141, 60), (240, 59, 32), (189, 0, 38)]


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 720}, locale="sv-SE")
    pg = context.new_page()
    yield pg
    context.close()


def canvas_colours(page) -> dict[tuple[int, int, int], int]:
    """How many pixels of each YlOrRd class colour the map canvas shows (±12 per channel)."""
    chart = page.locator("[data-testid='stDeckGlJsonChart']").first
    chart.wait_for(state="visible", timeout=30_000)
    page.wait_for_timeout(2_000)  # deck.gl draws on the next animation frames
    img = np.asarray(Image.open(io.BytesIO(chart.screenshot())).convert("RGB")).astype(int)
    counts = {}
    for colour in YLORRD:
        counts[colour] = int((np.abs(img - np.array(colour)).max(axis=2) <= 12).sum())
    return counts


def test_deep_link_on_a_fresh_server_opens_the_page_with_navigation(page, app_url):
    """The very first request of a new server is a bookmarked map link; it must not fall into legacy mode."""
    page.goto(f"{app_url}/map?lager={quote('Ohälsotal')}&ar=2016")
    wait_for_app(page)
    nav = page.locator("[data-testid='stSidebarNav']")
    nav.get_by_text("Översikt").wait_for(timeout=15_000)
    nav.get_by_text("Data och källor").wait_for(timeout=15_000)
    page.get_by_text("Ohälsotal 2016").first.wait_for(timeout=15_000)


def test_start_page_and_map_draw(page, app_url):
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.goto(app_url)
    wait_for_app(page)
    page.get_by_role("heading", name="Sammanhållen stad").wait_for(timeout=15_000)
    page.get_by_text("Dataläge").wait_for(timeout=15_000)
    page.screenshot(path=str(ARTIFACTS / "oversikt.png"))

    page.goto(f"{app_url}/map")
    wait_for_app(page)
    counts = canvas_colours(page)
    painted = sum(counts.values())
    assert painted > 2_000, f"the map canvas shows too few class colours: {counts}"
    assert sum(1 for n in counts.values() if n > 50) >= 4, f"expected several classes on the map: {counts}"
    page.get_by_text("Kartdata: Stockholms stad, CC0").first.wait_for(timeout=15_000)
    page.screenshot(path=str(ARTIFACTS / "karta.png"))


def test_choosing_a_layer_repaints_the_map_changes_the_legend_and_the_url(page, app_url):
    page.goto(f"{app_url}/map?urval=Hela+staden")
    wait_for_app(page)
    before = canvas_colours(page)
    page.get_by_text("Sammanvägt index 2025").first.wait_for(timeout=15_000)  # the newest year by default
    page.get_by_role("combobox", name="Visa på kartan").first.click()
    page.keyboard.type("Anlagda")  # the option list is virtualised: filter it first
    page.get_by_role("option", name="Anlagda bränder").click()
    wait_for_app(page)
    page.wait_for_url("**lager=Anlagda*", timeout=15_000)
    page.get_by_text("Anlagda bränder 2025").first.wait_for(timeout=15_000)
    page.get_by_text("bränder per 1 000 invånare").first.wait_for(timeout=15_000)
    after = canvas_colours(page)
    assert after != before
    page.screenshot(path=str(ARTIFACTS / "karta_brander.png"))


def screen_point(lon: float, lat: float, view, width: float, height: float) -> tuple[float, float]:
    """Where deck.gl's Web Mercator view (512-pixel tiles) draws a point, relative to the canvas."""
    import math

    scale = 512 * 2**view.zoom

    def merc(lo: float, la: float) -> tuple[float, float]:
        x = (lo + 180) / 360 * scale
        y = (1 - math.log(math.tan(math.pi / 4 + math.radians(la) / 2)) / math.pi) / 2 * scale
        return x, y

    cx, cy = merc(view.longitude, view.latitude)
    px, py = merc(lon, lat)
    return width / 2 + px - cx, height / 2 + py - cy


def click_map(page, lon: float, lat: float, view) -> None:
    """Click the map where deck.gl draws (lon, lat), hovering first as a person does: the tooltip shows that the
    map is drawn and picks what lies under the pointer."""
    canvas = page.locator("[data-testid='stDeckGlJsonChart'] canvas").first
    box = canvas.bounding_box()
    x, y = screen_point(lon, lat, view, box["width"], box["height"])
    page.mouse.move(box["x"] + x, box["y"] + y)
    page.locator(".deck-tooltip").first.wait_for(state="visible", timeout=15_000)
    page.wait_for_timeout(1_000)
    page.mouse.click(box["x"] + x, box["y"] + y)


def test_clicking_a_programme_stadsdel_opens_its_profile(page, app_url):
    import geopandas as gpd

    from conftest import ROOT
    from lib import mapview

    frame = gpd.read_file(ROOT / "geo" / "stadsdelar.geojson")
    view = mapview.view_state(frame, height_px=440, width_px=640)
    target = frame[frame["name"] == "Husby"].to_crs(3011).representative_point().to_crs(4326).iloc[0]
    page.goto(f"{app_url}/map")
    wait_for_app(page)
    canvas_colours(page)
    click_map(page, target.x, target.y, view)
    page.wait_for_url("**stadsdel=Husby*", timeout=30_000)
    wait_for_app(page)
    page.get_by_text("plats").first.wait_for(timeout=15_000)
    page.screenshot(path=str(ARTIFACTS / "karta_vald.png"))
    page.get_by_role("link", name="Visa profil").click()
    page.wait_for_url("**/profile?stadsdel=Husby*", timeout=30_000)
    wait_for_app(page)
    page.get_by_role("heading", name="Husby · Rinkeby-Kista").wait_for(timeout=15_000)
    page.get_by_text("Ingår i programmets").first.wait_for(timeout=15_000)
    page.screenshot(path=str(ARTIFACTS / "profil.png"))


def test_switching_to_deso_and_clicking_a_rinkeby_deso_shows_its_real_values(page, app_url, con):
    """Karta at DeSO level: the switch goes into the URL, a click on a DeSO in Rinkeby selects it and the page shows
    its real låg ekonomisk standard 2024 (SCB), with decimal comma."""
    import geopandas as gpd
    import pandas as pd

    from conftest import ROOT
    from lib import db, mapview
    from lib.fmt import number

    deso = gpd.read_file(ROOT / "geo" / "deso.geojson").merge(
        pd.read_csv(ROOT / "data" / "deso.csv", dtype={"code": str})[["code", "area_code"]], on="code"
    )
    rinkeby = deso[deso["area_code"] == "rinkeby"].to_crs(3011)
    target_row = rinkeby.loc[rinkeby.area.idxmax()]  # the largest: the easiest to hit
    code = target_row["code"]
    target = gpd.GeoSeries([target_row.geometry], crs=3011).representative_point().to_crs(4326).iloc[0]
    value = db.query(
        con,
        "SELECT value FROM unit_value WHERE level = 'deso' AND unit_code = ? AND indicator_code = "
        "'lag_ekonomisk_standard' AND year = 2024",
        [code],
    )["value"].iloc[0]
    # The DeSO map keeps the stadsdel map's view, so switching level keeps the picture still.
    view = mapview.view_state(gpd.read_file(ROOT / "geo" / "stadsdelar.geojson"), height_px=440, width_px=640)

    page.goto(f"{app_url}/map")
    wait_for_app(page)
    canvas_colours(page)
    page.get_by_role("radio", name="DeSO", exact=True).click()  # a segmented control: a radio group
    page.wait_for_url("**niva=DeSO*", timeout=15_000)
    wait_for_app(page)
    page.get_by_text("På DeSO-nivå är alla värden").first.wait_for(timeout=15_000)
    canvas_colours(page)
    click_map(page, target.x, target.y, view)
    page.wait_for_url(f"**deso=*{code}*", timeout=15_000)
    wait_for_app(page)
    page.get_by_text(f"Verkliga värden för Rinkeby ({code})").wait_for(timeout=15_000)
    row = page.locator("[data-testid='stMarkdownContainer'] tr", has_text="Låg ekonomisk standard").first
    row.wait_for(timeout=15_000)
    cells = [c.replace("\u00a0", " ") for c in row.locator("td").all_inner_texts()]
    assert cells == ["Låg ekonomisk standard", number(value, 1), "% av befolkningen", "SCB 2024"], cells
    page.screenshot(path=str(ARTIFACTS / "karta_deso_vald.png"))


def test_map_works_without_internet(page, app_url):
    """No request leaves the machine: no basemap tiles, no fonts, no icons from a CDN."""
    outside = []
    page.context.on("request", lambda r: outside.append(r.url) if not r.url.startswith(app_url) else None)
    page.goto(f"{app_url}/map")
    wait_for_app(page)
    canvas_colours(page)
    assert [u for u in outside if not u.startswith(("data:", "blob:"))] == []


def ranking_cells(page, n: int = 40) -> list[str]:
    """The first `n` cells of the ranking: with eight visible columns, its first five rows."""
    cells = page.locator("[data-testid='stDataFrame'] [role='gridcell']")
    cells.first.wait_for(state="attached", timeout=30_000)  # glide-data-grid keeps its text in a hidden a11y table
    return [cells.nth(i).inner_text() for i in range(n)]


def test_moving_a_weight_slider_reorders_the_ranking(page, app_url):
    page.goto(f"{app_url}/index_weights")
    wait_for_app(page)
    before = ranking_cells(page)
    assert "–" in before[1]
    slider = page.get_by_role("slider", name="Försörjning")
    slider.focus()
    page.keyboard.press("End")  # to 10: försörjning now weighs twice as much as each other area
    page.wait_for_url("**vikt_forsorjning=10*", timeout=15_000)
    wait_for_app(page)
    page.wait_for_function(
        "before => [...document.querySelectorAll(\"[data-testid='stDataFrame'] [role='gridcell']\")]"
        ".slice(0, 40).map(c => c.innerText).join('|') !== before",
        arg="|".join(before),
        timeout=15_000,
    )
    after = ranking_cells(page)
    assert after != before
    assert any(c.startswith(("▲", "▼")) for c in after)
    page.get_by_text("Försörjning 40 %").first.wait_for(timeout=15_000)
    page.screenshot(path=str(ARTIFACTS / "index_forsorjning.png"))

    page.reload()  # the URL alone reproduces the view
    wait_for_app(page)
    assert ranking_cells(page) == after


def test_moving_a_weight_slider_repaints_the_index_map(page, app_url):
    """With the map view chosen, a weight change recolours the stadsdelar (only the fragment reruns); the names'
    outlines are loaded once, from the app's own server, and not again with each move."""
    names = []
    page.on("response", lambda r: names.append((r.url, r.status)) if "/app/static/namn-" in r.url else None)
    page.goto(f"{app_url}/index_weights?visa=Karta")
    wait_for_app(page)
    before = canvas_colours(page)
    assert sum(before.values()) > 1_000
    for name in ("Hälsa", "Sociala risker", "Säkerhet och trygghet"):
        page.get_by_role("slider", name=name).focus()
        page.keyboard.press("Home")  # to 0: the index is försörjning alone
        wait_for_app(page)
    page.wait_for_url("**vikt_sakerhet_trygghet=0*", timeout=15_000)
    page.get_by_text("Försörjning 100 %").first.wait_for(timeout=15_000)
    after = canvas_colours(page)
    assert after != before
    assert len(names) == 1 and names[0][1] == 200 and names[0][0].startswith(app_url), names
    page.screenshot(path=str(ARTIFACTS / "index_karta.png"))


def test_a_mistyped_address_opens_the_start_page_and_says_so_in_swedish(page, app_url):
    """Streamlit would open an English "Page not found" dialogue (ui/streamlit_compat.py)."""
    page.goto(app_url)  # not the server's first request, which Streamlit answers in its legacy mode
    wait_for_app(page)
    page.goto(f"{app_url}/kartan")
    wait_for_app(page)
    toast = page.locator("[data-testid='stToast']").first
    toast.wait_for(timeout=15_000)
    assert "Adressen pekar inte på någon sida i verktyget" in toast.inner_text()
    page.get_by_role("heading", name="Sammanhållen stad").first.wait_for(timeout=15_000)
    assert page.get_by_text("Page not found").count() == 0


def test_goal_tree_pick_a_delmal_and_download_the_ils_underlag(page, app_url, tmp_path):
    import openpyxl

    page.goto(f"{app_url}/goals?ansvar={quote('Spånga-Tensta stadsdelsnämnd')}")
    wait_for_app(page)
    tree = page.locator("[data-testid='stGraphVizChart'] svg")
    tree.wait_for(timeout=30_000)
    drawn = tree.text_content()  # an SVG node: its text, not innerText
    assert "Ekonomiskt bistånd" in drawn and "uppfyllt" in drawn
    aria = "e => [...e.querySelectorAll('[aria-label]')].map(x => x.getAttribute('aria-label')).join(' | ')"
    indicator_chart = page.locator("[data-testid='stVegaLiteChart']").nth(1)
    assert "% av svarande" in indicator_chart.evaluate(aria)  # the first option's indicator: oro för brott
    page.get_by_role("combobox", name="Välj ett mål eller delmål").click()
    page.keyboard.type("D9 –")  # the option list is virtualised: filter it first
    page.get_by_role("option", name="D9 – Ekonomiskt bistånd").click()
    wait_for_app(page)
    page.wait_for_url("**mal=D9*", timeout=15_000)
    heading = page.get_by_role("heading", name="Andelen personer beroende av ekonomiskt bistånd", exact=False)
    heading.wait_for(timeout=15_000)
    page.wait_for_function(
        "() => [...document.querySelectorAll(\"[data-testid='stVegaLiteChart'] [aria-label]\")]"
        ".some(x => (x.getAttribute('aria-label') || '').includes('% av befolkningen'))",
        timeout=15_000,
    )
    page.screenshot(path=str(ARTIFACTS / "mal_d9.png"), full_page=True)

    excel = page.get_by_test_id("stDownloadButton").filter(has_text="Excel").first
    with page.expect_download() as info:
        excel.get_by_role("button").click()
    path = tmp_path / info.value.suggested_filename
    info.value.save_as(path)
    assert path.name.startswith("ils_underlag_sp")
    sheet = openpyxl.load_workbook(path).active
    header = [c.value for c in sheet[1]]
    assert {"Delmål", "Indikator", "Bedömning", "Aktiviteter"} <= set(header)
    assert sheet.max_row >= 4


def open_tab(page, name: str) -> None:
    """Click a tab; during a rerun Streamlit briefly keeps the old tab list, so take the visible, current one."""
    page.locator("[data-testid='stTab']:visible", has_text=name).last.click()


def test_editor_signs_in_adds_an_activity_and_sees_it_after_reload(page, app_url):
    from conftest import EDITOR, EDITOR_PASSWORD

    page.goto(f"{app_url}/plans?namnd={quote('Farsta stadsdelsnämnd')}")
    wait_for_app(page)
    page.get_by_text("Logga in som redigerare (i sidomenyn)").first.wait_for(timeout=15_000)
    open_tab(page, "Aktiviteter")
    assert page.get_by_role("button", name="Lägg till").is_disabled()
    page.get_by_text("Logga in för att redigera").click()
    page.get_by_label("Användarnamn").fill(EDITOR)
    page.get_by_label("Lösenord").fill(EDITOR_PASSWORD)
    page.get_by_role("button", name="Logga in").click()
    page.get_by_text(f"Inloggad som {EDITOR}").wait_for(timeout=15_000)
    wait_for_app(page)

    open_tab(page, "Aktiviteter")
    page.get_by_label("Aktivitet", exact=True).fill("Nattvandring med föräldrar i Fagersjö")
    page.get_by_label("Samarbetspartner").fill("Stockholmshem")
    page.get_by_role("button", name="Lägg till").click()
    page.get_by_text("Lade till ”Nattvandring med föräldrar i Fagersjö”").wait_for(timeout=15_000)
    wait_for_app(page)
    page.screenshot(path=str(ARTIFACTS / "plan_aktivitet.png"))

    page.reload()  # signed out again, but the plan is stored
    wait_for_app(page)
    open_tab(page, "Aktiviteter")
    page.wait_for_function(GRID_HAS, arg="Nattvandring med föräldrar i Fagersjö", timeout=15_000)
    open_tab(page, "Historik")
    page.wait_for_function(GRID_HAS, arg=EDITOR, timeout=15_000)


def test_presentation_slides_fit_a_projector(page, app_url):
    labels = ["1 Programmet", "2 Kartan", "3 Rangordningen", "4 En stadsdel", "5 Målen", "6 Pengarna"]
    for i, label in enumerate(labels, 1):
        page.goto(f"{app_url}/present?present=1&bild={quote(label)}")
        wait_for_app(page)
        page.wait_for_timeout(1_500)
        assert not page.locator("[data-testid='stSidebar']").is_visible()
        scroll, client = page.evaluate(
            "() => { const m = document.querySelector('[data-testid=stMain]');"
            " return [m.scrollHeight, m.clientHeight]; }"
        )
        assert scroll <= client + 2, f"slide {label} overflows: {scroll} > {client}"
        page.screenshot(path=str(ARTIFACTS / f"bild_{i}.png"))
    page.get_by_role("button", name="Nästa ▶").click()
    page.wait_for_url(lambda url: "bild=" not in url, timeout=15_000)  # after the last slide, the first (default)


def test_download_the_table_and_the_pdf_brief(page, app_url, tmp_path, con):
    import pandas as pd
    from pypdf import PdfReader

    from lib import db

    with_value = db.query(
        con, "SELECT count(*) AS n FROM value WHERE indicator_code = 'ohalsotal' AND year = 2025 AND value IS NOT NULL"
    )["n"].iloc[0]

    page.goto(f"{app_url}/map?lager={quote('Ohälsotal')}&urval=Hela+staden")
    wait_for_app(page)
    page.get_by_text("Tabell – samma siffror som kartan").click()
    button = page.get_by_test_id("stDownloadButton").filter(has_text="CSV").first
    button.wait_for(timeout=15_000)
    with page.expect_download() as info:
        button.get_by_role("button").click()
    csv_path = tmp_path / info.value.suggested_filename
    info.value.save_as(csv_path)
    table = pd.read_csv(csv_path, sep=";", decimal=",", encoding="utf-8-sig")
    assert len(table) == with_value and "Stadsdel" in table.columns and set(table["Status"]) == {"syntetiskt värde"}
    assert (table["År"] == 2025).all()

    page.goto(app_url)
    wait_for_app(page)
    with page.expect_download(timeout=60_000) as info:
        page.get_by_role("button", name="Lägesbild som PDF").click()
    pdf_path = tmp_path / info.value.suggested_filename
    info.value.save_as(pdf_path)
    reader = PdfReader(pdf_path)
    text = " ".join(p.extract_text() for p in reader.pages)
    assert len(reader.pages) >= 3  # laid out by typst: the pages follow the content (map, tables, validation)
    for expected in ("lägesbild", "Rangordning", "Måluppfyllelse", "Fördelning", "syntetiska", "Sätra", "Validering"):
        assert expected in text, expected


SLIDE_ROW_FITS = """() => {
  const group = document.querySelector('[data-testid=stButtonGroup]');
  const box = group.getBoundingClientRect();
  const controls = [...group.querySelectorAll('button'), ...document.querySelectorAll(
    '.st-key-foregaende button, .st-key-nasta button, [data-testid=stPageLink] a')]
    .filter(el => el.getBoundingClientRect().width > 0);  // Streamlit may keep a zero-size copy of a button
  const faults = [];
  for (const el of controls) {
    const r = el.getBoundingClientRect();
    const name = el.textContent.trim();
    if (r.left < 0 || r.right > window.innerWidth || r.top < 0) faults.push(name + ' outside');
    if (group.contains(el) && (r.left < box.left - 1 || r.right > box.right + 1)) faults.push(name + ' hidden');
    for (const part of [el, ...el.querySelectorAll('*')]) {
      if (part.clientWidth > 0 && part.scrollWidth > part.clientWidth + 1) faults.push(name + ' cut');
    }
  }
  return [controls.length, [...new Set(faults)]];
}"""


def test_presentation_slide_row_fits_and_keys_step(page, app_url):
    """At 1280×720 every slide tab and both step buttons are whole; a clicker's PageDown/PageUp, the arrow keys and
    space step the slides, and the URL follows."""
    page.goto(f"{app_url}/present?present=1")
    wait_for_app(page)
    page.wait_for_timeout(1_000)
    count, faults = page.evaluate(SLIDE_ROW_FITS)
    assert count == 6 + 3 and not faults, faults
    expected = ["2", "3", "2", "1", "6", "1", "2"]
    for key, number in zip(
        ["PageDown", "ArrowRight", "PageUp", "ArrowLeft", "ArrowLeft", "PageDown", "Space"], expected, strict=True
    ):
        page.keyboard.press(key)
        if number == "1":  # the first slide is the default: it leaves the URL
            page.wait_for_url(lambda url: "bild=" not in url, timeout=15_000)
        else:
            page.wait_for_url(lambda url, n=number: f"bild={n}" in url, timeout=15_000)
        wait_for_app(page)
    page.get_by_role("heading", name="Var är riskerna störst?").wait_for(timeout=15_000)
