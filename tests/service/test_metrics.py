"""``/metrics``: off by default; on, Prometheus text with jobs, findings, requests, store."""

from __future__ import annotations

from pathlib import Path

from prometheus_client.parser import text_string_to_metric_families

from tests.service.conftest import Server, make_keys, start_server, wait_until
from tests.service.test_endpoints import imported


def _samples(page: str) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    return {
        (sample.name, tuple(sorted(sample.labels.items()))): sample.value
        for family in text_string_to_metric_families(page)
        for sample in family.samples
    }


def test_metrics_are_off_by_default(server: Server) -> None:
    with server.client("admin") as client:
        answer = client.get("/metrics")
    assert answer.status_code == 404
    assert "metrics = true" in answer.json()["error"]["message"]


def test_metrics_count_jobs_findings_requests_and_the_store(sf_home: Path) -> None:
    keys = make_keys(sf_home)
    server = start_server(sf_home, env={"SCHEDULEFLOW_SERVICE__METRICS": "true"})
    server.keys = keys
    try:
        with server.client("operator") as client:
            imported(client)
            client.get("/api/check").raise_for_status()
            imports = ("scheduleflow_jobs", (("kind", "import"), ("state", "succeeded")))
            # the job history is written a moment after a job ends
            samples = wait_until(
                lambda: (
                    (found := _samples(client.get("/metrics").text)).get(imports) == 1 and found
                ),
                "the import in the metrics",
            )
    finally:
        server.stop()
    assert isinstance(samples, dict)
    assert samples[("scheduleflow_findings", (("kind", "gap"),))] == 1
    assert samples[("scheduleflow_store_bytes", ())] > 0
    checks = ("scheduleflow_job_seconds_count", (("kind", "check"), ("state", "succeeded")))
    assert samples[checks] == 1
    health = (
        "scheduleflow_http_requests_total",
        (("method", "GET"), ("route", "/api/health"), ("status", "200")),
    )
    assert samples[health] >= 1
    jobs = ("scheduleflow_http_request_seconds_count", (("route", "/api/jobs/{id}"),))
    assert samples[jobs] >= 1


def test_strangers_paths_and_methods_do_not_become_series(sf_home: Path) -> None:
    """Each label value is a series kept for the service's life: a path under /api/jobs/
    with a slash in it, or a made-up method, must not add one per request (memory without
    end, from a client without a key)."""
    keys = make_keys(sf_home)
    server = start_server(sf_home, env={"SCHEDULEFLOW_SERVICE__METRICS": "true"})
    server.keys = keys
    try:
        with server.client() as stranger:
            for number in range(5):
                assert stranger.get(f"/api/jobs/x/{number}").status_code == 404
                assert stranger.request(f"BREW{number}", "/api/jobs").status_code == 405
        with server.client("viewer") as client:
            samples = _samples(client.get("/metrics").text)
    finally:
        server.stop()
    requests = [
        dict(labels) for name, labels in samples if name == "scheduleflow_http_requests_total"
    ]
    routes = {labels["route"] for labels in requests}
    methods = {labels["method"] for labels in requests}
    assert not [route for route in routes if route.startswith("/api/jobs/x")], routes
    assert not [method for method in methods if method.startswith("BREW")], methods
    seen = {(labels["route"], labels["method"], labels["status"]) for labels in requests}
    assert ("other", "GET", "404") in seen
    assert ("/api/jobs", "other", "405") in seen
