"""Several files written all or nothing (an ffplayout export of several channels)."""

from __future__ import annotations

import errno
from pathlib import Path

import pytest

import core.atomic
from core.atomic import atomic_text_files
from core.errors import FileProblem


def _writer(text: str):  # type: ignore[no-untyped-def]
    return lambda out: out.write(text)


def test_a_path_that_may_not_be_replaced_refuses_the_whole_set_before_writing(
    tmp_path: Path,
) -> None:
    first, second = tmp_path / "a" / "one.json", tmp_path / "b" / "two.json"
    second.parent.mkdir()
    second.write_text("old", encoding="utf-8")
    with pytest.raises(FileProblem, match="already exists"):
        atomic_text_files([(first, _writer("new")), (second, _writer("new"))], make_folders=True)
    assert not first.exists() and second.read_text(encoding="utf-8") == "old"
    assert [p.name for p in tmp_path.rglob("*") if p.is_file()] == ["two.json"]


def test_a_failure_while_placing_takes_back_what_was_placed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    replaced, new, failing = (tmp_path / name for name in ("old.json", "new.json", "x.json"))
    replaced.write_text("old", encoding="utf-8")
    place = core.atomic._place

    def place_but_the_last(temporary: Path, path: Path, force: bool) -> None:
        if path == failing:
            raise OSError(errno.EIO, "input/output error")
        place(temporary, path, force)

    monkeypatch.setattr(core.atomic, "_place", place_but_the_last)
    files = [(replaced, _writer("fresh")), (new, _writer("fresh")), (failing, _writer("x"))]
    with pytest.raises(FileProblem, match="input/output error"):
        atomic_text_files(files, force=True)
    assert replaced.read_text(encoding="utf-8") == "old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["old.json"]  # no partial files


def test_every_file_is_written_when_all_can_be(tmp_path: Path) -> None:
    paths = [tmp_path / "d" / f"{n}.json" for n in range(3)]
    atomic_text_files([(p, _writer(p.name)) for p in paths], make_folders=True)
    assert [p.read_text(encoding="utf-8") for p in paths] == [p.name for p in paths]
