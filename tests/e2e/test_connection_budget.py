"""The connection budget holds: a whole deployment fits in PostgreSQL's default max_connections with room to
spare, and a real `loyalty serve` + `loyalty worker` (+ a rebuild) under load never hold more connections
than their pools' maxima say (pg_stat_activity, by the `application_name` every pool sets)."""

from __future__ import annotations

import subprocess
import sys
import threading
import time
import uuid
from collections import Counter, defaultdict
from concurrent.futures import ThreadPoolExecutor
from typing import Iterator

import httpx
import psycopg
import pytest

from loyalty_core.connection_budget import (
    COMPOSE_WITH_FOUR_APIS,
    POOLS_BY_ROLE,
    POSTGRES_DEFAULT_MAX_CONNECTIONS,
    POSTGRES_RESERVED_CONNECTIONS,
    deployment_most,
    pool_size,
    process_most,
)
from loyalty_core.settings import Settings
from tests.conftest import _new_schema
from tests.e2e.conftest import REPO, LiveServer, new_phone, start_server

ROOM_TO_SPARE = 15
"""Connections left for psql sessions, a backup, a `loyalty` command or a fifth API process."""


def test_the_stack_with_four_api_processes_and_a_rebuild_fits_in_the_default_max_connections() -> None:
    settings = Settings.from_env({})
    most = deployment_most(settings, COMPOSE_WITH_FOUR_APIS)
    usable = POSTGRES_DEFAULT_MAX_CONNECTIONS - POSTGRES_RESERVED_CONNECTIONS
    assert most + ROOM_TO_SPARE <= usable, (most, usable)
    assert process_most(settings, "worker") <= 6  # the worker used to hold 30 at idle
    # The sizes come from the settings: a larger API pool is counted, and would not fit.
    greedy = Settings.from_env({"LOYALTY_POOL_SIZE": "20"})
    assert deployment_most(greedy, COMPOSE_WITH_FOUR_APIS) > usable


def test_pool_settings_refuse_nonsense_with_a_clear_message() -> None:
    for value in ("0", "-3", "many", "500"):
        with pytest.raises(ValueError, match="LOYALTY_WORKER_POOL_SIZE"):
            Settings.from_env({"LOYALTY_WORKER_POOL_SIZE": value})


def test_each_role_sizes_its_pools_and_names_its_connections() -> None:
    settings = Settings.from_env({"LOYALTY_POOL_SIZE": "12", "LOYALTY_WORKER_POOL_SIZE": "3",
                                  "LOYALTY_APPLICATION_NAME": "shop7"})
    worker = settings.for_role("worker")
    assert (worker.pool_size, worker.read_pool_size) == (3, 3)
    assert worker.connection_name("read") == "shop7-worker:read"
    assert settings.for_role("api").pool_size == 12
    in_flight = 1  # the in-flight lane's own connection
    assert process_most(settings, "api") == (12 + settings.read_pool_size + settings.tables_pool_size
                                             + in_flight)


@pytest.fixture(scope="module")
def named_server(pg_database: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    url = f"{pg_database}?schema={_new_schema(pg_database)}"
    prefix = f"budget{uuid.uuid4().hex[:6]}"
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("LOYALTY_APPLICATION_NAME", prefix)
        yield from start_server(url, tmp_path_factory.mktemp("budget"))


class Sampler(threading.Thread):
    """Polls pg_stat_activity and keeps the most connections seen per application_name."""

    def __init__(self, database_url: str, prefix: str):
        super().__init__(daemon=True)
        self.dsn = database_url.split("?")[0]
        self.prefix = prefix
        self.most: Counter[str] = Counter()
        self.stop = threading.Event()

    def run(self) -> None:
        with psycopg.connect(self.dsn, autocommit=True) as conn:
            while not self.stop.is_set():
                rows = conn.execute(
                    "SELECT application_name, count(*) FROM pg_stat_activity WHERE application_name LIKE %s "
                    "GROUP BY 1", [f"{self.prefix}-%"]).fetchall()
                for name, count in rows:
                    self.most[name] = max(self.most[name], count)
                self.stop.wait(0.05)


def _purchase(server: LiveServer) -> int:
    with server.client("pos") as pos:
        member = pos.post("/v1/members", json={"phone": new_phone()},
                          headers={"Idempotency-Key": uuid.uuid4().hex})
        assert member.status_code == 201, member.text
        member_id = member.json()["member_id"]
        sale = {"transaction_ref": f"HD-{uuid.uuid4().hex}", "member": {"member_id": member_id}, "total": "125000"}
        return pos.post("/v1/transactions", json=sale).status_code


@pytest.mark.postgres
def test_a_real_serve_worker_and_rebuild_under_load_stay_within_their_pools(named_server: LiveServer) -> None:
    env = named_server.env
    prefix = env["LOYALTY_APPLICATION_NAME"]
    sampler = Sampler(env["LOYALTY_DATABASE_URL"], prefix)
    sampler.start()
    worker = subprocess.Popen(
        [sys.executable, "-m", "loyalty_cli.main", "worker", "--poll-interval", "0.1"],
        env=env, cwd=REPO, stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
    try:
        with ThreadPoolExecutor(max_workers=24) as pool:
            codes = list(pool.map(lambda _: _purchase(named_server), range(96)))
            with named_server.client("analyst") as analyst:
                reads = [analyst.get(path).status_code for path in ("/v1/stats/kpis", "/v1/stats/lag") * 5]
        assert codes == [201] * 96 and set(reads) == {200}, (Counter(codes), reads)
        rebuild = subprocess.run(
            [sys.executable, "-m", "loyalty_cli.main", "projections", "rebuild", "--all"],
            env=env, cwd=REPO, capture_output=True, text=True, timeout=120)
        assert rebuild.returncode == 0, rebuild.stderr
        time.sleep(1.5)  # the worker picks up the new generations
    finally:
        worker.terminate()
        worker.wait(10)
        sampler.stop.set()
        sampler.join(5)
    settings = Settings.from_env({})
    by_role: dict[str, int] = defaultdict(int)
    for name, most in sampler.most.items():
        role, pool = name.removeprefix(f"{prefix}-").split(":")
        opened = POOLS_BY_ROLE[role].count(pool)
        assert opened, f"{name}: a pool the budget does not list"
        assert most <= opened * pool_size(settings.for_role(role), pool), (name, most)
        by_role[role] += most
    print("measured", dict(sampler.most))
    assert {"api", "worker", "rebuild"} <= set(by_role), sampler.most
    for role, most in by_role.items():
        assert most <= process_most(settings, role), (role, most)
    # The load really exercised the API's ledger pool beyond its one resting connection.
    assert sampler.most[f"{prefix}-api:ledger"] >= 2, sampler.most

