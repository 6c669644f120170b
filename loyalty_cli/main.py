"""The `loyalty` command line: the ledger, the program, the read side and the service, on the store that
`LOYALTY_DATABASE_URL` names. Each area registers its commands from its own module."""

from __future__ import annotations

import typer

from loyalty_cli import ledger_cmds

app = typer.Typer(no_args_is_help=True, add_completion=False,
                  help="Loyalty ledger: members, points, programs, projections and the API.")


def _version(value: bool) -> None:
    if value:
        from importlib.metadata import version

        typer.echo(f"loyalty {version('loyalty-ledger')}")
        raise typer.Exit()


@app.callback()
def _options(show_version: bool = typer.Option(False, "--version", callback=_version, is_eager=True,
                                               help="Print the installed version and exit.")) -> None:
    """Loyalty ledger: members, points, programs, projections and the API."""
ledger_cmds.register(app)

for _module in ("program_cmds", "projection_cmds", "api_cmds", "quickstart", "imports", "approval_cmds", "backup",
                "member_cmds", "messages_cmds", "offer_cmds", "db_cmds", "webhook_cmds", "privacy_cmds",
                "keys_cmds"):
    # Areas built separately register themselves here; each module defines register(app).
    try:
        __import__(f"loyalty_cli.{_module}")
    except ModuleNotFoundError as exc:
        if exc.name != f"loyalty_cli.{_module}":
            raise
        continue
    __import__("sys").modules[f"loyalty_cli.{_module}"].register(app)


def main() -> None:
    """The `loyalty` entry point: no input, setting or file ever ends in a traceback, only a one-line error."""
    import os

    from loyalty_cli.output import run_guarded
    from loyalty_core import logs

    def configured_app() -> None:
        logs.configure(os.environ)  # JSON lines unless LOYALTY_LOG_FORMAT=text or in development
        app()

    run_guarded(configured_app)


if __name__ == "__main__":
    main()
