"""Ledger commands through the real `loyalty` app on a SQLite store. The README's walk-through itself is read
from README.md and run by tests/e2e/test_readme_walkthrough.py, so the two can never drift apart."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from loyalty_cli.main import app


def run(runner: CliRunner, env: dict, *args: str) -> dict:
    result = runner.invoke(app, list(args), env=env)
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout) if result.stdout.lstrip().startswith("{") else {"text": result.stdout}


def test_a_refusal_exits_non_zero_with_its_code_and_writes_nothing(tmp_path):
    runner = CliRunner()
    env = {"LOYALTY_DATABASE_URL": f"sqlite:///{tmp_path}/cli.db"}
    run(runner, env, "enroll", "0901234567")
    refused = runner.invoke(app, ["redeem", "0901234567", "--points", "5", "--order", "o"], env=env)
    assert refused.exit_code == 1 and "insufficient_points" in refused.output
    assert run(runner, env, "balance", "0901234567")["balance"]["lifetime_redeemed"] == 0
