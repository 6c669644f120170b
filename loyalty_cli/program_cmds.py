"""Program commands: install the demo, record purchases and activities, dry runs, scheduled work."""

from __future__ import annotations

import uuid
from datetime import datetime, timezone
from pathlib import Path
from typing import List, Optional

import typer

from loyalty_cli.amounts import parse_line, parse_vnd
from loyalty_cli.ledger_cmds import SHOW, _key, _ref, _run
from loyalty_cli.output import dump, fail, refusing
from loyalty_core import commands as c
from loyalty_core import program as prog
from loyalty_core.runtime import open_runtime
from loyalty_core.program.definition import check_whole_money, parse_json, read_item
from loyalty_core.program_setup import create_program

program_app = typer.Typer(no_args_is_help=True, help="Show and change the loyalty program (marketing).")


def _lines(specs: List[str]) -> tuple[c.PurchaseLineInput, ...]:
    """Lines given as SKU:CATEGORY:QUANTITY:UNIT_PRICE (the amount is quantity × unit price)."""
    lines = []
    for spec in specs:
        sku, category, quantity, price = parse_line(spec)
        lines.append(c.PurchaseLineInput(sku=sku, category=category, quantity=quantity, unit_price=price,
                                         amount=price * quantity))
    return tuple(lines)


def _purchase(member: str, total: str, ref: Optional[str], channel: str, store: Optional[str],
              line: List[str], at: Optional[datetime], points_used: Optional[int] = None,
              discount: Optional[str] = None) -> c.RecordPurchase:
    transaction_ref = ref or f"T{uuid.uuid4().hex[:10].upper()}"
    occurred = at.replace(tzinfo=at.tzinfo or timezone.utc) if at else None
    return c.RecordPurchase(idempotency_key=transaction_ref, member=_ref(member), transaction_ref=transaction_ref,
                            total=parse_vnd(total, "--total"), channel=channel, store_id=store, occurred_at=occurred,
                            lines=_lines(line), points_used=points_used,
                            discount=parse_vnd(discount, "--discount") if discount is not None else None)


LINE = typer.Option([], "--line", help="SKU:CATEGORY:QUANTITY:UNIT_PRICE, repeatable; a negative price is a discount")
TOTAL = typer.Option(..., help="What the shopper paid in money: 125000, 125.000 or 125.000 ₫")
POINTS_USED = typer.Option(None, help="Points that paid part of the order (they earn nothing)")
DISCOUNT = typer.Option(None, help="Money taken off the whole order")


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
    def purchase(member: str, total: str = TOTAL,
                 ref: Optional[str] = typer.Option(None, "--transaction-ref", "--ref",
                                                   help="The till's transaction ref (the idempotency key; "
                                                        "`refund` takes it)"),
                 channel: str = "pos", store: Optional[str] = None, line: List[str] = LINE,
                 at: Optional[datetime] = typer.Option(None, help="When the sale happened (ISO 8601)"),
                 points_used: Optional[int] = POINTS_USED, discount: Optional[str] = DISCOUNT,
                 show: Optional[str] = SHOW) -> None:
        """Record a purchase: the program's rules decide the points."""
        _run(_purchase(member, total, ref, channel, store, line, at, points_used, discount), show,
             rename={"reference": "transaction_ref"})

    @app.command()
    def simulate(member: str, total: str = TOTAL, channel: str = "pos", store: Optional[str] = None,
                 line: List[str] = LINE, points_used: Optional[int] = POINTS_USED,
                 discount: Optional[str] = DISCOUNT) -> None:
        """Show what a basket would earn, writing nothing."""
        command = _purchase(member, total, None, channel, store, line, None, points_used, discount)
        runtime = open_runtime()
        try:
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
            fail("--at may not be in the future: events are never recorded ahead of time")
        from loyalty_core.wakeups import WakeUps
        from projections.member_due import DueIndex
        from projections.readstore import open_read_store

        runtime = open_runtime(clock=lambda: when)
        read = open_read_store(runtime.settings)
        try:  # the members due, found through the persisted index (built on its first run on a store)
            dump(vars(WakeUps(runtime.service, DueIndex(read)).tick(when)))
        finally:
            read.close()
            runtime.close()

    @program_app.command("show")
    def show() -> None:
        """Print the program as it is now (rules, tiers, campaigns, rewards)."""
        runtime = open_runtime()
        try:
            dump(refusing(lambda: runtime.service.policy.book.current()).to_dict())
        finally:
            runtime.close()

    @program_app.command("init")
    def init(file: Path = typer.Argument(..., help="A program definition, JSON or YAML (docs/program.md)"),
             actor: str = typer.Option("cli", help="Who creates it"),
             dry_run: bool = typer.Option(False, "--dry-run", help="Check the definition; write nothing"),
             if_missing: bool = typer.Option(False, "--if-missing",
                                             help="Succeed without change when the store has its program")) -> None:
        """Create this store's program from a definition file (the demo is one: loyalty_core/program/demo.json)."""
        document = read_definition(file)
        runtime = open_runtime()
        try:
            if if_missing and runtime.service.policy.installed() is not None:
                typer.echo(f"program {runtime.service.policy.installed().code} is already installed: nothing done")
                return
            state, _ = refusing(lambda: create_program(runtime.service.policy, document, runtime.service.clock(),
                                                       actor, check_only=dry_run))
        finally:
            runtime.close()
        verb = "would be created" if dry_run else "created"
        typer.echo(f"program {state.code} ({state.settings.name}) {verb}: {len(state.rules)} rules, "
                   f"{len(state.tiers.tiers)} tiers, {len(state.rewards)} rewards, version {state.version}")

    @program_app.command("add-rule")
    def add_rule(file: Path = typer.Argument(..., help="A JSON rule (see docs/program.md)"),
                 actor: str = typer.Option(..., help="Who makes the change")) -> None:
        """Add an earning rule from a JSON (or YAML) file."""
        data = read_definition(file)

        def add(program: prog.ProgramState) -> object:
            check_whole_money(data, program.currency)  # "10.000" in a VND program is refused, never 10 ₫
            return prog.AddRule(read_item(prog.Rule, data, "rule"))

        _administer(add, actor)

    @program_app.command("remove-rule")
    def remove_rule(rule_id: str, actor: str = typer.Option(...)) -> None:
        """Remove an earning rule."""
        _administer(prog.RemoveRule(rule_id), actor)


def read_definition(file: Path) -> object:
    """A definition from a JSON or YAML file; YAML floats and times stay the text written (no float ever)."""
    try:
        text = file.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        fail(f"cannot read {file}: {exc}")
    if file.suffix.lower() not in (".yaml", ".yml"):
        return refusing(lambda: parse_json(text, file.name))
    import yaml

    class TextScalars(yaml.SafeLoader):
        """Floats and timestamps as written: the program's types read "1.25" exactly."""

    for tag in ("tag:yaml.org,2002:float", "tag:yaml.org,2002:timestamp"):
        TextScalars.add_constructor(tag, lambda loader, node: loader.construct_scalar(node))
    try:
        return yaml.load(text, Loader=TextScalars)  # noqa: S506 - a SafeLoader subclass
    except yaml.YAMLError as exc:
        typer.echo(f"refused: invalid_program: {file.name} is not valid YAML: {' '.join(str(exc).split())}", err=True)
        raise typer.Exit(1) from None


def _administer(command: object, actor: str) -> None:
    """Apply a program command; `command` may be a function of the current program that builds it."""
    runtime = open_runtime()
    try:
        policy = runtime.service.policy
        if callable(command):
            command = refusing(lambda: command(policy.book.current()))
        state = refusing(lambda: policy.administer(command, actor, runtime.service.clock()))
        typer.echo(f"program {state.code} is now at version {state.version}")
    finally:
        runtime.close()
