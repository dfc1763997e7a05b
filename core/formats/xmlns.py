"""XML namespaces in kept parts: the source's prefixes in the store, declared again on export.

ElementTree names a namespaced element or attribute ``{uri}local``; written back like that
it is not XML. So the reader turns such names into the source's own ``prefix:local`` (what
the store keeps, what ffplayout's ``ffplayout:in`` already is) and remembers which URI each
prefix stood for; a kept element carries its own ``xmlns:prefix`` declarations so it stays
well-formed wherever it is written. The lossless export declares every prefix it knows on
``<tv>``, and one nobody recorded on the element that uses it, with a stand-in URI.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
import xml.parsers.expat as expat
from collections.abc import Mapping
from functools import lru_cache

__all__ = [
    "FFPLAYOUT_NAMESPACE",
    "KNOWN_NAMESPACES",
    "Namespaces",
    "is_xml_name",
    "stand_in_uri",
]

XML_NAMESPACE = "http://www.w3.org/XML/1998/namespace"
FFPLAYOUT_NAMESPACE = "https://github.com/ffplayout/ffplayout"
KNOWN_NAMESPACES: Mapping[str, str] = {"ffplayout": FFPLAYOUT_NAMESPACE}
"""Prefixes ScheduleFlow itself writes into ``attrs`` (the ffplayout reader's keys)."""


@lru_cache(maxsize=4096)
def is_xml_name(name: str) -> bool:
    """True when ``name`` can be written as an attribute name and read back as the same.

    Expat (the reader's parser) decides: it is stricter than libxml2 about which characters
    a name may hold, and what it accepts, xmllint accepts too. One colon at most, and never
    a namespace declaration (those are written from the recorded prefixes).
    """
    if name.count(":") > 1 or name.lower().startswith("xmlns") or name.startswith(":"):
        return False
    seen: list[dict[str, str]] = []
    parser = expat.ParserCreate()
    parser.StartElementHandler = lambda tag, attributes: seen.append(attributes)
    try:
        parser.Parse(f'<a {name}=""/>', True)
    except expat.ExpatError:
        return False
    return seen == [{name: ""}] and not name.endswith(":")


def stand_in_uri(prefix: str) -> str:
    """The URI declared for a prefix whose source URI nobody recorded."""
    return f"urn:scheduleflow:undeclared:{prefix}"


class Namespaces:
    """The prefixes a document declared, and the qualified names they give."""

    def __init__(self) -> None:
        self.uris: dict[str, str] = {}
        self._prefixes: dict[str, str] = {XML_NAMESPACE: "xml"}

    def __bool__(self) -> bool:
        return bool(self.uris)

    def declare(self, prefix: str, uri: str) -> None:
        """Record ``xmlns:prefix="uri"``; a prefix taken by another URI gets a number."""
        if uri in self._prefixes:
            return
        base = prefix or "ns"
        name, number = base, 0
        while name in self.uris:
            number += 1
            name = f"{base}{number}"
        self.uris[name] = uri
        self._prefixes[uri] = name

    def qualify(self, name: str) -> str:
        """``prefix:local`` for ElementTree's ``{uri}local``; other names unchanged."""
        if not name.startswith("{"):
            return name
        uri, _, local = name[1:].partition("}")
        if uri not in self._prefixes:
            self.declare("ns", uri)
        return f"{self._prefixes[uri]}:{local}"

    def qualify_tree(self, element: ET.Element) -> None:
        """Rename a kept element's namespaced names and declare their prefixes on it."""
        used: dict[str, str] = {}
        for node in element.iter():
            if isinstance(node.tag, str) and node.tag.startswith("{"):
                node.tag = self.qualify(node.tag)
                self._use(node.tag, used)
            if any(key.startswith("{") for key in node.attrib):
                attributes = {self.qualify(key): value for key, value in node.attrib.items()}
                node.attrib.clear()
                node.attrib.update(attributes)
                for key in attributes:
                    self._use(key, used)
        for prefix, uri in sorted(used.items()):
            element.set(f"xmlns:{prefix}", uri)

    def _use(self, name: str, used: dict[str, str]) -> None:
        prefix, colon, _ = name.partition(":")
        if colon and prefix in self.uris:
            used[prefix] = self.uris[prefix]
