"""The service's life: request ids in job logs, and stops (SIGTERM, SIGKILL) mid-import."""

from __future__ import annotations

import json
import signal
import socket
import sqlite3
from pathlib import Path

import pytest

from bench.generate import write_bench_xmltv
from tests.conftest import run_cli
from tests.service.conftest import Server, make_keys, start_server, wait_until
from tests.service.test_endpoints import GUIDE, finished


@pytest.fixture(scope="module")
def big_guide(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A guide whose import takes long enough to be stopped half-way (about 20 MB)."""
    path = tmp_path_factory.mktemp("guides") / "big.xml"
    write_bench_xmltv(path, channels=60, days=21)
    return path


def _log_text(home: Path) -> str:
    """The log file as written so far (empty before the first command)."""
    path = home / "logs" / "scheduleflow.log"
    return path.read_text(encoding="utf-8") if path.exists() else ""


def _programmes(home: Path) -> int:
    with sqlite3.connect(home / "scheduleflow.db") as connection:
        return int(connection.execute("SELECT count(*) FROM programme").fetchone()[0])


def _import_running(server: Server, guide: Path) -> str:
    """Start importing ``guide`` and wait until the job has read items; its id."""
    with server.client("operator") as client:
        job_id: str = client.post("/api/import-schedule", content=guide.read_bytes()).json()["job"]
        wait_until(
            lambda: client.get(f"/api/jobs/{job_id}").json()["items"] > 0, "the import to run"
        )
    return job_id


def test_the_request_id_is_on_the_log_lines_of_its_job(server: Server) -> None:
    with server.client("operator") as client:
        answer = client.post(
            "/api/import-schedule", content=GUIDE.read_bytes(), headers={"X-Request-ID": "req-77"}
        )
        job_id = answer.json()["job"]
        assert finished(client, job_id)["state"] == "succeeded"
    lines = [line for line in server.log().splitlines() if f"job={job_id}" in line]
    assert any("import started" in line for line in lines)
    assert any("succeeded" in line for line in lines)
    assert all("request=req-77" in line for line in lines)
    access = [line for line in server.log().splitlines() if "scheduleflow.access" in line]
    assert any(
        "request=req-77" in line
        and "POST /api/import-schedule 202" in line
        and "key=operator-key" in line
        for line in access
    )


def test_json_access_lines_carry_their_fields(sf_home: Path) -> None:
    make_keys(sf_home)  # `keys add` logs its change as text, before the service starts
    written = len(_log_text(sf_home))
    server = start_server(sf_home, "--log-format", "json")
    try:
        with server.client() as client:
            client.get("/api/health", headers={"X-Request-ID": "mon-1"})
    finally:
        server.stop()
    records = [json.loads(line) for line in server.log()[written:].splitlines()]
    access = [
        r
        for r in records
        if r["logger"] == "scheduleflow.access" and r.get("request_id") == "mon-1"
    ]
    assert access[0]["method"] == "GET"
    assert access[0]["path"] == "/api/health"
    assert access[0]["status"] == 200
    assert access[0]["duration_ms"] >= 0


def test_sigkill_during_an_import_leaves_the_store_unchanged(
    sf_home: Path, big_guide: Path, tmp_path: Path
) -> None:
    keys = make_keys(sf_home)
    # a killed service cannot remove its upload: keep it out of the machine's /tmp
    server = start_server(sf_home, env={"TMPDIR": str(tmp_path)})
    server.keys = keys
    with server.client("operator") as client:
        finished(
            client, client.post("/api/import-schedule", content=GUIDE.read_bytes()).json()["job"]
        )
    before = _programmes(sf_home)
    _import_running(server, big_guide)
    assert server.stop(signal.SIGKILL) == -signal.SIGKILL
    checked = run_cli("db", "check", home=sf_home)
    assert checked.returncode == 0, checked.stderr
    assert _programmes(sf_home) == before == 84
    jobs = json.loads(run_cli("jobs", "--json", home=sf_home).stdout)
    assert jobs[0]["state"] == "abandoned"  # its process is gone


@pytest.mark.parametrize("stop", [signal.SIGTERM, signal.SIGINT], ids=["SIGTERM", "SIGINT"])
def test_sigterm_during_a_job_cancels_it_and_exits_cleanly(
    sf_home: Path, big_guide: Path, stop: signal.Signals
) -> None:
    server = start_server(sf_home)
    server.keys = make_keys(sf_home)
    job_id = _import_running(server, big_guide)
    assert server.stop(stop) == 0
    assert server.process.stderr is not None
    assert "Traceback" not in server.process.stderr.read()
    assert _programmes(sf_home) == 0
    assert not (sf_home / "service.json").exists()
    jobs = json.loads(run_cli("jobs", "--json", home=sf_home).stdout)
    assert [(job["id"], job["state"]) for job in jobs if job["kind"] == "import"] == [
        (job_id, "cancelled")
    ]
    assert run_cli("db", "check", home=sf_home).returncode == 0
    assert "cancelled: the service is stopping" in server.log()


def _uploads(folder: Path, named: str = "") -> list[str]:
    return sorted(path.name for path in folder.glob(f"scheduleflow-upload-*{named}"))


def test_an_import_cancelled_before_it_starts_leaves_no_upload(
    sf_home: Path, big_guide: Path, tmp_path: Path
) -> None:
    """A queued import never runs its operation (which removed the upload when done): its
    file must go all the same, when it is cancelled and when the service stops — else each
    cancelled upload stays in the temporary folder for good."""
    temporary = tmp_path / "tmp"
    temporary.mkdir()
    server = start_server(
        sf_home, env={"SCHEDULEFLOW_JOBS__MAX_ACTIVE": "1", "TMPDIR": str(temporary)}
    )
    server.keys = make_keys(sf_home)
    try:
        _import_running(server, big_guide)
        with server.client("operator") as client:

            def queue(name: str) -> str:
                files = {"file": (name, GUIDE.read_bytes(), "application/xml")}
                job: str = client.post("/api/import-schedule", files=files).json()["job"]
                assert client.get(f"/api/jobs/{job}").json()["state"] == "queued"
                assert _uploads(temporary, name)
                return job

            cancelled = queue("cancelled.xml")
            assert client.delete(f"/api/jobs/{cancelled}").status_code == 202
            wait_until(lambda: not _uploads(temporary, "cancelled.xml"), "the upload to go", 10)
            queue("waiting.xml")
    finally:
        assert server.stop() == 0
    assert _uploads(temporary) == []


def test_a_stop_during_a_slow_upload_writes_no_traceback_to_the_terminal(
    sf_home: Path, tmp_path: Path
) -> None:
    """A client still sending its upload when the service stops is cut off after the grace
    period; what the web server says about it (its traceback too) goes to the log file, as
    every traceback does, and the part received is removed."""
    temporary = tmp_path / "tmp"
    temporary.mkdir()
    server = start_server(sf_home, env={"TMPDIR": str(temporary)})
    server.keys = make_keys(sf_home)
    host, port = server.url.removeprefix("http://").rsplit(":", 1)
    with socket.create_connection((host, int(port))) as slow:
        slow.sendall(
            b"POST /api/import-schedule HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n"
            + f"Authorization: Bearer {server.keys['operator']}\r\n\r\n".encode()
            + b"400\r\n"
            + b"x" * 1024
            + b"\r\n"
        )
        wait_until(lambda: _uploads(temporary), "the upload to begin")
        assert server.stop() == 0
    assert server.process.stderr is not None
    said = server.process.stderr.read()
    assert "Traceback" not in said
    assert "graceful shutdown" not in said
    assert "graceful shutdown exceeded" in server.log()
    assert _uploads(temporary) == []
