"""The demo schedules load into an empty store and show what samples/README.md says."""

from __future__ import annotations

import runpy
from pathlib import Path

from core.samples import SAMPLES, load_samples, samples_folder
from tests.store.helpers import ACTOR, new_store


def test_every_sample_loads_without_warnings(tmp_path: Path) -> None:
    store = new_store(tmp_path)
    results = load_samples(store, ACTOR)
    assert len(results) == len(SAMPLES)
    assert all(result.warnings_total == 0 for result in results)
    summaries = {summary.id: summary for summary in store.channel_summaries()}
    assert set(summaries) == {
        "community.example.org",
        "movies.example.org",
        "music.example.org",
        "kids.example.org",
        "sports.example.org",
    }
    assert all(summary.programmes > 0 for summary in summaries.values())
    assert summaries["music.example.org"].timezone == "Europe/Paris"  # kept by later imports
    assert store.asset_count() > 100
    assert "Filler" in dict(store.groups())
    store.close()


def test_the_community_week_crosses_the_clock_change(tmp_path: Path) -> None:
    store = new_store(tmp_path)
    load_samples(store, ACTOR)
    offsets = {p.start.utcoffset() for p in store.programmes("community.example.org")}
    assert len(offsets) == 2
    store.close()


def test_the_generator_reproduces_the_committed_files(tmp_path: Path) -> None:
    folder = samples_folder()
    module = runpy.run_path(str(folder / "generate.py"))
    functions = [
        module[name] for name in ("channels", "community", "movies", "music", "kids", "sports")
    ]
    functions[0].__globals__["HERE"] = tmp_path  # write into tmp_path, not the checkout
    for function in functions:
        function()
    written = sorted(p.name for p in tmp_path.iterdir())
    assert written == sorted(name for name, _ in SAMPLES)
    for name in written:
        assert (tmp_path / name).read_bytes() == (folder / name).read_bytes(), name
