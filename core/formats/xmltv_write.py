"""Write XMLTV guides, streaming: DTD-valid by default, or lossless on request.

``strict=True`` (the default, what guide consumers need) writes only what ``xmltv.dtd``
allows, in its order; kept elements it does not define are left out and listed in
``dropped`` so the export can say so. ``strict=False`` writes everything that was read,
unknown elements and attributes included, so read → write → read loses nothing.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Literal, TextIO

from core.formats.rawxml import raw_xml_problem
from core.formats.xmlns import KNOWN_NAMESPACES, Namespaces, is_xml_name, stand_in_uri
from core.formats.xmltv_dtd import (
    AT_MOST_ONCE,
    PROGRAMME_ATTRIBUTES,
    TV_ATTRIBUTES,
    order_key,
    prune,
)
from core.models import Channel, Icon, Programme, RawElement, Text
from core.timestamps import format_xmltv_time

__all__ = [
    "XmltvWriter",
    "escape_attribute",
    "escape_text",
    "is_dns_like",
    "stand_in_channels",
    "write_xmltv",
]

_SPECIAL = re.compile(r"[&<>\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_ATTRIBUTE_SPECIAL = re.compile(r"[&<>\"\t\n\r\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_NOT_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_DNS_LIKE = re.compile(r"^[-a-zA-Z0-9]+(\.[-a-zA-Z0-9]+)+$")

# Ranks of the modelled programme children in the DTD's sequence.
_R_TITLE = order_key("title", "programme")
_R_SUB_TITLE = order_key("sub-title", "programme")
_R_DESC = order_key("desc", "programme")
_R_CATEGORY = order_key("category", "programme")
_R_ICON = order_key("icon", "programme")
_R_URL = order_key("url", "programme")
_R_EPISODE = order_key("episode-num", "programme")
_R_RATING = order_key("rating", "programme")
_R_LAST = 10_000
_WRITTEN_FROM_MODEL = frozenset({"start", "stop", "channel"})


def escape_text(value: str) -> str:
    """Element content with XML's special characters escaped and non-XML characters removed."""
    if _SPECIAL.search(value) is None:
        return value
    value = _NOT_XML.sub("", value)
    return value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def escape_attribute(value: str) -> str:
    """An attribute value, quoted characters and whitespace escaped so they survive."""
    if _ATTRIBUTE_SPECIAL.search(value) is None:
        return value
    value = _NOT_XML.sub("", value)
    return (
        value.replace("&", "&amp;")
        .replace("<", "&lt;")
        .replace(">", "&gt;")
        .replace('"', "&quot;")
        .replace("\t", "&#9;")
        .replace("\n", "&#10;")
        .replace("\r", "&#13;")
    )


def is_dns_like(channel_id: str) -> bool:
    """True for ids that ``tv_validate_file`` accepts (``news.example.org``)."""
    return _DNS_LIKE.match(channel_id) is not None


def _texts(tag: str, texts: Iterable[Text]) -> str:
    out = []
    for value, lang in texts:
        if lang is None:
            out.append(f"    <{tag}>{escape_text(value)}</{tag}>\n")
        else:
            out.append(f'    <{tag} lang="{escape_attribute(lang)}">{escape_text(value)}</{tag}>\n')
    return "".join(out)


def _icon(icon: Icon, indent: str = "    ") -> str:
    size = ""
    if icon.width is not None:
        size += f' width="{escape_attribute(icon.width)}"'
    if icon.height is not None:
        size += f' height="{escape_attribute(icon.height)}"'
    return f'{indent}<icon src="{escape_attribute(icon.src)}"{size} />\n'


@dataclass
class XmltvWriter:
    """Streams one XMLTV document: :meth:`start`, channels, programmes, :meth:`finish`."""

    out: TextIO
    strict: bool = True
    dropped: Counter[str] = field(default_factory=Counter)
    not_dns_like: list[str] = field(default_factory=list)
    channels: int = 0
    programmes: int = 0
    _names: Namespaces = field(default_factory=Namespaces, repr=False)
    _on_root: frozenset[str] = frozenset()

    def _attributes(self, pairs: Iterable[tuple[str, str]], element: str, written: set[str]) -> str:
        """Attribute text for ``pairs``: in strict mode what the DTD allows on ``element``;
        losslessly every pair that can be XML, with a declaration for each prefix the
        ``<tv>`` start tag did not declare."""
        allowed = TV_ATTRIBUTES if element == "tv" else PROGRAMME_ATTRIBUTES
        text = ""
        local: dict[str, str] = {}
        for key, value in pairs:
            if not self.strict:
                key = self._names.qualify(key)  # old stores kept ElementTree's {uri}name
            if key in written:
                # start, stop and channel come from the model; an attribute twice is not XML
                continue
            written.add(key)
            if self.strict and key not in allowed:
                self.dropped[f"{element}/@{key}"] += 1
                continue
            if not is_xml_name(key):
                self.dropped[f"{element} attributes whose names are not XML names"] += 1
                continue
            prefix, colon, _ = key.partition(":")
            if colon and prefix != "xml" and prefix not in self._on_root:
                local[prefix] = self._names.uris.get(prefix) or stand_in_uri(prefix)
            text += f' {key}="{escape_attribute(value)}"'
        for prefix, uri in sorted(local.items()):
            text += f' xmlns:{prefix}="{escape_attribute(uri)}"'
        return text

    def start(
        self,
        header: Iterable[tuple[str, str]] = (),
        namespaces: Mapping[str, str] = KNOWN_NAMESPACES,
    ) -> None:
        """Write the prolog and the ``<tv>`` start tag with the document's attributes.

        ``namespaces`` (prefix → URI) are declared on ``<tv>`` in lossless mode, so kept
        attributes such as ``ffplayout:in`` stay well-formed XML.
        """
        declarations = ""
        on_root: set[str] = set()
        if not self.strict:
            for prefix, uri in {**KNOWN_NAMESPACES, **namespaces}.items():
                if is_xml_name(prefix) and ":" not in prefix:
                    self._names.declare(prefix, uri)
                    declarations += f' xmlns:{prefix}="{escape_attribute(uri)}"'
                    on_root.add(prefix)
            self._on_root = frozenset(on_root)
        attributes = self._attributes(header, "tv", set()) + declarations
        self.out.write(
            '<?xml version="1.0" encoding="UTF-8"?>\n'
            '<!DOCTYPE tv SYSTEM "xmltv.dtd">\n'
            f"<tv{attributes}>\n"
        )

    def _extra(self, raw: RawElement, parent: Literal["programme", "channel"] = "programme") -> str:
        if raw_xml_problem(raw.tag, raw.xml) is not None:  # a store written by an older version
            self.dropped[f"kept <{parent}> children that are not one well-formed element"] += 1
            return ""
        if not self.strict:
            return f"    {raw.xml}\n"
        found: set[str] = set()
        valid = prune(raw.xml, found, parent)
        for what in found:
            self.dropped[what] += 1
        return f"    {valid}\n" if valid is not None else ""

    def _extras_until(
        self, extras: list[RawElement], index: int, rank: int, out: list[str], once: set[str]
    ) -> int:
        while index < len(extras) and order_key(extras[index].tag, "programme") <= rank:
            raw = extras[index]
            index += 1
            if self.strict and raw.tag in AT_MOST_ONCE:
                # The DTD allows one <date>, <credits>, <video>… per programme: the first stays.
                if raw.tag in once:
                    self.dropped[f"repeated <{raw.tag}> inside <programme>"] += 1
                    continue
                once.add(raw.tag)
            out.append(self._extra(raw))
        return index

    def channel(self, channel: Channel) -> None:
        """Write one ``<channel>`` element."""
        if not is_dns_like(channel.id) and len(self.not_dns_like) < 100:
            self.not_dns_like.append(channel.id)
        out = [f'  <channel id="{escape_attribute(channel.id)}">\n']
        names = channel.display_names
        if not names and self.strict:
            self.dropped["channels without a display name (their id was written)"] += 1
            names = (Text(channel.id),)
        out.append(_texts("display-name", names))
        extras = sorted(channel.extras, key=lambda raw: order_key(raw.tag, "channel"))
        index = 0
        while index < len(extras) and order_key(extras[index].tag, "channel") <= 0:
            out.append(self._extra(extras[index], "channel"))
            index += 1
        out.extend(_icon(icon) for icon in channel.icons)
        while index < len(extras) and order_key(extras[index].tag, "channel") <= 1:
            out.append(self._extra(extras[index], "channel"))
            index += 1
        for value, system in channel.urls:
            system_text = f' system="{escape_attribute(system)}"' if system is not None else ""
            out.append(f"    <url{system_text}>{escape_text(value)}</url>\n")
        out.extend(self._extra(raw, "channel") for raw in extras[index:])
        if channel.number is not None:
            if self.strict:
                self.dropped["<lcn> (channel number)"] += 1
            else:
                out.append(f"    <lcn>{escape_text(channel.number)}</lcn>\n")
        out.append("  </channel>\n")
        self.out.write("".join(out))
        self.channels += 1

    def programme(self, programme: Programme) -> None:
        """Write one ``<programme>`` element, children in the DTD's order."""
        stop = f' stop="{format_xmltv_time(programme.stop)}"' if programme.stop is not None else ""
        attributes = (
            self._attributes(programme.attrs, "programme", set(_WRITTEN_FROM_MODEL))
            if programme.attrs
            else ""
        )
        out = [
            f'  <programme start="{format_xmltv_time(programme.start)}"{stop} '
            f'channel="{escape_attribute(programme.channel)}"{attributes}>\n'
        ]
        extras = list(programme.extras)
        if len(extras) > 1:
            extras.sort(key=lambda raw: order_key(raw.tag, "programme"))
        index = 0
        once: set[str] = set()
        titles = programme.titles
        if not titles and self.strict and not any(raw.tag == "title" for raw in extras):
            self.dropped["programmes without a title (an empty title was written)"] += 1
            titles = (Text(""),)
        out.append(_texts("title", titles))
        if extras:
            index = self._extras_until(extras, index, _R_TITLE, out, once)
        if programme.sub_titles:
            out.append(_texts("sub-title", programme.sub_titles))
        if extras:
            index = self._extras_until(extras, index, _R_SUB_TITLE, out, once)
        if programme.descs:
            out.append(_texts("desc", programme.descs))
        if extras:
            index = self._extras_until(extras, index, _R_CATEGORY - 1, out, once)
        if programme.categories:
            out.append(_texts("category", programme.categories))
        if extras:
            index = self._extras_until(extras, index, _R_ICON - 1, out, once)
        out.extend(_icon(icon) for icon in programme.icons)
        if extras:
            index = self._extras_until(extras, index, _R_ICON, out, once)
        if programme.locator is not None:
            out.append(f'    <url system="video">{escape_text(programme.locator)}</url>\n')
        if extras:
            index = self._extras_until(extras, index, _R_EPISODE - 1, out, once)
        for value, system in programme.episode_nums:
            out.append(
                f'    <episode-num system="{escape_attribute(system)}">'
                f"{escape_text(value)}</episode-num>\n"
            )
        if extras:
            index = self._extras_until(extras, index, _R_RATING - 1, out, once)
        for rating in programme.ratings:
            system_text = (
                f' system="{escape_attribute(rating.system)}"' if rating.system is not None else ""
            )
            icons = "".join(_icon(icon, "      ") for icon in rating.icons)
            out.append(
                f"    <rating{system_text}>\n      <value>{escape_text(rating.value)}</value>\n"
                f"{icons}    </rating>\n"
            )
        if extras:
            self._extras_until(extras, index, _R_LAST, out, once)
        out.append("  </programme>\n")
        self.out.write("".join(out))
        self.programmes += 1

    def finish(self, extras: Iterable[RawElement] = ()) -> None:
        """Write the document's other top-level elements (lossless mode only) and close it."""
        for raw in extras:
            if self.strict:
                self.dropped[f"<{raw.tag}>"] += 1
            else:
                self.out.write(f"  {raw.xml}\n")
        self.out.write("</tv>\n")


def stand_in_channels(declared: Iterable[str], used: Iterable[str]) -> list[Channel]:
    """Channels for ids that programmes use but nothing declares (display name = the id).

    ``tv_validate_file`` and many guide consumers want a ``<channel>`` for every programme's
    channel; the store keeps undeclared channels as such, and an export declares them.
    """
    known = set(declared)
    return [
        Channel(id=channel_id, display_names=(Text(channel_id),))
        for channel_id in used
        if channel_id not in known
    ]


def write_xmltv(
    out: TextIO,
    channels: Iterable[Channel],
    programmes: Iterable[Programme],
    *,
    strict: bool = True,
    header: Iterable[tuple[str, str]] = (),
    extras: Iterable[RawElement] = (),
    namespaces: Mapping[str, str] = KNOWN_NAMESPACES,
) -> XmltvWriter:
    """Write a whole guide; the returned writer holds the counts and what was dropped."""
    writer = XmltvWriter(out, strict=strict)
    writer.start(header, namespaces)
    for channel in channels:
        writer.channel(channel)
    for programme in programmes:
        writer.programme(programme)
    writer.finish(extras)
    return writer
