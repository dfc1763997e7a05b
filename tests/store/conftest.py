"""Fixtures the store tests share."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from bench.generate import write_bench_xmltv
from core.store import Store, import_file
from tests.store.helpers import ACTOR, new_store


@pytest.fixture(scope="module")
def week(tmp_path_factory: pytest.TempPathFactory) -> Store:
    """Three channels, a week each (one store per test module)."""
    folder = tmp_path_factory.mktemp("week")
    path = folder / "week.xml"
    write_bench_xmltv(path, channels=3, days=7, start=datetime(2026, 12, 1, tzinfo=UTC))
    store = new_store(folder)
    import_file(store, path, actor=ACTOR)
    return store
