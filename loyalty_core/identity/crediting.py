"""Crediting held purchases to the member who takes their identifier over, in that same transaction.

After enrolment (or linking a phone or channel id, or importing a member) has decided its events, every
identifier it claims whose stream already has events (version > 1 after the claim) is read for purchases
held there. Each one still within the program's window is priced with the program as it was on the sale's
own date, the member's facts as they stand after the previous one (so the first held sale may earn a
first-purchase bonus), and written as ordinary earn events; a `HeldPurchasesClaimed` on the claim stream
records what was credited and what had expired. All of it is in the enrolment's own write: if a purchase
is held for the phone meanwhile, the claim's version moved and the store refuses the write, and the
enrolment is decided again, this time seeing it. So each held sale is credited once, to one member.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import fields, replace
from typing import Any

from loyalty_core import commands as cmd
from loyalty_core import events as ev
from loyalty_core import program as prog
from loyalty_core.decide import Cause, Change
from loyalty_core.identity.events import HeldPurchasesClaimed, PurchaseHeld
from loyalty_core.identity.holding import HOLDABLE, is_expired, load_stream, purchase_of, unclaimed_days
from loyalty_core.migration.handlers import ImportMember
from loyalty_core.program_policy import program_in_force
from loyalty_core.results import Balance, MemberResult
from loyalty_core.handlers.common import member_result, purchase_reference
from loyalty_core.planning import Context, Plan
from loyalty_core.till_receipt import record_unpriced

CLAIMING_COMMANDS = (cmd.EnrollMember, cmd.LinkIdentifier, ImportMember)


def crediting_held(inner: Callable[[Context, Any], Plan]) -> Callable[[Context, Any], Plan]:
    def claim_and_credit(ctx: Context, command: Any) -> Plan:
        plan = inner(ctx, command)
        for taken in [e for e in plan.events if isinstance(e, ev.ClaimTaken)]:
            if taken.kind in HOLDABLE and taken.originator_version > 1:
                credit_held(ctx, plan, taken)
        return plan

    return claim_and_credit


def credit_held(ctx: Context, plan: Plan, taken: ev.ClaimTaken) -> None:
    stream = load_stream(ctx.service.store, taken.originator_id)
    if stream.version != taken.originator_version - 1 or not stream.waiting:
        return  # nothing waiting (or the stream moved: the write will conflict and this is decided again)
    credited, expired = credit(ctx, plan, stream.waiting, unclaimed_days(ctx.service.policy))
    plan.events.append(HeldPurchasesClaimed(originator_id=taken.originator_id,
                                            originator_version=taken.originator_version + 1, timestamp=ctx.now,
                                            kind=taken.kind, value=taken.value, member_id=taken.member_id,
                                            credited=credited, expired=expired))


def credit(ctx: Context, plan: Plan, waiting: list[PurchaseHeld], days: int) -> tuple[list[str], list[str]]:
    """Price and add each waiting purchase to the plan's member; (credited, expired) references.

    Each sale's events say where the sale happened (its channel, store and till), not where the member
    enrolled, so campaign and store statistics count it where it was made."""
    policy = ctx.service.policy
    member = plan.member
    claims_before = len(ctx.claim_events)
    member_events: list[ev.Event] = []
    budget_events: list[ev.Event] = []
    credited, expired = [], []
    for held in sorted(waiting, key=lambda h: (h.occurred_at, h.transaction_ref)):
        reference = purchase_reference(held.channel, held.transaction_ref)
        if is_expired(held, days, ctx.now):
            expired.append(reference)
            continue
        if reference in member.earnings:
            continue  # already on this member by another route
        change = Change(member, ctx.now, Cause(held.channel, held.store_id, held.actor))
        program = program_in_force(policy, held.occurred_at)
        if program is None:  # no program was in force then: credited as a sale that earns 0, and says why
            record_unpriced(change, purchase_of(held), reference, policy.installed() is not None)
            member_events += change.events
            member = change.current
            credited.append(reference)
            continue
        remaining = policy.budgets(ctx, program)
        _follow_own_charges(ctx, budget_events, remaining)
        decision = prog.evaluate_purchase(purchase_of(held), program, policy.facts(change.current, program),
                                         remaining)
        policy.apply_decision(ctx, change, program, decision, source="purchase", reference=reference,
                              occurred_at=held.occurred_at, currency=held.currency)
        budget_events += policy.charge_budgets(ctx, decision, change.current.id, reference)
        if decision.referral_bonus is not None:
            plan.follow_ups.append(_referral_bonus(decision.referral_bonus, held, member.id, program))
        member_events += change.events
        member = change.current
        credited.append(reference)
    plan.events.extend(member_events)
    plan.events.extend(ctx.claim_events[claims_before:])  # vouchers a stamp card issued
    plan.events.extend(budget_events)
    if member_events:
        plan.member = member
        if isinstance(plan.result, MemberResult):
            plan.result = member_result(member)
        elif "balance" in {f.name for f in fields(plan.result)}:
            plan.result = replace(plan.result, balance=Balance.of(member))
    return credited, expired


def _follow_own_charges(ctx: Context, charged: list[ev.Event], remaining: dict[str, int]) -> None:
    """Budgets as this decision leaves them: each earlier charge in it spends budget and moves its version."""
    for event in charged:
        if isinstance(event, ev.CampaignBudgetCharged):
            ctx.budget_versions[event.originator_id] = event.originator_version
            if event.campaign_id in remaining:
                remaining[event.campaign_id] = max(remaining[event.campaign_id] - event.points, 0)


def _referral_bonus(bonus: Any, held: PurchaseHeld, member_id: Any, program: Any) -> cmd.EarnPoints:
    """The inviter's bonus for this member's first purchase, as the purchase handler would give it: a
    separate command after this write, keyed by the new member, so it is paid once."""
    return cmd.EarnPoints(
        idempotency_key=f"referral/{member_id}", idempotency_scope="referral", channel=held.channel,
        store_id=held.store_id, actor="referral", member=cmd.MemberRef(member_id=bonus.referrer_id),
        points=bonus.points, reference=f"referral/{member_id}", source="referral", occurred_at=held.occurred_at,
        expires_at=prog.lot_expires_at(program.expiry, held.occurred_at), description=bonus.description_vi)
