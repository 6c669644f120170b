"""`loyalty quickstart` (what `make run` runs): the demo program, demo keys, the worker and the API.

One process on SQLite: the API serves on the main thread, the worker (projections, scheduled work) and
the webhook dispatcher run as threads beside it, because a SQLite file wants one writing process.
"""

from __future__ import annotations

import json
import os
import threading
from pathlib import Path
from typing import Any

import typer

from loyalty_core.runtime import open_runtime
from loyalty_core.wakeups import WakeUps

DEMO_KEYS = (
    ("POS tại HCM-01 (kênh pos)", "channel", "pos", ("HCM-01",)),
    ("Web shop (kênh web)", "channel", "web", ()),
    ("CSKH staff", "staff", None, ()),
    ("Auditor", "auditor", None, ()),
    ("Analyst", "analyst", None, ()),
    ("Admin", "admin", None, ()),
)
DEMO_KEYS_FILE = Path("data/demo-keys.json")
"""The demo keys of the last `make run`, reused while the store still knows them (readable by you only)."""


def demo_keys(ring: Any, path: Path = DEMO_KEYS_FILE) -> list[tuple[str, str]]:
    """(label, token) of each demo key: the saved one while it still authenticates, else a new demo key
    (refused outside development: api/key_lifecycle.py). `ring` must accept demo keys."""
    try:
        saved = json.loads(path.read_text())
    except (OSError, ValueError):
        saved = {}
    saved = saved if isinstance(saved, dict) else {}
    found = []
    for label, role, channel, stores in DEMO_KEYS:
        token = saved.get(label)
        if not isinstance(token, str) or ring.authenticate(token) is None:
            _, token = ring.create(role, channel=channel, stores=stores, label=f"demo: {label}", demo=True)
        found.append((label, token))
    path.parent.mkdir(parents=True, exist_ok=True)
    path.touch(mode=0o600)
    path.write_text(json.dumps(dict(found), ensure_ascii=False, indent=1))
    return found


def register(app: typer.Typer) -> None:
    @app.command()
    def quickstart(host: str = "127.0.0.1", port: int = 8000) -> None:
        """Install the demo program, print demo keys, start the worker and serve the API."""
        import uvicorn

        from api.keys import KeyRing
        from api.main import create_app
        from api.settings import ApiSettings
        from api.tables import open_tables
        from api.webhooks import run_dispatcher
        from projections.worker import run_worker

        from dataclasses import replace

        settings = ApiSettings.from_env(os.environ)
        if not os.environ.get("LOYALTY_ENV"):
            settings = replace(settings, environment="development")  # the demo is development by definition
        runtime = open_runtime(settings.core)
        installed = runtime.service.policy.install_demo(runtime.service.clock())
        tables = open_tables(settings.core)
        ring = KeyRing(tables, allow_demo=True)
        typer.echo(f"Store: {settings.core.database_url}")
        typer.echo("Demo program: Cà Phê Sài Gòn " + ("(installed)" if installed else "(already installed)"))
        typer.echo(f"Demo API keys (kept in {DEMO_KEYS_FILE}; use as 'Authorization: Bearer <key>'):")
        if settings.environment != "development":
            typer.echo(f"  (LOYALTY_ENV={settings.environment}: the API refuses these demo keys)")
        for label, token in demo_keys(ring):
            typer.echo(f"  {label:28} {token}")
        stop = threading.Event()
        worker = threading.Thread(target=run_worker, name="worker", daemon=True,
                                  args=(settings.core, stop, 1.0, WakeUps(runtime.service, every_seconds=30)))
        webhooks = threading.Thread(target=run_dispatcher, name="webhooks", daemon=True,
                                    args=(runtime.store, tables, settings), kwargs={"stop": stop})
        from faces.console.demo import ensure_demo_accounts

        typer.echo(f"Staff console: http://{host}:{port}/console/  (demo accounts, one per role)")
        for username, password, role, stores in ensure_demo_accounts(tables):
            where = f" {', '.join(stores)}" if stores else ""
            typer.echo(f"  {role + where:28} {username} / {password}")
        worker.start()
        webhooks.start()
        from messaging.development import start_in_development  # local ZNS, SMS and SMTP stand-ins

        messages = start_in_development(settings.core, runtime.service, stop, os.environ,
                                        f"http://{host}:{port}")
        typer.echo(messages.describe())
        typer.echo(f"API:  http://{host}:{port}   docs: http://{host}:{port}/docs")
        typer.echo(f"Member app (open on a phone-sized window): http://{host}:{port}/app/ "
                   "(sign-in codes are printed here, in this log)")
        typer.echo("Try: curl -H 'Authorization: Bearer <POS key>' "
                   f"'http://{host}:{port}/v1/members/lookup?phone=0901234567'")
        app = create_app(settings)
        try:
            uvicorn.run(app, host=host, port=port, access_log=False, log_level="warning")
        finally:
            stop.set()
            worker.join(timeout=10)
            webhooks.join(timeout=10)
            messages.close()
            app.state.api.close()
            tables.close()
            runtime.close()
