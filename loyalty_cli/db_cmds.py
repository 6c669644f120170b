"""`loyalty db migrate` and `loyalty db status`: the service's own tables, by versioned steps.

`migrate` applies every pending step of every component (projections/schema.py) on the ledger's database
and the read side's, after creating the event store library's tables under the same lock; it prints what
it applied and exits 1 if a step failed (rolled back, recorded). `status` changes nothing and prints each
step as applied, pending, failed (with its error) or changed; it exits 1 unless every step is applied.
"""

from __future__ import annotations

import os
from dataclasses import asdict

import typer

from loyalty_cli.output import dump

db_app = typer.Typer(help="Migrations of the service's own tables: apply them, or show where they stand.",
                     no_args_is_help=True)


def _targets(settings):  # type: ignore[no-untyped-def]
    from api.tables import open_tables
    from projections.readstore import open_read_store
    from projections.schema_runner import read_target, tables_target

    tables = open_tables(settings)
    read = open_read_store(settings)
    return [tables, read], [tables_target(tables), read_target(read)]


def _close(opened: list) -> None:  # type: ignore[type-arg]
    for thing in opened:
        thing.close()


@db_app.command("migrate")
def migrate() -> None:
    """Apply every pending migration (what each process also does when it starts, unless
    LOYALTY_MIGRATE_ON_START=0)."""
    from loyalty_core.ledger import open_store
    from loyalty_core.settings import Settings
    from projections.schema import all_components
    from projections.schema_runner import MigrationFailed, inspecting, migrate as run

    settings = Settings.from_env(os.environ)
    open_store(settings).close()  # the library's event, seal and snapshot tables, under the same lock
    with inspecting():
        opened, targets = _targets(settings)
    applied: list[str] = []
    try:
        for target in targets:
            components = [c for c in all_components() if c.database == target.database]
            applied += [f"{name} v{version}" for name, version in run(target, components)]
    except MigrationFailed as exc:
        dump({"applied": applied, "failed": str(exc)})
        raise typer.Exit(1) from None
    finally:
        _close(opened)
    dump({"applied": applied, "failed": None})


@db_app.command("status")
def status() -> None:
    """Each migration step: applied, pending, failed (with its error) or changed since it was applied."""
    from loyalty_core.settings import Settings
    from projections.schema import all_components
    from projections.schema_runner import inspecting, status as steps

    settings = Settings.from_env(os.environ)
    with inspecting():
        opened, targets = _targets(settings)
    try:
        found = [asdict(s) for target in targets for s in steps(target, all_components())]
    finally:
        _close(opened)
    current = all(s["state"] == "applied" for s in found)
    dump({"current": current, "steps": found})
    if not current:
        raise typer.Exit(1)


def register(app: typer.Typer) -> None:
    app.add_typer(db_app, name="db")
