"""``jobs``, ``health``, ``audit`` and ``--read-only`` as users run them."""

from __future__ import annotations

import json
import os
import pwd
from pathlib import Path

from tests.conftest import corpus_path, run_cli

GUIDE = str(corpus_path("xmltv", "t_data", "simple.xml"))


def test_jobs_lists_recent_jobs_newest_first(sf_home: Path) -> None:
    run_cli("import", GUIDE, home=sf_home)
    run_cli("import", "/no/such.xml", home=sf_home)
    run_cli("check", home=sf_home)
    jobs = json.loads(run_cli("jobs", "--json", home=sf_home).stdout)
    assert [job["kind"] for job in jobs] == ["check", "import", "import"]
    assert jobs[1]["state"] == "failed" and jobs[1]["error_category"] == "file"
    assert jobs[2]["state"] == "succeeded" and jobs[2]["items"] > 0
    assert {"id", "kind", "state", "created", "started", "ended", "progress"} <= set(jobs[0])


def test_health_stays_healthy_through_the_operators_mistakes(sf_home: Path) -> None:
    run_cli("import", GUIDE, home=sf_home)
    healthy = run_cli("health", "--json", home=sf_home)
    assert healthy.returncode == 0
    report = json.loads(healthy.stdout)
    assert report["status"] == "healthy"
    assert report["uptime_seconds"] is None  # a command's process is up for an instant
    assert set(report) >= {
        "status",
        "uptime_seconds",
        "active",
        "queued",
        "peak_active",
        "completed",
        "failed",
        "timed_out",
        "total_errors",
    }
    # three mistyped paths are the operator's mistakes, not failures of the service
    for _ in range(3):
        assert run_cli("import", "/no/such.xml", home=sf_home).returncode == 2
    after = run_cli("health", "--json", home=sf_home)
    assert (after.returncode, json.loads(after.stdout)["failed"]) == (0, 3)
    assert json.loads(after.stdout)["status"] == "healthy"


def test_audit_lists_changes_with_who_and_since(sf_home: Path) -> None:
    run_cli("import", GUIDE, home=sf_home)
    records = json.loads(run_cli("audit", "--json", home=sf_home).stdout)
    assert records[0]["action"] == "import" and records[0]["who"]
    assert records[0]["job_id"]
    assert json.loads(run_cli("audit", "--json", "--since", "+1h", home=sf_home).stdout) == []


def test_read_only_refuses_changes_with_exit_2_naming_the_role(sf_home: Path) -> None:
    refused = run_cli("--read-only", "import", GUIDE, home=sf_home)
    assert refused.returncode == 2
    assert "your role is viewer, and import needs operator" in refused.stderr
    assert run_cli("check", "--read-only", home=sf_home).returncode in (0, 1)


def test_roles_come_from_the_config_file(sf_home: Path) -> None:
    me = pwd.getpwuid(os.getuid()).pw_name  # the store's owner, admin unless named
    (sf_home / "config.toml").write_text(f'[roles]\nusers = {{ {me} = "viewer" }}\n')
    refused = run_cli("import", GUIDE, home=sf_home)
    assert refused.returncode == 2 and "needs operator" in refused.stderr
    (sf_home / "config.toml").write_text('[roles]\ndefault = "wizard"\n')
    broken = run_cli("check", home=sf_home)
    assert (
        broken.returncode == 2
        and "config.toml" in broken.stderr
        and "roles.default" in broken.stderr
    )
