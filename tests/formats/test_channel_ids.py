"""A channel id with a control character is refused by the readers: exported, ``p\\x00.org``
would become ``p.org`` (XML has no NUL), another channel's id."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from core.errors import SchemaError
from core.models import Channel, Programme
from tests.formats.helpers import read_all, write_to


@pytest.mark.parametrize(
    ("document", "where", "code"),
    [
        ({"channels": [{"id": "p\x00.org"}, {"id": "p.org"}]}, r"channels\[0\]\.id", "0000"),
        (
            {
                "programmes": [
                    {
                        "channel": "p\x1b[2J.org",
                        "start": "2026-01-01T00:00:00+00:00",
                        "titles": [{"value": "t"}],
                    }
                ]
            },
            r"programmes\[0\]\.channel",
            "001B",
        ),
    ],
    ids=["channel", "programme"],
)
def test_a_json_channel_id_with_a_control_character_is_refused(
    tmp_path: Path, document: dict[str, object], where: str, code: str
) -> None:
    path = write_to(tmp_path, "doc.json", json.dumps({"format": "scheduleflow/1", **document}))
    with pytest.raises(SchemaError, match=rf"{where}: .*holds a control character \(U\+{code}\)"):
        read_all(path)


def test_an_xmltv_channel_id_with_a_control_character_is_skipped_with_a_warning(
    tmp_path: Path,
) -> None:
    path = write_to(
        tmp_path,
        "guide.xml",
        '<?xml version="1.0"?>\n<tv>\n'
        '<channel id="p&#10;.org"><display-name>x</display-name></channel>\n'
        '<channel id="p.org"><display-name>y</display-name></channel>\n'
        '<programme channel="p&#x85;.org" start="20260101000000 +0000"><title>t</title>'
        "</programme>\n"
        '<programme channel="p.org" start="20260101000000 +0000"><title>u</title></programme>\n'
        "</tv>\n",
    )
    items, reader = read_all(path)
    assert [c.id for c in items if isinstance(c, Channel)] == ["p.org"]
    assert [p.channel for p in items if isinstance(p, Programme)] == ["p.org"]
    assert [str(w) for w in reader.warnings] == [
        "line 3: channel id 'p\n.org' holds a control character (U+000A); skipped",
        "line 5: <programme> on channel id 'p\x85.org' holds a control character (U+0085); skipped",
    ]
