"""Granting an offer to a segment: a voucher or bonus points to every member matching a condition, each once.

"Give the shoppers who buy online but never came to a store a free drink to come in." Marketing names the
grant (`grant_id`), the segment (`MemberCondition`), what each member gets (a catalogue reward's voucher
and/or bonus points) and a budget (at most `max_members` members, at most `budget_points` points).

Each member's grant is one command with the idempotency key `offer/<grant_id>/<member id>`: a rerun after a
crash resumes where it stopped, and a member granted before gets nothing more (the receipt answers). The
decision reads the member aggregate, so membership in the segment replays. The budget is an aggregate of
its own (`CampaignBudgetCharged` on `offer:<grant_id>`) charged in the member's transaction, so two runners
at once can never exceed it: the version counts members, the points sum counts points.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any
from uuid import NAMESPACE_URL, UUID, uuid5

from loyalty_core import commands as cmd
from loyalty_core import decide, errors
from loyalty_core import events as ev
from loyalty_core import program as prog
from loyalty_core.money import check_points
from loyalty_core.results import Balance, EarnResult
from loyalty_core.handlers.common import checked_text
from loyalty_core.planning import Context, Plan

MAX_GRANT_ID = 80


@dataclass(frozen=True, kw_only=True)
class GrantOffer(cmd.Command):
    """Give one member the offer `grant_id`, if they are in its segment and its budget has room."""

    member: cmd.MemberRef
    grant_id: str
    condition: dict[str, Any] = field(default_factory=dict)
    """`MemberCondition.to_dict()`: who the offer is for."""
    reward_id: str | None = None
    points: int = 0
    max_members: int | None = None
    budget_points: int | None = None


@dataclass(frozen=True)
class OfferTerms:
    grant_id: str
    condition: prog.MemberCondition
    reward_id: str | None = None
    points: int = 0
    max_members: int | None = None
    budget_points: int | None = None

    def check(self, program: prog.ProgramState) -> None:
        """Refuse terms that could never be granted, before any member is looked at."""
        if not isinstance(self.grant_id, str) or not 1 <= len(self.grant_id) <= MAX_GRANT_ID or \
                not self.grant_id.replace("-", "").replace("_", "").isalnum():
            raise errors.InvalidInput(f"grant_id must be 1 to {MAX_GRANT_ID} letters, digits, - or _",
                                      field="grant_id")
        self.condition.validate()
        if self.reward_id is None and not self.points:
            raise errors.InvalidInput("an offer gives a reward_id, points, or both", field="reward_id")
        if self.reward_id is not None and program.reward(self.reward_id) is None:
            raise errors.RewardNotFound(f"no reward {self.reward_id}", reward_id=self.reward_id)
        if self.points:
            check_points(self.points)
        for name in ("max_members", "budget_points"):
            value = getattr(self, name)
            if value is not None and (isinstance(value, bool) or not isinstance(value, int) or value < 1):
                raise errors.InvalidInput(f"{name} must be a positive whole number", field=name)

    def command(self, member_id: UUID, actor: str) -> GrantOffer:
        return GrantOffer(idempotency_key=f"offer/{self.grant_id}/{member_id}", idempotency_scope="offers",
                          channel="admin", actor=actor, member=cmd.MemberRef(member_id=member_id),
                          grant_id=self.grant_id, condition=self.condition.to_dict(), reward_id=self.reward_id,
                          points=self.points, max_members=self.max_members, budget_points=self.budget_points)


@dataclass
class GrantReport:
    grant_id: str
    members_checked: int = 0
    granted: int = 0
    already_granted: int = 0
    not_eligible: int = 0
    stopped_by_budget: bool = False
    members_granted_in_total: int = 0
    points_granted_in_total: int = 0


def offer_budget_id(program_id: UUID, grant_id: str) -> UUID:
    return uuid5(NAMESPACE_URL, f"/programs/{program_id}/offers/{grant_id}/budget")


def grant_offer(ctx: Context, c: GrantOffer) -> Plan:
    """One member's share of an offer: in the segment, within the budget, once."""
    checked_text(c.grant_id, "grant_id", required=True)
    policy = ctx.service.policy
    program = policy.book.current()
    condition = prog.MemberCondition.from_dict(c.condition)
    member = ctx.service.resolve(c.member)
    change = ctx.change(member)
    if not condition.holds(policy.facts(change.current), ctx.now):
        raise prog.errors.OfferNotEligible(f"member {member.id} is not in the segment of offer {c.grant_id}")
    budget_id = offer_budget_id(policy.program_id, c.grant_id)
    version, spent = ctx.service.store.load_budget(budget_id)
    if c.max_members is not None and version >= c.max_members or \
            c.budget_points is not None and spent + c.points > c.budget_points:
        raise prog.errors.OfferBudgetExhausted(f"offer {c.grant_id} has reached its budget",
                                               members=version, points=spent)
    reference = f"offer/{c.grant_id}"
    vouchers = []
    if c.reward_id is not None:
        vouchers.append(policy.issue_voucher(ctx, change, program.reward(c.reward_id), c.reward_id, reason="offer",
                                             reference=reference))
    if c.points:
        decide.earn(change, points=c.points, source="bonus", reference=reference, occurred_at=ctx.now,
                    pending_until=None, expires_at=prog.lot_expires_at(program.expiry, ctx.now),
                    breakdown=[{"rule_id": reference, "points": c.points, "description_vi": f"Ưu đãi {c.grant_id}",
                                "description_en": f"Offer {c.grant_id}"}])
    charge = ev.CampaignBudgetCharged(originator_id=budget_id, originator_version=version + 1, timestamp=ctx.now,
                                      campaign_id=f"offer:{c.grant_id}", points=c.points, member_id=member.id,
                                      reference=reference)
    return ctx.plan(change, EarnResult(member_id=member.id, balance=Balance.of(change.current),
                                       reference=c.grant_id, points_earned=c.points, vouchers=vouchers), charge)


def grant_to_segment(service: Any, terms: OfferTerms, actor: str = "marketing") -> GrantReport:
    """Grant `terms` to every member in its segment, each once; safe to run again (it resumes)."""
    policy = service.policy
    terms.check(policy.book.current())
    report = GrantReport(terms.grant_id)
    for member_id in service.store.member_ids():
        report.members_checked += 1
        try:
            result = service.execute(terms.command(member_id, actor))
        except prog.errors.OfferNotEligible:
            report.not_eligible += 1
            continue
        except prog.errors.OfferBudgetExhausted:
            report.stopped_by_budget = True
            break
        except errors.IdempotencyKeyReused:
            raise errors.InvalidInput(f"offer {terms.grant_id} was granted before with other terms; "
                                      "give a new grant_id", field="grant_id") from None
        if result.replayed:
            report.already_granted += 1
        else:
            report.granted += 1
    version, spent = service.store.load_budget(offer_budget_id(policy.program_id, terms.grant_id))
    report.members_granted_in_total, report.points_granted_in_total = version, spent
    return report


def install(service: Any) -> None:
    service.register(GrantOffer, grant_offer)


__all__ = ["GrantOffer", "GrantReport", "OfferTerms", "grant_offer", "grant_to_segment", "install",
           "offer_budget_id"]
