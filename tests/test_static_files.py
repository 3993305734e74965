"""Files the browser loads by address: named by content, written once and whole, refused when not ours."""

from __future__ import annotations

import pytest

from lib import static_files


def test_the_same_content_gets_the_same_address_and_is_written_once(tmp_path):
    first = static_files.publish('{"a":1}', "namn", tmp_path)
    written = (tmp_path / first.removeprefix(static_files.URL_PREFIX)).stat().st_mtime_ns
    assert first == static_files.publish('{"a":1}', "namn", tmp_path)
    assert (tmp_path / first.removeprefix(static_files.URL_PREFIX)).stat().st_mtime_ns == written
    assert first.startswith("app/static/namn-") and first.endswith(".json")
    assert static_files.publish('{"a":2}', "namn", tmp_path) != first
    assert static_files.read(first, tmp_path) == '{"a":1}'
    assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".tmp")] == []


def test_a_folder_that_cannot_be_written_gives_no_address(tmp_path):
    """A read-only installation: the caller then sends the content in the spec. (A file where the folder should be
    fails for root too, unlike a read-only folder.)"""
    folder = tmp_path / "static"
    folder.write_text("not a folder")
    assert static_files.publish("{}", "namn", folder) is None


@pytest.mark.parametrize("address", ["app/static/../secrets.toml", "/etc/passwd", "app/static/a/b.json"])
def test_read_refuses_addresses_it_did_not_give(tmp_path, address):
    with pytest.raises(ValueError):
        static_files.read(address, tmp_path)
