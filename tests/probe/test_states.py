"""A stream's state from its history: one failed probe is not a verdict."""

from __future__ import annotations

import pytest

from core.probe.model import ProbeResult, StreamState, state_of


def history(pattern: str) -> list[ProbeResult]:
    """``"++-"``: played, played, failed (oldest first), one minute apart."""
    return [
        ProbeResult("http://x/", "f", mark == "+", "", 60_000 * index)
        for index, mark in enumerate(pattern)
    ]


@pytest.mark.parametrize(
    ("pattern", "state", "since"),
    [
        ("", StreamState.UNKNOWN, None),
        ("+", StreamState.UP, None),
        ("-", StreamState.UP, None),  # one failure: not a verdict
        ("++-", StreamState.UP, None),
        ("+--", StreamState.DOWN, 60_000),
        ("+---", StreamState.DOWN, 60_000),
        ("--+", StreamState.UP, None),  # back up
        ("-+-", StreamState.FLAPPING, 120_000),
        ("+-+-", StreamState.FLAPPING, 180_000),
        ("+-+", StreamState.UP, None),  # one blip
        ("-+-+", StreamState.FLAPPING, 120_000),
        ("-+-+++++", StreamState.UP, None),  # the alternation is older than the window
    ],
)
def test_state_of(pattern: str, state: StreamState, since: int | None) -> None:
    assert state_of(history(pattern), down_after=2) == (state, since)


def test_down_after_is_the_number_of_failures_in_a_row() -> None:
    assert state_of(history("+--"), down_after=3)[0] is StreamState.UP
    assert state_of(history("+---"), down_after=3) == (StreamState.DOWN, 60_000)
    assert state_of(history("+-"), down_after=1) == (StreamState.DOWN, 60_000)
