"""`loyalty grant` (the same bonus to a list or a segment, each member once) and `loyalty export`
(members, balances or a segment to CSV or Excel), with progress bars on both."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from uuid import UUID

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from loyalty_cli.imports import RateColumn, err, print_problems, write_in_bulk
from loyalty_cli.output import dump
from loyalty_core.errors import LoyaltyError
from loyalty_core.migration import exports
from loyalty_core.migration.files import read_path, write_table
from loyalty_core.migration.grants import Grant, check_grant_file, run_grant, segment_targets
from loyalty_core.migration.rows import end_of_local_day, parse_date
from loyalty_core.runtime import open_runtime

PAGE = 500


def _segment_pages(runtime: Any, name: str) -> Iterator[Any]:
    from projections.queries import ReadModels  # the read side, only when a segment is asked for

    models = ReadModels.open(runtime.settings)
    try:
        try:
            page = models.list_segment(name, limit=PAGE)
        except ValueError as exc:
            err.print(f"refused: invalid_input: {exc}")
            raise typer.Exit(1) from None
        yield page
        while page.next_cursor:
            page = models.list_segment(name, limit=PAGE, cursor=page.next_cursor)
            yield page
    finally:
        models.close()


def _progress(total: int | None) -> Progress:
    return Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), RateColumn(),
                    TimeElapsedColumn(), console=err)


def grant(grant_id: str = typer.Option(..., "--grant-id", help="Names this grant; re-running it credits nobody twice."),
          points: int = typer.Option(..., help="Points for each member (a file's points column overrides)."),
          reason: str = typer.Option(..., help="Why, shown to the member and in the audit trail."),
          file: Path | None = typer.Option(None, help="CSV/xlsx with phone, member_code or member_id."),
          segment: str | None = typer.Option(None, help="A read-side segment: vip, churn_risk, rfm:555, …"),
          expires: str | None = typer.Option(None, help="Points expire after this day (dd/mm/yyyy)."),
          dry_run: bool = typer.Option(False, "--dry-run", help="Check the file; credit nobody."),
          workers: int = typer.Option(16, min=1, max=128)) -> None:
    """Credit the same bonus to every member of a list or a segment, each exactly once."""
    if (file is None) == (segment is None):
        err.print("refused: give exactly one of --file and --segment")
        raise typer.Exit(1)
    try:
        expires_at = end_of_local_day(parse_date(expires)).astimezone(UTC) if expires else None
    except ValueError as exc:
        err.print(f"refused: invalid_input: {exc}")
        raise typer.Exit(1) from None
    runtime = open_runtime()
    try:
        the_grant = Grant(grant_id, points, reason, actor="cli", expires_at=expires_at)
        if file is not None:
            checked = check_grant_file(*_read(file))
            if dry_run or checked.problems:
                print_problems(checked, as_json=False)
                raise typer.Exit(1 if checked.problems else 0)
            targets: Any = checked.rows
        else:
            targets = segment_targets(_segment_pages(runtime, segment or ""))
        write_in_bulk(runtime)
        with _progress(None) as progress:
            task = progress.add_task("Đang cộng điểm", total=len(targets) if isinstance(targets, list) else None)
            report = run_grant(runtime.service, the_grant, targets, workers=workers,
                               on_done=lambda _: progress.advance(task))
        dump(report.summary() | {"seconds": report.seconds})
        if report.refused:
            raise typer.Exit(1)
    except LoyaltyError as exc:
        err.print(f"refused: {exc.code}: {exc.message}")
        raise typer.Exit(1) from None
    finally:
        if runtime.service.batcher is not None:
            runtime.service.batcher.close()
        runtime.close()


def _read(file: Path) -> tuple[list[Any], list[list[Any]]]:
    try:
        return read_path(file)
    except LoyaltyError as exc:
        err.print(f"refused: {exc.code}: {exc.message}")
        raise typer.Exit(1) from None


def export(what: str = typer.Argument(..., help="members (with personal data), balances, or segment"),
           output: Path = typer.Option(..., "--output", "-o", help="A .csv or .xlsx file to write."),
           segment: str | None = typer.Option(None, help="The segment, for `export segment`.")) -> None:
    """Export members, balances or a segment's members to CSV or Excel, straight from the ledger."""
    if what not in ("members", "balances", "segment") or (what == "segment") != (segment is not None):
        err.print("refused: export members|balances, or export segment --segment NAME")
        raise typer.Exit(1)
    runtime = open_runtime()
    try:
        if what == "segment":
            ids: Any = (m.member_id for page in _segment_pages(runtime, segment or "") for m in page.members)
        else:
            ids = runtime.store.member_ids()
        with _progress(None) as progress:
            task = progress.add_task("Đang xuất", total=None)
            counted = _counting(ids, lambda: progress.advance(task))
            if what == "members":
                written = write_table(output, exports.MEMBER_HEADER, exports.members(runtime.service, counted))
            else:
                written = write_table(output, exports.BALANCE_HEADER, exports.balances(runtime.service, counted))
        dump({"rows": written, "output": str(output)})
    finally:
        runtime.close()


def _counting(ids: Any, tick: Any) -> Iterator[UUID]:
    for member_id in ids:
        tick()
        yield member_id


def claim_receipt(member: str,
                  transaction_ref: str = typer.Argument("", help="The receipt number on the bill."),
                  sale_channel: str = typer.Option("pos", help="The channel that recorded the sale."),
                  lookup_code: str | None = typer.Option(None, "--lookup-code",
                                                         help="The e-invoice lookup code, not the receipt."),
                  key: str | None = typer.Option(None, "--key", help="Idempotency key.")) -> None:
    """Credit a sale recorded without a member to MEMBER from its receipt number or its e-invoice lookup code
    (tích điểm sau): once, to one member."""
    from loyalty_cli.ledger_cmds import _key, _ref, _run
    from loyalty_core.identity.receipts import ClaimReceipt

    _run(ClaimReceipt(idempotency_key=_key(key), member=_ref(member), transaction_ref=transaction_ref,
                      sale_channel=sale_channel, invoice_lookup_code=lookup_code))


def subject_access(member: str = typer.Argument(..., help="Phone, email, member code or id"),
                   format: str = typer.Option("json", "--format", help="json, or csv (one table for Excel)."),
                   output: Path | None = typer.Option(None, "--output", "-o",
                                                      help="Write to this file instead of printing.")) -> None:
    """Everything held about one member (profile, consent, balance, every event in plain Vietnamese, the
    messages sent), as JSON or CSV: the same export as GET /v1/members/{id}/subject-access. Writes nothing."""
    import json
    from types import SimpleNamespace

    from api import subject_access as sar
    from loyalty_cli.ledger_cmds import _ref
    from loyalty_cli.output import refusing
    from messaging.runner import open_outbox

    if format not in ("json", "csv"):
        err.print("refused: invalid_input: --format is json or csv")
        raise typer.Exit(1)
    runtime = open_runtime()
    outbox = open_outbox(runtime.settings)  # the messages live in the read side's database, as for the API
    try:
        found = refusing(lambda: runtime.service.resolve(_ref(member)))
        data = refusing(lambda: sar.gather(SimpleNamespace(service=runtime.service, runtime=runtime), found.id,
                                           outbox))
        text = sar.as_csv(data) if format == "csv" else json.dumps(data, ensure_ascii=False, indent=2, default=str)
        if output is None:
            typer.echo(text.removeprefix("\ufeff"))  # the byte-order mark is for Excel opening a file
        else:
            output.write_text(text, encoding="utf-8")
            err.print(f"{output}: {len(data['events'])} sự kiện, {len(data['messages'])} tin nhắn")
    finally:
        outbox.store.close()
        runtime.close()


def register(app: typer.Typer) -> None:
    app.command("grant")(grant)
    app.command("export")(export)
    app.command("claim-receipt")(claim_receipt)
    app.command("subject-access")(subject_access)


__all__ = ["Console", "datetime", "register"]
