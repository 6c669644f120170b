"""`loyalty import members|purchases FILE [--dry-run]`: bring old member lists and sales into the ledger.

A dry run checks the whole file and prints every problem (row, column, what is wrong, in Vietnamese) and
writes nothing. A real run checks first, refuses a file with problems (unless `--skip-invalid`), then
writes the rows through group commit from a pool of threads, with a progress bar showing the rate and the
time left. Interrupted (Ctrl-C, a crash, the database gone), it is resumed by running the same command
again: rows already written are recognised by their receipts and not written twice.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from pathlib import Path
from typing import Any

import typer
from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    ProgressColumn,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)
from rich.table import Table
from rich.text import Text

from loyalty_cli.output import dump
from loyalty_core.errors import LoyaltyError
from loyalty_core.migration import importer
from loyalty_core.migration.checks import Checked
from loyalty_core.migration.files import read_path
from loyalty_core.runtime import open_runtime
from loyalty_core.service import enable_group_commit
from projections.pools import harden

imports = typer.Typer(no_args_is_help=True, help="Import members and purchases from CSV or Excel (.xlsx).")
err = Console(stderr=True)

DRY_RUN = typer.Option(False, "--dry-run", help="Check the file and print its problems; write nothing.")
SKIP = typer.Option(False, "--skip-invalid", help="Import the valid rows even if others have problems.")
WORKERS = typer.Option(32, min=1, max=128, help="Rows in flight at once (they share group commits).")
AS_JSON = typer.Option(False, "--json", help="Print the report as JSON (for scripts).")


class RateColumn(ProgressColumn):
    """Rows per second, as rich measures them over the last seconds."""

    def render(self, task: Any) -> Text:
        return Text(f"{task.speed:,.0f} dòng/s" if task.speed else "— dòng/s", style="progress.data.speed")


def write_in_bulk(runtime: Any) -> None:
    """Set a runtime up for thousands of commands: group commit, and the ledger's pool checking a connection
    it lent moments ago by polling its socket rather than a round trip (projections/pools.py), as the API's
    does; the plain pre-ping was a tenth of an import's time. And the garbage collector tuned as `loyalty
    serve`'s (api/collector.py): 1.16-1.28x rows/s in an A/B of 3,000 rows."""
    from api.collector import tune

    tune()
    harden(getattr(runtime.store.recorder, "datastore", None))
    enable_group_commit(runtime.service)


def print_problems(checked: Checked, as_json: bool) -> None:
    if as_json:
        dump({"rows": checked.total, "valid": len(checked.rows), "problems": [p.to_dict() for p in checked.problems]})
        return
    if checked.problems:
        table = Table(title=f"{len(checked.problems)} vấn đề trong {checked.total} dòng")
        for column in ("Dòng", "Cột", "Vấn đề"):
            table.add_column(column)
        for problem in checked.problems:
            table.add_row(str(problem.row), problem.column, problem.problem_vi)
        Console().print(table)
    Console().print(f"{len(checked.rows)}/{checked.total} dòng hợp lệ.")


def _run(path: Path, dry_run: bool, skip_invalid: bool, workers: int, as_json: bool,
         check: Callable[..., Checked], write: Callable[..., Any]) -> None:
    try:
        header, lines = read_path(path)
    except LoyaltyError as exc:
        err.print(f"refused: {exc.code}: {exc.message}")
        raise typer.Exit(1) from None
    runtime = open_runtime()
    try:
        checked = check(runtime.service, header, lines)
        if dry_run or (checked.problems and not skip_invalid):
            print_problems(checked, as_json)
            if not dry_run:
                err.print("Không ghi gì: sửa tệp hoặc dùng --skip-invalid.")
            raise typer.Exit(1 if checked.problems else 0)
        write_in_bulk(runtime)
        report = _write_with_progress(runtime.service, checked, workers, write)
        dump(report.summary() | {"invalid_rows_skipped": len({p.row for p in checked.problems}),
                                 "seconds": report.seconds})
        if report.refused:
            raise typer.Exit(1)
    finally:
        if runtime.service.batcher is not None:
            runtime.service.batcher.close()
        runtime.close()


def _write_with_progress(service: Any, checked: Checked, workers: int, write: Callable[..., Any]) -> Any:
    progress = Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), RateColumn(),
                        TimeElapsedColumn(), TextColumn("còn"), TimeRemainingColumn(), console=err)
    with progress:
        task = progress.add_task("Đang nhập", total=len(checked.rows))
        try:
            return write(service, checked, workers=workers, on_done=lambda _: progress.advance(task))
        except Exception as exc:  # noqa: BLE001 - the store failed: say how to resume, not a traceback
            progress.stop()
            err.print(f"Đã dừng giữa chừng ({type(exc).__name__}: {exc}). Chạy lại đúng lệnh này để tiếp tục: "
                      "các dòng đã nhập sẽ không bị nhập lại.")
            raise typer.Exit(2) from None


@imports.command("members")
def import_members(file: Path, dry_run: bool = DRY_RUN, skip_invalid: bool = SKIP, workers: int = WORKERS,
                   as_json: bool = AS_JSON) -> None:
    """Members with opening balances, tiers and expiry (phone, name, birthday, points, tier, points_expire_at)."""
    _run(file, dry_run, skip_invalid, workers, as_json, importer.check_members, importer.import_members)


@imports.command("purchases")
def import_purchases(file: Path, dry_run: bool = DRY_RUN, skip_invalid: bool = SKIP, workers: int = WORKERS,
                     as_json: bool = AS_JSON,
                     earn: bool = typer.Option(False, "--earn", help="Price each sale with the rules of its own "
                                               "date (and hold sales for phones not enrolled yet); by default "
                                               "they are history only.")) -> None:
    """Historical purchases (phone, transaction_ref, total, occurred_at, store_id): history, or --earn."""
    write = functools.partial(importer.import_purchases, earn=earn)
    _run(file, dry_run, skip_invalid, workers, as_json, importer.check_purchases, write)


def register(app: typer.Typer) -> None:
    from loyalty_cli import (
        bulk,  # grants and exports share this module's file handling and progress
        marketplace_cmds,  # noqa: F401  # `import orders`: Shopee, Lazada, Tiki reports
    )

    app.add_typer(imports, name="import")
    bulk.register(app)
