"""The probe history: kept per locator with its time, the oldest dropped past a hundred."""

from __future__ import annotations

from pathlib import Path

import pytest

from core.errors import PermissionDenied
from core.probe.model import ProbeResult
from core.roles import Role
from core.store.streams import HISTORY_KEPT, probe_history, prune_history, record_probes
from tests.store.helpers import new_store


def test_the_latest_hundred_results_of_each_locator_are_kept(tmp_path: Path) -> None:
    store = new_store(tmp_path)
    results = [
        ProbeResult(f"http://h/{name}", name, index % 3 != 0, f"probe {index}", 1000 * index)
        for name in ("a", "b")
        for index in range(HISTORY_KEPT + 5)
    ]
    results.append(ProbeResult("http://h/c", "c", True, "once", 7))
    record_probes(store, results)
    assert prune_history(store, ["a", "c"]) == 5  # only the locators named
    kept = probe_history(store, latest=1000)
    assert len(kept["a"]) == HISTORY_KEPT and len(kept["b"]) == HISTORY_KEPT + 5
    assert [r.reason for r in kept["a"][:1]] == ["probe 5"]  # the oldest five went
    assert kept["a"][-1] == results[HISTORY_KEPT + 4]  # the newest, whole, oldest first
    assert [r.reason for r in kept["c"]] == ["once"]
    store.close()


def test_a_viewer_may_not_probe(tmp_path: Path) -> None:
    with new_store(tmp_path, Role.VIEWER) as viewer:
        with pytest.raises(PermissionDenied, match="your role is viewer, and probe needs operator"):
            record_probes(viewer, [ProbeResult("http://h/a", "a", True, "plays", 1)])
        assert viewer.connection.execute("SELECT count(*) FROM stream_probe").fetchone() == (0,)
