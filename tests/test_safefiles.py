"""core.safefiles: no link followed, no FIFO opened, no file with other names rewritten."""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

import pytest

from core.errors import FileProblem
from core.safefiles import RefusedFile, append_text, copy_regular, open_regular, replace_text
from core.store import Database


def test_a_fifo_is_refused_without_waiting_for_a_reader(tmp_path: Path) -> None:
    fifo = tmp_path / "audit.jsonl"
    os.mkfifo(fifo)
    with pytest.raises(RefusedFile, match="is not a regular file"):
        append_text(fifo, "line\n")
    with pytest.raises(RefusedFile, match="is not a regular file"):
        os.close(open_regular(fifo, os.O_RDONLY))


def test_a_copy_never_lands_on_a_dangling_link(tmp_path: Path) -> None:
    source = tmp_path / "store.db"
    source.write_bytes(b"data")
    target = tmp_path / "store.db.corrupt"
    target.symlink_to(tmp_path / "elsewhere")
    with pytest.raises(FileExistsError):
        copy_regular(source, target)
    assert not (tmp_path / "elsewhere").exists()


def test_a_note_another_member_owns_is_rewritten_in_place_but_never_through_a_hard_link(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """In a sticky folder a rename over another member's note fails (EPERM)."""

    def sticky(source: str, target: Path) -> None:
        raise PermissionError(1, "Operation not permitted")

    monkeypatch.setattr(os, "replace", sticky)
    note = tmp_path / ".scheduleflow.db.verified"
    note.write_text("old")
    replace_text(note, "new")
    assert note.read_text() == "new"
    victim = tmp_path / "victim"
    victim.write_text("root's")
    note.unlink()
    os.link(victim, note)
    with pytest.raises(RefusedFile, match="other names"):
        replace_text(note, "new")
    assert victim.read_text() == "root's"
    assert [path.name for path in tmp_path.iterdir() if path.name.endswith(".tmp")] == []


def test_a_backup_whose_temporary_file_is_swapped_for_a_link_writes_nothing_through_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A member of the group renames a link over the backup's temporary file between its
    creation and SQLite opening it by name."""
    database = Database(tmp_path / "store" / "scheduleflow.db")
    victim = tmp_path / "victim"
    victim.touch()  # empty: SQLite would write the backup into it
    connect = sqlite3.connect

    def swapped(path: object, *args: object, **kwargs: object) -> sqlite3.Connection:
        if str(path).endswith(".partial"):
            link = Path(f"{path}.link")
            link.symlink_to(victim)
            os.replace(link, Path(str(path)))
        return connect(path, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(sqlite3, "connect", swapped)
    try:
        with pytest.raises(FileProblem, match="was replaced while it was being written"):
            database.backup_to(tmp_path / "store" / "copy.db")
    finally:
        monkeypatch.undo()
        database.close()
    assert victim.read_bytes() == b""
    assert not (tmp_path / "store" / "copy.db").exists()
