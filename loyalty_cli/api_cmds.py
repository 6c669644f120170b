"""API commands: `loyalty serve`, `loyalty keys create|revoke|list`, `loyalty webhooks run`."""

from __future__ import annotations

import os
import signal
import threading
from pathlib import Path
from typing import List, Optional

import typer

from loyalty_cli.output import dump


def _settings():  # imported lazily: `loyalty --help` should not import FastAPI
    from api.settings import ApiSettings

    return ApiSettings.from_env(os.environ)


def _worker_count(asked: Optional[int], postgres: bool) -> int:
    """SQLite has one writer, so it runs one process: asking for more is refused, the default is 1."""
    if not postgres:
        if asked is not None and asked > 1:
            typer.echo("refused: --workers above 1 needs PostgreSQL; SQLite allows one writing process "
                       "(use --workers 1, or LOYALTY_DATABASE_URL=postgresql://...)", err=True)
            raise typer.Exit(2)
        return 1
    if asked is not None:
        return asked
    from api.workers import usable_cores

    return usable_cores()


def register(app: typer.Typer) -> None:
    keys = typer.Typer(no_args_is_help=True, help="API keys: create, rotate, revoke, list. The key-encryption keys "
                                                  "of personal data: status, new-kek, rotate-kek, drop-retired.")
    webhooks = typer.Typer(no_args_is_help=True, help="Webhook delivery.")
    app.add_typer(keys, name="keys")
    app.add_typer(webhooks, name="webhooks")

    @app.command()
    def serve(host: str = typer.Option("127.0.0.1", help="Interface to listen on (0.0.0.0 in a container)"),
              port: int = typer.Option(8000, help="TCP port"),
              workers: Optional[int] = typer.Option(
                  None, min=1, max=256, envvar="LOYALTY_WORKERS",
                  help="API processes, each owning a share of the members (default: the usable cores on "
                       "PostgreSQL, 1 on SQLite; 1 = one process, no dispatcher)")) -> None:
        """Serve the HTTP API (OpenAPI docs at /docs) on the store LOYALTY_DATABASE_URL names."""
        settings = _settings()
        count = _worker_count(workers, settings.core.is_postgres)
        if count > 1:
            from api.workers import supervise

            raise typer.Exit(supervise(host, port, count))
        import uvicorn

        from api.main import create_app

        from api.collector import tune

        app_ = create_app(settings)
        tune()
        try:
            # Access logging is off: on this hot path it costs more than the request (design/libraries.md).
            uvicorn.run(app_, host=host, port=port, access_log=False, log_level="info")
        finally:
            app_.state.api.close()

    @keys.command("create")
    def create_key(
        role: str = typer.Option(..., help="channel | staff | auditor | analyst | admin"),
        channel: Optional[str] = typer.Option(None, help="The channel a channel key acts for: pos, web"),
        store: List[str] = typer.Option([], "--store", help="A store the key may act for (repeat)"),
        label: Optional[str] = typer.Option(None, help="A note for whoever reads `keys list`"),
        expires_in_days: Optional[int] = typer.Option(None, min=1, max=3650,
                                                      help="Refuse the key after this many days"),
        rate_limit: Optional[str] = typer.Option(None, help="This key's own limit, e.g. 600/minute"),
    ) -> None:
        """Create an API key and print it (alone, on stdout: it is shown only once)."""
        from datetime import datetime, timedelta, timezone

        from api.keys import KeyRing
        from api.tables import open_tables

        expires_at = datetime.now(timezone.utc) + timedelta(days=expires_in_days) if expires_in_days else None
        tables = open_tables(_settings().core)
        try:
            _, token = KeyRing(tables).create(role, channel=channel, stores=tuple(store), label=label,
                                              expires_at=expires_at, rate_limit=rate_limit)
        except ValueError as exc:
            typer.echo(f"refused: {exc}", err=True)
            raise typer.Exit(1) from None
        finally:
            tables.close()
        typer.echo(token)

    @keys.command("revoke")
    def revoke_key(key_id: str) -> None:
        """Revoke a key by its id (running servers stop accepting it within a few seconds)."""
        from api.keys import KeyRing
        from api.tables import open_tables

        tables = open_tables(_settings().core)
        try:
            found = KeyRing(tables).revoke(key_id)
        finally:
            tables.close()
        if not found:
            typer.echo(f"refused: no key {key_id}", err=True)
            raise typer.Exit(1)
        typer.echo(f"revoked {key_id}", err=True)

    @keys.command("rotate")
    def rotate_key(key_id: str, overlap_hours: float = typer.Option(
            24.0, min=0, max=24 * 90, help="How long the old key keeps working beside the new one")) -> None:
        """Make a new key like KEY_ID and print it; the old key expires after the overlap."""
        from datetime import timedelta

        from api.keys import KeyRing
        from api.tables import open_tables

        tables = open_tables(_settings().core)
        try:
            key, token = KeyRing(tables).rotate(key_id, timedelta(hours=overlap_hours))
        except ValueError as exc:
            typer.echo(f"refused: {exc}", err=True)
            raise typer.Exit(1) from None
        finally:
            tables.close()
        typer.echo(f"new key {key.key_id} replaces {key_id}; {key_id} expires in {overlap_hours:g} h",
                   err=True)
        typer.echo(token)

    @keys.command("list")
    def list_keys() -> None:
        """List keys (ids, roles, channels, stores, expiry, last use; never the secrets)."""
        from api.keys import KeyRing
        from api.tables import open_tables

        tables = open_tables(_settings().core)
        try:
            dump([key.public() for key in KeyRing(tables).list()])
        finally:
            tables.close()

    @webhooks.command("run")
    def run_webhooks(
        heartbeat_file: Optional[Path] = typer.Option(
            None, help="Touch this file after every healthy step (for a container health check)"
        ),
    ) -> None:
        """Deliver webhooks until interrupted (SIGTERM or Ctrl-C); safe to run in several processes."""
        from dataclasses import replace

        from api.tables import open_tables
        from api.webhooks import run_dispatcher
        from loyalty_core.runtime import open_runtime

        settings = _settings()
        settings = replace(settings, core=settings.core.for_role("webhooks"))
        runtime = open_runtime(settings.core)
        tables = open_tables(settings.core)
        stop = threading.Event()
        for sig in (signal.SIGINT, signal.SIGTERM):
            signal.signal(sig, lambda *_: stop.set())
        beat = heartbeat_file.touch if heartbeat_file else None
        from projections.process_metrics import LoopMetrics, serve_metrics

        metrics = LoopMetrics("webhooks")
        serve_metrics(metrics, os.environ)  # on LOYALTY_METRICS_PORT, if set
        try:
            run_dispatcher(runtime.store, tables, settings, stop=stop, heartbeat=beat, metrics=metrics)
        finally:
            tables.close()
            runtime.close()
