"""Exporting from the store: streamed, written to a temporary file and renamed into place,
or written to an open stream (standard output) as it goes.

Memory stays flat whatever the size: programmes come from the store a window at a time and
go straight to the writer; only an ffplayout export holds its days until all of them are
known to be playable, so that a refused day leaves no files behind. Only an existing
regular file is replaced, and only with ``force`` (see :mod:`core.atomic`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any, TextIO
from zoneinfo import ZoneInfo

from core.atomic import atomic_text_files, output_text
from core.errors import Cancelled, FileProblem, InputError
from core.filenames import path_component
from core.formats import EXPORT_FORMATS, XmltvWriter, write_ffplayout, write_json, write_m3u
from core.models import Asset, Channel, Programme
from core.store.guide_header import guide_header, recorded_namespaces
from core.store.playout import day_items, filler_assets, write_ffplayout_day, write_playlist
from core.store.store import Store

__all__ = ["EXPORT_FORMATS", "ExportResult", "broadcast_days", "export"]


@dataclass
class ExportResult:
    """What an export wrote."""

    format: str
    files: list[Path] = field(default_factory=list)
    channels: int = 0
    programmes: int = 0
    assets: int = 0
    warnings: list[str] = field(default_factory=list)
    should_stop: Callable[[], bool] | None = field(default=None, repr=False, compare=False)

    def to_json(self) -> dict[str, Any]:
        """The ``export --json`` shape (see the README)."""
        return {
            "format": self.format,
            "files": [str(path) for path in self.files],
            "channels": self.channels,
            "programmes": self.programmes,
            "assets": self.assets,
            "warnings": self.warnings,
        }


def _counting(programmes: Iterator[Programme], result: ExportResult) -> Iterator[Programme]:
    should_stop = result.should_stop
    for programme in programmes:
        result.programmes += 1
        if should_stop is not None and result.programmes % 1000 == 0 and should_stop():
            raise Cancelled("the export was stopped; the target file was left as it was")
        yield programme


def _chosen_channels(store: Store, channels: list[str] | None) -> list[Channel]:
    if channels is None:
        return store.channels()
    return [store.channel(channel) for channel in channels]


def _xmltv(
    store: Store,
    target: Path | TextIO,
    channels: list[Channel],
    start: datetime | None,
    stop: datetime | None,
    force: bool,
    keep_unknown: bool,
    result: ExportResult,
) -> None:
    ids = [channel.id for channel in channels]
    keys = [store.channel_key(channel) for channel in ids]
    header = guide_header(store.connection, keys, start, stop)
    with output_text(target, force=force) as out:
        writer = XmltvWriter(out, strict=not keep_unknown)
        writer.start(header, recorded_namespaces(store.connection))
        for channel in channels:
            writer.channel(channel)
        for programme in _counting(store.iter_programmes(ids, start, stop), result):
            writer.programme(programme)
        writer.finish()
    result.channels = writer.channels
    if writer.not_dns_like:
        shown = ", ".join(writer.not_dns_like[:5])
        result.warnings.append(
            f"{len(writer.not_dns_like)} channel ids are not DNS-like ({shown}); "
            "tv_validate_file and some guide consumers reject them"
        )
    if writer.dropped:
        shown = ", ".join(f"{what} ×{count}" for what, count in writer.dropped.most_common(6))
        result.warnings.append(
            f"left out what the XMLTV DTD does not allow: {shown} "
            "(kept in the store; --keep-unknown writes it)"
        )


def _json(
    store: Store,
    target: Path | TextIO,
    channels: list[Channel],
    start: datetime | None,
    stop: datetime | None,
    force: bool,
    with_library: bool,
    result: ExportResult,
) -> None:
    assets: Iterator[Asset] = store.assets() if with_library else iter(())
    with output_text(target, force=force) as out:
        result.channels, result.assets, _ = write_json(
            out,
            channels,
            assets,
            _counting(store.iter_programmes([c.id for c in channels], start, stop), result),
        )


def _lineup(
    store: Store,
    target: Path | TextIO,
    channels: list[Channel],
    force: bool,
    guide_url: str | None,
    result: ExportResult,
) -> None:
    entries: list[Asset] = []
    for channel in channels:
        stream = store.stream_for(channel.id)
        if stream is None and channel.urls:
            stream = channel.urls[0].value
        if stream is None:
            result.warnings.append(
                f"channel '{channel.id}' has no stream URL (import an M3U entry with "
                f'tvg-id="{channel.id}"); left out of the line-up'
            )
            continue
        attrs = [("tvg-id", channel.id), ("tvg-name", channel.name)]
        if channel.icons:
            attrs.append(("tvg-logo", channel.icons[0].src))
        if channel.number:
            attrs.append(("tvg-chno", channel.number))
        quoted = [key for key, value in attrs if '"' in value]
        if quoted:  # M3U has no escape: the writer would end the value there
            result.warnings.append(
                f"channel '{channel.id}': {', '.join(quoted)} held \" (M3U has no escape; "
                "wrote ' instead)"
            )
        title = channel.name.replace('"', "'")
        entries.append(Asset.from_attrs(title, stream, None, tuple(attrs)))
    # players read one or the other (TiviMate and Kodi's IPTV Simple x-tvg-url, others url-tvg)
    header = [("url-tvg", guide_url), ("x-tvg-url", guide_url)] if guide_url else []
    with output_text(target, force=force) as out:
        result.channels = write_m3u(out, entries, header, result.warnings)


def broadcast_days(
    channel: Channel, start: datetime, stop: datetime
) -> list[tuple[date, datetime, datetime]]:
    """The channel's broadcast days that meet ``[start, stop)``: (date, day start, next start).

    Days run from the channel's day start to the next day's, in its time zone, so a DST day
    lasts 23 or 25 hours.
    """
    zone = ZoneInfo(channel.timezone) if channel.timezone else UTC
    local = start.astimezone(zone)
    day = local.date()
    if local.time() < channel.day_start:
        day -= timedelta(days=1)
    days = []
    while True:
        begin = datetime.combine(day, channel.day_start, tzinfo=zone)
        end = datetime.combine(day + timedelta(days=1), channel.day_start, tzinfo=zone)
        if begin >= stop:
            break
        days.append((day, begin.astimezone(UTC), end.astimezone(UTC)))
        day += timedelta(days=1)
    return days


def _ffplayout(
    store: Store,
    target: Path | TextIO,
    channels: list[Channel],
    start: datetime | None,
    stop: datetime | None,
    force: bool,
    filler: str | None,
    result: ExportResult,
) -> None:
    single = not isinstance(target, Path) or target.suffix == ".json"
    if isinstance(target, Path) and not single and not target.parent.is_dir():
        raise FileProblem(
            f"cannot be written: the folder {target.parent} does not exist",
            path=target,
            hint="create it first, or check the path (the day folders inside are made)",
        )
    assets = filler_assets(store, filler)
    # every day is worked out before any file is written: a refused day leaves no files
    planned: list[tuple[Path | TextIO, Channel, date, list[Programme]]] = []
    for channel in channels:
        first, last = store.time_range(channel.id)
        low, high = start or first, stop or last
        if low is None or high is None:
            continue
        days = broadcast_days(channel, low, high)
        if single and (len(channels) > 1 or len(days) > 1):
            one = "one file" if isinstance(target, Path) else "standard output"
            several = (
                f"day playlists for {len(channels)} channels"
                if len(channels) > 1
                else f"{len(days)} day playlists"
            )
            raise InputError(
                f"would write {several} to {one}, which holds one",
                path=target if isinstance(target, Path) else None,
                hint="give a folder to -o, or choose one channel and one day",
            )
        for day, begin, end in days:
            items = day_items(store, channel, begin, end, assets, result.warnings)
            if not items:
                continue
            path: Path | TextIO = target
            if isinstance(target, Path) and not single:
                folder = target if len(channels) == 1 else target / path_component(channel.id)
                path = folder / f"{day:%Y}" / f"{day:%m}" / f"{day}.json"
            planned.append((path, channel, day, items))
        result.channels += 1
    if single or not isinstance(target, Path):  # one day: to one file or standard output
        for path, channel, day, items in planned:
            result.programmes += write_ffplayout_day(path, channel, day, items, force)
            if isinstance(path, Path):
                result.files.append(path)
        return

    # every day of every channel, or none: a file that may not be replaced, a full disk or a
    # failure half-way leaves no channel's days written and another's not
    def writer(channel: Channel, day: date, items: list[Programme]) -> Callable[[TextIO], None]:
        def write(out: TextIO) -> None:
            result.programmes += write_ffplayout(out, channel.name, day, items)

        return write

    files: list[tuple[Path, Callable[[TextIO], object]]] = []
    for path, channel, day, items in planned:
        assert isinstance(path, Path)
        files.append((path, writer(channel, day, items)))
        result.files.append(path)
    atomic_text_files(files, force=force, make_folders=True)


def _playlist(
    store: Store,
    target: Path | TextIO,
    channels: list[Channel],
    start: datetime | None,
    stop: datetime | None,
    force: bool,
    filler: str | None,
    result: ExportResult,
) -> None:
    if len(channels) != 1:
        raise InputError("a playlist plays one channel", hint="add --channel ID")
    channel = channels[0]
    begin = start or datetime.now(UTC)
    end = stop or begin + timedelta(hours=24)
    result.programmes = write_playlist(
        store, target, channel, begin, end, filler_assets(store, filler), force, result.warnings
    )
    result.channels = 1


def export(
    store: Store,
    format: str,
    target: str | Path | TextIO,
    *,
    channels: list[str] | None = None,
    start: datetime | None = None,
    stop: datetime | None = None,
    force: bool = False,
    keep_unknown: bool = False,
    guide_url: str | None = "guide.xml",
    library: bool = False,
    group: str | None = None,
    should_stop: Callable[[], bool] | None = None,
    filler: str | None = None,
) -> ExportResult:
    """Write the chosen channels and time range in ``format`` to ``target``.

    ``m3u`` writes the channel line-up, or with ``library``/``group`` the library's assets;
    ``playlist`` and ``ffplayout`` fill gaps from the ``filler`` group. ``target`` is a
    path, or an open text stream (standard output for ``-o -``) that is written to as the
    export goes and left open; ``ffplayout`` then writes one day of one channel.
    """
    store.require("export")
    if isinstance(target, str):
        target = Path(target)
    result = ExportResult(format=format, should_stop=should_stop)
    chosen = _chosen_channels(store, channels)
    if format == "xmltv":
        _xmltv(store, target, chosen, start, stop, force, keep_unknown, result)
    elif format == "json":
        _json(store, target, chosen, start, stop, force, channels is None, result)
    elif format == "m3u" and (library or group is not None):
        if group is not None:
            store.require_group(group)
        with output_text(target, force=force) as out:
            result.assets = write_m3u(out, store.assets(group), (), result.warnings)
    elif format == "m3u":
        _lineup(store, target, chosen, force, guide_url, result)
    elif format == "ffplayout":
        _ffplayout(store, target, chosen, start, stop, force, filler, result)
        return result
    elif format == "playlist":
        _playlist(store, target, chosen, start, stop, force, filler, result)
    else:
        raise InputError(
            f"'{format}' export is not available here",
            hint=f"choose one of: {', '.join(EXPORT_FORMATS)}",
        )
    if isinstance(target, Path):
        result.files.append(target)
    return result
