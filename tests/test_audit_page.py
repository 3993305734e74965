"""Statistisk granskning in AppTest: it renders, names the index it audits and the overlapping pair, and follows
the weights set on Index och vikter."""

from __future__ import annotations

from test_pages import open_page

PAGE = "pages/audit.py"


def _text(at) -> str:
    return " ".join(m.value for m in at.markdown)


def test_audit_page_names_the_flagged_pair_and_its_index():
    at = open_page(PAGE, ar="2024")
    assert not at.exception, [e.value for e in at.exception]
    assert at.title[0].value == "Statistisk granskning"
    assert [s.value for s in at.subheader][:3] == [
        "Överlappande indikatorer",
        "Områdenas samstämmighet",
        "Nominell och effektiv vikt",
    ]
    text = _text(at)
    assert "**Barn i hushåll med ekonomiskt bistånd** och **Ekonomiskt bistånd** (r = 0," in text
    assert "Granskat index: **2024**" in text and "standardvikterna" in text
    assert "Mer än dubbelt så stor effektiv som nominell vikt" in text
    assert len(at.get("download_button")) == 6


def test_audit_page_follows_the_weights_in_the_url():
    at = open_page(PAGE, ar="2024", vikt_forsorjning="10", metod="z-poäng")
    assert not at.exception, [e.value for e in at.exception]
    text = _text(at)
    assert "egna vikter från Index och vikter" in text and "normalisering ”z-poäng”" in text
