"""Disk full under a SQLite store: a clear, retryable refusal, nothing half-written, and writing resumes.

The store (events, the API's tables, the read side: every file of it) lives on a tmpfs of this test's own,
which is shrunk to what the store already uses plus a little room. Sales are then sent one after another to
a real `loyalty serve` until the disk refuses them: each refusal must be 503 `store_unavailable` with
`Retry-After` (never a 500); balances are still served. The disk is then given room again (a remount, as an
operator would free space) and the tills retry the refused sales with the same keys: each is stored once,
new sales are accepted, and afterwards the file passes `audit verify` (every seal) and `audit replay` (after
a rebuild of the read side), the balances being the fold of the acknowledged sales. Figures in
test-artifacts/faults/sqlite_disk_full.json. Needs root for the mount (CI runs as root).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Iterator

import pytest

from tests.e2e.conftest import REPO, LiveServer, start_server
from tests.faults.burst import Answer, balances, enroll, outcomes, proof, sale, send

pytestmark = [pytest.mark.slow]
ARTIFACT = Path(__file__).resolve().parents[2] / "test-artifacts" / "faults" / "sqlite_disk_full.json"
ROOM_KIB, MEMBERS, MOST_SALES = 384, 4, 1500


def _mount(point: Path, size: str, remount: bool = False) -> None:
    options = f"remount,size={size}" if remount else f"size={size}"
    subprocess.run(["mount", "-t", "tmpfs", "-o", options, "loyalty-full", str(point)], check=True,
                   capture_output=True, timeout=30)


def _used_kib(point: Path) -> int:
    stat = os.statvfs(point)
    return (stat.f_blocks - stat.f_bfree) * stat.f_frsize // 1024


@pytest.fixture
def disk(tmp_path: Path) -> Iterator[Path]:
    if os.geteuid() != 0:
        if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
            pytest.fail("the disk-full test mounts a tmpfs: run it as root")
        pytest.skip("the disk-full test mounts a tmpfs: run it as root")
    point = tmp_path / "disk"
    point.mkdir()
    _mount(point, "64m")
    try:
        yield point
    finally:
        subprocess.run(["umount", "-l", str(point)], capture_output=True, timeout=30)


@pytest.fixture
def server(disk: Path, tmp_path: Path) -> Iterator[LiveServer]:
    yield from start_server(f"sqlite:///{disk}/loyalty.db", tmp_path)


def _cli(url: str, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "loyalty_cli.main", *args], cwd=REPO, capture_output=True,
                          text=True, timeout=300, env={**os.environ, "LOYALTY_DATABASE_URL": url})


def test_a_full_disk_refuses_sales_cleanly_writes_nothing_half_and_writing_resumes(
        disk: Path, server: LiveServer) -> None:
    url = f"sqlite:///{disk}/loyalty.db"
    pos = server.tokens["pos"]
    member_ids = enroll(server.base_url, pos, [f"09{73000000 + i:08d}" for i in range(MEMBERS)])
    used = _used_kib(disk)
    _mount(disk, f"{used + ROOM_KIB}k", remount=True)

    answers: list[Answer] = []
    for n in range(MOST_SALES):
        answers.append(send(server.base_url, pos, sale(f"DF-{n:04d}", member_ids[n % MEMBERS], 40_000 + 1_000 * n)))
        if len(answers) >= 3 and all(a.status != 201 for a in answers[-3:]):
            break
    refused = [a for a in answers if a.status != 201]
    read_while_full = balances(server.base_url, pos, member_ids[:1])

    _mount(disk, "64m", remount=True)  # the operator frees space
    retried = [send(server.base_url, pos, sale(a.ref, member_ids[int(a.ref[3:]) % MEMBERS],
                                               40_000 + 1_000 * int(a.ref[3:]))) for a in refused]
    more = [send(server.base_url, pos, sale(f"DG-{n:03d}", member_ids[n % MEMBERS])) for n in range(8)]
    acked = {a.ref: a.body for a in [*answers, *retried, *more] if a.body is not None}
    served = balances(server.base_url, pos, member_ids)
    log = server.log()
    record = {"room_kib": ROOM_KIB, "store_kib_before": used, "sales_sent_until_full": len(answers),
              "accepted_before_full": sum(1 for a in answers if a.status == 201), "while_full": outcomes(refused),
              "retried_after_space_freed": outcomes(retried), "new_sales_after": outcomes(more),
              **proof(url, member_ids, acked, served)}
    rebuilt, replay = _cli(url, "projections", "rebuild", "balances"), _cli(url, "audit", "replay")
    record["audit_replay_exit"] = replay.returncode
    ARTIFACT.parent.mkdir(parents=True, exist_ok=True)
    ARTIFACT.write_text(json.dumps(record, indent=2))
    print(json.dumps(record))

    assert refused, f"the disk never filled: {record}"
    assert all(a.status == 503 and a.code == "store_unavailable" and a.retry_after for a in refused), \
        (record, log[-3000:])
    assert "unexpected error" not in log, log[-3000:]
    assert "database or disk is full" in log, log[-3000:]  # the operator is told why, not just "unavailable"
    assert all("available" in answer for answer in read_while_full.values()), read_while_full  # still served
    assert all(a.status == 201 and not a.replayed for a in retried), record
    assert all(a.status == 201 for a in more), record
    assert record["lost"] == record["doubled"] == record["stored_not_acknowledged"] == 0, record
    assert record["balances_wrong"] == 0 and record["audit_verify_ok"], record
    assert rebuilt.returncode == 0, rebuilt.stdout + rebuilt.stderr
    assert replay.returncode == 0 and '"differences": 0' in replay.stdout, replay.stdout + replay.stderr
