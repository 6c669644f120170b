"""After the database drops every connection (a restart while the API was idle), no request fails.

The shared PostgreSQL server may not be restarted here (others use it), so the test does what a restart
does to a client: it terminates every backend of a database of its own, then sends the requests an idle
till and a back office would send next. Each pool (the event store's, the read side's, the API's own tables)
must notice its dead connections before lending them. And when the database really is unreachable, a
route answers 503 `store_unavailable` with Retry-After, never a 500.
"""

from __future__ import annotations

import secrets
import sqlite3
import uuid
import warnings
from typing import Any, Iterator

import psycopg
import pytest

from api.main import create_app
from tests.conftest import PG_ADMIN_DSN, _pg_available
from tests.e2e.conftest import ApiHarness, _with_demo_program, api_settings, new_phone

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient


@pytest.fixture
def own_database() -> Iterator[str]:
    """A database nobody else uses, so that killing its connections hurts no other test."""
    if _pg_available() is not None:
        pytest.skip("PostgreSQL not available")  # CI fails earlier, in pg_database, if it is missing
    name = f"loyalty_restart_{secrets.token_hex(4)}"
    with psycopg.connect(PG_ADMIN_DSN, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    yield f"{PG_ADMIN_DSN.rsplit('/', 1)[0]}/{name}"
    with psycopg.connect(PG_ADMIN_DSN, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def terminate_backends(database_url: str) -> int:
    """Terminate every backend of the database and wait until each has exited, as a restart does before the
    server takes connections again (the pools poll a recently used connection's socket rather than pinging
    it: projections/pools.py)."""
    name = database_url.rsplit("/", 1)[1].split("?")[0]
    with psycopg.connect(PG_ADMIN_DSN, autocommit=True) as conn:
        rows = conn.execute("SELECT pg_terminate_backend(pid, 10000) FROM pg_stat_activity "
                            "WHERE datname = %s AND pid <> pg_backend_pid()", [name]).fetchall()
    assert all(exited for exited, in rows), rows
    return len(rows)


def exercise(api: ApiHarness, member_id: str) -> list[tuple[str, int, str]]:
    """One of each kind of request: key check, ledger write and read, read models, webhooks table."""
    answers = []
    for label, response in [
        ("balance", api.get(f"/v1/members/{member_id}/balance", key="pos")),
        ("purchase", api.post("/v1/transactions", {"transaction_ref": f"T-{uuid.uuid4().hex[:10]}",
                                                   "member": {"member_id": member_id}, "total": "120000"},
                              key="pos")),
        ("enrol", api.post("/v1/members", {"phone": new_phone()}, key="pos")),
        ("search", api.get("/v1/members/search?q=0901", key="staff")),
        ("lag", api.get("/v1/stats/lag", key="analyst")),
        ("webhooks", api.get("/v1/webhooks", key="admin")),
        ("readyz", api.get("/readyz", key=None)),
    ]:
        answers.append((label, response.status_code, response.text[:200]))
    return answers


@pytest.mark.postgres
def test_every_request_succeeds_after_the_database_dropped_all_connections(own_database: str) -> None:
    app = _with_demo_program(create_app(api_settings(own_database)))
    try:
        with TestClient(app, raise_server_exceptions=False) as client:
            api = ApiHarness(app, client)
            member_id = api.member_with(0)
            before = exercise(api, member_id)
            assert all(status < 300 for _, status, _ in before), before
            assert terminate_backends(own_database) >= 3  # the ledger's, the read side's and the API's pools
            after = exercise(api, member_id)
            assert all(status < 300 for _, status, _ in after), after
            assert terminate_backends(own_database) >= 1  # and again: every time, not just once
            assert all(status < 300 for _, status, _ in exercise(api, member_id))
    finally:
        app.state.api.close()


@pytest.mark.parametrize("failure", [
    sqlite3.OperationalError("database is locked"),
    psycopg.OperationalError("server closed the connection unexpectedly"),
    psycopg.InterfaceError("the connection is closed"),
])
def test_a_database_failure_reaching_a_route_is_503_with_retry_after(api: ApiHarness, failure: Exception,
                                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    member_id = api.member_with(5)

    def broken(*args: Any, **kwargs: Any) -> Any:
        raise failure

    monkeypatch.setattr(api.ctx.runtime.service, "balance", broken)
    monkeypatch.setattr(api.ctx.runtime.service, "member_summary", broken)
    response = api.get(f"/v1/members/{member_id}/balance", key="pos")
    assert response.status_code == 503, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    assert response.json()["code"] == "store_unavailable"
    assert int(response.headers["retry-after"]) > 0


@pytest.mark.postgres
def test_the_worker_carries_on_after_the_database_dropped_all_connections(own_database: str) -> None:
    from loyalty_core import commands as cmd
    from loyalty_core.runtime import open_runtime
    from loyalty_core.settings import Settings
    from projections.pools import harden
    from projections.worker import Worker

    runtime = open_runtime(Settings(database_url=own_database))
    harden(runtime.store.recorder.datastore)  # as `create_app` does for the API's runtime
    worker = Worker(Settings(database_url=own_database))
    try:
        runtime.service.execute(cmd.EnrollMember(idempotency_key="w-1", phone=new_phone()))
        assert worker.cycle()[0] > 0
        terminate_backends(own_database)
        runtime.service.execute(cmd.EnrollMember(idempotency_key="w-2", phone=new_phone()))
        applied, statuses = worker.cycle()  # no exception: the worker's pools lend live connections
        assert applied > 0 and all(s.lag == 0 for s in statuses)
    finally:
        worker.close()
        runtime.close()
