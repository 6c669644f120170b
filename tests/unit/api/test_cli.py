"""`loyalty keys create|list|revoke` and `loyalty serve`, through typer's runner on a SQLite store."""

from __future__ import annotations

import json
import re
from pathlib import Path

from typer.testing import CliRunner

from api.keys import KeyRing
from api.tables import open_tables
from loyalty_cli.main import app
from loyalty_core.settings import Settings

runner = CliRunner()


def test_keys_create_prints_the_key_alone_and_list_and_revoke_work(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path}/loyalty.db"
    env = {"LOYALTY_DATABASE_URL": url}
    created = runner.invoke(
        app,
        ["keys", "create", "--role", "channel", "--channel", "pos", "--store", "HCM-01", "--store", "HCM-02"],
        env=env,
    )
    assert created.exit_code == 0, created.output
    token = created.stdout.strip()
    assert re.fullmatch(r"lk_[0-9a-f]{16}_[A-Za-z0-9_\-]{43}", token)
    tables = open_tables(Settings(database_url=url))
    try:
        key = KeyRing(tables).authenticate(token)
        assert key is not None and key.stores == ("HCM-01", "HCM-02") and key.channel == "pos"
        listed = json.loads(runner.invoke(app, ["keys", "list"], env=env).stdout)
        assert [k["key_id"] for k in listed] == [key.key_id] and token not in json.dumps(listed)
        revoked = runner.invoke(app, ["keys", "revoke", key.key_id], env=env)
        assert revoked.exit_code == 0
        assert KeyRing(tables).authenticate(token) is None
        assert json.loads(runner.invoke(app, ["keys", "list"], env=env).stdout)[0]["revoked_at"]
    finally:
        tables.close()


def test_keys_create_refuses_what_makes_no_sense(tmp_path: Path) -> None:
    env = {"LOYALTY_DATABASE_URL": f"sqlite:///{tmp_path}/loyalty.db"}
    for args in (
        ["--role", "channel"],
        ["--role", "admin", "--store", "HCM-01"],
        ["--role", "owner"],
        ["--role", "channel", "--channel", "POS!"],
    ):
        result = runner.invoke(app, ["keys", "create", *args], env=env)
        assert result.exit_code != 0, args
        assert not result.stdout.strip().startswith("lk_")
    assert runner.invoke(app, ["keys", "revoke", "0000000000000000"], env=env).exit_code == 1


def test_serve_and_webhooks_run_are_commands() -> None:
    assert runner.invoke(app, ["serve", "--help"]).exit_code == 0
    assert "--port" in runner.invoke(app, ["serve", "--help"]).stdout
    assert runner.invoke(app, ["webhooks", "run", "--help"]).exit_code == 0
