"""Rate limits and in-flight Idempotency-Keys hold across API processes: two real `loyalty serve` processes
on one PostgreSQL store, with the shared state in PostgreSQL or in Redis (api/shared_state.py)."""

from __future__ import annotations

import itertools
import secrets
import subprocess
import sys
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

import httpx
import limits
import pytest

from api.keys import KeyRing
from api.shared_state import PostgresLimiter, PostgresRegistry, RedisRegistry, open_shared_state
from api.tables import open_tables
from loyalty_core.runtime import open_runtime
from loyalty_core.settings import Settings
from tests.conftest import _new_schema
from tests.e2e.conftest import REPO, free_port, new_phone

REDIS_URL = "redis://127.0.0.1:6379/5"
KEY_LIMIT = 12
AUTH_FAILURES = 6


def _redis_or_skip() -> None:
    import redis

    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1).ping()
    except redis.exceptions.ConnectionError as exc:
        pytest.skip(f"Redis not reachable at {REDIS_URL}: {exc}")


@dataclass
class Pair:
    urls: tuple[str, str]
    tokens: dict[str, str]
    database_url: str
    redis_url: str

    def client(self, which: int, key: str | None) -> httpx.Client:
        headers = {"Authorization": f"Bearer {self.tokens[key]}"} if key else {}
        return httpx.Client(base_url=self.urls[which], headers=headers, timeout=30)

    def registry(self) -> object:
        if self.redis_url:
            import redis

            return RedisRegistry(redis.Redis.from_url(self.redis_url))
        return PostgresRegistry(open_tables(Settings(database_url=self.database_url)).pool)


def _serve(env: dict[str, str], log: Path) -> tuple[subprocess.Popen[bytes], str]:
    port = free_port()
    with open(log, "wb") as out:
        process = subprocess.Popen([sys.executable, "-m", "loyalty_cli.main", "serve", "--port", str(port)],
                                   env=env, cwd=REPO, stdout=out, stderr=subprocess.STDOUT)
    return process, f"http://127.0.0.1:{port}"


def _wait_ready(process: subprocess.Popen[bytes], url: str, log: Path) -> None:
    deadline = time.monotonic() + 60
    while True:
        try:
            if httpx.get(f"{url}/readyz", timeout=1).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        assert process.poll() is None and time.monotonic() < deadline, log.read_text(errors="replace")
        time.sleep(0.1)


@pytest.fixture(scope="module", params=["postgres", "redis"])
def pair(request: pytest.FixtureRequest, pg_database: str,
         tmp_path_factory: pytest.TempPathFactory) -> Iterator[Pair]:
    redis_url = ""
    if request.param == "redis":
        _redis_or_skip()
        redis_url = REDIS_URL
    url = f"{pg_database}?schema={_new_schema(pg_database)}"
    runtime = open_runtime(Settings(database_url=url))
    tables = open_tables(runtime.settings)
    try:
        runtime.service.policy.install_demo(runtime.service.clock())
        ring = KeyRing(tables)
        tokens = {name: ring.create("channel", channel="pos", stores=("HCM-01",))[1]
                  for name in ("limited", "till", "other")}
    finally:
        tables.close()
        runtime.close()
    import os

    env = {**os.environ, "LOYALTY_DATABASE_URL": url, "LOYALTY_API_KEY_CACHE_SECONDS": "0",
           "LOYALTY_API_RATE_LIMIT_CHANNEL": f"{KEY_LIMIT}/minute",
           "LOYALTY_API_AUTH_FAILURE_LIMIT": f"{AUTH_FAILURES}/minute", "LOYALTY_REDIS_URL": redis_url}
    workdir = tmp_path_factory.mktemp("pair")
    # One after the other: two processes creating the same tables on an empty schema at the same instant
    # can collide in PostgreSQL's catalogue (a known start-up race, noted in docs/operations.md).
    started = []
    try:
        for n in (0, 1):
            started.append(_serve(env, workdir / f"server{n}.log"))
            _wait_ready(*started[-1], workdir / f"server{n}.log")
        yield Pair((started[0][1], started[1][1]), tokens, url, redis_url)
    finally:
        for process, _ in started:
            process.terminate()
        for process, _ in started:
            try:
                process.wait(10)
            except subprocess.TimeoutExpired:
                process.kill()


def test_a_keys_limit_is_not_doubled_by_a_second_process(pair: Pair) -> None:
    with pair.client(0, "till") as till:
        member_id = till.post("/v1/members", json={"phone": new_phone()},
                              headers={"Idempotency-Key": uuid.uuid4().hex}).json()["member_id"]
    with pair.client(0, "limited") as first, pair.client(1, "limited") as second:
        answers = [(first, second)[n % 2].get(f"/v1/members/{member_id}/balance") for n in range(KEY_LIMIT + 8)]
    codes = [a.status_code for a in answers]
    assert codes.count(200) == KEY_LIMIT and codes[KEY_LIMIT:] == [429] * 8, codes
    refused = answers[-1]
    assert refused.json()["code"] == "rate_limited" and int(refused.headers["Retry-After"]) >= 1


def test_failed_authentications_from_one_address_are_counted_across_processes(pair: Pair) -> None:
    tokens = (f"lk_{uuid.uuid4().hex}" for _ in itertools.count())
    codes = []
    # From an address of its own on the loopback network, new for each run: the other tests' requests stay
    # unblocked, and counts a previous run left in Redis (within the same minute) are not this run's.
    address = f"127.{secrets.randbelow(200) + 20}.{secrets.randbelow(250) + 1}.{secrets.randbelow(250) + 2}"
    for n in range(AUTH_FAILURES + 2):
        transport = httpx.HTTPTransport(local_address=address)
        with httpx.Client(base_url=pair.urls[n % 2], timeout=30, transport=transport) as client:
            codes.append(client.get("/v1/program", headers={"Authorization": f"Bearer {next(tokens)}"}).status_code)
    assert codes == [401] * AUTH_FAILURES + [429, 429], codes


def _purchase(client: httpx.Client, member_id: str, ref: str) -> httpx.Response:
    return client.post("/v1/transactions", json={"transaction_ref": ref, "member": {"member_id": member_id},
                                                 "total": "125000"}, headers={"Idempotency-Key": ref})


def test_a_key_held_by_one_process_is_in_progress_for_every_process(pair: Pair) -> None:
    with pair.client(0, "till") as first, pair.client(1, "till") as second:
        enrolled = first.post("/v1/members", json={"phone": new_phone()}, headers={"Idempotency-Key": uuid.uuid4().hex})
        member_id = enrolled.json()["member_id"]
        ref = f"HD-{uuid.uuid4().hex[:10]}"
        registry = pair.registry()
        token = registry.acquire("purchase/pos", ref)  # another process's request, still running
        assert token is not None
        try:
            held = [_purchase(client, member_id, ref) for client in (first, second)]
            assert [(r.status_code, r.json()["code"]) for r in held] == [(409, "idempotency_request_in_progress")] * 2
            assert all(r.headers["Retry-After"] == "1" for r in held)
        finally:
            registry.release("purchase/pos", ref, token)
        done = _purchase(second, member_id, ref)
        again = _purchase(first, member_id, ref)
        assert (done.status_code, again.status_code) == (201, 201), done.text
        assert again.headers.get("Idempotent-Replayed") == "true" and again.json() == done.json()


def test_the_same_key_sent_to_both_processes_at_once_takes_effect_once(pair: Pair) -> None:
    with pair.client(0, "other") as first, pair.client(1, "other") as second:
        enrolled = first.post("/v1/members", json={"phone": new_phone()}, headers={"Idempotency-Key": uuid.uuid4().hex})
        member_id = enrolled.json()["member_id"]
        ref = f"HD-{uuid.uuid4().hex[:10]}"
        with ThreadPoolExecutor(max_workers=8) as pool:
            answers = list(pool.map(lambda n: _purchase((first, second)[n % 2], member_id, ref), range(8)))
        outcomes = [(a.status_code, a.headers.get("Idempotent-Replayed")) for a in answers]
        assert all(code in (201, 409) for code, _ in outcomes), [a.text for a in answers]
        assert [o for o in outcomes if o == (201, None)] == [(201, None)], outcomes  # exactly one original
        assert all(a.json()["code"] == "idempotency_request_in_progress" for a in answers if a.status_code == 409)
        earned = first.get(f"/v1/members/{member_id}/balance").json()["lifetime_earned"]
        assert earned == answers[[o[0] for o in outcomes].index(201)].json()["points_earned"] > 0


def test_the_postgres_limiter_never_gives_the_last_slot_twice(pg_database: str) -> None:
    url = f"{pg_database}?schema={_new_schema(pg_database)}"
    tables = open_tables(Settings(database_url=url, tables_pool_size=8))
    try:
        state = open_shared_state("", tables)
        assert state.kind == "postgres"
        now = [60.0 * 16_666]  # the start of a minute window
        limiter = PostgresLimiter(tables.pool, clock=lambda: now[0])
        item = limits.parse("10/minute")
        with ThreadPoolExecutor(max_workers=8) as pool:
            accepted = list(pool.map(lambda _: limiter.hit(item, "channel", "k1"), range(30)))
        assert accepted.count(True) == 10
        assert not limiter.test(item, "channel", "k1") and limiter.retry_after(item, "channel", "k1") >= 1
        now[0] += 60  # the next window: the previous one still weighs fully at its start
        assert not limiter.hit(item, "channel", "k1")
        now[0] += 30  # half of it has slid past: five slots free
        assert [limiter.hit(item, "channel", "k1") for _ in range(6)] == [True] * 5 + [False]
        assert limiter.hit(item, "channel", "another key")
    finally:
        tables.close()


def test_a_sqlite_api_keeps_its_state_in_its_one_process(tmp_path: Path) -> None:
    tables = open_tables(Settings(database_url=f"sqlite:///{tmp_path}/x.db"))
    try:
        assert open_shared_state("", tables).kind == "memory"
    finally:
        tables.close()


def test_a_test_that_found_room_is_believed_for_a_second_and_forgotten_on_a_hit(pg_database: str) -> None:
    url = f"{pg_database}?schema={_new_schema(pg_database)}"
    tables = open_tables(Settings(database_url=url))
    try:
        open_shared_state("", tables)
        ticks = [100.0]
        here = PostgresLimiter(tables.pool, monotonic=lambda: ticks[0])
        elsewhere = PostgresLimiter(tables.pool)  # another process
        item = limits.parse("2/minute")
        assert here.test(item, "auth", "10.0.0.9")
        elsewhere.hit(item, "auth", "10.0.0.9")
        elsewhere.hit(item, "auth", "10.0.0.9")
        assert here.test(item, "auth", "10.0.0.9")  # still believed: at most a second old
        ticks[0] += 1.0
        assert not here.test(item, "auth", "10.0.0.9")  # read again: full
        other = limits.parse("5/minute")
        assert here.test(other, "auth", "10.0.0.10")
        for _ in range(5):
            here.hit(other, "auth", "10.0.0.10")  # a hit here forgets the belief at once
        assert not here.test(other, "auth", "10.0.0.10")
    finally:
        tables.close()
