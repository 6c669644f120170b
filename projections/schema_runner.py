"""Apply the components' migration steps (`projections/schema.py`) and say where each database stands.

Each component's pending steps run in ONE transaction that first takes a transaction-scoped advisory lock
on PostgreSQL (SQLite's `BEGIN IMMEDIATE` already admits one writer), then reads what is applied: two
processes starting together on an empty database run the steps once, one after the other, instead of
racing on `CREATE TABLE` in PostgreSQL's catalogue. A step that fails rolls its component's transaction
back (PostgreSQL and SQLite both undo DDL) and is recorded as failed, with its error, in a transaction of
its own; `loyalty db status` shows it and the process stops with `MigrationFailed`.

Components migrate themselves when a process first opens them (`ensure`), unless
`LOYALTY_MIGRATE_ON_START=0`: then a database behind the code stops the process with a message naming
`loyalty db migrate`, and nothing changes the schema but that command.
"""

from __future__ import annotations

import logging
import os
import threading
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any, Callable, ContextManager, Iterator, Sequence

from projections.schema import TABLES, Component, Names, Step, created_columns

log = logging.getLogger("loyalty.migrations")

#: The advisory lock every schema change takes (the library's event tables too: loyalty_core/ledger.py).
LOCK_KEY = 4_242_170_000
TABLE = "schema_migrations"
_DDL = ("CREATE TABLE IF NOT EXISTS {schema_migrations} (component TEXT NOT NULL, version INTEGER NOT NULL, "
        "description TEXT NOT NULL, applied_at TEXT, checksum TEXT NOT NULL, error TEXT, "
        "PRIMARY KEY (component, version))")


class MigrationFailed(Exception):
    """A step could not be applied; nothing of its component's pending steps was kept."""


class SchemaBehind(Exception):
    """The database lacks steps this code needs and start-up migrations are off."""


class Run:
    """One transaction: `run(sql, params)` with `?` placeholders, rows as tuples."""

    def __init__(self, execute: Callable[[str, Sequence[Any]], list[tuple]]):
        self.run = execute


@dataclass
class Target:
    """One database: how to open a transaction on it and how it spells a table."""

    database: str
    dialect: str
    transaction: Callable[[], ContextManager[Run]]
    qualify: Callable[[str], str]
    schema: str | None = None
    """PostgreSQL: the schema the tables are in (None: the connection's search_path)."""
    ready: set[str] = field(default_factory=set)

    def names(self) -> Names:
        return Names(self.dialect, self.qualify)


def tables_target(tables: Any) -> Target:
    """The API tables' connections (`api/tables.py`): the ledger's database."""
    existing = getattr(tables, "_schema_target", None)
    if existing is not None:
        return existing

    @contextmanager
    def transaction() -> Iterator[Run]:
        with tables._transaction() as cursor:  # noqa: SLF001 - the tables' one way to run statements
            def execute(sql: str, params: Sequence[Any] = ()) -> list[tuple]:
                cursor.execute(tables._sql(sql), list(params))  # noqa: SLF001
                return [tuple(r) for r in cursor.fetchall()] if cursor.description else []
            yield Run(execute)

    dialect = "postgres" if getattr(tables, "pool", None) is not None else "sqlite"
    target = Target(TABLES, dialect, transaction, lambda name: name)
    tables._schema_target = target
    return target


def read_target(store: Any) -> Target:
    """The read side's `ReadStore` (`projections/readstore.py`)."""
    existing = getattr(store, "_schema_target", None)
    if existing is not None:
        return existing

    @contextmanager
    def transaction() -> Iterator[Run]:
        with store.transaction() as tx:
            yield Run(tx.run)

    schema = store.schema if store.dialect == "postgres" else None
    target = Target("read", store.dialect, transaction, store.table, schema)
    store._schema_target = target
    return target


def migrate_on_start(environ: Any = None) -> bool:
    value = (os.environ if environ is None else environ).get("LOYALTY_MIGRATE_ON_START", "1").strip().lower()
    if value not in ("0", "1", "true", "false", "yes", "no", "on", "off"):
        raise ValueError(f"LOYALTY_MIGRATE_ON_START must be 1 or 0, not {value!r}")
    return value in ("1", "true", "yes", "on")


_inspecting = threading.local()


@contextmanager
def inspecting() -> Iterator[None]:
    """Open stores without touching their schema (`loyalty db status` reports; it must not migrate)."""
    _inspecting.on = True
    try:
        yield
    finally:
        _inspecting.on = False


def ensure(target: Target, component: Component) -> None:
    """Bring `component` up to date on `target` once per process (start-up), or refuse when that is off."""
    if component.name in target.ready or getattr(_inspecting, "on", False):
        return
    if component.database != target.database:
        raise ValueError(f"{component.name} lives in the {component.database} database, not {target.database}")
    applied = _applied(target, component)
    if len(applied) < component.latest:
        if not migrate_on_start():
            raise SchemaBehind(
                f"the database has {component.name} at version {len(applied)}, this code needs "
                f"{component.latest}: run `loyalty db migrate` (LOYALTY_MIGRATE_ON_START=0)")
        migrate(target, [component])
    target.ready.add(component.name)


def migrate(target: Target, components: list[Component]) -> list[tuple[str, int]]:
    """Apply every pending step of `components` on `target`; the (component, version) pairs applied."""
    with target.transaction() as tx:
        _lock(target, tx)
        tx.run(_DDL.format_map(target.names()))
    done: list[tuple[str, int]] = []
    for component in components:
        done += _migrate_one(target, component)
    return done


def _migrate_one(target: Target, component: Component) -> list[tuple[str, int]]:
    step: Step | None = None
    done: list[tuple[str, int]] = []
    try:
        with target.transaction() as tx:
            _lock(target, tx)
            applied = _applied_in(tx, target, component)
            for step in component.steps:
                if step.version in applied:
                    continue
                names = target.names()
                for statement in step.sql:
                    tx.run(statement.format_map(names))
                if step.version == 1:
                    _check_baseline(tx, target, component, step)
                _record(tx, target, component, step, error=None)
                done.append((component.name, step.version))
            step = None
    except Exception as exc:
        if step is None:
            raise
        error = f"{type(exc).__name__}: {exc}".strip()[:1000]
        with target.transaction() as tx:
            _record(tx, target, component, step, error=error)
        log.error("migration %s v%d failed: %s", component.name, step.version, error)
        raise MigrationFailed(f"{component.name} v{step.version} ({step.description}) failed and was rolled "
                              f"back: {error}") from exc
    for name, version in done:
        log.info("migration %s v%d applied", name, version)
    return done


def _lock(target: Target, tx: Run) -> None:
    if target.dialect == "postgres":
        tx.run(f"SELECT pg_advisory_xact_lock({LOCK_KEY})")


def _record(tx: Run, target: Target, component: Component, step: Step, error: str | None) -> None:
    applied_at = None if error else datetime.now(timezone.utc).isoformat()
    tx.run(f"INSERT INTO {target.qualify(TABLE)} (component, version, description, applied_at, checksum, error) "
           "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (component, version) DO UPDATE SET "
           "applied_at = excluded.applied_at, checksum = excluded.checksum, error = excluded.error, "
           "description = excluded.description",
           [component.name, step.version, step.description, applied_at, step.checksum, error])


def _exists(tx: Run, target: Target, table: str) -> bool:
    if target.dialect == "postgres":
        return tx.run("SELECT to_regclass(?)", [target.qualify(table)])[0][0] is not None
    return bool(tx.run("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", [table]))


def _applied_in(tx: Run, target: Target, component: Component) -> dict[int, str]:
    if not _exists(tx, target, TABLE):
        return {}
    rows = tx.run(f"SELECT version, checksum FROM {target.qualify(TABLE)} WHERE component = ? "
                  "AND applied_at IS NOT NULL", [component.name])
    return {int(version): checksum for version, checksum in rows}


def _applied(target: Target, component: Component) -> dict[int, str]:
    with target.transaction() as tx:
        return _applied_in(tx, target, component)


def _columns(tx: Run, target: Target, table: str) -> list[str]:
    if target.dialect == "postgres":
        schema = "current_schema()" if target.schema is None else "?"
        rows = tx.run(f"SELECT column_name FROM information_schema.columns WHERE table_schema = {schema} "
                      "AND table_name = ? ORDER BY ordinal_position",
                      [table] if target.schema is None else [target.schema, table])
    else:
        rows = [(r[1],) for r in tx.run(f"PRAGMA table_info({table})")]
    return [str(r[0]).lower() for r in rows]


def _check_baseline(tx: Run, target: Target, component: Component, step: Step) -> None:
    """An existing table (made by an earlier release) is adopted only with exactly the baseline's columns."""
    for statement in step.sql:
        made = created_columns(statement)
        if made is None:
            continue
        table, expected = made
        found = _columns(tx, target, table)
        if sorted(found) != sorted(expected):
            raise MigrationFailed(f"table {table} exists with columns {found}, the baseline of "
                                  f"{component.name} has {expected}: not adopted")


@dataclass(frozen=True)
class StepStatus:
    component: str
    database: str
    version: int
    description: str
    state: str
    """applied, pending, failed or changed (applied, but the step's text differs from what was applied)"""
    applied_at: str | None
    error: str | None


def status(target: Target, components: list[Component]) -> list[StepStatus]:
    with target.transaction() as tx:
        rows = {}
        if _exists(tx, target, TABLE):
            for name, version, applied_at, checksum, error in tx.run(
                    f"SELECT component, version, applied_at, checksum, error FROM {target.qualify(TABLE)}"):
                rows[(name, int(version))] = (applied_at, checksum, error)
    found = []
    for component in components:
        if component.database != target.database:
            continue
        for step in component.steps:
            applied_at, checksum, error = rows.get((component.name, step.version), (None, None, None))
            if applied_at:
                state = "applied" if checksum == step.checksum else "changed"
            else:
                state = "failed" if error else "pending"
            found.append(StepStatus(component.name, target.database, step.version, step.description, state,
                                    applied_at, error))
    return found
