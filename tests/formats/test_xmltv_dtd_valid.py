"""Whatever the store holds, the default XMLTV export validates against the DTD.

The exporter hands the store's channels and programmes to :func:`write_xmltv` unchanged, so
generating those models covers every store content: arbitrary text (control characters,
lone surrogates, odd Unicode), attributes of any name, kept-unknown parts that are or are
not DTD elements, placed where the DTD does or does not allow them.
"""

from __future__ import annotations

import io
import subprocess
import tempfile
import xml.etree.ElementTree as ET
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from core.formats import open_reader, write_xmltv
from core.formats.xmltv_dtd import SPECS
from core.models import Channel, EpisodeNum, Icon, Programme, Rating, RawElement, Text, Url
from tests.conftest import corpus_path

DTD = corpus_path("xmltv", "xmltv.dtd")

ANY_TEXT = st.text(st.characters(blacklist_categories=()), max_size=12)
TAGS = [*SPECS, "channel", "programme", "lcn", "x-extra", "series-desc", "tv"]
ATTRIBUTE_NAMES = [
    "lang",
    "system",
    "src",
    "width",
    "type",
    "units",
    "role",
    "guest",
    "size",
    "start",
    "channel",
    "x-attr",
]
ENUMERATED = ["seconds", "yes", "no", "teletext", "text", "url", "poster", "1", "P"]


def _dtd_errors(document: str, *, dtd: bool = True) -> str:
    with tempfile.NamedTemporaryFile("w", suffix=".xml", encoding="utf-8") as handle:
        handle.write(document)
        handle.flush()
        result = subprocess.run(
            ["xmllint", "--noout", *(["--dtdvalid", str(DTD)] if dtd else []), handle.name],
            capture_output=True,
            text=True,
            errors="replace",
        )
    return "" if result.returncode == 0 else result.stderr


def _xml_text(value: str) -> str:
    # ElementTree writes whatever it is given; a real kept part was read from XML, so it
    # only ever holds characters XML allows.
    return "".join(
        c
        for c in value
        if c in "\t\n\r" or " " <= c <= "\ud7ff" or "\ue000" <= c <= "\ufffd" or c > "\uffff"
    )


@st.composite
def elements(draw: st.DrawFn, depth: int = 0) -> ET.Element:
    element = ET.Element(draw(st.sampled_from(TAGS)))
    for name in draw(st.lists(st.sampled_from(ATTRIBUTE_NAMES), max_size=3, unique=True)):
        value = draw(st.one_of(st.sampled_from(ENUMERATED), ANY_TEXT))
        element.set(name, _xml_text(value))
    element.text = _xml_text(draw(ANY_TEXT)) or None
    if depth < 2:
        for child in draw(st.lists(elements(depth + 1), max_size=3)):
            child.tail = _xml_text(draw(ANY_TEXT)) or None
            element.append(child)
    return element


def _raw(element: ET.Element) -> RawElement:
    return RawElement(element.tag, ET.tostring(element, encoding="unicode"))


RAWS = st.lists(elements().map(_raw), max_size=4).map(tuple)
TEXTS = st.lists(st.builds(Text, ANY_TEXT, st.none() | ANY_TEXT), max_size=2).map(tuple)
ICONS = st.lists(
    st.builds(Icon, ANY_TEXT, st.none() | ANY_TEXT, st.none() | ANY_TEXT), max_size=2
).map(tuple)
ZONES = st.integers(-14 * 60, 14 * 60).map(lambda minutes: timezone(timedelta(minutes=minutes)))
INSTANTS = st.builds(
    lambda seconds, zone: datetime.fromtimestamp(seconds, UTC).astimezone(zone),
    st.integers(0, 4_000_000_000),
    ZONES,
)
CHANNELS = st.builds(
    Channel,
    id=ANY_TEXT,
    display_names=TEXTS,
    icons=ICONS,
    urls=st.lists(st.builds(Url, ANY_TEXT, st.none() | ANY_TEXT), max_size=2).map(tuple),
    number=st.none() | ANY_TEXT,
    extras=RAWS,
)
PROGRAMMES = st.builds(
    Programme,
    channel=ANY_TEXT,
    start=INSTANTS,
    stop=st.none() | INSTANTS,
    titles=TEXTS,
    sub_titles=TEXTS,
    descs=TEXTS,
    categories=TEXTS,
    episode_nums=st.lists(st.builds(EpisodeNum, ANY_TEXT, ANY_TEXT), max_size=2).map(tuple),
    icons=ICONS,
    ratings=st.lists(st.builds(Rating, ANY_TEXT, st.none() | ANY_TEXT, ICONS), max_size=2).map(
        tuple
    ),
    locator=st.none() | ANY_TEXT,
    attrs=st.lists(
        st.tuples(
            st.one_of(
                st.sampled_from(
                    [
                        *ATTRIBUTE_NAMES,
                        *["stop", "clumpidx", "x-foo", "ffplayout:in", "x:in"],
                        *["{urn:example:x}in", "xml:lang", "xmlns:y", "a b", "", "1x"],
                    ]
                ),
                ANY_TEXT,
            ),
            ANY_TEXT,
        ),
        max_size=3,
    ).map(tuple),
    extras=RAWS,
)


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(CHANNELS, max_size=3), st.lists(PROGRAMMES, max_size=3))
def test_any_store_content_exports_dtd_valid(
    channels: list[Channel], programmes: list[Programme]
) -> None:
    out = io.StringIO()
    write_xmltv(out, channels, programmes, header=[("source-info-name", "x"), ("x-y", "z")])
    assert _dtd_errors(out.getvalue()) == ""


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(CHANNELS, max_size=2), st.lists(PROGRAMMES, max_size=3))
def test_any_store_content_exports_well_formed_with_keep_unknown(
    channels: list[Channel], programmes: list[Programme]
) -> None:
    out = io.StringIO()
    write_xmltv(out, channels, programmes, strict=False, namespaces={"x": "urn:example:x"})
    assert _dtd_errors(out.getvalue(), dtd=False) == ""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "guide.xml"
        path.write_text(out.getvalue(), encoding="utf-8")
        list(open_reader(path))  # what xmllint accepts, the reader reads back (no ParseError)


def test_a_channel_desc_is_left_out_of_the_dtd_valid_export_and_said(tmp_path: Path) -> None:
    channel = Channel(
        id="tvnz1.nz",
        display_names=(Text("TVNZ 1"),),
        extras=(RawElement("desc", "<desc>The first channel</desc>"),),
    )
    out = io.StringIO()
    writer = write_xmltv(out, [channel], [])
    assert "<desc>" not in out.getvalue()
    assert writer.dropped == {"<desc> inside <channel>": 1}
    assert _dtd_errors(out.getvalue()) == ""
    lossless = io.StringIO()
    write_xmltv(lossless, [channel], [], strict=False)
    assert "<desc>The first channel</desc>" in lossless.getvalue()
