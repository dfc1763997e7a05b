"""``check``, ``fix``, ``dedupe`` and ``undo`` as users run them."""

from __future__ import annotations

import json
from pathlib import Path

from tests.conftest import run_cli

SAMPLES = Path(__file__).resolve().parent.parent.parent / "samples"


def _sports(home: Path) -> None:
    for name in ("sports-library.m3u", "sports-day.xml"):
        assert run_cli("import", str(SAMPLES / name), home=home).returncode == 0


def test_check_json_shape_and_exit_status(sf_home: Path) -> None:
    _sports(sf_home)
    result = run_cli("check", "--json", home=sf_home)
    assert result.returncode == 1  # there are error-severity findings
    report = json.loads(result.stdout)
    assert report["version"] == 1
    assert report["counts"]["overlap"] == 2 and report["counts"]["gap"] == 2
    assert set(report["counts"]) == {
        "overlap",
        "gap",
        "cooldown",
        "duplicate",
        "invalid",
        "unplayable",
        "dst",
    }
    finding = report["findings"][0]
    assert set(finding) >= {"kind", "severity", "channel", "start", "stop", "message", "programmes"}


def test_check_text_report_is_grouped_with_counts_first(sf_home: Path) -> None:
    _sports(sf_home)
    text = run_cli("check", home=sf_home).stdout
    lines = text.splitlines()
    assert lines[0].startswith("checked 11 programmes on 1 channel: 2 overlap, 2 gap, 1 invalid")
    assert "sports.example.org: 2 overlap, 2 gap, 1 invalid" in text


def test_check_exits_0_without_errors_and_2_when_it_cannot_run(sf_home: Path) -> None:
    _sports(sf_home)
    assert run_cli("fix", "overlap", "--policy", "ripple", home=sf_home).returncode == 0
    assert run_cli("fix", "invalid", "--policy", "drop", home=sf_home).returncode == 0
    assert run_cli("check", home=sf_home).returncode == 0  # gaps are warnings
    missing = run_cli("check", "--channel", "nope.example.org", home=sf_home)
    assert missing.returncode == 2 and "there is no channel" in missing.stderr


def test_fix_dry_run_then_apply_then_undo(sf_home: Path) -> None:
    _sports(sf_home)
    dry = run_cli("fix", "gap", "--policy", "placeholder", "--dry-run", "--json", home=sf_home)
    plan = json.loads(dry.stdout)
    assert plan["changes"] == 2
    assert all(line.startswith("+ insert 'Off air'") for line in plan["channels"][0]["changes"])
    applied = run_cli("fix", "gap", "--policy", "placeholder", home=sf_home)
    assert "applied 2 changes" in applied.stdout
    after = json.loads(run_cli("check", "--json", home=sf_home).stdout)
    assert after["counts"]["gap"] == 0
    assert run_cli("undo", "--channel", "sports.example.org", home=sf_home).returncode == 0
    assert json.loads(run_cli("check", "--json", home=sf_home).stdout)["counts"]["gap"] == 2
    audit = (sf_home / "logs" / "audit.jsonl").read_text().splitlines()
    assert json.loads(audit[-1])["action"] == "undo"


def test_unknown_policy_exits_2(sf_home: Path) -> None:
    _sports(sf_home)
    result = run_cli("fix", "overlap", "--policy", "explode", home=sf_home)
    assert result.returncode == 2 and "policies for overlap: trim, ripple, drop" in result.stderr


def test_dedupe_dry_run_and_nothing_to_undo(sf_home: Path, tmp_path: Path) -> None:
    playlist = tmp_path / "l.m3u"
    playlist.write_text("#EXTM3U\n#EXTINF:5,A\nhttp://x/a\n#EXTINF:5,B\nHTTP://X/a\n")
    run_cli("import", str(playlist), home=sf_home)
    dry = run_cli("dedupe", "--dry-run", home=sf_home)
    assert "keep #1 'A' (as complete as the others, imported first); merge #2 'B'" in dry.stdout
    assert "nothing merged" in dry.stdout
    assert "merged 1 duplicate asset " in run_cli("dedupe", home=sf_home).stdout
    assert run_cli("undo", home=sf_home).returncode == 0
    nothing = run_cli("undo", home=sf_home)
    assert nothing.returncode == 2 and "nothing to undo" in nothing.stderr
