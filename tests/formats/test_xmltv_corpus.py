"""XMLTV conformance: every corpus guide reads, and what we write validates where it can."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from core.errors import UnsupportedFormat
from core.formats import XmltvReader, is_dns_like, open_reader, stand_in_channels, write_xmltv
from core.models import Channel, Programme
from tests.conftest import CORPUS, corpus_path
from tests.formats.helpers import identity, tv_validate_complaints

DTD = CORPUS / "xmltv" / "xmltv.dtd"


def _guides() -> list[Path]:
    corpus = corpus_path()  # skips this module when the corpus is absent
    paths = sorted(corpus.rglob("*.xml")) + sorted(corpus.rglob("*.xml.gz"))
    guides = [p for p in paths if b"<tv" in _head(p)]
    assert len(guides) > 100
    return guides


def _head(path: Path) -> bytes:
    import gzip

    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rb") as handle:
        return handle.read(4096)


def _read(path: Path) -> tuple[list[Channel], list[Programme], XmltvReader]:
    reader = open_reader(path)
    assert isinstance(reader, XmltvReader)
    items = list(reader)
    channels = [item for item in items if isinstance(item, Channel)]
    programmes = [item for item in items if isinstance(item, Programme)]
    assert len(channels) + len(programmes) == len(items)
    return channels, programmes, reader


def _export(path: Path, out: Path, *, strict: bool = True) -> tuple[list[Channel], object]:
    channels, programmes, reader = _read(path)
    declared = channels + stand_in_channels((c.id for c in channels), reader.undeclared_channels)
    with out.open("w", encoding="utf-8") as handle:
        writer = write_xmltv(
            handle,
            declared,
            programmes,
            strict=strict,
            header=reader.header,
            extras=reader.extras,
        )
    return declared, writer


def _ids(path: Path) -> set[str]:
    channels, programmes, _ = _read(path)
    return {c.id for c in channels} | {p.channel for p in programmes}


GUIDES = _guides()
DNS_GUIDES = [p for p in GUIDES if all(is_dns_like(i) for i in _ids(p))]
OTHER_GUIDES = [p for p in GUIDES if p not in DNS_GUIDES]


def _id(path: Path) -> str:
    return str(path.relative_to(CORPUS))


@pytest.mark.parametrize("path", GUIDES, ids=_id)
def test_every_corpus_guide_reads_and_round_trips_losslessly(path: Path, tmp_path: Path) -> None:
    _, programmes, _ = _read(path)
    declared, _ = _export(path, tmp_path / "copy.xml", strict=False)
    channels_again, programmes_again, reader_again = _read(tmp_path / "copy.xml")
    assert [identity(p) for p in programmes_again] == [identity(p) for p in programmes]
    assert [identity(c) for c in channels_again] == [identity(c) for c in declared]
    assert reader_again.undeclared_channels == []


@pytest.mark.parametrize("path", DNS_GUIDES, ids=_id)
def test_dns_like_guides_export_valid_for_xmllint_and_tv_validate_file(
    path: Path, tmp_path: Path
) -> None:
    out = tmp_path / "guide.xml"
    _export(path, out)
    xmllint = subprocess.run(
        ["xmllint", "--noout", "--dtdvalid", str(DTD), str(out)], capture_output=True, text=True
    )
    assert xmllint.returncode == 0, xmllint.stderr
    assert tv_validate_complaints(out, DTD) == []


def test_the_validator_accepts_most_dns_like_guides_outright(tmp_path: Path) -> None:
    passed = 0
    for path in DNS_GUIDES:
        out = tmp_path / "guide.xml"
        _export(path, out)
        result = subprocess.run(
            ["tv_validate_file", "--dtd-file", str(DTD), str(out)], capture_output=True, text=True
        )
        passed += result.returncode == 0
    assert len(DNS_GUIDES) >= 40
    assert passed >= len(DNS_GUIDES) - 3  # schedulesdirect.xml, test.xml, empty.xml: see above


# x-whatever.xml holds x- elements the DTD forbids: strict mode drops them (next test).
@pytest.mark.parametrize("path", [p for p in DNS_GUIDES if p.name != "x-whatever.xml"], ids=_id)
def test_dns_like_guides_read_write_read_identically_in_strict_mode(
    path: Path, tmp_path: Path
) -> None:
    _, programmes, _ = _read(path)
    declared, writer = _export(path, tmp_path / "guide.xml")
    channels_again, programmes_again, _ = _read(tmp_path / "guide.xml")
    assert [identity(p) for p in programmes_again] == [identity(p) for p in programmes]
    assert [identity(c) for c in channels_again] == [identity(c) for c in declared]
    assert not writer.dropped  # type: ignore[attr-defined]


def test_strict_export_drops_what_the_dtd_forbids_and_says_so(tmp_path: Path) -> None:
    _, writer = _export(corpus_path("xmltv", "t_data", "x-whatever.xml"), tmp_path / "g.xml")
    assert set(writer.dropped) == {  # type: ignore[attr-defined]
        "programme/@x-foo",
        "<x-extra>",
        "<x-fig-roll> inside <desc>",
        "actor/@x-attr",
        "<x-random>",
        "<x-whatever>",
    }
    text = (tmp_path / "g.xml").read_text()
    assert "x-" not in text.replace("xmltv", "")
    assert "Bobby tours with a comedy troupe" in text


@pytest.mark.parametrize("path", OTHER_GUIDES, ids=_id)
def test_guides_with_ids_that_are_not_dns_like_still_export_dtd_valid(
    path: Path, tmp_path: Path
) -> None:
    out = tmp_path / "guide.xml"
    _, writer = _export(path, out)
    result = subprocess.run(
        ["xmllint", "--noout", "--dtdvalid", str(DTD), str(out)], capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
    assert writer.not_dns_like  # type: ignore[attr-defined]


def test_real_feed_problems_read_with_precise_warnings() -> None:
    _, programmes, reader = _read(corpus_path("jellyfin-server", "notitle.xml"))
    assert len(programmes) == 1
    assert any(w.line == 2 and "has no title" in w.message for w in reader.warnings)
    assert any(
        w.line == 2 and "<episode-num> comes before <icon>" in w.message for w in reader.warnings
    )

    _, _, reader = _read(corpus_path("iptv-org-epg", "tests", "expected__epg_grab__base.guide.xml"))
    assert any("<lcn>" in w.message for w in reader.warnings) is False  # lcn is the number
    channels, _, _ = _read(
        corpus_path("iptv-org-epg", "tests", "expected__epg_grab__base.guide.xml")
    )
    assert any(c.number for c in channels)

    _, _, reader = _read(corpus_path("xmltv", "t_data", "x-whatever.xml"))
    messages = [(w.line, w.message) for w in reader.warnings]
    assert any(line == 4 and "<x-extra> is not an XMLTV" in text for line, text in messages)
    assert any(line == 14 and "<x-random>" in text for line, text in messages)
    assert any("<x-extra> comes before <title>" in text for _, text in messages)
    assert any("'channel4.com', which has no <channel> entry" in text for _, text in messages)


def test_latin1_guides_read_with_an_encoding_warning() -> None:
    latin1 = [p for p in GUIDES if b"ISO-8859-1" in _head(p).upper()]
    assert latin1, "the corpus has ISO-8859-1 guides"
    for path in latin1:
        _, programmes, reader = _read(path)
        assert any("ISO-8859-1" in w.message.upper() for w in reader.warnings)
        assert all(isinstance(p.title, str) for p in programmes)


def test_named_zones_and_short_timestamps_are_read() -> None:
    _, programmes, _ = _read(corpus_path("xmltv", "t_data", "x-whatever.xml"))
    assert programmes[0].start.isoformat() == "2001-08-29T00:05:00+01:00"  # "BST"
    _, programmes, _ = _read(corpus_path("xmltv", "t_data", "length.xml"))
    assert programmes[0].start.isoformat() == "2002-02-24T00:00:00+01:00"  # YYYYMMDDhhmm


def test_non_guide_xml_in_the_corpus_is_refused_with_what_it_is() -> None:
    with pytest.raises(UnsupportedFormat, match="iptv-org channel list"):
        list(open_reader(corpus_path("iptv-org-epg", "channels", "knr.gl.channels.xml")))
    with pytest.raises(UnsupportedFormat, match="ProgramGuide"):
        list(open_reader(corpus_path("iptv-org-epg", "sites_data", "hoy.tv__content.xml")))
