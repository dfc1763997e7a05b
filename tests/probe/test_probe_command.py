"""``scheduleflow probe`` as a pipeline runs it: JSON, exit status, headers from the list."""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import socketserver
import sqlite3
import ssl
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from tests.conftest import ROOT, run_cli
from tests.probe.test_probe_spawned import processes_naming


def playlist(folder: Path, server: str, *entries: tuple[str, str, tuple[str, ...]]) -> Path:
    lines = ["#EXTM3U"]
    for title, path, tags in entries:
        lines += [f'#EXTINF:-1 group-title="News",{title}', *tags, f"{server}{path}"]
    path = folder / "list.m3u"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


GATED = (
    "#EXTVLCOPT:http-user-agent=SecretPlayer/1.0",
    "#EXTVLCOPT:http-referrer=https://portal.example/",
)


def test_all_up_exits_0_with_the_json_shape(
    sf_home: Path, tmp_path: Path, stream_server: str
) -> None:
    listed = playlist(tmp_path, stream_server, ("Good", "/media", ()), ("Gated", "/ua", GATED))
    assert run_cli("import", str(listed), home=sf_home).returncode == 0
    done = run_cli("probe", "--library", "--json", "--timeout", "5", home=sf_home)
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    assert set(report) == {"checked", "up", "down", "flapping", "results"}
    assert (report["checked"], report["up"], report["down"], report["flapping"]) == (2, 2, 0, 0)
    gated = next(r for r in report["results"] if r["locator"].endswith("/ua"))
    assert set(gated) == {"locator", "state", "status", "reason", "latency_ms", "checked_at"}
    assert (gated["state"], gated["status"], gated["reason"]) == ("up", 200, "plays")


def test_iptv_org_header_attributes_are_sent(
    sf_home: Path, tmp_path: Path, stream_server: str
) -> None:
    listed = tmp_path / "iptv-org.m3u"
    listed.write_text(
        "#EXTM3U\n"
        '#EXTINF:-1 tvg-id="x" http-referrer="https://portal.example/" '
        'http-user-agent="SecretPlayer/1.0",Gated\n'
        f"{stream_server}/ua\n",
        encoding="utf-8",
    )
    assert run_cli("import", str(listed), home=sf_home).returncode == 0
    done = run_cli("probe", "--library", "--json", home=sf_home)
    assert done.returncode == 0, done.stdout
    assert json.loads(done.stdout)["results"][0]["status"] == 200


def test_a_dead_stream_is_down_after_one_run_and_exits_1(
    sf_home: Path, tmp_path: Path, stream_server: str
) -> None:
    listed = playlist(tmp_path, stream_server, ("Good", "/media", ()), ("Gone", "/status/404", ()))
    assert run_cli("import", str(listed), home=sf_home).returncode == 0
    done = run_cli("probe", "--group", "News", home=sf_home)
    assert done.returncode == 1, done.stderr
    lines = done.stdout.splitlines()
    assert lines[0] == "probed 2 locators: 1 up, 1 down, 0 flapping"
    assert lines[1].startswith(f"  down     {stream_server}/status/404: HTTP 404 Not Found since ")


def test_could_not_run_exits_2_with_one_line(sf_home: Path) -> None:
    unknown = run_cli("probe", "--channel", "nowhere.tv", home=sf_home)
    assert unknown.returncode == 2
    assert unknown.stderr.count("\n") == 1 and "nowhere.tv" in unknown.stderr
    wrong = run_cli("probe", "--concurrency", "0", home=sf_home)
    assert (wrong.returncode, wrong.stderr) == (
        2,
        "scheduleflow probe: --concurrency 0 is not between 1 and 1024\n",
    )
    assert run_cli("probe", "--library", "--group", "x", home=sf_home).returncode == 2


def test_the_config_sets_politeness_and_when_a_stream_is_down(
    sf_home: Path, tmp_path: Path, stream_server: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    (sf_home / "config.toml").write_text(
        "[probe]\ntimeout_seconds = 0.5\nretries = 0\n\n[rules]\nstream_down_after = 3\n",
        encoding="utf-8",
    )
    listed = playlist(tmp_path, stream_server, ("Silent", "/hang", ()))
    assert run_cli("import", str(listed), home=sf_home).returncode == 0
    started = time.monotonic()
    done = run_cli("probe", "--library", "--json", home=sf_home, timeout=60)
    elapsed = time.monotonic() - started
    assert done.returncode == 1, done.stderr
    (row,) = json.loads(done.stdout)["results"]
    assert (row["state"], row["reason"]) == ("down", "no media bytes within 0.5 s")
    assert elapsed < 10  # three probes of half a second, not ten seconds each
    with sqlite3.connect(sf_home / "scheduleflow.db") as database:
        assert database.execute("SELECT count(*) FROM stream_probe").fetchone() == (3,)
    monkeypatch.setenv("SCHEDULEFLOW_PROBE__CONCURRENCY", "0")
    wrong = run_cli("probe", home=sf_home)
    assert wrong.returncode == 2
    assert "setting 'probe.concurrency'" in wrong.stderr


@pytest.mark.skipif(shutil.which("ffprobe") is None, reason="needs ffprobe")
@pytest.mark.parametrize(
    "stop", [signal.SIGINT, signal.SIGTERM, signal.SIGHUP], ids=["Ctrl-C", "SIGTERM", "SIGHUP"]
)
def test_ctrl_c_stops_the_run_and_leaves_no_ffprobe(
    sf_home: Path, tmp_path: Path, stop: signal.Signals
) -> None:
    """Ctrl-C, SIGTERM (a service manager's stop, ``timeout``, a CI job's end) or SIGHUP
    (the SSH session closed): each ffprobe runs in a session of its own, so only the run can
    kill it — one with nothing behind its locator would otherwise run for ever."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as taken:
        taken.bind(("127.0.0.1", 0))
        port = taken.getsockname()[1]
    listed = tmp_path / "udp.m3u"
    listed.write_text(f"#EXTM3U\n#EXTINF:-1,Silent\nudp://127.0.0.1:{port}\n", encoding="utf-8")
    assert run_cli("import", str(listed), home=sf_home).returncode == 0
    probe = subprocess.Popen(
        [sys.executable, "-m", "tui.cli", "probe", "--library", "--timeout", "60"],
        env={**os.environ, "SCHEDULEFLOW_HOME": str(sf_home)},
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    deadline = time.monotonic() + 30
    while not processes_naming(f"127.0.0.1:{port}", probe.pid):
        assert time.monotonic() < deadline and probe.poll() is None, "ffprobe never started"
        time.sleep(0.01)
    probe.send_signal(stop)
    _, stderr = probe.communicate(timeout=10)
    assert probe.returncode == 2
    assert stderr.endswith("scheduleflow probe: interrupted\n")
    assert processes_naming(f"127.0.0.1:{port}", probe.pid) == []


def test_probe_then_check_reports_the_programmes_of_a_down_stream(
    sf_home: Path, tmp_path: Path, stream_server: str
) -> None:
    day = tmp_path / "day.json"
    program = [
        {"in": 0, "out": 600, "duration": 600, "source": f"{stream_server}{path}", "title": title}
        for title, path in (("Opening", "/media"), ("Gone Show", "/status/404"))
    ]
    day.write_text(
        json.dumps({"channel": "Probe TV", "date": "2026-12-05", "program": program}),
        encoding="utf-8",
    )
    assert run_cli("import", str(day), home=sf_home).returncode == 0
    probed = run_cli("probe", "--channel", "probe-tv", "--json", home=sf_home)
    assert probed.returncode == 1, probed.stderr
    assert json.loads(probed.stdout)["down"] == 1
    checked = run_cli("check", "--channel", "probe-tv", "--json", home=sf_home)
    findings = [f for f in json.loads(checked.stdout)["findings"] if f["kind"] == "unplayable"]
    assert len(findings) == 1
    assert findings[0]["message"].startswith("'Gone Show' at ")
    assert ": its stream is down since " in findings[0]["message"]
    assert findings[0]["fixes"] == ["disable", "replace"]


class _OneHost(socketserver.ThreadingTCPServer):
    """https and http on one port (the first byte tells a TLS handshake from a request):
    ``/start`` over https redirects to ``/media`` over plain http, on the same host and
    port. The headers each request came with are kept by path."""

    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, context: ssl.SSLContext) -> None:
        self.context = context
        self.seen: dict[str, dict[str, str]] = {}
        super().__init__(("127.0.0.1", 0), _OneHostHandler)


class _OneHostHandler(socketserver.BaseRequestHandler):
    server: _OneHost

    def handle(self) -> None:
        connection: socket.socket = self.request
        connection.settimeout(10)
        if connection.recv(1, socket.MSG_PEEK) == b"\x16":
            connection = self.server.context.wrap_socket(connection, server_side=True)
        head = b""
        while b"\r\n\r\n" not in head:
            chunk = connection.recv(4096)
            if not chunk:
                return
            head += chunk
        lines = head.decode("latin-1").split("\r\n")
        path = lines[0].split(" ")[1]
        self.server.seen[path] = {
            name.strip().lower(): value.strip()
            for name, _, value in (line.partition(":") for line in lines[1:] if line)
        }
        port = self.server.server_address[1]
        if path == "/start":
            answer = f"HTTP/1.1 302 Found\r\nLocation: http://127.0.0.1:{port}/media\r\n"
            connection.sendall(answer.encode() + b"Content-Length: 0\r\nConnection: close\r\n\r\n")
        else:
            media = b"G" + b"\x00" * 187
            connection.sendall(
                b"HTTP/1.1 200 OK\r\nContent-Type: video/mp2t\r\nContent-Length: 188\r\n"
                b"Connection: close\r\n\r\n" + media
            )


def test_credentials_are_not_sent_on_when_https_redirects_to_http(
    sf_home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A list's Authorization and Cookie go to its https URL; a redirect to plain http on the
    same host and port must not carry them in clear text (curl drops them too)."""
    if shutil.which("openssl") is None:
        pytest.skip("needs openssl to make a certificate")
    key, certificate = tmp_path / "key.pem", tmp_path / "cert.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
         "-keyout", str(key), "-out", str(certificate), "-subj", "/CN=127.0.0.1",
         "-addext", "subjectAltName=IP:127.0.0.1"],
        check=True, capture_output=True,
    )  # fmt: skip
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(certificate, key)
    server = _OneHost(context)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        port = server.server_address[1]
        listed = tmp_path / "secret.m3u"
        listed.write_text(
            "#EXTM3U\n#EXTINF:-1,Secret\n"
            f"https://127.0.0.1:{port}/start|Authorization=Basic%20eDp5&Cookie=session%3D1\n",
            encoding="utf-8",
        )
        assert run_cli("import", str(listed), home=sf_home).returncode == 0
        monkeypatch.setenv("SSL_CERT_FILE", str(certificate))  # the probe trusts this one
        done = run_cli("probe", "--library", "--json", "--timeout", "5", home=sf_home)
    finally:
        server.shutdown()
        server.server_close()
    assert done.returncode == 0, done.stdout + done.stderr
    assert server.seen["/start"]["authorization"] == "Basic eDp5"
    assert "authorization" not in server.seen["/media"]
    assert "cookie" not in server.seen["/media"]
