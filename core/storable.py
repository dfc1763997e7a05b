"""Text SQLite and a UTF-8 log can hold, made from text that may not be.

A file name that is not UTF-8 reaches Python with its bytes as lone surrogates
(``surrogateescape``: ``bad\\xff.xml`` is ``'bad\\udcff.xml'``), and JSON can carry one
(``"\\ud800"``). Neither can be encoded as UTF-8, so the job history and the audit trail
would fail to record the job that named it. Each lone surrogate is stored as U+FFFD (�):
visible, never a control, and escaped nowhere, so the output edge shows it once as it is.
"""

from __future__ import annotations

import re
from typing import Any

__all__ = ["storable"]

_SURROGATE = re.compile("[\ud800-\udfff]")


def storable(value: Any) -> Any:
    """``value`` with every lone surrogate in its strings (also inside lists and dicts)
    replaced by U+FFFD; anything else as it is."""
    if isinstance(value, str):
        return _SURROGATE.sub("\ufffd", value) if not value.isascii() else value
    if isinstance(value, dict):
        return {storable(key): storable(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return type(value)(storable(item) for item in value)
    return value
