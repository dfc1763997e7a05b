"""``serve`` and ``keys``: the HTTP API and its keys."""

from __future__ import annotations

from core.apikeys import add_key, list_keys, revoke_key
from core.roles import Role, require
from tui.commands.context import Context

__all__ = ["run_keys", "run_serve"]


def run_serve(context: Context) -> int:
    """Serve the HTTP API until SIGTERM or SIGINT (then jobs are cancelled, rolled back)."""
    from tui.service import serve  # the web stack is loaded for this command only

    engine = context.engine
    serve(engine, context.args.host, context.args.port, announce=context.warn)
    return 0


def run_keys(context: Context) -> int:
    """``keys add NAME --role R`` (the key is printed once), ``keys list``, ``keys revoke``."""
    args = context.args
    require(context.role, "keys")  # before the store is opened: a refusal is one line
    store = context.engine.store
    if args.action == "add":
        if not args.name or not args.role:
            from core.errors import InputError

            raise InputError("keys add needs NAME and --role", hint="keys add ci --role operator")
        key = add_key(store, args.name, Role[args.role.upper()], actor=context.actor)
        context.say(key)
        context.warn(
            f"made key '{args.name}' ({args.role}); it is shown this once — only its hash is kept"
        )
        return 0
    if args.action == "revoke":
        if not args.name:
            from core.errors import InputError

            raise InputError("keys revoke needs NAME", hint="scheduleflow keys list shows them")
        revoke_key(store, args.name, actor=context.actor)
        context.say(f"revoked key '{args.name}'")
        return 0
    listed = list_keys(store)
    if args.json:
        context.print_json([entry.to_json() for entry in listed])
        return 0
    if not listed:
        context.say("no API keys (scheduleflow keys add NAME --role R makes one)")
    for entry in listed:
        used = (
            f"last used {entry.last_used:%Y-%m-%d %H:%M} UTC" if entry.last_used else "never used"
        )
        context.say(
            f"{entry.name:24} {entry.role!s:9} made {entry.created:%Y-%m-%d %H:%M} UTC "
            f"by {entry.created_by}, {used}"
        )
    return 0
