"""HTTP, HLS and header probes against a real server on loopback (tests/probe/stream_server.py)."""

from __future__ import annotations

import asyncio
import time

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


def test_hls_master_variant_segment(stream_server: str) -> None:
    good = one(f"{stream_server}/hls/ok/master.m3u8")
    assert (good.ok, good.reason, good.duration) == (True, "plays (HLS)", 8.0)
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


def test_a_header_value_with_a_line_break_is_refused_not_sent(stream_server: str) -> None:
    result = one(f"{stream_server}/media|User-Agent=x%0D%0AX-Injected:%201")
    assert not result.ok
    assert result.reason == "refused: its User-Agent header holds a control character (U+000D)"
    tagged = one(f"{stream_server}/media", "#EXTVLCOPT:http-user-agent=a\rX-Evil: 1")
    assert not tagged.ok
