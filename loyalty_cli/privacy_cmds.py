"""Personal data: `loyalty erase MEMBER --reason …` (crypto-shredding, docs/privacy.md)."""

from __future__ import annotations

from typing import Optional

import typer

from loyalty_cli.ledger_cmds import KEY, _key, _ref, show_answer
from loyalty_cli.output import refusing
from loyalty_core.privacy.erasure import erase_member
from loyalty_core.runtime import open_runtime


def register(app: typer.Typer) -> None:
    @app.command()
    def erase(member: str, reason: str = typer.Option(..., help="Why (the member's request, a ticket number)"),
              actor: str = typer.Option("cli", help="Who asks (a staff id), kept in the history"),
              key: Optional[str] = KEY) -> None:
        """Erase a member's personal data: their key is destroyed, name, birthday, phone and email read as
        "đã xoá", the phone may enrol again; points and the history's figures stay."""
        runtime = open_runtime()
        try:
            result = refusing(lambda: erase_member(runtime.service, _ref(member), reason=reason,
                                                   idempotency_key=_key(key), actor=actor))
        finally:
            runtime.close()
        show_answer({**result.to_dict(), "erased": True}, None)
