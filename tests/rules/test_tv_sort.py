"""Cross-check with Debian's tv_sort on the XMLTV tools' own test files.

tv_sort reports overlapping programmes on stderr and drops duplicates from its output. For
each file we run it, and compare with what our rules report. Where we differ, it is on
purpose, and the reason is written next to the difference.
"""

from __future__ import annotations

import re
import subprocess
from collections import Counter
from pathlib import Path

import pytest

from core.formats import open_reader
from core.models import Programme
from core.rules import check_programmes
from core.timestamps import parse_xmltv_time
from tests.conftest import corpus_path

_PAIR = re.compile(
    r"overlapping programmes on channel (?P<channel>.*):\n\s+(?P<a>.*?)\tat (?P<a_start>\d+)-\|"
    r".*\nand (?P<b>.*?)\tat (?P<b_start>\d+)-\|"
)

Pair = frozenset[tuple[str, str, str]]


def _tv_sort(path: Path) -> tuple[set[Pair], Counter[tuple[str, str, str]]]:
    result = subprocess.run(["tv_sort", str(path)], capture_output=True, text=True, check=True)
    pairs = set()
    for match in _PAIR.finditer(result.stderr):
        channel = match["channel"]
        pairs.add(
            frozenset(
                {(channel, match["a"], match["a_start"]), (channel, match["b"], match["b_start"])}
            )
        )
    kept = Counter(_identity(p) for p in _programmes_of_text(result.stdout, path))
    return pairs, kept


def _programmes_of_text(text: str, original: Path) -> list[Programme]:
    copy = original.with_name(".tv_sort_output.xml")
    try:
        copy.write_text(text, encoding="utf-8")
        return [p for p in open_reader(copy) if isinstance(p, Programme)]
    finally:
        copy.unlink(missing_ok=True)


def _identity(programme: Programme) -> tuple[str, str, str]:
    return (programme.channel, programme.title, programme.start.strftime("%Y%m%d%H%M%S"))


def _ours(path: Path) -> tuple[set[Pair], Counter[tuple[str, str, str]], list[Programme]]:
    programmes = [p for p in open_reader(path) if isinstance(p, Programme)]
    report = check_programmes(programmes)
    by_number = {number: p for number, p in enumerate(programmes, 1)}
    pairs = set()
    duplicates: Counter[tuple[str, str, str]] = Counter()
    for finding in report.findings:
        if finding.kind == "overlap":
            a, b = (by_number[n] for n in finding.programmes)
            pairs.add(frozenset({_local(a), _local(b)}))
        elif finding.kind == "duplicate":
            duplicates[_identity(by_number[finding.programmes[1]])] += 1
    return pairs, duplicates, programmes


def _local(programme: Programme) -> tuple[str, str, str]:
    # tv_sort prints start times in UTC
    start = programme.start.astimezone(parse_xmltv_time("20000101000000 +0000").tzinfo)
    return (programme.channel, programme.title, start.strftime("%Y%m%d%H%M%S"))


@pytest.fixture(scope="module")
def tv_data() -> Path:
    return corpus_path("xmltv", "t_data")


def test_overlap_xml(tv_data: Path) -> None:
    theirs, _ = _tv_sort(tv_data / "overlap.xml")
    ours, duplicates, _ = _ours(tv_data / "overlap.xml")
    # tv_sort pairs "One hour long" with "Zero length in the middle". Intervals are
    # half-open: a zero-length programme occupies no time, so it overlaps nothing; we report
    # it as invalid (zero-length) instead.
    zero = frozenset(
        {
            ("a", "One hour long", "20000101000000"),
            ("a", "Zero length in the middle", "20000101003000"),
        }
    )
    assert zero in theirs
    assert ours == theirs - {zero}
    assert not duplicates


def test_intervals_xml(tv_data: Path) -> None:
    theirs, _ = _tv_sort(tv_data / "intervals.xml")
    ours, _, _ = _ours(tv_data / "intervals.xml")
    # As above, tv_sort pairs the zero-length programme at 13:30 with the one it sits in.
    zero = {
        pair
        for pair in theirs
        if any(
            "13:30." in t and s.endswith("133000") and "before' but not" in t for _, t, s in pair
        )
    }
    assert len(zero) == 1
    # tv_sort compares each programme with the next one only; "On both …" (13:00–14:00)
    # also runs into the no-stop programme at 13:00 and into the two that start at 13:30 and
    # 13:40, which we report too. Everything tv_sort reports (but the zero-length pair) we do.
    assert theirs - zero <= ours
    extra = ours - theirs
    assert all(
        any(
            title == "On both 'before' and 'after' 13:30." and start == "20030216130000"
            for _, title, start in pair
        )
        for pair in extra
    )
    assert len(extra) == 3


def test_dups_xml(tv_data: Path) -> None:
    theirs, kept = _tv_sort(tv_data / "dups.xml")
    ours, duplicates, programmes = _ours(tv_data / "dups.xml")
    dropped = Counter(_identity(p) for p in programmes) - kept
    # tv_sort drops what we report as duplicates: the second A, one of the two B (the one
    # without a stop equals the other once its stop is taken from the next start) and the
    # second t.
    assert duplicates == dropped
    assert sum(dropped.values()) == 3
    assert ours == theirs == set()


def test_clump_xml(tv_data: Path) -> None:
    theirs, _ = _tv_sort(tv_data / "clump.xml")
    ours, _, _ = _ours(tv_data / "clump.xml")
    # Programmes of one clump (clumpidx 0/2, 1/2) share their slot on purpose.
    assert ours == theirs == set()
