"""The console's actions on a member, each one ordinary idempotent command sent through the application
service (`api.run`, the API's own runner), never a write around it.

Every command names the person as its `actor` (`staff:<username>`) and is recorded under channel `console`
and the store the person acts at; its idempotency key is a hidden field minted when the form was drawn, in
the person's own scope (`console/<username>`), so a double click or a resent form gives the first answer
and never a second adjustment. What was done at a store (a hold, a redemption and the voucher it issued) is
undone only by someone whose stores include it (`may_act_on_store`); a store manager always acts at one of
their stores. A refusal raises `ActionRefused` with words for the page; nothing is written.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from uuid import UUID

from faces.console.accounts import Staff
from faces.console.member_view import current_member
from faces.console.permissions import may_act_on_store
from loyalty_core import commands as cmd
from loyalty_core import events as ev
from loyalty_core.approvals import ApprovalResult, ApproveAdjustment, RefuseAdjustment, RequestAdjustment
from loyalty_core.approvals import load as load_approval
from api.history import member_events

CHANNEL = "console"
MAX_REASON = 500
_KEY = re.compile(r"^[A-Za-z0-9_\-]{8,64}$")
_STORE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.\-]{0,39}$")
CONSENT_CHANNELS = ("zalo", "sms", "email")


class ActionRefused(Exception):
    """A form the console will not send: `key` names the words, `status` the HTTP status of the page."""

    def __init__(self, key: str, status: int = 422, **values: Any):
        self.key, self.status, self.values = key, status, values


@dataclass(frozen=True)
class Done:
    """What the page says after an action: a text key and its values."""

    key: str
    values: dict[str, Any]


class Actions:
    def __init__(self, api: Any, staff: Staff, form: dict[str, str], log: Any):
        self.api, self.staff, self.form, self.log = api, staff, form, log

    # --- what every command carries --------------------------------------------------------------------
    def fields(self) -> dict[str, Any]:
        key = self.form.get("idem", "")
        if not _KEY.match(key):
            raise ActionRefused("csrf", 400)
        return {"idempotency_key": key, "channel": CHANNEL, "store_id": self.acting_store(),
                "actor": self.staff.actor, "idempotency_scope": f"console/{self.staff.username}"}

    def acting_store(self) -> str | None:
        store = (self.form.get("store_id") or "").strip() or None
        if store is not None and not _STORE.match(store):
            raise ActionRefused("forbidden", 403)
        if self.staff.stores:
            store = store or self.staff.stores[0]
            if store not in self.staff.stores:
                raise ActionRefused("forbidden", 403)
        return store

    def reason(self) -> str:
        reason = (self.form.get("reason") or "").strip()
        if not reason:
            raise ActionRefused("reason_required")
        if len(reason) > MAX_REASON:
            raise ActionRefused("reason_too_long", n=MAX_REASON)
        return reason

    def run(self, command: Any) -> Any:
        return self.api.run(command)

    # --- the actions -----------------------------------------------------------------------------------
    def adjust(self, member_id: UUID) -> Done:
        try:
            points = int((self.form.get("points") or "").replace("+", "").replace(" ", ""))
        except ValueError:
            raise ActionRefused("invalid_number") from None
        if points == 0 or abs(points) > 10_000_000:
            raise ActionRefused("invalid_number")
        result = self.run(RequestAdjustment(member=cmd.MemberRef(member_id=member_id), points=points,
                                            reason=self.reason(), **self.fields()))
        if isinstance(result, ApprovalResult) and result.status == "pending":
            return Done("needs_approval", {"points": points,
                                           "threshold": self.api.service.policy.adjustment_approval_threshold()})
        return Done("adjusted", {"points": points})

    def reverse_redemption(self, member_id: UUID) -> Done:
        redemption_id = self.form.get("redemption_id", "")
        self._check_redemption_store(member_id, redemption_id)
        result = self.run(cmd.ReverseRedemption(member=cmd.MemberRef(member_id=member_id),
                                                redemption_id=redemption_id, reason=self.reason(), **self.fields()))
        return Done("reversed_done", {"points": result.points})

    def release(self, member_id: UUID) -> Done:
        reservation_id = self.form.get("reservation_id", "")
        member = current_member(self.api.service, member_id, self.api.service.clock())
        held = member.reservations.get(reservation_id)
        if held is None:
            raise ActionRefused("not_found", 404)
        if not may_act_on_store(self.staff, held.store_id):
            raise ActionRefused("forbidden", 403)
        reason = self.reason()
        self.run(cmd.ReleaseReservation(reservation_id=reservation_id, **self.fields()))
        self._note("release", f"{member_id} {reservation_id}: {reason}")
        return Done("released", {})

    def use_voucher(self, member_id: UUID) -> Done:
        voucher = self._own_voucher(member_id)
        order_ref = (self.form.get("order_ref") or "").strip()[:100] or f"console-{self.form.get('idem', '')}"
        reason = self.reason()
        self.run(cmd.UseVoucher(voucher_code=voucher.code, order_ref=order_ref, **self.fields()))
        self._note("use_voucher", f"{member_id} {voucher.code}: {reason}")
        return Done("voucher_used", {"code": voucher.code})

    def cancel_voucher(self, member_id: UUID) -> Done:
        """A voucher is cancelled by giving back the redemption that issued it (its points return)."""
        voucher = self._own_voucher(member_id)
        if voucher.redemption_id is None:
            raise ActionRefused("not_found", 404)
        self._check_redemption_store(member_id, voucher.redemption_id)
        self.run(cmd.ReverseRedemption(member=cmd.MemberRef(member_id=member_id),
                                       redemption_id=voucher.redemption_id, reason=self.reason(), **self.fields()))
        return Done("voucher_cancelled", {"code": voucher.code})

    def correct_profile(self, member_id: UUID) -> Done:
        name = (self.form.get("name") or "").strip() or None
        birthday = _iso_day((self.form.get("birthday") or "").strip())
        reason = self.reason()
        self.run(cmd.UpdateProfile(member=cmd.MemberRef(member_id=member_id), name=name, birthday=birthday,
                                   **self.fields()))
        self._note("correct_profile", f"{member_id}: {reason}")
        return Done("profile_saved", {})

    def change_consent(self, member_id: UUID) -> Done:
        consent = {channel: self.form.get(channel) == "on" for channel in CONSENT_CHANNELS}
        reason = self.reason()
        self.run(cmd.ChangeConsent(member=cmd.MemberRef(member_id=member_id), consent=consent, **self.fields()))
        self._note("change_consent", f"{member_id}: {reason}")
        return Done("consent_saved", {})

    def link_channel_id(self, member_id: UUID) -> Done:
        value = (self.form.get("value") or "").strip()[:120]
        reason = self.reason()
        self.run(cmd.LinkIdentifier(member=cmd.MemberRef(member_id=member_id), kind="channel_id", value=value,
                                    **self.fields()))
        self._note("link_channel_id", f"{member_id} {value}: {reason}")
        return Done("linked", {"value": value})

    def decide_approval(self, approval_id: UUID, approve: bool) -> Done:
        approval = load_approval(self.api.runtime.store, approval_id)
        if approval is None:
            raise ActionRefused("not_found", 404)
        if not may_act_on_store(self.staff, approval.request.store_id):
            raise ActionRefused("forbidden", 403)
        note, fields = self.reason(), self.fields()
        fields["store_id"] = approval.request.store_id if self.staff.stores else fields["store_id"]
        decide = ApproveAdjustment if approve else RefuseAdjustment
        self.run(decide(approval_id=approval_id, note=note, **fields))
        return Done("approved" if approve else "refused_done", {})

    # --- checks ----------------------------------------------------------------------------------------
    def _own_voucher(self, member_id: UUID) -> Any:
        code = (self.form.get("voucher_code") or "").strip().upper()
        member = current_member(self.api.service, member_id, self.api.service.clock())
        voucher = member.vouchers.get(code)
        if voucher is None:
            raise ActionRefused("not_found", 404)
        return voucher

    def _check_redemption_store(self, member_id: UUID, redemption_id: str) -> None:
        if not self.staff.stores:
            return
        for event in member_events(self.api.runtime, member_id):  # a plain redemption, or a captured hold
            if isinstance(event, (ev.PointsRedeemed, ev.ReservationCaptured)) and \
                    event.redemption_id == redemption_id:
                if not may_act_on_store(self.staff, event.store_id):
                    raise ActionRefused("forbidden", 403)
                return

    def _note(self, action: str, detail: str) -> None:
        """Reasons a command has no field for (a release, a voucher used by CSKH) go to the staff log."""
        self.log(self.staff.username, action, detail)


def _iso_day(text: str) -> str | None:
    if not text:
        return None
    try:
        return datetime.strptime(text, "%d/%m/%Y").date().isoformat()
    except ValueError:
        raise ActionRefused("invalid_date") from None
