"""The store's caches of immutable states: members, and the claims a look-up by identifier goes through.

Both are small LRUs shared between threads; the states are frozen, so handing one out needs no copy. Nothing
is believed from them alone: the store fast-forwards a cached state with the newer stored events on every
use (loyalty_core/ledger.py).
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from typing import TYPE_CHECKING, Callable, Generic, TypeVar
from uuid import UUID

from loyalty_core.member import Member

if TYPE_CHECKING:
    from loyalty_core.ledger import Claim

V = TypeVar("V")


class _FrozenLru(Generic[V]):
    """A small LRU, safe to share between threads because what it holds is frozen."""

    def __init__(self, maxsize: int):
        self.maxsize = maxsize
        self._items: OrderedDict[UUID, V] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: UUID) -> V | None:
        with self._lock:
            value = self._items.get(key)
            if value is not None:
                self._items.move_to_end(key)
            return value

    def _keep(self, key: UUID, value: V, replaces: Callable[[V], bool] = lambda _: True) -> None:
        """Keep `value` under `key`, in place of the one held there only if `replaces(held)`."""
        if self.maxsize <= 0:
            return
        with self._lock:
            current = self._items.get(key)
            if current is None or replaces(current):
                self._items[key] = value
                self._items.move_to_end(key)
            while len(self._items) > self.maxsize:
                self._items.popitem(last=False)

    def evict(self, key: UUID) -> None:
        with self._lock:
            self._items.pop(key, None)

    def clear(self) -> None:
        with self._lock:
            self._items.clear()


class MemberCache(_FrozenLru[Member]):
    """A small LRU of immutable member states.

    The library's aggregate cache fast-forwards a cached aggregate by mutating it, which an immutable
    state cannot be; it would then replay from the first cached version on every load. This one keeps
    the newest state it has seen, and is safe to share between threads because the states are frozen.
    """

    def put(self, member: Member) -> None:
        self._keep(member.id, member, lambda current: current.version <= member.version)

    def snapshot_items(self) -> list[Member]:
        """The cached states at this instant (for the auditor's comparison with the stored events)."""
        with self._lock:
            return list(self._items.values())


class ClaimCache(_FrozenLru["Claim"]):
    """A small LRU of claims (identifier -> owner) by the id they were asked for, for `member_by_claim`. A
    claim is never believed from here alone: every use fast-forwards it."""

    def put(self, claim_id: UUID, claim: Claim) -> None:
        self._keep(claim_id, claim)

    def forget_member(self, member_id: UUID) -> None:
        """Drop every claim `member_id` held (an erasure: the identifiers' values go with it)."""
        with self._lock:
            for claim_id in [k for k, claim in self._items.items() if claim.member_id == member_id]:
                del self._items[claim_id]
