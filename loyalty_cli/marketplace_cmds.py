"""`loyalty import orders --marketplace shopee|lazada|tiki FILE`: a marketplace's orders report as sales.

The same file handling, dry run, progress bar and resumption as the other imports (loyalty_cli/imports.py);
the reading of each marketplace's report lives in adapters/marketplaces.py.
"""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Any

import typer

from adapters import marketplaces
from loyalty_cli.imports import AS_JSON, DRY_RUN, SKIP, WORKERS, _run, err, imports

MARKETPLACE = typer.Option(..., "--marketplace", help="shopee, lazada or tiki: whose report the file is")


@imports.command("orders")
def import_orders(file: Path, marketplace: str = MARKETPLACE, dry_run: bool = DRY_RUN, skip_invalid: bool = SKIP,
                  workers: int = WORKERS, as_json: bool = AS_JSON) -> None:
    """Marketplace orders (Shopee, Lazada, Tiki reports): completed orders earn; unknown buyers' orders wait."""
    if marketplace not in marketplaces.MARKETPLACES:
        err.print(f"refused: --marketplace must be one of {', '.join(marketplaces.MARKETPLACES)}")
        raise typer.Exit(2)

    def check(service: Any, header: list[Any], lines: list[list[Any]]) -> Any:
        return marketplaces.check_orders(marketplace, header, lines, service.clock())

    _run(file, dry_run, skip_invalid, workers, as_json, check, functools.partial(marketplaces.import_orders, marketplace))
