"""The outbox: one row per message, from "decided" to "sent", "delivered", "failed" or "skipped".

Rows live in the read side's database (`projections.readstore`): the projection that decides messages
writes them in the same transaction as its tracking position, and the dispatcher moves them on. The table
is not generation-named: a rebuild of the projection replays every event, derives the same message ids and
inserts nothing new (ON CONFLICT DO NOTHING), so a rebuild never sends anything twice.

A dispatcher claims due rows under a lease with a random token; every later write names the token, so a
dispatcher whose lease ran out (it hung, or was killed) can no longer overwrite the row, and whoever claims
it next finds `channel` set: a send was begun there, and is repeated there with the same message id, which
the provider dedupes (see docs/messages.md).
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any, Iterable, Sequence
from uuid import UUID

import orjson

from api import transient_keys as transient
from loyalty_core.privacy import lookup
from loyalty_core.privacy.tokens import ERASED, is_hashed
from loyalty_core.privacy.vault import current as current_vault
from messaging.kinds import OTP, Draft
from projections.readstore import ReadStore, Tx
from projections.schema import READ, baseline, component
from projections.schema_runner import ensure, read_target

TABLE = "messages_outbox"
STATUSES = ("queued", "sending", "sent", "delivered", "failed", "skipped")
_DDL = ("message_id TEXT PRIMARY KEY, member_id TEXT, kind TEXT NOT NULL, purpose TEXT NOT NULL, phone TEXT, "
        "data TEXT NOT NULL, status TEXT NOT NULL, channel TEXT, recipient TEXT, refused_by TEXT NOT NULL, "
        "attempts {int} NOT NULL, next_attempt_at {ts} NOT NULL, lease_until {ts}, lease_token TEXT, "
        "created_at {ts} NOT NULL, not_after {ts} NOT NULL, sent_at {ts}, delivered_at {ts}, "
        "provider_id TEXT, cost_vnd {money}, last_error TEXT, source_position {int} NOT NULL")
#: The dialect's types are `{ts}`, `{money}`, `{int}` (projections/schema.py); migrated by the runner.
SCHEMA = component("messages_outbox", READ, baseline(
    "CREATE TABLE IF NOT EXISTS {messages_outbox} (" + _DDL + ")",
    "CREATE INDEX IF NOT EXISTS messages_outbox_due ON {messages_outbox} (status, next_attempt_at)",
    "CREATE INDEX IF NOT EXISTS messages_outbox_member ON {messages_outbox} (member_id, created_at)",
    "CREATE INDEX IF NOT EXISTS messages_outbox_recipient ON {messages_outbox} (recipient, sent_at)"))
COLUMNS = ("message_id", "member_id", "kind", "purpose", "phone", "data", "status", "channel", "recipient",
           "refused_by", "attempts", "next_attempt_at", "lease_until", "lease_token", "created_at", "not_after",
           "sent_at", "delivered_at", "provider_id", "cost_vnd", "last_error", "source_position")
_TIMES = {"next_attempt_at", "lease_until", "created_at", "not_after", "sent_at", "delivered_at"}


def stored_recipient(member_id: str | None, recipient: str | None, field: str = "outbox.recipient") -> str | None:
    """An address as the outbox keeps it: its keyed hash (to count what went to it), a space, and the address
    sealed (to show it, and to finish a send where it began), so no plaintext phone or email is ever written
    (docs/privacy.md). Sealed under the member's key; without a member (a one-time code to a number not
    enrolled) under the day's transient key (api/transient_keys.py), unreadable a day or two later. Without an
    open store (pure unit tests), the address as it is."""
    vault = current_vault()
    if recipient is None or vault is None or not lookup.installed():
        return recipient
    sealed = (vault.seal(UUID(member_id), field, recipient) if member_id is not None
              else transient.seal(field, recipient))
    return lookup.hash_token("recipient", recipient) + " " + sealed


def shown_recipient(member_id: str | None, stored: str | None, field: str = "outbox.recipient") -> str | None:
    if stored is None or not is_hashed(stored):
        return stored
    vault, sealed = current_vault(), stored.partition(" ")[2]
    if transient.is_transient(sealed):
        return str(transient.unseal(field, sealed))
    if vault is None or member_id is None or not sealed:
        return str(ERASED)
    return str(vault.unseal(UUID(member_id), field, sealed))


@dataclass(frozen=True)
class Message:
    """One outbox row as the dispatcher, the CLI and the API read it."""

    message_id: str
    member_id: str | None
    kind: str
    purpose: str
    phone: str | None
    data: dict[str, Any]
    status: str
    channel: str | None
    recipient: str | None
    refused_by: tuple[str, ...]
    attempts: int
    next_attempt_at: datetime
    lease_until: datetime | None
    lease_token: str | None
    created_at: datetime
    not_after: datetime
    sent_at: datetime | None
    delivered_at: datetime | None
    provider_id: str | None
    cost_vnd: Decimal | None
    last_error: str | None
    source_position: int


@dataclass(frozen=True)
class ChannelStats:
    channel: str
    sent: int
    delivered: int
    failed: int
    cost_vnd: Decimal


_ADD_COLUMNS = ("message_id", "member_id", "kind", "purpose", "phone", "data", "status", "refused_by", "attempts",
                "next_attempt_at", "created_at", "not_after", "source_position")


class Outbox:
    def __init__(self, store: ReadStore):
        self.store = store
        self.table = store.table(TABLE)
        self._ready = False

    # --- schema ------------------------------------------------------------------------------------------
    def ensure(self) -> Outbox:
        if self._ready:
            return self
        ensure(read_target(self.store), SCHEMA)
        self._ready = True
        return self

    # --- deciding ----------------------------------------------------------------------------------------
    def add(self, tx: Tx, drafts: Iterable[Draft]) -> None:
        """Insert drafts inside the caller's transaction; a message that exists already is left alone."""
        rows = [self._row(tx, d) for d in drafts]
        # Through upsert: on PostgreSQL a COPY and one INSERT ... SELECT, a fifth of executemany's client
        # time a row (a rebuild inserts a draft for most member events). DO NOTHING also takes a message
        # twice in one batch.
        tx.upsert(self.table, _ADD_COLUMNS, rows, "ON CONFLICT (message_id) DO NOTHING")

    def add_now(self, drafts: Sequence[Draft]) -> None:
        with self.store.transaction() as tx:
            self.add(tx, drafts)

    @staticmethod
    def _row(tx: Tx, d: Draft) -> tuple:
        member_id = str(d.member_id) if d.member_id else None
        return (str(d.message_id), member_id, d.kind, d.purpose, stored_recipient(member_id, d.phone, "outbox.phone"),
                orjson.dumps(d.data).decode(), "queued", "", 0, tx.ts(d.created_at), tx.ts(d.created_at),
                tx.ts(d.not_after), d.source_position)

    # --- dispatching -------------------------------------------------------------------------------------
    def claim(self, now: datetime, lease: timedelta, limit: int = 50) -> list[Message]:
        """Take up to `limit` due messages (queued and due, or sending with an expired lease) under a lease."""
        token = secrets.token_hex(8)
        skip = " FOR UPDATE SKIP LOCKED" if self.store.dialect == "postgres" else ""
        with self.store.transaction() as tx:
            due = (f"SELECT message_id FROM {self.table} WHERE (status = 'queued' AND next_attempt_at <= ?) "
                   f"OR (status = 'sending' AND lease_until <= ?) ORDER BY next_attempt_at LIMIT ?{skip}")
            ids = [r[0] for r in tx.run(due, [tx.ts(now), tx.ts(now), limit])]
            if not ids:
                return []
            condition, params = tx.any_of("message_id", ids)
            rows = tx.run(f"UPDATE {self.table} SET status = 'sending', lease_until = ?, lease_token = ? "
                          f"WHERE {condition} RETURNING {', '.join(COLUMNS)}",
                          [tx.ts(now + lease), token, *params])
            return sorted((self._message(tx, r) for r in rows), key=lambda m: m.next_attempt_at)

    def _update(self, message: Message, assignments: str, params: list[Any]) -> bool:
        """Change a claimed row, only while `message`'s lease is still the row's (False: lost it)."""
        with self.store.transaction() as tx:
            params = [tx.ts(p) if isinstance(p, datetime) else (tx.money(p) if isinstance(p, Decimal) else p)
                      for p in params]
            moved = tx.run(f"UPDATE {self.table} SET {assignments} WHERE message_id = ? AND lease_token = ? "
                           f"AND status = 'sending' RETURNING message_id",
                           [*params, message.message_id, message.lease_token])
        return bool(moved)

    def begin_send(self, message: Message, channel: str, recipient: str) -> bool:
        """Record where a send is about to go, before it goes: a crash after the send resends it there."""
        return self._update(message, "channel = ?, recipient = ?",
                            [channel, stored_recipient(message.member_id, recipient)])

    def record_sent(self, message: Message, provider_id: str | None, cost_vnd: Decimal, now: datetime) -> bool:
        return self._update(message, "status = 'sent', sent_at = ?, provider_id = ?, cost_vnd = ?, "
                            "attempts = attempts + 1, lease_until = NULL, last_error = NULL",
                            [now, provider_id, cost_vnd])

    def record_refused(self, message: Message, channel: str, error: str) -> bool:
        """This channel cannot carry this message (no Zalo account, bad number): try the next one."""
        refused = ",".join([*message.refused_by, channel])
        return self._update(message, "refused_by = ?, channel = NULL, recipient = NULL, last_error = ?",
                            [refused, error])

    def record_retry(self, message: Message, error: str, at: datetime, gave_up: bool,
                     keep_channel: bool = True) -> bool:
        """Again at `at` (or never: failed). `keep_channel`: the provider may have it, so the next attempt
        goes to the same channel and address; otherwise the next attempt is routed afresh."""
        status = "failed" if gave_up else "queued"
        forget = "" if keep_channel else "channel = NULL, recipient = NULL, "
        return self._update(message, f"status = '{status}', {forget}attempts = attempts + 1, next_attempt_at = ?, "
                            "lease_until = NULL, last_error = ?", [at, error])

    def defer(self, message: Message, at: datetime, reason: str) -> bool:
        """Not now (quiet hours): back in the queue for `at`, no attempt counted."""
        return self._update(message, "status = 'queued', next_attempt_at = ?, lease_until = NULL, "
                            "channel = NULL, recipient = NULL, last_error = ?", [at, reason])

    def skip(self, message: Message, reason: str) -> bool:
        """Never (no consent, no contact, capped, too late): kept, with the reason, for the timeline."""
        return self._update(message, "status = 'skipped', lease_until = NULL, last_error = ?", [reason])

    def report(self, message_id: str, channel: str, provider_id: str, delivered: bool, at: datetime,
               detail: str = "") -> bool:
        """A provider's delivery report: `sent` becomes `delivered`, or `failed` (a dead letter) when the
        network gave up on it. Only a report naming the provider's own id for the message counts: that id
        went only to the provider, so a report cannot be forged from the message id alone."""
        status = "delivered" if delivered else "failed"
        with self.store.transaction() as tx:
            return bool(tx.run(f"UPDATE {self.table} SET status = ?, delivered_at = ?, last_error = ? WHERE "
                               f"message_id = ? AND channel = ? AND provider_id = ? AND status = 'sent' "
                               f"RETURNING message_id",
                               [status, tx.ts(at) if delivered else None, None if delivered else detail,
                                message_id, channel, provider_id]))

    # --- rules' counters ---------------------------------------------------------------------------------
    def sent_to_recipient(self, recipient: str, channel: str, purpose: str, since: datetime) -> int:
        with self.store.transaction(write=False) as tx:
            hashed = lookup.hash_token("recipient", recipient) + " %" if lookup.installed() else recipient
            return int(tx.run(f"SELECT count(*) FROM {self.table} WHERE (recipient = ? OR recipient LIKE ?) AND "
                              f"channel = ? AND purpose = ? AND status IN ('sent', 'delivered') AND sent_at > ?",
                              [recipient, hashed, channel, purpose, tx.ts(since)])[0][0])

    def sent_to_member(self, member_id: str, since: datetime) -> int:
        """Messages (one-time codes aside) sent to a member since `since`, for the daily cap."""
        with self.store.transaction(write=False) as tx:
            return int(tx.run(f"SELECT count(*) FROM {self.table} WHERE member_id = ? AND purpose <> ? AND "
                              f"status IN ('sent', 'delivered') AND sent_at > ?",
                              [member_id, OTP, tx.ts(since)])[0][0])

    # --- what staff see ----------------------------------------------------------------------------------
    def forget(self, tx: Tx, member_ids: Sequence[UUID]) -> None:
        """After `PersonalDataErased`: the member's messages keep what they were and what they cost, never
        where they went (nor a provider's error, which may quote the address); a message still waiting is
        not sent. One-time codes (sent to a number, not a member) that are done keep no number either."""
        tx.run(f"UPDATE {self.table} SET phone = NULL, recipient = NULL, last_error = NULL WHERE member_id IS NULL "
               f"AND status NOT IN ('queued', 'sending') AND (phone IS NOT NULL OR recipient IS NOT NULL)")
        for member_id in member_ids:
            m = str(member_id)
            tx.run(f"UPDATE {self.table} SET phone = NULL, recipient = NULL, last_error = NULL, lease_until = NULL, "
                   f"status = CASE WHEN status IN ('queued', 'sending') THEN 'skipped' ELSE status END "
                   f"WHERE member_id = ?", [m])

    def get(self, message_id: str) -> Message | None:
        with self.store.transaction(write=False) as tx:
            rows = tx.run(f"SELECT {', '.join(COLUMNS)} FROM {self.table} WHERE message_id = ?", [message_id])
            return self._message(tx, rows[0]) if rows else None

    def for_member(self, member_id: UUID | str, limit: int = 50) -> list[Message]:
        return self._select("member_id = ? ORDER BY created_at DESC, message_id LIMIT ?", [str(member_id), limit])

    def dead_letters(self, limit: int = 100) -> list[Message]:
        return self._select("status = 'failed' ORDER BY next_attempt_at DESC LIMIT ?", [limit])

    def _select(self, where: str, params: list[Any]) -> list[Message]:
        with self.store.transaction(write=False) as tx:
            rows = tx.run(f"SELECT {', '.join(COLUMNS)} FROM {self.table} WHERE {where}", params)
            return [self._message(tx, r) for r in rows]

    def retry_dead(self, message_id: str, now: datetime) -> bool:
        """Put a failed message back in the queue (staff asked), with a fresh set of attempts."""
        with self.store.transaction() as tx:
            return bool(tx.run(f"UPDATE {self.table} SET status = 'queued', attempts = 0, refused_by = '', "
                               f"channel = NULL, next_attempt_at = ?, not_after = ? WHERE message_id = ? AND "
                               f"status = 'failed' RETURNING message_id",
                               [tx.ts(now), tx.ts(now + timedelta(days=1)), message_id]))

    def stats(self, since: datetime, until: datetime) -> list[ChannelStats]:
        """Per channel (provider): messages sent, delivered, failed and what they cost, created in the range."""
        with self.store.transaction(write=False) as tx:
            rows = tx.run(f"SELECT channel, sum(CASE WHEN status IN ('sent', 'delivered') THEN 1 ELSE 0 END), "
                          f"sum(CASE WHEN status = 'delivered' THEN 1 ELSE 0 END), "
                          f"sum(CASE WHEN status = 'failed' THEN 1 ELSE 0 END), sum(cost_vnd) FROM {self.table} "
                          f"WHERE created_at >= ? AND created_at < ? AND channel IS NOT NULL GROUP BY channel "
                          f"ORDER BY channel", [tx.ts(since), tx.ts(until)])
            return [ChannelStats(c, int(s or 0), int(d or 0), int(f or 0), tx.to_money(cost) or Decimal(0))
                    for c, s, d, f, cost in rows]

    def counts(self) -> dict[str, int]:
        with self.store.transaction(write=False) as tx:
            return {s: int(n) for s, n in tx.run(f"SELECT status, count(*) FROM {self.table} GROUP BY status")}

    @staticmethod
    def _message(tx: Tx, row: Sequence[Any]) -> Message:
        values = dict(zip(COLUMNS, row))
        for name in _TIMES:
            values[name] = tx.to_ts(values[name])
        values["data"] = orjson.loads(values["data"])
        values["refused_by"] = tuple(c for c in (values["refused_by"] or "").split(",") if c)
        values["cost_vnd"] = tx.to_money(values["cost_vnd"])
        values["attempts"] = int(values["attempts"])
        values["source_position"] = int(values["source_position"])
        values["member_id"] = str(values["member_id"]) if values["member_id"] is not None else None
        values["recipient"] = shown_recipient(values["member_id"], values["recipient"])
        values["phone"] = shown_recipient(values["member_id"], values["phone"], "outbox.phone")
        return Message(**values)
