"""Commands at the till and the service desk that the ledger decides but that needed their own way in.

- **Using a voucher** (the free drink a stamp card just issued): found by its code alone, used once; a retry
  with the same idempotency key replays the answer, and a voucher that cannot be used says why with its own
  code (`voucher_already_used`, `voucher_expired`, `voucher_cancelled`).
- **Changing a member's phone**: the new number is claimed and the old one released in one transaction, so
  the member, their points and their history stay; the old number is free for someone else at once.
- **The sign-up bonus**: an `activity` rule for `sign_up` pays in the enrolment's own write, so the first
  balance the till shows already has it (and a retried enrolment never pays twice).

`install(service)` wires these in after the program's own handlers.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Callable

from loyalty_core import commands as cmd
from loyalty_core import decide, errors
from loyalty_core import events as ev
from loyalty_core import identifiers as ids
from loyalty_core import program as prog
from loyalty_core.decide import Change
from loyalty_core.results import Balance, Result, register_result_type
from loyalty_core.handlers.common import VOUCHER, checked_text, member_result
from loyalty_core.planning import Context, Plan


class VoucherAlreadyUsed(errors.VoucherNotUsable):
    code = "voucher_already_used"
    message_vi = "Voucher đã được sử dụng."


class VoucherExpired(errors.VoucherNotUsable):
    code = "voucher_expired"
    message_vi = "Voucher đã hết hạn."


class VoucherCancelled(errors.VoucherNotUsable):
    code = "voucher_cancelled"
    message_vi = "Voucher đã bị hủy."


_REFUSALS = {"used": VoucherAlreadyUsed, "expired": VoucherExpired, "cancelled": VoucherCancelled}


@dataclass(frozen=True)
class VoucherView:
    """A voucher as the till sees it when the member shows its code."""

    code: str
    member_id: Any
    reward_id: str
    status: str
    expires_at: datetime | None


@register_result_type
@dataclass(frozen=True)
class VoucherUseResult(Result):
    voucher_code: str = ""
    reward_id: str = ""
    order_ref: str = ""


@dataclass(frozen=True, kw_only=True)
class ChangePhone(cmd.Command):
    """Give a member a new phone number in place of their current one (keeping everything else)."""

    member: cmd.MemberRef
    phone: str


def _voucher_code(code: Any) -> str:
    if not isinstance(code, str) or not 1 <= len(code.strip()) <= 40:
        raise errors.VoucherNotFound("no such voucher")
    return code.strip().upper()


def find_voucher(service: Any, code: str, at: datetime | None = None) -> VoucherView:
    """Look a voucher up by its code alone (a read: what is due, such as its expiry, is applied, not written)."""
    code = _voucher_code(code)
    claim = service.store.load_claim(ids.claim_id(VOUCHER, code))
    if claim is None or claim.member_id is None:
        raise errors.VoucherNotFound(f"no voucher {code}", voucher_code=code)
    member = service.resolve(cmd.MemberRef(member_id=claim.member_id))
    change = Change(member, at or service.clock(), decide.Cause("read", None, "read"))
    decide.apply_due(change, service.policy.inactivity_expires_at(member))
    voucher = change.current.vouchers.get(code)
    if voucher is None:
        raise errors.VoucherNotFound(f"no voucher {code}", voucher_code=code)
    return VoucherView(code, member.id, voucher.reward_id, voucher.status, voucher.expires_at)


def use_voucher(ctx: Context, c: cmd.UseVoucher) -> Plan:
    checked_text(c.order_ref, "order_ref", required=True)
    code = _voucher_code(c.voucher_code)
    claim = ctx.service.store.load_claim(ids.claim_id(VOUCHER, code))
    if claim is None or claim.member_id is None:
        raise errors.VoucherNotFound(f"no voucher {code}", voucher_code=code)
    member = ctx.service.resolve(cmd.MemberRef(member_id=claim.member_id))
    change = ctx.change(member)  # an expired voucher is marked expired here, before it is looked at
    voucher = change.current.vouchers.get(code)
    if voucher is None:
        raise errors.VoucherNotFound(f"no voucher {code}", voucher_code=code)
    if voucher.status != "issued":
        refusal = _REFUSALS.get(voucher.status, errors.VoucherNotUsable)
        raise refusal(f"voucher {code} is {voucher.status}", voucher_code=code, voucher_status=voucher.status)
    decide.use_voucher(change, voucher_code=code, order_ref=c.order_ref)
    return ctx.plan(change, VoucherUseResult(member_id=member.id, balance=Balance.of(change.current),
                                             voucher_code=code, reward_id=voucher.reward_id,
                                             order_ref=c.order_ref))


def change_phone(ctx: Context, c: ChangePhone) -> Plan:
    member = ctx.service.resolve(c.member)
    new = ids.normalise_phone(c.phone)
    change = ctx.change(member)
    old_phones = [value for kind, value in member.identifiers if kind == ids.PHONE]
    if old_phones == [new]:
        return ctx.plan(change, member_result(change.current))  # already this number: nothing to change
    ctx.take_claim(ids.PHONE, new, member.id)
    if (ids.PHONE, new) not in member.identifiers:
        change.add(ev.IdentifierLinked, kind=ids.PHONE, value=new)
    for old in old_phones:
        if old != new:
            ctx.release_claim(ids.PHONE, old, member.id)
            change.add(ev.IdentifierUnlinked, kind=ids.PHONE, value=old)
    return ctx.plan(change, member_result(change.current))


def paying_sign_up(inner: Callable[[Context, Any], Plan]) -> Callable[[Context, Any], Plan]:
    """Enrolment, plus the program's `sign_up` activity rule (if any) paid in the same write."""

    def enroll(ctx: Context, c: cmd.EnrollMember) -> Plan:
        plan = inner(ctx, c)
        policy = ctx.service.policy
        program = policy.installed() if hasattr(policy, "installed") else None
        if program is None or plan.member is None or getattr(plan.result, "member_id", None) is None:
            return plan
        member = plan.member
        activity = prog.Activity(kind="sign_up", ref=str(member.id), channel=c.channel, store_id=c.store_id,
                                 occurred_at=ctx.now)
        decision = prog.evaluate_activity(activity, program, policy.facts(member, program),
                                         policy.budgets(ctx, program))
        if decision.points <= 0:
            return plan
        change = Change(member, ctx.now, ctx.cause)
        reference = f"{c.channel}/sign_up/{member.id}"
        claims_before = len(ctx.claim_events)  # the enrolment's own claims are in the plan already
        policy.apply_decision(ctx, change, program, decision, source="activity", reference=reference,
                              occurred_at=ctx.now, currency=program.currency)
        plan.events.extend([*change.events, *ctx.claim_events[claims_before:],
                            *policy.charge_budgets(ctx, decision, member.id, reference)])
        plan.member = change.current
        plan.result = dataclasses.replace(plan.result, balance=Balance.of(change.current))
        return plan

    return enroll


def install(service: Any) -> None:
    service.register(cmd.UseVoucher, use_voucher)
    service.register(ChangePhone, change_phone)
    inner = service._handlers.get(cmd.EnrollMember)
    if inner is not None and not getattr(inner, "pays_sign_up", False):
        wrapped = paying_sign_up(inner)
        wrapped.pays_sign_up = True  # type: ignore[attr-defined]
        service.register(cmd.EnrollMember, wrapped)
