"""Erase a member's personal data: the one entry point the API and the CLI share.

`EraseMember` releases the member's identifier claims and records `PersonalDataErased`; the recorder destroys
the member's data key in that same transaction (loyalty_core/sealing.py, privacy/keystore.py). This then
makes sure of the key again (a replayed command finds it gone; a key a crash could have left is destroyed
now), drops it from this process's cache, and on SQLite checkpoints the log so no older page survives in
`-wal`. The read side purges its copies when its projections read `PersonalDataErased`.
"""

from __future__ import annotations

from typing import Any

from loyalty_core import commands as cmd
from loyalty_core.results import Result


def erase_member(service: Any, member: cmd.MemberRef, *, reason: str, idempotency_key: str, channel: str = "cli",
                 actor: str = "system", idempotency_scope: str | None = None, store_id: str | None = None) -> Result:
    result = service.execute(cmd.EraseMember(idempotency_key=idempotency_key, member=member, reason=reason,
                                             channel=channel, actor=actor, idempotency_scope=idempotency_scope,
                                             store_id=store_id))
    finish(service.store, result.member_id)
    return result


def finish(store: Any, member_id: Any) -> None:
    vault = getattr(store, "vault", None)
    if vault is None:
        return
    vault.erase(member_id)
    store.members.evict(member_id)  # the cached state may predate the erasure in another thread's view
    claims = getattr(store, "claims", None)
    if claims is not None:  # the identifiers it held, as the look-ups by identifier kept them
        claims.forget_member(member_id)
    after = getattr(store, "after_erasure", None)
    if after is not None:
        after()
