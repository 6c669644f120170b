"""What an erasure clears beyond the event store and the read side: the API's own tables.

The event store seals a member's personal data and the erasure destroys the key (loyalty_core/privacy); the
read side's projections purge their copies when they read `PersonalDataErased` (projections/search.py,
messaging/projection.py). The member app's sessions, the shop adapters' outcomes and the one-time codes
(whose subject is a phone) sit in the API's tables: they are cleared here by the two callers of an erasure
(the route and `loyalty erase`), with the values read just before the key goes: a session begun with the
member's phone, an outcome that quotes it, a code sent to it.

None of these rows holds a personal value in plaintext any more (docs/privacy.md): codes and sessions are
found by keyed hashes, and what is sealed under the member's key reads "đã xoá" once it is destroyed. The
purge still deletes them (nobody stays signed in as an erased member) and scrubs outcomes an earlier
release wrote in plaintext. It also destroys the transient keys past their retention (api/transient_keys.py).
"""

from __future__ import annotations

import json
from typing import Any
from uuid import UUID

from api.otp import OneTimeCodes
from api.presence import presence_subject
from api.transient_keys import transient_keys
from faces.member.store import MemberAppTables
from loyalty_core.privacy.fields import PERSONAL_KEYS
from loyalty_core.privacy.lookup import PERSONAL_KINDS
from loyalty_core.privacy.tokens import ERASED, is_erased
from projections.readstore import is_missing_table


def personal_values(store: Any, member_id: UUID | None) -> list[str]:
    """The member's name and personal identifier values as they read now (none once erased)."""
    member = store.load_member(member_id) if member_id is not None else None
    if member is None:
        return []
    values = [v for k, v in member.identifiers if k in PERSONAL_KINDS]
    if member.name:
        values.append(member.name)
    return [v for v in values if isinstance(v, str) and v and not is_erased(v)]


def purge(tables: Any, member_id: UUID, values: list[str], store: Any = None) -> None:
    """Clear the member's rows; then `store.after_erasure()` (SQLite: checkpoint, so `-wal` keeps no old page)."""
    phones = [v for v in values if v.startswith("+")]
    MemberAppTables(tables).forget_member(str(member_id), phones)
    _forget_outcomes(tables, str(member_id), values)
    codes = OneTimeCodes(tables)  # its table, created if this store never sent a code
    for subject in [*phones, presence_subject(member_id)]:  # a sign-in code's subject is the phone number
        codes.forget(subject)
    transient_keys(tables).sweep()
    after = getattr(store, "after_erasure", None)
    if after is not None:
        after()


def _forget_outcomes(tables: Any, member_id: str, values: list[str]) -> None:
    """The shop adapters' outcomes (adapters/store.py, whose table this reads by name: nothing outside the app
    wiring imports the adapters) that name the member or quote a value of theirs keep their status and amount,
    so a replayed webhook is still answered once; their personal fields read "đã xoá"."""
    for needle in [member_id, *values]:
        try:
            rows = tables._run("SELECT platform, shop, fact_key, body FROM integration_outcomes WHERE body LIKE ?",
                               [f"%{needle}%"])
        except Exception as exc:  # noqa: BLE001 - a store where no shop was ever connected has no such table
            if is_missing_table(exc):
                return
            raise
        for row in rows:
            tables._run("UPDATE integration_outcomes SET body = ? WHERE platform = ? AND shop = ? AND fact_key = ?",
                        [json.dumps(_scrubbed(json.loads(row["body"]), values)), row["platform"], row["shop"],
                         row["fact_key"]])


def _scrubbed(value: Any, values: list[str]) -> Any:
    if isinstance(value, dict):
        return {k: str(ERASED) if k in PERSONAL_KEYS and isinstance(v, str) else _scrubbed(v, values)
                for k, v in value.items()}
    if isinstance(value, list):
        return [_scrubbed(v, values) for v in value]
    if isinstance(value, str) and any(v in value for v in values):
        return str(ERASED)
    return value


__all__ = ["personal_values", "purge"]
