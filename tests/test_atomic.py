"""core.atomic: what is at the target is looked at again just before the new file is put in
place, so something that appeared while the file was written is not replaced."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from core.atomic import atomic_text_file
from core.errors import FileProblem


def test_a_file_that_appears_while_writing_is_kept_without_force(tmp_path: Path) -> None:
    target = tmp_path / "guide.xml"
    with pytest.raises(FileProblem) as refused, atomic_text_file(target) as out:
        out.write("ours")
        target.write_text("theirs")  # another process got there first
    assert "guide.xml: already exists — add --force" in str(refused.value)
    assert target.read_text() == "theirs"
    assert sorted(path.name for path in tmp_path.iterdir()) == ["guide.xml"]


def test_a_fifo_that_appears_while_writing_is_kept_even_with_force(tmp_path: Path) -> None:
    target = tmp_path / "guide.xml"
    with pytest.raises(FileProblem) as refused, atomic_text_file(target, force=True) as out:
        out.write("ours")
        os.mkfifo(target)
    assert "is a FIFO (named pipe); only regular files are replaced" in str(refused.value)
    assert stat.S_ISFIFO(os.lstat(target).st_mode)
    assert sorted(path.name for path in tmp_path.iterdir()) == ["guide.xml"]
