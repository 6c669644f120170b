"""`loyalty members merge|unmerge`: two records of one person made one, and a merge undone (docs/identity.md)."""

from __future__ import annotations

from typing import Optional

import typer

from loyalty_cli.ledger_cmds import KEY, SHOW, _key, _ref, _run
from loyalty_core.identity.merging import MergeMembers, UnmergeMembers

members_app = typer.Typer(no_args_is_help=True, help="Duplicate members: merge one into another, or undo a merge.")


def register(app: typer.Typer) -> None:
    app.add_typer(members_app, name="members")


@members_app.command("merge")
def merge(survivor: str = typer.Argument(..., help="The member who stays (id, phone, email or member code)"),
          merged: str = typer.Argument(..., help="The duplicate: its points, vouchers and identifiers move over"),
          reason: str = typer.Option(..., help="Why (kept in both histories)"), actor: str = "cli",
          key: Optional[str] = KEY, show: Optional[str] = SHOW) -> None:
    """Merge a duplicate into the survivor in one step; the duplicate's id, phone and codes then find the
    survivor. Refused while the duplicate has points held at a till (merge_open_reservations)."""
    _run(MergeMembers(idempotency_key=_key(key), survivor=_ref(survivor), merged=_ref(merged), reason=reason,
                      actor=actor), show)


@members_app.command("unmerge")
def unmerge(survivor: str = typer.Argument(..., help="The member the duplicate was merged into"),
            merged: str = typer.Argument(..., help="The duplicate: its id, or a phone or code that moved with it"),
            reason: str = typer.Option(..., help="Why (kept in both histories)"), actor: str = "cli",
            key: Optional[str] = KEY, show: Optional[str] = SHOW) -> None:
    """Undo a merge while nothing that moved was used since; otherwise refused with unmerge_blocked and the
    list of what blocks it."""
    _run(UnmergeMembers(idempotency_key=_key(key), survivor=_ref(survivor), merged=_ref(merged), reason=reason,
                        actor=actor), show)
