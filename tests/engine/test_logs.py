"""Logs: a rotating file with the job id on every line, JSON on request, live lines for the
TUI, and tracebacks in the file only."""

from __future__ import annotations

import contextlib
import json
import logging
import os
import threading
from pathlib import Path

import pytest

from core.jobs import JobQueue
from core.logs import LogLine, configure_logging, log_bus
from tests.conftest import ROOT, corpus_path, run_cli
from tui.cli import main


async def test_the_job_id_follows_the_work_into_its_thread(tmp_path: Path) -> None:
    path = configure_logging(tmp_path, format="json")
    queue = JobQueue()
    job = queue.submit("check", lambda ctx: logging.getLogger("scheduleflow.test").info("inside"))
    await queue.wait(job)
    logging.getLogger("scheduleflow.test").info("outside")
    lines = [json.loads(line) for line in path.read_text().splitlines()]
    inside = next(line for line in lines if line["message"] == "inside")
    outside = next(line for line in lines if line["message"] == "outside")
    assert inside["job_id"] == job.id and outside["job_id"] == "-"
    assert {"time", "level", "logger", "job_id", "message"} <= set(inside)


def test_text_lines_carry_time_level_logger_and_job_id(tmp_path: Path) -> None:
    path = configure_logging(tmp_path)
    logging.getLogger("scheduleflow.test").warning("hello")
    line = path.read_text().splitlines()[-1]
    assert " WARNING scheduleflow.test job=- hello" in line


def test_the_log_bus_hands_new_lines_to_subscribers() -> None:
    bus = log_bus()
    heard: list[LogLine] = []
    unsubscribe = bus.subscribe(heard.append)
    done = threading.Thread(target=lambda: logging.getLogger("scheduleflow.x").error("from thread"))
    done.start()
    done.join()
    unsubscribe()
    logging.getLogger("scheduleflow.x").error("after")
    assert [line.message for line in heard] == ["from thread"]
    assert heard[0].level == "ERROR"
    assert bus.lines[-1].message == "after"


def test_a_failure_shows_one_line_and_keeps_the_traceback_in_the_file(sf_home: Path) -> None:
    (sf_home / "scheduleflow.db").write_bytes(b"SQLite format 3\x00" + b"\x01" * 5000)
    result = run_cli("check", home=sf_home)
    assert result.returncode == 2
    assert len(result.stderr.strip().splitlines()) == 1
    assert "Traceback" not in result.stderr + result.stdout


def test_json_log_format_option(sf_home: Path) -> None:
    run_cli(
        "--log-format",
        "json",
        "import",
        str(corpus_path("xmltv", "t_data", "simple.xml")),
        home=sf_home,
    )
    run_cli("import", "/no/such/file.xml", "--log-format", "json", home=sf_home)
    lines = (sf_home / "logs" / "scheduleflow.log").read_text().splitlines()
    records = [json.loads(line) for line in lines]
    failure = [r for r in records if "no such file" in r["message"]]
    assert failure and failure[0]["job_id"] != "-"


def test_every_job_logs_its_start_and_its_outcome_once_with_its_id(sf_home: Path) -> None:
    guide = ROOT / "samples" / "sports-day.xml"
    assert run_cli("import", str(guide), home=sf_home).returncode == 0
    assert run_cli("check", home=sf_home).returncode in (0, 1)
    assert run_cli("import", "/no/such.xml", home=sf_home).returncode == 2
    jobs = json.loads(run_cli("jobs", "--json", home=sf_home).stdout)
    lines = (sf_home / "logs" / "scheduleflow.log").read_text().splitlines()
    for job in jobs:
        # the queue's own lines (the operation's records, with the same id, come between)
        mine = [line for line in lines if f" scheduleflow.jobs job={job['id']} " in line]
        assert len(mine) == 2, mine
        assert f"{job['kind']} started: " in mine[0]
        outcome = {"succeeded": " succeeded in ", "failed": " failed after "}[job["state"]]
        assert outcome in mine[1]
    imported = next(line for line in lines if "sports-day.xml succeeded in " in line)
    assert " added=" in imported
    # the failed import is logged by its job, not a second time without a job id
    assert [line for line in lines if "such.xml" in line and "job=- " in line] == []


def test_a_hostile_message_or_exception_forges_no_record(tmp_path: Path) -> None:
    path = configure_logging(tmp_path)
    logger = logging.getLogger("scheduleflow.test")
    forged = "\n2026-01-01 00:00:00,000 ERROR scheduleflow.jobs job=- forged\x1b[2J"
    logger.warning("import %s failed", f"a{forged}.xml")
    try:
        raise ValueError(f"bad value{forged}")
    except ValueError:
        logger.exception("reading %s", "x\x9by")
    lines = path.read_text(encoding="utf-8").splitlines()
    records = [line for line in lines if not line.startswith("  | ")]
    assert [line.split(" scheduleflow.test ")[1] for line in records] == [
        "job=- import a\\n2026-01-01 00:00:00,000 ERROR scheduleflow.jobs job=- "
        "forged\\x1b[2J.xml failed",
        "job=- reading x\\x9by",
    ]
    traceback = lines[lines.index(records[1]) + 1 :]
    assert traceback[0] == "  | Traceback (most recent call last):"
    assert traceback[-2:] == [
        "  | ValueError: bad value",
        "  | 2026-01-01 00:00:00,000 ERROR scheduleflow.jobs job=- forged\\x1b[2J",
    ]


def test_a_log_file_on_a_full_disk_adds_no_tracebacks_to_the_one_line(
    sf_home: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """/dev/full answers every write with ENOSPC, as a full disk does. The log is opened
    there directly: a link to it in logs/ is refused (test_safefiles)."""
    monkeypatch.setattr(
        "core.logs.open_regular", lambda path, flags: os.open("/dev/full", os.O_WRONLY)
    )
    try:
        assert main(["import", str(sf_home / "no-such.xml")]) == 2
    finally:  # the next configure_logging would meet the full disk again when it closes this
        for handler in list(logging.getLogger("scheduleflow").handlers):
            if getattr(handler, "_scheduleflow_file", False):
                logging.getLogger("scheduleflow").removeHandler(handler)
                logging.getLogger("py.warnings").removeHandler(handler)
                with contextlib.suppress(OSError):
                    handler.close()
    stderr = capsys.readouterr().err
    assert "Logging error" not in stderr
    missing = sf_home / "no-such.xml"
    assert stderr.strip().splitlines() == [
        f"scheduleflow import: {missing}: no such file — check the path and try again"
    ]


def test_a_lone_surrogate_in_a_message_is_written_escaped(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = configure_logging(tmp_path)
    logging.getLogger("scheduleflow.test").warning("title %s", "A\ud800B")
    assert "Logging error" not in capsys.readouterr().err
    assert path.read_text(encoding="utf-8").splitlines()[-1].endswith("title A\\ud800B")


def test_the_log_file_rotates_once_it_reaches_its_size(tmp_path: Path) -> None:
    path = configure_logging(tmp_path, max_bytes=2000, backups=2)
    log = logging.getLogger("scheduleflow.test")
    for number in range(100):
        log.info("line %03d %s", number, "x" * 40)
    backups = sorted(path.parent.glob("scheduleflow.log.*"))
    assert [backup.name for backup in backups] == ["scheduleflow.log.1", "scheduleflow.log.2"]
    for file in (path, *backups):
        assert file.stat().st_size < 2000 + 200  # past the size by one line at most
    assert path.read_text(encoding="utf-8").rstrip().endswith("line 099 " + "x" * 40)
