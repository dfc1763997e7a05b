"""Locators and fingerprints: one place, one fingerprint."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from core.errors import RefusedLocator
from core.locators import (
    content_fingerprint,
    fingerprint,
    is_local,
    normalise_locator,
    spawnable_locator,
)


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("HTTP://Example.ORG/Live/1.m3u8", "http://example.org/Live/1.m3u8"),
        ("http://example.org:80/a", "http://example.org/a"),
        ("https://example.org:443/a", "https://example.org/a"),
        ("http://example.org/a|User-Agent=VLC&Referer=x", "http://example.org/a"),
        ("rtmp://[::1]:1935/app", "rtmp://[::1]/app"),
        ("file:///media/films/a%20b.mp4", "/media/films/a b.mp4"),
        ("/media/films/../films/a.mp4", "/media/films/a.mp4"),
    ],
)
def test_two_spellings_of_one_place_share_a_fingerprint(a: str, b: str) -> None:
    assert fingerprint(a) == fingerprint(b)


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("http://example.org/A", "http://example.org/a"),  # paths are case-sensitive
        ("http://example.org:8080/a", "http://example.org/a"),
        ("http://user:Pass@example.org/a", "http://user:pass@example.org/a"),
        ("http://example.org/a?x=1", "http://example.org/a?x=2"),
    ],
)
def test_different_places_get_different_fingerprints(a: str, b: str) -> None:
    assert fingerprint(a) != fingerprint(b)


def test_relative_paths_are_taken_from_the_playlist_folder() -> None:
    assert normalise_locator("clips/a.mp4", "/srv/library") == "/srv/library/clips/a.mp4"
    assert fingerprint("clips/a.mp4", "/srv/library") == fingerprint("/srv/library/clips/a.mp4")


def test_fingerprint_is_the_md5_of_the_normalised_locator() -> None:
    expected = hashlib.md5(b"http://example.org/a").hexdigest()
    assert fingerprint("HTTP://EXAMPLE.org:80/a|User-Agent=x") == expected


def test_local_and_network_locators_are_told_apart() -> None:
    assert is_local("/media/a.mp4") and is_local("file:///a.mp4") and is_local("a.mp4")
    assert not is_local("https://example.org/a.mp4")
    assert not is_local("udp://239.0.0.1:1234")


def test_content_fingerprint_hashes_the_bytes(tmp_path: Path) -> None:
    a = tmp_path / "a.mp4"
    b = tmp_path / "b.mp4"
    a.write_bytes(b"same bytes")
    b.write_bytes(b"same bytes")
    assert (
        content_fingerprint(a) == content_fingerprint(b) == hashlib.md5(b"same bytes").hexdigest()
    )


@pytest.mark.parametrize(
    ("locator", "handed"),
    [
        ("a.mp4", "/media/a.mp4"),
        ("#1.mp4", "/media/#1.mp4"),
        ("lavfi:testsrc", "/media/lavfi:testsrc"),  # no "//": a file name, made absolute
        ("file:///srv/a%20b.mp4", "/srv/a b.mp4"),
        ("https://example.org/a.m3u8|User-Agent=VLC", "https://example.org/a.m3u8"),
        ("RTMPS://example.org/live", "RTMPS://example.org/live"),
        ("udp://@239.0.0.1:1234", "udp://@239.0.0.1:1234"),
        ("  srt://example.org:9000  ", "srt://example.org:9000"),
    ],
)
def test_a_spawnable_locator_is_an_absolute_path_or_an_allowed_url(
    locator: str, handed: str
) -> None:
    assert spawnable_locator(locator, "/media") == handed


@pytest.mark.parametrize(
    ("locator", "reason"),
    [
        ("--script=/tmp/evil.lua", "is not a URL with an allowed scheme nor a file path"),
        ("-", "starts with '-'"),
        ("", "the locator is empty"),
        (" |User-Agent=x", "the locator is empty"),
        ("ytdl://example.org/v", "'ytdl:' is not one of"),
        ("av://lavfi:testsrc", "'av:' is not one of"),
        ("edl://a.mp4,0,5", "'edl:' is not one of"),
        ("a.mp4\n--script=/tmp/evil.lua", "holds a control character (U+000A)"),
        ("\x1b]0;x\x07a.mp4", "holds a control character (U+001B)"),
        ("a\u2028b.mp4", "holds a control character (U+2028)"),
        ("file:///a%0A--script=x", "names a path with a control character (U+000A)"),
        ("file://", "is a file:// URL with no path"),
        ("FILE://localhost", "is a file:// URL with no path"),
    ],
)
def test_anything_else_is_refused_with_the_reason(locator: str, reason: str) -> None:
    with pytest.raises(RefusedLocator) as refused:
        spawnable_locator(locator, "/media")
    assert reason in str(refused.value)


def test_a_tilde_naming_no_user_here_is_a_relative_name_not_a_crash() -> None:
    # "~0" made Path.expanduser raise RuntimeError: an XMLTV <url system="video">~0</url>
    # stopped the whole import with an unexpected error (found by the export property test)
    assert normalise_locator("~no-such-user-here/a.mp4", "/media") == (
        "/media/~no-such-user-here/a.mp4"
    )
