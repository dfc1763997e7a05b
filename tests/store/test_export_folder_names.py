"""A channel id from a guide names a folder of the ffplayout export, and stays inside it."""

from __future__ import annotations

import json
import os
from datetime import UTC, datetime
from pathlib import Path

import pytest

from core.filenames import MAX_COMPONENT, path_component
from core.store import export, import_file
from tests.formats.helpers import write_to
from tests.store.helpers import ACTOR, new_store

RELATIVE = ["../../x", "a/b", ".", "..", ".hidden", "a%2Fb", "ok.example.org"]


def _files_under(folder: Path) -> list[Path]:
    return sorted(Path(root) / name for root, _, names in os.walk(folder) for name in names)


def test_hostile_channel_ids_each_get_one_folder_inside_the_export_folder(tmp_path: Path) -> None:
    """Absolute, parent and dot ids write nothing outside; each id its own folder."""
    hostile = [f"{tmp_path}/absolute", *RELATIVE]
    channels = [{"id": id, "timezone": "UTC", "day_start": "00:00:00"} for id in hostile]
    programmes = [
        {
            "channel": id,
            "start": "2026-12-02T00:00:00+00:00",
            "stop": "2026-12-02T01:00:00+00:00",
            "titles": [{"value": f"show {n}"}],
            "locator": f"/media/{n}.mp4",
        }
        for n, id in enumerate(hostile)
    ]
    document = {"format": "scheduleflow/1", "channels": channels, "programmes": programmes}
    source = write_to(tmp_path, "guide.json", json.dumps(document))
    store = new_store(tmp_path / "store")
    import_file(store, source, actor=ACTOR)
    export_root = tmp_path / "deep" / "er" / "out"
    export_root.mkdir(parents=True)
    result = export(
        store,
        "ffplayout",
        export_root,
        start=datetime(2026, 12, 2, tzinfo=UTC),
        stop=datetime(2026, 12, 3, tzinfo=UTC),
    )
    written = _files_under(export_root)
    store_files = set(_files_under(tmp_path / "store"))
    assert set(_files_under(tmp_path)) - store_files - set(written) == {source}
    assert sorted(result.files) == written
    assert len(written) == len(hostile)
    folders = [path.relative_to(export_root).parts[0] for path in written]
    assert sorted(folders) == sorted(path_component(id) for id in hostile)
    titles = {
        json.loads(path.read_text(encoding="utf-8"))["program"][0]["title"] for path in written
    }
    assert len(titles) == len(hostile)


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("/tmp/x", "%2Ftmp%2Fx"),
        ("../../x", "%2E.%2F..%2Fx"),
        ("a/b", "a%2Fb"),
        (".", "%2E"),
        ("..", "%2E."),
        (".hidden", "%2Ehidden"),
        ("p\x00.org", "p%00.org"),
        ("news.example.org", "news.example.org"),
        ("Ärger TV", "%C3%84rger%20TV"),
        ("", "%"),
    ],
)
def test_a_name_is_one_safe_component(text: str, name: str) -> None:
    assert path_component(text) == name


def test_distinct_texts_give_distinct_names_even_when_cut_short() -> None:
    texts = ["a/b", "a%2Fb", "a%b", "p\x00.org", "p.org", ".x", "%2Ex", "x" * 500, "x" * 501]
    texts += ["\ud800", "\udc80"]  # lone surrogates (JSON "\ud800" escapes) have a name too
    names = [path_component(text) for text in texts]
    assert len(set(names)) == len(texts)
    assert all(len(name) <= MAX_COMPONENT and "/" not in name for name in names)
