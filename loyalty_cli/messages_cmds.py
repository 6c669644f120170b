"""`loyalty messages …`: preview a template, see a member's messages, the dead letters and their retry,
what the messages cost, and run the dispatcher (what `make run` starts beside the worker)."""

from __future__ import annotations

import os
import signal
import threading
from datetime import datetime, time, timedelta, timezone
from decimal import Decimal
from pathlib import Path
from typing import Optional

import typer
from rich.console import Console
from rich.table import Table

from loyalty_cli.output import dump, fail, refusing
from loyalty_core.settings import Settings

console = Console()
messages_app = typer.Typer(no_args_is_help=True,
                           help="Outbound messages: previews, delivery status, dead letters, the dispatcher.")


def _settings() -> Settings:
    return Settings.from_env(os.environ)


def _member(service, member: str):  # noqa: ANN001, ANN202 - a service and a Member
    from loyalty_cli.ledger_cmds import _ref

    return refusing(lambda: service.resolve(_ref(member)))


@messages_app.command("preview")
def preview_cmd(kind: str = typer.Argument(..., help="welcome, points_earned, redemption, voucher_issued, "
                                           "birthday, points_expiring, tier_up, tier_down, "
                                           "tier_downgrade_notice, otp"),
                member: Optional[str] = typer.Option(None, "--member", help="Phone, email, member code or id"),
                lang: str = typer.Option("vi", "--lang", help="vi or en")) -> None:
    """Show what a kind of message says (SMS, email, ZNS parameters); nothing is sent."""
    from loyalty_core.runtime import open_runtime
    from messaging.preview import preview
    from messaging.templates import TemplateProblem

    if lang not in ("vi", "en"):
        fail("--lang is vi or en")
    runtime = open_runtime(_settings())
    try:
        found = _member(runtime.service, member) if member else None
        try:
            rendered = preview(runtime.service, kind, lang, found)
        except TemplateProblem as exc:
            fail(str(exc))
        console.print(f"[bold]SMS[/bold] ({len(rendered.sms)} characters)\n{rendered.sms}\n")
        console.print(f"[bold]Email[/bold]: {rendered.subject}\n{rendered.text}\n")
        console.print(f"[bold]ZNS[/bold] template {rendered.zns_template_id}: {rendered.zns_data}")
    finally:
        runtime.close()


def _outbox():  # noqa: ANN202
    from messaging.runner import open_outbox

    return open_outbox(_settings())


def _table(messages) -> Table:  # noqa: ANN001
    table = Table("message", "kind", "status", "channel", "attempts", "created (UTC)", "note")
    for m in messages:
        table.add_row(m.message_id[:8], m.kind, m.status, m.channel or "", str(m.attempts),
                      f"{m.created_at:%d/%m/%Y %H:%M}", (m.last_error or "")[:60])
    return table


@messages_app.command("status")
def status_cmd(member: str = typer.Argument(..., help="Phone, email, member code or id"),
               as_json: bool = typer.Option(False, "--json")) -> None:
    """List a member's messages and their delivery status (queued, sent, delivered, failed, skipped)."""
    from loyalty_core.runtime import open_runtime

    runtime = open_runtime(_settings())
    outbox = _outbox()
    try:
        found = _member(runtime.service, member)
        messages = outbox.for_member(found.id)
        dump(messages) if as_json else console.print(_table(messages))
    finally:
        outbox.store.close()
        runtime.close()


@messages_app.command("dead")
def dead_cmd(limit: int = typer.Option(100, min=1, max=1000), as_json: bool = typer.Option(False, "--json")) -> None:
    """List the dead letters: messages every channel refused, or that ran out of attempts."""
    outbox = _outbox()
    try:
        messages = outbox.dead_letters(limit)
        dump(messages) if as_json else console.print(_table(messages))
    finally:
        outbox.store.close()


@messages_app.command("retry")
def retry_cmd(message_id: str = typer.Argument(..., help="The message id (or its first 8 characters)")) -> None:
    """Put a dead letter back in the queue with a fresh set of attempts."""
    outbox = _outbox()
    try:
        matches = [m for m in outbox.dead_letters(10_000) if m.message_id.startswith(message_id.lower())]
        if len(matches) != 1:
            fail(f"{len(matches)} dead letters match {message_id!r}; give more of the id")
        retried = outbox.retry_dead(matches[0].message_id, datetime.now(timezone.utc))
        typer.echo(f"{matches[0].message_id}: {'back in the queue' if retried else 'no longer failed'}")
    finally:
        outbox.store.close()


@messages_app.command("stats")
def stats_cmd(days: int = typer.Option(30, min=1, max=1100, help="The last N days (Ho Chi Minh)")) -> None:
    """Messages sent, delivered and failed, and their cost in VND, per provider."""
    from faces.format import VIETNAM, vnd

    outbox = _outbox()
    try:
        today = datetime.now(VIETNAM).date()
        since = datetime.combine(today - timedelta(days=days - 1), time(0), tzinfo=VIETNAM)
        rows = outbox.stats(since, since + timedelta(days=days))
        table = Table("provider", "sent", "delivered", "failed", "cost")
        for r in rows:
            table.add_row(r.channel, str(r.sent), str(r.delivered), str(r.failed), vnd(r.cost_vnd))
        table.add_row("total", str(sum(r.sent for r in rows)), "", "", vnd(sum((r.cost_vnd for r in rows), Decimal(0))))
        console.print(table)
    finally:
        outbox.store.close()


@messages_app.command("run")
def run_cmd(heartbeat_file: Optional[Path] = typer.Option(
        None, "--heartbeat-file", help="Touched after every step, for a container health check")) -> None:
    """Send due messages until interrupted (several may run at once; each message goes once)."""
    import logging

    from loyalty_core.runtime import open_runtime
    from messaging.runner import run_messages
    from messaging.settings import MessagingSettings

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    settings = _settings().for_role("messages")
    runtime = open_runtime(settings)
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    try:
        beat = heartbeat_file.touch if heartbeat_file is not None else None
        from projections.process_metrics import LoopMetrics, serve_metrics

        metrics = LoopMetrics("messages")
        serve_metrics(metrics, os.environ)  # on LOYALTY_METRICS_PORT, if set
        run_messages(settings, runtime.service, MessagingSettings.from_env(os.environ), stop, heartbeat=beat,
                     metrics=metrics)
    except KeyboardInterrupt:
        stop.set()
    finally:
        runtime.close()


def register(app: typer.Typer) -> None:
    app.add_typer(messages_app, name="messages")
