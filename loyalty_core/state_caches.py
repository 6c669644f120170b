"""The store's caches of immutable states: members, and the claims a look-up by identifier goes through.

Both are small LRUs shared between threads; the states are frozen, so handing one out needs no copy. Nothing
is believed from them alone: the store fast-forwards a cached state with the newer stored events on every
use (loyalty_core/ledger.py).
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from typing import TYPE_CHECKING
from uuid import UUID

from loyalty_core.member import Member

if TYPE_CHECKING:
    from loyalty_core.ledger import Claim


class MemberCache:
    """A small LRU of immutable member states.

    The library's aggregate cache fast-forwards a cached aggregate by mutating it, which an immutable
    state cannot be; it would then replay from the first cached version on every load. This one keeps
    the newest state it has seen, and is safe to share between threads because the states are frozen.
    """

    def __init__(self, maxsize: int):
        self.maxsize = maxsize
        self._items: OrderedDict[UUID, Member] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, member_id: UUID) -> Member | None:
        with self._lock:
            member = self._items.get(member_id)
            if member is not None:
                self._items.move_to_end(member_id)
            return member

    def put(self, member: Member) -> None:
        if self.maxsize <= 0:
            return
        with self._lock:
            current = self._items.get(member.id)
            if current is None or current.version <= member.version:
                self._items[member.id] = member
                self._items.move_to_end(member.id)
            while len(self._items) > self.maxsize:
                self._items.popitem(last=False)

    def snapshot_items(self) -> list[Member]:
        """The cached states at this instant (for the auditor's comparison with the stored events)."""
        with self._lock:
            return list(self._items.values())

    def evict(self, member_id: UUID) -> None:
        with self._lock:
            self._items.pop(member_id, None)

    def clear(self) -> None:
        with self._lock:
            self._items.clear()


class ClaimCache:
    """A small LRU of claims (identifier -> owner) by the id they were asked for, for `member_by_claim`. A
    claim is never believed from here alone: every use fast-forwards it."""

    def __init__(self, maxsize: int):
        self.maxsize = maxsize
        self._items: OrderedDict[UUID, Claim] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, claim_id: UUID) -> Claim | None:
        with self._lock:
            claim = self._items.get(claim_id)
            if claim is not None:
                self._items.move_to_end(claim_id)
            return claim

    def put(self, claim_id: UUID, claim: Claim) -> None:
        if self.maxsize <= 0:
            return
        with self._lock:
            self._items[claim_id] = claim
            self._items.move_to_end(claim_id)
            while len(self._items) > self.maxsize:
                self._items.popitem(last=False)

    def evict(self, claim_id: UUID) -> None:
        with self._lock:
            self._items.pop(claim_id, None)

    def forget_member(self, member_id: UUID) -> None:
        """Drop every claim `member_id` held (an erasure: the identifiers' values go with it)."""
        with self._lock:
            for claim_id in [k for k, claim in self._items.items() if claim.member_id == member_id]:
                del self._items[claim_id]

    def clear(self) -> None:
        with self._lock:
            self._items.clear()
