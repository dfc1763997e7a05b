"""XML with defusedxml's protections, at the speed of the C parser.

defusedxml's own ``iterparse`` swaps the C tree builder for the pure-Python one so that it
can hook expat; on the 36 MB benchmark guide that costs 3× a bare ``iterparse`` pass. What
defusedxml refuses (with its defaults) is decided entirely in the document's prolog: entity
declarations, parsed or unparsed (billion laughs, XXE, external parameter entities); without
a declaration no entity reference can reach anything outside the document. So
:func:`check_prolog` runs expat over the prolog alone with defusedxml's refusals, and only a
document that passes is handed to the C parser. A DOCTYPE naming an external DTD
(``<!DOCTYPE tv SYSTEM "xmltv.dtd">``) is accepted and never fetched, as defusedxml does.
``tests/formats/test_xml_attacks.py`` runs every attack through both and expects the same.
"""

from __future__ import annotations

import xml.parsers.expat as expat
from typing import NoReturn

from core.errors import ParseError, UnsafeXML
from core.formats.limits import XmlGuard
from core.formats.source import Source

__all__ = ["Prolog", "check_prolog"]


class _RootReached(Exception):
    """The prolog ended: the root element starts here."""


class Prolog:
    """What the prolog declared: encoding, DOCTYPE and the root element's name."""

    def __init__(self) -> None:
        self.encoding: str | None = None
        self.doctype: str | None = None
        self.system_id: str | None = None
        self.root: str | None = None


def _refuse(source: Source, parser: expat.XMLParserType, what: str) -> NoReturn:
    raise UnsafeXML(
        f"declares {what}; ScheduleFlow does not process DTD entities (they can read local "
        "files, reach the network or expand without bound)",
        path=source.name,
        line=parser.CurrentLineNumber,
        column=parser.CurrentColumnNumber + 1,
        hint="remove the DOCTYPE's internal subset and import again",
    )


def check_prolog(source: Source, chunk_size: int = 64 * 1024) -> Prolog:
    """Refuse what defusedxml refuses before the C parser sees the document."""
    prolog = Prolog()
    parser = expat.ParserCreate()

    def on_declaration(version: str, encoding: str | None, standalone: int) -> None:
        prolog.encoding = encoding

    def on_doctype(name: str, system_id: str | None, public_id: str | None, subset: int) -> None:
        prolog.doctype = name
        prolog.system_id = system_id

    def on_entity(name: str, is_parameter: int, *rest: object) -> None:
        kind = "a parameter entity" if is_parameter else "an entity"
        _refuse(source, parser, f"{kind} '{name}'")

    def on_unparsed_entity(name: str, *rest: object) -> None:
        _refuse(source, parser, f"an unparsed entity '{name}'")

    def on_external_reference(*rest: object) -> int:
        _refuse(source, parser, "an external entity reference")

    def on_start(name: str, attributes: object) -> None:
        prolog.root = name
        raise _RootReached

    parser.XmlDeclHandler = on_declaration
    parser.StartDoctypeDeclHandler = on_doctype
    parser.EntityDeclHandler = on_entity
    parser.UnparsedEntityDeclHandler = on_unparsed_entity
    parser.ExternalEntityRefHandler = on_external_reference
    parser.StartElementHandler = on_start
    try:
        with source.open(guard=XmlGuard()) as stream:
            while True:
                chunk = stream.read(chunk_size)
                parser.Parse(chunk, not chunk)
                if not chunk:
                    break
    except _RootReached:
        return prolog
    except LookupError as error:
        raise ParseError(
            f"declares an encoding Python does not know ({error})",
            path=source.name,
            line=1,
            hint='declare encoding="UTF-8" (or the encoding the file really uses)',
        ) from None
    except expat.ExpatError as error:
        raise ParseError(
            f"is not well-formed XML ({expat.ErrorString(error.code)})",
            path=source.name,
            line=error.lineno,
            column=error.offset + 1,
            hint="fix the XML at that place, or ask the guide's provider for a good copy",
        ) from None
    raise ParseError(
        "holds no XML element",
        path=source.name,
        hint="check that this is the guide you meant to import",
    )
