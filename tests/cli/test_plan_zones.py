"""`plan` in New York across the fall-back night, as an operator runs it, judged on the JSON
export: back to back, the News block exactly 06:00–09:00 on the local clock, and every out
point within ``[0, duration]`` and equal to the real time the item plays."""

from __future__ import annotations

import itertools
import json
from datetime import datetime, time
from pathlib import Path
from zoneinfo import ZoneInfo

from tests.conftest import run_cli

NEW_YORK = ZoneInfo("America/New_York")
CHANNEL = "ny.example.org"
TEMPLATE = """
[default]
group = "Music"

[[block]]
days = "daily"
start = "06:00"
end = "09:00"
group = "News"
"""


def _seconds(text: str) -> float:
    return datetime.fromisoformat(text).timestamp()


def _ok(result: object) -> str:
    assert getattr(result, "returncode", None) == 0, getattr(result, "stderr", result)
    return str(getattr(result, "stdout", ""))


def test_a_new_york_plan_over_the_fall_back_exports_what_its_template_and_clock_say(
    sf_home: Path, tmp_path: Path
) -> None:
    lengths = {f"https://media.example.org/news/{n:02d}.mp4": 1500.0 for n in range(12)}
    lengths |= {f"https://media.example.org/music/{n:03d}.mp4": 253.0 for n in range(400)}
    library = tmp_path / "library.m3u"
    library.write_text(
        "#EXTM3U\n"
        + "".join(
            f'#EXTINF:{seconds:g} group-title="{"News" if "news" in url else "Music"}",'
            f"{url.rsplit('/', 2)[1]} {url[-7:-4]}\n{url}\n"
            for url, seconds in lengths.items()
        ),
        encoding="utf-8",
    )
    template = tmp_path / "day.toml"
    template.write_text(TEMPLATE, encoding="utf-8")
    _ok(run_cli("import", str(library), home=sf_home))
    window = ("--from", "2027-11-07T00:00:00-04:00", "--to", "2027-11-08T00:00:00-05:00")
    _ok(
        run_cli(
            "plan", "--channel", CHANNEL, "--timezone", "America/New_York", *window,
            "--template", str(template), home=sf_home,
        )
    )  # fmt: skip
    exported = tmp_path / "plan.json"
    _ok(run_cli("export", "--format", "json", "-o", str(exported), home=sf_home))
    programmes = json.loads(exported.read_text(encoding="utf-8"))["programmes"]
    spans = [(_seconds(p["start"]), _seconds(p["stop"])) for p in programmes]
    assert spans[0][0] == datetime(2027, 11, 7, 4, 0, tzinfo=ZoneInfo("UTC")).timestamp()
    assert spans[-1][1] == datetime(2027, 11, 8, 5, 0, tzinfo=ZoneInfo("UTC")).timestamp()
    assert all(a[1] == b[0] for a, b in itertools.pairwise(spans))  # no gap, no overlap
    for programme, (begin, end) in zip(programmes, spans, strict=True):
        attrs = dict(programme.get("attrs", []))
        length = lengths[programme["locator"]]
        if "ffplayout:out" in attrs:
            out, whole = float(attrs["ffplayout:out"]), float(attrs["ffplayout:duration"])
            assert 0 <= out <= whole == length and abs(out - (end - begin)) < 0.002, programme
        else:
            assert end - begin == length, programme
    news = [
        (datetime.fromtimestamp(begin, NEW_YORK), datetime.fromtimestamp(end, NEW_YORK))
        for p, (begin, end) in zip(programmes, spans, strict=True)
        if p["categories"][0]["value"] == "News"
    ]
    assert news[0][0].time() == time(6) and news[-1][1].time() == time(9)
    assert all(time(6) <= start.time() < time(9) for start, _ in news)
