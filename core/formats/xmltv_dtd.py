"""What the XMLTV DTD allows, as data, and the pruning that makes kept elements valid.

The reader keeps elements it does not model verbatim; a DTD-valid export must then drop
what the DTD does not define (``<lcn>``, ``x-…`` elements, unknown attributes) and put the
rest in the DTD's order. This table mirrors ``xmltv.dtd`` (the corpus copy is the reference;
``tests/formats/test_xmltv_dtd.py`` checks the two agree).
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from typing import Literal

from defusedxml.ElementTree import fromstring

__all__ = [
    "AT_MOST_ONCE",
    "CHANNEL_ORDER",
    "PROGRAMME_ATTRIBUTES",
    "PROGRAMME_ORDER",
    "SPECS",
    "TV_ATTRIBUTES",
    "ElementSpec",
    "allowed_in",
    "is_dtd_element",
    "order_key",
    "prune",
]

Occurs = Literal["1", "?", "*", "+"]


@dataclass(frozen=True)
class ElementSpec:
    """One element of the DTD: its attributes and content model."""

    attributes: dict[str, frozenset[str] | None] = field(default_factory=dict)
    required: frozenset[str] = frozenset()
    content: Literal["empty", "text", "sequence", "mixed"] = "text"
    children: tuple[tuple[str, Occurs], ...] = ()


def _lang() -> dict[str, frozenset[str] | None]:
    return {"lang": None}


_PERSON = ElementSpec(content="mixed", children=(("image", "*"), ("url", "*")))

PROGRAMME_ORDER: tuple[tuple[str, Occurs], ...] = (
    ("title", "+"),
    ("sub-title", "*"),
    ("desc", "*"),
    ("credits", "?"),
    ("date", "?"),
    ("category", "*"),
    ("keyword", "*"),
    ("language", "?"),
    ("orig-language", "?"),
    ("length", "?"),
    ("icon", "*"),
    ("url", "*"),
    ("country", "*"),
    ("episode-num", "*"),
    ("video", "?"),
    ("audio", "?"),
    ("previously-shown", "?"),
    ("premiere", "?"),
    ("last-chance", "?"),
    ("new", "?"),
    ("subtitles", "*"),
    ("rating", "*"),
    ("star-rating", "*"),
    ("review", "*"),
    ("image", "*"),
)
CHANNEL_ORDER: tuple[tuple[str, Occurs], ...] = (("display-name", "+"), ("icon", "*"), ("url", "*"))
# What a programme may hold once at most: a second kept one cannot be written DTD-valid.
AT_MOST_ONCE = frozenset(name for name, occurs in PROGRAMME_ORDER if occurs == "?")
PROGRAMME_ATTRIBUTES = frozenset(
    ["start", "stop", "pdc-start", "vps-start", "showview", "videoplus", "channel", "clumpidx"]
)
TV_ATTRIBUTES = frozenset(
    [
        "date",
        "source-info-url",
        "source-info-name",
        "source-data-url",
        "generator-info-name",
        "generator-info-url",
    ]
)

SPECS: dict[str, ElementSpec] = {
    "display-name": ElementSpec(_lang()),
    "icon": ElementSpec({"src": None, "width": None, "height": None}, frozenset({"src"}), "empty"),
    "url": ElementSpec({"system": None}),
    "title": ElementSpec(_lang()),
    "sub-title": ElementSpec(_lang()),
    "desc": ElementSpec(_lang()),
    "credits": ElementSpec(
        content="sequence",
        children=tuple(
            (name, "*")
            for name in (
                [
                    "director",
                    "actor",
                    "writer",
                    "adapter",
                    "producer",
                    "composer",
                    "editor",
                    "presenter",
                    "commentator",
                    "guest",
                ]
            )
        ),
    ),
    "director": _PERSON,
    "actor": ElementSpec(
        {"role": None, "guest": frozenset({"yes", "no"})},
        content="mixed",
        children=(("image", "*"), ("url", "*")),
    ),
    **{
        name: _PERSON
        for name in [
            "writer",
            "adapter",
            "producer",
            "composer",
            "editor",
            "presenter",
            "commentator",
            "guest",
        ]
    },
    "date": ElementSpec(),
    "category": ElementSpec(_lang()),
    "keyword": ElementSpec(_lang()),
    "language": ElementSpec(_lang()),
    "orig-language": ElementSpec(_lang()),
    "length": ElementSpec(
        {"units": frozenset({"seconds", "minutes", "hours"})}, frozenset({"units"})
    ),
    "country": ElementSpec(_lang()),
    "episode-num": ElementSpec({"system": None}),
    "video": ElementSpec(
        content="sequence",
        children=(("present", "?"), ("colour", "?"), ("aspect", "?"), ("quality", "?")),
    ),
    "present": ElementSpec(),
    "colour": ElementSpec(),
    "aspect": ElementSpec(),
    "quality": ElementSpec(),
    "audio": ElementSpec(content="sequence", children=(("present", "?"), ("stereo", "?"))),
    "stereo": ElementSpec(),
    "previously-shown": ElementSpec({"start": None, "channel": None}, content="empty"),
    "premiere": ElementSpec(_lang()),
    "last-chance": ElementSpec(_lang()),
    "new": ElementSpec(content="empty"),
    "subtitles": ElementSpec(
        {"type": frozenset({"teletext", "onscreen", "deaf-signed"})},
        content="sequence",
        children=(("language", "?"),),
    ),
    "rating": ElementSpec(
        {"system": None}, content="sequence", children=(("value", "1"), ("icon", "*"))
    ),
    "value": ElementSpec(),
    "star-rating": ElementSpec(
        {"system": None}, content="sequence", children=(("value", "1"), ("icon", "*"))
    ),
    "review": ElementSpec(
        {
            "type": frozenset({"text", "url"}),
            "source": None,
            "reviewer": None,
            "lang": None,
        },
        frozenset({"type"}),
    ),
    "image": ElementSpec(
        {
            "type": frozenset({"poster", "backdrop", "still", "person", "character"}),
            "size": frozenset({"1", "2", "3"}),
            "orient": frozenset({"P", "L"}),
            "system": None,
        }
    ),
}

_PROGRAMME_RANK = {name: rank for rank, (name, _) in enumerate(PROGRAMME_ORDER)}
_CHANNEL_RANK = {name: rank for rank, (name, _) in enumerate(CHANNEL_ORDER)}


def is_dtd_element(tag: str) -> bool:
    """True when the DTD defines an element of this name."""
    return tag in SPECS


def order_key(tag: str, parent: Literal["programme", "channel"]) -> int:
    """The rank of a child in its parent's DTD sequence; unknown elements sort last."""
    ranks = _PROGRAMME_RANK if parent == "programme" else _CHANNEL_RANK
    return ranks.get(tag, len(ranks))


def _prune_element(element: ET.Element, dropped: set[str]) -> bool:
    """Make ``element`` DTD-valid in place; False when it cannot be and must go."""
    spec = SPECS.get(element.tag)
    if spec is None:
        dropped.add(f"<{element.tag}>")
        return False
    for name in list(element.attrib):
        allowed = spec.attributes.get(name, ...)
        if allowed is ... or (allowed is not None and element.attrib[name] not in allowed):
            dropped.add(f"{element.tag}/@{name}")
            del element.attrib[name]
    if not spec.required <= element.attrib.keys():
        dropped.add(f"<{element.tag}> without {', '.join(sorted(spec.required))}")
        return False
    children = list(element)
    if spec.content in ("empty", "text"):
        if spec.content == "empty":
            element.text = None
        for child in children:
            dropped.add(f"<{child.tag}> inside <{element.tag}>")
            if spec.content == "text" and child.tail:
                element.text = (element.text or "") + child.tail
            element.remove(child)
        return True
    allowed_children = dict(spec.children)
    kept: list[ET.Element] = []
    for child in children:
        element.remove(child)
        if child.tag not in allowed_children:
            dropped.add(f"<{child.tag}> inside <{element.tag}>")
            if spec.content == "mixed" and child.tail:
                element.text = (element.text or "") + child.tail
            continue
        if _prune_element(child, dropped):
            kept.append(child)
    if spec.content == "sequence":
        # Element-only content: text between the children is not allowed either.
        if element.text and element.text.strip():
            dropped.add(f"text inside <{element.tag}>")
            element.text = None
        for child in kept:
            if child.tail and child.tail.strip():
                dropped.add(f"text inside <{element.tag}>")
                child.tail = None
        rank = {name: index for index, (name, _) in enumerate(spec.children)}
        kept.sort(key=lambda child: rank[child.tag])
        result: list[ET.Element] = []
        for name, occurs in spec.children:
            same = [child for child in kept if child.tag == name]
            if occurs in ("1", "+") and not same:
                dropped.add(f"<{element.tag}> without <{name}>")
                return False
            if occurs in ("1", "?") and len(same) > 1:
                dropped.add(f"repeated <{name}> inside <{element.tag}>")
                same = same[:1]
            result.extend(same)
        kept = result
    for child in kept:
        element.append(child)
    return True


def allowed_in(tag: str, parent: Literal["programme", "channel"]) -> bool:
    """True when the DTD lets ``<tag>`` stand directly inside ``<parent>``.

    ``<desc>`` is a DTD element, but not a channel's: being defined somewhere is not enough.
    """
    ranks = _PROGRAMME_RANK if parent == "programme" else _CHANNEL_RANK
    return tag in ranks


def prune(
    xml: str, dropped: set[str], parent: Literal["programme", "channel"] = "programme"
) -> str | None:
    """The DTD-valid form of one kept child of ``parent``, or None when nothing valid is left.

    What had to go is added to ``dropped`` (``<lcn>``, ``programme/@x-foo``…) so the export
    can say so.
    """
    element = fromstring(xml)
    element.tail = None
    if is_dtd_element(element.tag) and not allowed_in(element.tag, parent):
        dropped.add(f"<{element.tag}> inside <{parent}>")
        return None
    if not _prune_element(element, dropped):
        return None
    return ET.tostring(element, encoding="unicode")
