"""Versioned migrations of the service's own tables: what each component declares.

A *component* (the API's keys and webhooks, the member app's sessions, the dead letters, …) owns a few
tables and lists the numbered steps that build them; the runner (`projections/schema_runner.py`) applies
the steps a database has not seen, in order, and records each in `schema_migrations`. Step 1 of every
component is its *baseline*: the `CREATE TABLE IF NOT EXISTS` statements the previous releases ran ad hoc.
On a store those releases created, the tables exist, so the baseline creates nothing; the runner then
checks that every table has exactly the columns the baseline names (a store that does not is refused,
never guessed at) and records the baseline as applied.

Steps are templates: `{name}` is the table `name` as this database spells it (schema-qualified on the
read side's PostgreSQL connections) and `{ts}`, `{int}`, `{money}` are the dialect's types. A step is
never edited once released (its checksum is stored; `loyalty db status` shows a changed one): add a step.

The projections' own tables (`balances_g3`, …) are not migrated: a projection changes shape by being
rebuilt into a new generation (docs/read-side.md).
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field

#: The two databases a component's tables can live in: the ledger's (the API tables' connections: the
#: events file on SQLite) and the read side's (`loyalty.read.db` on SQLite; the same schema on PostgreSQL).
TABLES, READ = "tables", "read"

TYPES = {"postgres": {"ts": "timestamptz", "money": "numeric", "int": "bigint"},
         "sqlite": {"ts": "TEXT", "money": "INTEGER", "int": "INTEGER"}}


@dataclass(frozen=True)
class Step:
    version: int
    description: str
    sql: tuple[str, ...]

    @property
    def checksum(self) -> str:
        return hashlib.sha256("\n;\n".join(self.sql).encode()).hexdigest()[:16]


@dataclass(frozen=True)
class Component:
    name: str
    database: str
    steps: tuple[Step, ...] = field(default_factory=tuple)

    def __post_init__(self) -> None:
        if self.database not in (TABLES, READ):
            raise ValueError(f"{self.name}: unknown database {self.database!r}")
        versions = [s.version for s in self.steps]
        if versions != list(range(1, len(versions) + 1)):
            raise ValueError(f"{self.name}: steps must be numbered 1, 2, 3, … (got {versions})")

    @property
    def latest(self) -> int:
        return len(self.steps)


_COMPONENTS: dict[str, Component] = {}

#: The modules that declare components, imported by `loyalty db` so it knows all of them. A new module
#: with tables adds its name here (docs/operations.md, "Migrations").
MODULES = ("api.tables", "api.key_lifecycle", "api.otp", "api.transient_keys", "api.standard_webhooks",
           "api.webhook_sends", "api.shared_state", "adapters.store", "faces.console.accounts",
           "faces.console.drafts", "faces.member.store", "projections.registry", "projections.deadletter",
           "projections.member_due", "messaging.outbox")


def component(name: str, database: str, *steps: Step) -> Component:
    """Declare (once per process) a component and its steps; the same declaration again is a no-op."""
    declared = Component(name, database, tuple(steps))
    existing = _COMPONENTS.setdefault(name, declared)
    if existing != declared:
        raise ValueError(f"component {name!r} is declared twice with different steps")
    return declared


def baseline(*sql: str) -> Step:
    return Step(1, "baseline: the tables as earlier releases created them", tuple(sql))


def all_components() -> list[Component]:
    import importlib

    for module in MODULES:
        importlib.import_module(module)
    return sorted(_COMPONENTS.values(), key=lambda c: (c.database, c.name))


class Names(dict):
    """`{name}` → the table as the target spells it; `{ts}` etc. → the dialect's type."""

    def __init__(self, dialect: str, qualify):  # type: ignore[no-untyped-def]
        super().__init__(TYPES[dialect])
        self.qualify = qualify

    def __missing__(self, key: str) -> str:
        return self.qualify(key)


_CREATE = re.compile(r"^\s*CREATE TABLE IF NOT EXISTS \{?(\w+)\}?\s*\((.*)\)\s*$", re.S | re.I)
_CONSTRAINT = ("PRIMARY", "UNIQUE", "FOREIGN", "CHECK", "CONSTRAINT")


def created_columns(sql: str) -> tuple[str, list[str]] | None:
    """The table a `CREATE TABLE IF NOT EXISTS` statement makes and its columns in order, else None."""
    found = _CREATE.match(sql)
    if not found:
        return None
    parts, depth, current = [], 0, ""
    for char in found.group(2):
        depth += char == "("
        depth -= char == ")"
        if char == "," and depth == 0:
            parts.append(current)
            current = ""
        else:
            current += char
    parts.append(current)
    columns = [p.split()[0].lower() for p in parts if p.strip() and p.split()[0].upper() not in _CONSTRAINT]
    return found.group(1), columns
