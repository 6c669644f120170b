"""The rules of merging two members and of undoing it: pure decisions on two `Change`s, no I/O.

Rules decided here (docs/identity.md, "Merging duplicates"):
- Refused: a member into itself, into (or out of) a member already merged, a member that has itself absorbed
  others (no chains: A into B then B into C is refused until A is unmerged from B; merge A and B into C
  instead), members of different programs, and a duplicate with an open reservation (a till is holding its
  points: capture or release first; the merge never cuts a hold short).
- What moves: every open lot, each with its own expiry and pending date (renamed `<lot>~<duplicate id>` so it
  cannot collide with the survivor's lots and an unmerge knows where it came from), a negative balance (debt),
  unused vouchers, every identifier, the purchases (earnings: a refund of a pre-merge sale claws back from the
  survivor; tier-window figures), stamps, daily earning totals and activity counters. Lifetime counters, the
  profile, consent, used vouchers and past redemptions stay on the duplicate as its history.
- Tier: the survivor takes the higher of the two tiers on the program's ladder now; later reviews judge the
  combined figures as usual.
- Unmerge: allowed while what moved is as it arrived (each lot unspent, each voucher unused, each identifier
  still linked, the debt unpaid, the stamps not used on a card, the sales not refunded); otherwise refused with
  `unmerge_blocked` and the list of what blocks it.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Callable
from uuid import UUID

from loyalty_core import errors
from loyalty_core import events as ev
from loyalty_core.decide import Change
from loyalty_core.member import MOVED_MARK, Earning, Lot, Member, Voucher
from loyalty_core.merge_fold import SUMMED, earnings_of, lots_of, vouchers_of


class MergeIntoSelf(errors.LoyaltyError):
    code = "merge_into_self"
    message_vi = "Không thể gộp một hội viên vào chính họ."


class MemberAlreadyMerged(errors.LoyaltyError):
    code = "member_already_merged"
    message_vi = "Hội viên này đã được gộp vào hội viên khác."


class MergeChain(errors.LoyaltyError):
    code = "merge_chain"
    message_vi = "Hội viên này đã gộp hội viên khác vào mình; hãy tách họ ra trước (không gộp nối tiếp)."


class MergeProgramMismatch(errors.LoyaltyError):
    code = "merge_program_mismatch"
    message_vi = "Hai hội viên thuộc hai chương trình khác nhau, không thể gộp."


class MergeOpenReservations(errors.LoyaltyError):
    code = "merge_open_reservations"
    message_vi = "Hội viên bị gộp đang có điểm được giữ chờ thanh toán; hãy trừ hoặc huỷ giữ điểm trước."


class MergeConflict(errors.LoyaltyError):
    code = "merge_conflict"
    message_vi = "Hai hội viên cùng có một giao dịch; không thể gộp."


class MergeNotFound(errors.LoyaltyError):
    code = "merge_not_found"
    message_vi = "Không tìm thấy lần gộp giữa hai hội viên này."


class UnmergeBlocked(errors.LoyaltyError):
    code = "unmerge_blocked"
    message_vi = "Không thể tách: một phần điểm, voucher hoặc định danh đã chuyển sang đã được dùng."


def suffix(merged_id: UUID) -> str:
    return MOVED_MARK + merged_id.hex


def check_mergeable(survivor: Member, merged: Member) -> None:
    if survivor.id == merged.id:
        raise MergeIntoSelf("a member cannot be merged into itself", field="merged_member_id")
    for member, role in ((survivor, "survivor"), (merged, "merged")):
        if member.merged_into is not None:
            raise MemberAlreadyMerged(f"the {role} member {member.id} was already merged into {member.merged_into}",
                                      member_id=str(member.id), merged_into=str(member.merged_into))
    if merged.absorbed:
        raise MergeChain(f"member {merged.id} has absorbed others; unmerge them first or merge them all into "
                         "the survivor", absorbed=sorted(merged.absorbed))
    if survivor.program_code != merged.program_code:
        raise MergeProgramMismatch(f"programs differ: {survivor.program_code} and {merged.program_code}")
    shared = sorted(set(survivor.earnings) & set(merged.earnings))
    if shared:
        raise MergeConflict(f"both members hold the purchase {shared[0]}", references=shared[:20])
    if merged.reservations:
        raise MergeOpenReservations(f"member {merged.id} has {len(merged.reservations)} open reservation(s)",
                                    reservations=sorted(merged.reservations))


# --- what moves, as plain values (the `moved` of the events) -----------------------------------------------


def _lot_row(lot: Lot, lot_id: str) -> dict[str, Any]:
    return {"lot_id": lot_id, "points": lot.points, "remaining": lot.remaining, "earned_at": lot.earned_at,
            "pending_until": lot.pending_until, "expires_at": lot.expires_at, "source": lot.source,
            "reference": lot.reference}


def _voucher_row(v: Voucher) -> dict[str, Any]:
    return {"code": v.code, "reward_id": v.reward_id, "status": v.status, "expires_at": v.expires_at,
            "redemption_id": v.redemption_id}


def _earning_row(e: Earning, lot_id: str | None) -> dict[str, Any]:
    return {"reference": e.transaction_ref, "lot_id": lot_id, "points": e.points, "spend": e.spend,
            "currency": e.currency, "refunded": e.refunded, "points_reversed": e.points_reversed,
            "refund_refs": list(e.refund_refs)}


def bundle(member: Member, rename: Callable[[str], str], identifiers: list[list[str]]) -> dict[str, Any]:
    """Everything open on `member`, with lot ids passed through `rename`."""
    return {
        "lots": [_lot_row(lot, rename(lot.lot_id)) for lot in member.lots.values()],
        "vouchers": [_voucher_row(v) for v in member.vouchers.values() if v.status == "issued"],
        "identifiers": identifiers,
        "earnings": [_earning_row(e, rename(e.lot_id) if e.lot_id else None) for e in member.earnings.values()],
        "purchases": [[at, spend, points] for at, spend, points in member.purchases],
        **{name: dict(getattr(member, name)) for name in SUMMED},
        "purchase_count": member.purchase_count,
        "debt": member.debt,
    }


def decide_merge(survivor: Change, merged: Change, *, reason: str, tier_after: str,
                 claim_ids: dict[tuple[str, str], str]) -> int:
    """Write the merge on both changes; the points that moved (available and pending)."""
    s, m = survivor.current, merged.current
    check_mergeable(s, m)
    end = suffix(m.id)
    identifiers = [[kind, claim_ids[(kind, value)]] for kind, value in m.identifiers]
    points = m.points_available + m.points_pending
    for kind, value in m.identifiers:
        merged.add(ev.IdentifierUnlinked, kind=kind, value=value)
    merged.add(ev.MemberMergedInto, survivor_id=s.id, reason=reason, points_moved=points)
    new_keys = {name: sorted(k for k in getattr(m, name) if k not in getattr(s, name)) for name in SUMMED}
    latest = max((t for t in (s.last_activity_at, m.last_activity_at) if t is not None), default=None)
    survivor.add(ev.MemberAbsorbed, merged_member_id=m.id, reason=reason,
                 moved=bundle(m, lambda lot_id: lot_id + end, identifiers),
                 new_keys={k: v for k, v in new_keys.items() if v}, tier_before=s.tier, tier_after=tier_after,
                 tier_changed_before=s.last_tier_change_at, last_activity_before=s.last_activity_at,
                 last_activity_after=latest)
    for kind, value in m.identifiers:
        survivor.add(ev.IdentifierLinked, kind=kind, value=value)
    return points


# --- undoing it -------------------------------------------------------------------------------------------------


def unmerge_blockers(survivor: Member, absorbed: ev.MemberAbsorbed,
                     linked: Callable[[str, str], tuple[str, str] | None], now: datetime) -> list[dict[str, Any]]:
    """What stops the merge `absorbed` from being undone now; `linked(kind, claim id)` finds the survivor's
    identifier of that claim, or None when it is no longer the survivor's."""
    blocking: list[dict[str, Any]] = []
    end = suffix(absorbed.merged_member_id)
    for lot_id, moved in lots_of(absorbed.moved).items():
        lot = survivor.lots.get(lot_id)
        if lot is None or lot.remaining != moved.remaining:
            problem = "expired" if lot is None and moved.expires_at is not None and moved.expires_at <= now \
                else "spent"
            blocking.append({"what": "lot", "id": lot_id[: -len(end)], "problem": problem,
                             "points": moved.remaining, "left": lot.remaining if lot else 0})
    for code in vouchers_of(absorbed.moved):
        now_v = survivor.vouchers.get(code)
        if now_v is None or now_v.status != "issued":
            blocking.append({"what": "voucher", "id": code, "problem": now_v.status if now_v else "gone"})
    for kind, claim in absorbed.moved.get("identifiers", []):
        if linked(kind, claim) is None:
            blocking.append({"what": "identifier", "id": kind, "problem": "unlinked"})
    for reference, earning in earnings_of(absorbed.moved).items():
        if survivor.earnings.get(reference) != earning:
            blocking.append({"what": "purchase", "id": reference, "problem": "refunded"})
    if survivor.debt < absorbed.moved.get("debt", 0):
        blocking.append({"what": "debt", "id": "", "problem": "paid"})
    for card, n in absorbed.moved.get("stamps", {}).items():
        if survivor.stamps.get(card, 0) < n:
            blocking.append({"what": "stamps", "id": card, "problem": "used"})
    return blocking


def decide_unmerge(survivor: Change, merged: Change, absorbed: ev.MemberAbsorbed, *, reason: str,
                   identifiers: list[tuple[str, str]]) -> int:
    """Give back what `absorbed` brought (the caller checked `unmerge_blockers`); the points given back."""
    s, m = survivor.current, merged.current
    end = suffix(m.id)
    moved = absorbed.moved
    # The lots as they are now (a pending lot may have been released since) under the duplicate's own ids.
    current = {lot_id: s.lots[lot_id] for lot_id in lots_of(moved)}
    back = dict(moved)
    back["lots"] = [_lot_row(lot, lot_id[: -len(end)]) for lot_id, lot in current.items()]
    back["earnings"] = [{**row, "lot_id": row["lot_id"][: -len(end)] if row["lot_id"] else None}
                        for row in moved.get("earnings", [])]
    leaving = dict(moved)
    leaving["lots"] = [_lot_row(lot, lot_id) for lot_id, lot in current.items()]
    # Counters the survivor pruned since (old days) leave only as far as they are still there.
    for name in SUMMED:
        mine = getattr(s, name)
        leaving[name] = {k: min(n, mine[k]) for k, n in moved.get(name, {}).items() if k in mine}
    for kind, value in identifiers:
        survivor.add(ev.IdentifierUnlinked, kind=kind, value=value)
    tier_changed = absorbed.tier_after != absorbed.tier_before
    keep_tier = not tier_changed or s.tier != absorbed.tier_after or s.last_tier_change_at != absorbed.timestamp
    survivor.add(ev.MemberAbsorptionReversed, merged_member_id=m.id, reason=reason, moved=leaving,
                 new_keys=absorbed.new_keys, tier=None if keep_tier else absorbed.tier_before,
                 tier_changed_at=None if keep_tier else absorbed.tier_changed_before,
                 last_activity_at=absorbed.last_activity_before,
                 restore_last_activity=s.last_activity_at == absorbed.last_activity_after)
    merged.add(ev.MemberUnmerged, survivor_id=s.id, reason=reason, moved=back)
    for kind, value in identifiers:
        merged.add(ev.IdentifierLinked, kind=kind, value=value)
    return merged.current.points_available + merged.current.points_pending
