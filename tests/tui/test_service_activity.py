"""The jobs & log pane shows what other processes do on the same store: the jobs of an HTTP
service (``api``, with their request id) or of another process (``pid N``), and the
service's access log lines, escaped."""

from __future__ import annotations

import json
import os
import sqlite3
import time
from pathlib import Path

import httpx
from textual.widgets import TabbedContent

from core.presence import ServicePresence, write_presence
from tests.conftest import ROOT, run_cli
from tests.service.conftest import start_server
from tests.tui.conftest import wait_for
from tui.dialogs.details import Details
from tui.widgets.activity import JobsTable, LogPanel

GUIDE = ROOT / "samples" / "community-week.xml"


def _rows(table: JobsTable) -> list[list[str]]:
    return [[str(cell) for cell in table.get_row_at(row)] for row in range(table.row_count)]


def _row_of(table: JobsTable, words: str) -> list[str] | None:
    return next((row for row in _rows(table) if words in row[0]), None)


async def test_api_jobs_and_the_access_log_show_in_the_activity_pane(  # type: ignore[no-untyped-def]
    make_app, home: Path
) -> None:
    made = run_cli("keys", "add", "ci", "--role", "operator", home=home)
    assert made.returncode == 0, made.stderr
    key = made.stdout.strip()
    server = start_server(home, env={"SCHEDULEFLOW_SERVICE__RATE_LIMIT_PER_MINUTE": "100000"})
    try:
        app = make_app()
        async with app.run_test(size=(200, 50), notifications=True) as pilot:
            await wait_for(pilot, lambda: len(app.screen_stack) > 1 and app.screen_stack[1].checked)
            screen = app.screen_stack[1]
            table = screen.query_one(JobsTable)
            headers = {"Authorization": f"Bearer {key}", "X-Request-ID": "ci-run-42"}
            with httpx.Client(base_url=server.url, headers=headers, timeout=60) as client:
                answer = client.post(
                    "/api/import-schedule", content=GUIDE.read_bytes(), params={"format": "xmltv"}
                )
                assert answer.status_code == 202, answer.text
                job_id = answer.json()["job"]
                # a request path holding an escape sequence: a 404, and an access log line
                assert client.get("/api/%1b[31mred").status_code == 404

            def imported() -> list[str] | None:
                row = _row_of(table, "(request ci-run-42)")
                return row if row is not None and row[2] == "succeeded" else None

            await wait_for(pilot, lambda: imported() is not None, timeout=60)
            row = imported()
            assert row is not None
            assert row[0].startswith("api · import ") and row[1] == job_id

            screen.query_one("#activity", TabbedContent).active = "log-tab"
            log = screen.query_one(LogPanel)
            shown = r"GET /api/\x1b[31mred 404"
            await wait_for(pilot, lambda: any(shown in line.text for line in log.lines))
            # a service started with --log-format json writes the path raw inside JSON
            record = {
                "time": "2026-12-02T11:36:05+00:00",
                "level": "INFO",
                "logger": "scheduleflow.access",
                "message": "GET /\x1b]0;owned\x07 404 0.2 ms key=- client=127.0.0.1",
                "request_id": "json-1",
            }
            with (home / "logs" / "scheduleflow.log").open("a", encoding="utf-8") as handle:
                handle.write(json.dumps(record, ensure_ascii=False) + "\n")
            shown_json = r"api request=json-1 GET /\x1b]0;owned\x07 404"
            await wait_for(pilot, lambda: any(shown_json in line.text for line in log.lines))
            access = [line.text for line in log.lines if " api " in line.text]
            assert any("request=ci-run-42 POST /api/import-schedule 202" in line for line in access)
            assert not any("\x1b" in line or "\x07" in line for line in access)

            # x on the service's job: it is not this session's to cancel
            screen.query_one("#activity", TabbedContent).active = "jobs-tab"
            table.focus()
            table.move_cursor(row=table.get_row_index(f"elsewhere:{job_id}"))
            await pilot.press("x")
            await wait_for(pilot, lambda: any(job_id in n.message for n in app._notifications))
            assert [n.message for n in app._notifications if job_id in n.message] == [
                f"job {job_id} has already finished"
            ]
    finally:
        server.stop()
        if server.process.stderr is not None:
            server.process.stderr.close()


def _record(
    database: Path, job_id: str, label: str, pid: int, state: str = "running", ago: float = 0
) -> None:
    """A job row as another process's job history writes it (made ``ago`` seconds ago)."""
    now = int((time.time() - ago) * 1000)
    with sqlite3.connect(database) as connection:
        connection.execute(
            "INSERT INTO job (id, kind, state, who, created_at, started_at, progress, label,"
            " pid, items) VALUES (?, 'import', ?, 'someone', ?, ?, 0, ?, ?, 7)",
            (job_id, state, now, now, label, pid),
        )
    connection.close()


async def test_another_process_job_is_marked_escaped_and_not_cancelled_here(  # type: ignore[no-untyped-def]
    make_app, home: Path
) -> None:
    database = home / "scheduleflow.db"
    _record(database, "old-1", "before this session", os.getppid(), state="succeeded", ago=60)
    app = make_app()
    async with app.run_test(size=(200, 50), notifications=True) as pilot:
        await wait_for(pilot, lambda: len(app.screen_stack) > 1 and app.screen_stack[1].checked)
        screen = app.screen_stack[1]
        table = screen.query_one(JobsTable)
        other = os.getppid()  # alive: its job is running, not abandoned
        _record(database, "other-1", "import \x1b[2J[b]guide[/b].xml", other)
        _record(database, "gone-1", "import from a killed process", 2**31 - 2)
        await wait_for(pilot, lambda: _row_of(table, "import from a killed") is not None)
        await wait_for(pilot, lambda: _row_of(table, "guide") is not None)
        row = _row_of(table, "guide")
        assert row is not None
        assert row[0] == rf"pid {other} · import \x1b[2J[b]guide[/b].xml"
        assert row[2] == "running"
        gone = _row_of(table, "import from a killed")
        assert gone is not None and gone[2] == "abandoned"
        assert _row_of(table, "before this session") is None
        assert table.get_row_index("elsewhere:gone-1") < table.get_row_index("elsewhere:other-1")

        table.focus()
        table.move_cursor(row=table.get_row_index("elsewhere:other-1"))
        await pilot.press("x")
        await wait_for(pilot, lambda: any("other-1" in n.message for n in app._notifications))
        notes = [n.message for n in app._notifications if "other-1" in n.message]
        assert notes == [f"job other-1 runs in pid {other}: it cannot be cancelled from here"]
        await pilot.press("d")  # its details, as the history has them
        await wait_for(pilot, lambda: isinstance(app.screen, Details))
        assert ("runs in", f"pid {other}") in app.screen.lines
        assert ("cancel", "not from here: the process running it") in app.screen.lines
        await pilot.press("escape")
        await wait_for(pilot, lambda: not isinstance(app.screen, Details))
        # the history moves on: the job ends there, and its row says so
        with sqlite3.connect(database) as connection:
            connection.execute("UPDATE job SET state = 'succeeded' WHERE id = 'other-1'")
        connection.close()
        await wait_for(pilot, lambda: (_row_of(table, "guide") or [""] * 3)[2] == "succeeded")


async def test_x_on_a_running_api_job_points_at_the_api_to_cancel_it(  # type: ignore[no-untyped-def]
    make_app, home: Path
) -> None:
    database = home / "scheduleflow.db"
    service = os.getppid()  # a live process, as the service's would be
    app = make_app()
    async with app.run_test(size=(200, 50), notifications=True) as pilot:
        await wait_for(pilot, lambda: len(app.screen_stack) > 1 and app.screen_stack[1].checked)
        table = app.screen_stack[1].query_one(JobsTable)
        write_presence(database, ServicePresence("http://127.0.0.1:8470", service, 3, time.time()))
        _record(database, "api-9", "import big.xml (request r-9)", service)
        await wait_for(pilot, lambda: _row_of(table, "(request r-9)") is not None)
        assert _row_of(table, "(request r-9)")[0] == "api · import big.xml (request r-9)"  # type: ignore[index]
        table.focus()
        table.move_cursor(row=table.get_row_index("elsewhere:api-9"))
        await pilot.press("x")
        await wait_for(pilot, lambda: any("api-9" in n.message for n in app._notifications))
        assert [n.message for n in app._notifications if "api-9" in n.message] == [
            f"job api-9 runs in the HTTP service (pid {service}): it cannot be cancelled from "
            "here; DELETE /api/jobs/api-9 can"
        ]
