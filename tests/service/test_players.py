"""``/guide.xml``, ``/guide.xml.gz`` and ``/lineup.m3u``: valid, cached, 304, gzip."""

from __future__ import annotations

import gzip
import subprocess
import time
from pathlib import Path

import httpx

from tests.conftest import CORPUS, ROOT, require_corpus
from tests.service.conftest import Server, wait_until
from tests.service.test_endpoints import imported

DTD = CORPUS / "xmltv" / "xmltv.dtd"


def _valid(guide: bytes, folder: Path) -> subprocess.CompletedProcess[str]:
    path = folder / "guide.xml"
    path.write_bytes(guide)
    return subprocess.run(
        ["xmllint", "--noout", "--dtdvalid", str(DTD), str(path)], capture_output=True, text=True
    )


def test_guide_validates_and_its_etag_gets_304(server: Server, tmp_path: Path) -> None:
    require_corpus()
    with server.client("viewer") as viewer, server.client("operator") as operator:
        imported(operator)
        first = viewer.get("/guide.xml")
        assert first.status_code == 200
        assert first.text.count("<programme ") == 84
        checked = _valid(first.content, tmp_path)
        assert checked.returncode == 0, checked.stderr
        etag = first.headers["etag"]
        again = viewer.get("/guide.xml", headers={"If-None-Match": etag})
        assert again.status_code == 304
        assert again.content == b""
        since = viewer.get(
            "/guide.xml", headers={"If-Modified-Since": first.headers["last-modified"]}
        )
        assert since.status_code == 304


def test_the_guide_is_rebuilt_only_when_the_store_changed(server: Server) -> None:
    with server.client("viewer") as viewer, server.client("operator") as operator:
        imported(operator)
        etag = viewer.get("/guide.xml").headers["etag"]
        viewer.get("/guide.xml")
        builds = [job for job in viewer.get("/api/jobs").json() if "/guide.xml" in job["label"]]
        assert len(builds) == 1
        operator.post(
            "/api/fix", params={"kind": "gap", "policy": "placeholder"}
        ).raise_for_status()
        changed = viewer.get("/guide.xml", headers={"If-None-Match": etag})
        assert changed.status_code == 200
        assert changed.headers["etag"] != etag
        assert "Off air" in changed.text


def test_gzip_when_asked_and_the_gz_path(server: Server) -> None:
    with server.client("viewer") as viewer, server.client("operator") as operator:
        imported(operator)
        plain = viewer.get("/guide.xml", headers={"Accept-Encoding": "identity"})
        assert "content-encoding" not in plain.headers
        # httpx decodes what it asked gzip for: compare with a raw read
        with httpx.stream(
            "GET",
            f"{server.url}/guide.xml",
            headers={**viewer.headers, "Accept-Encoding": "gzip"},
        ) as zipped:
            assert zipped.headers["content-encoding"] == "gzip"
            raw = b"".join(zipped.iter_raw())
        assert gzip.decompress(raw) == plain.content
        archive = viewer.get("/guide.xml.gz", headers={"Accept-Encoding": "identity"})
        assert archive.headers["content-type"] == "application/gzip"
        assert gzip.decompress(archive.content) == plain.content
        assert archive.headers["etag"] != plain.headers["etag"]


def test_lineup_names_the_guide_both_ways(server: Server) -> None:
    with server.client("viewer") as viewer, server.client("operator") as operator:
        library = ROOT / "samples" / "community-library.m3u"
        imported(operator)
        imported(operator, library)
        answer = viewer.get("/lineup.m3u")
    assert answer.status_code == 200
    first = answer.text.splitlines()[0]
    assert first == (f'#EXTM3U url-tvg="{server.url}/guide.xml" x-tvg-url="{server.url}/guide.xml"')


def test_the_guide_is_not_built_again_for_each_host_name(server: Server) -> None:
    """The guide does not depend on the Host a client names (only the line-up's url-tvg
    does): a viewer key — the one in players' URLs — must not make the service build the
    whole guide again with every request by varying its Host header."""
    with server.client("viewer") as viewer, server.client("operator") as operator:
        imported(operator)
        for number in range(3):
            answer = viewer.get("/guide.xml", headers={"Host": f"name{number}.example"})
            assert answer.status_code == 200
            assert answer.text.count("<programme ") == 84
        builds = [job for job in viewer.get("/api/jobs").json() if "/guide.xml" in job["label"]]
        assert len(builds) == 1
        lineup = viewer.get("/lineup.m3u", headers={"Host": "tv.example"})
        assert 'url-tvg="http://tv.example/guide.xml"' in lineup.text
        # line-ups for many names are kept a few at a time; they must not push the guide out
        for number in range(20):
            viewer.get("/lineup.m3u", headers={"Host": f"tv{number}.example"}).raise_for_status()
        viewer.get("/guide.xml").raise_for_status()
        builds = [job for job in viewer.get("/api/jobs").json() if "/guide.xml" in job["label"]]
        assert len(builds) == 1


def test_a_guide_changed_within_the_same_second_is_not_304_by_date(server: Server) -> None:
    """Last-Modified counts whole seconds: a guide built again in the second of the one a
    player holds must still read as newer, or If-Modified-Since keeps the stale guide."""
    with server.client("viewer") as viewer, server.client("operator") as operator:
        imported(operator)
        # start early in a second, so the build, the change and the rebuild share it
        wait_until(lambda: time.time() % 1 < 0.3, "the start of a second")
        first = viewer.get("/guide.xml")
        operator.post(
            "/api/fix", params={"kind": "gap", "policy": "placeholder"}
        ).raise_for_status()
        since = {"If-Modified-Since": first.headers["last-modified"]}
        changed = viewer.get("/guide.xml", headers=since)
        assert changed.status_code == 200
        assert "Off air" in changed.text
        assert viewer.get("/guide.xml", headers=since).status_code == 200
        later = {"If-Modified-Since": changed.headers["last-modified"]}
        assert viewer.get("/guide.xml", headers=later).status_code == 304
