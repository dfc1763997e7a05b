"""A misbehaving stream server for the probe tests, run as its own process on loopback.

``python stream_server.py`` listens on 127.0.0.1 (a free port), prints the port on its first
line and serves until killed. Raw asyncio streams, not http.server: it must be able to
accept and never answer, drip bytes, and loop redirects, as real providers do.

Paths: ``/media`` (200 with TS bytes), ``/status/N``, ``/flaky/KEY`` (500 the first time per
key, then media), ``/loop/a`` ⇄ ``/loop/b`` (302), ``/chain/N``
(N+1 redirects to ``/media``), ``/hang`` (reads, never answers),
``/drip`` (headers, then a byte every half second), ``/html``, ``/hls/…`` (master → variant
→ segments, ``/hls/broken/…`` with a missing first segment), ``/ua`` (403 unless the
User-Agent is ``SecretPlayer/1.0`` and the Referer ``https://portal.example/``),
``/delay/MS/…`` (media after MS milliseconds; ``/_stats`` says how many were in flight at
most per host, and when each began), ``/dash/ok.mpd``, ``/dash/broken.mpd``,
``/dash/bomb.mpd`` (an entity declaration), ``/to-file`` (a redirect to ``file://``),
``/to-other-host`` (to 127.0.0.2's ``/no-credentials``: 403 when Authorization or Cookie
arrive, or the User-Agent does not). It also listens on 127.0.0.2, same port: a second host.
"""

from __future__ import annotations

import asyncio
import gzip
import json
import sys
import time

TS = bytes([0x47, 0x40, 0x00, 0x10]) + bytes(184)
MEDIA = TS * 8
seen: dict[str, int] = {}
# /delay/ requests: how many at once now and at most, by host, and when each began
in_flight: dict[str, int] = {}
most: dict[str, int] = {}
begun: dict[str, list[float]] = {}
together = {"now": 0, "most": 0}  # every host's /delay/ requests at once


def answer(status: int, body: bytes, kind: str = "video/mp2t", extra: str = "") -> bytes:
    head = (
        f"HTTP/1.1 {status} X\r\nContent-Type: {kind}\r\nContent-Length: {len(body)}\r\n"
        f"Connection: close\r\n{extra}\r\n"
    )
    return head.encode() + body


MPD = b"""<?xml version="1.0"?>
<MPD xmlns="urn:mpeg:dash:schema:mpd:2011" mediaPresentationDuration="PT1M30.5S">
  <Period><AdaptationSet><Representation id="v1" bandwidth="800000">
    <BaseURL>/media</BaseURL>
  </Representation></AdaptationSet></Period>
</MPD>"""
MPD_BROKEN = MPD.replace(b"/media", b"/status/410")
MASTER = b"#EXTM3U\n#EXT-X-STREAM-INF:BANDWIDTH=800000\nvariant.m3u8\n"
VARIANT = (
    b"#EXTM3U\n#EXT-X-TARGETDURATION:4\n#EXTINF:4.0,\nseg0.ts\n#EXTINF:4.0,\nseg1.ts\n"
    b"#EXT-X-ENDLIST\n"
)
SELF = b"#EXTM3U\n#EXT-X-TARGETDURATION:4\n#EXTINF:4.0,\nself.m3u8\n"
PAGE = b"<!DOCTYPE html><html><body>Moved</body></html>"


async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    try:
        request = await reader.readuntil(b"\r\n\r\n")
    except (asyncio.IncompleteReadError, asyncio.LimitOverrunError, ConnectionError):
        writer.close()
        return
    lines = request.decode("latin-1").split("\r\n")
    path = lines[0].split(" ")[1].partition("?")[0]
    headers = {}
    for line in lines[1:]:
        name, _, value = line.partition(":")
        headers[name.strip().lower()] = value.strip()
    seen[lines[0]] = seen.get(lines[0], 0) + 1
    try:
        if path == "/media":
            writer.write(answer(200, MEDIA))
        elif path.startswith("/status/"):
            writer.write(answer(int(path.split("/")[2]), b"no"))
        elif path.startswith("/flaky/"):
            writer.write(answer(500, b"busy") if seen[lines[0]] == 1 else answer(200, MEDIA))
        elif path.startswith("/chain/"):
            left = int(path.split("/")[2])
            location = f"/chain/{left - 1}" if left else "/media"
            writer.write(answer(302, b"", extra=f"Location: {location}\r\n"))
        elif path == "/loop/a":
            writer.write(answer(302, b"", extra="Location: /loop/b\r\n"))
        elif path == "/loop/b":
            writer.write(answer(302, b"", extra="Location: /loop/a\r\n"))
        elif path == "/hang":
            await asyncio.Event().wait()
        elif path == "/drip":
            writer.write(b"HTTP/1.1 200 OK\r\nContent-Type: video/mp2t\r\n\r\n")
            while True:
                writer.write(b"G")
                await writer.drain()
                await asyncio.sleep(0.5)
        elif path == "/json":
            writer.write(answer(200, b'{"error": "geo-blocked"}', "application/json"))
        elif path == "/ts-as-text":  # a misconfigured server: media, said to be text
            writer.write(answer(200, MEDIA, "text/plain"))
        elif path == "/html":
            writer.write(answer(200, PAGE, "text/html"))
        elif path == "/hls/slow/variant.m3u8":  # a long playlist, in two packets
            long = VARIANT.replace(b"#EXTM3U\n", b"#EXTM3U\n" + b"# padding\n" * 300)
            cut = long.index(b"seg0.ts") + 4  # the first segment's name is split
            writer.write(
                b"HTTP/1.1 200 OK\r\nContent-Type: application/vnd.apple.mpegurl\r\n"
                + f"Content-Length: {len(long)}\r\n\r\n".encode()
                + long[:cut]
            )
            await writer.drain()
            await asyncio.sleep(0.2)
            writer.write(long[cut:])
        elif path == "/hls/gzip/master.m3u8":  # as a CDN does: gzip when the client says so
            if "gzip" in headers.get("accept-encoding", ""):
                body = gzip.compress(MASTER)
                kind = "application/vnd.apple.mpegurl"
                writer.write(answer(200, body, kind, "Content-Encoding: gzip\r\n"))
            else:
                writer.write(answer(200, MASTER, "application/vnd.apple.mpegurl"))
        elif path == "/hls/self.m3u8":  # its "segment" is the playlist again
            writer.write(answer(200, SELF, "application/vnd.apple.mpegurl"))
        elif path.endswith("master.m3u8"):
            writer.write(answer(200, MASTER, "application/vnd.apple.mpegurl"))
        elif path.endswith("variant.m3u8"):
            writer.write(answer(200, VARIANT, "application/vnd.apple.mpegurl"))
        elif path.startswith("/hls/broken/") and path.endswith("seg0.ts"):
            writer.write(answer(404, b"gone"))
        elif path.startswith("/hls/") and path.endswith(".ts"):
            writer.write(answer(200, MEDIA))
        elif path == "/ua":
            allowed = headers.get("user-agent") == "SecretPlayer/1.0" and (
                headers.get("referer") == "https://portal.example/"
            )
            writer.write(answer(200, MEDIA) if allowed else answer(403, b"who are you"))
        elif path.startswith("/delay/"):
            host = headers.get("host", "")
            in_flight[host] = in_flight.get(host, 0) + 1
            most[host] = max(most.get(host, 0), in_flight[host])
            together["now"] += 1
            together["most"] = max(together["most"], together["now"])
            begun.setdefault(host, []).append(time.monotonic())
            try:
                await asyncio.sleep(int(path.split("/")[2]) / 1000)
            finally:
                in_flight[host] -= 1
                together["now"] -= 1
            writer.write(answer(200, MEDIA))
        elif path == "/_stats":
            stats = {"most": most, "begun": begun, "together": together["most"]}
            writer.write(answer(200, json.dumps(stats).encode(), "application/json"))
        elif path == "/dash/ok.mpd":
            writer.write(answer(200, MPD, "application/dash+xml"))
        elif path == "/dash/broken.mpd":
            writer.write(answer(200, MPD_BROKEN, "application/dash+xml"))
        elif path == "/dash/bomb.mpd":
            bomb = b'<?xml version="1.0"?><!DOCTYPE MPD [<!ENTITY a "aaaa">]><MPD>&a;</MPD>'
            writer.write(answer(200, bomb, "application/dash+xml"))
        elif path == "/to-other-host":  # the same server, by its second address
            port = writer.get_extra_info("sockname")[1]
            location = f"http://127.0.0.2:{port}/no-credentials"
            writer.write(answer(302, b"", extra=f"Location: {location}\r\n"))
        elif path == "/no-credentials":
            leaked = "authorization" in headers or "cookie" in headers
            ok = headers.get("user-agent") == "SecretPlayer/1.0" and not leaked
            writer.write(answer(200, MEDIA) if ok else answer(403, b"credentials leaked"))
        elif path == "/to-file":
            writer.write(answer(302, b"", extra="Location: file:///etc/passwd\r\n"))
        elif path == "/to-metadata":  # a cloud's metadata service: link-local
            writer.write(
                answer(302, b"", extra="Location: http://169.254.169.254/latest/meta-data/\r\n")
            )
        elif path == "/hls/internal.m3u8":  # a variant on a link-local address
            playlist = b"#EXTM3U\n#EXT-X-STREAM-INF:BANDWIDTH=1\nhttp://169.254.169.254/v.m3u8\n"
            writer.write(answer(200, playlist, "application/vnd.apple.mpegurl"))
        else:
            writer.write(answer(404, b"unknown"))
        await writer.drain()
    except ConnectionError:
        pass
    finally:
        writer.close()


async def main() -> None:
    server = await asyncio.start_server(handle, "127.0.0.1", 0, backlog=1024)
    port = server.sockets[0].getsockname()[1]
    # a second loopback host on the same port, for the per-host limits
    second = await asyncio.start_server(handle, "127.0.0.2", port, backlog=1024)
    sys.stdout.write(f"{port}\n")
    sys.stdout.flush()
    await asyncio.gather(server.serve_forever(), second.serve_forever())


if __name__ == "__main__":
    asyncio.run(main())
