"""The HTTP API (``scheduleflow serve``): a third front door on the same core, engine and jobs.

Imports no Textual: the command line loads it only for ``serve``. The modules: ``app``
(routes and the front every request passes), ``routes`` (the endpoints), ``state`` (the
running service: keys, limits, callers), ``params`` (query parameters), ``uploads``,
``exports``, ``players`` (guide and line-up), ``metrics``, ``openapi``, ``errors`` and
``server`` (uvicorn, signals, presence file).
"""

from tui.service.server import serve

__all__ = ["serve"]
