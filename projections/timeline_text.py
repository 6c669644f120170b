"""Timeline lines in words a CSKH agent uses, in Vietnamese (default) or English.

The timeline stores each event's facts, not its sentence, and the sentence is written here when the line
is read: wording can improve, or a language be added, without a rebuild. Numbers follow the reader's
locale through `babel`: "1.000 điểm", "125.000 ₫" in Vietnamese; "1,000 points", "₫125,000" in English.
Times are shown on the Ho Chi Minh clock, because that is the clock on the shop wall.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any, Callable

from babel.numbers import format_currency, format_decimal

from loyalty_core.member import HCM

LOCALES = {"vi": "vi_VN", "en": "en"}

CHANNELS = {
    "vi": {"pos": "Tại cửa hàng", "web": "Website", "app": "Ứng dụng", "zalo": "Zalo OA", "shopee": "Shopee",
           "lazada": "Lazada", "tiki": "Tiki", "tiktok": "TikTok Shop", "cli": "Quản trị viên",
           "worker": "Hệ thống tự động", "api": "API"},
    "en": {"pos": "In store", "web": "Website", "app": "App", "zalo": "Zalo OA", "shopee": "Shopee",
           "lazada": "Lazada", "tiki": "Tiki", "tiktok": "TikTok Shop", "cli": "Back office",
           "worker": "Automatic", "api": "API"},
}
_WORDS = {
    "vi": {"phone": "số điện thoại", "email": "email", "member_code": "mã thành viên", "qr_token": "mã QR",
           "channel_id": "tài khoản kênh", "name": "họ tên", "birthday": "ngày sinh", "yes": "có",
           "no": "không", "qualified": "đủ điều kiện", "downgraded_at_review": "xét hạng định kỳ",
           "manual": "điều chỉnh thủ công",
           "cancelled": "đã hủy", "timed_out": "hết thời gian giữ", "expired": "hết hạn",
           "purchase": "mua hàng", "activity": "hoạt động", "bonus": "thưởng", "referral": "giới thiệu bạn",
           "adjustment": "điều chỉnh", "inactivity": "không hoạt động", "lot_expiry": "đến hạn"},
    "en": {"phone": "phone number", "email": "email", "member_code": "member code", "qr_token": "QR code",
           "channel_id": "channel account", "name": "name", "birthday": "birthday", "yes": "yes", "no": "no",
           "qualified": "qualified", "downgraded_at_review": "periodic review", "manual": "manual change",
           "cancelled": "cancelled", "timed_out": "hold timed out", "expired": "expired",
           "purchase": "purchase", "activity": "activity", "bonus": "bonus", "referral": "referral",
           "adjustment": "adjustment", "inactivity": "inactivity", "lot_expiry": "lot expiry"},
}


class Words:
    """Formatting for one language."""

    def __init__(self, lang: str):
        self.lang = lang if lang in LOCALES else "vi"
        self.vi = self.lang == "vi"
        self.locale = LOCALES[self.lang]

    def word(self, key: Any) -> str:
        return _WORDS[self.lang].get(str(key), str(key))

    def points(self, n: Any) -> str:
        number = format_decimal(abs(int(n)), locale=self.locale)
        return f"{number} điểm" if self.vi else f"{number} point{'' if abs(int(n)) == 1 else 's'}"

    def money(self, amount: Any, currency: str = "VND") -> str:
        return format_currency(Decimal(str(amount)), currency or "VND", locale=self.locale)

    def when(self, value: Any) -> str:
        at = value if isinstance(value, datetime) else datetime.fromisoformat(str(value))
        return at.astimezone(HCM).strftime("%d/%m/%Y %H:%M")

    def day(self, value: Any) -> str:
        return self.when(value)[:10]

    def channel(self, channel: str) -> str:
        return CHANNELS[self.lang].get(channel, channel)


def _mask(kind: str, value: str) -> str:
    # A QR token lets anyone spend the member's points: show only its end.
    return f"…{value[-4:]}" if kind == "qr_token" else value


def _enrolled(w: Words, d: dict) -> str:
    return f"Đăng ký thành viên, hạng {d['tier']}" if w.vi else f"Joined the programme, tier {d['tier']}"


def _linked(w: Words, d: dict) -> str:
    what = f"{w.word(d['kind'])}: {_mask(d['kind'], d['value'])}"
    return f"Liên kết {what}" if w.vi else f"Linked {what}"


def _unlinked(w: Words, d: dict) -> str:
    what = f"{w.word(d['kind'])}: {_mask(d['kind'], d['value'])}"
    return f"Gỡ liên kết {what}" if w.vi else f"Unlinked {what}"


def _profile(w: Words, d: dict) -> str:
    fields = ", ".join(w.word(k) for k in d.get("changes", {}))
    return f"Cập nhật hồ sơ: {fields}" if w.vi else f"Profile updated: {fields}"


def _consent(w: Words, d: dict) -> str:
    changes = ", ".join(f"{k.upper() if len(k) <= 3 else k.capitalize()}: {w.word('yes' if v else 'no')}"
                        for k, v in d.get("changes", {}).items())
    return f"Thay đổi đồng ý nhận tin: {changes}" if w.vi else f"Consent changed: {changes}"


def _tier(w: Words, d: dict) -> str:
    why = w.word(d.get("reason", ""))
    return (f"Đổi hạng từ {d['from_tier']} sang {d['to_tier']} ({why})" if w.vi
            else f"Tier changed from {d['from_tier']} to {d['to_tier']} ({why})")


def _earned(w: Words, d: dict) -> str:
    pts = w.points(d["points"])
    if d.get("source") == "purchase":
        spend = w.money(d.get("qualifying_spend", 0), d.get("currency", "VND"))
        text = (f"Tích {pts} từ đơn hàng {d['reference']} (chi tiêu {spend})" if w.vi
                else f"Earned {pts} on order {d['reference']} (spent {spend})")
    else:
        source = w.word(d.get("source", ""))
        text = f"Tích {pts} ({source}: {d['reference']})" if w.vi else \
            f"Earned {pts} ({source}: {d['reference']})"
    if d.get("pending_until"):
        text += (f", chờ xác nhận đến {w.day(d['pending_until'])}" if w.vi
                 else f", pending until {w.day(d['pending_until'])}")
    if d.get("expires_at"):
        text += f", hết hạn {w.day(d['expires_at'])}" if w.vi else f", expires {w.day(d['expires_at'])}"
    if d.get("debt_settled"):
        debt = w.points(d["debt_settled"])
        text += f", trả nợ {debt}" if w.vi else f", {debt} paid off a negative balance"
    return text


def _purchase(w: Words, d: dict) -> str:
    spend = w.money(d.get("spend", 0), d.get("currency", "VND"))
    return (f"Ghi nhận đơn hàng {d['transaction_ref']} ({spend}), không được tích điểm" if w.vi
            else f"Recorded order {d['transaction_ref']} ({spend}), no points earned")


def _released(w: Words, d: dict) -> str:
    pts = w.points(d["points"])
    return f"{pts} chờ xác nhận nay đã có thể sử dụng" if w.vi else f"{pts} pending are now available"


def _reversed(w: Words, d: dict) -> str:
    amount, pts = w.money(d["refund_amount"]), w.points(d["points_reversed"])
    text = (f"Hoàn tiền {amount} cho đơn {d['transaction_ref']}: trừ {pts}" if w.vi
            else f"Refund of {amount} on order {d['transaction_ref']}: {pts} taken back")
    if d.get("shortfall"):
        short = w.points(d["shortfall"])
        text += (f"; thiếu {short} vì điểm đã được dùng ({d.get('settled_by')})" if w.vi
                 else f"; {short} short because they were already spent ({d.get('settled_by')})")
    return text


def _reserved(w: Words, d: dict) -> str:
    pts, until = w.points(d["points"]), w.when(d["hold_until"])
    return (f"Tạm giữ {pts} cho đơn {d['order_ref']} đến {until}" if w.vi
            else f"Held {pts} for order {d['order_ref']} until {until}")


def _captured(w: Words, d: dict) -> str:
    pts = w.points(d["points"])
    text = f"Dùng {pts} đã tạm giữ" if w.vi else f"Spent {pts} that were held"
    if d.get("released_points"):
        back = w.points(d["released_points"])
        text += f", trả lại {back}" if w.vi else f", {back} returned"
    return text


def _hold_released(w: Words, d: dict) -> str:
    pts, why = w.points(d["points"]), w.word(d.get("reason", ""))
    return f"Trả lại {pts} đã tạm giữ ({why})" if w.vi else f"Released {pts} that were held ({why})"


def _redeemed(w: Words, d: dict) -> str:
    text = (f"Đổi {w.points(d['points'])} cho đơn {d['order_ref']}" if w.vi
            else f"Redeemed {w.points(d['points'])} on order {d['order_ref']}")
    if d.get("reward_id"):
        text += f", quà {d['reward_id']}" if w.vi else f", reward {d['reward_id']}"
    if d.get("voucher_code"):
        text += f", voucher {d['voucher_code']}"
    if d.get("discount_amount"):
        discount = w.money(d["discount_amount"])
        text += f", giảm {discount}" if w.vi else f", {discount} off"
    return text


def _restored(w: Words, d: dict) -> str:
    text = (f"Hoàn lại {w.points(d['points'])} của lần đổi điểm {d['redemption_id']}" if w.vi
            else f"Restored {w.points(d['points'])} from redemption {d['redemption_id']}")
    return f"{text}: {d['reason']}" if d.get("reason") else text


def _adjusted(w: Words, d: dict) -> str:
    pts, up = w.points(d["delta"]), int(d["delta"]) > 0
    if w.vi:
        return f"{'Cộng' if up else 'Trừ'} {pts}: {d['reason']}"
    return f"{'Added' if up else 'Deducted'} {pts}: {d['reason']}"


def _expired(w: Words, d: dict) -> str:
    pts, why = w.points(d["points"]), w.word(d.get("policy", ""))
    return f"{pts} hết hạn ({why})" if w.vi else f"{pts} expired ({why})"


def _voucher_issued(w: Words, d: dict) -> str:
    return (f"Nhận voucher {d['voucher_code']} (quà {d['reward_id']})" if w.vi
            else f"Received voucher {d['voucher_code']} (reward {d['reward_id']})")


def _voucher_used(w: Words, d: dict) -> str:
    return (f"Dùng voucher {d['voucher_code']} cho đơn {d['order_ref']}" if w.vi
            else f"Used voucher {d['voucher_code']} on order {d['order_ref']}")


def _voucher_cancelled(w: Words, d: dict) -> str:
    why = w.word("expired" if d.get("reason") == "expired" else "cancelled")
    return f"Voucher {d['voucher_code']} {why}" if w.vi else f"Voucher {d['voucher_code']} {why}"


def _card_secret(w: Words, d: dict) -> str:
    if d.get("secret_id") is None:
        return "Thu hồi thẻ điện tử (mã thẻ cũ không còn dùng được)" if w.vi else \
            "Digital card revoked (its codes no longer work)"
    return "Cấp thẻ điện tử mới trên ứng dụng" if w.vi else "New digital card issued in the app"


def _moved(w: Words, d: dict) -> str:
    moved = d.get("moved") or {}
    points = sum(int(lot["remaining"]) for lot in moved.get("lots", [])) - int(moved.get("debt", 0))
    parts = [w.points(points) if points >= 0 else f"-{w.points(points)}"]
    for key, vi, en in (("lots", "lô điểm", "point lots"), ("vouchers", "voucher", "vouchers"),
                        ("identifiers", "định danh", "identifiers")):
        parts.append(f"{len(moved.get(key, []))} {vi if w.vi else en}")
    return ", ".join(parts)


def _other(d: dict, key: str) -> str:
    return str(d.get(key, ""))[:8]


def _merged_into(w: Words, d: dict) -> str:
    points = w.points(d.get("points_moved", 0))
    return (f"Đã gộp vào hội viên {_other(d, 'survivor_id')}…: chuyển {points} cùng voucher và định danh sang "
            f"(lý do: {d.get('reason', '')})" if w.vi else
            f"Merged into member {_other(d, 'survivor_id')}…: {points} moved there with vouchers and identifiers "
            f"(reason: {d.get('reason', '')})")


def _absorbed(w: Words, d: dict) -> str:
    return (f"Gộp hội viên trùng {_other(d, 'merged_member_id')}… vào: nhận {_moved(w, d)} "
            f"(lý do: {d.get('reason', '')})" if w.vi else
            f"Duplicate member {_other(d, 'merged_member_id')}… merged in: received {_moved(w, d)} "
            f"(reason: {d.get('reason', '')})")


def _unmerged(w: Words, d: dict) -> str:
    return (f"Tách khỏi hội viên {_other(d, 'survivor_id')}…: nhận lại {_moved(w, d)} (lý do: {d.get('reason', '')})"
            if w.vi else
            f"Unmerged from member {_other(d, 'survivor_id')}…: got back {_moved(w, d)} (reason: {d.get('reason', '')})")


def _absorption_reversed(w: Words, d: dict) -> str:
    return (f"Tách hội viên {_other(d, 'merged_member_id')}… ra: trả lại {_moved(w, d)} (lý do: {d.get('reason', '')})"
            if w.vi else
            f"Member {_other(d, 'merged_member_id')}… unmerged: gave back {_moved(w, d)} (reason: {d.get('reason', '')})")


SENTENCES: dict[str, Callable[[Words, dict], str]] = {
    "MemberEnrolled": _enrolled, "IdentifierLinked": _linked, "IdentifierUnlinked": _unlinked,
    "ProfileUpdated": _profile, "ConsentChanged": _consent, "TierChanged": _tier, "PointsEarned": _earned,
    "PurchaseRecorded": _purchase, "PendingPointsReleased": _released, "EarnReversed": _reversed,
    "PointsReserved": _reserved, "ReservationCaptured": _captured, "ReservationReleased": _hold_released,
    "PointsRedeemed": _redeemed, "RedemptionReversed": _restored, "PointsAdjusted": _adjusted,
    "PointsExpired": _expired, "VoucherIssued": _voucher_issued, "VoucherUsed": _voucher_used,
    "VoucherCancelled": _voucher_cancelled, "CardSecretIssued": _card_secret,
    "MemberMergedInto": _merged_into, "MemberAbsorbed": _absorbed, "MemberUnmerged": _unmerged,
    "MemberAbsorptionReversed": _absorption_reversed,
}


def sentence(kind: str, facts: dict, lang: str = "vi") -> str:
    """One line for one event; an event this module does not know yet is shown by its name."""
    writer = SENTENCES.get(kind)
    if writer is None:
        return kind
    try:
        return writer(Words(lang), facts)
    except (KeyError, TypeError, ValueError):
        return kind  # a line that cannot be written must not hide the rest of the timeline
