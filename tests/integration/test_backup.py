"""`loyalty backup` and `loyalty restore` on both stores: the copy is consistent even while the service
writes, and `audit verify` and `audit replay` pass on the restored store with the same balances."""

from __future__ import annotations

import secrets
import threading
from collections import Counter
from pathlib import Path

import psycopg
import pytest
from typer.testing import CliRunner

from loyalty_cli.main import app
from loyalty_core import events as ev
from loyalty_core.settings import Settings
from projections.audit_run import replay_store, verify_store
from tests.builders import earn, enroll, ledger
from tests.conftest import PG_ADMIN_DSN
from tests.faults.figures import record, store_name


def _cli(url: str, *args: str):
    return CliRunner().invoke(app, list(args), env={"LOYALTY_DATABASE_URL": url}, catch_exceptions=False)


_made: list[str] = []


@pytest.fixture(autouse=True, scope="module")
def _drop_restored_databases():
    yield
    for name in _made:
        with psycopg.connect(PG_ADMIN_DSN, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _copy_url(database_url: str, tmp_path: Path) -> str:
    """An empty store to restore into: a new SQLite path, or a new PostgreSQL database (dropped after)."""
    if database_url.startswith("sqlite"):
        return f"sqlite:///{tmp_path}/restored/loyalty.db"
    name = f"loyalty_restore_{secrets.token_hex(4)}"
    with psycopg.connect(PG_ADMIN_DSN, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    _made.append(name)
    base, _, query = database_url.partition("?")
    return f"{base.rsplit('/', 1)[0]}/{name}?{query}"


def test_a_backup_taken_while_the_service_writes_restores_to_a_store_that_audits_clean(database_url, tmp_path):
    with ledger(database_url, snapshot_interval=5) as service:
        members = [enroll(service, phone=f"09011122{i:02d}") for i in range(4)]
        for member in members:
            for _ in range(6):
                earn(service, member, 3)
        stop = threading.Event()

        def keep_writing() -> None:  # a till still selling while the backup runs
            while not stop.is_set():
                earn(service, members[0], 1)

        writer = threading.Thread(target=keep_writing)
        writer.start()
        try:
            before = _receipts(service.store)  # acknowledged before the backup starts: all must be in it
            result = _cli(database_url, "backup", str(tmp_path / "store.backup"))
        finally:
            stop.set()
            writer.join()
        assert result.exit_code == 0, result.output
        assert "backup written" in result.output
        acknowledged = _receipts(service.store)

    copy_url = _copy_url(database_url, tmp_path)
    restored = _cli(copy_url, "restore", str(tmp_path / "store.backup"))
    assert restored.exit_code == 0, restored.output
    assert "audit verify: ok" in restored.output and "0 differences" in restored.output

    verification = verify_store(Settings(database_url=copy_url))
    assert verification.ok and verification.checked == verification.events > 0
    report = replay_store(Settings(database_url=copy_url))
    assert report.ok and report.members == 4
    with ledger(copy_url) as copy:
        for member in members[1:]:
            assert copy.balance(member).available == 18
        restored_receipts = _receipts(copy.store)
    figures = record(f"backup_restore_{store_name(database_url)}", {
        "acknowledged_before_backup": len(before), "acknowledged_by_its_end": len(acknowledged),
        "found_in_restored_copy": len(restored_receipts), "lost": len(set(before) - set(restored_receipts)),
        "doubled": sum(1 for v in restored_receipts.values() if v > 1),
        "in_copy_but_never_acknowledged": len(set(restored_receipts) - set(acknowledged)),
        "events_verified": verification.checked})
    assert figures["lost"] == figures["doubled"] == figures["in_copy_but_never_acknowledged"] == 0, figures


def _receipts(store) -> Counter:
    """Idempotency key -> how many receipts the store holds for it (every command writes one)."""
    return Counter(e.idempotency_key for _, e in store.iter_events() if isinstance(e, ev.CommandAccepted))


def test_backup_refuses_to_overwrite_and_restore_refuses_a_store_that_holds_data(database_url, tmp_path):
    with ledger(database_url) as service:
        earn(service, enroll(service), 5)
    target = tmp_path / "once.backup"
    assert _cli(database_url, "backup", str(target)).exit_code == 0
    again = _cli(database_url, "backup", str(target))
    assert again.exit_code == 1 and "exists already" in again.output
    if database_url.startswith("sqlite"):
        into_itself = _cli(database_url, "restore", str(target))
        assert into_itself.exit_code == 1 and "holds a store already" in into_itself.output
    missing = _cli(database_url, "restore", str(tmp_path / "nothing.backup"))
    assert missing.exit_code == 1 and "no backup at" in missing.output


@pytest.mark.parametrize("broken", ["not a backup at all"])
def test_restoring_a_file_that_is_no_backup_fails_with_one_line(database_url, tmp_path, broken):
    bogus = tmp_path / "bogus.backup"
    bogus.write_text(broken)
    result = _cli(_copy_url(database_url, tmp_path), "restore", str(bogus))
    assert result.exit_code == 1 and result.output.startswith("restore failed:")
    assert "Traceback" not in result.output
