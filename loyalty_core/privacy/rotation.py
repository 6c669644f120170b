"""Rotating the key-encryption key: rewrap every member's data key under the ring's current KEK.

A data key (DEK) is rewrapped, never replaced: it is unwrapped with the KEK its row names and wrapped again
under the current one, so nothing sealed under it changes and a process still caching it is unaffected.
Keys are taken in member id order, `batch_size` at a time; each batch is one transaction whose updates apply
only to rows still holding the very key that was read (`UPDATE … WHERE kek_id = old AND wrapped_key = old`).
So the rotation can run while the service writes, is idempotent, and after a crash simply runs again: what
was rewrapped is no longer under an old KEK. Tombstones (erased members) are never touched.

Once no row names a retired KEK (`kek_counts`), that KEK can leave the ring and be destroyed: a backup taken
before an erasure then holds a wrapped key nobody can open (docs/privacy.md "Rotating the KEK").
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from typing import Any, Callable
from uuid import UUID

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from loyalty_core.privacy.keystore import KeyStore
from loyalty_core.privacy.masterkeys import MasterKeys

_NONCE = 12  # as vault.py: a wrapped key is nonce ‖ AES-GCM(KEK, DEK, "member-key" ‖ member id)


@dataclass
class Rotation:
    """What a rotation did, and where the keys stand after it."""
    current_kek: str
    rewrapped: int = 0
    batches: int = 0
    not_in_ring: dict[str, int] = field(default_factory=dict)
    """Keys the rotation met whose KEK is not in the ring: they cannot be rewrapped (nor opened)."""
    keys_by_kek: dict[str, int] = field(default_factory=dict)
    erased: int = 0

    @property
    def left(self) -> int:
        """Keys still not under the current KEK (written meanwhile by a process with an older ring, or not
        in the ring): 0 when the rotation is complete."""
        return sum(n for kek_id, n in self.keys_by_kek.items() if kek_id != self.current_kek)


class RotationError(RuntimeError):
    """A key names a KEK of the ring but does not open under it: the ring or the row is wrong; stop."""


def _aad(member_id: Any) -> bytes:
    return b"member-key" + (member_id if isinstance(member_id, UUID) else UUID(str(member_id))).bytes


def rotate(store: KeyStore, keys: MasterKeys, *, batch_size: int = 500,
           on_batch: Callable[[Rotation], None] | None = None) -> Rotation:
    """Rewrap every live key not under `keys.kek_id`; `on_batch` is called after each committed batch."""
    if batch_size < 1:
        raise ValueError("batch_size must be at least 1")
    ring = {kek_id: AESGCM(kek) for kek_id, kek in keys.ring.items()}
    current = ring[keys.kek_id]
    done = Rotation(current_kek=keys.kek_id)
    after = None
    while rows := store.keys_not_under(keys.kek_id, after=after, limit=batch_size):
        after = rows[-1][0]
        updates = []
        for member_id, wrapped, kek_id in rows:
            old = ring.get(kek_id)
            if old is None:
                done.not_in_ring[kek_id] = done.not_in_ring.get(kek_id, 0) + 1
                continue
            try:
                dek = old.decrypt(wrapped[:_NONCE], wrapped[_NONCE:], _aad(member_id))
            except InvalidTag:
                raise RotationError(f"the data key of member {member_id} does not open under its KEK {kek_id} "
                                    f"({keys.source}): nothing more was rewrapped") from None
            nonce = os.urandom(_NONCE)
            updates.append((member_id, kek_id, wrapped, nonce + current.encrypt(nonce, dek, _aad(member_id))))
        if updates:
            done.rewrapped += store.rewrap(updates, keys.kek_id)
            done.batches += 1
            if on_batch is not None:
                on_batch(done)
    done.keys_by_kek, done.erased = store.kek_counts()
    return done
