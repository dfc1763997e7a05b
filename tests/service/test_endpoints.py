"""Each endpoint of ``scheduleflow serve``, against a real server process (httpx)."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path
from typing import Any

import httpx

from tests.conftest import ROOT
from tests.service.conftest import Server, wait_until

SAMPLES = ROOT / "samples"
GUIDE = SAMPLES / "community-week.xml"
CHANNEL = "community.example.org"


def finished(client: httpx.Client, job_id: str) -> dict[str, Any]:
    """Wait until the job is over; its document."""

    def over() -> dict[str, Any] | None:
        job: dict[str, Any] = client.get(f"/api/jobs/{job_id}").json()
        return job if job["state"] not in ("queued", "running") else None

    return wait_until(over, f"job {job_id} to finish")  # type: ignore[return-value]


def imported(client: httpx.Client, path: Path = GUIDE, **params: str) -> dict[str, Any]:
    answer = client.post("/api/import-schedule", content=path.read_bytes(), params=params)
    assert answer.status_code == 202, answer.text
    return finished(client, answer.json()["job"])


def test_health_is_the_health_document_without_a_key(server: Server) -> None:
    with server.client() as client:
        answer = client.get("/api/health")
    assert answer.status_code == 200
    body = answer.json()
    assert body["status"] == "healthy"
    assert {"uptime_seconds", "active", "queued", "peak_active", "completed", "failed"} <= set(body)
    assert answer.headers["x-request-id"]


def test_queue_stats_counts_jobs(server: Server) -> None:
    with server.client("operator") as client:
        assert client.get("/api/queue-stats").json()["completed"] == 0
        imported(client)
        # health numbers come from the job history, written a moment after the job ends
        stats = wait_until(
            lambda: (found := client.get("/api/queue-stats").json())["completed"] == 1 and found,
            "the job in the queue stats",
        )
    assert {"active", "queued", "errors"} <= set(stats)  # type: ignore[arg-type]


def test_import_raw_body_answers_202_and_the_job_imports(server: Server) -> None:
    with server.client("operator") as client:
        job = imported(client, format="xmltv")
        assert job["state"] == "succeeded", job
        assert job["result"]["added"] == 84
        schedules = client.get("/api/schedules").json()
    assert [(row["channel"], row["programmes"]) for row in schedules] == [(CHANNEL, 84)]
    assert schedules[0]["findings"] >= 1  # the sample's gap


def test_import_multipart_names_the_file_in_the_audit(server: Server) -> None:
    with server.client("operator") as client:
        answer = client.post(
            "/api/import-schedule",
            files={"file": ("week.xml", GUIDE.read_bytes(), "application/xml")},
            data={"replace": "true"},
        )
        assert answer.status_code == 202, answer.text
        job = finished(client, answer.json()["job"])
        assert job["state"] == "succeeded", job
        audit = client.get("/api/audit").json()
    assert audit[0]["action"] == "import"
    assert audit[0]["summary"].startswith("imported scheduleflow-upload-")
    assert "week.xml" in audit[0]["summary"]


def test_a_bad_file_fails_its_job_with_the_parse_category(server: Server) -> None:
    with server.client("operator") as client:
        answer = client.post(
            "/api/import-schedule", content=b"<tv><programme start='x'>", params={"format": "xmltv"}
        )
        job = finished(client, answer.json()["job"])
    assert job["state"] == "failed"
    assert job["error_category"] == "parse"
    # named as the client sent it ("upload": no name), never by the server's temporary file
    assert job["error_message"].startswith("upload:1:"), job["error_message"]
    assert "scheduleflow-upload-" not in job["error_message"]


def test_a_bad_file_sent_with_a_name_is_named_by_it_in_the_job(server: Server) -> None:
    with server.client("operator") as client:
        answer = client.post(
            "/api/import-schedule",
            files={"file": ("week.xml", b"<tv><programme start='x'>", "application/xml")},
            data={"format": "xmltv"},
        )
        job = finished(client, answer.json()["job"])
    assert job["state"] == "failed"
    assert job["error_message"].startswith("week.xml:1:"), job["error_message"]


def test_export_schedule_xml_streams_the_guide(server: Server) -> None:
    with server.client("operator") as client:
        imported(client)
        answer = client.post("/api/export-schedule-xml", params={"channel": CHANNEL})
    assert answer.status_code == 200
    assert answer.headers["content-type"].startswith("application/xml")
    assert answer.text.count("<programme ") == 84


def test_export_every_format(server: Server) -> None:
    with server.client("operator") as client:
        imported(client)
        imported(client, SAMPLES / "community-library.m3u")
        for format, marker in (("json", '"scheduleflow/1"'), ("xmltv", "<tv"), ("m3u", "#EXTM3U")):
            answer = client.get("/api/export", params={"format": format})
            assert answer.status_code == 200, (format, answer.text)
            assert marker in answer.text, format
        playlist = client.get(
            "/api/export",
            params={
                "format": "playlist",
                "channel": CHANNEL,
                "from": "2026-10-22T06:00:00Z",
                "to": "2026-10-22T12:00:00Z",
            },
        )
        assert playlist.status_code == 200, playlist.text
        days = client.get(
            "/api/export", params={"format": "ffplayout", "channel": CHANNEL, "filler": "News"}
        )
        assert days.status_code == 200, days.text
        assert days.headers["content-type"] == "application/zip"
        names = zipfile.ZipFile(io.BytesIO(days.content)).namelist()
        assert len(names) > 1 and all(name.endswith(".json") for name in names)
        refused = client.get("/api/export", params={"format": "pdf"})
    assert refused.status_code == 400
    assert refused.json()["error"]["category"] == "parse"


def test_jobs_lists_newest_first_and_one_job_by_id(server: Server) -> None:
    with server.client("viewer") as viewer, server.client("operator") as operator:
        first = imported(operator)
        second = imported(operator, SAMPLES / "community-library.m3u")
        listed = viewer.get("/api/jobs").json()
        assert [job["id"] for job in listed[:2]] == [second["id"], first["id"]]
        assert viewer.get(f"/api/jobs/{first['id']}").json()["kind"] == "import"
        missing = viewer.get("/api/jobs/nope")
    assert missing.status_code == 404
    assert missing.json() == {
        "error": {"category": "not found", "message": "there is no job 'nope'"}
    }


def test_delete_cancels_a_running_job_and_nothing_is_kept(server: Server, tmp_path: Path) -> None:
    from bench.generate import write_bench_xmltv

    big = tmp_path / "big.xml"
    write_bench_xmltv(big, channels=60, days=21)
    with server.client("operator") as client:
        answer = client.post("/api/import-schedule", content=big.read_bytes())
        job_id = answer.json()["job"]
        wait_until(
            lambda: client.get(f"/api/jobs/{job_id}").json()["items"] > 0, "the import to run"
        )
        cancelled = client.delete(f"/api/jobs/{job_id}")
        assert cancelled.status_code == 202, cancelled.text
        job = finished(client, job_id)
        assert job["state"] == "cancelled"
        again = client.delete(f"/api/jobs/{job_id}")
        assert again.status_code == 409
        assert client.get("/api/schedules").json() == []


def test_check_is_the_check_document(server: Server) -> None:
    with server.client("viewer") as viewer, server.client("operator") as operator:
        imported(operator)
        report = viewer.get("/api/check", params={"channel": CHANNEL}).json()
        bad = viewer.get("/api/check", params={"from": "yesterday-ish"})
    assert report["counts"]["gap"] == 1
    assert report["findings"][0]["kind"] == "gap"
    assert bad.status_code == 400
    assert bad.json()["error"]["message"].startswith("from: ")


def test_fix_previews_with_dry_run_then_applies(server: Server) -> None:
    with server.client("operator") as client:
        imported(client)
        preview = client.post(
            "/api/fix", params={"kind": "gap", "policy": "placeholder", "dry_run": "true"}
        ).json()
        assert preview["applied"] is False
        assert client.get("/api/check").json()["counts"]["gap"] == 1
        applied = client.post("/api/fix", params={"kind": "gap", "policy": "placeholder"}).json()
        assert applied["applied"] is True
        assert client.get("/api/check").json()["counts"]["gap"] == 0


def test_plan_fills_a_window_from_a_group(server: Server) -> None:
    with server.client("operator") as client:
        imported(client, SAMPLES / "community-library.m3u")
        params = {
            "channel": "planned.example.org",
            "group": "News",
            "from": "2026-12-01T00:00:00Z",
            "to": "2026-12-01T06:00:00Z",
        }
        preview = client.post("/api/plan", params={**params, "dry_run": "1"})
        assert preview.status_code == 200, preview.text
        assert preview.json()["applied"] is False
        applied = client.post("/api/plan", params=params).json()
        assert applied["applied"] is True
        channels = [row["channel"] for row in client.get("/api/schedules").json()]
    assert "planned.example.org" in channels


def test_now_says_what_is_on_air(server: Server) -> None:
    with server.client("viewer") as viewer, server.client("operator") as operator:
        imported(operator)
        states = viewer.get("/api/now", params={"at": "2026-10-22T08:10:00Z"}).json()
    assert states[0]["channel"] == CHANNEL
    assert states[0]["title"]
    assert states[0]["offset_seconds"] > 0


def test_audit_records_the_key_the_client_and_the_request_id(server: Server) -> None:
    with server.client("operator") as client:
        answer = client.post(
            "/api/import-schedule",
            content=GUIDE.read_bytes(),
            headers={"X-Request-ID": "ci-run-42"},
        )
        assert answer.headers["x-request-id"] == "ci-run-42"
        finished(client, answer.json()["job"])
        record = client.get("/api/audit", params={"limit": "1"}).json()[0]
    assert record["who"] == "key:operator-key"
    assert record["ssh_client"] == "127.0.0.1"
    assert record["request_id"] == "ci-run-42"


def test_a_hostile_request_id_is_replaced(server: Server) -> None:
    with server.client() as client:
        answer = client.get("/api/health", headers={"X-Request-ID": "a\x1b[31mb"})
    assert answer.headers["x-request-id"] != "a\x1b[31mb"
    assert len(answer.headers["x-request-id"]) == 32


def test_unknown_paths_and_methods_are_json_errors(server: Server) -> None:
    with server.client("admin") as client:
        missing = client.get("/api/nothing")
        wrong = client.get("/api/import-schedule")
    assert missing.status_code == 404
    assert missing.json()["error"]["category"] == "not found"
    assert wrong.status_code == 405
    assert "Traceback" not in wrong.text


def test_openapi_is_served(server: Server) -> None:
    with server.client() as client:
        document = client.get("/openapi.json").json()
    assert document["openapi"].startswith("3.")
    assert "/api/import-schedule" in document["paths"]


def test_degraded_health_is_503(sf_home: Path) -> None:
    from tests.service.conftest import start_server

    # more free space asked for than any disk has: degraded from the start
    env = {"SCHEDULEFLOW_JOBS__DEGRADED_BELOW_FREE_MB": "1e12"}
    server = start_server(sf_home, env=env)
    try:
        with server.client() as client:
            answer = client.get("/api/health")
    finally:
        server.stop()
    assert answer.status_code == 503
    assert answer.json()["status"] == "degraded"
    assert "free on the store's filesystem" in answer.json()["reasons"][0]


def test_an_unknown_channel_is_404_and_no_failure_of_the_service(server: Server) -> None:
    with server.client("operator") as client:
        imported(client)
        answers = [
            client.get("/api/check", params={"channel": "nope.example.org"}),
            client.get("/api/now", params={"channel": "nope.example.org"}),
            client.get("/api/export", params={"format": "xmltv", "channel": "nope.example.org"}),
        ]
        jobs = client.get("/api/jobs").json()
    assert [answer.status_code for answer in answers] == [404, 404, 404]
    assert answers[0].json()["error"]["category"] == "validation"
    assert "there is no channel 'nope.example.org'" in answers[0].json()["error"]["message"]
    failed = [job for job in jobs if job["state"] == "failed"]
    assert [job["error_category"] for job in failed] == ["validation", "validation"]
