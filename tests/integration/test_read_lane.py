"""The read lane (api/read_lane.py, `LedgerStore.fresh_members`): balance reads of cached members on
PostgreSQL are checked for newer events in one statement per round, awaited on the event loop. A read shows the
caller's own last write and another process's; an unknown member is a 404 problem; a database failure is a
503 with Retry-After, never a 500; what fell due is applied at read time; SQLite answers as before."""

from __future__ import annotations

import asyncio
import uuid
from datetime import timedelta
from typing import Any, Iterator

import pytest
from fastapi.testclient import TestClient

from api.main import create_app
from api.read_lane import FreshnessLane, read_lane
from loyalty_core import commands as c
from loyalty_core.errors import StoreUnavailable
from loyalty_core.runtime import Runtime, open_runtime
from loyalty_core.settings import Settings
from tests.conftest import FakeClock
from tests.e2e.conftest import ApiHarness, api_settings, idem, new_phone

postgres = pytest.mark.postgres
WAIT = 10.0  # seconds a read waits for the lane (the pool's bound in the app)


def _enrol(runtime: Runtime) -> uuid.UUID:
    command = c.EnrollMember(idempotency_key=idem(), phone=new_phone(), channel="test")
    return runtime.service.execute(command).member_id


def _earn(runtime: Runtime, member_id: uuid.UUID, points: int, **fields: Any) -> None:
    runtime.service.execute(c.EarnPoints(idempotency_key=idem(), member=c.MemberRef(member_id=member_id),
                                         points=points, reference=idem(), channel="test", **fields))


@pytest.fixture
def two_processes(postgres_url: str) -> Iterator[tuple[Runtime, Runtime]]:
    """Two runtimes on one store, as two API processes have: each with its own member cache."""
    settings = Settings(database_url=postgres_url)
    ours, theirs = open_runtime(settings), open_runtime(settings)
    try:
        yield ours, theirs
    finally:
        ours.close()
        theirs.close()


def _counting_statements(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Every statement psycopg executes from now on (in this process)."""
    import psycopg

    seen: list[str] = []
    original = psycopg.Cursor.execute

    def execute(self: Any, query: Any, *args: Any, **kwargs: Any) -> Any:
        seen.append(query if isinstance(query, str) else query.as_string(self.connection))
        return original(self, query, *args, **kwargs)

    monkeypatch.setattr(psycopg.Cursor, "execute", execute)
    return seen


@postgres
def test_fresh_members_fast_forwards_every_stale_member_in_one_statement(
        two_processes: tuple[Runtime, Runtime], monkeypatch: pytest.MonkeyPatch) -> None:
    ours, theirs = two_processes
    members = [_enrol(ours) for _ in range(3)]
    cached = [ours.store.load_member(m) for m in members]  # cached by this process
    _earn(theirs, members[0], 7)  # another process writes two of them
    _earn(theirs, members[2], 5)
    _earn(theirs, members[2], 4)
    seen = _counting_statements(monkeypatch)
    fresh = ours.store.fresh_members(cached + [cached[2]])  # the same member twice in one round: asked once
    assert len([s for s in seen if s]) == 1, seen  # ("" is the pool's check of the connection)
    assert fresh[members[0]].points_available == 7  # type: ignore[union-attr]
    assert fresh[members[1]] is cached[1]  # nothing newer: the cached state itself
    assert fresh[members[2]].points_available == 9  # type: ignore[union-attr]
    stored = theirs.store.load_member(members[2])
    assert stored is not None and fresh[members[2]].version == stored.version  # type: ignore[union-attr]
    assert ours.store.members.get(members[2]) is fresh[members[2]]  # the cache moves forward too


@postgres
def test_the_read_round_s_prepared_plan_uses_the_index_even_when_made_on_a_small_table(
        two_processes: tuple[Runtime, Runtime], monkeypatch: pytest.MonkeyPatch) -> None:
    """The statement is prepared: its generic plan, made while the events table is small, stays until the table
    is analyzed (never, with autovacuum off). As a join it was a hash join over a sequential scan of every event,
    so each read round got slower as the store grew. It must look each member up in the index."""
    ours, _ = two_processes
    members = [_enrol(ours) for _ in range(2)]
    cached = [ours.store.load_member(m) for m in members]
    seen = _counting_statements(monkeypatch)
    ours.store.fresh_members(cached)
    statement = next(s for s in seen if "unnest" in s)
    generic = statement.replace("%s::uuid[]", "$1::uuid[]").replace("%s::int8[]", "$2::int8[]")
    monkeypatch.undo()
    with ours.store.recorder.datastore.get_connection() as conn:  # type: ignore[attr-defined]
        conn.execute("SET plan_cache_mode = force_generic_plan")
        conn.execute(f"PREPARE read_round(uuid[], int8[]) AS {generic}")
        try:
            ids = ",".join(str(m) for m in members)
            plan = "\n".join(r["QUERY PLAN"] for r in conn.execute(
                f"EXPLAIN EXECUTE read_round('{{{ids}}}'::uuid[], '{{0,0}}'::int8[])").fetchall())
        finally:
            conn.execute("DEALLOCATE read_round")
            conn.execute("RESET plan_cache_mode")
    assert "Seq Scan" not in plan and "Hash" not in plan, plan
    assert "Index" in plan, plan


@postgres
def test_the_lane_answers_every_waiting_read_from_one_round(two_processes: tuple[Runtime, Runtime]) -> None:
    ours, theirs = two_processes
    members = [_enrol(ours) for _ in range(5)]
    for member_id in members:
        ours.store.load_member(member_id)
        _earn(theirs, member_id, 3)
    lane = FreshnessLane(ours.store, WAIT)
    rounds: list[int] = []
    fresh_members = ours.store.fresh_members

    def counted(cached: Any) -> Any:
        rounds.append(len(cached))
        return fresh_members(cached)

    ours.store.fresh_members = counted  # type: ignore[method-assign]

    async def reads() -> list[Any]:
        return await asyncio.gather(*(lane.fresh(m) for m in members + members))

    answers = asyncio.run(reads())
    assert [a.points_available for a in answers] == [3] * 10
    assert sum(rounds) == 10 and len(rounds) <= 2, rounds  # all at once (the thread may start on the first)
    assert asyncio.run(_fresh(lane, uuid.uuid4())) is None  # not cached here: the caller loads it itself


async def _fresh(lane: FreshnessLane, member_id: uuid.UUID) -> Any:
    return await lane.fresh(member_id)


@postgres
def test_a_database_failure_fails_the_round_as_store_unavailable(two_processes: tuple[Runtime, Runtime],
                                                                  postgres_url: str) -> None:
    ours, _ = two_processes
    member_id = _enrol(ours)
    ours.store.load_member(member_id)
    recorder = ours.store.recorder
    with recorder.datastore.get_connection() as conn:
        conn.execute(f'ALTER TABLE "{recorder.datastore.schema}".{recorder.events_table_name} RENAME TO gone')
    lane = FreshnessLane(ours.store, WAIT)
    with pytest.raises(StoreUnavailable):
        asyncio.run(_fresh(lane, member_id))


@postgres
def test_a_stalled_store_answers_a_read_store_unavailable_within_the_bound(
        two_processes: tuple[Runtime, Runtime], postgres_url: str) -> None:
    import threading
    import time

    import psycopg

    ours, _ = two_processes
    member_id = _enrol(ours)
    ours.store.load_member(member_id)
    lane = FreshnessLane(ours.store, 0.5)
    recorder = ours.store.recorder
    with psycopg.connect(postgres_url.split("?")[0]) as holder:  # every statement on the events table waits
        holder.execute(f'LOCK TABLE "{recorder.datastore.schema}".{recorder.events_table_name} '
                       "IN ACCESS EXCLUSIVE MODE")
        release = threading.Timer(3.0, holder.rollback)
        release.start()
        started = time.monotonic()
        with pytest.raises(StoreUnavailable):
            asyncio.run(_fresh(lane, member_id))
        assert time.monotonic() - started < 2.0  # not held for the 3 s of the stall
        release.join()
    fresh = asyncio.run(_fresh(lane, member_id))  # the stalled round ends; the next one answers
    assert fresh is not None and fresh.id == member_id


# --- over HTTP ---------------------------------------------------------------------------------------------


@pytest.fixture
def served(postgres_url: str) -> Iterator[tuple[ApiHarness, Runtime]]:
    """An app on PostgreSQL on a movable clock, and a second process's runtime on the same store."""
    clock = FakeClock()
    runtime = open_runtime(Settings(database_url=postgres_url), clock=clock)
    runtime.service.policy.install_demo(clock())
    elsewhere = open_runtime(Settings(database_url=postgres_url), clock=clock)
    app = create_app(api_settings(postgres_url), runtime=runtime)
    app.state.clock = clock
    try:
        with TestClient(app, raise_server_exceptions=False) as client:
            yield ApiHarness(app, client), elsewhere
    finally:
        app.state.api.close()
        elsewhere.close()
        runtime.close()


def _no_per_read_load(api: ApiHarness, monkeypatch: pytest.MonkeyPatch) -> None:
    """A cached member's read must not take the per-read path (a round trip from a thread each)."""
    def per_read(*args: Any) -> Any:
        raise AssertionError("load_member called for a cached member")

    monkeypatch.setattr(api.ctx.runtime.store, "load_member", per_read)


@postgres
def test_a_read_shows_the_callers_own_write_and_another_processs(served: tuple[ApiHarness, Runtime],
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    api, elsewhere = served
    member_id = api.member_with(10)
    assert api.balance(member_id)["available"] == 10  # cached now
    sale = {"transaction_ref": f"HD-{uuid.uuid4().hex}", "member": {"member_id": member_id},
            "total": "125000", "store_id": "HCM-01"}
    earned = api.post("/v1/transactions", sale, key="pos").json()["balance"]["available"]
    assert earned > 10
    _no_per_read_load(api, monkeypatch)
    assert api.balance(member_id)["available"] == earned  # our own write
    _earn(elsewhere, uuid.UUID(member_id), 100)  # another process's write: our cache does not know it
    body = api.balance(member_id)
    assert body["available"] == earned + 100 and body["lifetime_earned"] == earned + 100
    assert read_lane(api.ctx) is not None


@postgres
def test_due_expiry_is_applied_at_read_time(served: tuple[ApiHarness, Runtime],
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    api, elsewhere = served
    clock = api.app.state.clock
    member_id = api.member_with(0)
    _earn(api.ctx.runtime, uuid.UUID(member_id), 40, expires_at=clock() + timedelta(days=2))
    assert api.balance(member_id)["available"] == 40
    _no_per_read_load(api, monkeypatch)
    clock.advance(days=3)  # the lot is past its expiry; nothing was written since
    body = api.balance(member_id)
    assert body["available"] == 0 and body["lifetime_expired"] == 40, body


@postgres
def test_an_unknown_member_is_a_404_problem(served: tuple[ApiHarness, Runtime]) -> None:
    api, _ = served
    response = api.get(f"/v1/members/{uuid.uuid4()}/balance")
    assert response.status_code == 404, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    assert response.json()["code"] == "member_not_found"


@postgres
def test_a_merged_member_reads_its_survivors_balance(served: tuple[ApiHarness, Runtime]) -> None:
    api, _ = served
    survivor, duplicate = api.member_with(30), api.member_with(12)
    assert api.balance(duplicate)["available"] == 12  # cached before the merge
    merged = api.post(f"/v1/members/{survivor}/merges",
                      {"merged_member_id": duplicate, "reason": "same person"}, key="staff")
    assert merged.status_code == 201, merged.text
    assert api.balance(duplicate) == api.balance(survivor)


@postgres
def test_a_database_failure_under_a_read_is_503_with_retry_after(served: tuple[ApiHarness, Runtime]) -> None:
    api, _ = served
    member_id = api.member_with(5)
    api.balance(member_id)
    recorder = api.ctx.runtime.store.recorder
    schema, table = recorder.datastore.schema, recorder.events_table_name
    with recorder.datastore.get_connection() as conn:
        conn.execute(f'ALTER TABLE "{schema}".{table} RENAME TO gone')
    try:
        response = api.get(f"/v1/members/{member_id}/balance")
    finally:
        with recorder.datastore.get_connection() as conn:
            conn.execute(f'ALTER TABLE "{schema}".gone RENAME TO {table}')
    assert response.status_code == 503, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    assert response.json()["code"] == "store_unavailable" and int(response.headers["retry-after"]) > 0
    assert api.balance(member_id)["available"] == 5  # and back once the store is


def test_sqlite_reads_go_the_usual_way(tmp_path: Any) -> None:
    url = f"sqlite:///{tmp_path}/loyalty.db"
    app = create_app(api_settings(url))
    try:
        with TestClient(app, raise_server_exceptions=False) as client:
            api = ApiHarness(app, client)
            member_id = api.member_with(8)
            assert api.balance(member_id)["available"] == 8
            assert api.get(f"/v1/members/{uuid.uuid4()}/balance").status_code == 404
        assert read_lane(app.state.api) is None
    finally:
        app.state.api.close()
