"""What a command prints never changes what it does to the store, and a document on standard
output means what it says: JSON is written once the outcome is known, and a reader that goes
away (``| head``) loses the words, not the change."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from tests.conftest import ROOT, run_cli

SAMPLES = ROOT / "samples"
CHANNEL = "idents.example.org"
# two days of one-minute idents (exempt from the cooldown): a preview of some 200 kB, far
# more than a pipe holds, so writing it meets the closed pipe while the command runs
WINDOW = ["--from", "2027-01-04T00:00:00Z", "--to", "2027-01-06T00:00:00Z"]
PLAN = ["plan", "--channel", CHANNEL, *WINDOW, "--group", "Idents", "--limit", "5000"]


def _library(home: Path) -> None:
    entries = [
        f'#EXTINF:60 group-title="Idents",Ident {n}\nhttps://media.example.org/ident-{n}.mp4'
        for n in range(10)
    ]
    library = home / "idents.m3u"
    library.write_text("#EXTM3U\n" + "\n".join(entries) + "\n", encoding="utf-8")
    result = run_cli("import", str(library), home=home)
    assert result.returncode == 0, result.stderr


def _planned(home: Path) -> int:
    """How many programmes the store holds (the channel is created by the plan)."""
    report = json.loads(run_cli("check", "--json", home=home).stdout)
    return int(report["programmes"])


def _piped_into_head(*args: str, home: Path) -> subprocess.CompletedProcess[str]:
    """``scheduleflow ARGS | head -n 2``, the way a shell runs it."""
    command = " ".join(
        [sys.executable, "-m", "tui.cli", *(f"'{a}'" for a in args), "|", "head", "-n", "2"]
    )
    return subprocess.run(
        ["bash", "-o", "pipefail", "-c", command],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env={**os.environ, "SCHEDULEFLOW_HOME": str(home)},
        timeout=120,
    )


def test_a_plan_whose_preview_meets_a_closed_pipe_is_still_applied(sf_home: Path) -> None:
    _library(sf_home)
    result = _piped_into_head(*PLAN, home=sf_home)
    assert result.returncode == 0, result.stderr
    assert len(result.stdout.splitlines()) == 2
    assert "Traceback" not in result.stderr
    assert _planned(sf_home) == 2 * 24 * 60


def test_plan_json_piped_into_head_is_applied_too(sf_home: Path) -> None:
    _library(sf_home)
    result = _piped_into_head(*PLAN, "--json", home=sf_home)
    assert result.returncode == 0, result.stderr
    assert _planned(sf_home) == 2 * 24 * 60


def test_plan_json_is_written_after_the_apply_and_says_so(sf_home: Path) -> None:
    _library(sf_home)
    result = run_cli(*PLAN, "--json", home=sf_home)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["applied"] is True
    dry = run_cli(*PLAN, "--json", "--dry-run", home=sf_home)
    assert json.loads(dry.stdout)["applied"] is False


def test_a_plan_whose_apply_fails_prints_no_success_document(sf_home: Path) -> None:
    _library(sf_home)
    # the apply runs as a job that cannot finish in time
    (sf_home / "config.toml").write_text("[jobs]\ntimeouts = { plan = 0.001 }\n")
    result = run_cli(*PLAN, "--json", home=sf_home)
    assert result.returncode == 2
    assert result.stdout == ""
    assert len(result.stderr.strip().splitlines()) == 1
    assert _planned(sf_home) == 0


def test_fix_json_that_applies_prints_one_json_document(sf_home: Path) -> None:
    for name in ("sports-library.m3u", "sports-day.xml"):
        assert run_cli("import", str(SAMPLES / name), home=sf_home).returncode == 0
    result = run_cli("fix", "gap", "--policy", "placeholder", "--json", home=sf_home)
    assert result.returncode == 0, result.stderr
    document = json.loads(result.stdout)  # the whole output is one document
    assert document["applied"] is True and document["changes"] == 2
    after = json.loads(run_cli("check", "--json", home=sf_home).stdout)
    assert after["counts"]["gap"] == 0


def test_a_dedupe_whose_preview_meets_a_closed_pipe_is_still_applied(
    sf_home: Path, tmp_path: Path
) -> None:
    # 4,000 pairs of one stream spelled twice: a preview of some 150 kB
    pairs = [
        f"#EXTINF:5,A{n}\nhttp://media.example.org/{n}\n#EXTINF:5,B{n}\nHTTP://MEDIA.example.org/{n}"
        for n in range(4000)
    ]
    library = tmp_path / "twice.m3u"
    library.write_text("#EXTM3U\n" + "\n".join(pairs) + "\n", encoding="utf-8")
    assert run_cli("import", str(library), home=sf_home).returncode == 0
    result = _piped_into_head("dedupe", home=sf_home)
    assert result.returncode == 0, result.stderr
    assert len(result.stdout.splitlines()) == 2
    assert "Traceback" not in result.stderr
    assert run_cli("dedupe", "--dry-run", home=sf_home).stdout == "no duplicate assets\n"
