"""The schedule store: one SQLite database as the single source of truth.

No SQL lives outside this package. :class:`Store` answers queries; :func:`import_file` and
:func:`export` move files in and out, each change in one transaction. The names below load
on first use (:mod:`core.lazy`).
"""

from typing import TYPE_CHECKING

from core.lazy import lazy_attributes

if TYPE_CHECKING:
    from core.store.database import Database
    from core.store.exporter import EXPORT_FORMATS, ExportResult, export
    from core.store.importer import ImportResult, import_file
    from core.store.store import ChannelSummary, Cursor, Page, Store
    from core.store.views import ORDERS, ProgrammeView, build_view

__all__ = [
    "EXPORT_FORMATS",
    "ORDERS",
    "ChannelSummary",
    "Cursor",
    "Database",
    "ExportResult",
    "ImportResult",
    "Page",
    "ProgrammeView",
    "Store",
    "build_view",
    "export",
    "import_file",
]

__getattr__ = lazy_attributes(
    __name__,
    {
        "Database": "database",
        "EXPORT_FORMATS": "exporter",
        "ExportResult": "exporter",
        "export": "exporter",
        "ImportResult": "importer",
        "import_file": "importer",
        "ChannelSummary": "store",
        "Cursor": "store",
        "Page": "store",
        "Store": "store",
        "ORDERS": "views",
        "ProgrammeView": "views",
        "build_view": "views",
    },
)
