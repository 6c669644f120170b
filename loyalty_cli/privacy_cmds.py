"""Personal data: `loyalty erase MEMBER --reason …` (crypto-shredding, docs/privacy.md)."""

from __future__ import annotations

from typing import Optional

import typer

from loyalty_cli.ledger_cmds import KEY, _key, _ref, show_answer
from loyalty_cli.output import refusing
from loyalty_core.errors import LoyaltyError
from loyalty_core.privacy.erasure import erase_member
from loyalty_core.runtime import open_runtime


def register(app: typer.Typer) -> None:
    @app.command()
    def erase(member: str, reason: str = typer.Option(..., help="Why (the member's request, a ticket number)"),
              actor: str = typer.Option("cli", help="Who asks (a staff id), kept in the history"),
              key: Optional[str] = KEY) -> None:
        """Erase a member's personal data: their key is destroyed, name, birthday, phone and email read as
        "đã xoá", the phone may enrol again; points and the history's figures stay."""
        from api.erasure_purge import personal_values, purge  # the API's tables, only when erasing
        from api.tables import open_tables

        runtime = open_runtime()
        try:
            ref = _ref(member)
            try:  # read before the key goes: the API tables' sessions and outcomes are cleared by value too
                values = personal_values(runtime.store, runtime.service.resolve(ref).id)
            except LoyaltyError:
                values = []
            result = refusing(lambda: erase_member(runtime.service, ref, reason=reason,
                                                   idempotency_key=_key(key), actor=actor))
            tables = open_tables(runtime.settings)
            try:
                purge(tables, result.member_id, values, runtime.store)
            finally:
                tables.close()
        finally:
            runtime.close()
        show_answer({**result.to_dict(), "erased": True}, None)
