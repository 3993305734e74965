"""Charts in a real browser: Vega draws Swedish numbers from the spec's own locale, whatever the browser's language."""

from __future__ import annotations

import re

import pytest

from conftest import ARTIFACTS, wait_for_app

pytestmark = pytest.mark.browser
AXIS_LABELS = (
    "() => [...document.querySelectorAll(\"[data-testid='stVegaLiteChart'] svg .role-axis-label text\")]"
    ".map(t => t.textContent)"
)


def test_chart_axes_use_a_decimal_comma_in_an_english_browser(browser, app_url):
    """The Stadsdel page's small multiples include anlagda bränder (about 1 per 1 000): its axis has decimals."""
    context = browser.new_context(viewport={"width": 1280, "height": 720}, locale="en-US")
    page = context.new_page()
    try:
        page.goto(f"{app_url}/profile")
        wait_for_app(page)
        page.wait_for_function(f"() => ({AXIS_LABELS})().some(t => /^\\d+[,.]\\d+$/.test(t))", timeout=30_000)
        labels = page.evaluate(AXIS_LABELS)
        decimals = [t for t in labels if re.fullmatch(r"\d+[,.]\d+", t)]
        assert decimals and all("," in t for t in decimals), decimals  # "0,8", never "0.8"
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "diagram_decimalkomma.png"))
    finally:
        context.close()
