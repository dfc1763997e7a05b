"""Modal dialogs: import, export, fix, edit, go-to, filter, confirm, settings, help, plan."""

__all__: list[str] = []
