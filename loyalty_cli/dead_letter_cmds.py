"""`loyalty projections dead-letters`: list the events projections set aside, and retry them after a fix.

See `projections/deadletter.py` for why an event is set aside and `projections/redrive.py` for what a
retry does. Listing prints JSON (one object per dead letter, the live generations only); a retry prints
what was cleared, what failed again and why, and exits 1 if anything is still there.
"""

from __future__ import annotations

import os
from typing import Optional

import typer

from loyalty_cli.output import dump
from loyalty_core.settings import Settings

dead_letters_app = typer.Typer(help="Events a projection could not apply: list them, retry them after a fix.",
                               invoke_without_command=True)


@dead_letters_app.callback()
def list_dead_letters(ctx: typer.Context) -> None:
    """List the dead letters of the live projections (oldest first)."""
    if ctx.invoked_subcommand is not None:
        return
    from projections.catalog import ReadSide
    from projections.deadletter import DeadLetters

    side = ReadSide.open(Settings.from_env(os.environ))
    try:
        letters = DeadLetters(side.store).list(live=side.generations())
        dump({"dead_letters": [letter.to_dict() for letter in letters], "count": len(letters)})
    finally:
        side.close()


@dead_letters_app.command("retry")
def retry_dead_letters(dead_letter_id: Optional[str] = typer.Argument(None, help="A dead letter's id, e.g. "
                                                                                 "member_search:1234"),
                       all_: bool = typer.Option(False, "--all", help="Retry every dead letter")) -> None:
    """Apply set-aside events again (after the fix); a success removes the dead letter."""
    from projections.catalog import ReadSide
    from projections.redrive import retry

    if bool(dead_letter_id) == all_:
        typer.echo("name one dead letter id or pass --all", err=True)
        raise typer.Exit(2)
    settings = Settings.from_env(os.environ)
    side = ReadSide.open(settings)
    store = side.open_ledger(settings)
    try:
        report = retry(side, store, None if all_ else [dead_letter_id])  # type: ignore[list-item]
    finally:
        store.close()
        side.close()
    dump(report.to_dict())
    if report.failed or report.unknown:
        raise typer.Exit(1)
