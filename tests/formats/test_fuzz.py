"""Mutated real files into every reader: the only errors that escape are InputErrors."""

from __future__ import annotations

import gzip
import os
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from core.errors import InputError
from core.formats import FORMATS, open_reader
from tests.conftest import corpus_path

SEEDS = [
    corpus_path("iptv-playlist-parser", "input__base.m3u"),
    corpus_path("iptv-playlist-parser", "input__kodi.m3u"),
    corpus_path("threadfin", "test_list_1.m3u"),
    corpus_path("xmltv", "t_data", "x-whatever.xml"),
    corpus_path("xmltv", "t_data", "attrs.xml"),
    corpus_path("jellyfin-server", "notitle.xml"),
    corpus_path("jellyfin-xmltv", "schedulesdirect.xml"),
    corpus_path("ffplayout", "playlist_short.json"),
    corpus_path("tunarr", "legacy-migration_channels_1.json"),
]
SEED_BYTES = [path.read_bytes() for path in SEEDS]
JSON_DOC = (
    b'{"format": "scheduleflow/1", "channels": [{"id": "a.b", "timezone": "Europe/London"}],'
    b' "assets": [{"title": "x", "locator": "/m/x.mp4", "duration": 5}],'
    b' "programmes": [{"channel": "a.b", "start": "2026-12-01T06:00:00+00:00",'
    b' "stop": "2026-12-01T07:00:00+00:00", "titles": [{"value": "T"}]}]}'
)
SEED_BYTES.append(JSON_DOC)


@st.composite
def mutated(draw: st.DrawFn) -> bytes:
    data = bytearray(draw(st.sampled_from(SEED_BYTES)))
    for _ in range(draw(st.integers(1, 4))):
        kind = draw(st.sampled_from(["cut", "flip", "insert", "delete", "repeat"]))
        position = draw(st.integers(0, max(len(data) - 1, 0)))
        if kind == "cut":
            del data[position:]
        elif kind == "flip" and data:
            data[position] = draw(st.integers(0, 255))
        elif kind == "insert":
            junk = draw(
                st.one_of(
                    st.binary(max_size=8),
                    st.sampled_from(
                        [
                            b"<",
                            b"&",
                            b"&lt;",
                            b'"',
                            b",",
                            b"\n",
                            b"#EXTINF:",
                            b"<!ENTITY x 'y'>",
                            b"]]>",
                            b"\xff\xfe",
                            b"{",
                            b"}",
                            b"[",
                            b"\x00",
                            b"#EXT-X-",
                            b"<tv>",
                        ]
                    ),
                )
            )
            data[position:position] = junk
        elif kind == "delete":
            del data[position : position + draw(st.integers(1, 40))]
        elif kind == "repeat":
            data[position:position] = data[position : position + draw(st.integers(1, 200))]
    return bytes(data)


@settings(
    max_examples=int(os.environ.get("FUZZ_EXAMPLES", "300")),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(data=mutated(), format=st.sampled_from(["auto", *FORMATS]), compress=st.booleans())
def test_mutated_inputs_raise_only_input_errors(data: bytes, format: str, compress: bool) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "input"
        path.write_bytes(gzip.compress(data) if compress else data)
        try:
            for item in open_reader(path, format):
                repr(item)
        except InputError:
            pass
