"""Fixes for ``unplayable`` findings: ``disable`` the asset, or ``replace`` the programme.

- ``disable`` marks the asset each finding's programme plays as unplayable (the library's
  ``asset_disabled`` list, audited): plans skip it from then on. The programme stays where it
  is and so does the asset: nothing is deleted.
- ``replace`` puts another asset of the same library group in the programme's place: one
  whose stream the probes found up (or whose file is there) and whose length fits the slot
  within the duration tolerance (a live stream fits any slot). A programme with no such
  asset is left as it is, with a note saying why. Applied as one edit per channel: backed
  up, audited, undoable.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any

from core.clock import channel_zone
from core.config import RuleDefaults
from core.identity import Actor
from core.locators import is_local, local_path
from core.models import Asset, Text
from core.probe.model import StreamState
from core.rules.check import check_store
from core.rules.fixes import ChannelFix, FixPlan
from core.store import Store
from core.store.edits import EditResult, Replace, apply_changes, describe_change
from core.store.streams import disable_assets, disabled_assets, stream_verdicts
from core.words import count

__all__ = ["StreamFixPlan", "apply_stream_fix", "plan_stream_fix"]


@dataclass
class StreamFixPlan(FixPlan):
    """A fix plan that may also mark assets unplayable: ``(fingerprint, reason, label)``."""

    disabled: list[tuple[str, str, str]] = field(default_factory=list)

    @property
    def changes(self) -> int:
        """Programme changes and assets marked unplayable."""
        return super().changes + len(self.disabled)

    def preview(self, limit: int = 50) -> list[str]:
        """The assets to mark first, then the programme changes and notes."""
        lines = [f"mark unplayable: {label} ({reason})" for _, reason, label in self.disabled]
        return lines + super().preview(limit)

    def to_json(self) -> dict[str, Any]:
        """The ``fix --json`` shape, with the assets it marks unplayable."""
        return {
            **super().to_json(),
            "disabled": [
                {"fingerprint": fingerprint, "reason": reason, "asset": label}
                for fingerprint, reason, label in self.disabled
            ],
        }


def _why(message: str) -> str:
    """The reason part of a finding's message: what follows its first ': ' (its whole
    text when it has none)."""
    return message.partition(": ")[2] or message


def plan_stream_fix(
    store: Store,
    policy: str,
    *,
    defaults: RuleDefaults | None = None,
    channels: list[str] | None = None,
    start: datetime | None = None,
    stop: datetime | None = None,
) -> StreamFixPlan:
    """Work out ``disable`` or ``replace`` for the down and flapping streams of the window
    (the unplayable findings that offer them; a missing file or a video of the wrong length
    has its own fixes)."""
    defaults = defaults or RuleDefaults()
    plan = StreamFixPlan("unplayable", policy)
    report = check_store(store, defaults, channels=channels, start=start, stop=stop)
    findings = [
        f
        for f in report.findings
        if f.kind == "unplayable" and f.programmes and policy in f.fixes
    ]
    if not findings:
        return plan
    if policy == "disable":
        _disable(store, plan, findings)
    else:
        _replace(store, plan, findings, defaults)
    return plan


def _disable(store: Store, plan: StreamFixPlan, findings: list[Any]) -> None:
    known = disabled_assets(store)
    seen: set[str] = set()
    for finding in findings:
        programme = store.programme(finding.programmes[0])
        fingerprint = programme.fingerprint
        if not fingerprint:
            plan.notes.append(f"{finding.message}: no asset to mark (it has no video)")
            continue
        if fingerprint in seen or fingerprint in known:
            continue
        seen.add(fingerprint)
        label = f"'{programme.title}' {programme.locator or ''}".rstrip()
        plan.disabled.append((fingerprint, _why(finding.message), label))


def _replace(
    store: Store, plan: StreamFixPlan, findings: list[Any], defaults: RuleDefaults
) -> None:
    tolerance = defaults.duration_tolerance_seconds
    members: dict[str, list[Asset]] = {name: list(store.assets(name)) for name, _ in store.groups()}
    groups_of: dict[str, list[str]] = {}
    for name, assets in members.items():
        for asset in assets:
            groups_of.setdefault(asset.fingerprint, []).append(name)
    verdicts = stream_verdicts(store, down_after=defaults.stream_down_after)
    barred = set(disabled_assets(store))
    unprobed: set[str] = set()

    def playable(asset: Asset) -> bool:
        if asset.fingerprint in barred:
            return False
        verdict = verdicts.get(asset.fingerprint)
        if verdict is not None:
            return verdict.state is StreamState.UP
        path = local_path(asset.locator)
        if path is not None:
            return path.is_file()
        unprobed.add(asset.fingerprint)
        return False

    fixes: dict[str, ChannelFix] = {}
    for finding in findings:
        programme = store.programme(finding.programmes[0])
        groups = groups_of.get(programme.fingerprint or "", [])
        length = (finding.stop - finding.start).total_seconds()
        best: Asset | None = None
        for name in groups:
            for asset in members[name]:
                if asset.fingerprint == programme.fingerprint or not playable(asset):
                    continue
                if asset.duration is None:
                    fits = not is_local(asset.locator)  # a live stream plays any length
                else:
                    fits = abs(asset.duration - length) <= tolerance
                if fits and (
                    best is None
                    or abs((asset.duration or length) - length)
                    < abs((best.duration or length) - length)
                ):
                    best = asset
        if best is None:
            where = f"group {', '.join(groups)}" if groups else "no library group"
            plan.notes.append(
                f"{finding.message}: no asset of {where} is up and fits its slot; left as it is"
            )
            continue
        channel = finding.channel
        if channel not in fixes:
            fixes[channel] = ChannelFix(channel, store.revision(channel))
        new = replace(
            programme,
            titles=(Text(best.title),),
            sub_titles=(),
            descs=(),
            episode_nums=(),
            locator=best.locator,
            fingerprint=best.fingerprint,
            id=None,
        )
        change = Replace(programme.id or 0, new)
        fixes[channel].changes.append(change)
        zone = channel_zone(store.channel_facts()[channel].timezone)
        fixes[channel].lines.append(describe_change(change, programme, zone))
    plan.channels.extend(fixes.values())
    if unprobed:
        plan.notes.append(
            f"{len(unprobed)} candidate streams were never probed and were not used "
            "(run `scheduleflow probe --group G` first)"
        )


def apply_stream_fix(
    store: Store, plan: FixPlan, *, actor: Actor, job_id: str | None = None
) -> list[EditResult]:
    """After one backup: mark the plan's assets unplayable, then apply its programme changes
    channel by channel (each one transaction)."""
    store.require("fix")
    disabling = isinstance(plan, StreamFixPlan) and bool(plan.disabled)
    if disabling:
        store.database.automatic_backup("before-fix unplayable")  # as every fix takes one
    if isinstance(plan, StreamFixPlan) and plan.disabled:
        disable_assets(
            store,
            [(fingerprint, reason) for fingerprint, reason, _ in plan.disabled],
            actor=actor,
            job_id=job_id,
        )
    return [
        apply_changes(
            store,
            fix.channel,
            fix.changes,
            actor=actor,
            action="fix unplayable",
            summary=f"fix unplayable --policy {plan.policy}: {count(len(fix.changes), 'change')}",
            expected_revision=fix.revision,
            job_id=job_id,
            backup=number == 0 and not disabling,
            operation="fix",
        )
        for number, fix in enumerate(plan.channels)
    ]
