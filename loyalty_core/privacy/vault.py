"""Seal and unseal one member's personal values, under that member's data key.

Each member has a random 256-bit data key (DEK), wrapped with AES-GCM under the KEK (associated data: the
member id) in `member_keys`. A value is sealed with AES-GCM under the DEK with a random 96-bit nonce and
associated data `member id ‖ field`, so a sealed value cannot be moved to another member or field unnoticed.
Unwrapped DEKs are kept in an LRU (with a time-to-live, so another process's erasure is honoured within it
even if this process never reads the erasure event): a warm member costs no database round trip.
Erased (or never keyed) members' values unseal to `ERASED`; unsealing never raises.

A write of events (`LedgerStore.record`) runs inside `keys_for_write`: a member that needs a new key gets
one staged in the writing thread, and the recorder stores it in the events' own transaction
(keystore.py), so an enrolment costs no transaction of its own and a batch of enrolments one lookup.
"""

from __future__ import annotations

import base64
import os
import threading
import time
from collections import OrderedDict
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import Any
from uuid import UUID

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from loyalty_core.privacy import lookup
from loyalty_core.privacy.keystore import TOMBSTONE, KeyStore
from loyalty_core.privacy.masterkeys import MasterKeys
from loyalty_core.privacy.tokens import ERASED, SEALED_PREFIX, Erased

_NONCE = 12
_GONE = object()  # cached: this member's key is destroyed


class Vault:
    def __init__(self, keys: MasterKeys, store: KeyStore, *, cache_size: int = 10_000, ttl_seconds: int = 300):
        self.keys = keys
        self.store = store
        self._keks = {kek_id: AESGCM(kek) for kek_id, kek in keys.ring.items()}  # by id: a key ring (rotation)
        self._cache: OrderedDict[UUID, tuple[Any, Any]] = OrderedDict()
        self._lock = threading.Lock()
        self.cache_size = cache_size
        self.ttl = ttl_seconds
        self._write = threading.local()  # this thread's write in progress: keys known absent, keys made

    # --- data keys ------------------------------------------------------------------------------
    def _cached(self, member_id: UUID) -> Any:
        with self._lock:
            hit = self._cache.get(member_id)
            if hit is None:
                return None
            if hit[1] < time.monotonic():
                del self._cache[member_id]
                return None
            self._cache.move_to_end(member_id)
            return hit[0]

    def _remember(self, member_id: UUID, value: Any) -> Any:
        with self._lock:
            self._cache[member_id] = (value, time.monotonic() + self.ttl)
            self._cache.move_to_end(member_id)
            while len(self._cache) > self.cache_size:
                self._cache.popitem(last=False)
        return value

    def _unwrap(self, member_id: UUID, stored: Any) -> Any:
        if stored is None or stored is TOMBSTONE:
            return _GONE if stored is TOMBSTONE else None
        wrapped, kek_id = stored
        kek = self._keks.get(kek_id)  # the KEK that wrapped it: a rotation may be under way (rotation.py)
        try:
            if kek is None:
                raise InvalidTag
            return AESGCM(kek.decrypt(wrapped[:_NONCE], wrapped[_NONCE:], b"member-key" + member_id.bytes))
        except InvalidTag:
            # Never ERASED: a key ring missing a KEK must stop the reader, not make members look erased.
            why = "is not in the key ring" if kek is None else "does not open it"
            raise RuntimeError(f"the data key of member {member_id} does not open under this KEK "
                               f"({self.keys.source}): its KEK {kek_id} {why}: wrong LOYALTY_KEK_FILE?") from None

    def _wrapped_new_key(self, member_id: UUID) -> tuple[bytes, bytes]:
        dek = AESGCM.generate_key(bit_length=256)
        nonce = os.urandom(_NONCE)
        current = self._keks[self.keys.kek_id]  # new keys: under the ring's current KEK
        return dek, nonce + current.encrypt(nonce, dek, b"member-key" + member_id.bytes)

    def _key(self, member_id: UUID, *, create: bool) -> Any:
        key = self._cached(member_id)
        if key is not None:
            return key
        write = getattr(self._write, "state", None)
        if write is not None and member_id in write.made:
            return write.made[member_id]
        absent = write is not None and member_id in write.absent
        key = None if absent else self._unwrap(member_id, self.store.get(member_id))
        if key is None and create:
            dek, wrapped = self._wrapped_new_key(member_id)
            if write is not None:  # stored by the recorder with the events sealed under it
                self.store.stage(member_id, wrapped, self.keys.kek_id)
                key = write.made[member_id] = AESGCM(dek)
                return key
            key = self._unwrap(member_id, self.store.add(member_id, wrapped, self.keys.kek_id))
        if key is None:
            return None  # never keyed and not asked to create: nothing to cache
        return self._remember(member_id, key)

    def warm(self, member_ids: Iterable[UUID]) -> int:
        """Look up the keys of those members not cached, in one query, before their events are unsealed one
        by one (a page of the log: `projections/codec.py`). Without it each event's member cost a query of
        its own: half of a projection catch-up's time. Returns how many keys were looked up."""
        unknown = [m for m in dict.fromkeys(member_ids) if self._cached(m) is None]
        if not unknown:
            return 0
        for member_id, row in self.store.get_many(unknown).items():
            key = self._unwrap(member_id, row)
            if key is not None:
                self._remember(member_id, key)
        return len(unknown)

    @contextmanager
    def keys_for_write(self, new_members: Iterable[UUID] = ()) -> Iterator[None]:
        """Within: keys this thread makes are staged for the recorder's transaction, not written alone.
        `new_members` (the members a write enrols) are looked up in one query first; the rest as met.
        The keys made are cached only if the write succeeds; a failed write's keys are forgotten."""
        if getattr(self._write, "state", None) is not None:  # nested: the outer write owns the keys
            yield
            return
        unknown = [m for m in dict.fromkeys(new_members) if self._cached(m) is None]
        stored = self.store.get_many(unknown) if unknown else {}
        for member_id, row in stored.items():
            key = self._unwrap(member_id, row)
            if key is not None:
                self._remember(member_id, key)
        state = _Write(absent={m for m in unknown if m not in stored})
        self._write.state = state
        try:
            yield
        except BaseException:
            self.store.take_staged()
            raise
        else:
            staged, written = self.store.take_staged()
            for member_id, key in state.made.items():
                if not written:  # a recorder without the hook: never leave sealed data keyless
                    stored = self.store.add(member_id, *staged[member_id])
                    key = self._unwrap(member_id, stored)
                    if stored != staged[member_id]:
                        raise RuntimeError(f"member {member_id}: events were sealed under a key that lost "
                                           "the race to be stored")
                self._remember(member_id, key)
        finally:
            self._write.state = None

    # --- the interface --------------------------------------------------------------------------
    def seal(self, member_id: UUID, field: str, plaintext: str) -> str:
        """`plaintext` sealed under the member's key (made on first use); ERASED for an erased member."""
        key = self._key(member_id, create=True)
        if key is _GONE:
            return str(ERASED)
        nonce = os.urandom(_NONCE)
        sealed = key.encrypt(nonce, plaintext.encode(), member_id.bytes + field.encode())
        return SEALED_PREFIX + base64.urlsafe_b64encode(nonce + sealed).decode()

    def unseal(self, member_id: UUID, field: str, value: Any) -> Any:
        """The plaintext of a sealed value; ERASED once the key is gone; any other value as it is."""
        if not isinstance(value, str) or not value.startswith(SEALED_PREFIX):
            return value
        key = self._key(member_id, create=False)
        if key is None or key is _GONE:
            return ERASED
        try:
            raw = base64.urlsafe_b64decode(value[len(SEALED_PREFIX):])
            return key.decrypt(raw[:_NONCE], raw[_NONCE:], member_id.bytes + field.encode()).decode()
        except (InvalidTag, ValueError):
            return ERASED  # moved to another member or field, or damaged: unreadable, never an exception

    def lookup_hash(self, kind: str, normalised_value: str) -> bytes:
        return lookup.digest(kind, normalised_value)

    def erase(self, member_id: UUID) -> None:
        """Destroy the member's key now, in a transaction of its own (the erasure command does it inside
        the write of `PersonalDataErased`; this is for a key a crash left behind)."""
        self.store.erase([member_id])
        self.forget(member_id, erased=True)

    def forget(self, member_id: UUID, *, erased: bool = False) -> None:
        with self._lock:
            self._cache.pop(member_id, None)
        if erased:
            self._remember(member_id, _GONE)

    def is_erased(self, member_id: UUID) -> bool:
        return self._key(member_id, create=False) is _GONE


class _Write:
    def __init__(self, absent: set[UUID]):
        self.absent = absent
        self.made: dict[UUID, Any] = {}


__all__ = ["Vault", "Erased", "install", "uninstall", "current"]


_installed: list[Vault] = []
_installed_lock = threading.Lock()


def install(vault: Vault) -> None:
    """The vault of this process's store (one store per process, as for the lookup key): the read side seals
    what it keeps of a member's personal data with it, and opens it to show. A store that opens later (a
    worker's, a test's) stands in front until it closes (`uninstall`), so a closed store's vault is never used."""
    with _installed_lock:
        _installed.append(vault)


def uninstall(vault: Vault | None) -> None:
    with _installed_lock:
        for i in range(len(_installed) - 1, -1, -1):
            if _installed[i] is vault:
                del _installed[i]
                break


class _Installed:
    """The open stores' vaults as one: a member's values are sealed and opened with the vault of the store
    that keyed that member (member ids are unique across stores), the newest store's for a member none knows.
    A process normally opens one store, and then this is that store's vault; a process holding several (a
    tool beside the service, a test run) must never seal one store's member under another store's key."""

    def __init__(self, vaults: list[Vault]):
        self.vaults = vaults

    def owner(self, member_id: UUID) -> Vault:
        if len(self.vaults) > 1:
            for vault in reversed(self.vaults):
                if vault._key(member_id, create=False) is not None:  # keyed there, or erased there
                    return vault
        return self.vaults[-1]

    def seal(self, member_id: UUID, field: str, plaintext: str) -> str:
        return self.owner(member_id).seal(member_id, field, plaintext)

    def unseal(self, member_id: UUID, field: str, value: Any) -> Any:
        return self.owner(member_id).unseal(member_id, field, value)

    def forget(self, member_id: UUID, *, erased: bool = False) -> None:
        self.owner(member_id).forget(member_id, erased=erased)

    def is_erased(self, member_id: UUID) -> bool:
        return self.owner(member_id).is_erased(member_id)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.vaults[-1], name)


def installed_for(database: str) -> bool:
    """Whether a store of this database is open in the process (its vault installed)."""
    with _installed_lock:
        return any(getattr(vault, "database", None) == database for vault in _installed)


def current() -> Vault | None:
    """The open stores' vault(s), or None (pure tests, tools without a store): the read side then keeps
    values as they come, which are plaintext only where no store ever sealed them."""
    with _installed_lock:
        if not _installed:
            return None
        return _installed[0] if len(_installed) == 1 else _Installed(list(_installed))  # type: ignore[return-value]
