"""Program commands: install the demo, record purchases and activities, dry runs, scheduled work."""

from __future__ import annotations

import json
import uuid
from datetime import datetime, timezone
from decimal import Decimal
from pathlib import Path
from typing import List, Optional

import typer

from loyalty_cli.ledger_cmds import _key, _ref, _run
from loyalty_cli.output import dump, refusing
from loyalty_core import commands as c
from loyalty_core import program as prog
from loyalty_core.runtime import open_runtime
from loyalty_core.scheduler import run_due

program_app = typer.Typer(no_args_is_help=True, help="Show and change the loyalty program (marketing).")


def _lines(specs: List[str]) -> tuple[c.PurchaseLineInput, ...]:
    """Lines given as SKU:CATEGORY:QUANTITY:UNIT_PRICE (the amount is quantity × unit price)."""
    lines = []
    for spec in specs:
        sku, category, quantity, price = spec.split(":")
        lines.append(c.PurchaseLineInput(sku=sku, category=category or None, quantity=int(quantity),
                                         unit_price=Decimal(price), amount=Decimal(price) * int(quantity)))
    return tuple(lines)


def _purchase(member: str, total: str, ref: Optional[str], channel: str, store: Optional[str],
              line: List[str], at: Optional[datetime]) -> c.RecordPurchase:
    transaction_ref = ref or f"T{uuid.uuid4().hex[:10].upper()}"
    occurred = at.replace(tzinfo=at.tzinfo or timezone.utc) if at else None
    return c.RecordPurchase(idempotency_key=transaction_ref, member=_ref(member), transaction_ref=transaction_ref,
                            total=Decimal(total), channel=channel, store_id=store, occurred_at=occurred,
                            lines=_lines(line))


LINE = typer.Option([], "--line", help="SKU:CATEGORY:QUANTITY:UNIT_PRICE, repeatable")


def register(app: typer.Typer) -> None:
    app.add_typer(program_app, name="program")

    @app.command()
    def demo() -> None:
        """Install the demo coffee-chain program (Cà Phê Sài Gòn); running it again changes nothing."""
        runtime = open_runtime()
        try:
            installed = runtime.service.policy.install_demo(runtime.service.clock())
            typer.echo("demo program installed" if installed else "a program is already installed")
        finally:
            runtime.close()

    @app.command()
    def purchase(member: str, total: str = typer.Option(..., help="What the shopper paid, e.g. 125000"),
                 ref: Optional[str] = typer.Option(None, help="Transaction ref (the idempotency key)"),
                 channel: str = "pos", store: Optional[str] = None, line: List[str] = LINE,
                 at: Optional[datetime] = typer.Option(None, help="When the sale happened (ISO 8601)")) -> None:
        """Record a purchase: the program's rules decide the points."""
        _run(_purchase(member, total, ref, channel, store, line, at))

    @app.command()
    def simulate(member: str, total: str = typer.Option(...), channel: str = "pos", store: Optional[str] = None,
                 line: List[str] = LINE) -> None:
        """Show what a basket would earn, writing nothing."""
        runtime = open_runtime()
        try:
            command = _purchase(member, total, None, channel, store, line, None)
            dump(refusing(lambda: runtime.service.simulate(command)).to_dict())
        finally:
            runtime.close()

    @app.command()
    def activity(member: str, kind: str = typer.Argument(..., help="check_in, survey, review, social_share"),
                 reference: str = typer.Option(...), channel: str = "app", key: Optional[str] = None) -> None:
        """Record a non-purchase action (check-in, survey, review, social share)."""
        _run(c.RecordActivity(idempotency_key=_key(key), member=_ref(member), kind=kind, reference=reference,
                              channel=channel))

    @app.command("run-due")
    def run_due_cmd(at: Optional[datetime] = typer.Option(None, help="As of (ISO 8601, not in the future)")) -> None:
        """Apply all scheduled work that is due (expiry, pending release, timeouts, tier review, birthdays)."""
        now = datetime.now(timezone.utc)
        when = (at.replace(tzinfo=at.tzinfo or timezone.utc) if at else now)
        if when > now:
            raise typer.BadParameter("--at may not be in the future: events are never recorded ahead of time")
        runtime = open_runtime(clock=lambda: when)
        try:
            dump(vars(run_due(runtime.service, when)))
        finally:
            runtime.close()

    @program_app.command("show")
    def show() -> None:
        """Print the program as it is now (rules, tiers, campaigns, rewards)."""
        runtime = open_runtime()
        try:
            dump(refusing(lambda: runtime.service.policy.book.current()).to_dict())
        finally:
            runtime.close()

    @program_app.command("add-rule")
    def add_rule(file: Path = typer.Argument(..., help="A JSON rule (see docs/program.md)"),
                 actor: str = typer.Option(..., help="Who makes the change")) -> None:
        """Add an earning rule from a JSON file."""
        _administer(prog.AddRule(prog.Rule.from_dict(json.loads(file.read_text()))), actor)

    @program_app.command("remove-rule")
    def remove_rule(rule_id: str, actor: str = typer.Option(...)) -> None:
        """Remove an earning rule."""
        _administer(prog.RemoveRule(rule_id), actor)


def _administer(command: object, actor: str) -> None:
    runtime = open_runtime()
    try:
        state = refusing(lambda: runtime.service.policy.administer(command, actor, runtime.service.clock()))
        typer.echo(f"program {state.code} is now at version {state.version}")
    finally:
        runtime.close()
