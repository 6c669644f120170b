"""Shared fixtures: every integration test runs on both stores.

PostgreSQL: each test run gets its own database (`loyalty_test_<pid>_<random>`, dropped at the end), and
each test its own schema in it, so runs and tests never see each other's rows. In CI (`CI=true`) a missing
PostgreSQL fails the run instead of skipping: the production store is always tested for real.
"""

from __future__ import annotations

import os
import secrets
import uuid
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Iterator

import pytest

PG_ADMIN_DSN = os.environ.get("LOYALTY_TEST_PG", "postgresql://postgres@127.0.0.1:5432/postgres")
# Personal data is sealed under a key-encryption secret (docs/privacy.md); a PostgreSQL store refuses to start
# without one outside development. One test secret for every store and every server a test starts.
os.environ.setdefault("LOYALTY_KEK", "test-only-key-encryption-secret-not-for-production")


def _pg_available() -> str | None:
    try:
        import psycopg

        with psycopg.connect(PG_ADMIN_DSN, connect_timeout=3) as conn:
            conn.execute("select 1")
        return None
    except Exception as exc:  # noqa: BLE001 - any failure means "not available"
        return str(exc)


@pytest.fixture(scope="session")
def pg_database() -> Iterator[str]:
    """A database of this test run's own (one per xdist worker), dropped afterwards."""
    problem = _pg_available()
    if problem:
        if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
            pytest.fail(f"PostgreSQL is required in CI and is not reachable: {problem}")
        pytest.skip(f"PostgreSQL not available: {problem}")
    import psycopg

    name = f"loyalty_test_{os.getpid()}_{secrets.token_hex(3)}"
    with psycopg.connect(PG_ADMIN_DSN, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    base = PG_ADMIN_DSN.rsplit("/", 1)[0]
    yield f"{base}/{name}"
    with psycopg.connect(PG_ADMIN_DSN, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _new_schema(database_url: str) -> str:
    import psycopg

    schema = f"t_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(database_url, autocommit=True) as conn:
        conn.execute(f'CREATE SCHEMA "{schema}"')
    return schema


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A fresh, empty store: a SQLite file, or a PostgreSQL schema of this test's own."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path}/loyalty.db"
    base = request.getfixturevalue("pg_database")
    return f"{base}?schema={_new_schema(base)}"


@pytest.fixture
def postgres_url(request: pytest.FixtureRequest) -> str:
    base = request.getfixturevalue("pg_database")
    return f"{base}?schema={_new_schema(base)}"


@pytest.fixture
def runtime(database_url: str) -> Iterator:
    """The real runtime (service, store, program policy) on this test's store, closed afterwards. Modules
    that need a clock or settings of their own define their own `runtime`."""
    from loyalty_core.runtime import open_runtime
    from loyalty_core.settings import Settings

    opened = open_runtime(Settings(database_url=database_url))
    try:
        yield opened
    finally:
        opened.close()


@pytest.fixture
def shared_state_pool(postgres_url: str) -> Iterator:
    """The connection pool of the API's tables on PostgreSQL, with the shared-state tables (rate windows,
    in-flight keys) created: what the API's lanes use."""
    from api.shared_state import open_shared_state
    from api.tables import PostgresTables
    from loyalty_core.settings import Settings

    tables = PostgresTables(Settings(database_url=postgres_url))
    open_shared_state("", tables)
    try:
        yield tables.pool
    finally:
        tables.close()


class FakeClock:
    """A clock tests can move: `clock.advance(days=40)`."""

    def __init__(self, start: datetime | None = None):
        self.now = start or datetime(2026, 1, 15, 3, 0, tzinfo=timezone.utc)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> datetime:
        self.now = self.now + timedelta(**delta)
        return self.now


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()
