"""The API's small pure parts: the error-code table, key hashing and caching, in-flight keys, cursors."""

from __future__ import annotations

import inspect
import threading
from types import SimpleNamespace
from typing import Any

import pytest

from api.errors import ApiProblem, status_for
from api.history import _parse_cursor
from api.idempotency import InFlight
from api.keys import KeyRing, Role, hash_key
from loyalty_core import errors
from loyalty_core.errors import LoyaltyError

EXPECTED = {
    "member_not_found": 404,
    "reservation_not_found": 404,
    "transaction_not_found": 404,
    "reward_not_found": 404,
    "identifier_taken": 409,
    "reservation_already_captured": 409,
    "reservation_already_released": 409,
    "reservation_expired": 409,
    "idempotency_request_in_progress": 409,
    "insufficient_points": 422,
    "capture_exceeds_reservation": 422,
    "idempotency_key_reused": 422,
    "amount_must_be_positive": 422,
    "amount_too_large": 422,
    "invalid_money": 422,
    "invalid_phone": 422,
    "invalid_input": 422,
    "invalid_identifier": 422,
}


def test_each_contract_code_has_its_status() -> None:
    for code, status in EXPECTED.items():
        assert status_for(code) == status, code


def test_every_ledger_refusal_maps_to_a_4xx_and_an_unavailable_store_to_a_503() -> None:
    codes = [
        cls.code for _, cls in inspect.getmembers(errors, inspect.isclass) if issubclass(cls, LoyaltyError)
    ]
    assert len(codes) > 20
    refusals = [code for code in codes if code != "store_unavailable"]
    assert all(400 <= status_for(code) < 500 for code in refusals), refusals
    assert status_for("store_unavailable") == 503


class _Tables:
    """Just enough of ApiTables for the key ring (the keys' lifecycle rows in a SQLite file)."""

    def __init__(self) -> None:
        import tempfile

        from api.tables import SQLiteTables

        self.rows: dict[str, dict[str, Any]] = {}
        self.reads = 0
        self._lifecycle = SQLiteTables(f"{tempfile.mkdtemp()}/keys.db")
        self._transaction = self._lifecycle._transaction
        self._run = self._lifecycle._run
        self._sql = self._lifecycle._sql  # the schema runner applies the lifecycle's migrations through it

    def insert_key(self, row: dict[str, Any]) -> None:
        self.rows[row["key_id"]] = {**row, "stores": tuple(row["stores"]), "revoked_at": None}

    def get_key(self, key_id: str) -> dict[str, Any] | None:
        self.reads += 1
        return self.rows.get(key_id)

    def revoke_key(self, key_id: str, at: str) -> bool:
        self.rows[key_id]["revoked_at"] = at
        return True


def test_only_the_hash_of_a_key_is_stored() -> None:
    tables = _Tables()
    key, token = KeyRing(tables).create(Role.CHANNEL, channel="pos", stores=["HCM-01"])  # type: ignore[arg-type]
    stored = tables.rows[key.key_id]
    assert stored["secret_hash"] == hash_key(token) and token not in str(stored)
    assert token.startswith(f"lk_{key.key_id}_")


def test_a_verified_key_is_cached_and_a_revocation_here_bites_at_once() -> None:
    tables, now = _Tables(), [0.0]
    ring = KeyRing(tables, cache_seconds=5, monotonic=lambda: now[0])  # type: ignore[arg-type]
    key, token = ring.create("admin")
    assert ring.authenticate(token) == ring.authenticate(token) == key
    assert tables.reads == 1
    now[0] = 6
    assert ring.authenticate(token) == key and tables.reads == 2
    ring.revoke(key.key_id)
    assert ring.authenticate(token) is None


def test_a_key_with_the_right_id_and_the_wrong_secret_is_refused_even_when_cached() -> None:
    ring = KeyRing(_Tables(), cache_seconds=60)  # type: ignore[arg-type]
    key, token = ring.create("admin")
    assert ring.authenticate(token) == key
    forged = token[:-3] + ("aaa" if not token.endswith("aaa") else "bbb")
    assert ring.authenticate(forged) is None


def test_a_remembered_key_is_only_one_the_event_loop_may_use_without_the_database(monkeypatch) -> None:
    noted: list[str] = []
    monkeypatch.setattr("api.keys.Lifecycle", lambda tables: SimpleNamespace(
        get=lambda key_id: None, used=lambda key_id, at: noted.append(key_id)))
    tables, now = _Tables(), [100.0]
    ring = KeyRing(tables, cache_seconds=5, monotonic=lambda: now[0])  # type: ignore[arg-type]
    key, token = ring.create("admin")
    assert ring.remembered(token) is None  # never verified here: authenticate reads it
    assert ring.authenticate(token) == key and ring.remembered(token) == key and tables.reads == 1
    assert ring.remembered(token[:-3] + ("aaa" if not token.endswith("aaa") else "bbb")) is None
    assert ring.remembered("lk_nonsense") is None
    now[0] = 106  # the cache ran out: authenticate must read the key again (a revocation elsewhere bites)
    assert ring.remembered(token) is None
    now[0] = 100 + 61  # re-verified, but its last use is due to be noted (a write): not on the event loop
    assert ring.remembered(token) is None
    assert ring.authenticate(token) == key and ring.remembered(token) == key and tables.reads == 2
    assert noted == [key.key_id, key.key_id]  # each noting was authenticate's, on a thread


@pytest.mark.parametrize(
    "kwargs",
    [
        {"role": "channel"},
        {"role": "auditor", "stores": ["HCM-01"]},  # staff may be limited to stores; auditors may not
        {"role": "channel", "channel": "Bad Channel"},
        {"role": "channel", "channel": "pos", "stores": ["HCM 01"]},
    ],
)
def test_nonsensical_keys_are_not_created(kwargs: dict[str, Any]) -> None:
    with pytest.raises(ValueError):
        KeyRing(_Tables()).create(**kwargs)  # type: ignore[arg-type]


def test_a_key_in_flight_is_refused_until_it_is_done() -> None:
    inflight = InFlight()
    with inflight.hold("key-1", "abc"):
        with pytest.raises(ApiProblem) as refused, inflight.hold("key-1", "abc"):
            pass
        assert refused.value.status == 409 and refused.value.code == "idempotency_request_in_progress"
        with inflight.hold("key-2", "abc"):  # another API key's "abc" is another key
            pass
    with inflight.hold("key-1", "abc"):
        pass


def test_in_flight_keys_are_released_when_the_command_fails() -> None:
    inflight = InFlight()
    with pytest.raises(RuntimeError), inflight.hold("k", "x"):
        raise RuntimeError("refused")
    done = threading.Event()
    with inflight.hold("k", "x"):
        done.set()
    assert done.is_set()


def test_history_cursors_are_ours_or_refused() -> None:
    assert _parse_cursor(None) is None
    assert _parse_cursor("v12") == 12
    for bad in ("12", "v", "v-1", "vx", "v" + "9" * 20):
        with pytest.raises(errors.InvalidInput):
            _parse_cursor(bad)
