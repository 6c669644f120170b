"""`loyalty webhooks ping WEBHOOK_ID` and `loyalty webhooks redeliver DELIVERY_ID`: send to an endpoint now,
from this machine, on the store LOYALTY_DATABASE_URL names (the same as the API's `POST /v1/webhooks/{id}/ping`
and `POST /v1/webhooks/deliveries/{id}/redeliver`, api/webhook_sends.py). Each prints the outcome as JSON and
exits 0 when the receiver took it (2xx), 1 when it did not or the request was refused."""

from __future__ import annotations

import os
import uuid
from typing import Any, Callable, Optional

import typer

from loyalty_cli.output import dump


def _webhooks_group(app: typer.Typer) -> typer.Typer:
    """The `webhooks` group `api_cmds` registers (`webhooks run`), so these commands sit beside it."""
    for group in app.registered_groups:
        if group.name == "webhooks" and group.typer_instance is not None:
            return group.typer_instance
    webhooks = typer.Typer(no_args_is_help=True, help="Webhook delivery.")
    app.add_typer(webhooks, name="webhooks")
    return webhooks


def _sending(send: Callable[[Any, Any], Any]) -> None:
    from api.errors import ApiProblem
    from api.settings import ApiSettings
    from api.tables import open_tables

    settings = ApiSettings.from_env(os.environ)
    tables = open_tables(settings.core)
    try:
        answer = send(tables, settings)
    except ApiProblem as exc:
        typer.echo(f"refused: {exc.code}: {exc.detail}", err=True)
        raise typer.Exit(1) from None
    finally:
        tables.close()
    dump(answer.model_dump())
    outcome = getattr(answer, "outcome", answer)
    if not outcome.delivered:
        typer.echo(f"not delivered: {outcome.error}", err=True)
        raise typer.Exit(1)


def register(app: typer.Typer) -> None:
    webhooks = _webhooks_group(app)

    @webhooks.command("ping")
    def ping_webhook(webhook_id: str = typer.Argument(..., help="The endpoint's id (wh_…)")) -> None:
        """Send a signed WebhookPing to the endpoint now and print what it answered (writes nothing)."""
        from api.webhook_sends import ping

        _sending(lambda tables, settings: ping(tables, settings, webhook_id))

    @webhooks.command("redeliver")
    def redeliver(
        delivery_id: str = typer.Argument(..., help="The delivery's id (wh_…:<position>, from the delivery log)"),
        idempotency_key: Optional[str] = typer.Option(
            None, help="Give the same key to retry this command without sending twice (a new one by default)"),
    ) -> None:
        """Send a past delivery again now, with its original webhook-id; the attempt joins its log."""
        from api.webhook_sends import Redeliveries

        key = idempotency_key or f"cli-{uuid.uuid4().hex}"
        _sending(lambda tables, settings: Redeliveries.of(tables).redeliver(settings, delivery_id, key)[0])
