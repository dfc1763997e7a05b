"""core/logtail.py: the service's access lines, read from the shared log file as it grows."""

from __future__ import annotations

import json
import os
from pathlib import Path

from core.logtail import AccessLogTail, access_line

TEXT = (
    "2026-12-02 11:36:05,123 INFO scheduleflow.access job=- request=r-{n} "
    "GET /api/health 200 0.3 ms key=- client=127.0.0.1\n"
)
OTHER = "2026-12-02 11:36:05,124 INFO scheduleflow.jobs job=j-1 job j-1 started: check\n"


def _append(path: Path, text: str) -> None:
    with path.open("a", encoding="utf-8") as handle:
        handle.write(text)


def test_it_starts_at_the_end_and_reads_only_what_was_added(tmp_path: Path) -> None:
    log = tmp_path / "scheduleflow.log"
    _append(log, TEXT.format(n=0) + OTHER)
    tail = AccessLogTail(log)
    assert tail.read() == []
    _append(log, TEXT.format(n=1) + OTHER + "  | a traceback line\n" + TEXT.format(n=2))
    lines = tail.read()
    assert [line.message.split()[1] for line in lines] == ["request=r-1", "request=r-2"]
    assert lines[0].message == ("api request=r-1 GET /api/health 200 0.3 ms key=- client=127.0.0.1")
    assert lines[0].escaped and lines[0].level == "INFO"
    assert tail.read() == []  # read once: never again
    assert tail.offset == log.stat().st_size


def test_a_line_being_written_waits_for_its_end(tmp_path: Path) -> None:
    log = tmp_path / "scheduleflow.log"
    log.touch()
    tail = AccessLogTail(log)
    whole = TEXT.format(n=3)
    _append(log, whole[:40])
    assert tail.read() == []
    _append(log, whole[40:])
    assert [line.message.split()[1] for line in tail.read()] == ["request=r-3"]


def test_a_rotated_log_is_read_from_its_start(tmp_path: Path) -> None:
    log = tmp_path / "scheduleflow.log"
    _append(log, OTHER * 50)
    tail = AccessLogTail(log)
    os.replace(log, tmp_path / "scheduleflow.log.1")  # what RotatingFileHandler does
    _append(log, TEXT.format(n=4))
    assert [line.message.split()[1] for line in tail.read()] == ["request=r-4"]


def test_each_read_is_bounded_and_says_when_it_skipped(tmp_path: Path) -> None:
    log = tmp_path / "scheduleflow.log"
    log.touch()
    tail = AccessLogTail(log, limit=4096, max_lines=10_000)
    _append(log, "".join(TEXT.format(n=n) for n in range(1000)))  # about 100 KB
    lines = tail.read()
    assert 2 < len(lines) <= 4096 // len(TEXT.format(n=999)) + 1  # the bytes read are bounded
    assert lines[-2].message.split()[1] == "request=r-999"  # the newest are kept
    assert "faster than this pane reads" in lines[-1].message
    assert tail.offset == log.stat().st_size
    assert tail.read() == []


def test_the_lines_of_one_read_are_bounded_too(tmp_path: Path) -> None:
    log = tmp_path / "scheduleflow.log"
    log.touch()
    tail = AccessLogTail(log, limit=1 << 20, max_lines=10)
    _append(log, "".join(TEXT.format(n=n) for n in range(100)))
    lines = tail.read()
    assert len(lines) == 11 and lines[-2].message.split()[1] == "request=r-99"
    assert "faster than this pane reads" in lines[-1].message


def test_json_lines_are_read_and_other_loggers_and_forgeries_passed_over(tmp_path: Path) -> None:
    record = {
        "time": "2026-12-02T11:36:05.123000+00:00",
        "level": "INFO",
        "logger": "scheduleflow.access",
        "job_id": "-",
        "message": "GET /api/\x1b[31mred 404 0.4 ms key=- client=127.0.0.1",
        "request_id": "abc",
    }
    line = access_line(json.dumps(record, ensure_ascii=False))
    assert line is not None and not line.escaped  # raw: the reader escapes it
    assert line.message == "api request=abc GET /api/\x1b[31mred 404 0.4 ms key=- client=127.0.0.1"
    assert access_line(json.dumps({**record, "logger": "scheduleflow.jobs"})) is None
    assert access_line(json.dumps({**record, "level": "Level 5"})) is None
    assert access_line(json.dumps({**record, "time": 5})) is None
    assert access_line("[" * 100_000) is None
    assert access_line(OTHER.strip()) is None
    assert access_line("not a date INFO scheduleflow.access job=- GET / 200") is None
    assert access_line("2026-12-02 11:36:05,123 NOPE scheduleflow.access job=- x") is None


def test_a_link_at_the_log_name_is_not_followed(tmp_path: Path) -> None:
    secret = tmp_path / "elsewhere.log"
    secret.write_text(TEXT.format(n=5), encoding="utf-8")
    log = tmp_path / "scheduleflow.log"
    log.touch()
    tail = AccessLogTail(log)
    log.unlink()
    log.symlink_to(secret)
    assert tail.read() == []
