"""Channels are listed as an operator counts (Big 7, Big 69, Big 70), and the first look at
the schedule starts where it is busiest when now is outside it."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

from core.store import Store, import_file
from core.words import count, natural_key
from tests.store.helpers import ACTOR, new_store


def _programme(channel: str, day: int, hour: int) -> dict[str, object]:
    return {
        "channel": channel,
        "start": f"2026-12-{day:02d}T{hour:02d}:00:00+00:00",
        "stop": f"2026-12-{day:02d}T{hour:02d}:30:00+00:00",
        "titles": [{"value": f"{channel} at {hour}"}],
    }


def _store(tmp_path: Path) -> Store:
    """Big 70 and Big 69 on the 5th, Big 7 alone on the 1st, Arena (numbered 3) on the 5th."""
    document = {
        "format": "scheduleflow/1",
        "channels": [
            {"id": "big70.example.org", "display_names": [{"value": "Big 70"}]},
            {"id": "big7.example.org", "display_names": [{"value": "Big 7"}]},
            {"id": "big69.example.org", "display_names": [{"value": "Big 69"}]},
            {"id": "arena.example.org", "number": "3", "display_names": [{"value": "Arena"}]},
        ],
        "programmes": [
            _programme("big7.example.org", 1, 6),
            _programme("big7.example.org", 1, 7),
            _programme("big69.example.org", 5, 6),
            _programme("big69.example.org", 5, 9),
            _programme("big70.example.org", 5, 7),
            _programme("big70.example.org", 5, 8),
            _programme("arena.example.org", 5, 8),
            _programme("arena.example.org", 6, 8),
        ],
    }
    source = tmp_path / "guide.json"
    source.write_text(json.dumps(document), encoding="utf-8")
    store = new_store(tmp_path)
    import_file(store, source, actor=ACTOR)
    return store


def test_channels_are_listed_by_number_then_in_natural_order(tmp_path: Path) -> None:
    store = _store(tmp_path)
    names = ["Arena", "Big 7", "Big 69", "Big 70"]  # the numbered one first
    assert [summary.name for summary in store.channel_summaries()] == names
    assert [channel.name for channel in store.channels()] == names


def test_the_first_look_is_now_when_a_channel_is_on_air_else_the_busiest_stretch(
    tmp_path: Path,
) -> None:
    store = _store(tmp_path)
    on_air = datetime(2026, 12, 1, 6, 15, tzinfo=UTC)
    assert store.busiest(on_air) == (on_air, {"big7.example.org"})
    # after every schedule: not the earliest programme (Big 7 alone on the 1st) but the 5th
    # at 08:00, inside three schedules (Big 69, Big 70, Arena)
    moment, channels = store.busiest(datetime(2027, 1, 1, tzinfo=UTC)) or (None, set())
    assert moment == datetime(2026, 12, 5, 8, tzinfo=UTC)
    assert channels == {"big69.example.org", "big70.example.org", "arena.example.org"}
    assert new_store(tmp_path / "empty").busiest(on_air) is None


def test_counts_and_natural_keys_read_as_an_operator_says_them() -> None:
    assert [count(n, "error") for n in (0, 1, 2)] == ["0 errors", "1 error", "2 errors"]
    assert count(1, "entry") == "1 entry" and count(3, "entry") == "3 entries"
    assert sorted(["Big 70", "big 69", "Big 7", "Big"], key=natural_key) == [
        "Big",
        "Big 7",
        "big 69",
        "Big 70",
    ]
