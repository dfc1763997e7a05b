"""What every request meets first: CORS (off by default), and a port already taken."""

from __future__ import annotations

import socket
from pathlib import Path

from tests.conftest import run_cli
from tests.service.conftest import Server, start_server

ORIGIN = "https://guide.example.org"


def test_cors_is_off_by_default(server: Server) -> None:
    with server.client() as client:
        answer = client.get("/api/health", headers={"Origin": ORIGIN})
        preflight = client.options(
            "/api/health",
            headers={"Origin": ORIGIN, "Access-Control-Request-Method": "GET"},
        )
    assert "access-control-allow-origin" not in answer.headers
    assert "access-control-allow-origin" not in preflight.headers


def test_configured_origins_are_allowed_and_no_others(sf_home: Path) -> None:
    server = start_server(sf_home, env={"SCHEDULEFLOW_SERVICE__CORS_ORIGINS": ORIGIN})
    try:
        with server.client() as client:
            allowed = client.get("/api/health", headers={"Origin": ORIGIN})
            other = client.get("/api/health", headers={"Origin": "https://evil.example"})
            preflight = client.options(
                "/api/import-schedule",
                headers={
                    "Origin": ORIGIN,
                    "Access-Control-Request-Method": "POST",
                    "Access-Control-Request-Headers": "authorization",
                },
            )
    finally:
        server.stop()
    assert allowed.headers["access-control-allow-origin"] == ORIGIN
    assert "x-request-id" in allowed.headers["access-control-expose-headers"].lower()
    assert "access-control-allow-origin" not in other.headers
    assert preflight.status_code == 200
    assert preflight.headers["access-control-allow-origin"] == ORIGIN


def test_a_port_in_use_is_one_line_and_exit_2(sf_home: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen(1)
        port = taken.getsockname()[1]
        refused = run_cli("serve", "--port", str(port), home=sf_home)
    assert refused.returncode == 2
    assert refused.stderr.count("\n") == 1
    assert f"cannot listen on 127.0.0.1:{port}" in refused.stderr
    assert "Traceback" not in refused.stderr


def test_health_may_be_made_to_need_a_key(sf_home: Path) -> None:
    from tests.service.conftest import make_keys

    keys = make_keys(sf_home)
    server = start_server(sf_home, env={"SCHEDULEFLOW_SERVICE__HEALTH_NEEDS_KEY": "true"})
    server.keys = keys
    try:
        with server.client() as anonymous, server.client("viewer") as viewer:
            refused = anonymous.get("/api/health")
            allowed = viewer.get("/api/health")
    finally:
        server.stop()
    assert refused.status_code == 401
    assert allowed.status_code == 200


def test_a_gzipped_guide_uploads_as_it_imports(server: Server) -> None:
    import gzip

    from tests.service.test_endpoints import GUIDE, imported

    packed = Path(server.home) / "week.xml.gz"
    packed.write_bytes(gzip.compress(GUIDE.read_bytes()))
    with server.client("operator") as client:
        job = imported(client, packed)
    assert job["state"] == "succeeded", job
    assert job["result"]["added"] == 84
