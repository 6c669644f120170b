"""The README's command-line walk-through, through the real `loyalty` app on a SQLite store."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from loyalty_cli.main import app


def run(runner: CliRunner, env: dict, *args: str) -> dict:
    result = runner.invoke(app, list(args), env=env)
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout) if result.stdout.lstrip().startswith("{") else {"text": result.stdout}


def test_the_readme_walk_through_works_from_the_command_line(tmp_path):
    runner = CliRunner()
    env = {"LOYALTY_DATABASE_URL": f"sqlite:///{tmp_path}/cli.db"}
    assert "installed" in run(runner, env, "demo")["text"]
    run(runner, env, "enroll", "0901234567", "--name", "Nguyễn Thị Lan")
    bought = run(runner, env, "purchase", "+84 90 123 4567", "--total", "125000", "--ref", "T-1",
                 "--line", "CF-SUA-DA:coffee:1:45000", "--line", "BANH-MI:food:1:80000")
    assert bought["points_earned"] >= 12
    assert run(runner, env, "simulate", "0901234567", "--total", "370000")["points_earned"] >= 37
    held = run(runner, env, "reserve", "0901234567", "10", "--order", "POS-1")
    assert run(runner, env, "capture", held["reservation_id"])["points_captured"] == 10
    run(runner, env, "adjust", "0901234567", "--points", "300", "--reason", "migration from a paper card")
    assert run(runner, env, "redeem", "0901234567", "--reward", "discount-15", "--order", "POS-2")["voucher_code"]
    assert run(runner, env, "refund", "T-1", "125000", "--refund-ref", "R1", "--channel", "pos")["points_reversed"] \
        == bought["points_earned"]
    after = run(runner, env, "adjust", "0901234567", "--points", "-5", "--reason", "double scan")
    balance = run(runner, env, "balance", "0901234567")["balance"]
    assert balance["available"] == after["balance"]["available"] == bought["points_earned"] - 10 + 300 - 200 \
        - bought["points_earned"] - 5


def test_a_refusal_exits_non_zero_with_its_code_and_writes_nothing(tmp_path):
    runner = CliRunner()
    env = {"LOYALTY_DATABASE_URL": f"sqlite:///{tmp_path}/cli.db"}
    run(runner, env, "enroll", "0901234567")
    refused = runner.invoke(app, ["redeem", "0901234567", "--points", "5", "--order", "o"], env=env)
    assert refused.exit_code == 1 and "insufficient_points" in refused.output
    assert run(runner, env, "balance", "0901234567")["balance"]["lifetime_redeemed"] == 0
