"""A new member's data key is written in the same transaction as the events sealed under it (privacy/vault.py
`keys_for_write`, keystore.py `write_staged`), on both stores: a batch of enrolments costs one key lookup and
no transaction of its own; a failed write leaves no key behind; a key another process stored meanwhile makes
the write a conflict that is decided again with the key that won, never events sealed under a lost key."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import pytest

from loyalty_core import commands as c
from loyalty_core import errors
from loyalty_core.service import enable_group_commit
from loyalty_core.privacy import ERASED
from loyalty_core.privacy.erasure import erase_member


def key_rows(runtime) -> dict[str, bool]:
    """member id -> whether the row holds a key (False: a tombstone)."""
    keys = runtime.store.vault.store
    with keys.datastore.transaction(commit=False) as curs:
        curs.execute(f"SELECT member_id, wrapped_key FROM {keys.keys}")
        return {str(m): w is not None for m, w in keys._rows(curs)}


class Counting:
    """Counts the key store's own transactions (a lookup, a lone insert) by wrapping its methods."""

    def __init__(self, keys, monkeypatch):
        self.calls: dict[str, int] = {"get": 0, "get_many": 0, "add": 0}
        for name in self.calls:
            original = getattr(keys, name)

            def counted(*args, _name=name, _original=original, **kwargs):
                self.calls[_name] += 1
                return _original(*args, **kwargs)

            monkeypatch.setattr(keys, name, counted)


def enrol(service, i: int):
    return service.execute(c.EnrollMember(idempotency_key=f"enrol-{i}", phone=f"0386{i:06d}", name=f"Khách {i}"))


def test_a_batch_of_enrolments_writes_its_keys_with_its_events(runtime, monkeypatch):
    service = runtime.service
    counting = Counting(runtime.store.vault.store, monkeypatch)
    enable_group_commit(service)
    try:
        with ThreadPoolExecutor(16) as pool:
            members = list(pool.map(lambda i: enrol(service, i), range(64)))
        batches = service.batcher.batches
    finally:
        service.batcher.close()
        service.batcher = None
    assert counting.calls["add"] == 0  # no key had a transaction of its own
    assert counting.calls["get"] == 0  # nor a lookup of its own
    assert 1 <= counting.calls["get_many"] <= batches
    assert set(key_rows(runtime)) == {str(m.member_id) for m in members}
    runtime.store.members.clear()
    runtime.store.vault._cache.clear()
    for i, member in enumerate(members):  # every name opens with the stored key
        assert runtime.store.load_member(member.member_id).name == f"Khách {i}"


def test_a_failed_write_leaves_no_key_and_the_retry_keys_the_member(runtime, monkeypatch):
    recorder = runtime.store.recorder
    keys = runtime.store.vault.store
    original = keys.write_staged
    failures = iter([True])

    def write_then_fail(curs):
        original(curs)  # the key row is in the transaction ...
        if next(failures, False):
            raise errors.StoreUnavailable("injected: the database went away mid-write")  # ... which never commits

    monkeypatch.setattr(keys, "write_staged", write_then_fail)
    assert recorder.member_keys is keys
    with pytest.raises(errors.StoreUnavailable):
        enrol(runtime.service, 1)
    assert key_rows(runtime) == {}
    assert runtime.store.vault._cache == {} or all(v is None for v in runtime.store.vault._cache.values())
    member = enrol(runtime.service, 1)  # the retry: a fresh key, stored with the events this time
    assert key_rows(runtime) == {str(member.member_id): True}
    runtime.store.members.clear()
    runtime.store.vault._cache.clear()
    assert runtime.store.load_member(member.member_id).name == "Khách 1"


def test_a_key_stored_meanwhile_makes_the_write_a_conflict_decided_again(runtime, monkeypatch):
    """Another process keys the member between this write's lookup and its insert: the insert of the staged
    key collides, nothing of this write lands, and the command decided again seals under the stored key."""
    service, store = runtime.service, runtime.store
    vault, keys = store.vault, store.vault.store
    member = enrol(service, 1)
    ref = c.MemberRef(member_id=member.member_id)
    # a member with events but no key yet (a store written before sealing): the next sealed write makes one
    with keys.datastore.transaction(commit=True) as curs:
        curs.execute(f"DELETE FROM {keys.keys}")
    vault._cache.clear()
    original_get, raced = keys.get, []

    def stale_get(member_id):
        found = original_get(member_id)
        if not raced:  # the lookup saw no key; now another process stores one before this write commits
            raced.append(vault._wrapped_new_key(member_id)[1])
            keys.add(member_id, raced[0], vault.keys.kek_id)
        return found

    monkeypatch.setattr(keys, "get", stale_get)
    service.execute(c.UpdateProfile(idempotency_key="profile-1", member=ref, name="Tên Mới"))
    with keys.datastore.transaction(commit=False) as curs:
        curs.execute(f"SELECT wrapped_key FROM {keys.keys}")
        stored = [bytes(r[0]) for r in keys._rows(curs)]
    assert stored == raced  # the other process's key won; this write's staged key was never stored
    store.members.clear()
    vault._cache.clear()
    assert store.load_member(member.member_id).name == "Tên Mới"  # sealed under the key that won


def test_an_erased_member_gets_no_new_key_from_a_late_write(runtime):
    service, store = runtime.service, runtime.store
    member = enrol(service, 1)
    erase_member(service, c.MemberRef(member_id=member.member_id), reason="yêu cầu của khách",
                 idempotency_key="erase-1")
    store.vault._cache.clear()
    with store.vault.keys_for_write([member.member_id]):  # a write decided before the erasure, sealing late
        assert store.vault.seal(member.member_id, "name", "Ai Đó") == str(ERASED)
    assert key_rows(runtime) == {str(member.member_id): False}  # still only the tombstone


def test_a_recorder_that_did_not_write_the_staged_keys_still_leaves_them_stored(runtime, monkeypatch):
    """The safety net of `keys_for_write`: events sealed under a staged key committed by a recorder path that
    skipped `write_staged` (none does today) are never left keyless: the key is stored right after."""
    keys = runtime.store.vault.store
    monkeypatch.setattr(keys, "write_staged", lambda curs: None)
    member = enrol(runtime.service, 1)
    assert key_rows(runtime) == {str(member.member_id): True}
    runtime.store.members.clear()
    runtime.store.vault._cache.clear()
    assert runtime.store.load_member(member.member_id).name == "Khách 1"
