"""A programme a file holds twice is stored once and reported with both lines.

"skipped" keeps its meaning: programmes the store held from earlier imports.
"""

from __future__ import annotations

import json
from pathlib import Path

from core.store import import_file
from tests.conftest import corpus_path, run_cli
from tests.formats.helpers import write_to
from tests.store.helpers import ACTOR, new_store

PROGRAMME = """  <programme start="20260105{hour}0000 +1300" stop="20260105{end}0000 +1300"
             channel="makro.example.org">
    <title>{title}</title>
  </programme>
"""


def _guide(tmp_path: Path, name: str = "guide.xml") -> Path:
    # lines: 1-2 header, 3-5 channel, then four lines per programme
    titles = ["News", "Weather", "News", "Sport", "News"]
    hours = ["06", "07", "06", "08", "06"]
    body = "".join(
        PROGRAMME.format(hour=hour, end=f"{int(hour) + 1:02d}", title=title)
        for hour, title in zip(hours, titles, strict=True)
    )
    text = '<?xml version="1.0" encoding="UTF-8"?>\n<tv>\n'
    text += '  <channel id="makro.example.org">\n    <display-name>M</display-name>\n'
    text += "  </channel>\n" + body + "</tv>\n"
    return write_to(tmp_path, name, text)


def test_a_programme_repeated_in_one_file_is_stored_once_and_both_lines_are_named(
    tmp_path: Path,
) -> None:
    store = new_store(tmp_path)
    result = import_file(store, _guide(tmp_path), actor=ACTOR)
    assert (result.added, result.skipped, result.duplicates_in_file) == (3, 0, 2)
    repeats = [w for w in result.warnings if "in this file" in w.message]
    assert [(w.line, w.message) for w in repeats] == [
        (
            14,
            "programme 'News' 2026-01-05 06:00+13:00 on 'makro.example.org' appears twice in "
            "this file (also line 6); stored once",
        ),
        (
            22,
            "programme 'News' 2026-01-05 06:00+13:00 on 'makro.example.org' appears 3 times in "
            "this file (also line 6); stored once",
        ),
    ]
    assert store.count() == 3

    again = import_file(store, _guide(tmp_path), actor=ACTOR)
    assert (again.added, again.skipped, again.duplicates_in_file) == (0, 5, 0)
    assert not [w for w in again.warnings if "in this file" in w.message]

    replaced = import_file(store, _guide(tmp_path), actor=ACTOR, replace=True)
    assert (replaced.added, replaced.replaced, replaced.duplicates_in_file) == (3, 3, 2)
    assert store.count() == 3
    store.close()


def test_the_corpus_guide_with_repeats_names_each_with_its_first_line(tmp_path: Path) -> None:
    store = new_store(tmp_path)
    result = import_file(store, corpus_path("xmltv", "t_data", "dups.xml"), actor=ACTOR)
    assert (result.added, result.skipped, result.duplicates_in_file) == (5, 0, 2)
    repeats = [str(w) for w in result.warnings if "appears twice" in w.message]
    assert repeats == [
        "line 11: programme 'A' 2001-12-28 11:31+00:00 on '1' appears twice in this file "
        "(also line 5); stored once",
        "line 23: programme 't' 2002-05-17 02:02+01:00 on 'c' appears twice in this file "
        "(also line 20); stored once",
    ]
    store.close()


def test_repeats_are_counted_on_the_row_by_row_path_too(tmp_path: Path) -> None:
    # a NUL, which SQLite's JSON batch cannot carry, sends the batch in row by row
    programme = {
        "channel": "a.example.org",
        "start": "2026-01-05T06:00:00+00:00",
        "stop": "2026-01-05T07:00:00+00:00",
        "titles": [{"value": "Null\u0000Island"}],
    }
    document = {
        "format": "scheduleflow/1",
        "channels": [{"id": "a.example.org"}],
        "assets": [],
        "programmes": [programme, programme, {**programme, "titles": [{"value": "Other"}]}],
    }
    path = write_to(tmp_path, "guide.json", json.dumps(document))
    store = new_store(tmp_path)
    result = import_file(store, path, actor=ACTOR)
    assert (result.added, result.skipped, result.duplicates_in_file) == (2, 0, 1)
    store.close()


def test_import_json_and_text_tell_repeats_from_skipped(tmp_path: Path) -> None:
    home = tmp_path / "home"
    guide = _guide(tmp_path)
    result = run_cli("import", str(guide), "--json", home=home)
    assert result.returncode == 0, result.stderr
    document = json.loads(result.stdout)
    assert (document["skipped"], document["duplicates_in_file"]) == (0, 2)
    text = run_cli("import", str(_guide(tmp_path, "copy.xml")), home=tmp_path / "other")
    assert "3 added, 0 skipped, 0 replaced, 2 repeated in the file (stored once)" in text.stdout
    assert "line 14: programme 'News'" in text.stdout + text.stderr
