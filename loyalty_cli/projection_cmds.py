"""Read-side commands: the worker, projection status and rebuilds, the auditor's tools, balance as of."""

from __future__ import annotations

import json
import logging
import os
import signal
import threading
from datetime import datetime
from pathlib import Path
from typing import Optional

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from loyalty_cli.ledger_cmds import _ref
from loyalty_cli.output import dump, refusing
from loyalty_core.settings import Settings

console = Console(stderr=True)
projections_app = typer.Typer(no_args_is_help=True, help="Read models: status and rebuilds.")
audit_app = typer.Typer(no_args_is_help=True,
                        help="Auditor's tools: replay, verify the sealed log, signed checkpoints.")


def _settings() -> Settings:
    return Settings.from_env(os.environ)


def _progress() -> Progress:
    return Progress(TextColumn("[bold]{task.description}"), BarColumn(), MofNCompleteColumn(),
                    TextColumn("{task.fields[rate]:>8} events/s"), TimeElapsedColumn(), console=console)


@projections_app.command("status")
def status() -> None:
    """Show each projection's generation, position and lag behind the log."""
    from projections.catalog import ReadSide

    settings = _settings()
    side = ReadSide.open(settings)
    store = side.open_ledger(settings)
    try:
        table = Table("projection", "generation", "position", "head", "lag")
        for s in side.status(store.max_notification_id()):
            table.add_row(s.name, str(s.generation), str(s.position), str(s.head), str(s.lag))
        Console().print(table)
    finally:
        side.close()
        store.close()


@projections_app.command("rebuild")
def rebuild(name: Optional[str] = typer.Argument(None, help="Projection to rebuild"),
            all_: bool = typer.Option(False, "--all", help="Rebuild every projection"),
            batch_size: int = typer.Option(5000, help="Events per transaction")) -> None:
    """Replay the log into fresh tables, swap them in, drop the old ones."""
    from projections.catalog import PROJECTIONS
    from projections.rebuild import rebuild as run_rebuild

    names = list(PROJECTIONS) if all_ else [name] if name else []
    if not names or (name and name not in PROJECTIONS):
        console.print(f"name a projection ({', '.join(PROJECTIONS)}) or pass --all")
        raise typer.Exit(2)
    with _progress() as progress:
        task = progress.add_task(f"rebuilding {', '.join(names)}", total=None, rate="-")
        started = [0.0]

        def on_start(head: int) -> None:
            progress.update(task, total=head)
            started[0] = progress.get_time()

        def on_batch(position: int, head: int, _: int) -> None:
            elapsed = max(progress.get_time() - started[0], 1e-9)
            progress.update(task, completed=position, rate=f"{int(position / elapsed):,}")

        report = run_rebuild(_settings().for_role("rebuild"), names, batch_size=batch_size, on_start=on_start,
                             on_batch=on_batch)
    dump({"rebuilt": report.generations, "notifications": report.notifications,
          "seconds": round(report.seconds, 2), "events_per_second": report.per_second,
          "dead_letters": report.dead_letters, "processes": report.processes})  # events set aside: `loyalty projections dead-letters`


def worker(poll_interval: float = typer.Option(1.0, help="Seconds to wait when there is nothing to do"),
           batch_size: Optional[int] = typer.Option(
               None, min=1, help="Events per transaction when behind (default 5,000 on PostgreSQL, 1,000 on SQLite)"),
           projections: Optional[str] = typer.Option(
               None, help="Keep only these projections (comma-separated), so that a second worker on the "
                          "others uses another core; default every one")) -> None:
    """Keep every projection and the audit chain up to date until stopped (SIGTERM or Ctrl-C)."""
    from loyalty_core.runtime import open_runtime
    from loyalty_core.wakeups import WakeUps
    from projections.catalog import check_names
    from projections.worker import run_worker

    only = None if projections is None else [n.strip() for n in projections.split(",") if n.strip()]
    try:
        if only is not None:
            check_names(only)  # before any connection is opened
    except ValueError as refused:
        console.print(str(refused), soft_wrap=True)
        raise typer.Exit(2) from None

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(levelname)s %(message)s")
    stop = threading.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda *_: stop.set())
    from projections.process_metrics import LoopMetrics, serve_metrics

    metrics = LoopMetrics("worker")
    serve_metrics(metrics, os.environ)  # on LOYALTY_METRICS_PORT, if set
    runtime = open_runtime(_settings().for_role("worker"))
    try:  # scheduled work (expiry, pending release, timeouts, tier review, birthdays) every 30 s
        run_worker(runtime.settings, stop, poll_interval, WakeUps(runtime.service, every_seconds=30),
                   batch_size=batch_size, metrics=metrics, projections=only)
    finally:
        runtime.close()


@audit_app.command("replay")
def audit_replay() -> None:
    """Re-fold every member from its events and compare with the balances projection."""
    from projections.audit_run import replay_store

    report = replay_store(_settings())
    for d in report.differences[:100]:
        console.print(f"[red]{d.member_id}[/red] {d.what}: stored {d.stored} folded {d.folded}")
    dump({"members": report.members, "events": report.events, "position": report.position,
          "differences": len(report.differences)})
    if not report.ok:
        raise typer.Exit(1)


@audit_app.command("verify")
def audit_verify(
    against: Optional[Path] = typer.Option(None, "--against", help="A signed digest from `audit checkpoint`: "
                                           "also prove nothing up to it changed"),
    public_key: Optional[Path] = typer.Option(None, "--public-key", help="The auditor's public key "
                                              "(from keygen); without it, the key inside the digest"),
) -> None:
    """Check every stored event against its seal; name every edited, deleted, inserted or reordered row."""
    from projections.audit_run import verify_store
    from projections.checkpoints import CheckpointError, read_digest
    from projections.sealed_log import NoEventStore

    mark, signer = None, None
    if against is not None:
        try:
            mark, signer = read_digest(against, public_key)
        except CheckpointError as exc:
            console.print(f"[red]{exc}[/red]", soft_wrap=True)
            raise typer.Exit(2)
    try:
        result = verify_store(_settings(), mark)
    except NoEventStore as exc:
        console.print(f"[red]{exc}[/red]", soft_wrap=True)
        raise typer.Exit(2)
    for p in result.problems[:100]:
        console.print(f"[red]position {p.position}: {p.kind}[/red] ({p.detail})", soft_wrap=True)
    report = {"ok": result.ok, "checked": result.checked, "events": result.events, "seals": result.seals,
              "head": max(result.head, 0), "problems": [f"{p.kind}@{p.position}" for p in result.problems[:100]]}
    if mark is not None:
        report["against"] = {"position": mark.position, "events": mark.events, "signer": signer,
                             "pinned_key": public_key is not None}
    dump(report)
    if not result.ok:
        raise typer.Exit(1)


KEY_FILE = typer.Option(None, "--key", envvar="LOYALTY_AUDIT_KEY_FILE",
                        help="The auditor's Ed25519 private key (PEM), from `audit keygen`")


@audit_app.command("checkpoint")
def audit_checkpoint(key: Optional[Path] = KEY_FILE,
                     out: Path = typer.Option(..., "--out", help="Where to write the signed digest (JSON)")) -> None:
    """Verify the whole log, then sign its digest with the auditor's key and write it to a file."""
    from projections.audit_run import checkpoint_store
    from projections.checkpoints import CheckpointError, fingerprint, load_private_key
    from projections.sealed_log import NoEventStore

    try:
        verification, document = checkpoint_store(_settings(), load_private_key(key))
        out.write_text(json.dumps(document, indent=2) + "\n", encoding="utf-8")
    except NoEventStore as exc:
        console.print(f"[red]{exc}[/red]", soft_wrap=True)
        raise typer.Exit(2)
    except CheckpointError as exc:
        console.print(f"[red]{exc}[/red]", soft_wrap=True)
        raise typer.Exit(1 if "does not verify" in str(exc) else 2)
    except OSError as exc:
        console.print(f"[red]cannot write {out}: {exc.strerror}[/red]", soft_wrap=True)
        raise typer.Exit(2)
    dump({"position": document["position"], "events": document["events"], "seal": document["seal"],
          "signer": fingerprint(document["public_key"]), "written": str(out)})


@audit_app.command("adopt")
def audit_adopt() -> None:
    """Seal the events written before sealing existed (once, after upgrading; then sign a checkpoint)."""
    from projections.adopt import AdoptionRefused
    from projections.audit_run import adopt_store
    from projections.sealed_log import NoEventStore

    try:
        adoption = adopt_store(_settings())
    except (AdoptionRefused, NoEventStore) as exc:
        console.print(f"[red]refused: {exc}[/red]", soft_wrap=True)
        raise typer.Exit(1 if isinstance(exc, AdoptionRefused) else 2)
    dump({"adopted": adoption.adopted, "resealed": adoption.resealed})


@audit_app.command("keygen")
def audit_keygen(out: Path = typer.Option(..., "--out", help="Private key file to create (mode 0600); "
                                          "the public key goes next to it as OUT.pub")) -> None:
    """Make the auditor's Ed25519 signing key (keep it outside the database and the code)."""
    from projections.checkpoints import CheckpointError, fingerprint, generate_key

    try:
        public = generate_key(out)
    except CheckpointError as exc:
        console.print(f"[red]{exc}[/red]", soft_wrap=True)
        raise typer.Exit(2)
    dump({"private_key": str(out), "public_key": str(public),
          "fingerprint": fingerprint(public.read_text(encoding="ascii").strip())})


AT = typer.Option(..., help="Instant, ISO 8601 with offset")


def balance_as_of(member: str, at: datetime = AT) -> None:
    """Show a member's balance as the ledger recorded it at a past instant."""
    from loyalty_core.runtime import open_runtime
    from projections.audit import balance_as_of as fold_as_of

    if at.tzinfo is None:
        console.print("give --at with a UTC offset, e.g. 2026-01-31T23:59:59+07:00")
        raise typer.Exit(2)
    runtime = open_runtime(_settings())
    try:
        found = refusing(lambda: runtime.service.resolve(_ref(member)))
        balance = fold_as_of(runtime.store, found.id, at)
        dump({"member_id": str(found.id), "at": at.isoformat(), "balance": balance})
    finally:
        runtime.close()


def register(app: typer.Typer) -> None:
    app.command("worker")(worker)
    app.command("balance-as-of")(balance_as_of)
    from loyalty_cli.dead_letter_cmds import dead_letters_app

    projections_app.add_typer(dead_letters_app, name="dead-letters")
    app.add_typer(projections_app, name="projections")
    app.add_typer(audit_app, name="audit")
