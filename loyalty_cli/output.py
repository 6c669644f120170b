"""How the CLI prints: JSON for results (scripts read it), problem text on stderr for refusals."""

from __future__ import annotations

import sys
from dataclasses import asdict, is_dataclass
from typing import Any, Callable, NoReturn, TypeVar

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


def run_guarded(app: Callable[..., Any]) -> None:
    """Run the CLI so that nothing ends in a Python traceback: a refusal prints its code, anything else one line
    naming what went wrong (exit 1). `LOYALTY_DEBUG=1` lets the traceback through for whoever debugs the CLI."""
    import os

    try:
        app()
    except SystemExit:
        raise
    except KeyboardInterrupt:
        typer.echo("interrupted", err=True)
        raise SystemExit(130) from None
    except LoyaltyError as exc:
        typer.echo(f"refused: {exc.code}: {exc.message}", err=True)
        raise SystemExit(1) from None
    except Exception as exc:  # noqa: BLE001 - the last line of defence: say what failed, in one line
        if os.environ.get("LOYALTY_DEBUG"):
            raise
        first = (str(exc).strip().splitlines() or [""])[0][:300]
        typer.echo(f"error: {type(exc).__name__}: {first or 'failed'} (LOYALTY_DEBUG=1 shows the details)",
                   err=True)
        raise SystemExit(1) from None


def fail(message: str) -> NoReturn:
    """A usage error as one line on stderr (exit 2); nothing was written."""
    typer.echo(f"error: {message}", err=True)
    raise typer.Exit(2)
