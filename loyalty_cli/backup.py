"""`loyalty backup FILE` and `loyalty restore FILE`: a consistent copy of the whole store, and back.

SQLite: the online backup API (`sqlite3.Connection.backup`) copies the file page by page while the
service keeps writing, and the copy is a consistent snapshot. PostgreSQL: `pg_dump --format=custom`
(one repeatable-read transaction, so events, seals, receipts, snapshots and the read side all come from
the same instant) and `pg_restore` into an empty database. A restored copy is proved with `loyalty audit
verify` (every seal) and `loyalty audit replay` (folds, snapshots, projections): `--verify` runs both.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlparse

import typer

from loyalty_core.settings import Settings


class BackupError(Exception):
    """A backup or restore could not be made; the message says why, in one line."""


def _sqlite_path(settings: Settings) -> Path:
    return Path(unquote(urlparse(settings.database_url).path[1:]))


def _pg_parts(settings: Settings) -> tuple[str, str | None]:
    """(a libpq connection URL without our `schema` parameter, the schema if one is named)."""
    url = urlparse(settings.database_url)
    schema = parse_qs(url.query).get("schema", [None])[0]
    return url._replace(query="", scheme="postgresql").geturl(), schema


def _tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        raise BackupError(f"{name} is not installed (Debian: apt-get install postgresql-client)")
    return path


def backup(settings: Settings, target: Path) -> Path:
    if target.exists():
        raise BackupError(f"{target} exists already; choose a new file")
    target.parent.mkdir(parents=True, exist_ok=True)
    if not settings.is_postgres:
        source_path = _sqlite_path(settings)
        if not source_path.exists():
            raise BackupError(f"no store at {source_path}")
        source, copy = sqlite3.connect(source_path), sqlite3.connect(target)
        try:
            with copy:
                source.backup(copy)
        except sqlite3.Error as exc:
            target.unlink(missing_ok=True)
            raise BackupError(f"the copy failed: {exc}") from None
        finally:
            source.close()
            copy.close()
        return target
    url, schema = _pg_parts(settings)
    command = [_tool("pg_dump"), "--format=custom", "--no-owner", f"--file={target}", f"--dbname={url}"]
    if schema:
        command.append(f"--schema={schema}")
    _run(command)
    return target


def restore(settings: Settings, source: Path, force: bool = False) -> None:
    if not source.exists():
        raise BackupError(f"no backup at {source}")
    if not settings.is_postgres:
        target_path = _sqlite_path(settings)
        if target_path.exists() and target_path.stat().st_size and not force:
            raise BackupError(f"{target_path} holds a store already; restore into a new path or pass --force")
        target_path.parent.mkdir(parents=True, exist_ok=True)
        existed = target_path.exists()
        backup_db, target = sqlite3.connect(f"file:{source}?mode=ro", uri=True), sqlite3.connect(target_path)
        try:
            with target:
                backup_db.backup(target)
        except sqlite3.Error as exc:
            target.close()
            if not existed:
                target_path.unlink(missing_ok=True)
            raise BackupError(f"{source} is not a SQLite backup ({exc})") from None
        finally:
            backup_db.close()
            target.close()
        return
    url, _ = _pg_parts(settings)
    command = [_tool("pg_restore"), "--no-owner", "--exit-on-error", f"--dbname={url}", str(source)]
    if force:
        command[1:1] = ["--clean", "--if-exists"]
    _run(command)


def _run(command: list[str]) -> None:
    done = subprocess.run(command, capture_output=True, text=True, env={**os.environ, "PGCONNECT_TIMEOUT": "10"})
    if done.returncode != 0:
        first = (done.stderr.strip().splitlines() or ["failed"])[-1]
        raise BackupError(f"{Path(command[0]).name}: {first}")


def _prove(settings: Settings) -> bool:
    from projections.audit_run import replay_store, verify_store

    verification = verify_store(settings)
    report = replay_store(settings)
    typer.echo(f"audit verify: {'ok' if verification.ok else 'FAILED'}; "
               f"audit replay: {report.members} members, {report.events} events, "
               f"{len(report.differences)} differences")
    return bool(verification.ok) and report.ok


def register(app: typer.Typer) -> None:
    @app.command("backup")
    def backup_command(target: Path = typer.Argument(..., help="The backup file to write (must not exist)"),
                       verify: bool = typer.Option(False, "--verify",
                                                   help="Audit the store after the copy is made")) -> None:
        """Copy the whole store (events, seals, receipts, read side) into one file, while it runs."""
        settings = Settings.from_env(os.environ)
        try:
            backup(settings, target)
        except BackupError as exc:
            typer.echo(f"backup failed: {exc}", err=True)
            raise typer.Exit(1) from None
        typer.echo(f"backup written: {target} ({target.stat().st_size} bytes)")
        if verify and not _prove(settings):
            raise typer.Exit(1)

    @app.command("restore")
    def restore_command(source: Path = typer.Argument(..., help="A file written by `loyalty backup`"),
                        force: bool = typer.Option(False, "--force", help="Replace what the target holds"),
                        verify: bool = typer.Option(True, "--verify/--no-verify",
                                                    help="Run audit verify and replay on the restored store")
                        ) -> None:
        """Restore a backup into the store LOYALTY_DATABASE_URL names (empty unless --force), then audit it."""
        settings = Settings.from_env(os.environ)
        try:
            restore(settings, source, force=force)
        except BackupError as exc:
            typer.echo(f"restore failed: {exc}", err=True)
            raise typer.Exit(1) from None
        typer.echo(f"restored {source} into {settings.database_url.split('@')[-1]}")
        if verify and not _prove(settings):
            raise typer.Exit(1)
