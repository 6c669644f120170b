"""API keys with a lifecycle: expiry, rotation with an overlap, last use, a per-key rate limit, demo keys
refused outside development, and `make run` reusing its demo keys (both stores)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Iterator

import pytest

from api.keys import KeyRing
from api.tables import ApiTables, open_tables
from loyalty_cli.quickstart import DEMO_KEYS, demo_keys
from loyalty_core.settings import Settings
from tests.e2e.conftest import REPO, ApiHarness

T0 = datetime(2026, 3, 1, 9, 0, tzinfo=timezone.utc)


class Clock:
    def __init__(self) -> None:
        self.now = T0

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def tables(database_url: str) -> Iterator[ApiTables]:
    tables = open_tables(Settings(database_url=database_url))
    try:
        yield tables
    finally:
        tables.close()


def _ring(tables: ApiTables, clock: Clock, **kwargs: object) -> KeyRing:
    return KeyRing(tables, cache_seconds=0, clock=clock, **kwargs)  # type: ignore[arg-type]


def test_a_key_expires_at_its_instant_and_never_before(tables: ApiTables) -> None:
    clock = Clock()
    ring = _ring(tables, clock)
    key, token = ring.create("channel", channel="pos", expires_at=T0 + timedelta(days=30))
    assert ring.authenticate(token) is not None
    clock.now = T0 + timedelta(days=30) - timedelta(seconds=1)
    assert ring.authenticate(token) is not None
    clock.now = T0 + timedelta(days=30)
    assert ring.authenticate(token) is None
    listed = {k.key_id: k for k in ring.list()}[key.key_id]
    assert listed.expires_at == (T0 + timedelta(days=30)).isoformat()
    with pytest.raises(ValueError, match="future"):
        ring.create("admin", expires_at=T0 - timedelta(days=1))
    with pytest.raises(ValueError, match="future"):
        ring.create("admin", expires_at=datetime(2027, 1, 1))  # no time zone


def test_a_cached_key_is_refused_once_it_expires(tables: ApiTables) -> None:
    clock = Clock()
    ring = KeyRing(tables, cache_seconds=3600, clock=clock)
    _, token = ring.create("staff", expires_at=T0 + timedelta(hours=1))
    assert ring.authenticate(token) is not None
    clock.now = T0 + timedelta(hours=2)
    assert ring.authenticate(token) is None


def test_rotation_keeps_both_keys_valid_for_the_overlap_then_only_the_new_one(tables: ApiTables) -> None:
    clock = Clock()
    ring = _ring(tables, clock)
    old, old_token = ring.create("channel", channel="pos", stores=("HCM-01",), label="till 3",
                                 rate_limit="50/minute")
    new, new_token = ring.rotate(old.key_id, timedelta(hours=6))
    assert (new.role, new.channel, new.stores, new.label, new.rate_limit, new.rotated_from) == (
        old.role, "pos", ("HCM-01",), "till 3", "50/minute", old.key_id)
    assert new_token != old_token and new.expires_at is None
    clock.now = T0 + timedelta(hours=5, minutes=59)
    assert ring.authenticate(old_token) is not None and ring.authenticate(new_token) is not None
    clock.now = T0 + timedelta(hours=6)
    assert ring.authenticate(old_token) is None and ring.authenticate(new_token) is not None
    with pytest.raises(ValueError, match="expired"):
        ring.rotate(old.key_id)
    ring.revoke(new.key_id)
    with pytest.raises(ValueError, match="no active key"):
        ring.rotate(new.key_id)
    with pytest.raises(ValueError, match="no active key"):
        ring.rotate("0123456789abcdef")


def test_rotation_never_lengthens_a_key_that_expires_sooner(tables: ApiTables) -> None:
    clock = Clock()
    ring = _ring(tables, clock)
    old, old_token = ring.create("admin", expires_at=T0 + timedelta(hours=1))
    ring.rotate(old.key_id, timedelta(days=7))
    clock.now = T0 + timedelta(hours=1)
    assert ring.authenticate(old_token) is None


def test_last_use_is_recorded_at_most_once_a_minute(tables: ApiTables) -> None:
    clock, ticks = Clock(), [0.0]
    ring = KeyRing(tables, cache_seconds=0, clock=clock, monotonic=lambda: ticks[0])
    key, token = ring.create("analyst")
    assert {k.key_id: k for k in ring.list()}[key.key_id].last_used_at is None
    ring.authenticate(token)
    clock.now, ticks[0] = T0 + timedelta(seconds=30), 30.0
    ring.authenticate(token)
    assert {k.key_id: k for k in ring.list()}[key.key_id].last_used_at == T0.isoformat()
    clock.now, ticks[0] = T0 + timedelta(seconds=61), 61.0
    ring.authenticate(token)
    used = {k.key_id: k for k in ring.list()}[key.key_id].last_used_at
    assert used == (T0 + timedelta(seconds=61)).isoformat()


def test_a_bad_rate_limit_is_refused_when_the_key_is_made(tables: ApiTables) -> None:
    ring = _ring(tables, Clock())
    for spec in ("lots", "10/fortnight", "ten/minute"):
        with pytest.raises(ValueError, match="not a rate limit"):
            ring.create("admin", rate_limit=spec)


def test_demo_keys_are_accepted_only_in_development(tables: ApiTables) -> None:
    clock = Clock()
    _, token = _ring(tables, clock, allow_demo=True).create("admin", demo=True)
    assert _ring(tables, clock, allow_demo=True).authenticate(token) is not None
    assert _ring(tables, clock).authenticate(token) is None


def test_make_run_reuses_its_demo_keys(tables: ApiTables, tmp_path: Path) -> None:
    ring = _ring(tables, Clock(), allow_demo=True)
    path = tmp_path / "data" / "demo-keys.json"
    first = demo_keys(ring, path)
    again = demo_keys(ring, path)
    assert first == again and len(first) == len(DEMO_KEYS)
    assert oct(path.stat().st_mode & 0o777) == "0o600"
    assert sum(k.demo for k in ring.list()) == len(DEMO_KEYS)
    ring.revoke(ring.authenticate(first[0][1]).key_id)  # type: ignore[union-attr]
    path.write_text(json.dumps({**dict(first), DEMO_KEYS[1][0]: "lk_nonsense"}))
    third = demo_keys(ring, path)
    assert third[0][1] != first[0][1] and third[1][1] != first[1][1] and third[2:] == first[2:]
    path.write_text("not json")
    assert len(demo_keys(ring, path)) == len(DEMO_KEYS)


def test_the_api_refuses_expired_and_demo_keys_and_applies_a_keys_own_limit(fresh_api: ApiHarness) -> None:
    keys = fresh_api.app.state.api.keys
    _, expiring = keys.create("admin", expires_at=datetime.now(timezone.utc) + timedelta(minutes=5))
    _, demo = keys.create("admin", demo=True)
    _, limited = keys.create("admin", rate_limit="3/minute")

    def get(token: str) -> int:
        return fresh_api.client.get("/v1/program", headers={"Authorization": f"Bearer {token}"}).status_code

    assert get(expiring) == 200
    assert get(demo) == 401  # fresh_api runs as production (LOYALTY_ENV unset)
    assert [get(limited) for _ in range(5)] == [200, 200, 200, 429, 429]
    keys.clock = lambda: datetime.now(timezone.utc) + timedelta(minutes=6)
    keys._cache.clear()  # noqa: SLF001 - as after key_cache_seconds
    refused = fresh_api.client.get("/v1/program", headers={"Authorization": f"Bearer {expiring}"})
    assert refused.status_code == 401 and refused.json()["code"] == "invalid_api_key"


def test_keys_rotate_and_list_on_the_command_line(tmp_path: Path) -> None:
    env = {**os.environ, "LOYALTY_DATABASE_URL": f"sqlite:///{tmp_path}/cli.db"}

    def loyalty(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-m", "loyalty_cli.main", *args], env=env, cwd=REPO,
                              capture_output=True, text=True, timeout=60)

    made = loyalty("keys", "create", "--role", "admin", "--expires-in-days", "30",
                   "--rate-limit", "100/minute")
    assert made.returncode == 0, made.stderr
    old_id = made.stdout.strip().split("_")[1]
    rotated = loyalty("keys", "rotate", old_id, "--overlap-hours", "2")
    assert rotated.returncode == 0 and rotated.stdout.startswith("lk_"), rotated.stderr
    listed = {k["key_id"]: k for k in json.loads(loyalty("keys", "list").stdout)}
    new_id = rotated.stdout.strip().split("_")[1]
    assert listed[new_id]["rotated_from"] == old_id and listed[new_id]["rate_limit"] == "100/minute"
    old_expiry = datetime.fromisoformat(listed[old_id]["expires_at"])
    assert timedelta(hours=1) < old_expiry - datetime.now(timezone.utc) <= timedelta(hours=2)
    assert "last_used_at" in listed[old_id]
    refused = loyalty("keys", "create", "--role", "admin", "--rate-limit", "lots")
    assert refused.returncode == 1 and "not a rate limit" in refused.stderr
    assert "Traceback" not in refused.stderr
