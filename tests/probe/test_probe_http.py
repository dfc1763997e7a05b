"""HTTP, HLS and header probes against a real server on loopback (tests/probe/stream_server.py)."""

from __future__ import annotations

import asyncio
import itertools
import json
import time
import urllib.request
from typing import Any

import pytest

from core.locators import fingerprint
from core.probe.model import ProbeResult, ProbeSettings, ProbeTarget
from core.probe.runner import probe_all

FAST = ProbeSettings(timeout=2.0, retries=1, backoff=0.01, concurrency=8)


def probe(*targets: ProbeTarget, settings: ProbeSettings = FAST) -> dict[str, ProbeResult]:
    found: dict[str, ProbeResult] = {}

    def keep(result: ProbeResult) -> None:
        found[result.locator] = result

    asyncio.run(probe_all(targets, settings, on_result=keep))
    return found


def target(locator: str, *tags: str) -> ProbeTarget:
    return ProbeTarget(locator, fingerprint(locator), tags)


def one(locator: str, *tags: str, settings: ProbeSettings = FAST) -> ProbeResult:
    return probe(target(locator, *tags), settings=settings)[locator]


def test_media_bytes_play(stream_server: str) -> None:
    result = one(f"{stream_server}/media")
    assert (result.ok, result.status, result.media_type) == (True, 200, "video/mp2t")
    assert result.latency_ms is not None and result.latency_ms < 2000


def test_404_and_403_are_answers_not_retried(stream_server: str) -> None:
    gone, denied = f"{stream_server}/status/404", f"{stream_server}/status/403"
    results = probe(target(gone), target(denied))
    missing, forbidden = results[gone], results[denied]
    assert (missing.ok, missing.status, missing.attempts) == (False, 404, 1)
    assert missing.reason.startswith("HTTP 404")
    assert (forbidden.ok, forbidden.status, forbidden.attempts) == (False, 403, 1)


def test_500_then_200_is_retried_and_plays(stream_server: str) -> None:
    result = one(f"{stream_server}/flaky/a")
    assert (result.ok, result.status, result.attempts) == (True, 200, 2)


def test_500_without_retries_fails(stream_server: str) -> None:
    result = one(f"{stream_server}/flaky/b", settings=ProbeSettings(timeout=2, retries=0))
    assert (result.ok, result.status, result.attempts) == (False, 500, 1)


def test_redirect_loop_is_named(stream_server: str) -> None:
    result = one(f"{stream_server}/loop/a")
    assert not result.ok
    assert result.reason.startswith("redirect loop")


def test_redirects_are_followed_up_to_the_limit(stream_server: str) -> None:
    settings = ProbeSettings(timeout=2, max_redirects=3)
    assert one(f"{stream_server}/chain/2", settings=settings).ok  # three redirects
    result = one(f"{stream_server}/chain/3", settings=settings)
    assert (result.ok, result.reason) == (False, "more than 3 redirects")


def test_a_server_that_never_answers_ends_within_timeout_times_tries(stream_server: str) -> None:
    settings = ProbeSettings(timeout=0.5, retries=2, backoff=0.01)
    started = time.monotonic()
    result = one(f"{stream_server}/hang", settings=settings)
    elapsed = time.monotonic() - started
    assert (result.ok, result.attempts) == (False, 3)
    assert result.reason == "no media bytes within 0.5 s"
    assert 1.5 <= elapsed < 0.5 * 3 + 1.0


def test_a_slow_drip_is_not_media_in_time(stream_server: str) -> None:
    result = one(f"{stream_server}/drip", settings=ProbeSettings(timeout=0.6, retries=0))
    assert (result.ok, result.reason) == (False, "no media bytes within 0.6 s")


def test_html_instead_of_video(stream_server: str) -> None:
    result = one(f"{stream_server}/html")
    assert (result.ok, result.status, result.reason) == (False, 200, "an HTML page, not video")


def test_a_text_answer_is_not_video_unless_its_bytes_are(stream_server: str) -> None:
    blocked = one(f"{stream_server}/json")
    assert (blocked.ok, blocked.reason) == (False, "a text answer (application/json), not video")
    mislabelled = one(f"{stream_server}/ts-as-text")
    assert (mislabelled.ok, mislabelled.media_type) == (True, "text/plain")


def test_hls_master_variant_segment(stream_server: str) -> None:
    good = one(f"{stream_server}/hls/ok/master.m3u8")
    assert (good.ok, good.reason, good.duration) == (True, "plays (HLS)", 8.0)
    split = one(f"{stream_server}/hls/slow/variant.m3u8")  # read to its end, not its first packet
    assert (split.ok, split.duration) == (True, 8.0)
    broken = one(f"{stream_server}/hls/broken/master.m3u8")
    assert not broken.ok
    assert broken.reason.startswith("first segment: HTTP 404")


def test_user_agent_gated_content_gets_the_lists_headers(stream_server: str) -> None:
    bare = one(f"{stream_server}/ua")
    assert (bare.ok, bare.status) == (False, 403)
    vlc = one(
        f"{stream_server}/ua",
        "#EXTVLCOPT:http-user-agent=SecretPlayer/1.0",
        "#EXTVLCOPT:http-referrer=https://portal.example/",
    )
    assert (vlc.ok, vlc.status) == (True, 200)
    kodi = one(f"{stream_server}/ua|User-Agent=SecretPlayer%2F1.0&Referer=https://portal.example/")
    assert (kodi.ok, kodi.status) == (True, 200)


def test_exthttp_json_headers_are_sent(stream_server: str) -> None:
    sent = one(
        f"{stream_server}/ua",
        '#EXTHTTP:{"User-Agent": "SecretPlayer/1.0", "Referer": "https://portal.example/",'
        ' "Host": "elsewhere.example"}',
    )
    assert (sent.ok, sent.status) == (True, 200)
    forged = one(f"{stream_server}/ua", '#EXTHTTP:{"User-Agent": "a\\r\\nX-Evil: 1"}')
    assert forged.reason == "refused: its User-Agent header holds a control character (U+000D)"


def test_a_server_that_gzips_what_it_may_is_read(stream_server: str) -> None:
    """Bodies are not decompressed (a gzip bomb must stay a few bytes), so the probe must not
    say it takes gzip: aiohttp said so by default, and a CDN that gzips playlists made every
    HLS stream "list no segment"."""
    result = one(f"{stream_server}/hls/gzip/master.m3u8")
    assert (result.ok, result.reason) == (True, "plays (HLS)")


def test_an_hls_segment_that_is_a_playlist_does_not_play(stream_server: str) -> None:
    """A playlist whose first segment is a playlist (itself, here) is no stream a player
    can show: it counted as "plays (HLS)" because the segment's bytes were not media-typed
    text."""
    result = one(f"{stream_server}/hls/self.m3u8")
    assert not result.ok
    assert result.reason == "first segment: a playlist, not video"


def test_an_exthttp_nested_past_pythons_recursion_is_not_headers(stream_server: str) -> None:
    """``json.loads`` raises RecursionError (not a ValueError) on deep nesting: a list's
    ``#EXTHTTP:[[[…]]]`` made the probe fail "unexpectedly" and the stream count as down."""
    deep = "#EXTHTTP:" + "[" * 100_000 + "]" * 100_000
    result = one(f"{stream_server}/media", deep)
    assert (result.ok, result.reason) == (True, "plays")


def test_a_header_value_with_a_line_break_is_refused_not_sent(stream_server: str) -> None:
    result = one(f"{stream_server}/media|User-Agent=x%0D%0AX-Injected:%201")
    assert not result.ok
    assert result.reason == "refused: its User-Agent header holds a control character (U+000D)"
    tagged = one(f"{stream_server}/media", "#EXTVLCOPT:http-user-agent=a\rX-Evil: 1")
    assert not tagged.ok


def test_dash_manifest_and_its_first_representation(stream_server: str) -> None:
    good = one(f"{stream_server}/dash/ok.mpd")
    assert (good.ok, good.reason, good.duration) == (True, "plays (DASH)", 90.5)
    broken = one(f"{stream_server}/dash/broken.mpd")
    assert (broken.ok, broken.reason) == (False, "first segment: HTTP 410 Gone")
    bomb = one(f"{stream_server}/dash/bomb.mpd")
    assert (bomb.ok, bomb.reason) == (False, "the DASH manifest is not well-formed, safe XML")


def test_a_redirect_is_followed_to_http_only(stream_server: str) -> None:
    result = one(f"{stream_server}/to-file")
    assert (result.ok, result.reason) == (False, "redirected to a URL that is not http(s)")


def test_a_redirect_or_a_variant_never_leads_somewhere_more_private_than_the_list(
    stream_server: str,
) -> None:
    # the list's locator is on this machine (loopback): a link-local address (a cloud's
    # metadata service) is more private still, and is never asked
    for path, where in (("/to-metadata", ""), ("/hls/internal.m3u8", "variant: ")):
        result = one(f"{stream_server}{path}")
        assert (result.ok, result.reason) == (
            False,
            f"{where}leads to a link-local address (169.254.169.254), more private than "
            "the list's locator",
        )
    assert one(f"{stream_server}/chain/2").ok  # loopback to loopback: as before


def test_credentials_are_not_sent_on_to_another_host(stream_server: str) -> None:
    result = one(
        f"{stream_server}/to-other-host|User-Agent=SecretPlayer/1.0&Authorization=Basic%20eDp5"
        "&Cookie=session%3D1"
    )
    assert (result.ok, result.status) == (True, 200)


def _stats(server: str) -> dict[str, Any]:
    with urllib.request.urlopen(f"{server}/_stats", timeout=5) as answer:
        return json.loads(answer.read())  # type: ignore[no-any-return]


@pytest.mark.parametrize(
    ("concurrency", "per_host", "each", "together"),
    [(6, 2, [2, 2], 4), (3, 8, None, 3)],
    ids=["per-host limit", "concurrency"],
)
def test_probes_at_once_per_host_and_in_all(
    stream_server: str, concurrency: int, per_host: int, each: list[int] | None, together: int
) -> None:
    other = stream_server.replace("127.0.0.1", "127.0.0.2")
    targets = [
        target(f"{server}/delay/150?n={n}") for n in range(8) for server in (stream_server, other)
    ]
    settings = ProbeSettings(concurrency=concurrency, per_host=per_host, timeout=5, retries=0)
    results = probe(*targets, settings=settings)
    assert len(results) == 16 and all(result.ok for result in results.values())
    stats = _stats(stream_server)
    if each is not None:
        assert sorted(stats["most"].values()) == each
    assert stats["together"] == together


def test_a_host_is_given_its_minimum_interval_between_starts(stream_server: str) -> None:
    targets = [target(f"{stream_server}/delay/1?n={n}") for n in range(5)]
    settings = ProbeSettings(concurrency=5, per_host=5, min_interval=0.2, timeout=5, retries=0)
    assert all(result.ok for result in probe(*targets, settings=settings).values())
    (starts,) = _stats(stream_server)["begun"].values()
    gaps = [later - earlier for earlier, later in itertools.pairwise(sorted(starts))]
    assert len(gaps) == 4 and min(gaps) >= 0.19


def test_locators_that_cannot_be_requested_are_failures_with_a_reason(stream_server: str) -> None:
    port = stream_server.rpartition(":")[2]
    found = probe(
        target("http://[::1"),
        target("http://127.0.0.1:99999/x"),
        target("http://\u2028evil/"),
        target("-i/etc/passwd"),
        target("mms://127.0.0.1/x"),
        target(f"http://127.0.0.2:{port}/media"),  # and the run carries on
    )
    assert found["http://[::1"].reason == "not a URL that can be requested"
    assert found["http://127.0.0.1:99999/x"].reason == "not a URL that can be requested"
    assert found["http://\u2028evil/"].reason.startswith("refused: locator")
    assert found["-i/etc/passwd"].reason.startswith("refused: locator '-i/etc/passwd'")
    assert found["mms://127.0.0.1/x"].reason.startswith("refused: locator 'mms://127.0.0.1/x'")
    assert found[f"http://127.0.0.2:{port}/media"].ok


def test_an_unforeseen_failure_is_that_locators_not_the_runs(
    stream_server: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    from core.probe import runner

    real = runner.probe_http

    async def breaks_on_one(session, url, headers, **options):  # type: ignore[no-untyped-def]
        if url.endswith("/broken"):
            raise RuntimeError("a bug")
        return await real(session, url, headers, **options)

    monkeypatch.setattr(runner, "probe_http", breaks_on_one)
    found = probe(target(f"{stream_server}/broken"), target(f"{stream_server}/media"))
    assert found[f"{stream_server}/broken"].reason == (
        "the probe failed unexpectedly (RuntimeError); details in the log"
    )
    assert found[f"{stream_server}/media"].ok
