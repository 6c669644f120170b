"""`loyalty serve --workers 2` on PostgreSQL: a balance read through the read lane (api/read_lane.py) sees a
write made by the other process, for a member already cached in the reading one, and every read of many at once
is right.

Each worker's cache is warmed by reading through its own unix socket, past the dispatcher; the other worker
then writes, and the first one's next read must show it: read-your-writes when a client's write and read
reach different processes.
"""

from __future__ import annotations

import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Iterator

import httpx
import pytest

from tests.conftest import _new_schema
from tests.e2e.conftest import LiveServer, new_phone, start_server

pytestmark = pytest.mark.postgres


@pytest.fixture(scope="module")
def served(pg_database: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    workdir = tmp_path_factory.mktemp("read-lane")
    url = f"{pg_database}?schema={_new_schema(pg_database)}"
    yield from start_server(url, workdir, workers=2,
                            extra_env={"LOYALTY_SERVE_SOCKET_DIR": str(workdir / "s")})


def _direct(server: LiveServer, index: int) -> httpx.Client:
    """A client of worker ``index`` alone, past the dispatcher."""
    socket = str(Path(server.env["LOYALTY_SERVE_SOCKET_DIR"]) / f"worker-{index}.sock")
    return httpx.Client(transport=httpx.HTTPTransport(uds=socket), base_url="http://worker",
                        headers={"Authorization": f"Bearer {server.tokens['pos']}"}, timeout=30)


def _balance(client: httpx.Client, member_id: str) -> dict[str, int]:
    answer = client.get(f"/v1/members/{member_id}/balance")
    assert answer.status_code == 200, answer.text
    return answer.json()  # type: ignore[no-any-return]


def _buy(client: httpx.Client, member_id: str) -> int:
    ref = f"HD-{uuid.uuid4().hex}"
    answer = client.post("/v1/transactions", headers={"Idempotency-Key": ref},
                         json={"transaction_ref": ref, "member": {"member_id": member_id}, "total": "125000",
                               "store_id": "HCM-01"})
    assert answer.status_code == 201, answer.text
    return answer.json()["balance"]["available"]  # type: ignore[no-any-return]


def test_a_read_in_one_process_shows_a_write_made_by_the_other(served: LiveServer) -> None:
    workers = [_direct(served, 0), _direct(served, 1)]
    try:
        enrolled = workers[0].post("/v1/members", json={"phone": new_phone()},
                                   headers={"Idempotency-Key": uuid.uuid4().hex})
        assert enrolled.status_code == 201, enrolled.text
        member = enrolled.json()["member_id"]
        assert [_balance(w, member)["available"] for w in workers] == [0, 0]  # cached in both now
        for writer, reader in ((0, 1), (1, 0), (0, 1)):
            after = _buy(workers[writer], member)
            assert _balance(workers[reader], member)["available"] == after, (writer, reader)
            assert _balance(workers[writer], member)["available"] == after
    finally:
        for w in workers:
            w.close()


def test_many_reads_at_once_each_get_their_own_members_balance(served: LiveServer) -> None:
    with served.client("pos") as pos:
        members = []
        for _ in range(6):
            answer = pos.post("/v1/members", json={"phone": new_phone()},
                              headers={"Idempotency-Key": uuid.uuid4().hex})
            assert answer.status_code == 201, answer.text
            members.append(answer.json()["member_id"])
        expected = {m: _buy(pos, m) for m in members[::2]} | {m: 0 for m in members[1::2]}
    readers = [served.client("pos") for _ in range(8)]
    try:
        plan = [(i, m) for i, m in enumerate(members * 10)]
        with ThreadPoolExecutor(8) as pool:
            got = list(pool.map(lambda im: (im[1], _balance(readers[im[0] % 8], im[1])["available"]), plan))
    finally:
        for r in readers:
            r.close()
    assert all(expected[m] == available for m, available in got), got
