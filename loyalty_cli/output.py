"""How the CLI prints: JSON for results (scripts read it), problem text on stderr for refusals."""

from __future__ import annotations

import sys
from dataclasses import asdict, is_dataclass
from typing import Any, Callable, TypeVar

import orjson
import typer

from loyalty_core.errors import LoyaltyError

T = TypeVar("T")


def dump(value: Any) -> None:
    if is_dataclass(value):
        value = asdict(value)  # type: ignore[arg-type]
    sys.stdout.write(orjson.dumps(value, default=str, option=orjson.OPT_INDENT_2).decode() + "\n")


def refusing(fn: Callable[[], T]) -> T:
    """Run a command; a domain refusal prints its code and message and exits 1 (nothing was written)."""
    try:
        return fn()
    except LoyaltyError as exc:
        typer.echo(f"refused: {exc.code}: {exc.message}", err=True)
        raise typer.Exit(1) from None
