"""The schedule store: one SQLite database as the single source of truth.

No SQL lives outside this package. :class:`Store` answers queries; :func:`import_file` and
:func:`export` move files in and out, each change in one transaction.
"""

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
