"""Package attributes imported on first use (PEP 562), so a command loads only what it runs.

Every ``scheduleflow`` command starts a new interpreter, and scripts call it thousands of
times: importing the rules, the store and every format for an ``inspect`` cost four times
Python's own start. The packages still name their public API in ``__all__`` (and import it
under ``TYPE_CHECKING`` for the type checker); the modules behind it load when first asked.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Mapping
from typing import Any

__all__ = ["lazy_attributes"]


def lazy_attributes(package: str, where: Mapping[str, str]) -> Callable[[str], Any]:
    """A module ``__getattr__`` that imports ``name`` from the submodule ``where`` names."""
    namespace = importlib.import_module(package).__dict__

    def __getattr__(name: str) -> Any:
        module = where.get(name)
        if module is None:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        value = getattr(importlib.import_module(f"{package}.{module}"), name)
        namespace[name] = value  # the next lookup is a plain attribute
        return value

    return __getattr__
