"""The import use cases: check a file against the program, then (unless it is a dry run) write its rows.

`check_members` / `check_purchases` read nothing but the program (for its tier names) and write nothing:
that is the dry run. `import_members` / `import_purchases` turn the checked rows into commands and run
them (see runner.py). A file with problems is refused as a whole unless the caller asks to skip the bad
rows, so a half-fixed spreadsheet does not silently import half its people.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from loyalty_core.member import HCM
from loyalty_core.migration import checks, handlers
from loyalty_core.migration.checks import Checked
from loyalty_core.migration.runner import ImportReport, RowOutcome, run_commands


def program_tiers(service: Any) -> dict[str, str]:
    installed = getattr(service.policy, "installed", None)
    program = installed() if installed else None
    if program is None:
        base = service.policy.base_tier
        return {checks.r.fold(base): base}
    return checks.tier_lookup(program.tiers.tiers)


def check_members(service: Any, header: list[Any], lines: list[list[Any]]) -> Checked:
    today = service.clock().astimezone(HCM).date()
    return checks.check_members(header, lines, program_tiers(service), today)


def check_purchases(service: Any, header: list[Any], lines: list[list[Any]]) -> Checked:
    return checks.check_purchases(header, lines, service.clock())


def import_members(service: Any, checked: Checked, *, workers: int = 16, actor: str = "import",
                   on_done: Callable[[RowOutcome], None] | None = None) -> ImportReport:
    commands = ((row.row, handlers.import_member_command(row, actor)) for row in checked.rows)
    return run_commands(service, commands, workers=workers, on_done=on_done)


def import_purchases(service: Any, checked: Checked, *, workers: int = 16, actor: str = "import",
                     on_done: Callable[[RowOutcome], None] | None = None, earn: bool = False) -> ImportReport:
    """History only (tier windows, statistics), or with `earn` priced by the rules of each sale's date."""
    build = handlers.earning_purchase_command if earn else handlers.import_purchase_command
    commands = ((row.row, build(row, actor)) for row in checked.rows)
    return run_commands(service, commands, workers=workers, on_done=on_done)


__all__ = [
    "Checked",
    "ImportReport",
    "check_members",
    "check_purchases",
    "datetime",
    "import_members",
    "import_purchases",
]
