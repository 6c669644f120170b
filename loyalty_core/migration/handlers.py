"""Import commands: one checked file row becomes one command, written with its receipt in one transaction.

`ImportMember` enrols a member from an old list in one step: the phone claim, a member code and QR token
(as any enrolment), the tier the old program had given (a `TierChanged` with the reason `manual` and the
note `import`), and the opening balance as its own lot with its own expiry (`PointsEarned`, source
`migration`). `ImportPurchase` records a historical sale for the tier window and statistics; it earns
nothing, because the opening balance already carries what the old program paid for it.

Idempotency keys are derived from the row's content that identifies it, never from the file or its
position: the normalised phone for a member, the transaction ref for a purchase. So re-running the same
file, a resumed run after a crash, or the same person in a later file all land on the same receipt: the
same row replays its first answer, and a changed row is refused as `idempotency_key_reused`.
"""

from __future__ import annotations

import hashlib
import threading
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any
from uuid import UUID, uuid4

from loyalty_core import commands as cmd
from loyalty_core import decide, errors
from loyalty_core import events as ev
from loyalty_core import identifiers as ids
from loyalty_core.decide import Change
from loyalty_core.migration.rows import MemberRow, PurchaseRow
from loyalty_core.results import Balance, EarnResult
from loyalty_core.handlers.common import member_result
from loyalty_core.planning import Context, Plan

MEMBERS_SCOPE, PURCHASES_SCOPE = "import/members", "import/purchases"
OPENING_BALANCE = "import/opening-balance"


@dataclass(frozen=True, kw_only=True)
class ImportMember(cmd.Command):
    phone: str
    name: str | None = None
    birthday: str | None = None
    email: str | None = None
    tier: str | None = None
    points: int = 0
    points_expire_at: datetime | None = None
    channel_id: str | None = None


@dataclass(frozen=True, kw_only=True)
class ImportPurchase(cmd.Command):
    member: cmd.MemberRef
    transaction_ref: str
    total: Decimal
    occurred_at: datetime
    currency: str = "VND"


def member_key(phone: str) -> str:
    """The same person's row has the same key in every file and every run."""
    return hashlib.sha256(f"{MEMBERS_SCOPE}/{phone}".encode()).hexdigest()[:40]


def import_member_command(row: MemberRow, actor: str = "import") -> ImportMember:
    return ImportMember(idempotency_key=member_key(row.phone), idempotency_scope=MEMBERS_SCOPE, channel="import",
                        actor=actor, phone=row.phone, name=row.name, birthday=row.birthday, email=row.email,
                        tier=row.tier, points=row.points, points_expire_at=row.points_expire_at,
                        channel_id=row.channel_id)


def import_purchase_command(row: PurchaseRow, actor: str = "import") -> ImportPurchase:
    return ImportPurchase(idempotency_key=row.transaction_ref, idempotency_scope=PURCHASES_SCOPE, channel="import",
                          store_id=row.store_id, actor=actor, member=cmd.MemberRef(phone=row.phone),
                          transaction_ref=row.transaction_ref, total=row.total, occurred_at=row.occurred_at)


class FreeClaims:
    """Identifiers the import's worker threads found unclaimed just before sending a row.

    The group-commit decider is one thread: a claim read there for every row would cap an import at one
    database round trip per row. The workers read in parallel instead, and the decider takes a claim found
    free without reading it again. Each hint is used once: if the identifier was taken in between, the
    store refuses the write, the row is decided again alone, and that time the claim is read for real.
    """

    def __init__(self) -> None:
        self._free: set[UUID] = set()
        self._lock = threading.Lock()

    MAX_HINTS = 100_000

    def add(self, claim_id: UUID) -> None:
        with self._lock:
            if len(self._free) >= self.MAX_HINTS:  # hints of refused rows are never used: forget them all
                self._free.clear()
            self._free.add(claim_id)

    def take(self, claim_id: UUID) -> bool:
        with self._lock:
            if claim_id in self._free:
                self._free.discard(claim_id)
                return True
            return False


def known_free(service: Any, claim_id: UUID) -> bool:
    hints = getattr(service, "free_claims", None)
    return hints is not None and hints.take(claim_id)


def prefetch_free_claims(service: Any, command: Any) -> None:
    """Called by a worker thread before it sends an `ImportMember`: note its identifiers that are free."""
    if not isinstance(command, ImportMember):
        return
    hints = getattr(service, "free_claims", None)
    if hints is None:
        return
    for kind, value in claimed_identifiers(command):
        claim_id = ids.claim_id(kind, value)
        claim = service.store.load_claim(claim_id)
        if claim is None:
            hints.add(claim_id)


def claimed_identifiers(c: ImportMember) -> list[tuple[str, str]]:
    """The identifiers an imported member owns, normalised: phone, and email and channel id when given."""
    found = [(ids.PHONE, ids.normalise_phone(c.phone))]
    if c.email:
        found.append((ids.EMAIL, ids.normalise_email(c.email)))
    if c.channel_id:
        found.append((ids.CHANNEL_ID, ids.normalise_channel_id(c.channel_id)))
    return found


def earning_purchase_command(row: PurchaseRow, actor: str = "import") -> cmd.RecordPurchase:
    """A past sale priced like any sale, with the program's rules of its own date (`--earn`): keyed by its
    natural key (channel `import` + transaction ref), and held if nobody has the phone yet."""
    return cmd.RecordPurchase(idempotency_key=row.transaction_ref, channel="import", store_id=row.store_id,
                              actor=actor, member=cmd.MemberRef(phone=row.phone),
                              transaction_ref=row.transaction_ref, total=row.total, occurred_at=row.occurred_at)


def import_member(ctx: Context, c: ImportMember) -> Plan:
    policy = ctx.service.policy
    if c.tier is not None:
        policy.check_tier(c.tier)
    member_id = uuid4()
    change = Change(None, ctx.now, ctx.cause, member_id=member_id)
    change.add(ev.MemberEnrolled, program_code=policy.program_code, tier=policy.base_tier, name=c.name,
               birthday=c.birthday, consent={}, referred_by=None)
    for kind, value in claimed_identifiers(c):
        if known_free(ctx.service, ids.claim_id(kind, value)):
            ctx.take_new_claim(kind, value, member_id)
        else:
            ctx.take_claim(kind, value, member_id)
        change.add(ev.IdentifierLinked, kind=kind, value=value)
    for kind, value in ((ids.MEMBER_CODE, ids.new_member_code()), (ids.QR_TOKEN, ids.new_qr_token())):
        ctx.take_new_claim(kind, value, member_id)
        change.add(ev.IdentifierLinked, kind=kind, value=value)
    if c.tier is not None:
        decide.change_tier(change, to_tier=c.tier, reason="manual", note="import")
    if c.points:
        decide.earn(change, points=c.points, source="migration", reference=OPENING_BALANCE, occurred_at=ctx.now,
                    pending_until=None, expires_at=c.points_expire_at,
                    breakdown=[{"rule_id": "opening-balance", "points": c.points,
                                "description_vi": "Số dư chuyển từ thẻ giấy / hệ thống cũ",
                                "description_en": "Balance brought over from the old cards"}])
    return ctx.plan(change, member_result(change.current))


def import_purchase(ctx: Context, c: ImportPurchase) -> Plan:
    member = ctx.service.resolve(c.member)
    if c.occurred_at.tzinfo is None or c.occurred_at > ctx.now:
        raise errors.InvalidInput("a historical purchase needs a past time with its offset", field="occurred_at")
    reference = f"{c.channel}/{c.transaction_ref}"
    if reference in member.earnings:  # the same sale already on the member by another route
        raise errors.InvalidInput(f"purchase {c.transaction_ref} is already on this member", field="transaction_ref")
    change = ctx.change(member)
    change.add(ev.PurchaseRecorded, transaction_ref=reference, occurred_at=c.occurred_at, spend=c.total,
               currency=c.currency)
    return ctx.plan(change, EarnResult(member_id=member.id, balance=Balance.of(change.current),
                                       reference=c.transaction_ref, points_earned=0))


def install(service: Any) -> None:
    service.free_claims = FreeClaims()
    service.register(ImportMember, import_member)
    service.register(ImportPurchase, import_purchase)
