"""Layering, checked: the domain stays pure and only the store knows the event-store library."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
WEB_OR_DB = {"fastapi", "starlette", "pydantic", "psycopg", "psycopg_pool", "sqlite3", "uvicorn", "httpx"}


def imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module.split(".")[0])
    return names


def core_modules() -> list[Path]:
    return sorted((ROOT / "loyalty_core").rglob("*.py"))


def test_only_the_store_and_its_sealing_recorders_import_the_event_store_library():
    importers = {p.relative_to(ROOT).as_posix() for p in core_modules() if "eventsourcing" in imported_modules(p)}
    assert importers == {"loyalty_core/ledger.py", "loyalty_core/sealing.py", "loyalty_core/fast_recorder.py"}


def test_the_domain_imports_no_web_or_database_framework():
    offenders = {p.relative_to(ROOT).as_posix(): sorted(imported_modules(p) & WEB_OR_DB) for p in core_modules()}
    assert {k: v for k, v in offenders.items() if v} == {}


def test_the_program_and_rules_engine_import_only_the_standard_library_and_the_domain():
    allowed = {"__future__", "loyalty_core"}
    import sys

    for path in sorted((ROOT / "loyalty_core" / "program").rglob("*.py")):
        third_party = {m for m in imported_modules(path) if m not in allowed and m not in sys.stdlib_module_names}
        assert not third_party, f"{path.name} imports {third_party}"


def test_no_float_in_the_domain():
    for path in core_modules():
        source = path.read_text(encoding="utf-8")
        assert "float(" not in source and ": float" not in source, path.name
