"""The application service: one entry point, `execute(command)`, that every command goes through.

The rhythm is the same for every command: find the receipt for its idempotency key (a retry gets the
original answer, a different body with the same key is refused); load the member from the store; apply
what is already due; decide; write the member's events, any claims and the receipt in one transaction.
If another writer got there first the store refuses the whole write and the command is decided again
against the new state, so two POS terminals redeeming at once can never overdraw. Nothing here knows
HTTP or the database library; the store and the clock come in from outside.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, replace
from datetime import datetime, timezone
from typing import Any, Callable, Protocol
from uuid import UUID

from loyalty_core import commands as cmd
from loyalty_core import errors
from loyalty_core import events as ev
from loyalty_core import identifiers as ids
from loyalty_core.decide import Cause, Change, apply_due
from loyalty_core.handlers import HANDLERS
from loyalty_core.handlers.common import member_result
from loyalty_core.member import Member
from loyalty_core.planning import Context, Plan
from loyalty_core.policy import Policy
from loyalty_core.privacy import fields as personal
from loyalty_core.privacy.tokens import is_erased, is_hashed
from loyalty_core.request_context import current_request_id
from loyalty_core.results import Balance, MemberResult, Result, result_from_dict
from loyalty_core.snapshotter import Snapshotter
from loyalty_core.text import check_all_text

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 50
MAX_KEY_LENGTH = 200


def utc_now() -> datetime:
    return datetime.now(timezone.utc)


class Store(Protocol):
    def load_member(self, member_id: UUID) -> Member | None: ...
    def load_claim(self, claim_id: UUID) -> Any: ...
    def member_by_claim(self, claim_id: UUID) -> tuple[Any, Member | None]: ...
    def load_receipt(self, receipt_id: UUID) -> ev.CommandAccepted | None: ...
    def record(self, events: list[ev.Event]) -> Any: ...
    def snapshot(self, member: Member) -> None: ...
    def remember(self, member: Member) -> None: ...


@dataclass(frozen=True)
class Prepared:
    """A command checked for a handler and a usable idempotency key, with its receipt id."""

    command: cmd.Command
    handler: Callable[[Context, Any], Plan]
    scope: str
    key: str
    receipt_id: UUID
    request: dict[str, Any]
    request_id: str | None = None
    """The HTTP request this command came with (loyalty_core/request_context.py), stamped on its events."""

    @property
    def name(self) -> str:
        return type(self.command).__name__


class LoyaltyService:
    def __init__(self, store: Store, clock: Callable[[], datetime] = utc_now, policy: Policy | None = None,
                 snapshot_interval: int = 100):
        self.store = store
        self.clock = clock
        self.policy = policy or Policy()
        self.snapshot_interval = snapshot_interval
        self._handlers: dict[type, Callable[[Context, Any], Plan]] = dict(HANDLERS)
        self.batcher: Any = None
        """A GroupCommitter when commands from many threads are written together (see batching.py)."""

    def register(self, command_type: type, handler: Callable[[Context, Any], Plan]) -> None:
        self._handlers[command_type] = handler

    # --- the one entry point ------------------------------------------------------------------------
    def execute(self, command: cmd.Command) -> Result:
        """Decide and record one command; concurrent commands may be committed together (group commit)."""
        prepared = self.prepare(command)
        if self.batcher is not None:
            return self.batcher.submit(prepared)
        return self.execute_alone(prepared)

    def prepare(self, command: cmd.Command) -> Prepared:
        handler = self._handlers.get(type(command))
        if handler is None:
            raise errors.InvalidInput(f"unknown command {type(command).__name__}")
        check_all_text(command)  # before anything reads it: a control character never reaches an event
        scope, key = receipt_key(command)
        return Prepared(command, handler, scope, key, ids.receipt_id(scope, key), command.request(),
                        current_request_id.get())

    def execute_alone(self, prepared: Prepared) -> Result:
        """Read the receipt, decide, write; on a conflict decide again against the newer state."""
        for _ in range(MAX_ATTEMPTS):
            receipt = self.store.load_receipt(prepared.receipt_id)
            if receipt is not None:
                return replay(receipt, prepared.name, prepared.request)
            plan = self.plan(prepared)
            try:
                self.store.record(plan.events)
            except errors.WriteConflict:
                continue
            self.committed(plan)
            return plan.result
        raise errors.ConcurrencyConflict("too many concurrent changes to this member; try again")

    def plan(self, prepared: Prepared) -> Plan:
        """Decide a command (raising its refusal, if any) and add its receipt to the events to write."""
        context = Context(self, prepared.command, self.clock())
        plan = prepared.handler(context, prepared.command)
        if prepared.request_id is not None:
            plan.events[:] = [replace(e, request_id=prepared.request_id) if isinstance(e, ev.MemberEvent) else e
                              for e in plan.events]
        plan.events.append(ev.CommandAccepted(
            originator_id=prepared.receipt_id, originator_version=1, timestamp=context.now, scope=prepared.scope,
            idempotency_key=prepared.key, command=prepared.name, request=prepared.request,
            result=plan.result.to_dict(), member_id=plan.result.member_id))
        return plan

    def simulate(self, command: cmd.Command) -> Result:
        """Decide a command without writing anything: a dry run ("this basket will earn 37 points")."""
        return self.plan(self.prepare(command)).result

    def committed(self, plan: Plan, snapshots: Snapshotter | None = None) -> None:
        """After a successful write: keep the new state warm, and snapshot long histories (now, or by
        `snapshots`, a `Snapshotter` that takes them off the caller's thread: the group committer's writer)."""
        if plan.member is not None:
            self.store.remember(plan.member)
            if self._snapshot_due(plan):
                if snapshots is None:
                    self.snapshot_member(plan.member)
                else:
                    snapshots.submit(plan.member)
        for follow_up in plan.follow_ups:
            try:
                self.execute_alone(self.prepare(follow_up))
            except errors.LoyaltyError as exc:  # the cause is written; a refused effect is logged, not raised
                log.warning("follow-up %s refused: %s", type(follow_up).__name__, exc)

    def _snapshot_due(self, plan: Plan) -> bool:
        """Whether this write took the member across a multiple of `snapshot_interval`."""
        member = plan.member
        if member is None:
            return False
        versions = [e.originator_version for e in plan.events if e.originator_id == member.id]
        interval = self.snapshot_interval
        return bool(versions) and member.version // interval > (min(versions) - 1) // interval

    def snapshot_member(self, member: Member) -> None:
        """Snapshot this written state; a refusal or an unavailable store is logged, never raised."""
        try:
            self.store.snapshot(member)
        except errors.LedgerIntegrityError:
            # The write stands; the state that disagrees with the stored events is dropped from the
            # cache instead of being served or snapshotted.
            log.critical("snapshot refused for member %s", member.id, exc_info=True)
        except errors.StoreUnavailable:
            log.warning("snapshot of member %s skipped: the store is unavailable", member.id)

    # --- reads that decisions also use ----------------------------------------------------------------
    def resolve(self, ref: cmd.MemberRef) -> Member:
        given = ref.given()
        if len(given) != 1:
            raise errors.InvalidInput("name the member by exactly one of member_id, phone, email, member_code, "
                                      "qr_token, channel_id", field="member")
        kind, value = given[0]
        if kind == "member_id":
            member_id = value if isinstance(value, UUID) else _uuid(value)
            member = self.store.load_member(member_id)
        else:
            claim, member = self.store.member_by_claim(ids.claim_id(kind, ids.normalise(kind, value)))
            if claim is None or claim.member_id is None:
                raise errors.MemberNotFound(f"no member with {kind} {value}", **{kind: value})
            member_id = claim.member_id
        if member is None:
            raise errors.MemberNotFound(f"no member {member_id}", member_id=str(member_id))
        if member.merged_into is not None:  # a merged duplicate: reads and commands go to its survivor
            member = self.store.load_member(member.merged_into) or member
        return member

    def balance(self, ref: cmd.MemberRef, at: datetime | None = None, *,
                fresh: Member | None = None) -> Balance:
        """The balance as of now (or `at`), with what is due applied, without writing anything. `fresh`: the
        member as stored now, when the caller has just loaded it (the API's read lane); not a merged one."""
        member = fresh if fresh is not None and fresh.merged_into is None else self.resolve(ref)
        change = Change(member, at or self.clock(), Cause("read", None, "read"))
        apply_due(change, self.policy.inactivity_expires_at(member))
        return Balance.of(change.current)

    def member_summary(self, ref: cmd.MemberRef) -> MemberResult:
        member = self.resolve(ref)
        change = Change(member, self.clock(), Cause("read", None, "read"))
        apply_due(change, self.policy.inactivity_expires_at(member))
        result = member_result(change.current)
        notice = self.policy.downgrade_notice(change.current, change.now)
        return replace(result, tier_downgrade_at=notice) if notice else result


def _uuid(value: Any) -> UUID:
    try:
        return UUID(str(value))
    except ValueError:
        raise errors.MemberNotFound(f"no member {value!r}") from None


def receipt_key(command: cmd.Command) -> tuple[str, str]:
    key = command.idempotency_key
    if not isinstance(key, str) or not key.strip() or len(key) > MAX_KEY_LENGTH:
        raise errors.InvalidInput(f"an idempotency key of 1 to {MAX_KEY_LENGTH} characters is required",
                                  field="idempotency_key")
    if isinstance(command, cmd.RecordPurchase):
        # A purchase is the same purchase whoever resends it: its natural key is channel + transaction ref.
        return f"purchase/{command.channel}", command.transaction_ref
    return command.scope, key


def replay(receipt: ev.CommandAccepted, command_name: str, request: dict[str, Any]) -> Result:
    # A receipt holding personal data keeps it sealed (or hashed) plus a keyed digest of the whole request
    # (loyalty_core/privacy/fields.py): compare the digests, and name the first differing field only when the
    # stored request still unseals (after an erasure it cannot, and the field is left out).
    digest = getattr(receipt, "request_digest", None)
    if receipt.command != command_name or not personal.same_request(receipt, request):
        differs = "command" if receipt.command != command_name else cmd.first_difference(receipt.request, request)
        if digest is not None and differs != "command" and _unreadable(receipt.request):
            differs = None
        raise errors.IdempotencyKeyReused(
            f"idempotency key {receipt.idempotency_key!r} was used for a different request"
            + (f" (first difference: {differs})" if differs else ""), field=differs)
    return result_from_dict(receipt.result)


def _unreadable(value: Any) -> bool:
    if isinstance(value, dict):
        return any(_unreadable(v) for v in value.values())
    if isinstance(value, list):
        return any(_unreadable(v) for v in value)
    return is_erased(value) or is_hashed(value)


def enable_group_commit(service: LoyaltyService, max_batch: int = 500, linger_ms: int = 0) -> None:
    """Write concurrent commands together (see batching.py); `service.batcher.close()` stops it."""
    from loyalty_core.batching import GroupCommitter

    service.batcher = GroupCommitter(service, max_batch=max_batch, linger_ms=linger_ms)
