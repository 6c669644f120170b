"""Versioned migrations of the service's own tables (projections/schema_runner.py), on both stores: the
previous release's store is adopted, a failing step rolls back and is reported, processes started together
on an empty PostgreSQL schema all come up, and with start-up migrations off a database behind is refused."""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from api.tables import open_tables
from loyalty_cli.main import app
from loyalty_core.settings import Settings
from projections.schema import TABLES, Component, Step, baseline
from projections.schema_runner import MigrationFailed, SchemaBehind, migrate, status, tables_target

ROOT = Path(__file__).resolve().parents[2]
RELEASE = ROOT / "tests" / "fixtures" / "previous_release"
#: The admin key release 0acb18e made in the fixture (tables-0acb18e.sql); a test key for a test store.
OLD_TOKEN = "lk_95b8302e1c768cd0_o9aszbef81bvhZt_OHK4FBUCfMp7C7gfNrZMFClol20"


def _db(url: str, *args: str) -> tuple[int, dict]:
    result = CliRunner().invoke(app, ["db", *args], env={"LOYALTY_DATABASE_URL": url})
    return result.exit_code, json.loads(result.stdout)


def _previous_release_store(tmp_path: Path) -> str:
    shutil.copy(RELEASE / "store-0acb18e.db", tmp_path / "loyalty.db")
    for file, script in (("loyalty.db", "tables-0acb18e.sql"), ("loyalty.read.db", "read-tables-0acb18e.sql")):
        with sqlite3.connect(tmp_path / file) as conn:
            conn.executescript((RELEASE / script).read_text())
    return f"sqlite:///{tmp_path}/loyalty.db"


def test_the_previous_release_store_is_adopted_and_its_key_still_works(tmp_path) -> None:
    url = _previous_release_store(tmp_path)
    code, before = _db(url, "status")
    assert code == 1 and not before["current"]
    assert {s["state"] for s in before["steps"]} == {"pending"}
    code, done = _db(url, "migrate")
    assert code == 0 and done["failed"] is None
    assert "api_tables v1" in done["applied"] and "projection_registry v1" in done["applied"]
    code, after = _db(url, "status")
    assert code == 0 and after["current"]
    # The adopted tables kept their rows: the old release's admin key authenticates with today's code.
    from api.keys import KeyRing

    tables = open_tables(Settings.from_env({"LOYALTY_DATABASE_URL": url}))
    assert KeyRing(tables).authenticate(OLD_TOKEN).label == "made by the previous release"
    with sqlite3.connect(tmp_path / "loyalty.read.db") as conn:
        assert conn.execute("SELECT count(*) FROM projection_registry").fetchone()[0] == 6
    assert _db(url, "migrate")[1]["applied"] == []  # nothing twice


def test_an_existing_table_with_other_columns_is_not_adopted(tmp_path) -> None:
    url = f"sqlite:///{tmp_path}/loyalty.db"
    with sqlite3.connect(tmp_path / "loyalty.db") as conn:
        conn.execute("CREATE TABLE api_keys (key_id TEXT PRIMARY KEY, secret TEXT)")
    code, done = _db(url, "migrate")
    assert code == 1 and "api_keys exists with columns" in done["failed"]
    code, report = _db(url, "status")
    failed = [s for s in report["steps"] if s["state"] == "failed"]
    assert code == 1 and [s["component"] for s in failed] == ["api_tables"]
    assert "secret" in failed[0]["error"]
    with sqlite3.connect(tmp_path / "loyalty.db") as conn:  # rolled back: none of its tables was created
        names = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    assert "api_webhooks" not in names and "api_keys" in names


def _tables_names(target) -> set[str]:
    with target.transaction() as tx:
        if target.dialect == "postgres":
            return {r[0] for r in tx.run("SELECT table_name FROM information_schema.tables "
                                         "WHERE table_schema = current_schema()")}
        return {r[0] for r in tx.run("SELECT name FROM sqlite_master WHERE type = 'table'")}


def test_a_failing_step_rolls_back_and_the_status_says_so(database_url) -> None:
    tables = open_tables(Settings.from_env({"LOYALTY_DATABASE_URL": database_url}))
    try:
        target = tables_target(tables)
        broken = Component("t_example", TABLES, (
            baseline("CREATE TABLE IF NOT EXISTS t_example_a (x TEXT)"),
            Step(2, "second table and a mistake", ("CREATE TABLE t_example_b (y TEXT)",
                                                   "INSERT INTO t_example_missing VALUES (1)"))))
        with pytest.raises(MigrationFailed, match="t_example v2"):
            migrate(target, [broken])
        assert not {"t_example_a", "t_example_b"} & _tables_names(target)  # both steps undone
        states = {s.version: (s.state, s.error) for s in status(target, [broken])}
        assert states[1] == ("pending", None)
        assert states[2][0] == "failed" and "t_example_missing" in states[2][1]

        fixed = Component("t_example", TABLES, (broken.steps[0], Step(2, "second table", (
            "CREATE TABLE t_example_b (y TEXT)",))))
        assert migrate(target, [fixed]) == [("t_example", 1), ("t_example", 2)]
        assert [(s.state, s.error) for s in status(target, [fixed])] == [("applied", None), ("applied", None)]
        assert {"t_example_a", "t_example_b"} <= _tables_names(target)
        assert [s.state for s in status(target, [broken])] == ["applied", "changed"]  # an edited step shows
    finally:
        tables.close()


def test_with_start_up_migrations_off_a_database_behind_is_refused(tmp_path, monkeypatch) -> None:
    url = f"sqlite:///{tmp_path}/loyalty.db"
    monkeypatch.setenv("LOYALTY_MIGRATE_ON_START", "0")
    with pytest.raises(SchemaBehind, match="loyalty db migrate"):
        open_tables(Settings.from_env({"LOYALTY_DATABASE_URL": url}))
    assert _db(url, "migrate")[0] == 0
    open_tables(Settings.from_env({"LOYALTY_DATABASE_URL": url})).list_keys()


_START = """
import sys
from api.tables import open_tables
from faces.member.store import MemberAppTables
from loyalty_core.runtime import open_runtime
from projections.catalog import ReadSide
runtime = open_runtime()
tables = open_tables(runtime.settings)
MemberAppTables(tables)
side = ReadSide.open(runtime.settings)
side.generations()
print("up")
"""


@pytest.mark.postgres
def test_processes_started_together_on_an_empty_postgres_schema_all_come_up(postgres_url) -> None:
    """Before the lock, the second of two processes could fail in PostgreSQL's catalogue on CREATE TYPE /
    CREATE TABLE (pg_type_typname_nsp_index); each start here creates every table of the store."""
    env = {**os.environ, "LOYALTY_DATABASE_URL": postgres_url, "LOYALTY_LOG_LEVEL": "WARNING"}
    loyalty = str(Path(sys.executable).with_name("loyalty"))
    commands = [[sys.executable, "-c", _START]] * 2 + [[loyalty, "db", "migrate"]] * 2
    processes = [subprocess.Popen(c, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                  text=True) for c in commands]
    outcomes = [(p.wait(timeout=120), *p.communicate()) for p in processes]
    for code, out, err in outcomes:
        assert code == 0 and "Traceback" not in err, err[-2000:]
    applied = [step for _, out, _ in outcomes[2:] for step in json.loads(out)["applied"]]
    assert len(applied) == len(set(applied))  # each step applied by one process only
    code, report = _db(postgres_url, "status")
    assert code == 0 and report["current"]
