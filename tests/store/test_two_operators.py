"""Two operators on one database: concurrent imports finish, stale edits are refused."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import replace
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from bench.generate import write_bench_xmltv
from core.errors import StaleRevision
from core.identity import Actor
from core.models import Programme
from core.store import Store, import_file
from core.store.edits import Delete, Insert, Replace, apply_changes
from core.store.undo import undo
from tests.conftest import ROOT, corpus_path
from tests.store.helpers import ACTOR, new_store

READER = """
import sys, time
from pathlib import Path
from core.store import Store
store = Store.open(Path(sys.argv[1]))
deadline = time.monotonic() + float(sys.argv[2])
reads = 0
while time.monotonic() < deadline:
    store.forget_channel_cache()
    store.count()
    for channel in store.channel_ids():
        store.page(channel, limit=20)
    reads += 1
print(reads)
"""


def test_two_imports_and_a_reader_at_once_finish_without_locking_errors(tmp_path: Path) -> None:
    home = tmp_path / "home"
    home.mkdir()
    Store.open(home / "scheduleflow.db").close()
    files = []
    for number in range(2):
        path = tmp_path / f"part{number}.xml"
        write_bench_xmltv(path, channels=6, days=14, seed=number + 1)
        text = path.read_text().replace("bench.example.org", f"op{number}.example.org")
        path.write_text(text)
        files.append(path)
    env = {**os.environ, "SCHEDULEFLOW_HOME": str(home)}
    importers = [
        subprocess.Popen(
            [sys.executable, "-m", "tui.cli", "import", str(path), "--json"],
            cwd=ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for path in files
    ]
    reader = subprocess.Popen(
        [sys.executable, "-c", READER, str(home / "scheduleflow.db"), "8"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    outputs = [process.communicate(timeout=300) for process in importers]
    read_out, read_err = reader.communicate(timeout=300)
    for process, (_, err) in zip(importers, outputs, strict=True):
        assert process.returncode == 0, err
        assert "locked" not in err
    assert reader.returncode == 0, read_err
    assert int(read_out) > 0
    added = sum(json.loads(out)["added"] for out, _ in outputs)
    with Store.open(home / "scheduleflow.db") as store:
        assert store.count() == added
        assert len(store.channel_ids()) == 12


def test_an_edit_based_on_a_stale_revision_is_refused_naming_who_and_when(tmp_path: Path) -> None:
    store = new_store(tmp_path)
    import_file(store, corpus_path("jellyfin-xmltv", "schedulesdirect.xml"), actor=ACTOR)
    channel = "EPG123.10108.schedulesdirect.org"
    seen = store.revision(channel)
    first = store.page(channel).programmes[0]
    assert first.id is not None
    other = Actor("maria", "198.51.100.4")
    moved = first.start + timedelta(minutes=5)
    apply_changes(
        store,
        channel,
        [Replace(first.id, _moved(first, moved))],
        actor=other,
        action="move",
        summary="moved",
        expected_revision=seen,
    )
    with pytest.raises(StaleRevision) as caught:
        apply_changes(
            store,
            channel,
            [Delete(first.id)],
            actor=ACTOR,
            action="delete",
            summary="deleted",
            expected_revision=seen,
        )
    message = str(caught.value)
    assert "maria@198.51.100.4" in message and "UTC" in message
    assert "reload" in message
    assert store.page(channel).programmes[0].start == moved  # maria's change stands
    store.close()


def _moved(programme: Programme, start: datetime) -> Programme:
    length = programme.stop - programme.start if programme.stop else timedelta(minutes=30)
    return replace(programme, start=start, stop=start + length, id=None)


def test_edits_are_audited_and_undone(tmp_path: Path) -> None:
    store = new_store(tmp_path)
    import_file(store, corpus_path("xmltv", "t_data", "intervals.xml"), actor=ACTOR)
    channel = "0"
    before = [p.start for p in store.programmes(channel)]
    programmes = store.page(channel).programmes
    added = _moved(programmes[0], programmes[0].start + timedelta(days=1))
    result = apply_changes(
        store,
        channel,
        [Delete(programmes[1].id or 0), Insert(added)],
        actor=ACTOR,
        action="edit",
        summary="deleted one, added one",
        expected_revision=store.revision(channel),
    )
    assert result.deleted == 1 and len(result.inserted) == 1
    assert store.count(channel) == len(before)
    assert store.audit()[0].summary == "deleted one, added one"
    undo(store, actor=ACTOR, channel=channel)
    assert sorted(p.start for p in store.programmes(channel)) == sorted(before)
    assert store.audit()[0].action == "undo"
    store.close()
