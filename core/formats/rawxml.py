"""Kept XML (``extras``) from a file other than a guide: one safe element or nothing.

An XMLTV guide's kept elements come out of the parser, so they are well-formed by
construction. A ``scheduleflow/1`` document carries them as strings, and the XMLTV export
writes them into the guide as they are: a string that closes the ``<programme>`` and opens
another injects a programme, and one the DTD pruning cannot parse stops the export. So each
string is checked where it is read, and again where it is written (a store filled by an older
version may hold one): exactly one element named ``tag``, well-formed, with no DOCTYPE,
entity, XML declaration or anything outside the element.
"""

from __future__ import annotations

import xml.parsers.expat as expat

from core.formats.limits import MAX_DEPTH  # the DTD pruning walks elements recursively

__all__ = ["raw_xml_problem"]


class _Refused(Exception):
    """The string holds something a kept element may not."""


def raw_xml_problem(tag: str, xml: str) -> str | None:
    """Why ``xml`` cannot be kept as the element ``<tag>``, or None when it can."""
    parser = expat.ParserCreate()
    depth = 0
    roots: list[str] = []

    def refuse(what: str) -> None:
        raise _Refused(what)

    def start(name: str, attributes: object) -> None:
        nonlocal depth
        if depth == 0:
            roots.append(name)
        depth += 1
        if depth > MAX_DEPTH:
            refuse(f"nests deeper than {MAX_DEPTH} elements")

    def end(name: str) -> None:
        nonlocal depth
        depth -= 1

    def outside(*_: object) -> None:
        if depth == 0:
            refuse("has a comment or processing instruction outside the element")

    parser.StartElementHandler = start
    parser.EndElementHandler = end
    parser.CommentHandler = outside
    parser.ProcessingInstructionHandler = outside
    parser.XmlDeclHandler = lambda *_: refuse("has an XML declaration")
    parser.StartDoctypeDeclHandler = lambda *_: refuse("has a DOCTYPE")
    parser.EntityDeclHandler = lambda *_: refuse("declares an entity")
    try:
        parser.Parse(xml, True)
    except _Refused as refused:
        return str(refused)
    except expat.ExpatError as error:
        return f"is not one well-formed element ({expat.ErrorString(error.code)})"
    if roots != [tag]:
        return f"is not one <{tag}> element"
    return None
