"""The plain ledger's handlers: each translates one command into decisions (see loyalty_core/decide.py).

The program (loyalty_core/program_policy.py) replaces or wraps some of them; the service looks a command's
handler up in `HANDLERS` unless the program registered its own.
"""

from __future__ import annotations

from typing import Any, Callable

from loyalty_core import commands as cmd
from loyalty_core.handlers.membership import (change_consent, enroll, erase_member, link_identifier, unlink_identifier,
                                              update_profile)
from loyalty_core.handlers.points import (adjust_points, capture_reservation, change_tier, earn_points, redeem_points,
                                          release_reservation, reserve_points, reverse_redemption, run_due_work,
                                          use_voucher)
from loyalty_core.handlers.refunds import refund_purchase
from loyalty_core.planning import Context, Plan

HANDLERS: dict[type, Callable[[Context, Any], Plan]] = {
    cmd.EnrollMember: enroll, cmd.LinkIdentifier: link_identifier, cmd.UnlinkIdentifier: unlink_identifier,
    cmd.UpdateProfile: update_profile, cmd.ChangeConsent: change_consent, cmd.EarnPoints: earn_points,
    cmd.ReservePoints: reserve_points, cmd.CaptureReservation: capture_reservation,
    cmd.ReleaseReservation: release_reservation, cmd.RedeemPoints: redeem_points,
    cmd.ReverseRedemption: reverse_redemption, cmd.RefundPurchase: refund_purchase,
    cmd.AdjustPoints: adjust_points, cmd.ChangeTier: change_tier, cmd.UseVoucher: use_voucher,
    cmd.RunDueWork: run_due_work, cmd.EraseMember: erase_member,
}
