"""The map's "Visa profil" opens the profile of the stadsdel it names, also from a shared map link."""

from __future__ import annotations

from urllib.parse import parse_qs, parse_qsl

from test_pages import open_page


def follow(at, link):
    """What a click on an `st.page_link` does: the page with the link's query string, in the same session."""
    for key in list(at.query_params):
        del at.query_params[key]
    for key, value in parse_qsl(link.proto.query_string):
        at.query_params[key] = value
    at.switch_page(f"pages/{link.proto.page}.py")
    at.run()
    return at


def profile_link(at):
    return next(link for link in at.get("page_link") if link.proto.page == "profile")


def test_a_map_link_with_a_stadsdel_opens_its_profile():
    at = open_page("pages/map.py", stadsdel="Sätra")
    assert not at.exception, [e.value for e in at.exception]
    assert at.selectbox(key="stadsdel").value == "Sätra"
    assert any(m.value.startswith("**Sätra** · ") for m in at.markdown)
    link = profile_link(at)
    assert link.proto.label == "Visa profil för Sätra"
    assert parse_qs(link.proto.query_string) == {"stadsdel": ["Sätra"]}
    at = follow(at, link)
    assert not at.exception, [e.value for e in at.exception]
    assert at.selectbox(key="stadsdel").value == "Sätra"
    assert any(s.value.startswith("Sätra · ") for s in at.subheader)


def test_a_stadsdel_chosen_on_the_map_opens_its_profile_and_is_in_the_map_url():
    at = open_page("pages/map.py")
    at.selectbox(key="stadsdel").select("Tensta")
    at.run()
    assert at.query_params["stadsdel"] in ("Tensta", ["Tensta"])  # the choice is in the map's own link
    at = follow(at, profile_link(at))
    assert not at.exception, [e.value for e in at.exception]
    assert any(s.value.startswith("Tensta · ") for s in at.subheader)
