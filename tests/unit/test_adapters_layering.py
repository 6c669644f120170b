"""The adapters depend on the API's public contract only, so they can be split out into their own service:
request shapes and the command runner (`api.deps`, `api.schemas`, `api.errors`), commands and refusals, never
the event store, the ledger's internals or a database driver."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
FORBIDDEN = ("eventsourcing", "psycopg", "psycopg_pool", "sqlite3", "loyalty_core.ledger", "loyalty_core.service",
             "loyalty_core.member", "loyalty_core.decide", "loyalty_core.events", "projections", "faces")
#: The versioned migrations runner is shared infrastructure every component with tables uses (the adapters'
#: own tables included); it knows nothing of the ledger, so a split-out adapter service would carry it along.
MIGRATIONS = ("projections.schema", "projections.schema_runner")


def _imports(path: Path) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


def test_adapters_import_nothing_behind_the_api_contract() -> None:
    modules = sorted((ROOT / "adapters").rglob("*.py"))
    assert len(modules) >= 7
    offenders = {path.name: sorted(name for name in _imports(path)
                                   if name not in MIGRATIONS
                                   and any(name == bad or name.startswith(bad + ".") for bad in FORBIDDEN))
                 for path in modules}
    assert {name: bad for name, bad in offenders.items() if bad} == {}


def test_nothing_outside_the_app_wiring_and_the_cli_imports_the_adapters() -> None:
    users = {path.relative_to(ROOT).as_posix() for folder in ("api", "loyalty_core", "projections", "messaging")
             for path in (ROOT / folder).rglob("*.py") if any(n.startswith("adapters") for n in _imports(path))}
    assert users <= {"api/main.py"}
