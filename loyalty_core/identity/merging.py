"""Merging duplicate members and undoing it: the commands, their answer and their handlers.

One plan writes both members' events, the re-pointed claims (identifiers and unused vouchers: released by
the duplicate and taken by the survivor on each claim's own stream) and the receipt, in one transaction with
optimistic concurrency on every one of those streams: a purchase landing on either member meanwhile moves
its version, the store refuses the merge, and the merge is decided again on the new state, so the sale moves
with it (or, decided after it, finds the phone on the survivor). The rules are in merge_rules.py.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from uuid import UUID

from loyalty_core import commands as cmd
from loyalty_core import errors
from loyalty_core import events as ev
from loyalty_core import identifiers as ids
from loyalty_core.handlers.common import VOUCHER, checked_text
from loyalty_core.identity import merge_rules as rules
from loyalty_core.member import Member
from loyalty_core.planning import Context, Plan
from loyalty_core.results import Balance, Result, register_result_type


@dataclass(frozen=True, kw_only=True)
class MergeMembers(cmd.Command):
    """Merge the duplicate `merged` into `survivor` (staff, with a reason)."""

    survivor: cmd.MemberRef
    merged: cmd.MemberRef
    reason: str


@dataclass(frozen=True, kw_only=True)
class UnmergeMembers(cmd.Command):
    """Undo the merge of `merged` into `survivor`, while nothing that moved has been used since."""

    survivor: cmd.MemberRef
    merged: cmd.MemberRef
    reason: str


@register_result_type
@dataclass(frozen=True)
class MergeResult(Result):
    """The survivor (member_id, balance) and the duplicate after a merge or an unmerge."""

    status: str = "merged"
    """merged | unmerged"""
    merged_member_id: UUID | None = None
    merged_balance: Balance | None = None
    points_moved: int = 0
    lots_moved: int = 0
    vouchers_moved: int = 0
    identifiers_moved: int = 0

    def to_dict(self) -> dict[str, Any]:
        data = super().to_dict()
        data["merged_balance"] = None if self.merged_balance is None else vars(self.merged_balance).copy()
        return data

    def __post_init__(self) -> None:  # a replayed receipt gives the balance back as a dict
        if isinstance(self.merged_balance, dict):
            object.__setattr__(self, "merged_balance", Balance(**self.merged_balance))
        if isinstance(self.merged_member_id, str):
            object.__setattr__(self, "merged_member_id", UUID(self.merged_member_id))


def _exact(ctx: Context, ref: Any, field: str) -> Member:
    """The member a ref names, without following a merge (the ids themselves are what a merge is about)."""
    if not isinstance(ref, cmd.MemberRef) or len(ref.given()) != 1:
        raise errors.InvalidInput(f"name the {field} member by exactly one identifier", field=field)
    kind, value = ref.given()[0]
    if kind == "member_id":
        try:
            member_id = value if isinstance(value, UUID) else UUID(str(value))
        except ValueError:
            raise errors.MemberNotFound(f"no member {value!r}", field=field) from None
    else:
        claim = ctx.service.store.load_claim(ids.claim_id(kind, ids.normalise(kind, value)))
        if claim is None or claim.member_id is None:
            raise errors.MemberNotFound(f"no member with {kind} {value}", field=field)
        member_id = claim.member_id
    member = ctx.service.store.load_member(member_id)
    if member is None:
        raise errors.MemberNotFound(f"no member {member_id}", member_id=str(member_id), field=field)
    return member


def _higher_tier(policy: Any, survivor: Member, merged: Member) -> str:
    """The higher of the two tiers on the program's ladder; a plain ledger (no ladder) keeps the survivor's."""
    program = policy.installed() if hasattr(policy, "installed") else None
    if program is None:
        return survivor.tier
    ladder = program.tiers

    def rank(tier: str) -> int:
        return ladder.rank(tier) if ladder.tier(tier) is not None else -1

    return merged.tier if rank(merged.tier) > rank(survivor.tier) else survivor.tier


def _move_vouchers(ctx: Context, codes: list[str], from_id: UUID, to_id: UUID) -> None:
    for code in codes:
        claim = ctx.service.store.load_claim(ids.claim_id(VOUCHER, code))
        if claim is not None and claim.member_id == from_id:  # a voucher found by its code follows its owner
            ctx.move_claim(VOUCHER, code, from_id, to_id)


def merge_members(ctx: Context, c: MergeMembers) -> Plan:
    reason = checked_text(c.reason, "reason", required=True)
    survivor, merged = _exact(ctx, c.survivor, "survivor"), _exact(ctx, c.merged, "merged_member_id")
    s_change, m_change = ctx.change(survivor), ctx.change(merged)  # what is due first (timed-out holds)
    m = m_change.current
    claim_ids = {(kind, value): str(ids.claim_id(kind, value)) for kind, value in m.identifiers}
    vouchers = [code for code, v in m.vouchers.items() if v.status == "issued"]
    lots = len(m.lots)
    points = rules.decide_merge(s_change, m_change, reason=reason or "",
                                tier_after=_higher_tier(ctx.service.policy, s_change.current, m), claim_ids=claim_ids)
    for kind, value in m.identifiers:
        ctx.move_claim(kind, value, m.id, survivor.id)
    _move_vouchers(ctx, vouchers, m.id, survivor.id)
    result = MergeResult(member_id=survivor.id, balance=Balance.of(s_change.current), status="merged",
                         merged_member_id=m.id, merged_balance=Balance.of(m_change.current), points_moved=points,
                         lots_moved=lots, vouchers_moved=len(vouchers), identifiers_moved=len(m.identifiers))
    return Plan([*m_change.events, *s_change.events, *ctx.claim_events], result, s_change.current)


def _absorbed_event(ctx: Context, survivor: Member, merged_id: UUID) -> ev.MemberAbsorbed:
    version = survivor.absorbed.get(str(merged_id))
    if version is None:
        raise rules.MergeNotFound(f"member {merged_id} is not merged into {survivor.id}",
                                  merged_member_id=str(merged_id))
    for event in ctx.service.store.events.get(survivor.id, gt=version - 1, lte=version):
        if isinstance(event, ev.MemberAbsorbed):
            return event
    # Not in the store yet: merged in the group-commit batch still being written. A refusal is decided
    # again alone after that write, where it is found.
    raise errors.ConcurrencyConflict("the merge is still being written; try again")


def _merged_of(ctx: Context, survivor: Member, ref: Any) -> Member:
    """The duplicate an unmerge names: by member id, or by an identifier that moved to the survivor with it."""
    given = ref.given() if isinstance(ref, cmd.MemberRef) else []
    if len(given) == 1 and given[0][0] != "member_id":
        kind, value = given[0]
        claim = str(ids.claim_id(kind, ids.normalise(kind, value)))
        for merged_id in survivor.absorbed:
            event = _absorbed_event(ctx, survivor, UUID(merged_id))
            if [kind, claim] in [list(pair) for pair in event.moved.get("identifiers", [])]:
                return _exact(ctx, cmd.MemberRef(member_id=UUID(merged_id)), "merged_member_id")
    return _exact(ctx, ref, "merged_member_id")


def unmerge_members(ctx: Context, c: UnmergeMembers) -> Plan:
    reason = checked_text(c.reason, "reason", required=True)
    survivor = _exact(ctx, c.survivor, "survivor")
    merged = _merged_of(ctx, survivor, c.merged)
    if merged.merged_into != survivor.id:
        raise rules.MergeNotFound(f"member {merged.id} is not merged into {survivor.id}",
                                  merged_member_id=str(merged.id))
    absorbed = _absorbed_event(ctx, survivor, merged.id)
    s_change, m_change = ctx.change(survivor), ctx.change(merged)
    s = s_change.current
    by_claim = {str(ids.claim_id(kind, value)): (kind, value) for kind, value in s.identifiers}

    def linked(kind: str, claim: str) -> tuple[str, str] | None:
        pair = by_claim.get(claim)
        if pair is None:
            return None
        owner = ctx.service.store.load_claim(UUID(claim))
        return pair if owner is not None and owner.member_id == s.id else None

    blocking = rules.unmerge_blockers(s, absorbed, linked, ctx.now)
    if blocking:
        raise rules.UnmergeBlocked(f"{len(blocking)} thing(s) that moved were used since the merge",
                                   blocking=blocking)
    pairs = [by_claim[claim] for _, claim in absorbed.moved.get("identifiers", [])]
    points = rules.decide_unmerge(s_change, m_change, absorbed, reason=reason or "", identifiers=pairs)
    for kind, value in pairs:
        ctx.move_claim(kind, value, s.id, merged.id)
    vouchers = [row["code"] for row in absorbed.moved.get("vouchers", [])]
    _move_vouchers(ctx, vouchers, s.id, merged.id)
    result = MergeResult(member_id=s.id, balance=Balance.of(s_change.current), status="unmerged",
                         merged_member_id=merged.id, merged_balance=Balance.of(m_change.current),
                         points_moved=points, lots_moved=len(absorbed.moved.get("lots", [])),
                         vouchers_moved=len(vouchers), identifiers_moved=len(pairs))
    return Plan([*s_change.events, *m_change.events, *ctx.claim_events], result, s_change.current)
