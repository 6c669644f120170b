"""After an erasure, no byte of the person's phone, name or email is anywhere in PostgreSQL's files.

tests/integration/test_privacy.py reads every row of the store's tables; rows are not all PostgreSQL keeps.
A deleted or updated row stays in its heap page until vacuum, and every row ever written stays in the WAL
until the segment is recycled. So this test runs the same flow on a PostgreSQL server of its own (a fresh
data directory: tests/faults/cluster.py) -- enrol with a distinctive phone, name and email, buy, update the
profile, hold a sale for a phone nobody owns, snapshot, catch every projection up, send the member a message,
erase, catch up again -- then CHECKPOINT (every page reaches its file) and reads every file under the data
directory (base/, global/, pg_wal/, pg_xact/, the server log, ...) as bytes. None of the needles may occur.

It proves the property that makes this possible: no plaintext personal value is ever written to PostgreSQL
(events, snapshots, receipts, claims, search rows, timeline facts, the outbox's recipient are sealed under the
member's key or keyed hashes), so nothing needs scrubbing from pages or WAL. A positive control (the erasure's
reason, stored in plain text on purpose) shows the scan does see row contents in those files.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Iterator

import psycopg
import pytest

from loyalty_core.privacy.erasure import erase_member
from loyalty_core.runtime import open_runtime
from loyalty_core.settings import Settings
from messaging.dispatcher import Dispatcher
from messaging.runner import open_outbox
from tests.faults.cluster import Cluster, new_cluster, postgres_bin, remove
from tests.integration.test_privacy import PHONE_E164, Capture, needles, populate, scan
from tests.integration.test_projections_support import catch_up

pytestmark = [pytest.mark.postgres]

REASON = "Khách yêu cầu xoá dữ liệu, phiếu CSKH-88231"


@pytest.fixture
def cluster() -> Iterator[Cluster]:
    if postgres_bin() is None:
        pytest.fail("PostgreSQL's server binaries are needed for the data-directory scan")
    instance = new_cluster()
    instance.start()
    try:
        yield instance
    finally:
        remove(instance)


def data_files(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def test_no_byte_of_an_erased_person_is_in_any_file_of_the_data_directory(cluster):
    started = time.monotonic()
    with psycopg.connect(cluster.url, autocommit=True) as conn:
        conn.execute('CREATE SCHEMA "erasure"')
    url = f"{cluster.url}?schema=erasure"
    runtime = open_runtime(Settings(database_url=url))
    try:
        member = populate(runtime)
        catch_up(url)
        outbox = open_outbox(runtime.settings)
        try:
            sms = Capture()
            assert Dispatcher(outbox, runtime.service, {"sms": sms}).step() >= 1
            assert PHONE_E164 in [o.recipient for o in sms.sent]  # the person was reached at that number
        finally:
            outbox.store.close()
        erase_member(runtime.service, member, reason=REASON, idempotency_key="erase-scan", actor="admin-1")
        catch_up(url)
    finally:
        runtime.close()
    assert scan(url) == {}  # every row, as text and as raw bytea
    with psycopg.connect(cluster.url, autocommit=True) as conn:
        conn.execute("CHECKPOINT")
        conn.execute("SELECT pg_switch_wal()")  # the current segment is closed and flushed as well
    files = data_files(cluster.data)
    assert any(p.startswith("pg_wal/") for p in files) and any(p.startswith("base/") for p in files)
    control = REASON.encode()
    assert any(control in blob for blob in files.values()), "the scan must see row contents in the files"
    found = {what: [p for p, blob in files.items() if needle in blob]
             for what, needle in needles().items() if any(needle in blob for blob in files.values())}
    assert found == {}
    assert time.monotonic() - started < 60
