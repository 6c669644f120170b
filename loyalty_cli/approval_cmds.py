"""`loyalty approvals list|approve|refuse`: the second pair of eyes on large manual adjustments.

`loyalty adjust` above the program's threshold prints `approval requested: <id>` and changes nothing;
someone else (`--actor`, never the requester) approves or refuses it here, with a note.
"""

from __future__ import annotations

import uuid
from typing import Optional

import typer

from loyalty_cli.output import dump, refusing
from loyalty_core import approvals as ap
from loyalty_core.runtime import open_runtime

approvals_app = typer.Typer(no_args_is_help=True, help="Adjustments waiting for a second person's approval.")
KEY = typer.Option(None, "--key", help="Idempotency key (a retry with the same key changes nothing).")
ACTOR = typer.Option(..., "--actor", help="Who decides (must not be who asked)")
NOTE = typer.Option(..., "--note", help="Why (recorded with the decision)")


def _approval_id(text: str) -> uuid.UUID:
    try:
        return uuid.UUID(text)
    except ValueError:
        typer.echo(f"refused: approval_not_found: {text!r} is not an approval id", err=True)
        raise typer.Exit(1) from None


@approvals_app.command("list")
def list_approvals(status: str = typer.Option("pending", help="pending | approved | refused | all")) -> None:
    """List adjustment approvals, oldest first."""
    if status not in ("pending", "approved", "refused", "all"):
        typer.echo("refused: invalid_input: --status is pending, approved, refused or all", err=True)
        raise typer.Exit(2)
    runtime = open_runtime()
    try:
        for a in ap.list_approvals(runtime.store, None if status == "all" else status):
            r = a.request
            dump({"approval_id": str(a.approval_id), "status": a.status, "member_id": str(r.member_id),
                  "points": r.points, "reason": r.reason, "requested_by": r.requested_by,
                  "requested_at": r.timestamp.isoformat(), "decided_by": a.decided_by, "note": a.note})
    finally:
        runtime.close()


def _decide(command_type: type, approval_id: str, actor: str, note: str, key: Optional[str]) -> None:
    command = command_type(idempotency_key=key or f"cli-{uuid.uuid4().hex}", approval_id=_approval_id(approval_id),
                           note=note, actor=actor)
    runtime = open_runtime()
    try:
        dump(refusing(lambda: runtime.service.execute(command)).to_dict())
    finally:
        runtime.close()


@approvals_app.command("approve")
def approve(approval_id: str, actor: str = ACTOR, note: str = NOTE, key: Optional[str] = KEY) -> None:
    """Approve someone else's adjustment: it is applied at once."""
    _decide(ap.ApproveAdjustment, approval_id, actor, note, key)


@approvals_app.command("refuse")
def refuse(approval_id: str, actor: str = ACTOR, note: str = NOTE, key: Optional[str] = KEY) -> None:
    """Refuse an adjustment (or withdraw your own request)."""
    _decide(ap.RefuseAdjustment, approval_id, actor, note, key)


def register(app: typer.Typer) -> None:
    app.add_typer(approvals_app, name="approvals")
