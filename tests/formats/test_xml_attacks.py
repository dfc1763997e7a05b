"""XML attacks: our fast path refuses exactly what defusedxml refuses, and fetches nothing.

Every attack runs through defusedxml itself and through our reader; the outcomes must agree.
"""

from __future__ import annotations

import gzip
import http.server
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import ClassVar

import defusedxml.ElementTree as DefusedET
import pytest
from defusedxml import DefusedXmlException

from core.errors import InputError, UnsafeXML
from core.formats import open_reader
from core.models import Programme

PROGRAMME = (
    '<programme start="20261201060000 +0000" channel="a.example.org"><title>{}</title></programme>'
)


class _Recorder(http.server.BaseHTTPRequestHandler):
    requests: ClassVar[list[str]] = []

    def do_GET(self) -> None:
        type(self).requests.append(self.path)
        body = b'<!ENTITY leak "fetched">'
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def server() -> Iterator[tuple[str, list[str]]]:
    _Recorder.requests = []
    httpd = http.server.HTTPServer(("127.0.0.1", 0), _Recorder)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}", _Recorder.requests
    httpd.shutdown()


def _defused_refuses(path: Path) -> bool:
    try:
        DefusedET.parse(str(path))
    except DefusedXmlException:
        return True
    except DefusedET.ParseError:
        return False
    return False


def _ours(path: Path) -> list[object]:
    return list(open_reader(path))


def _attack(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_external_entity_reading_a_local_file_is_refused(tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET")
    path = _attack(
        tmp_path,
        "xxe.xml",
        f'<?xml version="1.0"?>\n<!DOCTYPE tv [\n<!ENTITY xxe SYSTEM "file://{secret}">\n]>\n'
        f"<tv>{PROGRAMME.format('&xxe;')}</tv>\n",
    )
    assert _defused_refuses(path)
    with pytest.raises(UnsafeXML) as caught:
        _ours(path)
    assert caught.value.line == 3
    assert "TOP-SECRET" not in str(caught.value)


def test_billion_laughs_is_refused_at_once(tmp_path: Path) -> None:
    entities = '<!ENTITY lol0 "lol">\n' + "".join(
        f'<!ENTITY lol{n} "{("&lol" + str(n - 1) + ";") * 10}">\n' for n in range(1, 10)
    )
    path = _attack(
        tmp_path,
        "laughs.xml",
        f"<!DOCTYPE tv [\n{entities}]>\n<tv>{PROGRAMME.format('&lol9;')}</tv>",
    )
    assert _defused_refuses(path)
    started = time.monotonic()
    with pytest.raises(UnsafeXML):
        _ours(path)
    assert time.monotonic() - started < 1.0


def test_quadratic_blowup_is_refused(tmp_path: Path) -> None:
    big = "A" * 50_000
    path = _attack(
        tmp_path,
        "quadratic.xml",
        f'<!DOCTYPE tv [<!ENTITY a "{big}">]>\n<tv>{PROGRAMME.format("&a;" * 5000)}</tv>',
    )
    assert _defused_refuses(path)
    with pytest.raises(UnsafeXML):
        _ours(path)


def test_external_parameter_entity_is_refused_and_nothing_is_fetched(
    tmp_path: Path, server: tuple[str, list[str]]
) -> None:
    url, requests = server
    path = _attack(
        tmp_path,
        "param.xml",
        f'<!DOCTYPE tv [<!ENTITY % remote SYSTEM "{url}/evil.dtd"> %remote;]>\n'
        f"<tv>{PROGRAMME.format('&leak;')}</tv>",
    )
    assert _defused_refuses(path)
    with pytest.raises(UnsafeXML, match="parameter entity 'remote'"):
        _ours(path)
    assert requests == []


def test_an_external_dtd_is_never_fetched_and_the_guide_reads(
    tmp_path: Path, server: tuple[str, list[str]]
) -> None:
    url, requests = server
    path = _attack(
        tmp_path,
        "external-dtd.xml",
        f'<?xml version="1.0"?>\n<!DOCTYPE tv SYSTEM "{url}/xmltv.dtd">\n'
        f"<tv>{PROGRAMME.format('News')}</tv>",
    )
    assert not _defused_refuses(path)  # defusedxml accepts it without loading it; so do we
    items = _ours(path)
    assert [p.title for p in items if isinstance(p, Programme)] == ["News"]
    assert requests == []


def test_an_entity_the_document_uses_from_an_external_dtd_is_an_error_not_a_fetch(
    tmp_path: Path, server: tuple[str, list[str]]
) -> None:
    url, requests = server
    path = _attack(
        tmp_path,
        "uses-external.xml",
        f'<!DOCTYPE tv SYSTEM "{url}/evil.dtd">\n<tv>{PROGRAMME.format("&leak;")}</tv>',
    )
    with pytest.raises(InputError) as caught:
        _ours(path)
    assert not isinstance(caught.value, UnsafeXML)
    assert caught.value.line == 2
    assert requests == []


def test_unparsed_entities_are_refused(tmp_path: Path) -> None:
    path = _attack(
        tmp_path,
        "unparsed.xml",
        '<!DOCTYPE tv [<!NOTATION png SYSTEM "image/png">'
        '<!ENTITY logo SYSTEM "logo.png" NDATA png>]>\n'
        f"<tv>{PROGRAMME.format('x')}</tv>",
    )
    assert _defused_refuses(path)
    with pytest.raises(UnsafeXML, match="unparsed entity"):
        _ours(path)


def test_entities_inside_a_gzip_file_are_refused(tmp_path: Path) -> None:
    path = tmp_path / "xxe.xml.gz"
    path.write_bytes(
        gzip.compress(
            f'<!DOCTYPE tv [<!ENTITY x SYSTEM "file:///etc/passwd">]><tv>{PROGRAMME.format("&x;")}</tv>'.encode()
        )
    )
    with pytest.raises(UnsafeXML):
        _ours(path)


def test_entities_in_a_utf16_document_are_refused(tmp_path: Path) -> None:
    text = (
        '<?xml version="1.0" encoding="UTF-16"?>\n'
        '<!DOCTYPE tv [<!ENTITY x SYSTEM "file:///etc/passwd">]>\n'
        f"<tv>{PROGRAMME.format('&x;')}</tv>"
    )
    path = tmp_path / "utf16.xml"
    path.write_bytes(text.encode("utf-16"))
    assert _defused_refuses(path)
    with pytest.raises(UnsafeXML):
        _ours(path)


def test_xinclude_is_not_processed(tmp_path: Path) -> None:
    path = _attack(
        tmp_path,
        "xinclude.xml",
        '<tv xmlns:xi="http://www.w3.org/2001/XInclude">'
        '<programme start="20261201060000 +0000" channel="a.example.org"><title>T</title>'
        '<xi:include href="/etc/passwd" parse="text"/></programme></tv>',
    )
    items = _ours(path)
    programme = next(p for p in items if isinstance(p, Programme))
    assert "root:" not in repr(programme)
