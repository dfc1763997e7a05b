"""The probe benchmark's stream server: every path answers with the same media after a delay.

``python bench/probe_server.py HOSTS DELAY_MS MEDIA`` listens on ``127.0.0.1`` …
``127.0.0.HOSTS`` (loopback only: one port on each, as many hosts as an index has CDNs,
so per-host politeness is exercised) and prints the port. Each request gets ``MEDIA``'s
bytes as ``video/mp2t`` after ``DELAY_MS`` milliseconds; it serves until killed.
"""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path


async def main(hosts: int, delay: float, media: bytes) -> None:
    head = (
        "HTTP/1.1 200 OK\r\nContent-Type: video/mp2t\r\n"
        f"Content-Length: {len(media)}\r\nConnection: close\r\n\r\n"
    ).encode()

    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            await reader.readuntil(b"\r\n\r\n")
            await asyncio.sleep(delay)
            writer.write(head + media)
            await writer.drain()
        except (asyncio.IncompleteReadError, asyncio.LimitOverrunError, ConnectionError):
            pass
        finally:
            writer.close()

    first = await asyncio.start_server(handle, "127.0.0.1", 0, backlog=4096)
    port = first.sockets[0].getsockname()[1]
    servers = [first]
    for number in range(2, hosts + 1):
        servers.append(await asyncio.start_server(handle, f"127.0.0.{number}", port, backlog=4096))
    sys.stdout.write(f"{port}\n")
    sys.stdout.flush()
    await asyncio.gather(*(server.serve_forever() for server in servers))


if __name__ == "__main__":
    asyncio.run(main(int(sys.argv[1]), int(sys.argv[2]) / 1000, Path(sys.argv[3]).read_bytes()))
