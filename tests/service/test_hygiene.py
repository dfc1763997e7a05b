"""The service loads no Textual; the core loads no web framework; OpenAPI covers every route."""

from __future__ import annotations

import json
import pkgutil
import subprocess
import sys
from pathlib import Path

import core
import tui.service
from tests.conftest import ROOT

_WEB = ("starlette", "uvicorn", "fastapi", "limits", "prometheus_client", "python_multipart")


def _loaded(modules: list[str], roots: tuple[str, ...]) -> str:
    script = (
        "import importlib, sys\n"
        f"for name in {modules!r}:\n"
        "    importlib.import_module(name)\n"
        f"print(','.join(sorted(m for m in sys.modules if m.split('.')[0] in {roots!r})))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, cwd=ROOT, check=True
    )
    return result.stdout.strip()


def test_the_service_loads_no_textual_or_rich() -> None:
    modules = [info.name for info in pkgutil.walk_packages(tui.service.__path__, "tui.service.")]
    assert len(modules) >= 8
    assert _loaded(["tui.cli", "tui.commands.service", *modules], ("textual", "rich")) == ""


def test_the_core_loads_no_web_framework() -> None:
    modules = [info.name for info in pkgutil.walk_packages(core.__path__, "core.")]
    assert _loaded(modules, _WEB) == ""


def test_the_command_line_loads_the_web_stack_only_to_serve() -> None:
    assert _loaded(["tui.cli", "tui.commands.service"], _WEB) == ""


def test_openapi_describes_every_route_and_only_routes(tmp_path: Path) -> None:
    from starlette.routing import Route

    from tui.service.app import build_app
    from tui.service.openapi import openapi_document

    class _Queue:
        def subscribe(self, listener: object) -> None:
            return None

    class _Engine:
        queue = _Queue()

    class _Service:
        engine = _Engine()
        settings = core.config.ServiceSettings()

    front = build_app(_Service(), tmp_path)  # type: ignore[arg-type]
    routes = {
        (route.path, method.lower())
        for route in front.app.routes  # type: ignore[attr-defined]
        if isinstance(route, Route)
        for method in route.methods or ()
        if method != "HEAD"
    }
    document = json.loads(json.dumps(openapi_document()))  # valid JSON, as served
    described = {(path, method) for path, item in document["paths"].items() for method in item}
    assert routes == described
    for item in document["paths"].values():
        for operation in item.values():
            assert operation["summary"] and "responses" in operation


def test_the_upload_limit_is_the_network_limit_of_the_readers() -> None:
    from core.config import ServiceSettings
    from core.formats.limits import NETWORK_LIMIT

    assert int(ServiceSettings().max_upload_mb * 1024 * 1024) == NETWORK_LIMIT
