"""Unplayable because of the stream doctor: programmes whose stream is down or flapping, or
whose asset an operator marked unplayable.

Only what the probes measured counts (``scheduleflow probe`` keeps each result): a stream
never probed is not a finding, and one failed probe is not a verdict
(:func:`core.probe.model.state_of`). The finding names the reason of the latest failure and
when the failures began, in the channel's time.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from core.probe.model import StreamState, Verdict
from core.rules.findings import SEVERITY, STREAM_FIXES, Finding
from core.rules.slots import ChannelView
from core.store import Store
from core.store.codec import from_ms
from core.store.streams import DisabledAsset, disabled_assets, stream_verdicts

__all__ = ["StreamFacts", "find_dead_streams", "stream_facts"]


class StreamFacts:
    """What the store knows of the streams a check meets: their verdicts (read on first
    need, only for the fingerprints the checked programmes use — the history of every
    stream ever probed is far larger than one window needs) and the disabled assets."""

    def __init__(self, store: Store | None = None, down_after: int = 2) -> None:
        self.store = store
        self.down_after = down_after
        self.disabled: Mapping[str, DisabledAsset] = {}
        self.probed = False
        if store is not None:
            self.disabled = disabled_assets(store)
            probed = store.connection.execute("SELECT 1 FROM stream_probe LIMIT 1").fetchone()
            self.probed = probed is not None
        self._verdicts: dict[str, Verdict | None] = {}

    def verdicts(self, fingerprints: Iterable[str]) -> Mapping[str, Verdict | None]:
        """The verdict of each fingerprint (``None``: never probed), read once each."""
        wanted = [f for f in dict.fromkeys(fingerprints) if f not in self._verdicts]
        if wanted and self.store is not None and self.probed:
            found = stream_verdicts(self.store, wanted, down_after=self.down_after)
            for fingerprint in wanted:
                self._verdicts[fingerprint] = found.get(fingerprint)
        return self._verdicts


def _problem(
    view: ChannelView, fingerprint: str, verdict: Verdict | None, facts: StreamFacts
) -> str | None:
    """The end of the finding's sentence, or ``None`` when the stream may play."""
    if verdict is not None and verdict.state in (StreamState.DOWN, StreamState.FLAPPING):
        reason = verdict.latest.reason if verdict.latest is not None else "no answer"
        since = ""
        if verdict.down_since is not None:
            since = f" since {view.moment(from_ms(verdict.down_since, 0))}"
        if verdict.state is StreamState.DOWN:
            return f": its stream is down{since} ({reason})"
        return f": its stream is flapping, last failed{since} ({reason})"
    disabled = facts.disabled.get(fingerprint)
    if disabled is not None:
        when = view.moment(from_ms(disabled.at, 0))
        return f": its asset was marked unplayable by {disabled.who} on {when} ({disabled.reason})"
    return None


def find_dead_streams(view: ChannelView, facts: StreamFacts) -> list[Finding]:
    """An ``unplayable`` finding for each programme whose stream or asset will not play."""
    if not facts.probed and not facts.disabled:
        return []
    findings: list[Finding] = []
    problems: dict[str, str | None] = {}
    skip = view.empty | view.duplicates.keys()
    verdicts = facts.verdicts(slot.fingerprint for slot in view.slots if slot.fingerprint)
    for index, slot in enumerate(view.slots):
        if index in skip or not slot.fingerprint:
            continue
        if slot.fingerprint not in problems:
            verdict = verdicts.get(slot.fingerprint)
            problems[slot.fingerprint] = _problem(view, slot.fingerprint, verdict, facts)
        problem = problems[slot.fingerprint]
        if problem is None:
            continue
        start = view.when(slot.start, slot.offset)
        end = view.ends[index]
        title = f"'{slot.title}'" if slot.title.strip() else f"programme #{slot.id}"
        findings.append(
            Finding(
                "unplayable",
                SEVERITY["unplayable"],
                view.channel,
                start,
                view.when(end, slot.offset) if end is not None else start,
                f"{title} at {view.moment(start)}{problem}",
                (slot.id,),
                STREAM_FIXES,
            )
        )
    return findings


def stream_facts(store: Store, *, down_after: int = 2) -> StreamFacts:
    """The stream facts of ``store`` for one check (verdicts read as channels need them)."""
    return StreamFacts(store, down_after)
