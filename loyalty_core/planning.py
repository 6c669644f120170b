"""What a handler works with and hands back: the `Context` of one attempt and the `Plan` it decides.

Handlers (loyalty_core/handlers/, the program's modules) receive a Context: the time of the attempt, the
cause to stamp on events, and the claims (phone, voucher code, reservation id) to take in the same write. They
return a Plan: the events to write together, the answer, the member afterwards. The service
(loyalty_core/service.py) adds the receipt and writes the plan; nothing here writes.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING
from uuid import UUID

from loyalty_core import commands as cmd
from loyalty_core import errors
from loyalty_core import events as ev
from loyalty_core import identifiers as ids
from loyalty_core.decide import Cause, Change, apply_due
from loyalty_core.member import Member
from loyalty_core.results import Result

if TYPE_CHECKING:
    from loyalty_core.service import LoyaltyService


@dataclass
class Plan:
    """What one command decided: the events to write together, the answer, the member afterwards."""

    events: list[ev.Event]
    result: Result
    member: Member | None = None
    follow_ups: list[cmd.Command] = field(default_factory=list)
    """Commands on other members this one causes (a referrer's bonus), run after it is written, each with a
    deterministic idempotency key so that running one twice pays once."""


@dataclass
class Context:
    """Per-attempt helpers handed to a handler: the time, and claims to take in the same write."""

    service: LoyaltyService
    command: cmd.Command
    now: datetime
    claim_events: list[ev.Event] = field(default_factory=list)
    budget_versions: dict[UUID, int] = field(default_factory=dict)
    """The version of each campaign budget this decision read: its charge must follow exactly that one."""

    @property
    def cause(self) -> Cause:
        return Cause(self.command.channel, self.command.store_id, self.command.actor)

    def take_claim(self, kind: str, value: str, member_id: UUID) -> None:
        claim_id = ids.claim_id(kind, value)
        claim = self.service.store.load_claim(claim_id)
        if claim is not None and claim.member_id is not None and claim.member_id != member_id:
            raise errors.IdentifierTaken(f"{kind} {value} belongs to another member", kind=kind)
        if claim is not None and claim.member_id == member_id:
            return
        self.claim_events.append(ev.ClaimTaken(originator_id=claim_id, originator_version=(claim.version + 1)
                                               if claim else 1, timestamp=self.now, kind=kind, value=value,
                                               member_id=member_id))

    def take_new_claim(self, kind: str, value: str, member_id: UUID) -> None:
        """Claim a value this command just generated at random (a voucher code, a reservation id, a QR
        token): no read first. A collision is astronomically rare and the store's primary key still
        refuses it, after which the command is decided again with a fresh value."""
        self.claim_events.append(ev.ClaimTaken(originator_id=ids.claim_id(kind, value), originator_version=1,
                                               timestamp=self.now, kind=kind, value=value, member_id=member_id))

    def release_claim(self, kind: str, value: str, member_id: UUID) -> None:
        claim = self.service.store.load_claim(ids.claim_id(kind, value))
        if claim is None or claim.member_id != member_id:
            raise errors.IdentifierNotLinked(f"{kind} {value} is not linked to this member", kind=kind)
        self.claim_events.append(ev.ClaimReleased(originator_id=claim.claim_id, originator_version=claim.version + 1,
                                                  timestamp=self.now, kind=kind, value=value, member_id=member_id))

    def move_claim(self, kind: str, value: str, from_id: UUID, to_id: UUID) -> None:
        """Hand an identifier (or voucher code) from one member to another in this write (a merge, an
        unmerge): released and taken again on the claim's own stream, so a concurrent change conflicts."""
        claim = self.service.store.load_claim(ids.claim_id(kind, value))
        if claim is None or claim.member_id != from_id:
            raise errors.IdentifierNotLinked(f"{kind} is not linked to member {from_id}", kind=kind)
        for version, event_type, owner in ((claim.version + 1, ev.ClaimReleased, from_id),
                                           (claim.version + 2, ev.ClaimTaken, to_id)):
            self.claim_events.append(event_type(originator_id=claim.claim_id, originator_version=version,
                                                timestamp=self.now, kind=kind, value=value, member_id=owner))

    def change(self, member: Member) -> Change:
        change = Change(member, self.now, self.cause)
        apply_due(change, self.service.policy.inactivity_expires_at(member))
        return change

    def plan(self, change: Change, result: Result, *extra: ev.Event) -> Plan:
        return Plan([*change.events, *self.claim_events, *extra], result, change.member)
