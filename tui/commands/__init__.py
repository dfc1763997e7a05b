"""Handlers of the headless commands, one module per family; each returns an exit status."""

__all__: list[str] = []
