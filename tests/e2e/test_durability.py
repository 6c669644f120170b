"""Durability: SIGKILL in the middle of group-committed batches loses nothing acknowledged and leaves
nothing half-applied (PostgreSQL, synchronous_commit on)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import pytest

from loyalty_core import events as ev
from loyalty_core.ledger import open_store
from loyalty_core.settings import Settings
from tests.faults.figures import record

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.postgres
def test_sigkill_during_group_commit_keeps_every_acknowledged_command_exactly_once(postgres_url):
    proc = subprocess.Popen([sys.executable, "-m", "tests.e2e.durability_load", postgres_url], cwd=ROOT,
                            stdout=subprocess.PIPE, text=True, env={**os.environ, "PYTHONUNBUFFERED": "1"})
    acked: dict[str, int] = {}
    try:
        assert proc.stdout.readline().strip() == "ready"
        deadline = time.monotonic() + 2.0
        while time.monotonic() < deadline:
            line = proc.stdout.readline()
            if line.startswith("ack "):
                _, key, points = line.split()
                acked[key] = int(points)
        os.kill(proc.pid, signal.SIGKILL)
        for line in proc.stdout:  # whatever was acknowledged before the kill landed in the pipe
            if line.startswith("ack "):
                _, key, points = line.split()
                acked[key] = int(points)
    finally:
        proc.kill()
        proc.wait(10)
    assert len(acked) > 50, "the load did not run long enough to test anything"

    store = open_store(Settings(database_url=postgres_url))
    try:
        receipts, earned, receipt_count, earn_count = {}, Counter(), Counter(), Counter()
        for _, event in store.iter_events():
            if isinstance(event, ev.CommandAccepted) and event.command == "EarnPoints":
                receipts[event.idempotency_key] = event
                receipt_count[event.idempotency_key] += 1
            elif isinstance(event, ev.PointsEarned):
                earned[event.reference] += event.points
                earn_count[event.reference] += 1
    finally:
        store.close()
    missing = [key for key in acked if key not in receipts]
    record("sigkill_group_commit_writer", {
        "commands_acknowledged": len(acked), "commands_stored": len(receipts),
        "acknowledged_found_after": sum(1 for k in acked if k in receipts), "acknowledged_lost": len(missing),
        "stored_but_never_acknowledged": len(set(receipts) - set(acked)),
        "doubled": sum(1 for v in receipt_count.values() if v > 1) + sum(1 for v in earn_count.values() if v > 1)})
    assert not missing, f"acknowledged but lost: {missing[:5]}"
    assert all(earned[key] == points for key, points in acked.items())
    # Nothing half-applied: every receipt has its earn, every earn its receipt, each exactly once.
    assert set(receipts) == set(earned)
    assert all(earned[key] == receipts[key].request["points"] for key in receipts)
