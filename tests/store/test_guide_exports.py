"""XMLTV exports from the store: DTD-valid by default, well-formed and lossless on request.

Every corpus guide goes import → export → check, the way an operator's guide does, and a
guide with namespaced parts (which the corpus lacks) and ffplayout's ``ffplayout:`` keys
make sure the lossless export declares what it uses.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from core.models import Channel, Programme
from core.store import Store, export, import_file
from core.store.guide_header import combine_headers
from tests.conftest import CORPUS, corpus_files
from tests.formats.helpers import portable, tv_validate_complaints, write_to
from tests.formats.test_xmltv_corpus import DNS_GUIDES, GUIDES
from tests.store.helpers import ACTOR, new_store

DTD = CORPUS / "xmltv" / "xmltv.dtd"


def _xmllint(*arguments: str) -> str:
    result = subprocess.run(
        ["xmllint", "--noout", *arguments], capture_output=True, text=True, errors="replace"
    )
    return "" if result.returncode == 0 else result.stderr


def _content(store: Store) -> tuple[list[tuple[object, ...]], list[tuple[object, ...]]]:
    def key(programme: Programme) -> tuple[object, ...]:
        return (programme.channel, programme.start.timestamp(), repr(portable(programme)))

    channels: list[Channel] = store.channels()
    return (
        sorted(map(portable, channels)),
        sorted(map(key, store.iter_programmes())),
    )


def _lossless_round_trip(path: Path, tmp_path: Path) -> Path:
    """Import, export with --keep-unknown, check it is XML, import that: the same store."""
    first = new_store(tmp_path / "first")
    import_file(first, path, actor=ACTOR)
    out = tmp_path / "lossless.xml"
    export(first, "xmltv", out, keep_unknown=True)
    assert _xmllint(str(out)) == ""
    again = new_store(tmp_path / "again")
    import_file(again, out, actor=ACTOR)
    assert _content(again) == _content(first)
    first.close()
    again.close()
    return out


@pytest.mark.parametrize("path", GUIDES, ids=lambda p: str(p.relative_to(CORPUS)))
def test_every_corpus_guide_exports_losslessly_as_well_formed_xml(
    path: Path, tmp_path: Path
) -> None:
    _lossless_round_trip(path, tmp_path)


@pytest.mark.parametrize("path", GUIDES, ids=lambda p: str(p.relative_to(CORPUS)))
def test_every_corpus_guide_exports_dtd_valid_from_the_store(path: Path, tmp_path: Path) -> None:
    store = new_store(tmp_path)
    import_file(store, path, actor=ACTOR)
    out = tmp_path / "guide.xml"
    export(store, "xmltv", out)
    store.close()
    assert _xmllint("--dtdvalid", str(DTD), str(out)) == ""
    if path in DNS_GUIDES:
        assert tv_validate_complaints(out, DTD) == []


NAMESPACED = """<?xml version="1.0" encoding="UTF-8"?>
<tv xmlns:x="urn:example:x" xmlns:ffplayout="urn:example:other-ffplayout"
    source-info-name="Example" x:version="2">
  <channel id="one.example.org">
    <display-name xml:lang="en">One</display-name>
    <desc>What the channel is</desc>
    <x:logo size="big" />
  </channel>
  <programme start="20260101060000 +0000" stop="20260101070000 +0000"
             channel="one.example.org" x:in="0.0" ffplayout:out="12">
    <title>Morning</title>
    <x:note a="1" x:b="2">hi <x:em>there</x:em></x:note>
    <y:note xmlns:y="urn:example:y">inner</y:note>
    <z xmlns="urn:example:default"><w>default namespace</w></z>
  </programme>
</tv>
"""


def test_a_namespaced_guide_exports_losslessly_with_its_prefixes_declared(
    tmp_path: Path,
) -> None:
    guide = write_to(tmp_path, "namespaced.xml", NAMESPACED)
    out = _lossless_round_trip(guide, tmp_path)
    text = out.read_text()
    assert 'xmlns:x="urn:example:x"' in text.split("\n")[2]  # declared on <tv>
    assert 'x:in="0.0"' in text
    assert "<x:note" in text and "<y:note" in text


def test_ffplayout_keys_export_losslessly_as_well_formed_xml(tmp_path: Path) -> None:
    playlist = corpus_files("ffplayout", "*.json")[0]
    store = new_store(tmp_path / "first")
    import_file(store, playlist, actor=ACTOR)
    out = tmp_path / "guide.xml"
    export(store, "xmltv", out, keep_unknown=True)
    assert _xmllint(str(out)) == ""
    assert 'xmlns:ffplayout="https://github.com/ffplayout/ffplayout"' in out.read_text()
    again = new_store(tmp_path / "again")
    import_file(again, out, actor=ACTOR)
    assert [p.attrs for p in again.iter_programmes()] == [p.attrs for p in store.iter_programmes()]
    store.close()
    again.close()


def test_the_sources_tv_attributes_are_kept_and_ours_name_the_generator(
    tmp_path: Path,
) -> None:
    guide = write_to(tmp_path, "namespaced.xml", NAMESPACED)
    store = new_store(tmp_path)
    import_file(store, guide, actor=ACTOR)
    out = tmp_path / "guide.xml"
    export(store, "xmltv", out)
    assert '<tv source-info-name="Example" generator-info-name="ScheduleFlow">' in out.read_text()
    assert "<desc>What the channel is</desc>" not in out.read_text()
    assert _xmllint("--dtdvalid", str(DTD), str(out)) == ""
    store.close()


def test_several_sources_keep_what_they_agree_on_and_join_their_names() -> None:
    first = [
        ("date", "20260101"),
        ("source-info-name", "Alpha"),
        ("source-info-url", "https://alpha.example"),
        ("source-data-url", "https://data.example"),
        ("generator-info-name", "grabber"),
    ]
    second = [
        ("source-info-name", "Beta"),
        ("source-info-url", "https://beta.example"),
        ("source-data-url", "https://data.example"),
    ]
    assert combine_headers([first]) == [
        ("date", "20260101"),
        ("source-info-name", "Alpha"),
        ("source-info-url", "https://alpha.example"),
        ("source-data-url", "https://data.example"),
        ("generator-info-name", "ScheduleFlow"),
    ]
    assert combine_headers([first, second, first]) == [
        ("source-info-name", "Alpha; Beta"),
        ("source-data-url", "https://data.example"),
        ("generator-info-name", "ScheduleFlow"),
    ]
    # an ffplayout or JSON import says nothing about itself: it agrees on nothing
    assert combine_headers([first, []]) == [
        ("source-info-name", "Alpha"),
        ("generator-info-name", "ScheduleFlow"),
    ]
    assert combine_headers([]) == [("generator-info-name", "ScheduleFlow")]
